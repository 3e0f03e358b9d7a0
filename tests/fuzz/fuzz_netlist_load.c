/*
 * fuzz_netlist_load.c - arbitrary bytes as a stage file on disk, read with
 * ampsim_netlist_load(): include expansion, .lib sections, continuation
 * lines, the UTF-8 and NUL checks, the include policy.
 *
 * LLVMFuzzerInitialize() builds a private folder once:
 *
 *   ampsim-fuzz-XXXXXX/
 *     outside/secret.cir      outside the policy
 *     allowed/                the only allowed folder (also the top file's)
 *       input.cir             each input, rewritten every run
 *       inc.cir  lib.lib  sub/deep.cir  self.cir  control.cir  bom.cir
 *       escape.cir -> ../outside/secret.cir   (a symlink out)
 *
 * so that inputs can reach real includes, sections, loops, a refused file and
 * an escape (the dictionary netlist.dict names them all). Checked besides
 * memory safety (ASan, UBSan, LeakSanitizer):
 *   - a failure returns one of the documented codes, leaves *out NULL, and
 *     sets a message;
 *   - a success gives text that passes ampsim_netlist_scan();
 *   - nothing in outside/ is opened, whatever the result: an inotify watch
 *     reports any open (a marker in secret.cir would not do: the fuzzer
 *     learns it and writes it into its inputs);
 *   - nothing is written into the folder but input.cir itself.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ampsim/error.h"
#include "ampsim/netlist.h"
#include "fuzz.h"

static char root[4096];
static char allowed_dir[4200];
static char input_path[4300];
static int n_allowed_entries;
static int watch_fd = -1;

static void write_file(const char *dir, const char *name, const char *text)
{
  char path[8192];
  FILE *f;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  f = fopen(path, "w");
  if (f == NULL || fputs(text, f) == EOF || fclose(f) != 0) {
    perror(path);
    abort();
  }
}

static int count_entries(const char *dir)
{
  DIR *d = opendir(dir);
  struct dirent *de;
  int n = 0;
  if (d == NULL)
    return -1;
  while ((de = readdir(d)) != NULL)
    if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
      n++;
  closedir(d);
  return n;
}

static void remove_tree(void)
{
  static const char *const files[] = {
    "allowed/input.cir", "allowed/inc.cir", "allowed/lib.lib", "allowed/sub/deep.cir",
    "allowed/self.cir", "allowed/control.cir", "allowed/bom.cir", "allowed/escape.cir",
    "outside/secret.cir", NULL,
  };
  static const char *const dirs[] = { "allowed/sub", "allowed", "outside", "", NULL };
  char path[8192];
  if (root[0] == '\0')
    return;
  for (int i = 0; files[i] != NULL; i++) {
    snprintf(path, sizeof path, "%s/%s", root, files[i]);
    unlink(path);
  }
  for (int i = 0; dirs[i] != NULL; i++) {
    snprintf(path, sizeof path, "%s/%s", root, dirs[i]);
    rmdir(path);
  }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  const char *tmp = getenv("TMPDIR");
  char path[8192];
  (void)argc;
  (void)argv;

  snprintf(root, sizeof root, "%s/ampsim-fuzz-XXXXXX", tmp != NULL && tmp[0] ? tmp : "/tmp");
  if (mkdtemp(root) == NULL) {
    perror(root);
    abort();
  }
  atexit(remove_tree);
  snprintf(allowed_dir, sizeof allowed_dir, "%s/allowed", root);
  snprintf(input_path, sizeof input_path, "%s/input.cir", allowed_dir);
  snprintf(path, sizeof path, "%s/outside", root);
  if (mkdir(allowed_dir, 0700) != 0 || mkdir(path, 0700) != 0) {
    perror(root);
    abort();
  }
  write_file(path, "secret.cir", "* outside the policy\n.subckt secret in out vp vn gnd\n"
                                 "R1 in out 1k\n.ends\n");
  snprintf(path, sizeof path, "%s/sub", allowed_dir);
  if (mkdir(path, 0700) != 0) {
    perror(path);
    abort();
  }
  write_file(allowed_dir, "inc.cir",
             "* a plain include\n.subckt amp in out vp vn gnd\nR1 in out 1k\n+ tc1=0\n.ends\n");
  write_file(allowed_dir, "lib.lib",
             "* sections, one of them reading itself\n"
             ".lib tt\n.model dtt d(is=1e-14)\n.endl tt\n"
             ".lib ff\n.model dff d(is=1e-13)\n.include inc.cir\n.endl\n"
             ".lib loop\n.lib lib.lib loop\n.endl\n");
  write_file(path, "deep.cir", ".include ../inc.cir\n.lib ../lib.lib ff\n");
  write_file(allowed_dir, "self.cir", "* a loop\n.include self.cir\n");
  write_file(allowed_dir, "control.cir", ".control\nshell touch /tmp/ampsim-fuzz-pwned\n.endc\n");
  write_file(allowed_dir, "bom.cir", "\xEF\xBB\xBF* byte-order mark\r\nR1 a b 1\r\n");
  write_file(allowed_dir, "input.cir", "");
  snprintf(path, sizeof path, "%s/escape.cir", allowed_dir);
  if (symlink("../outside/secret.cir", path) != 0) {
    perror(path);
    abort();
  }
  n_allowed_entries = count_entries(allowed_dir);
  /* Opens of anything in outside/ (secret.cir). Not of system files such as
   * /etc/passwd: other processes open those at any time. */
  watch_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  snprintf(path, sizeof path, "%s/outside", root);
  if (watch_fd < 0 || inotify_add_watch(watch_fd, path, IN_OPEN | IN_ACCESS) < 0) {
    perror("inotify");
    abort();
  }
  return 0;
}

/* Whether something under watch was opened or read since the last call. */
static int outside_touched(void)
{
  char events[4096];
  int touched = 0;
  while (read(watch_fd, events, sizeof events) > 0)
    touched = 1;
  return touched;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *const dirs[] = { allowed_dir };
  ampsim_netlist_policy policy = AMPSIM_NETLIST_POLICY_INIT;
  char *out = (char *)"untouched";
  FILE *f;
  int rc;

  f = fopen(input_path, "wb");
  if (f == NULL || (size > 0 && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
    perror(input_path);
    abort();
  }
  policy.allowed_dirs = dirs;
  policy.n_allowed_dirs = 1;
  /* Small limits keep include bombs fast; the checks are the same. */
  policy.max_bytes = 1u << 20;
  policy.max_include_depth = 16;

  outside_touched();
  ampsim_error_clear();
  rc = ampsim_netlist_load(&out, input_path, &policy);
  FUZZ_CHECK(!outside_touched(), "opened a file outside the allowed folder (rc %d, %s)", rc,
             rc == 0 ? "loaded" : ampsim_error_last());
  if (rc == 0) {
    FUZZ_CHECK(out != NULL, "success without text");
    FUZZ_CHECK(ampsim_netlist_scan(out, "expanded") == 0, "expanded text refused: %s",
               ampsim_error_last());
    free(out);
  } else {
    FUZZ_CHECK(rc == AMPSIM_ENOTFOUND || rc == AMPSIM_EIO || rc == AMPSIM_EDENIED ||
                   rc == AMPSIM_EPARSE || rc == AMPSIM_ENOMEM,
               "load returned %d (%s)", rc, ampsim_error_last());
    FUZZ_CHECK(out == NULL, "failure left *out set");
    FUZZ_CHECK(ampsim_error_last()[0] != '\0', "failure without a message");
  }
  FUZZ_CHECK(count_entries(allowed_dir) == n_allowed_entries, "a file appeared in %s",
             allowed_dir);
  return 0;
}
