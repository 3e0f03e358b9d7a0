/*
 * ampsim/error.h - error codes and the last error message.
 *
 * Every libampsim function that can fail returns int: 0 on success or a
 * negative AMPSIM_E* code. Where the failure happens, the library records a
 * detailed message with context (for example "design.xml:42: unknown topology
 * 'foo'"), readable with ampsim_error_last() until the next failure in the same
 * thread. The library never prints, exits or aborts.
 */
#ifndef AMPSIM_ERROR_H
#define AMPSIM_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/* One table makes both the codes and ampsim_strerror(). */
#define AMPSIM_ERRNO_MAP(X)                                                    \
  X(EINVAL, -1, "invalid argument")                                            \
  X(ENOMEM, -2, "out of memory")                                               \
  X(EIO, -3, "input/output error")                                             \
  X(EPARSE, -4, "parse error")                                                 \
  X(ENOTFOUND, -5, "not found")                                                \
  X(ESIM, -6, "simulation failed")                                             \
  X(ECONVERGE, -7, "simulation did not converge")                              \
  X(EENGINE, -8, "simulator engine failure")                                   \
  X(EDENIED, -9, "refused by the netlist policy")                              \
  X(ETIMEOUT, -10, "time limit exceeded")                                      \
  X(EWORKER, -11, "worker process failed")                                     \
  X(ERANGE, -12, "value out of range")

enum {
  AMPSIM_OK = 0,
#define AMPSIM_X_(name, code, text) AMPSIM_##name = (code),
  AMPSIM_ERRNO_MAP(AMPSIM_X_)
#undef AMPSIM_X_
};

/* Short text for a code ("parse error"); never NULL, "unknown error" for codes
 * outside the table. */
const char *ampsim_strerror(int code);

/* The detailed message of the last failure in this thread, or "" if none.
 * Borrowed: valid until the next library call that fails or clears it. */
const char *ampsim_error_last(void);

/* The code of the last failure in this thread (AMPSIM_OK if none). */
int ampsim_error_last_code(void);

/* Forget the last failure. */
void ampsim_error_clear(void);

/* Record a failure: the code and a printf-style message. Returns code, so a
 * failing function can `return ampsim_error_set(AMPSIM_EINVAL, "...")`.
 * Public so that the tool and callbacks can report through the same channel. */
int ampsim_error_set(int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#ifdef __cplusplus
}
#endif
#endif
