/*
 * fuzz_design_load.c - arbitrary bytes as a design file, read with
 * ampsim_design_load(): the XML parser settings (no DTDs, no entities, no
 * network), RelaxNG validation against netlists/schema/design.rng, and the
 * conversion into designs (numbers, paths, parameters, includes).
 *
 * Built only once a source under src/lib defines ampsim_design_load() (see
 * targets.cmake). Nothing is simulated: the function only reads and checks.
 *
 * LLVMFuzzerInitialize() builds a private folder once:
 *
 *   ampsim-fuzz-design-XXXXXX/
 *     outside/secret.txt     what an XXE or a path would reach
 *     work/design.xml        each input, rewritten every run
 *     work/stage.cir         a user stage (file="stage.cir" subckt="amp")
 *
 * Checked besides memory safety (ASan, UBSan, LeakSanitizer):
 *   - a failure returns a documented code, leaves *out NULL and sets a
 *     message;
 *   - a success gives a list whose strings are terminated within their
 *     arrays;
 *   - nothing in outside/ is opened, whatever the result (an inotify watch
 *     reports any open: an external entity, DTD or XInclude would);
 *   - nothing is written into the folder but design.xml itself.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ampsim/design.h"
#include "ampsim/error.h"
#include "fuzz.h"

#ifndef AMPSIM_FUZZ_NETLIST_DIR
#define AMPSIM_FUZZ_NETLIST_DIR "netlists"
#endif

static char root[4096];
static char work_dir[4200];
static char design_path[4300];
static int n_work_entries;
static int watch_fd = -1;

static void write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
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
  static const char *const paths[] = {
    "work/design.xml", "work/stage.cir", "outside/secret.txt", NULL,
  };
  static const char *const dirs[] = { "work", "outside", "", NULL };
  char path[8192];
  if (root[0] == '\0')
    return;
  for (int i = 0; paths[i] != NULL; i++) {
    snprintf(path, sizeof path, "%s/%s", root, paths[i]);
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

  /* The schema is found under the netlist folder. */
  setenv("AMPSIM_NETLIST_DIR", AMPSIM_FUZZ_NETLIST_DIR, 0);
  snprintf(root, sizeof root, "%s/ampsim-fuzz-design-XXXXXX",
           tmp != NULL && tmp[0] ? tmp : "/tmp");
  if (mkdtemp(root) == NULL) {
    perror(root);
    abort();
  }
  atexit(remove_tree);
  snprintf(work_dir, sizeof work_dir, "%s/work", root);
  snprintf(design_path, sizeof design_path, "%s/design.xml", work_dir);
  snprintf(path, sizeof path, "%s/outside", root);
  if (mkdir(work_dir, 0700) != 0 || mkdir(path, 0700) != 0) {
    perror(root);
    abort();
  }
  snprintf(path, sizeof path, "%s/outside/secret.txt", root);
  write_file(path, "outside the design's folder\n");
  snprintf(path, sizeof path, "%s/stage.cir", work_dir);
  write_file(path, ".subckt amp in out vp vn gnd\nE1 out gnd in gnd 2\n.ends\n");
  write_file(design_path, "");
  n_work_entries = count_entries(work_dir);
  watch_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  snprintf(path, sizeof path, "%s/outside", root);
  if (watch_fd < 0 || inotify_add_watch(watch_fd, path, IN_OPEN | IN_ACCESS) < 0) {
    perror("inotify");
    abort();
  }
  return 0;
}

/* Whether something in outside/ was opened or read since the last call. */
static int outside_touched(void)
{
  char events[4096];
  int touched = 0;
  while (read(watch_fd, events, sizeof events) > 0)
    touched = 1;
  return touched;
}

/* A char array field is terminated within the array. */
#define CHECK_FIELD(field)                                                     \
  FUZZ_CHECK(memchr((field), '\0', sizeof(field)) != NULL, #field " not terminated")

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  ampsim_design_list *list = (ampsim_design_list *)&list;
  FILE *f;
  int rc;

  f = fopen(design_path, "wb");
  if (f == NULL || (size > 0 && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
    perror(design_path);
    abort();
  }
  outside_touched();
  ampsim_error_clear();
  rc = ampsim_design_load(&list, design_path);
  FUZZ_CHECK(!outside_touched(), "opened a file outside the design's folder (rc %d, %s)", rc,
             rc == 0 ? "loaded" : ampsim_error_last());
  if (rc == 0) {
    FUZZ_CHECK(list != NULL, "success without a list");
    FUZZ_CHECK(list->n == 0 || list->items != NULL, "%zu designs, no items", list->n);
    for (size_t i = 0; i < list->n; i++) {
      const ampsim_design *d = &list->items[i];
      CHECK_FIELD(d->name);
      CHECK_FIELD(d->stage_spec);
      CHECK_FIELD(d->load_spec);
      CHECK_FIELD(d->origin);
      CHECK_FIELD(d->base_dir);
    }
    ampsim_design_list_free(list);
  } else {
    FUZZ_CHECK(rc == AMPSIM_ENOTFOUND || rc == AMPSIM_EIO || rc == AMPSIM_EPARSE ||
                   rc == AMPSIM_EINVAL || rc == AMPSIM_EDENIED || rc == AMPSIM_ERANGE ||
                   rc == AMPSIM_ENOMEM,
               "load returned %d (%s)", rc, ampsim_error_last());
    FUZZ_CHECK(list == NULL, "failure left *out set");
    FUZZ_CHECK(ampsim_error_last()[0] != '\0', "failure without a message");
  }
  FUZZ_CHECK(count_entries(work_dir) == n_work_entries, "a file appeared in %s", work_dir);
  return 0;
}
