/*
 * check.c - baselines and regression checks (see include/ampsim/check.h and
 * docs/baselines.md): reading and writing baseline files, comparing a
 * measurement with a baseline, and the readable table. Running checks
 * (designs, simulations, processes) is check_run.c; the JUnit writer is
 * junit.c.
 *
 * A baseline file is untrusted XML, read as design.c reads design files:
 * from memory (never by libxml2's own I/O), with a size limit, no DTD, no
 * entities and no network, and libxml2's error output captured instead of
 * printed. There is no schema: every element and attribute is checked here,
 * with file:line messages that say what is wrong.
 *
 * This module, design.c and junit.c are the XML modules: the only ones that
 * include libxml2 besides config.
 */
#include "ampsim/check.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "ampsim/ampsim.h"
#include "ampsim/error.h"
#include "ampsim/fileio.h"
#include "ampsim/report.h"
#include "check_internal.h"
#include "strbuf.h"
#include "xmlsafe.h"

/* A baseline larger than this is refused before parsing (a real one is a few
 * kilobytes: one line per figure). */
#define BASELINE_MAX_FILE_BYTES (4u * 1024u * 1024u)
/* At most this many figures in one baseline. */
#define BASELINE_MAX_FIGURES 4096
/* Two keys (frequencies, levels) are the same within this relative error. */
#define KEY_RELATIVE_EPS 1e-6

static int nomem(void)
{
  return ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
}

/* Copy src into a fixed buffer, truncating. */
static void copy_text(char *dst, size_t size, const char *src)
{
  snprintf(dst, size, "%s", src != NULL ? src : "");
}

/* ====================================================================== */
/* Figures, groups and tolerances                                          */
/* ====================================================================== */

/* The figures a baseline can hold, in the order ampsim_check_update() puts
 * their kinds. */
typedef struct figure_def {
  const char *name;
  ampsim_check_group group;
  ampsim_tolerance_kind kind;
  int has_freq, has_vout;
  const char *unit;   /* of the value, for the table: "dB", "V", "ohm" */
  int volts_in_db;    /* a voltage compared as 20 log10(now / baseline) */
  const char *null_means; /* what a null value says, for reasons */
} figure_def;

static const figure_def figure_defs[] = {
  { "gain_db", AMPSIM_CHECK_GAIN, AMPSIM_TOLERANCE_DB, 0, 0, "dB", 0, "null" },
  { "dc_offset_mv", AMPSIM_CHECK_DC_OFFSET, AMPSIM_TOLERANCE_MV, 0, 0, "mV", 0, "null" },
  { "thd_db", AMPSIM_CHECK_THD, AMPSIM_TOLERANCE_DB, 1, 1, "dB", 0, "null" },
  { "thdn_db", AMPSIM_CHECK_THDN, AMPSIM_TOLERANCE_DB, 1, 1, "dB", 0, "null" },
  { "noise_vrms", AMPSIM_CHECK_NOISE, AMPSIM_TOLERANCE_DB, 0, 0, "V", 1, "null" },
  { "noise_vrms_a", AMPSIM_CHECK_NOISE, AMPSIM_TOLERANCE_DB, 0, 0, "V", 1, "null" },
  { "zout_ohms", AMPSIM_CHECK_ZOUT, AMPSIM_TOLERANCE_PCT, 1, 0, "ohm", 0, "null" },
  { "crosstalk_db", AMPSIM_CHECK_CROSSTALK, AMPSIM_TOLERANCE_DB, 1, 0, "dB", 0,
    "null (below the numerical floor)" },
  { "vout_rms_1pct", AMPSIM_CHECK_POWER, AMPSIM_TOLERANCE_PCT, 0, 0, "V", 0,
    "null (1 % THD not reached)" },
  { "pout_w_1pct", AMPSIM_CHECK_POWER, AMPSIM_TOLERANCE_PCT, 0, 0, "W", 0,
    "null (1 % THD not reached)" },
};
#define N_FIGURE_DEFS (sizeof figure_defs / sizeof figure_defs[0])

/* The built-in tolerances: the one place they are set (docs/baselines.md
 * explains each). */
static const struct {
  const char *attribute;
  double tolerance;
} group_defs[AMPSIM_CHECK_GROUP_COUNT] = {
  [AMPSIM_CHECK_GAIN] = { "gain-db", 0.05 },
  [AMPSIM_CHECK_DC_OFFSET] = { "dc-offset-mv", 0.05 },
  [AMPSIM_CHECK_THD] = { "thd-db", 0.5 },
  [AMPSIM_CHECK_THDN] = { "thdn-db", 0.5 },
  [AMPSIM_CHECK_NOISE] = { "noise-db", 0.2 },
  [AMPSIM_CHECK_ZOUT] = { "zout-pct", 5.0 },
  [AMPSIM_CHECK_CROSSTALK] = { "crosstalk-db", 1.0 },
  [AMPSIM_CHECK_POWER] = { "power-pct", 2.0 },
};

/* The attribute of a figure's own tolerance, by kind. */
static const char *const tolerance_attributes[] = {
  [AMPSIM_TOLERANCE_DB] = "tol-db",
  [AMPSIM_TOLERANCE_MV] = "tol-mv",
  [AMPSIM_TOLERANCE_PCT] = "tol-pct",
};

/* The unit of a tolerance kind, for the table. */
static const char *const tolerance_units[] = {
  [AMPSIM_TOLERANCE_DB] = "dB",
  [AMPSIM_TOLERANCE_MV] = "mV",
  [AMPSIM_TOLERANCE_PCT] = "%",
};

double ampsim_check_default_tolerance(ampsim_check_group group)
{
  if ((int)group < 0 || group >= AMPSIM_CHECK_GROUP_COUNT)
    return NAN;
  return group_defs[group].tolerance;
}

const char *ampsim_check_group_name(ampsim_check_group group)
{
  if ((int)group < 0 || group >= AMPSIM_CHECK_GROUP_COUNT)
    return NULL;
  return group_defs[group].attribute;
}

static const figure_def *find_figure_def(const char *name)
{
  size_t i;

  for (i = 0; name != NULL && i < N_FIGURE_DEFS; i++)
    if (strcmp(figure_defs[i].name, name) == 0)
      return &figure_defs[i];
  return NULL;
}

int ampsim_check_figure_info(const char *name, ampsim_check_group *group,
                             ampsim_tolerance_kind *kind, int *has_freq,
                             int *has_vout)
{
  const figure_def *def = find_figure_def(name);

  if (def == NULL)
    return ampsim_error_set(AMPSIM_ENOTFOUND, "'%s' is not a baseline figure",
                            name != NULL ? name : "(null)");
  if (group != NULL)
    *group = def->group;
  if (kind != NULL)
    *kind = def->kind;
  if (has_freq != NULL)
    *has_freq = def->has_freq;
  if (has_vout != NULL)
    *has_vout = def->has_vout;
  return 0;
}

/* The names of every figure, for messages: "gain_db, dc_offset_mv, ...". */
static void figure_names(char *out, size_t size)
{
  size_t i, used = 0;

  out[0] = '\0';
  for (i = 0; i < N_FIGURE_DEFS && used < size; i++) {
    int n = snprintf(out + used, size - used, "%s%s", i > 0 ? ", " : "", figure_defs[i].name);
    if (n < 0)
      break;
    used += (size_t)n;
  }
}

/* The same key: both absent, or equal within KEY_RELATIVE_EPS. */
static int same_key(double a, double b)
{
  if (isnan(a) || isnan(b))
    return isnan(a) && isnan(b);
  return fabs(a - b) <= KEY_RELATIVE_EPS * fmax(fabs(a), fabs(b));
}

/* The tolerance that applies to a figure of baseline b. */
static double effective_tolerance(const ampsim_baseline *b, const figure_def *def,
                                  double own)
{
  if (isfinite(own))
    return own;
  if (b != NULL && isfinite(b->defaults[def->group]))
    return b->defaults[def->group];
  return group_defs[def->group].tolerance;
}

/* ====================================================================== */
/* Numbers in the C locale                                                 */
/* ====================================================================== */

/* strtod in the C locale, whatever the application set. */
static double strtod_c(const char *text, char **end)
{
  locale_t c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
  locale_t old = c_locale != (locale_t)0 ? uselocale(c_locale) : (locale_t)0;
  double v = strtod(text, end);

  if (c_locale != (locale_t)0) {
    uselocale(old);
    freelocale(c_locale);
  }
  return v;
}

/* Parse a whole attribute value as a finite number (surrounding blanks
 * allowed, nothing else). Returns 0 or -1. */
static int parse_double(double *out, const char *text)
{
  const char *p = text;
  char *end = NULL;
  double v;

  while (isspace((unsigned char)*p))
    p++;
  /* strtod would take "inf", "nan" and hexadecimal: not numbers here. */
  if (!(isdigit((unsigned char)*p) || *p == '-' || *p == '+' || *p == '.'))
    return -1;
  if (strpbrk(p, "xXiInN") != NULL)
    return -1;
  errno = 0;
  v = strtod_c(p, &end);
  if (end == p || errno == ERANGE || !isfinite(v))
    return -1;
  while (isspace((unsigned char)*end))
    end++;
  if (*end != '\0')
    return -1;
  *out = v;
  return 0;
}

/* ====================================================================== */
/* libxml2: errors and parsing                                             */
/* ====================================================================== */

/* Parse text into *doc, with libxml2's errors captured, not printed. */
static int parse_document(xmlDocPtr *doc, const char *path, const char *text, size_t len)
{
  xmlsafe_handlers saved;
  xmlsafe_errors errors;
  xmlsafe_status status;
  long doctype_line;

  memset(&errors, 0, sizeof errors);
  xmlsafe_handlers_install(&saved, &errors);
  status = xmlsafe_parse(doc, text, len, &doctype_line);
  xmlsafe_handlers_restore(&saved);
  switch (status) {
  case XMLSAFE_OK:
    return 0;
  case XMLSAFE_EMPTY:
    return ampsim_error_set(AMPSIM_EPARSE, "%s:1: the file is empty", path);
  case XMLSAFE_TOO_LARGE:
    return ampsim_error_set(AMPSIM_EIO, "%s: too large", path);
  case XMLSAFE_DOCTYPE:
    return ampsim_error_set(AMPSIM_EPARSE,
                            "%s:%ld: DOCTYPE declarations are not allowed in a baseline "
                            "(no DTDs, no entities)",
                            path, doctype_line);
  case XMLSAFE_MALFORMED:
    return ampsim_error_set(AMPSIM_EPARSE, "%s:%ld: %s (not a complete XML document: "
                            "truncated or corrupted?)",
                            path, errors.line > 0 ? errors.line : 1,
                            errors.have ? errors.message : "not well-formed XML");
  case XMLSAFE_NOMEM:
  default:
    return nomem();
  }
}

/* ====================================================================== */
/* Reading a baseline                                                      */
/* ====================================================================== */

static long line_of(const xmlNode *node)
{
  long line = xmlGetLineNo(node);
  return line > 0 ? line : 1;
}

/* Set "file:line: message" at node; returns AMPSIM_EPARSE. */
static int fail_at(const char *path, const xmlNode *node, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int fail_at(const char *path, const xmlNode *node, const char *fmt, ...)
{
  char message[1024];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  return ampsim_error_set(AMPSIM_EPARSE, "%s:%ld: %s", path, line_of(node), message);
}

static const xmlNode *next_element(const xmlNode *node)
{
  while (node != NULL && node->type != XML_ELEMENT_NODE)
    node = node->next;
  return node;
}

/* The value of attribute name (no namespace), or NULL if absent. Without a
 * DOCTYPE there are no entities, so a value is one text node. */
static const char *attr(const xmlNode *node, const char *name)
{
  const xmlAttr *a;

  for (a = node->properties; a != NULL; a = a->next) {
    if (a->ns != NULL || strcmp((const char *)a->name, name) != 0)
      continue;
    if (a->children != NULL && a->children->type == XML_TEXT_NODE &&
        a->children->next == NULL && a->children->content != NULL)
      return (const char *)a->children->content;
    return "";
  }
  return NULL;
}

/* Every attribute of node is one of allowed (NULL-terminated). */
static int check_attributes(const char *path, const xmlNode *node, const char *const *allowed,
                            const char *hint)
{
  const xmlAttr *a;
  size_t i;

  for (a = node->properties; a != NULL; a = a->next) {
    int known = 0;
    for (i = 0; a->ns == NULL && allowed[i] != NULL; i++)
      if (strcmp((const char *)a->name, allowed[i]) == 0)
        known = 1;
    if (!known)
      return fail_at(path, node, "unknown attribute '%s' on <%s> (%s)", (const char *)a->name,
                     (const char *)node->name, hint);
  }
  return 0;
}

/* node's children are elements, comments and blank text; elements other
 * than allowed (NULL-terminated, or NULL for none) are errors. */
static int check_children(const char *path, const xmlNode *node, const char *const *allowed,
                          const char *hint)
{
  const xmlNode *child;
  size_t i;

  for (child = node->children; child != NULL; child = child->next) {
    if (child->type == XML_ELEMENT_NODE) {
      int known = 0;
      for (i = 0; child->ns == NULL && allowed != NULL && allowed[i] != NULL; i++)
        if (strcmp((const char *)child->name, allowed[i]) == 0)
          known = 1;
      if (!known)
        return fail_at(path, child, "unknown element <%s> in <%s> (%s)",
                       (const char *)child->name, (const char *)node->name, hint);
    } else if (child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE) {
      const unsigned char *p = child->content;
      for (; p != NULL && *p != '\0'; p++)
        if (!isspace(*p))
          return fail_at(path, child, "unexpected text in <%s> (%s)",
                         (const char *)node->name, hint);
    } else if (child->type != XML_COMMENT_NODE && child->type != XML_PI_NODE) {
      return fail_at(path, child, "unexpected content in <%s> (%s)", (const char *)node->name,
                     hint);
    }
  }
  return 0;
}

/* A number attribute: 0 with *out set, 1 if absent (out untouched), or the
 * error. positive: the value must be above 0 (else at least 0). */
static int number_attr(const char *path, const xmlNode *node, const char *name, double *out,
                       int positive)
{
  const char *text = attr(node, name);
  double v;

  if (text == NULL)
    return 1;
  if (parse_double(&v, text) != 0)
    return fail_at(path, node, "<%s %s=\"%.40s\">: not a number", (const char *)node->name,
                   name, text);
  if (positive ? !(v > 0.0) : !(v >= 0.0))
    return fail_at(path, node, "<%s %s=\"%.40s\">: must be %s", (const char *)node->name, name,
                   text, positive ? "above 0" : "0 or more");
  *out = v;
  return 0;
}

/* A version attribute: a short printable word. */
static int version_attr(const char *path, const xmlNode *node, const char *name, char *out,
                        size_t size)
{
  const char *text = attr(node, name);
  size_t i;

  if (text == NULL)
    return 0;
  for (i = 0; text[i] != '\0'; i++)
    if (!isgraph((unsigned char)text[i]))
      return fail_at(path, node, "<baseline %s=...>: a version is one word", name);
  if (strlen(text) >= size)
    return fail_at(path, node, "<baseline %s=...>: longer than %zu characters", name,
                   size - 1);
  copy_text(out, size, text);
  return 0;
}

static int convert_defaults(const char *path, const xmlNode *node, ampsim_baseline *b)
{
  const char *allowed[AMPSIM_CHECK_GROUP_COUNT + 1];
  char hint[512];
  size_t used = 0;
  int g, rc;

  snprintf(hint, sizeof hint, "expected ");
  used = strlen(hint);
  for (g = 0; g < AMPSIM_CHECK_GROUP_COUNT; g++) {
    allowed[g] = group_defs[g].attribute;
    if (used < sizeof hint) {
      int n = snprintf(hint + used, sizeof hint - used, "%s%s", g > 0 ? ", " : "",
                       group_defs[g].attribute);
      if (n > 0)
        used += (size_t)n;
    }
  }
  allowed[AMPSIM_CHECK_GROUP_COUNT] = NULL;
  rc = check_attributes(path, node, allowed, hint);
  if (rc == 0)
    rc = check_children(path, node, NULL, "it holds nothing");
  for (g = 0; rc == 0 && g < AMPSIM_CHECK_GROUP_COUNT; g++) {
    double v;
    rc = number_attr(path, node, group_defs[g].attribute, &v, 0);
    if (rc == 0)
      b->defaults[g] = v;
    else if (rc == 1)
      rc = 0;
  }
  return rc;
}

static int convert_figure(const char *path, const xmlNode *node, ampsim_baseline_figure *f)
{
  static const char *const allowed[] = { "name", "freq", "vout", "value",
                                         "tol-db", "tol-mv", "tol-pct", NULL };
  const figure_def *def;
  const char *name, *value;
  size_t k;
  int rc;

  rc = check_attributes(path, node, allowed,
                        "expected name, freq, vout, value and tol-db, tol-mv or tol-pct");
  if (rc == 0)
    rc = check_children(path, node, NULL, "it holds nothing");
  if (rc != 0)
    return rc;
  f->freq_hz = f->vout_rms = f->value = f->tolerance = NAN;
  f->line = line_of(node);

  name = attr(node, "name");
  if (name == NULL)
    return fail_at(path, node, "<figure> has no name");
  def = find_figure_def(name);
  if (def == NULL) {
    char names[512];
    figure_names(names, sizeof names);
    return fail_at(path, node, "unknown figure '%.60s' (expected %s)", name, names);
  }
  copy_text(f->name, sizeof f->name, name);

  rc = number_attr(path, node, "freq", &f->freq_hz, 1);
  if (rc < 0)
    return rc;
  if ((rc == 0) != def->has_freq)
    return fail_at(path, node, def->has_freq ? "<figure name=\"%s\"> needs freq (in Hz)"
                                             : "<figure name=\"%s\"> takes no freq",
                   name);
  rc = number_attr(path, node, "vout", &f->vout_rms, 1);
  if (rc < 0)
    return rc;
  if ((rc == 0) != def->has_vout)
    return fail_at(path, node, def->has_vout ? "<figure name=\"%s\"> needs vout (in Vrms)"
                                             : "<figure name=\"%s\"> takes no vout",
                   name);

  value = attr(node, "value");
  if (value == NULL)
    return fail_at(path, node, "<figure name=\"%s\"> has no value (a number, or null)", name);
  if (strcmp(value, "null") != 0 && parse_double(&f->value, value) != 0)
    return fail_at(path, node, "<figure name=\"%s\" value=\"%.40s\">: not a number (nor null)",
                   name, value);

  for (k = 0; k < sizeof tolerance_attributes / sizeof tolerance_attributes[0]; k++) {
    double tol;
    if (attr(node, tolerance_attributes[k]) == NULL)
      continue;
    if (k != (size_t)def->kind)
      return fail_at(path, node, "<figure name=\"%s\"> takes %s (%s), not %s", name,
                     tolerance_attributes[def->kind],
                     def->kind == AMPSIM_TOLERANCE_DB   ? "absolute, in dB"
                     : def->kind == AMPSIM_TOLERANCE_MV ? "absolute, in mV"
                                                        : "relative, in %",
                     tolerance_attributes[k]);
    rc = number_attr(path, node, tolerance_attributes[k], &tol, 0);
    if (rc < 0)
      return rc;
    f->tolerance = tol;
  }
  return 0;
}

/* rel resolved against the folder of path: rel itself when it is absolute
 * or path has no folder. Returns 0, or -1 if it does not fit. */
static int resolve_against(char *out, size_t size, const char *path, const char *rel)
{
  const char *slash = strrchr(path, '/');
  int n;

  if (rel[0] == '/' || slash == NULL)
    n = snprintf(out, size, "%s", rel);
  else if (slash == path)
    n = snprintf(out, size, "/%s", rel);
  else
    n = snprintf(out, size, "%.*s/%s", (int)(slash - path), path, rel);
  return n < 0 || (size_t)n >= size ? -1 : 0;
}

static int convert_baseline(const char *path, const xmlDoc *doc, ampsim_baseline *b)
{
  static const char *const root_attrs[] = { "design", "design-name", "ampsim", "ngspice", NULL };
  static const char *const children[] = { "defaults", "figure", NULL };
  const xmlNode *root = xmlDocGetRootElement(doc);
  const xmlNode *node;
  const char *design, *design_name;
  long defaults_line = 0;
  size_t n = 0, i, j;
  int rc;

  if (root == NULL)
    return ampsim_error_set(AMPSIM_EPARSE, "%s:1: no root element", path);
  if (root->ns != NULL || strcmp((const char *)root->name, "baseline") != 0)
    return fail_at(path, root, "the root element is <%s>; a baseline's root is <baseline>",
                   (const char *)root->name);
  rc = check_attributes(path, root, root_attrs, "expected design, design-name, ampsim, ngspice");
  if (rc == 0)
    rc = check_children(path, root, children, "expected <defaults> and <figure>");
  if (rc != 0)
    return rc;

  design = attr(root, "design");
  if (design == NULL || design[0] == '\0')
    return fail_at(path, root, "<baseline> has no design (the design file, relative to the "
                   "baseline's folder)");
  if (strlen(design) >= sizeof b->design)
    return fail_at(path, root, "<baseline design=...>: the path is too long");
  copy_text(b->design, sizeof b->design, design);
  if (resolve_against(b->design_path, sizeof b->design_path, path, design) != 0)
    return fail_at(path, root, "<baseline design=...>: the path is too long");
  design_name = attr(root, "design-name");
  if (design_name != NULL) {
    if (design_name[0] == '\0' || strlen(design_name) >= sizeof b->design_name)
      return fail_at(path, root, "<baseline design-name=...>: empty or longer than %zu "
                     "characters", sizeof b->design_name - 1);
    copy_text(b->design_name, sizeof b->design_name, design_name);
  }
  rc = version_attr(path, root, "ampsim", b->ampsim_version, sizeof b->ampsim_version);
  if (rc == 0)
    rc = version_attr(path, root, "ngspice", b->ngspice_version, sizeof b->ngspice_version);
  if (rc != 0)
    return rc;

  for (node = next_element(root->children); node != NULL; node = next_element(node->next))
    if (strcmp((const char *)node->name, "figure") == 0)
      n++;
  if (n > BASELINE_MAX_FIGURES)
    return fail_at(path, root, "more than %d figures", BASELINE_MAX_FIGURES);
  if (n > 0) {
    b->figures = calloc(n, sizeof *b->figures);
    if (b->figures == NULL)
      return nomem();
  }
  for (node = next_element(root->children); node != NULL; node = next_element(node->next)) {
    if (strcmp((const char *)node->name, "defaults") == 0) {
      if (defaults_line > 0)
        return fail_at(path, node, "second <defaults> (the first is at line %ld)",
                       defaults_line);
      defaults_line = line_of(node);
      rc = convert_defaults(path, node, b);
    } else {
      rc = convert_figure(path, node, &b->figures[b->n_figures]);
      if (rc == 0)
        b->n_figures++;
    }
    if (rc != 0)
      return rc;
  }
  for (i = 0; i < b->n_figures; i++) {
    const ampsim_baseline_figure *f = &b->figures[i];
    for (j = 0; j < i; j++) {
      const ampsim_baseline_figure *g = &b->figures[j];
      if (strcmp(f->name, g->name) == 0 && same_key(f->freq_hz, g->freq_hz) &&
          same_key(f->vout_rms, g->vout_rms))
        return ampsim_error_set(AMPSIM_EPARSE, "%s:%ld: figure %s is given twice (first at "
                                "line %ld)",
                                path, f->line, f->name, g->line);
    }
  }
  return 0;
}

static ampsim_baseline *baseline_new(void)
{
  ampsim_baseline *b = calloc(1, sizeof *b);
  int g;

  if (b == NULL)
    return NULL;
  for (g = 0; g < AMPSIM_CHECK_GROUP_COUNT; g++)
    b->defaults[g] = NAN;
  return b;
}

void ampsim_baseline_free(ampsim_baseline *baseline)
{
  if (baseline == NULL)
    return;
  free(baseline->figures);
  free(baseline);
}

int ampsim_check_load(ampsim_baseline **out, const char *path)
{
  ampsim_baseline *b = NULL;
  xmlDocPtr doc = NULL;
  char *text = NULL;
  size_t len = 0;
  int rc;

  if (out == NULL || path == NULL || path[0] == '\0')
    return ampsim_error_set(AMPSIM_EINVAL, "ampsim_check_load: no output or no path");
  *out = NULL;
  if (strlen(path) >= sizeof b->path)
    return ampsim_error_set(AMPSIM_EINVAL, "%.100s...: the path is too long", path);
  rc = xmlsafe_read_file(&text, &len, path, BASELINE_MAX_FILE_BYTES, "a baseline");
  if (rc != 0)
    return rc;
  rc = parse_document(&doc, path, text, len);
  if (rc != 0)
    goto done;
  b = baseline_new();
  if (b == NULL) {
    rc = nomem();
    goto done;
  }
  copy_text(b->path, sizeof b->path, path);
  rc = convert_baseline(path, doc, b);
  if (rc == 0) {
    *out = b;
    b = NULL;
  }
done:
  ampsim_baseline_free(b);
  xmlFreeDoc(doc);
  free(text);
  return rc;
}

/* ====================================================================== */
/* Writing a baseline                                                      */
/* ====================================================================== */

/* Append text as an XML attribute value (quotes, markup and line breaks
 * escaped). */
static void append_escaped(strbuf *sb, const char *text)
{
  const char *p;

  for (p = text; *p != '\0'; p++) {
    switch (*p) {
    case '&': strbuf_append(sb, "&amp;", 5); break;
    case '<': strbuf_append(sb, "&lt;", 4); break;
    case '>': strbuf_append(sb, "&gt;", 4); break;
    case '"': strbuf_append(sb, "&quot;", 6); break;
    case '\n': strbuf_append(sb, "&#10;", 5); break;
    case '\r': strbuf_append(sb, "&#13;", 5); break;
    case '\t': strbuf_append(sb, "&#9;", 4); break;
    default: strbuf_append(sb, p, 1); break;
    }
  }
}

int ampsim_check_format(char **out, const ampsim_baseline *b)
{
  strbuf sb = STRBUF_INIT;
  size_t i;
  int g, any_default = 0;

  if (out == NULL || b == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "ampsim_check_format: missing argument");
  *out = NULL;

  /* (An XML comment cannot hold "--", so the option is not spelt out.) */
  strbuf_printf(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<!-- ampsim baseline: the figures of one design and the tolerances they\n"
                     "     must hold (docs/baselines.md). Written by ampsim check with its\n"
                     "     update option, which keeps the tolerances but not comments. -->\n");
  strbuf_printf(&sb, "<baseline design=\"");
  append_escaped(&sb, b->design);
  strbuf_printf(&sb, "\"");
  if (b->design_name[0] != '\0') {
    strbuf_printf(&sb, " design-name=\"");
    append_escaped(&sb, b->design_name);
    strbuf_printf(&sb, "\"");
  }
  if (b->ampsim_version[0] != '\0') {
    strbuf_printf(&sb, " ampsim=\"");
    append_escaped(&sb, b->ampsim_version);
    strbuf_printf(&sb, "\"");
  }
  if (b->ngspice_version[0] != '\0') {
    strbuf_printf(&sb, " ngspice=\"");
    append_escaped(&sb, b->ngspice_version);
    strbuf_printf(&sb, "\"");
  }
  strbuf_printf(&sb, ">\n");

  for (g = 0; g < AMPSIM_CHECK_GROUP_COUNT; g++)
    any_default |= isfinite(b->defaults[g]);
  if (any_default) {
    strbuf_printf(&sb, "  <defaults");
    for (g = 0; g < AMPSIM_CHECK_GROUP_COUNT; g++)
      if (isfinite(b->defaults[g]))
        strbuf_printf(&sb, " %s=\"%.6g\"", group_defs[g].attribute, b->defaults[g]);
    strbuf_printf(&sb, "/>\n");
  }

  for (i = 0; i < b->n_figures; i++) {
    const ampsim_baseline_figure *f = &b->figures[i];
    const figure_def *def = find_figure_def(f->name);
    if (def == NULL) {
      strbuf_free(&sb);
      return ampsim_error_set(AMPSIM_EINVAL, "ampsim_check_format: unknown figure '%s'",
                              f->name);
    }
    strbuf_printf(&sb, "  <figure name=\"%s\"", def->name);
    if (def->has_freq)
      strbuf_printf(&sb, " freq=\"%.6g\"", f->freq_hz);
    if (def->has_vout)
      strbuf_printf(&sb, " vout=\"%.6g\"", f->vout_rms);
    if (isfinite(f->value))
      strbuf_printf(&sb, " value=\"%.6g\"", f->value);
    else
      strbuf_printf(&sb, " value=\"null\"");
    if (isfinite(f->tolerance))
      strbuf_printf(&sb, " %s=\"%.6g\"", tolerance_attributes[def->kind], f->tolerance);
    strbuf_printf(&sb, "/>\n");
  }
  strbuf_printf(&sb, "</baseline>\n");
  *out = strbuf_take(&sb);
  if (*out == NULL)
    return nomem();
  return 0;
}

int ampsim_check_save(const ampsim_baseline *b, const char *path)
{
  char *text = NULL;
  int rc;

  if (b == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "ampsim_check_save: no baseline");
  if (path == NULL)
    path = b->path;
  if (path[0] == '\0')
    return ampsim_error_set(AMPSIM_EINVAL, "ampsim_check_save: no path");
  rc = ampsim_check_format(&text, b);
  if (rc == 0)
    rc = ampsim_file_write_atomic(path, text, strlen(text));
  free(text);
  return rc;
}

/* ====================================================================== */
/* The figures of a measurement                                            */
/* ====================================================================== */

/* The sweep frequencies that become figures (the contract puts exactly these
 * in every Zout and crosstalk sweep). */
static const double sweep_freqs_hz[3] = { 20.0, 1000.0, 20000.0 };

/* Every figure m measured, in the written order, into a new array. */
static int measured_figures(ampsim_baseline_figure **out, size_t *n_out,
                            const ampsim_measurement *m)
{
  ampsim_baseline_figure *f;
  size_t n = 0, cap, i, j, n_thd;
  unsigned fig = m->options.figures;

  *out = NULL;
  *n_out = 0;
  n_thd = m->n_thd < sizeof m->thd / sizeof m->thd[0] ? m->n_thd
                                                      : sizeof m->thd / sizeof m->thd[0];
  cap = 2 + 2 * n_thd + 2 + 3 + 3 + 2;
  f = calloc(cap, sizeof *f);
  if (f == NULL)
    return nomem();

#define ADD_FIGURE(name_, freq_, vout_, value_)                                \
  do {                                                                         \
    copy_text(f[n].name, sizeof f[n].name, (name_));                           \
    f[n].freq_hz = (freq_);                                                    \
    f[n].vout_rms = (vout_);                                                   \
    f[n].value = isfinite(value_) ? (value_) : NAN;                            \
    f[n].tolerance = NAN;                                                      \
    n++;                                                                       \
  } while (0)

  if (fig & AMPSIM_FIG_GAIN) {
    ADD_FIGURE("gain_db", NAN, NAN, m->gain_db);
    ADD_FIGURE("dc_offset_mv", NAN, NAN, m->dc_offset_mv);
  }
  if (fig & AMPSIM_FIG_THD) {
    /* Keys are the frequency and the level asked for (the measured level
     * is within the search's tolerance of it). ampsim_measure() makes the
     * points frequency by frequency, each over every level. */
    int grid = m->options.n_vouts > 0 && n_thd == m->options.n_freqs * m->options.n_vouts;
    for (i = 0; i < n_thd; i++) {
      const ampsim_thd_point *p = &m->thd[i];
      double vout = p->vout_rms;
      if (grid) {
        vout = m->options.vouts_rms[i % m->options.n_vouts];
      } else {
        double best = INFINITY;
        for (j = 0; j < m->options.n_vouts && j < AMPSIM_MAX_LEVELS; j++) {
          double d = fabs(log(m->options.vouts_rms[j] / p->vout_rms));
          if (d < best) {
            best = d;
            vout = m->options.vouts_rms[j];
          }
        }
      }
      ADD_FIGURE("thd_db", p->freq_hz, vout, p->thd_db);
      ADD_FIGURE("thdn_db", p->freq_hz, vout, p->thdn_db);
    }
  }
  if (fig & AMPSIM_FIG_NOISE) {
    ADD_FIGURE("noise_vrms", NAN, NAN, m->noise_vrms);
    ADD_FIGURE("noise_vrms_a", NAN, NAN, m->noise_vrms_a);
  }
  if (fig & AMPSIM_FIG_ZOUT) {
    for (j = 0; j < 3; j++)
      for (i = 0; i < m->n_zout && i < AMPSIM_MAX_SWEEP; i++)
        if (same_key(m->zout[i].freq_hz, sweep_freqs_hz[j])) {
          ADD_FIGURE("zout_ohms", sweep_freqs_hz[j], NAN, m->zout[i].ohms);
          break;
        }
  }
  if (fig & AMPSIM_FIG_CROSSTALK) {
    for (j = 0; j < 3; j++)
      for (i = 0; i < m->n_crosstalk && i < AMPSIM_MAX_SWEEP; i++)
        if (same_key(m->crosstalk[i].freq_hz, sweep_freqs_hz[j])) {
          ADD_FIGURE("crosstalk_db", sweep_freqs_hz[j], NAN, m->crosstalk[i].db);
          break;
        }
  }
  if (fig & AMPSIM_FIG_POWER) {
    ADD_FIGURE("vout_rms_1pct", NAN, NAN, m->vout_rms_1pct);
    ADD_FIGURE("pout_w_1pct", NAN, NAN, m->pout_w_1pct);
  }
#undef ADD_FIGURE
  *out = f;
  *n_out = n;
  return 0;
}

int ampsim_check_update(ampsim_baseline **out, const ampsim_baseline *old,
                        const ampsim_measurement *m)
{
  ampsim_baseline *b = NULL;
  size_t i, j;
  int rc;

  if (out == NULL || old == NULL || m == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "ampsim_check_update: missing argument");
  *out = NULL;
  b = baseline_new();
  if (b == NULL)
    return nomem();
  copy_text(b->path, sizeof b->path, old->path);
  copy_text(b->design, sizeof b->design, old->design);
  copy_text(b->design_path, sizeof b->design_path, old->design_path);
  copy_text(b->design_name, sizeof b->design_name, old->design_name);
  copy_text(b->ampsim_version, sizeof b->ampsim_version, ampsim_version());
  copy_text(b->ngspice_version, sizeof b->ngspice_version, m->ngspice_version);
  memcpy(b->defaults, old->defaults, sizeof b->defaults);
  rc = measured_figures(&b->figures, &b->n_figures, m);
  if (rc != 0) {
    ampsim_baseline_free(b);
    return rc;
  }
  for (i = 0; i < b->n_figures; i++) {
    ampsim_baseline_figure *f = &b->figures[i];
    for (j = 0; j < old->n_figures; j++) {
      const ampsim_baseline_figure *o = &old->figures[j];
      if (strcmp(f->name, o->name) == 0 && same_key(f->freq_hz, o->freq_hz) &&
          same_key(f->vout_rms, o->vout_rms)) {
        f->tolerance = o->tolerance;
        break;
      }
    }
  }
  *out = b;
  return 0;
}

/* ====================================================================== */
/* Comparison                                                              */
/* ====================================================================== */

/* "thd_db (1 kHz, 1 Vrms)", "zout_ohms (20 Hz)", "gain_db". */
static void figure_label(char *out, size_t size, const char *name, double freq_hz,
                         double vout_rms)
{
  char freq[32], vout[32];

  if (!isnan(freq_hz) && !isnan(vout_rms))
    snprintf(out, size, "%s (%s, %s)", name, ampsim_report_eng(freq, sizeof freq, freq_hz, "Hz"),
             ampsim_report_eng(vout, sizeof vout, vout_rms, "Vrms"));
  else if (!isnan(freq_hz))
    snprintf(out, size, "%s (%s)", name, ampsim_report_eng(freq, sizeof freq, freq_hz, "Hz"));
  else
    snprintf(out, size, "%s", name);
}

/* A value as the table shows it: "-122.83 dB", "7.49 V", "null". */
static void value_text(char *out, size_t size, const figure_def *def, double value)
{
  if (isnan(value))
    snprintf(out, size, "null");
  else if (strcmp(def->unit, "dB") == 0)
    snprintf(out, size, "%.2f dB", value);
  else if (strcmp(def->unit, "mV") == 0)
    snprintf(out, size, "%.3f mV", value);
  else
    ampsim_report_eng(out, size, value, def->unit);
}

/* "-0.00" reads as a change; a difference that rounds to zero is "+0.00". */
static void unsign_zero(char *text)
{
  const char *p;
  int digits = 0;

  if (text[0] != '-')
    return;
  for (p = text + 1; *p != '\0' && *p != ' '; p++) {
    if (*p != '0' && *p != '.')
      return;
    digits += *p == '0';
  }
  if (digits > 0)
    text[0] = '+';
}

static void difference_text(char *out, size_t size, ampsim_tolerance_kind kind, double diff)
{
  if (isnan(diff))
    snprintf(out, size, "-");
  else if (isinf(diff))
    snprintf(out, size, "%sinf %s", diff < 0 ? "-" : "+", tolerance_units[kind]);
  else if (kind == AMPSIM_TOLERANCE_DB)
    snprintf(out, size, "%+.2f dB", diff);
  else if (kind == AMPSIM_TOLERANCE_MV)
    snprintf(out, size, "%+.3f mV", diff);
  else
    snprintf(out, size, "%+.1f %%", diff);
  unsign_zero(out);
}

static void tolerance_text(char *out, size_t size, ampsim_tolerance_kind kind, double tol)
{
  snprintf(out, size, "%g %s", tol, tolerance_units[kind]);
}

void check_locale_begin(check_locale *l)
{
  l->c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
  l->old = l->c_locale != (locale_t)0 ? uselocale(l->c_locale) : (locale_t)0;
}

void check_locale_end(check_locale *l)
{
  if (l->c_locale != (locale_t)0) {
    uselocale(l->old);
    freelocale(l->c_locale);
  }
  l->c_locale = l->old = (locale_t)0;
}

void check_item_format(check_item_text *out, const ampsim_check_item *item)
{
  const figure_def *def = find_figure_def(item->name);

  if (def == NULL) {
    snprintf(out->baseline, sizeof out->baseline, "%g", item->baseline);
    snprintf(out->now, sizeof out->now, "%g", item->now);
  } else {
    value_text(out->baseline, sizeof out->baseline, def, item->baseline);
    value_text(out->now, sizeof out->now, def, item->now);
  }
  difference_text(out->difference, sizeof out->difference, item->kind, item->difference);
  tolerance_text(out->tolerance, sizeof out->tolerance, item->kind, item->tolerance);
}

/* Compare one figure into item (whose keys, label, kind and tolerance are
 * set). */
static void compare_values(ampsim_check_item *item, const figure_def *def)
{
  char base[48], now[48], diff[48], tol[48];
  double b = item->baseline, n = item->now;

  item->difference = NAN;
  if (isnan(b) && isnan(n)) {
    item->status = AMPSIM_CHECK_PASS;
    return;
  }
  if (isnan(b) || isnan(n)) {
    value_text(base, sizeof base, def, b);
    value_text(now, sizeof now, def, n);
    item->status = AMPSIM_CHECK_FAIL;
    if (isnan(b))
      snprintf(item->reason, sizeof item->reason, "baseline is %s, now %s", def->null_means,
               now);
    else
      snprintf(item->reason, sizeof item->reason, "now %s, baseline %s", def->null_means, base);
    return;
  }
  switch (item->kind) {
  case AMPSIM_TOLERANCE_DB:
    if (!def->volts_in_db)
      item->difference = n - b;
    else if (b > 0.0 && n > 0.0)
      item->difference = 20.0 * log10(n / b);
    else if (b == n)
      item->difference = 0.0;
    break;
  case AMPSIM_TOLERANCE_MV:
    item->difference = n - b;
    break;
  case AMPSIM_TOLERANCE_PCT:
    if (b != 0.0)
      item->difference = 100.0 * (n - b) / fabs(b);
    else
      item->difference = n == 0.0 ? 0.0 : copysign(INFINITY, n);
    break;
  }
  if (isnan(item->difference)) {
    item->status = AMPSIM_CHECK_FAIL;
    snprintf(item->reason, sizeof item->reason, "cannot be compared in dB (not above 0)");
    return;
  }
  if (fabs(item->difference) <= item->tolerance) {
    item->status = AMPSIM_CHECK_PASS;
    return;
  }
  item->status = AMPSIM_CHECK_FAIL;
  difference_text(diff, sizeof diff, item->kind, item->difference);
  tolerance_text(tol, sizeof tol, item->kind, item->tolerance);
  snprintf(item->reason, sizeof item->reason, "moved %s, beyond the tolerance of %s", diff, tol);
}

void ampsim_check_result_free(ampsim_check_result *result)
{
  if (result == NULL)
    return;
  free(result->items);
  free(result);
}

/* The suite name of a baseline path: the file name without ".xml". */
void check_suite_name(char *out, size_t size, const char *path)
{
  const char *base = strrchr(path, '/');
  size_t len;

  base = base != NULL ? base + 1 : path;
  len = strlen(base);
  if (len > 4 && strcmp(base + len - 4, ".xml") == 0)
    len -= 4;
  snprintf(out, size, "%.*s", (int)len, base);
}

/* Compare into an existing result (its identity fields already set), in
 * the C locale (see check_compare_into()). */
static int compare_into_c(ampsim_check_result *r, const ampsim_baseline *b,
                          const ampsim_measurement *m)
{
  ampsim_baseline_figure *measured = NULL;
  unsigned char *used = NULL;
  size_t n_measured = 0, i, j;
  int rc;

  rc = measured_figures(&measured, &n_measured, m);
  if (rc != 0)
    return rc;
  used = calloc(n_measured + 1, 1);
  r->items = calloc(b->n_figures + n_measured + 1, sizeof *r->items);
  if (used == NULL || r->items == NULL) {
    free(used);
    free(measured);
    return nomem();
  }
  r->n_items = r->n_failed = r->n_new = 0;

  for (i = 0; i < b->n_figures; i++) {
    const ampsim_baseline_figure *f = &b->figures[i];
    const figure_def *def = find_figure_def(f->name);
    ampsim_check_item *item = &r->items[r->n_items];
    int found = 0;

    if (def == NULL)
      continue; /* ampsim_check_load() lets none through */
    copy_text(item->name, sizeof item->name, f->name);
    figure_label(item->label, sizeof item->label, f->name, f->freq_hz, f->vout_rms);
    item->freq_hz = f->freq_hz;
    item->vout_rms = f->vout_rms;
    item->baseline = f->value;
    item->now = NAN;
    item->kind = def->kind;
    item->tolerance = effective_tolerance(b, def, f->tolerance);
    item->line = f->line;
    for (j = 0; j < n_measured; j++) {
      if (!used[j] && strcmp(measured[j].name, f->name) == 0 &&
          same_key(measured[j].freq_hz, f->freq_hz) &&
          same_key(measured[j].vout_rms, f->vout_rms)) {
        used[j] = 1;
        item->now = measured[j].value;
        found = 1;
        break;
      }
    }
    if (found) {
      compare_values(item, def);
    } else {
      item->difference = NAN;
      item->status = AMPSIM_CHECK_FAIL;
      snprintf(item->reason, sizeof item->reason,
               "not measured now (the design does not measure this figure)");
    }
    if (item->status == AMPSIM_CHECK_FAIL)
      r->n_failed++;
    r->n_items++;
  }

  for (j = 0; j < n_measured; j++) {
    const figure_def *def = find_figure_def(measured[j].name);
    ampsim_check_item *item = &r->items[r->n_items];

    if (used[j] || def == NULL)
      continue;
    copy_text(item->name, sizeof item->name, measured[j].name);
    figure_label(item->label, sizeof item->label, measured[j].name, measured[j].freq_hz,
                 measured[j].vout_rms);
    item->freq_hz = measured[j].freq_hz;
    item->vout_rms = measured[j].vout_rms;
    item->baseline = NAN;
    item->now = measured[j].value;
    item->difference = NAN;
    item->kind = def->kind;
    item->tolerance = effective_tolerance(b, def, NAN);
    item->status = AMPSIM_CHECK_NEW;
    snprintf(item->reason, sizeof item->reason,
             "not in the baseline (record it with ampsim check --update)");
    r->n_new++;
    r->n_items++;
  }
  free(used);
  free(measured);
  return 0;
}

/* Compare into an existing result: labels and reasons are text that
 * programs read (JUnit), so numbers in them are in the C locale. */
int check_compare_into(ampsim_check_result *r, const ampsim_baseline *b,
                        const ampsim_measurement *m)
{
  check_locale l;
  int rc;

  check_locale_begin(&l);
  rc = compare_into_c(r, b, m);
  check_locale_end(&l);
  return rc;
}

/* The version warning of a comparison, "" if the versions agree. Versions
 * the baseline does not record are not compared. */
void check_version_warning(char *out, size_t size, const ampsim_baseline *b,
                            const char *ngspice_now)
{
  int ampsim_differs = b->ampsim_version[0] != '\0' &&
                       strcmp(b->ampsim_version, ampsim_version()) != 0;
  int ngspice_differs = b->ngspice_version[0] != '\0' && ngspice_now[0] != '\0' &&
                        strcmp(b->ngspice_version, ngspice_now) != 0;

  out[0] = '\0';
  if (!ampsim_differs && !ngspice_differs)
    return;
  snprintf(out, size, "baseline made with ampsim %s and ngspice %s, now ampsim %s and ngspice "
           "%s: figures may differ for that reason alone",
           b->ampsim_version[0] != '\0' ? b->ampsim_version : "(unknown)",
           b->ngspice_version[0] != '\0' ? b->ngspice_version : "(unknown)", ampsim_version(),
           ngspice_now[0] != '\0' ? ngspice_now : "(unknown)");
}

/* Fill the identity of result r from baseline b. */
void check_result_identity(ampsim_check_result *r, const ampsim_baseline *b)
{
  copy_text(r->baseline_path, sizeof r->baseline_path, b->path);
  check_suite_name(r->name, sizeof r->name, b->path);
  copy_text(r->design_path, sizeof r->design_path, b->design_path);
  copy_text(r->design_name, sizeof r->design_name, b->design_name);
  copy_text(r->baseline_ampsim_version, sizeof r->baseline_ampsim_version, b->ampsim_version);
  copy_text(r->baseline_ngspice_version, sizeof r->baseline_ngspice_version,
            b->ngspice_version);
  copy_text(r->ampsim_version, sizeof r->ampsim_version, ampsim_version());
}

int ampsim_check_compare(ampsim_check_result **out, const ampsim_baseline *b,
                         const ampsim_measurement *m)
{
  ampsim_check_result *r;
  int rc;

  if (out == NULL || b == NULL || m == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "ampsim_check_compare: missing argument");
  *out = NULL;
  r = calloc(1, sizeof *r);
  if (r == NULL)
    return nomem();
  check_result_identity(r, b);
  copy_text(r->ngspice_version, sizeof r->ngspice_version, m->ngspice_version);
  check_version_warning(r->warning, sizeof r->warning, b, m->ngspice_version);
  r->elapsed_s = isfinite(m->elapsed_s) && m->elapsed_s >= 0.0 ? m->elapsed_s : 0.0;
  r->started = time(NULL) - (time_t)r->elapsed_s;
  rc = check_compare_into(r, b, m);
  if (rc != 0) {
    ampsim_check_result_free(r);
    return rc;
  }
  *out = r;
  return 0;
}

/* ====================================================================== */
/* The table                                                               */
/* ====================================================================== */

/* The table, in the C locale (see ampsim_check_table()). */
static int table_c(char **out, const ampsim_check_result *r, int failures_only)
{
  strbuf sb = STRBUF_INIT;
  size_t i, shown = 0;

  *out = NULL;
  strbuf_printf(&sb, "%s", r->baseline_path);
  if (r->design_name[0] != '\0' || r->design_path[0] != '\0')
    strbuf_printf(&sb, ": %s%s%s%s", r->design_name, r->design_name[0] != '\0' ? " (" : "",
                  r->design_path, r->design_name[0] != '\0' ? ")" : "");
  strbuf_printf(&sb, "\n");
  if (r->error_code != 0) {
    const char *p;
    /* One line, whatever the message holds (ngspice's may have several). */
    strbuf_printf(&sb, "  ERROR  ");
    for (p = r->error; *p != '\0'; p++) {
      if (*p == '\n' || *p == '\r') {
        if (p[1] != '\0' && p[1] != '\n' && p[1] != '\r')
          strbuf_printf(&sb, "; ");
      } else {
        strbuf_append(&sb, p, 1);
      }
    }
    strbuf_printf(&sb, "\n");
    *out = strbuf_take(&sb);
    return *out != NULL ? 0 : nomem();
  }

  for (i = 0; i < r->n_items; i++) {
    const ampsim_check_item *item = &r->items[i];
    check_item_text text;
    const char *mark;

    if (failures_only && item->status == AMPSIM_CHECK_PASS)
      continue;
    if (shown == 0)
      strbuf_printf(&sb, "  %-28s %13s %13s %12s %10s\n", "figure", "baseline", "now",
                    "difference", "tolerance");
    shown++;
    check_item_format(&text, item);
    mark = item->status == AMPSIM_CHECK_PASS ? "ok" : item->status == AMPSIM_CHECK_FAIL ? "FAIL"
                                                                                       : "new";
    strbuf_printf(&sb, "  %-28s %13s %13s %12s %10s  %s", item->label, text.baseline, text.now,
                  text.difference, text.tolerance, mark);
    /* A figure that moved too far is explained by its numbers; a null,
     * missing or new one by its reason. */
    if (item->status != AMPSIM_CHECK_PASS && !isfinite(item->difference))
      strbuf_printf(&sb, "  %s", item->reason);
    strbuf_printf(&sb, "\n");
  }
  strbuf_printf(&sb, "  %zu figure%s", r->n_items, r->n_items == 1 ? "" : "s");
  if (r->n_failed > 0)
    strbuf_printf(&sb, ", %zu FAILED", r->n_failed);
  else
    strbuf_printf(&sb, ", all within tolerance");
  if (r->n_new > 0)
    strbuf_printf(&sb, ", %zu new", r->n_new);
  strbuf_printf(&sb, " (%.1f s)%s\n", r->elapsed_s, r->updated ? "; baseline updated" : "");
  *out = strbuf_take(&sb);
  return *out != NULL ? 0 : nomem();
}

int ampsim_check_table(char **out, const ampsim_check_result *r, int failures_only)
{
  check_locale l;
  int rc;

  if (out == NULL || r == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "ampsim_check_table: missing argument");
  check_locale_begin(&l);
  rc = table_c(out, r, failures_only);
  check_locale_end(&l);
  return rc;
}
