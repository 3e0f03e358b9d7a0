/*
 * compare_text.c - pure text helpers of compare and report: growable text,
 * CSV fields, HTML escaping, base64, and the best value of a row. Nothing
 * here prints or touches a file, so tests/unit/test_compare.c checks it
 * directly.
 */
#include "compare.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int grow(cli_text *t, size_t extra)
{
  size_t need, cap;
  char *data;

  if (t->failed)
    return -1;
  need = t->len + extra + 1;
  if (need <= t->cap)
    return 0;
  cap = t->cap > 0 ? t->cap : 256;
  while (cap < need)
    cap *= 2;
  data = realloc(t->data, cap);
  if (data == NULL) {
    t->failed = 1;
    return -1;
  }
  t->data = data;
  t->cap = cap;
  /* Always a string, even when nothing is appended (base64 of 0 bytes). */
  t->data[t->len] = '\0';
  return 0;
}

int cli_text_append_n(cli_text *t, const char *s, size_t n)
{
  if (grow(t, n) != 0)
    return -1;
  memcpy(t->data + t->len, s, n);
  t->len += n;
  t->data[t->len] = '\0';
  return 0;
}

int cli_text_append(cli_text *t, const char *s)
{
  return cli_text_append_n(t, s, strlen(s));
}

int cli_text_printf(cli_text *t, const char *fmt, ...)
{
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0 || grow(t, (size_t)n) != 0) {
    t->failed = 1;
    return -1;
  }
  va_start(ap, fmt);
  vsnprintf(t->data + t->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  t->len += (size_t)n;
  return 0;
}

int cli_text_csv_field(cli_text *t, const char *s)
{
  const char *p;

  if (strpbrk(s, ",\"\r\n") == NULL)
    return cli_text_append(t, s);
  cli_text_append(t, "\"");
  for (p = s; *p != '\0'; p++) {
    if (*p == '"')
      cli_text_append(t, "\"\"");
    else
      cli_text_append_n(t, p, 1);
  }
  return cli_text_append(t, "\"");
}

int cli_text_html(cli_text *t, const char *s)
{
  const char *p;

  for (p = s; *p != '\0'; p++) {
    switch (*p) {
    case '&':
      cli_text_append(t, "&amp;");
      break;
    case '<':
      cli_text_append(t, "&lt;");
      break;
    case '>':
      cli_text_append(t, "&gt;");
      break;
    case '"':
      cli_text_append(t, "&quot;");
      break;
    case '\'':
      cli_text_append(t, "&#39;");
      break;
    default:
      cli_text_append_n(t, p, 1);
      break;
    }
  }
  return t->failed ? -1 : 0;
}

int cli_text_base64(cli_text *t, const unsigned char *data, size_t n)
{
  static const char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i;

  if (grow(t, (n + 2) / 3 * 4) != 0)
    return -1;
  for (i = 0; i + 2 < n; i += 3) {
    unsigned long v = ((unsigned long)data[i] << 16) |
                      ((unsigned long)data[i + 1] << 8) | data[i + 2];
    char quad[4] = { alphabet[(v >> 18) & 63], alphabet[(v >> 12) & 63],
                     alphabet[(v >> 6) & 63], alphabet[v & 63] };
    cli_text_append_n(t, quad, 4);
  }
  if (n - i == 1) {
    unsigned long v = (unsigned long)data[i] << 16;
    char quad[4] = { alphabet[(v >> 18) & 63], alphabet[(v >> 12) & 63], '=',
                     '=' };
    cli_text_append_n(t, quad, 4);
  } else if (n - i == 2) {
    unsigned long v =
        ((unsigned long)data[i] << 16) | ((unsigned long)data[i + 1] << 8);
    char quad[4] = { alphabet[(v >> 18) & 63], alphabet[(v >> 12) & 63],
                     alphabet[(v >> 6) & 63], '=' };
    cli_text_append_n(t, quad, 4);
  }
  return t->failed ? -1 : 0;
}

const char *cli_text_str(const cli_text *t)
{
  return t->data != NULL ? t->data : "";
}

void cli_mark_best(int *marks, const double *values, size_t n, int better)
{
  double best = NAN;
  size_t i, finite = 0;

  for (i = 0; i < n; i++) {
    double v = better == -2 ? fabs(values[i]) : values[i];
    marks[i] = 0;
    if (better == 0 || isnan(v))
      continue;
    finite++;
    if (isnan(best) || (better > 0 ? v > best : v < best))
      best = v;
  }
  /* One design alone has nothing to be best against, and when every
   * value ties no design is better. */
  if (finite < 2)
    return;
  for (i = 0; i < n; i++) {
    double v = better == -2 ? fabs(values[i]) : values[i];
    /* Values within a millionth of the best tie with it: a difference
     * far below the table's three digits is simulation noise. */
    if (!isnan(v) && fabs(v - best) <= 1e-6 * fabs(best))
      marks[i] = 1;
  }
  for (i = 0; i < n; i++) {
    double v = better == -2 ? fabs(values[i]) : values[i];
    if (!isnan(v) && !marks[i])
      return;
  }
  for (i = 0; i < n; i++)
    marks[i] = 0;
}
