/* number.c - numbers with engineering suffixes (see ampsim/number.h). */
#include "ampsim/number.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
  const char *suffix;
  double scale;
} suffixes[] = {
  { "f", 1e-15 }, { "p", 1e-12 }, { "n", 1e-9 },  { "u", 1e-6 },
  { "m", 1e-3 },  { "k", 1e3 },   { "K", 1e3 },   { "meg", 1e6 },
  { "Meg", 1e6 }, { "MEG", 1e6 }, { "G", 1e9 },   { "T", 1e12 },
};

/* strtod in the C locale, whatever the application set. */
static double strtod_c(const char *text)
{
  locale_t c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
  locale_t old = (locale_t)0;
  double value;

  if (c_locale != (locale_t)0)
    old = uselocale(c_locale);
  value = strtod(text, NULL);
  if (c_locale != (locale_t)0) {
    uselocale(old);
    freelocale(c_locale);
  }
  return value;
}

/* "inf", "infinity", "nan" with an optional sign, in any case. */
static int names_non_finite(const char *p)
{
  if (*p == '+' || *p == '-')
    p++;
  return strcasecmp(p, "inf") == 0 || strcasecmp(p, "infinity") == 0 ||
         strcasecmp(p, "nan") == 0;
}

ampsim_number_status ampsim_parse_number(double *out, const char *text, size_t len)
{
  static const char digits[] = "0123456789";
  char buf[128];
  const char *p = buf, *suffix;
  size_t int_digits, frac_digits = 0, i;
  double value, scale = 1.0;

  if (text == NULL || len == 0 || len >= sizeof buf)
    return AMPSIM_NUMBER_SYNTAX;
  memcpy(buf, text, len);
  buf[len] = '\0';
  if (strlen(buf) != len)
    return AMPSIM_NUMBER_SYNTAX; /* a NUL inside */
  if (names_non_finite(buf))
    return AMPSIM_NUMBER_NAMED;
  if (*p == '+' || *p == '-')
    p++;
  int_digits = strspn(p, digits);
  p += int_digits;
  if (*p == '.') {
    p++;
    frac_digits = strspn(p, digits);
    p += frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0)
    return AMPSIM_NUMBER_SYNTAX;
  if (*p == 'e' || *p == 'E') {
    const char *q = p + 1;
    size_t exp_digits;
    if (*q == '+' || *q == '-')
      q++;
    exp_digits = strspn(q, digits);
    /* "1e" and "1exa" are not numbers; "1meg" has no 'e' here. */
    if (exp_digits == 0)
      return AMPSIM_NUMBER_SYNTAX;
    p = q + exp_digits;
  }
  suffix = p;
  if (*suffix != '\0') {
    for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
      if (strcmp(suffix, suffixes[i].suffix) == 0)
        break;
    if (i == sizeof suffixes / sizeof suffixes[0])
      return strcmp(suffix, "M") == 0 ? AMPSIM_NUMBER_AMBIGUOUS : AMPSIM_NUMBER_SYNTAX;
    scale = suffixes[i].scale;
  }
  buf[suffix - buf] = '\0';
  value = strtod_c(buf) * scale;
  if (!isfinite(value))
    return AMPSIM_NUMBER_NOT_FINITE;
  *out = value == 0.0 ? 0.0 : value; /* no -0 */
  return AMPSIM_NUMBER_OK;
}
