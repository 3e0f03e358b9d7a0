/*
 * ampsim/number.h - numbers as users write them: on the command line, in
 * design files and in sweep lists, with engineering suffixes.
 *
 * The syntax: [+-] digits [. digits] [e|E [+-] digits] [suffix], where the
 * digits before or after the point may be missing but not both, and the
 * suffix is one of f p n u m k K meg Meg MEG G T (1e-15 ... 1e12). "m" is
 * milli and "meg" mega, as in SPICE; a capital "M" (milli to SPICE, mega to
 * most people) is refused as ambiguous. No spaces, no hexadecimal, no units
 * ("32ohm" is not a number). Read in the C locale whatever the application
 * set: "4,7" is never 4.7. A result of zero is +0.
 */
#ifndef AMPSIM_NUMBER_H
#define AMPSIM_NUMBER_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  AMPSIM_NUMBER_OK = 0,
  AMPSIM_NUMBER_SYNTAX = -1,     /* not a number in the syntax above */
  AMPSIM_NUMBER_NOT_FINITE = -2, /* in the syntax, but beyond a double:
                                    "1e400", "1e306k" */
  AMPSIM_NUMBER_AMBIGUOUS = -3,  /* a number followed by "M" */
  AMPSIM_NUMBER_NAMED = -4       /* "inf", "infinity", "nan" (any case, a
                                    sign allowed): not in the syntax, but
                                    what a user means is plain, so callers
                                    may say "not a finite number" */
} ampsim_number_status;

/*
 * Parse text[0..len) (need not be NUL-terminated; at most 127 bytes) into
 * *out. Returns one of the statuses above; *out is set only on
 * AMPSIM_NUMBER_OK. Sets no error message: the caller says what the number
 * was for.
 */
ampsim_number_status ampsim_parse_number(double *out, const char *text, size_t len);

#ifdef __cplusplus
}
#endif
#endif
