/*
 * tests/fuzz/fuzz.h - the libFuzzer entry points, declared for the targets
 * (built with -Wmissing-prototypes) and for replay_main.c, which runs the same
 * targets over files without libFuzzer (CTest replays the corpora that way).
 */
#ifndef AMPSIM_FUZZ_H
#define AMPSIM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Called once before the first input; may change nothing in argv. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* One input. Returns 0; a broken invariant aborts (libFuzzer reports it as a
 * crash and keeps the input). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort with a message when cond is false: the fuzzer's "crash" for a broken
 * contract, with the reason in the log. */
#define FUZZ_CHECK(cond, ...)                                                  \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "fuzz check failed: %s (%s:%d): ", #cond, __FILE__,     \
              __LINE__);                                                       \
      fprintf(stderr, __VA_ARGS__);                                            \
      fputc('\n', stderr);                                                     \
      abort();                                                                 \
    }                                                                          \
  } while (0)

#endif
