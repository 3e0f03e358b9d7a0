/* error.c - thread-local last error (see include/ampsim/error.h). */
#include "ampsim/error.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char last_message[4096];
static _Thread_local int last_code;

const char *ampsim_strerror(int code)
{
  switch (code) {
  case AMPSIM_OK:
    return "success";
#define AMPSIM_X_(name, value, text)                                           \
  case AMPSIM_##name:                                                          \
    return text;
    AMPSIM_ERRNO_MAP(AMPSIM_X_)
#undef AMPSIM_X_
  default:
    return "unknown error";
  }
}

const char *ampsim_error_last(void)
{
  return last_message;
}

int ampsim_error_last_code(void)
{
  return last_code;
}

void ampsim_error_clear(void)
{
  last_message[0] = '\0';
  last_code = AMPSIM_OK;
}

int ampsim_error_set(int code, const char *fmt, ...)
{
  va_list ap;
  char buffer[sizeof last_message];

  /* Format into a scratch buffer first: fmt's arguments may point into
   * last_message itself (re-wrapping an earlier error with more context). */
  va_start(ap, fmt);
  vsnprintf(buffer, sizeof buffer, fmt, ap);
  va_end(ap);
  snprintf(last_message, sizeof last_message, "%s", buffer);
  last_code = code;
  return code;
}
