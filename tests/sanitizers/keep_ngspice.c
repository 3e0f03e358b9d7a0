/*
 * keep_ngspice.c - an LD_PRELOAD helper for the sanitizer test runs only
 * (tests/CMakeLists.txt preloads it when AMPSIM_SANITIZE is set; it is never
 * part of libampsim or the tool).
 *
 * Why: the engine dlclose()s libngspice when it is freed and after a
 * ControlledExit. LeakSanitizer checks for leaks at process exit, when the
 * library is no longer mapped, so (1) what ngspice still held in its globals at
 * unload is reported as leaked, and (2) every frame inside ngspice prints as
 * "(<unknown module>)", which a suppression cannot match before LLVM 15
 * (google/sanitizers#89, #899, #1653). Every report then looks the same,
 * whether the leak is ngspice's or ours.
 *
 * What: dlclose() of a libngspice handle only counts down; at 0 the instance
 * is "retired" but stays mapped, so its globals stay roots for LeakSanitizer
 * and its frames keep their module name. A later dlopen() of
 * libngspice, when every earlier instance is retired, loads a private copy of
 * the file instead, so that the engine still gets a fresh ngspice with fresh
 * static state, exactly as after a real dlclose(). Everything else is passed
 * through untouched. The copy is unlinked once mapped; its module name
 * ("/tmp/ampsim-keep-ngspice-XXXXXX/libngspice...") still contains
 * "libngspice", which tests/sanitizers/lsan.supp matches.
 *
 * Not thread-safe: the tests load ngspice from one thread per process (a
 * simulation worker opens one engine and exits). The bookkeeping is a fixed
 * table, without malloc; more than KEEP_MAX loads in one process abort.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KEEP_MAX 64

typedef struct kept {
  void *handle;
  int count;  /* our own reference count; 0 = retired, still mapped */
} kept;

static kept kept_v[KEEP_MAX];
static int kept_n;
static int original_loaded;

static void *(*real_dlopen)(const char *, int);
static int (*real_dlclose)(void *);

static int resolve(void)
{
  /* Through uintptr_t: ISO C has no object-to-function pointer conversion. */
  if (real_dlopen == NULL)
    real_dlopen = (void *(*)(const char *, int))(uintptr_t)dlsym(RTLD_NEXT, "dlopen");
  if (real_dlclose == NULL)
    real_dlclose = (int (*)(void *))(uintptr_t)dlsym(RTLD_NEXT, "dlclose");
  return real_dlopen != NULL && real_dlclose != NULL;
}

static int is_ngspice(const char *file)
{
  const char *base;
  if (file == NULL)
    return 0;
  base = strrchr(file, '/');
  base = base != NULL ? base + 1 : file;
  return strncmp(base, "libngspice.so", 13) == 0;
}

static kept *find(void *handle)
{
  for (int i = 0; i < kept_n; i++)
    if (kept_v[i].handle == handle)
      return &kept_v[i];
  return NULL;
}

/* Copy the library to a private folder and load the copy: a fresh instance. */
static void *load_copy(const char *file, int flags)
{
  char dir[4096], path[4200], buf[65536];
  const char *tmp = getenv("TMPDIR");
  const char *base = strrchr(file, '/');
  void *handle = NULL;
  int in = -1, out = -1, ok = 1;
  ssize_t n;

  base = base != NULL ? base + 1 : file;
  snprintf(dir, sizeof dir, "%s/ampsim-keep-ngspice-XXXXXX",
           tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
  if (mkdtemp(dir) == NULL)
    return NULL;
  snprintf(path, sizeof path, "%s/%s", dir, base);
  /* A bare SONAME ("libngspice.so.0") is found the way the loader would. */
  if (strchr(file, '/') == NULL) {
    Dl_info info;
    void *h = real_dlopen(file, RTLD_LAZY | RTLD_NOLOAD);
    void *sym = h != NULL ? dlsym(h, "ngSpice_Init") : NULL;
    if (sym == NULL || dladdr(sym, &info) == 0 || info.dli_fname == NULL) {
      rmdir(dir);
      return NULL;
    }
    file = info.dli_fname;
  }
  in = open(file, O_RDONLY | O_CLOEXEC);
  out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
  if (in < 0 || out < 0)
    ok = 0;
  while (ok) {
    n = read(in, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      ok = n == 0;
      break;
    }
    if (write(out, buf, (size_t)n) != n)
      ok = 0;
  }
  if (in >= 0)
    close(in);
  if (out >= 0 && close(out) != 0)
    ok = 0;
  if (ok)
    handle = real_dlopen(path, flags);
  unlink(path);
  rmdir(dir);
  return handle;
}

void *dlopen(const char *file, int flags)
{
  void *handle;
  kept *k;

  if (!resolve())
    return NULL;
  if (!is_ngspice(file) || (flags & RTLD_NOLOAD) != 0)
    return real_dlopen(file, flags);
  /* An instance in use: share it, as the loader would. */
  for (int i = 0; i < kept_n; i++) {
    if (kept_v[i].count > 0) {
      kept_v[i].count++;
      return kept_v[i].handle;
    }
  }
  if (kept_n >= KEEP_MAX) {
    /* Loading the retired original again would hand out stale state. */
    fprintf(stderr, "keep_ngspice: more than %d libngspice loads in one process\n", KEEP_MAX);
    abort();
  }
  if (!original_loaded) {
    handle = real_dlopen(file, flags);
    if (handle != NULL)
      original_loaded = 1;
  } else {
    handle = load_copy(file, flags);
  }
  if (handle == NULL)
    return NULL;
  k = find(handle);
  if (k == NULL && kept_n < KEEP_MAX) {
    k = &kept_v[kept_n++];
    k->handle = handle;
    k->count = 0;
  }
  if (k != NULL)
    k->count++;
  return handle;
}

int dlclose(void *handle)
{
  kept *k;

  if (!resolve())
    return -1;
  k = find(handle);
  if (k == NULL)
    return real_dlclose(handle);
  if (k->count > 0)
    k->count--;
  return 0;
}
