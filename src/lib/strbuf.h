/*
 * strbuf.h - growable text buffer (internal). Numbers are always formatted in
 * the C locale: the text is SPICE or JSON, where "1,5" would be wrong.
 */
#ifndef AMPSIM_STRBUF_H
#define AMPSIM_STRBUF_H

#include <stddef.h>

typedef struct strbuf {
  char *data;
  size_t len, cap;
  int failed; /* an allocation failed; data is incomplete */
} strbuf;

#define STRBUF_INIT { NULL, 0, 0, 0 }

/* Append formatted text. Failures are remembered in sb->failed. */
void strbuf_printf(strbuf *sb, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Append len bytes of text. */
void strbuf_append(strbuf *sb, const char *text, size_t len);

/* Hand the text to the caller (free() it) or NULL if anything failed; the
 * buffer is left empty either way. */
char *strbuf_take(strbuf *sb);

/* Drop the text. */
void strbuf_free(strbuf *sb);

#endif
