/* strbuf.c - growable text buffer (see strbuf.h). */
#include "strbuf.h"

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int reserve(strbuf *sb, size_t extra)
{
  size_t cap;
  char *grown;
  if (sb->failed)
    return -1;
  if (sb->len + extra + 1 <= sb->cap)
    return 0;
  cap = sb->cap ? sb->cap : 256;
  while (cap < sb->len + extra + 1)
    cap *= 2;
  grown = realloc(sb->data, cap);
  if (grown == NULL) {
    sb->failed = 1;
    return -1;
  }
  sb->data = grown;
  sb->cap = cap;
  return 0;
}

void strbuf_append(strbuf *sb, const char *text, size_t len)
{
  if (reserve(sb, len) != 0)
    return;
  memcpy(sb->data + sb->len, text, len);
  sb->len += len;
  sb->data[sb->len] = '\0';
}

void strbuf_printf(strbuf *sb, const char *fmt, ...)
{
  va_list ap;
  int needed;
  locale_t c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
  locale_t old = c_locale != (locale_t)0 ? uselocale(c_locale) : (locale_t)0;

  va_start(ap, fmt);
  needed = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (needed < 0) {
    sb->failed = 1;
  } else if (reserve(sb, (size_t)needed) == 0) {
    va_start(ap, fmt);
    vsnprintf(sb->data + sb->len, (size_t)needed + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)needed;
  }
  if (c_locale != (locale_t)0) {
    uselocale(old);
    freelocale(c_locale);
  }
}

char *strbuf_take(strbuf *sb)
{
  char *text = NULL;
  if (!sb->failed) {
    if (sb->data == NULL)
      reserve(sb, 0);
    text = sb->data;
    sb->data = NULL;
  }
  strbuf_free(sb);
  return text;
}

void strbuf_free(strbuf *sb)
{
  free(sb->data);
  sb->data = NULL;
  sb->len = sb->cap = 0;
  sb->failed = 0;
}
