/*
 * tolerance.c - Monte Carlo part values: per-instance copies of a stage's
 * subcircuit with drawn R/C/L values, transistor betas and op-amp GBW and
 * offset (see ampsim_tolerance_apply() in include/ampsim/sweep.h and
 * docs/sweep.md).
 *
 * Pure text rewriting of the stage's expanded netlist: the top subcircuit is
 * copied once per bench instance (SUBCKT__xamp_lp, ...), each copy with its
 * own draws, and the bench is told to instantiate the copies
 * (ampsim_bench_options.instance_subckts). Every draw is a function of
 * (seed, instance, part, what) through splitmix64, so adding a part to a
 * stage does not move the draws of the others.
 */
#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ampsim/error.h"
#include "ampsim/sweep.h"
#include "strbuf.h"

/* ====================================================================== */
/* Tolerance lists                                                         */
/* ====================================================================== */

/* A number with SPICE's scale suffixes (case-insensitive: m = milli, meg =
 * mega, mil; trailing letters of a unit are ignored as SPICE does).
 * Returns 0 on success. */
static int spice_number(double *out, const char *text, size_t len)
{
  char buf[64], *end;
  double v, scale = 1.0;
  const char *s;

  if (len == 0 || len >= sizeof buf)
    return -1;
  memcpy(buf, text, len);
  buf[len] = '\0';
  v = strtod(buf, &end);
  if (end == buf || !isfinite(v))
    return -1;
  s = end;
  if (strncasecmp(s, "meg", 3) == 0)
    scale = 1e6, s += 3;
  else if (strncasecmp(s, "mil", 3) == 0)
    scale = 25.4e-6, s += 3;
  else if (*s != '\0') {
    switch (tolower((unsigned char)*s)) {
    case 't': scale = 1e12; break;
    case 'g': scale = 1e9; break;
    case 'k': scale = 1e3; break;
    case 'm': scale = 1e-3; break;
    case 'u': scale = 1e-6; break;
    case 'n': scale = 1e-9; break;
    case 'p': scale = 1e-12; break;
    case 'f': scale = 1e-15; break;
    default: scale = 0.0; break;
    }
    if (scale == 0.0)
      return -1;
    s++;
  }
  while (*s != '\0') {
    if (!isalpha((unsigned char)*s))
      return -1;
    s++;
  }
  *out = v * scale;
  return 0;
}

int ampsim_tolerances_parse(ampsim_tolerances *out, const char *text)
{
  const char *p = text;

  if (text == NULL || *text == '\0')
    return ampsim_error_set(AMPSIM_EINVAL, "tolerances: empty list (e.g. R=1%%,C=5%%)");
  while (*p != '\0') {
    size_t len = strcspn(p, ",");
    const char *eq = memchr(p, '=', len);
    size_t name_len, value_len;
    double value;
    bool pct;
    ampsim_tolerance *slot = NULL;

    if (eq == NULL || eq == p)
      return ampsim_error_set(AMPSIM_EINVAL, "tolerances: expected NAME=VALUE at '%.*s'",
                              (int)len, p);
    name_len = (size_t)(eq - p);
    value_len = len - name_len - 1;
    if (name_len >= sizeof out->items[0].name || !isalpha((unsigned char)p[0]))
      return ampsim_error_set(AMPSIM_EINVAL, "tolerances: bad part or class name '%.*s'",
                              (int)name_len, p);
    for (size_t i = 0; i < name_len; i++)
      if (!isalnum((unsigned char)p[i]) && p[i] != '_')
        return ampsim_error_set(AMPSIM_EINVAL, "tolerances: bad part or class name '%.*s'",
                                (int)name_len, p);
    pct = value_len > 0 && eq[value_len] == '%';
    if (spice_number(&value, eq + 1, value_len - (pct ? 1 : 0)) != 0 || value < 0.0)
      return ampsim_error_set(AMPSIM_EINVAL,
                              "tolerances: %.*s: '%.*s' is not a tolerance (e.g. 1%%, 0.01, "
                              "or volts for vos)",
                              (int)name_len, p, (int)value_len, eq + 1);
    if (pct)
      value /= 100.0;
    if (name_len == 3 && strncasecmp(p, "vos", 3) == 0) {
      if (pct)
        return ampsim_error_set(AMPSIM_EINVAL,
                                "tolerances: vos is an offset in volts (e.g. vos=1m), not a %%");
      if (value > 1.0)
        return ampsim_error_set(AMPSIM_EINVAL, "tolerances: vos=%g V is out of range (0 to 1 V)",
                                value);
    } else if (value >= 1.0) {
      return ampsim_error_set(AMPSIM_EINVAL,
                              "tolerances: %.*s=%g%% is out of range (0 to below 100 %%)",
                              (int)name_len, p, value * 100.0);
    }
    for (size_t i = 0; i < out->n; i++)
      if (strlen(out->items[i].name) == name_len &&
          strncasecmp(out->items[i].name, p, name_len) == 0)
        slot = &out->items[i];
    if (slot == NULL) {
      if (out->n >= AMPSIM_TOL_MAX)
        return ampsim_error_set(AMPSIM_EINVAL, "tolerances: at most %d entries", AMPSIM_TOL_MAX);
      slot = &out->items[out->n++];
    }
    memcpy(slot->name, p, name_len);
    slot->name[name_len] = '\0';
    slot->value = value;
    p += len;
    if (*p == ',')
      p++;
  }
  return 0;
}

/* The tolerance of part `part` (an element name) of class `cls`: the
 * part's own entry, else the class's, else 0. */
static double tolerance_of(const ampsim_tolerances *tol, const char *part, const char *cls)
{
  double cls_value = 0.0;
  for (size_t i = 0; i < tol->n; i++) {
    if (part != NULL && strcasecmp(tol->items[i].name, part) == 0)
      return tol->items[i].value;
    if (strcasecmp(tol->items[i].name, cls) == 0)
      cls_value = tol->items[i].value;
  }
  return cls_value;
}

/* ====================================================================== */
/* Draws                                                                   */
/* ====================================================================== */

static uint64_t hash_text(uint64_t h, const char *s)
{
  for (; *s != '\0'; s++) {
    h ^= (unsigned char)tolower((unsigned char)*s);
    h *= 1099511628211ULL;
  }
  return ampsim_splitmix64(h);
}

/* Uniform in (0, 1) from a 64-bit key. */
static double unit(uint64_t key)
{
  return ((double)(ampsim_splitmix64(key) >> 11) + 0.5) / 9007199254740992.0;
}

/* A standard draw for (seed, instance, part, what): uniform in [-1, 1], or
 * gaussian with sigma 1/3 (so the tolerance is 3 sigma). */
static double draw(const ampsim_tolerances *tol, uint64_t seed, const char *instance,
                   const char *part, const char *what)
{
  uint64_t key = ampsim_splitmix64(seed ^ 0x6a09e667f3bcc909ULL);
  key = hash_text(key, instance);
  key = hash_text(key ^ 0x1, part);
  key = hash_text(key ^ 0x2, what);
  if (tol->dist == AMPSIM_TOL_UNIFORM)
    return 2.0 * unit(key) - 1.0;
  {
    double u1 = unit(key), u2 = unit(key ^ 0x9e3779b97f4a7c15ULL);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * 3.14159265358979323846 * u2) / 3.0;
  }
}

/* ====================================================================== */
/* Netlist lines                                                           */
/* ====================================================================== */

/* A logical line: a physical line joined with its '+' continuations. */
typedef struct line {
  char *text; /* joined, no newline */
} line;

typedef struct lines {
  size_t n, cap;
  line *items;
} lines;

static void lines_free(lines *ls)
{
  for (size_t i = 0; i < ls->n; i++)
    free(ls->items[i].text);
  free(ls->items);
}

static int lines_split(lines *out, const char *text)
{
  const char *p = text;
  memset(out, 0, sizeof *out);
  while (*p != '\0') {
    const char *end = strchr(p, '\n');
    size_t len;
    if (end == NULL)
      end = p + strlen(p);
    len = (size_t)(end - p);
    if (len > 0 && p[len - 1] == '\r')
      len--;
    if (len > 0 && p[0] == '+' && out->n > 0) {
      line *last = &out->items[out->n - 1];
      size_t old = strlen(last->text);
      char *grown = realloc(last->text, old + len + 1);
      if (grown == NULL)
        return -1;
      grown[old] = ' ';
      memcpy(grown + old + 1, p + 1, len - 1);
      grown[old + len] = '\0';
      last->text = grown;
    } else {
      if (out->n == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 64;
        line *grown = realloc(out->items, cap * sizeof *grown);
        if (grown == NULL)
          return -1;
        out->items = grown;
        out->cap = cap;
      }
      out->items[out->n].text = malloc(len + 1);
      if (out->items[out->n].text == NULL)
        return -1;
      memcpy(out->items[out->n].text, p, len);
      out->items[out->n].text[len] = '\0';
      out->n++;
    }
    p = *end != '\0' ? end + 1 : end;
  }
  return 0;
}

#define MAX_TOKENS 128

/* Split a line into tokens at white space, keeping {..} and '..' whole and
 * treating "name = value" as one token. Tokens are copied into buf. */
static size_t tokenize(char **tok, size_t max, char *buf, const char *text)
{
  size_t n = 0;
  const char *p = text;
  char *w = buf;
  while (*p != '\0' && n < max) {
    int depth = 0;
    char quote = 0;
    while (*p == ' ' || *p == '\t')
      p++;
    if (*p == '\0')
      break;
    tok[n++] = w;
    while (*p != '\0') {
      if (quote != 0) {
        if (*p == quote)
          quote = 0;
      } else if (*p == '\'') {
        quote = '\'';
      } else if (*p == '{') {
        depth++;
      } else if (*p == '}') {
        depth--;
      } else if ((*p == ' ' || *p == '\t') && depth <= 0) {
        /* "a = b" stays one token */
        const char *q = p;
        while (*q == ' ' || *q == '\t')
          q++;
        if (*q == '=' || (w > tok[n - 1] && w[-1] == '=')) {
          p = q;
          continue;
        }
        break;
      }
      *w++ = *p++;
    }
    *w++ = '\0';
  }
  return n;
}

/* Whether line is a comment or empty. */
static bool is_comment(const char *s)
{
  while (*s == ' ' || *s == '\t')
    s++;
  return *s == '\0' || *s == '*' || *s == ';' || (s[0] == '/' && s[1] == '/');
}

static bool starts_with_word(const char *s, const char *word)
{
  size_t n = strlen(word);
  while (*s == ' ' || *s == '\t')
    s++;
  return strncasecmp(s, word, n) == 0 && (s[n] == '\0' || isspace((unsigned char)s[n]));
}

/* The value v times factor, as text: an expression keeps its form. */
static int scaled(char *out, size_t size, const char *value, double factor)
{
  double v;
  size_t len = strlen(value);
  if (len >= 2 && value[0] == '{' && value[len - 1] == '}') {
    snprintf(out, size, "{(%.*s)*%.17g}", (int)(len - 2), value + 1, factor);
    return 0;
  }
  if (len >= 2 && value[0] == '\'' && value[len - 1] == '\'') {
    snprintf(out, size, "{(%.*s)*%.17g}", (int)(len - 2), value + 1, factor);
    return 0;
  }
  if (spice_number(&v, value, len) != 0)
    return -1;
  snprintf(out, size, "%.17g", v * factor);
  return 0;
}

/* value plus delta volts. */
static int shifted(char *out, size_t size, const char *value, double delta)
{
  double v;
  size_t len = strlen(value);
  if (len >= 2 && (value[0] == '{' || value[0] == '\'')) {
    snprintf(out, size, "{(%.*s)+%.17g}", (int)(len - 2), value + 1, delta);
    return 0;
  }
  if (spice_number(&v, value, len) != 0)
    return -1;
  snprintf(out, size, "%.17g", v + delta);
  return 0;
}

/* The value of NAME=... among "a=1 b=2" (stage params); NULL if absent. */
static const char *param_in(char *buf, size_t size, const char *params, const char *name)
{
  const char *p = params;
  size_t n = strlen(name);
  while (p != NULL && *p != '\0') {
    while (*p == ' ')
      p++;
    if (strncasecmp(p, name, n) == 0 && p[n] == '=') {
      size_t len = strcspn(p + n + 1, " ");
      snprintf(buf, size, "%.*s", (int)len, p + n + 1);
      return buf;
    }
    p = strchr(p, ' ');
  }
  return NULL;
}

/* The default of parameter `name` on the .subckt line of `subckt` in ls. */
static const char *subckt_default(char *buf, size_t size, const lines *ls, const char *subckt,
                                  const char *name)
{
  char *tok[MAX_TOKENS];
  for (size_t i = 0; i < ls->n; i++) {
    char *work;
    size_t n;
    const char *found = NULL;
    if (!starts_with_word(ls->items[i].text, ".subckt"))
      continue;
    work = malloc(strlen(ls->items[i].text) * 2 + 16);
    if (work == NULL)
      return NULL;
    n = tokenize(tok, MAX_TOKENS, work, ls->items[i].text);
    if (n >= 2 && strcasecmp(tok[1], subckt) == 0) {
      for (size_t k = 2; k < n; k++) {
        size_t len = strlen(name);
        if (strncasecmp(tok[k], name, len) == 0 && tok[k][len] == '=') {
          snprintf(buf, size, "%s", tok[k] + len + 1);
          found = buf;
        }
      }
    }
    free(work);
    if (found != NULL)
      return found;
  }
  return NULL;
}

/* Find the .model card called `name` (the last one wins; case-insensitive). */
static const char *find_model(const lines *ls, const char *name)
{
  const char *found = NULL;
  size_t len = strlen(name);
  for (size_t i = 0; i < ls->n; i++) {
    const char *s = ls->items[i].text;
    while (*s == ' ' || *s == '\t')
      s++;
    if (strncasecmp(s, ".model", 6) != 0 || !isspace((unsigned char)s[6]))
      continue;
    s += 6;
    while (*s == ' ' || *s == '\t')
      s++;
    if (strncasecmp(s, name, len) == 0 && (isspace((unsigned char)s[len]) || s[len] == '('))
      found = ls->items[i].text;
  }
  return found;
}

/* Write a copy of model card `card` named new_name, with BF times factor
 * (BF=100, SPICE's default, when the card has none). */
static int model_copy(strbuf *sb, const char *card, const char *new_name, double factor)
{
  const char *s = card, *body, *bf = NULL;
  while (*s == ' ' || *s == '\t')
    s++;
  s += 6;
  while (*s == ' ' || *s == '\t')
    s++;
  while (*s != '\0' && !isspace((unsigned char)*s) && *s != '(')
    s++; /* old name */
  body = s;
  for (const char *q = body; *q != '\0'; q++) {
    if ((q == body || !isalnum((unsigned char)q[-1])) && strncasecmp(q, "bf", 2) == 0) {
      const char *e = q + 2;
      while (*e == ' ')
        e++;
      if (*e == '=') {
        bf = q;
        break;
      }
    }
  }
  strbuf_printf(sb, ".model %s", new_name);
  if (bf == NULL) {
    /* Insert after the type (and its '(' if any). */
    const char *t = body;
    while (*t == ' ' || *t == '\t')
      t++;
    while (*t != '\0' && !isspace((unsigned char)*t) && *t != '(')
      t++;
    if (*t == '(')
      t++;
    strbuf_append(sb, body, (size_t)(t - body));
    strbuf_printf(sb, " BF=%.17g ", 100.0 * factor);
    strbuf_printf(sb, "%s\n", t);
    return 0;
  }
  {
    const char *v = strchr(bf, '=') + 1, *e;
    char value[128], out[256];
    while (*v == ' ')
      v++;
    e = v;
    if (*e == '{') {
      while (*e != '\0' && *e != '}')
        e++;
      if (*e == '}')
        e++;
    } else {
      while (*e != '\0' && !isspace((unsigned char)*e) && *e != ')')
        e++;
    }
    if ((size_t)(e - v) >= sizeof value)
      return -1;
    memcpy(value, v, (size_t)(e - v));
    value[e - v] = '\0';
    if (scaled(out, sizeof out, value, factor) != 0)
      return -1;
    strbuf_append(sb, body, (size_t)(bf - body));
    strbuf_printf(sb, "BF=%s", out);
    strbuf_printf(sb, "%s\n", e);
  }
  return 0;
}

/* The op-amp parameters that get spread: relative gbw, additive vos. */
static int spread_param(char *out, size_t size, const ampsim_tolerances *tol, uint64_t seed,
                        const char *instance, const char *part, const char *name,
                        const char *value)
{
  if (strcasecmp(name, "gbw") == 0) {
    double t = tolerance_of(tol, NULL, "gbw");
    if (t == 0.0)
      return 1;
    return scaled(out, size, value, 1.0 + t * draw(tol, seed, instance, part, "gbw"));
  }
  if (strcasecmp(name, "vos") == 0) {
    double t = tolerance_of(tol, NULL, "vos");
    if (t == 0.0)
      return 1;
    return shifted(out, size, value, t * draw(tol, seed, instance, part, "vos"));
  }
  return 1; /* not spread */
}

/* Write one copy of the subcircuit at ls->items[first..last] for instance. */
static int write_copy(strbuf *sb, const lines *ls, size_t first, size_t last,
                      const char *subckt, const char *stage_params,
                      const ampsim_tolerances *tol, uint64_t seed, const char *instance)
{
  char *tok[MAX_TOKENS];

  strbuf_printf(sb, "* ---- %s: %s with drawn part values (ampsim Monte Carlo) ----\n",
                instance, subckt);
  for (size_t i = first; i <= last; i++) {
    const char *text = ls->items[i].text;
    char *work;
    size_t n;
    int rc = 0;

    if (is_comment(text))
      continue;
    work = malloc(strlen(text) * 2 + 16);
    if (work == NULL)
      return ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
    n = tokenize(tok, MAX_TOKENS, work, text);
    if (i == first) {
      /* .subckt NAME pins... params: a=1 ... : rename, bake the spread
       * parameters' instance values in and draw them. */
      strbuf_printf(sb, ".subckt %s__%s", subckt, instance);
      for (size_t k = 2; k < n && rc == 0; k++) {
        char *eq = strchr(tok[k], '=');
        char given[128], out[256];
        const char *value;
        int sp;
        if (eq == NULL) {
          strbuf_printf(sb, " %s", tok[k]);
          continue;
        }
        *eq = '\0';
        value = param_in(given, sizeof given, stage_params, tok[k]);
        if (value == NULL)
          value = eq + 1;
        sp = spread_param(out, sizeof out, tol, seed, instance, subckt, tok[k], value);
        if (sp < 0)
          rc = ampsim_error_set(AMPSIM_EINVAL, "tolerance: %s: cannot spread %s='%s'", subckt,
                                tok[k], value);
        else if (sp == 0)
          strbuf_printf(sb, " %s=%s", tok[k], out);
        else
          strbuf_printf(sb, " %s=%s", tok[k], eq + 1);
      }
      strbuf_printf(sb, "\n");
    } else if (i == last) {
      strbuf_printf(sb, ".ends %s__%s\n", subckt, instance);
    } else if (n >= 4 && strchr("rRcClL", tok[0][0]) != NULL) {
      const char *cls = toupper((unsigned char)tok[0][0]) == 'R'   ? "R"
                        : toupper((unsigned char)tok[0][0]) == 'C' ? "C"
                                                                   : "L";
      double t = tolerance_of(tol, tok[0], cls);
      if (t == 0.0) {
        strbuf_printf(sb, "%s\n", text);
      } else {
        char out[512];
        if (strchr(tok[3], '=') != NULL ||
            scaled(out, sizeof out, tok[3], 1.0 + t * draw(tol, seed, instance, tok[0], cls)) != 0) {
          rc = ampsim_error_set(AMPSIM_EINVAL,
                                "tolerance: %s in %s: cannot scale its value '%s' (a number or "
                                "{expression} is needed)",
                                tok[0], subckt, tok[3]);
        } else {
          strbuf_printf(sb, "%s %s %s %s", tok[0], tok[1], tok[2], out);
          for (size_t k = 4; k < n; k++)
            strbuf_printf(sb, " %s", tok[k]);
          strbuf_printf(sb, "\n");
        }
      }
    } else if (n >= 5 && (tok[0][0] == 'q' || tok[0][0] == 'Q')) {
      double t = tolerance_of(tol, tok[0], "beta");
      size_t mk = 0;
      const char *card = NULL;
      for (size_t k = 4; k <= 5 && k < n && card == NULL; k++) {
        card = find_model(ls, tok[k]);
        mk = k;
      }
      if (t == 0.0 || card == NULL) {
        if (t != 0.0 && card == NULL)
          rc = ampsim_error_set(AMPSIM_EINVAL, "tolerance: %s in %s: its .model is not in the "
                                               "stage text", tok[0], subckt);
        strbuf_printf(sb, "%s\n", text);
      } else {
        char name[200];
        snprintf(name, sizeof name, "%s__%s", tok[mk], tok[0]);
        if (model_copy(sb, card, name, 1.0 + t * draw(tol, seed, instance, tok[0], "beta")) != 0)
          rc = ampsim_error_set(AMPSIM_EINVAL, "tolerance: %s in %s: cannot read BF of model %s",
                                tok[0], subckt, tok[mk]);
        for (size_t k = 0; k < n; k++)
          strbuf_printf(sb, "%s%s", k > 0 ? " " : "", k == mk ? name : tok[k]);
        strbuf_printf(sb, "\n");
      }
    } else if (n >= 2 && (tok[0][0] == 'x' || tok[0][0] == 'X')) {
      /* An op-amp (or any subcircuit) instance: spread its gbw and vos when
       * its subcircuit has them. */
      size_t sub = 0;
      bool changed = false;
      strbuf line_sb = STRBUF_INIT;
      for (size_t k = 1; k < n; k++)
        if (strchr(tok[k], '=') == NULL && strcasecmp(tok[k], "params:") != 0)
          sub = k;
      strbuf_printf(&line_sb, "%s", tok[0]);
      for (size_t k = 1; k < n; k++)
        strbuf_printf(&line_sb, " %s", tok[k]);
      for (int w = 0; w < 2 && rc == 0 && sub > 0; w++) {
        const char *pname = w == 0 ? "gbw" : "vos";
        char def[128], out[256], part[200];
        const char *value = NULL;
        size_t at = 0;
        int sp;
        for (size_t k = sub + 1; k < n; k++)
          if (strncasecmp(tok[k], pname, 3) == 0 && tok[k][3] == '=') {
            value = tok[k] + 4;
            at = k;
          }
        if (value == NULL)
          value = subckt_default(def, sizeof def, ls, tok[sub], pname);
        if (value == NULL)
          continue;
        snprintf(part, sizeof part, "%s", tok[0]);
        sp = spread_param(out, sizeof out, tol, seed, instance, part, pname, value);
        if (sp < 0) {
          rc = ampsim_error_set(AMPSIM_EINVAL, "tolerance: %s in %s: cannot spread %s='%s'",
                                tok[0], subckt, pname, value);
        } else if (sp == 0) {
          changed = true;
          if (at > 0) {
            /* rewrite in place: rebuild below */
            char *copy = malloc(strlen(out) + 8);
            if (copy == NULL) {
              rc = ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
              break;
            }
            sprintf(copy, "%s=%s", pname, out);
            strbuf_free(&line_sb);
            strbuf_printf(&line_sb, "%s", tok[0]);
            for (size_t k = 1; k < n; k++)
              strbuf_printf(&line_sb, " %s", k == at ? copy : tok[k]);
            free(copy);
            /* tok[at] no longer matters: later rewrites append */
            tok[at] = (char *)"";
          } else {
            strbuf_printf(&line_sb, " %s=%s", pname, out);
          }
        }
      }
      if (rc == 0) {
        char *built = strbuf_take(&line_sb);
        if (built == NULL)
          rc = ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
        else
          strbuf_printf(sb, "%s\n", changed ? built : text);
        free(built);
      } else {
        strbuf_free(&line_sb);
      }
    } else {
      strbuf_printf(sb, "%s\n", text);
    }
    free(work);
    if (rc != 0)
      return rc;
  }
  return 0;
}

int ampsim_tolerance_apply(char **out, char *params_out, size_t params_size, const char *text,
                           const char *subckt, const char *stage_params,
                           const ampsim_tolerances *tol, uint64_t seed,
                           const char *const *instances, size_t n_instances)
{
  lines ls;
  size_t first = 0, last = 0;
  int depth = 0, found = 0, rc = 0;
  strbuf sb = STRBUF_INIT;

  *out = NULL;
  if (lines_split(&ls, text) != 0) {
    lines_free(&ls);
    return ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
  }
  /* The top subcircuit's extent (nested definitions count their .ends). */
  for (size_t i = 0; i < ls.n && found < 2; i++) {
    char *tok[2] = {NULL, NULL}, buf[600], head[290];
    /* Only the first two words matter: tokenize the head of the line. */
    snprintf(head, sizeof head, "%s", ls.items[i].text);
    if (tokenize(tok, 2, buf, head) < 2)
      tok[1] = (char *)"";
    if (tok[0] == NULL)
      continue;
    if (strcasecmp(tok[0], ".subckt") == 0) {
      if (found == 1) {
        depth++;
      } else if (strcasecmp(tok[1], subckt) == 0) {
        found = 1;
        first = i;
        depth = 0;
      }
    } else if (strcasecmp(tok[0], ".ends") == 0 && found == 1) {
      if (depth == 0) {
        last = i;
        found = 2;
      } else {
        depth--;
      }
    }
  }
  if (found != 2) {
    lines_free(&ls);
    return ampsim_error_set(AMPSIM_EINVAL, "tolerance: subcircuit %s not found in the stage text",
                            subckt);
  }
  strbuf_append(&sb, text, strlen(text));
  if (text[0] != '\0' && text[strlen(text) - 1] != '\n')
    strbuf_printf(&sb, "\n");
  for (size_t k = 0; k < n_instances && rc == 0; k++)
    rc = write_copy(&sb, &ls, first, last, subckt, stage_params, tol, seed, instances[k]);
  lines_free(&ls);
  if (rc != 0) {
    strbuf_free(&sb);
    return rc;
  }
  /* The instance parameters without those baked into the copies. */
  if (params_out != NULL && params_size > 0) {
    const char *p = stage_params != NULL ? stage_params : "";
    size_t used = 0;
    params_out[0] = '\0';
    while (*p != '\0') {
      size_t len;
      while (*p == ' ')
        p++;
      len = strcspn(p, " ");
      if (len == 0)
        break;
      if (!((len > 4 && strncasecmp(p, "gbw=", 4) == 0) ||
            (len > 4 && strncasecmp(p, "vos=", 4) == 0))) {
        int w = snprintf(params_out + used, params_size - used, "%s%.*s", used > 0 ? " " : "",
                         (int)len, p);
        if (w < 0 || (size_t)w >= params_size - used) {
          strbuf_free(&sb);
          return ampsim_error_set(AMPSIM_EINVAL, "tolerance: stage parameters too long");
        }
        used += (size_t)w;
      }
      p += len;
    }
  }
  *out = strbuf_take(&sb);
  return *out != NULL ? 0 : ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
}

size_t ampsim_bench_instance_names(const char **names, ampsim_topology topology)
{
  /* As bench.c's channel() and the active-ground stage name them. */
  switch (topology) {
  case AMPSIM_TOPOLOGY_BTL:
    names[0] = "xamp_lp", names[1] = "xamp_ln", names[2] = "xamp_rp", names[3] = "xamp_rn";
    return 4;
  case AMPSIM_TOPOLOGY_ACTIVE_GROUND:
    names[0] = "xamp_l", names[1] = "xamp_r", names[2] = "xamp_g";
    return 3;
  default:
    names[0] = "xamp_l", names[1] = "xamp_r";
    return 2;
  }
}
