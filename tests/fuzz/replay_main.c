/*
 * replay_main.c - run a fuzz target over files without libFuzzer, so that any
 * compiler and any checker (ASan, valgrind) can replay the seed and regression
 * corpora. CTest runs `fuzz_replay_<target> corpus/<target> regress/<target>`
 * (see tests/CMakeLists.txt); a broken invariant aborts, as under libFuzzer.
 *
 * Usage: fuzz_replay_TARGET FILE|FOLDER...  (folders: every regular file in
 * them, in name order). Prints how many inputs ran.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int run_file(const char *path)
{
  FILE *f = fopen(path, "rb");
  unsigned char *data = NULL;
  size_t size = 0, cap = 0, got;

  if (f == NULL) {
    perror(path);
    return -1;
  }
  for (;;) {
    if (size == cap) {
      unsigned char *grown;
      cap = cap ? 2 * cap : 4096;
      grown = realloc(data, cap);
      if (grown == NULL) {
        fclose(f);
        free(data);
        return -1;
      }
      data = grown;
    }
    got = fread(data + size, 1, cap - size, f);
    size += got;
    if (got == 0)
      break;
  }
  fclose(f);
  LLVMFuzzerTestOneInput(data, size);
  free(data);
  return 0;
}

/* Every regular file in dir (not dotfiles), in name order. */
static int run_dir(const char *dir, int *count)
{
  struct dirent **entries = NULL;
  int n = scandir(dir, &entries, NULL, alphasort), rc = 0;

  if (n < 0) {
    perror(dir);
    return -1;
  }
  for (int i = 0; i < n; i++) {
    size_t size = strlen(dir) + strlen(entries[i]->d_name) + 2;
    char *path = malloc(size);
    struct stat st;
    if (path == NULL) {
      rc = -1;
    } else if (rc == 0 && entries[i]->d_name[0] != '.') {
      snprintf(path, size, "%s/%s", dir, entries[i]->d_name);
      if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        rc = run_file(path);
        (*count)++;
      }
    }
    free(path);
    free(entries[i]);
  }
  free(entries);
  return rc;
}

int main(int argc, char **argv)
{
  int count = 0;
  LLVMFuzzerInitialize(&argc, &argv);
  for (int i = 1; i < argc; i++) {
    struct stat st;
    int rc;
    if (stat(argv[i], &st) != 0) {
      perror(argv[i]);
      return 1;
    }
    if (S_ISDIR(st.st_mode)) {
      rc = run_dir(argv[i], &count);
    } else {
      rc = run_file(argv[i]);
      count++;
    }
    if (rc != 0)
      return 1;
  }
  printf("%d inputs replayed, no invariant broken\n", count);
  return 0;
}
