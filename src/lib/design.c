/*
 * design.c - design files and designs (see include/ampsim/design.h).
 *
 * A design file is untrusted XML. It is read here, never by libxml2's own I/O
 * (no network, no decompression, a size limit), parsed without DTDs or
 * entities (a DOCTYPE stops the parser at once, so an external entity can
 * never be fetched: XXE), validated against netlists/schema/design.rng, and
 * converted element by element.
 *
 * The schema is the contract of the format; the converter checks the same
 * rules again, and more (ranges, duplicates), because libxml2's RelaxNG
 * messages do not say what is wrong ("Element design failed to validate
 * content"). When the schema refuses a document, the converter's message is
 * the one reported, and libxml2's only if the converter found nothing.
 *
 * libxml2 prints its errors on stderr by default; the library must not
 * print, so every libxml2 call here runs with structured error handlers that
 * keep the first error, and the previous handlers are restored afterwards.
 *
 * This module and the config/report-XML modules are the only ones that
 * include libxml2.
 */
#include "ampsim/design.h"
#include "ampsim/error.h"
#include "ampsim/number.h"
#include "xmlsafe.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/relaxng.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

/* A design file larger than this is refused before parsing. */
#define DESIGN_MAX_FILE_BYTES (16u * 1024u * 1024u)
/* The schema, under ampsim_netlist_dir(). */
#define DESIGN_SCHEMA "schema/design.rng"
/* File attributes longer than this are refused (the schema's maxLength). */
#define DESIGN_MAX_PATH_CHARS 900
/* Parameter names: a letter, then at most this many more characters. */
#define DESIGN_PARAM_NAME_MAX 32

/* Ranges, as ampsim_measure_check() has them. */
#define LOAD_OHMS_MAX 1e9
#define GROUND_OHMS_MAX 1e6
#define SUPPLY_V_MAX 1000.0
#define SUPPLY_OHMS_MAX 1e6
#define THD_FREQ_MIN_HZ 20.0
#define THD_FREQ_MAX_HZ 20000.0
#define VOUT_MAX_RMS 1000.0

static int nomem(void)
{
  return ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
}

/* Copy src into a fixed buffer; 0, or -1 if it does not fit. */
static int copy_to(char *dst, size_t size, const char *src)
{
  size_t n = strlen(src);
  if (n >= size)
    return -1;
  memcpy(dst, src, n + 1);
  return 0;
}

/* An origin that adds nothing to a message. */
static int origin_is_silent(const char *origin)
{
  return origin == NULL || origin[0] == '\0' || strcmp(origin, "command line") == 0;
}

/* Put "origin: " in front of the last error (see design.h). Returns rc. */
static int with_origin(int rc, const char *origin)
{
  const char *message = ampsim_error_last();

  if (origin_is_silent(origin))
    return rc;
  if (message[0] == '\0')
    return ampsim_error_set(rc, "%s: %s", origin, ampsim_strerror(rc));
  return ampsim_error_set(rc, "%s: %s", origin, message);
}

/* ====================================================================== */
/* Numbers                                                                 */
/* ====================================================================== */

static void format_number_c(char *out, size_t size, double value)
{
  locale_t c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
  locale_t old = (locale_t)0;

  if (c_locale != (locale_t)0)
    old = uselocale(c_locale);
  snprintf(out, size, "%.15g", value);
  if (c_locale != (locale_t)0) {
    uselocale(old);
    freelocale(c_locale);
  }
}

/* ====================================================================== */
/* Stage parameters                                                        */
/* ====================================================================== */

static int is_param_name(const char *name)
{
  size_t i;

  if (!isalpha((unsigned char)name[0]))
    return 0;
  for (i = 1; name[i] != '\0'; i++)
    if (!isalnum((unsigned char)name[i]) && name[i] != '_')
      return 0;
  return i <= DESIGN_PARAM_NAME_MAX;
}

void ampsim_design_init(ampsim_design *design)
{
  const ampsim_measure_options defaults = AMPSIM_MEASURE_OPTIONS_INIT;

  if (design == NULL)
    return;
  memset(design, 0, sizeof *design);
  design->options = defaults;
  snprintf(design->origin, sizeof design->origin, "command line");
}

int ampsim_design_set_param(ampsim_design *design, const char *name, const char *value)
{
  char *params;
  char merged[sizeof design->options.bench.stage_params];
  char number[64];
  const char *p;
  size_t used = 0, name_len;
  double v = 0.0;
  int replaced = 0, rc;

  if (design == NULL || name == NULL || value == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "ampsim_design_set_param: missing argument");
  if (!is_param_name(name))
    return ampsim_error_set(AMPSIM_EINVAL,
                            "'%s' is not a parameter name (a letter, then letters, digits "
                            "or _, at most %d in all)",
                            name, DESIGN_PARAM_NAME_MAX);
  rc = ampsim_parse_number(&v, value, strlen(value));
  if (rc == AMPSIM_NUMBER_AMBIGUOUS)
    return ampsim_error_set(AMPSIM_EINVAL,
                            "parameter %s: '%s' is ambiguous (write m for milli, meg for mega)",
                            name, value);
  if (rc == AMPSIM_NUMBER_NOT_FINITE)
    return ampsim_error_set(AMPSIM_EINVAL, "parameter %s: '%s' is not a finite number", name,
                            value);
  if (rc != AMPSIM_NUMBER_OK)
    return ampsim_error_set(AMPSIM_EINVAL,
                            "parameter %s: '%s' is not a number; write e.g. 5, 4.7u or 1k "
                            "(suffixes f p n u m k meg G T, no unit)",
                            name, value);
  format_number_c(number, sizeof number, v);

  /* Rebuild "a=1 b=2" with NAME's value replaced or appended. */
  params = design->options.bench.stage_params;
  name_len = strlen(name);
  merged[0] = '\0';
  p = params;
  while (*p != '\0') {
    const char *start, *eq;
    size_t len;
    int n;
    while (*p == ' ')
      p++;
    if (*p == '\0')
      break;
    start = p;
    while (*p != '\0' && *p != ' ')
      p++;
    len = (size_t)(p - start);
    eq = memchr(start, '=', len);
    if (eq != NULL && (size_t)(eq - start) == name_len &&
        strncasecmp(start, name, name_len) == 0) {
      n = snprintf(merged + used, sizeof merged - used, "%s%s=%s", used > 0 ? " " : "", name,
                   number);
      replaced = 1;
    } else {
      n = snprintf(merged + used, sizeof merged - used, "%s%.*s", used > 0 ? " " : "", (int)len,
                   start);
    }
    if (n < 0 || (size_t)n >= sizeof merged - used)
      goto too_long;
    used += (size_t)n;
  }
  if (!replaced) {
    int n = snprintf(merged + used, sizeof merged - used, "%s%s=%s", used > 0 ? " " : "", name,
                     number);
    if (n < 0 || (size_t)n >= sizeof merged - used)
      goto too_long;
  }
  memcpy(params, merged, sizeof merged);
  return 0;

too_long:
  return ampsim_error_set(AMPSIM_EINVAL, "stage parameters: too many (at most %zu characters "
                          "of name=value pairs)",
                          sizeof merged - 1);
}

/* ====================================================================== */
/* libxml2: errors, parsing, the schema                                    */
/* ====================================================================== */

/* Parse text into *doc. The caller has installed the error handlers. */
static int parse_document(xmlDocPtr *doc, const char *display, const char *text, size_t len,
                          const xmlsafe_errors *errors)
{
  long doctype_line;

  switch (xmlsafe_parse(doc, text, len, &doctype_line)) {
  case XMLSAFE_OK:
    return 0;
  case XMLSAFE_EMPTY:
    return ampsim_error_set(AMPSIM_EPARSE, "%s:1: the file is empty", display);
  case XMLSAFE_TOO_LARGE:
    return ampsim_error_set(AMPSIM_EIO, "%s: too large", display);
  case XMLSAFE_DOCTYPE:
    return ampsim_error_set(AMPSIM_EPARSE,
                            "%s:%ld: DOCTYPE declarations are not allowed in a design file "
                            "(no DTDs, no entities)",
                            display, doctype_line);
  case XMLSAFE_MALFORMED:
    return ampsim_error_set(AMPSIM_EPARSE, "%s:%ld: %s", display,
                            errors->line > 0 ? errors->line : 1,
                            errors->have ? errors->message : "not a well-formed XML document");
  case XMLSAFE_NOMEM:
  default:
    return nomem();
  }
}

/* Validate doc against the shipped schema: 0 with *valid set, or an error
 * reading the schema. The caller has installed the error handlers. */
static int validate_document(int *valid, xmlDocPtr doc, xmlsafe_errors *errors)
{
  xmlsafe_errors schema_errors;
  xmlRelaxNGParserCtxtPtr parser = NULL;
  xmlRelaxNGPtr schema = NULL;
  xmlRelaxNGValidCtxtPtr validator = NULL;
  char path[PATH_MAX];
  struct stat st;
  int rc = 0, n;

  *valid = 0;
  memset(&schema_errors, 0, sizeof schema_errors);
  n = snprintf(path, sizeof path, "%s/%s", ampsim_netlist_dir(), DESIGN_SCHEMA);
  if (n < 0 || (size_t)n >= sizeof path)
    return ampsim_error_set(AMPSIM_EIO, "the schema's path is too long");
  if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
    return ampsim_error_set(AMPSIM_EIO, "%s: %s (the design schema; is ampsim installed "
                            "completely?)",
                            path, strerror(errno != 0 ? errno : ENOENT));
  xmlSetStructuredErrorFunc(&schema_errors, xmlsafe_capture_structured);
  xmlSetGenericErrorFunc(&schema_errors, xmlsafe_capture_generic);
  parser = xmlRelaxNGNewParserCtxt(path);
  if (parser == NULL) {
    rc = nomem();
    goto done;
  }
  xmlRelaxNGSetParserStructuredErrors(parser, xmlsafe_capture_structured, &schema_errors);
  schema = xmlRelaxNGParse(parser);
  if (schema == NULL) {
    rc = ampsim_error_set(AMPSIM_EIO, "%s:%ld: %s (the design schema is broken)", path,
                          schema_errors.line,
                          schema_errors.have ? schema_errors.message : "cannot be read");
    goto done;
  }
  validator = xmlRelaxNGNewValidCtxt(schema);
  if (validator == NULL) {
    rc = nomem();
    goto done;
  }
  xmlSetStructuredErrorFunc(errors, xmlsafe_capture_structured);
  xmlSetGenericErrorFunc(errors, xmlsafe_capture_generic);
  xmlRelaxNGSetValidStructuredErrors(validator, xmlsafe_capture_structured, errors);
  *valid = xmlRelaxNGValidateDoc(validator, doc) == 0;
done:
  xmlSetStructuredErrorFunc(errors, xmlsafe_capture_structured);
  xmlSetGenericErrorFunc(errors, xmlsafe_capture_generic);
  xmlRelaxNGFreeValidCtxt(validator);
  xmlRelaxNGFree(schema);
  xmlRelaxNGFreeParserCtxt(parser);
  return rc;
}

/* ====================================================================== */
/* Converting the document                                                 */
/* ====================================================================== */

typedef struct converter {
  const char *display;  /* the file as the user named it */
  char base_dir[1024];  /* its folder ("." for the working directory) */
} converter;

static long line_of(const xmlNode *node)
{
  long line = xmlGetLineNo(node);
  return line > 0 ? line : 1;
}

static const char *name_of(const xmlNode *node)
{
  return (const char *)node->name;
}

/* Set "file:line: message" at node; returns code. */
static int fail_at(const converter *c, const xmlNode *node, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static int fail_at(const converter *c, const xmlNode *node, int code, const char *fmt, ...)
{
  char message[2048];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  return ampsim_error_set(code, "%s:%ld: %s", c->display, line_of(node), message);
}

static const xmlNode *next_element(const xmlNode *node)
{
  while (node != NULL && node->type != XML_ELEMENT_NODE)
    node = node->next;
  return node;
}

static const xmlNode *first_child_element(const xmlNode *node)
{
  return next_element(node->children);
}

/* The value of attribute name (no namespace), or NULL if absent. Attribute
 * values are one text node here: entities other than the predefined ones
 * cannot exist without a DOCTYPE. */
static const char *attr(const xmlNode *node, const char *name)
{
  const xmlAttr *a;

  for (a = node->properties; a != NULL; a = a->next) {
    if (a->ns != NULL || strcmp((const char *)a->name, name) != 0)
      continue;
    if (a->children == NULL)
      return "";
    if (a->children->type == XML_TEXT_NODE && a->children->next == NULL &&
        a->children->content != NULL)
      return (const char *)a->children->content;
    return "";
  }
  return NULL;
}

/* The name of a node as written, with its namespace prefix if any. */
static void written_name(char *out, size_t size, const xmlNode *node)
{
  if (node->ns != NULL && node->ns->prefix != NULL)
    snprintf(out, size, "%s:%s", (const char *)node->ns->prefix, name_of(node));
  else
    snprintf(out, size, "%s", name_of(node));
}

/* Every attribute of node is one of allowed (NULL-terminated); hint says
 * what is expected. */
static int check_attributes(const converter *c, const xmlNode *node, const char *const *allowed,
                            const char *hint)
{
  const xmlAttr *a;
  size_t i;

  for (a = node->properties; a != NULL; a = a->next) {
    int known = 0;
    for (i = 0; a->ns == NULL && allowed != NULL && allowed[i] != NULL; i++)
      if (strcmp((const char *)a->name, allowed[i]) == 0)
        known = 1;
    if (!known) {
      if (a->ns != NULL && a->ns->prefix != NULL)
        return fail_at(c, node, AMPSIM_EPARSE, "unknown attribute '%s:%s' on <%s> (%s)",
                       (const char *)a->ns->prefix, (const char *)a->name, name_of(node), hint);
      return fail_at(c, node, AMPSIM_EPARSE, "unknown attribute '%s' on <%s> (%s)",
                     (const char *)a->name, name_of(node), hint);
    }
  }
  return 0;
}

static int is_blank_text(const xmlChar *text)
{
  const unsigned char *p = text;
  for (; p != NULL && *p != '\0'; p++)
    if (!isspace(*p))
      return 0;
  return 1;
}

/* node's children are elements, comments and blank text only (when
 * takes_text is 0); an unknown element is an error naming what is allowed.
 * allowed: NULL-terminated element names, or NULL for none. */
static int check_children(const converter *c, const xmlNode *node, const char *const *allowed,
                          const char *hint, int takes_text)
{
  const xmlNode *child;
  size_t i;

  for (child = node->children; child != NULL; child = child->next) {
    if (child->type == XML_ELEMENT_NODE) {
      char name[256];
      int known = 0;
      for (i = 0; child->ns == NULL && allowed != NULL && allowed[i] != NULL; i++)
        if (strcmp(name_of(child), allowed[i]) == 0)
          known = 1;
      if (known)
        continue;
      written_name(name, sizeof name, child);
      return fail_at(c, child, AMPSIM_EPARSE, "unknown element <%s> in <%s> (%s)", name,
                     name_of(node), hint);
    }
    if ((child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE) &&
        !takes_text && !is_blank_text(child->content)) {
      const char *t = (const char *)child->content;
      while (isspace((unsigned char)*t))
        t++;
      return fail_at(c, child, AMPSIM_EPARSE, "unexpected text '%.20s%s' in <%s> (%s)", t,
                     strlen(t) > 20 ? "..." : "", name_of(node), hint);
    }
    if (child->type == XML_ENTITY_REF_NODE || child->type == XML_ENTITY_NODE)
      return fail_at(c, child, AMPSIM_EPARSE, "entities are not allowed in a design file");
  }
  return 0;
}

/* A second element of a kind that may appear once: "first_line" remembers
 * the first. */
static int once(const converter *c, const xmlNode *node, const xmlNode *parent, long *first_line)
{
  if (*first_line > 0)
    return fail_at(c, node, AMPSIM_EPARSE, "second <%s> in <%s> (the first is at line %ld)",
                   name_of(node), name_of(parent), *first_line);
  *first_line = line_of(node);
  return 0;
}

/* What a numeric attribute means: its unit for messages, examples, and its
 * range. */
typedef enum range {
  RANGE_ANY,
  RANGE_POSITIVE,
  RANGE_NONNEGATIVE
} range;

typedef struct number_kind {
  const char *unit;     /* "ohms": "not a number of ohms" */
  const char *examples; /* "32, 50m or 1k" */
  range range;
  double max;           /* 0: none */
  const char *max_text; /* "1000 volts" */
} number_kind;

static const number_kind kind_load_ohms = { "ohms", "32, 50m or 1k", RANGE_POSITIVE, LOAD_OHMS_MAX,
                                            "1e9 ohms" };
static const number_kind kind_ohms = { "ohms", "0.1, 50m or 1k", RANGE_NONNEGATIVE,
                                       SUPPLY_OHMS_MAX, "1e6 ohms" };
static const number_kind kind_volts = { "volts", "15, 12.5 or 4.5", RANGE_POSITIVE, SUPPLY_V_MAX,
                                        "1000 volts" };
static const number_kind kind_hertz = { "hertz", "1k, 10k or 20k", RANGE_POSITIVE, 0.0, NULL };
static const number_kind kind_vrms = { "volts RMS", "1, 100m or 2.5", RANGE_POSITIVE,
                                       VOUT_MAX_RMS, "1000 volts RMS" };
static const number_kind kind_param = { NULL, "5, 4.7u or 1k", RANGE_ANY, 0.0, NULL };

/* Check one number (item of a list, or the whole value) of attribute name
 * on node. Messages name the element, the attribute and its value as
 * written, and in a list the item: <thd freq="1k 2 kHz">: 'kHz' is not ... */
static int number_item(const converter *c, const xmlNode *node, const char *name,
                       const char *value, const char *item, size_t len, const number_kind *kind,
                       double *out)
{
  int whole = strlen(value) == len;
  char is[128], subject[128];
  double v = 0.0;
  int rc = ampsim_parse_number(&v, item, len);

  /* "not a number" of the whole value, "'x' is not a number" of an item. */
  is[0] = '\0';
  subject[0] = '\0';
  if (!whole) {
    snprintf(is, sizeof is, "'%.*s' is ", (int)(len < 40 ? len : 40), item);
    snprintf(subject, sizeof subject, "'%.*s' ", (int)(len < 40 ? len : 40), item);
  }
  if (rc == AMPSIM_NUMBER_AMBIGUOUS)
    return fail_at(c, node, AMPSIM_EINVAL,
                   "<%s %s=\"%s\">: %sambiguous: write m for milli or meg for mega",
                   name_of(node), name, value, is);
  if (rc == AMPSIM_NUMBER_NOT_FINITE)
    return fail_at(c, node, AMPSIM_EINVAL, "<%s %s=\"%s\">: %snot a finite number",
                   name_of(node), name, value, is);
  if (rc != AMPSIM_NUMBER_OK)
    return fail_at(c, node, AMPSIM_EINVAL,
                   "<%s %s=\"%s\">: %snot a number%s%s; write a number with an optional "
                   "suffix f p n u m k meg G T and no unit, e.g. %s",
                   name_of(node), name, value, is, kind->unit != NULL ? " of " : "",
                   kind->unit != NULL ? kind->unit : "", kind->examples);
  if (kind->range == RANGE_POSITIVE && !(v > 0.0))
    return fail_at(c, node, AMPSIM_EINVAL, "<%s %s=\"%s\">: %smust be greater than 0",
                   name_of(node), name, value, subject);
  if (kind->range == RANGE_NONNEGATIVE && v < 0.0)
    return fail_at(c, node, AMPSIM_EINVAL, "<%s %s=\"%s\">: %smust not be negative",
                   name_of(node), name, value, subject);
  if (kind->max > 0.0 && v > kind->max)
    return fail_at(c, node, AMPSIM_EINVAL, "<%s %s=\"%s\">: %smust be at most %s",
                   name_of(node), name, value, subject, kind->max_text);
  /* The bench's lower limit (ampsim_bench_check), said here at the value. */
  if (kind == &kind_load_ohms && v < 1e-3)
    return fail_at(c, node, AMPSIM_EINVAL, "<%s %s=\"%s\">: %smust be at least 1m ohms",
                   name_of(node), name, value, subject);
  *out = v;
  return 0;
}

/* A number attribute; *present says whether it was there. */
static int number_attr(const converter *c, const xmlNode *node, const char *name,
                       const number_kind *kind, double *out, int *present)
{
  const char *value = attr(node, name);

  *present = value != NULL;
  if (value == NULL)
    return 0;
  return number_item(c, node, name, value, value, strlen(value), kind, out);
}

/* A blank-separated list of numbers (at least one, at most max). */
static int number_list_attr(const converter *c, const xmlNode *node, const char *name,
                            const number_kind *kind, double *out, size_t *count, size_t max)
{
  const char *value = attr(node, name);
  const char *p;
  size_t n = 0;
  int rc;

  if (value == NULL)
    return 0;
  p = value;
  for (;;) {
    const char *start;
    while (isspace((unsigned char)*p))
      p++;
    if (*p == '\0')
      break;
    start = p;
    while (*p != '\0' && !isspace((unsigned char)*p))
      p++;
    if (n == max)
      return fail_at(c, node, AMPSIM_EINVAL, "<%s %s=\"%s\">: too many values (at most %zu)",
                     name_of(node), name, value, max);
    rc = number_item(c, node, name, value, start, (size_t)(p - start), kind, &out[n]);
    if (rc != 0)
      return rc;
    n++;
  }
  if (n == 0)
    return fail_at(c, node, AMPSIM_EINVAL, "<%s %s=\"\">: give at least one number",
                   name_of(node), name);
  *count = n;
  return 0;
}

/* Words the schema allows: a bundled part's name, a subcircuit name. */
static int is_part_name(const char *s)
{
  size_t i;
  if (s[0] == '\0' || !(isalnum((unsigned char)s[0]) || s[0] == '_'))
    return 0;
  for (i = 1; s[i] != '\0'; i++)
    if (!isalnum((unsigned char)s[i]) && strchr("_.+-", s[i]) == NULL)
      return 0;
  return i < 128;
}

static int is_subckt_name(const char *s)
{
  size_t i;
  if (s[0] == '\0')
    return 0;
  for (i = 0; s[i] != '\0'; i++)
    if (isspace((unsigned char)s[i]) || strchr(":=(),", s[i]) != NULL)
      return 0;
  return i < 128;
}

/* base_dir/file for a relative file ("." adds nothing). */
static int resolve_path(const converter *c, const xmlNode *node, char *out, size_t size,
                        const char *file)
{
  int n;

  if (strlen(file) > DESIGN_MAX_PATH_CHARS)
    return fail_at(c, node, AMPSIM_EINVAL,
                   "<%s file=\"%.40s...\">: the path is longer than %d characters",
                   name_of(node), file, DESIGN_MAX_PATH_CHARS);
  if (file[0] == '/' || strcmp(c->base_dir, ".") == 0)
    n = snprintf(out, size, "%s", file);
  else if (c->base_dir[strlen(c->base_dir) - 1] == '/')
    n = snprintf(out, size, "%s%s", c->base_dir, file);
  else
    n = snprintf(out, size, "%s/%s", c->base_dir, file);
  if (n < 0 || (size_t)n >= size)
    return fail_at(c, node, AMPSIM_EINVAL, "<%s file=\"%.40s...\">: the path is too long",
                   name_of(node), file);
  return 0;
}

/* A part reference: ref="NAME" or file="FILE" subckt="NAME" (with_ohms: or
 * ohms="R" for a load). Fills spec ("" for a resistor) and *ohms. */
static int part_attrs(const converter *c, const xmlNode *node, char *spec, size_t spec_size,
                      int with_ohms, double *ohms)
{
  const char *ref = attr(node, "ref");
  const char *file = attr(node, "file");
  const char *subckt = attr(node, "subckt");
  const char *ohms_text = with_ohms ? attr(node, "ohms") : NULL;
  const char *forms = with_ohms ? "ohms=\"R\", ref=\"NAME\", or file=\"FILE\" with subckt=\"NAME\""
                                : "ref=\"NAME\", or file=\"FILE\" with subckt=\"NAME\"";
  int given = (ref != NULL) + (file != NULL || subckt != NULL) + (ohms_text != NULL);
  char path[1024];
  int present, rc, n;

  if (given == 0)
    return fail_at(c, node, AMPSIM_EPARSE, "<%s> needs %s", name_of(node), forms);
  if (given > 1)
    return fail_at(c, node, AMPSIM_EPARSE, "<%s> takes one of %s, not several", name_of(node),
                   forms);
  spec[0] = '\0';
  if (ohms_text != NULL)
    return number_attr(c, node, "ohms", &kind_load_ohms, ohms, &present);
  if (ref != NULL) {
    if (!is_part_name(ref))
      return fail_at(c, node, AMPSIM_EPARSE,
                     "<%s ref=\"%s\">: not a bundled part's name (a plain word such as "
                     "opamp-buffer; for a file write file=\"FILE\" subckt=\"NAME\")",
                     name_of(node), ref);
    snprintf(spec, spec_size, "%s", ref);
    return 0;
  }
  if (file == NULL)
    return fail_at(c, node, AMPSIM_EPARSE, "<%s subckt=\"%s\"> needs file=\"FILE\" too",
                   name_of(node), subckt);
  if (subckt == NULL)
    return fail_at(c, node, AMPSIM_EPARSE, "<%s file=\"%s\"> needs subckt=\"NAME\" too",
                   name_of(node), file);
  if (file[0] == '\0')
    return fail_at(c, node, AMPSIM_EPARSE, "<%s file=\"\">: no file name", name_of(node));
  if (!is_subckt_name(subckt))
    return fail_at(c, node, AMPSIM_EPARSE,
                   "<%s subckt=\"%s\">: not a subcircuit name (one word, without : = ( ) ,)",
                   name_of(node), subckt);
  rc = resolve_path(c, node, path, sizeof path, file);
  if (rc != 0)
    return rc;
  n = snprintf(spec, spec_size, "%s:%s", path, subckt);
  if (n < 0 || (size_t)n >= spec_size)
    return fail_at(c, node, AMPSIM_EINVAL, "<%s>: the path is too long", name_of(node));
  return 0;
}

static int convert_param(const converter *c, const xmlNode *node, ampsim_design *d,
                         const xmlNode *stage)
{
  static const char *const attrs[] = { "name", "value", NULL };
  const char *name, *value;
  const xmlNode *other;
  double v;
  int rc;

  rc = check_attributes(c, node, attrs, "expected name and value");
  if (rc == 0)
    rc = check_children(c, node, NULL, "<param> holds nothing", 0);
  if (rc != 0)
    return rc;
  name = attr(node, "name");
  value = attr(node, "value");
  if (name == NULL || value == NULL)
    return fail_at(c, node, AMPSIM_EPARSE, "<param> needs name=\"NAME\" and value=\"NUMBER\"");
  if (!is_param_name(name))
    return fail_at(c, node, AMPSIM_EPARSE,
                   "<param name=\"%s\">: not a parameter name (a letter, then letters, digits "
                   "or _, at most %d in all)",
                   name, DESIGN_PARAM_NAME_MAX);
  /* The same parameter twice is a mistake, not an override. */
  for (other = first_child_element(stage); other != NULL && other != node;
       other = next_element(other->next)) {
    const char *other_name = attr(other, "name");
    if (strcmp(name_of(other), "param") == 0 && other_name != NULL &&
        strcasecmp(other_name, name) == 0)
      return fail_at(c, node, AMPSIM_EPARSE,
                     "second <param name=\"%s\"> in <stage> (the first is at line %ld)", name,
                     line_of(other));
  }
  rc = number_item(c, node, "value", value, value, strlen(value), &kind_param, &v);
  if (rc != 0)
    return rc;
  rc = ampsim_design_set_param(d, name, value);
  if (rc != 0)
    return fail_at(c, node, rc, "%s", ampsim_error_last());
  return 0;
}

static int convert_stage(const converter *c, const xmlNode *node, ampsim_design *d)
{
  static const char *const attrs[] = { "ref", "file", "subckt", NULL };
  static const char *const children[] = { "param", NULL };
  const xmlNode *child;
  double unused = 0.0;
  int rc;

  rc = check_attributes(c, node, attrs, "expected ref, or file and subckt");
  if (rc == 0)
    rc = part_attrs(c, node, d->stage_spec, sizeof d->stage_spec, 0, &unused);
  if (rc != 0)
    return rc;
  snprintf(d->stage_origin, sizeof d->stage_origin, "%s:%ld", c->display, line_of(node));
  rc = check_children(c, node, children, "expected <param name=\"NAME\" value=\"NUMBER\"/>", 0);
  for (child = first_child_element(node); rc == 0 && child != NULL;
       child = next_element(child->next))
    rc = convert_param(c, child, d, node);
  return rc;
}

static int convert_topology(const converter *c, const xmlNode *node, ampsim_design *d)
{
  char text[64];
  const xmlNode *child;
  const char *p;
  size_t len = 0;
  int rc;

  rc = check_attributes(c, node, NULL, "it takes none: write <topology>se</topology>");
  if (rc == 0)
    rc = check_children(c, node, NULL, "it holds only se or btl", 1);
  if (rc != 0)
    return rc;
  /* The text, blanks around it dropped. */
  text[0] = '\0';
  for (child = node->children; child != NULL; child = child->next) {
    if (child->type != XML_TEXT_NODE && child->type != XML_CDATA_SECTION_NODE)
      continue;
    for (p = (const char *)child->content; p != NULL && *p != '\0'; p++) {
      if (len + 1 >= sizeof text)
        break;
      text[len++] = *p;
    }
  }
  text[len] = '\0';
  while (len > 0 && isspace((unsigned char)text[len - 1]))
    text[--len] = '\0';
  p = text;
  while (isspace((unsigned char)*p))
    p++;
  if (*p == '\0')
    return fail_at(c, node, AMPSIM_EINVAL,
                   "empty <topology> (expected se, btl, se-split or active-ground)");
  ampsim_error_clear();
  if (ampsim_topology_parse(&d->options.bench.topology, p) != 0)
    return fail_at(c, node, AMPSIM_EINVAL, "%s", ampsim_error_last());
  return 0;
}

/* A yes/no attribute: "yes" "true" "1" / "no" "false" "0". */
static int bool_attr(const converter *c, const xmlNode *node, const char *name, int *out)
{
  const char *value = attr(node, name);
  if (value == NULL)
    return 0;
  if (strcmp(value, "yes") == 0 || strcmp(value, "true") == 0 || strcmp(value, "1") == 0)
    *out = 1;
  else if (strcmp(value, "no") == 0 || strcmp(value, "false") == 0 || strcmp(value, "0") == 0)
    *out = 0;
  else
    return fail_at(c, node, AMPSIM_EINVAL, "<%s %s=\"%s\">: expected yes or no", name_of(node),
                   name, value);
  return 0;
}

static int convert_supply(const converter *c, const xmlNode *node, ampsim_design *d)
{
  static const char *const attrs[] = { "volts", "ohms", "split", NULL };
  int present, rc;

  rc = check_attributes(c, node, attrs, "expected volts, ohms and split");
  if (rc == 0)
    rc = bool_attr(c, node, "split", &d->options.bench.supply_split);
  if (rc == 0)
    rc = check_children(c, node, NULL, "<supply> holds nothing", 0);
  if (rc == 0)
    rc = number_attr(c, node, "volts", &kind_volts, &d->options.bench.supply_v, &present);
  if (rc == 0)
    rc = number_attr(c, node, "ohms", &kind_ohms, &d->options.bench.supply_ohms, &present);
  return rc;
}

static int convert_load(const converter *c, const xmlNode *node, ampsim_design *d)
{
  static const char *const attrs[] = { "ohms", "ref", "file", "subckt", NULL };
  int rc;

  rc = check_attributes(c, node, attrs, "expected ohms, ref, or file and subckt");
  if (rc == 0)
    rc = check_children(c, node, NULL, "<load> holds nothing", 0);
  if (rc == 0)
    rc = part_attrs(c, node, d->load_spec, sizeof d->load_spec, 1,
                    &d->options.bench.load_ohms);
  if (rc == 0 && d->load_spec[0] != '\0')
    snprintf(d->load_origin, sizeof d->load_origin, "%s:%ld", c->display, line_of(node));
  return rc;
}

static int convert_cable(const converter *c, const xmlNode *node, ampsim_design *d)
{
  static const char *const attrs[] = { "ground-ohms", NULL };
  static const number_kind kind_ground = { "ohms", "0.05, 50m or 0", RANGE_NONNEGATIVE,
                                           GROUND_OHMS_MAX, "1e6 ohms" };
  int present, rc;

  rc = check_attributes(c, node, attrs, "expected ground-ohms");
  if (rc == 0)
    rc = check_children(c, node, NULL, "<cable> holds nothing", 0);
  if (rc == 0)
    rc = number_attr(c, node, "ground-ohms", &kind_ground, &d->options.bench.ground_ohms,
                     &present);
  return rc;
}

/* <volume db="-20" mode="pot|ideal" pot-ohms="10k" tracking-db="0.5"/> */
static int convert_volume(const converter *c, const xmlNode *node, ampsim_design *d)
{
  static const char *const attrs[] = { "db", "mode", "pot-ohms", "tracking-db", NULL };
  static const number_kind kind_db = { "dB", "-20, -40 or 0", RANGE_ANY, 0.0, NULL };
  static const number_kind kind_pot = { "ohms", "10k or 50k", RANGE_POSITIVE, 0.0, NULL };
  static const number_kind kind_track = { "dB", "0.5 or 2", RANGE_NONNEGATIVE, 0.0, NULL };
  ampsim_bench_options *b = &d->options.bench;
  const char *mode = attr(node, "mode");
  int present, rc;

  rc = check_attributes(c, node, attrs, "expected db, mode, pot-ohms and tracking-db");
  if (rc == 0)
    rc = check_children(c, node, NULL, "<volume> holds nothing", 0);
  if (rc != 0)
    return rc;
  if (mode == NULL || strcmp(mode, "pot") == 0)
    b->volume_mode = AMPSIM_VOLUME_POT;
  else if (strcmp(mode, "ideal") == 0)
    b->volume_mode = AMPSIM_VOLUME_IDEAL;
  else
    return fail_at(c, node, AMPSIM_EINVAL, "<volume mode=\"%s\">: expected pot or ideal", mode);
  rc = number_attr(c, node, "db", &kind_db, &b->volume_db, &present);
  if (rc == 0 && !present)
    return fail_at(c, node, AMPSIM_EINVAL, "<volume> needs db (the attenuation, e.g. -20)");
  if (rc == 0 && (b->volume_db > 0.0 || b->volume_db < -120.0))
    return fail_at(c, node, AMPSIM_EINVAL, "<volume db=\"%s\">: expected -120 to 0 dB",
                   attr(node, "db"));
  if (rc == 0)
    rc = number_attr(c, node, "pot-ohms", &kind_pot, &b->pot_ohms, &present);
  if (rc == 0)
    rc = number_attr(c, node, "tracking-db", &kind_track, &b->pot_tracking_db, &present);
  return rc;
}

static int convert_figures(const converter *c, const xmlNode *node, const char *value,
                           unsigned *out)
{
  ampsim_error_clear();
  if (ampsim_figures_parse(out, value) != 0)
    return fail_at(c, node, AMPSIM_EINVAL, "<measure figures=\"%s\">: %s", value,
                   ampsim_error_last());
  return 0;
}

static int convert_thd(const converter *c, const xmlNode *node, ampsim_design *d)
{
  static const char *const attrs[] = { "freq", "vout", NULL };
  ampsim_measure_options *o = &d->options;
  size_t i;
  int rc;

  rc = check_attributes(c, node, attrs, "expected freq and vout");
  if (rc == 0)
    rc = check_children(c, node, NULL, "<thd> holds nothing", 0);
  if (rc == 0)
    rc = number_list_attr(c, node, "freq", &kind_hertz, o->freqs_hz, &o->n_freqs,
                          AMPSIM_MAX_LEVELS);
  for (i = 0; rc == 0 && i < o->n_freqs; i++)
    if (o->freqs_hz[i] < THD_FREQ_MIN_HZ || o->freqs_hz[i] > THD_FREQ_MAX_HZ)
      rc = fail_at(c, node, AMPSIM_EINVAL,
                   "<thd freq=\"%s\">: %g Hz is outside the audio band 20 Hz to 20 kHz (THD "
                   "counts harmonics up to 20 kHz)",
                   attr(node, "freq"), o->freqs_hz[i]);
  if (rc == 0)
    rc = number_list_attr(c, node, "vout", &kind_vrms, o->vouts_rms, &o->n_vouts,
                          AMPSIM_MAX_LEVELS);
  return rc;
}

/* <cap-load farads="0 1n 10n"/>: capacitive loads, and the stability
 * figures they belong to. */
static int convert_cap_load(const converter *c, const xmlNode *node, ampsim_design *d)
{
  static const char *const attrs[] = { "farads", NULL };
  static const number_kind kind_farads = { "farads", "0 1n 10n 100n", RANGE_NONNEGATIVE, 1e-3,
                                           "1 mF" };
  int rc = check_attributes(c, node, attrs, "expected farads");
  if (rc == 0)
    rc = check_children(c, node, NULL, "<cap-load> holds nothing", 0);
  if (rc == 0)
    rc = number_list_attr(c, node, "farads", &kind_farads, d->options.caps_f, &d->options.n_caps,
                          AMPSIM_MAX_CAPS);
  if (rc == 0)
    d->options.figures |= AMPSIM_FIG_STABILITY;
  return rc;
}

/* <imd tests="smpte ccif"/> */
static int convert_imd(const converter *c, const xmlNode *node, ampsim_design *d)
{
  static const char *const attrs[] = { "tests", NULL };
  const char *tests = attr(node, "tests");
  unsigned mask = 0;
  int rc = check_attributes(c, node, attrs, "expected tests");
  if (rc == 0)
    rc = check_children(c, node, NULL, "<imd> holds nothing", 0);
  if (rc != 0)
    return rc;
  if (tests == NULL)
    mask = AMPSIM_IMD_SMPTE | AMPSIM_IMD_CCIF;
  else if (strstr(tests, "smpte") == NULL && strstr(tests, "ccif") == NULL)
    return fail_at(c, node, AMPSIM_EINVAL, "<imd tests=\"%s\">: expected smpte, ccif or both",
                   tests);
  if (tests != NULL && strstr(tests, "smpte") != NULL)
    mask |= AMPSIM_IMD_SMPTE;
  if (tests != NULL && strstr(tests, "ccif") != NULL)
    mask |= AMPSIM_IMD_CCIF;
  d->options.imd_tests = mask;
  d->options.figures |= AMPSIM_FIG_IMD;
  return 0;
}

static int convert_measure(const converter *c, const xmlNode *node, ampsim_design *d)
{
  static const char *const attrs[] = { "figures", NULL };
  static const char *const children[] = { "thd", "cap-load", "imd", NULL };
  const xmlNode *child;
  const char *figures;
  long thd_line = 0, cap_line = 0, imd_line = 0;
  int rc;

  rc = check_attributes(c, node, attrs, "expected figures");
  if (rc != 0)
    return rc;
  figures = attr(node, "figures");
  if (figures != NULL) {
    rc = convert_figures(c, node, figures, &d->options.figures);
    if (rc != 0)
      return rc;
  }
  rc = check_children(c, node, children,
                      "expected <thd freq=\"...\" vout=\"...\"/>, <cap-load farads=\"...\"/> or "
                      "<imd tests=\"...\"/>",
                      0);
  for (child = first_child_element(node); rc == 0 && child != NULL;
       child = next_element(child->next)) {
    const char *n = name_of(child);
    if (strcmp(n, "thd") == 0) {
      rc = once(c, child, node, &thd_line);
      if (rc == 0)
        rc = convert_thd(c, child, d);
    } else if (strcmp(n, "cap-load") == 0) {
      rc = once(c, child, node, &cap_line);
      if (rc == 0)
        rc = convert_cap_load(c, child, d);
    } else {
      rc = once(c, child, node, &imd_line);
      if (rc == 0)
        rc = convert_imd(c, child, d);
    }
  }
  return rc;
}

static int convert_include(const converter *c, const xmlNode *node, ampsim_design *d)
{
  static const char *const attrs[] = { "file", NULL };
  const char *file;
  int rc;

  rc = check_attributes(c, node, attrs, "expected file");
  if (rc == 0)
    rc = check_children(c, node, NULL, "<include> holds nothing", 0);
  if (rc != 0)
    return rc;
  file = attr(node, "file");
  if (file == NULL || file[0] == '\0')
    return fail_at(c, node, AMPSIM_EPARSE, "<include> needs file=\"FILE\"");
  if (d->n_includes == AMPSIM_DESIGN_MAX_INCLUDES)
    return fail_at(c, node, AMPSIM_EINVAL, "more than %d <include> elements in one <design>",
                   AMPSIM_DESIGN_MAX_INCLUDES);
  rc = resolve_path(c, node, d->includes[d->n_includes], sizeof d->includes[0], file);
  if (rc != 0)
    return rc;
  snprintf(d->include_origins[d->n_includes], sizeof d->include_origins[0], "%s:%ld",
           c->display, line_of(node));
  d->n_includes++;
  return 0;
}

/* "opamp-buffer btl 300 ohm", for a design without a name. */
static void build_name(ampsim_design *d)
{
  const char *stage = d->stage_spec;
  const char *colon = strrchr(stage, ':');
  const char *load = d->load_spec;
  char ohms[64];

  if (colon != NULL)
    stage = colon + 1;
  if (strrchr(load, ':') != NULL)
    load = strrchr(load, ':') + 1;
  if (load[0] == '\0') {
    format_number_c(ohms, sizeof ohms, d->options.bench.load_ohms);
    snprintf(d->name, sizeof d->name, "%.60s %s %.20s ohm", stage,
             ampsim_topology_name(d->options.bench.topology), ohms);
  } else {
    snprintf(d->name, sizeof d->name, "%.60s %s %.50s", stage,
             ampsim_topology_name(d->options.bench.topology), load);
  }
}

static int convert_design(const converter *c, const xmlNode *node, ampsim_design *d)
{
  static const char *const attrs[] = { "name", NULL };
  static const char *const children[] = { "include", "stage",   "topology", "supply", "load",
                                          "cable",   "volume",  "measure",  "sweep",
                                          NULL };
  /* <sweep> is read by ampsim_sweep_load() (sweep_xml.c), not here. */
  static const char hint[] =
      "expected include, stage, topology, supply, load, cable, volume, measure, sweep";
  long stage_line = 0, topology_line = 0, supply_line = 0, load_line = 0, cable_line = 0,
       measure_line = 0, volume_line = 0;
  const xmlNode *child;
  const char *name;
  size_t i;
  int rc;

  ampsim_design_init(d);
  snprintf(d->origin, sizeof d->origin, "%s:%ld", c->display, line_of(node));
  snprintf(d->base_dir, sizeof d->base_dir, "%s", c->base_dir);
  rc = check_attributes(c, node, attrs, "expected name");
  if (rc != 0)
    return rc;
  name = attr(node, "name");
  if (name != NULL) {
    if (name[0] == '\0')
      return fail_at(c, node, AMPSIM_EINVAL, "<design name=\"\">: the name is empty");
    for (i = 0; name[i] != '\0'; i++)
      if (iscntrl((unsigned char)name[i]))
        return fail_at(c, node, AMPSIM_EINVAL, "<design name=...>: the name must be one line");
    if (copy_to(d->name, sizeof d->name, name) != 0)
      return fail_at(c, node, AMPSIM_EINVAL, "<design name=\"%.40s...\">: longer than %zu "
                     "characters",
                     name, sizeof d->name - 1);
  }
  rc = check_children(c, node, children, hint, 0);
  for (child = first_child_element(node); rc == 0 && child != NULL;
       child = next_element(child->next)) {
    const char *n = name_of(child);
    if (strcmp(n, "include") == 0) {
      rc = convert_include(c, child, d);
    } else if (strcmp(n, "stage") == 0) {
      rc = once(c, child, node, &stage_line);
      if (rc == 0)
        rc = convert_stage(c, child, d);
    } else if (strcmp(n, "topology") == 0) {
      rc = once(c, child, node, &topology_line);
      if (rc == 0)
        rc = convert_topology(c, child, d);
    } else if (strcmp(n, "supply") == 0) {
      rc = once(c, child, node, &supply_line);
      if (rc == 0)
        rc = convert_supply(c, child, d);
    } else if (strcmp(n, "load") == 0) {
      rc = once(c, child, node, &load_line);
      if (rc == 0)
        rc = convert_load(c, child, d);
    } else if (strcmp(n, "cable") == 0) {
      rc = once(c, child, node, &cable_line);
      if (rc == 0)
        rc = convert_cable(c, child, d);
    } else if (strcmp(n, "volume") == 0) {
      rc = once(c, child, node, &volume_line);
      if (rc == 0)
        rc = convert_volume(c, child, d);
    } else if (strcmp(n, "measure") == 0) {
      rc = once(c, child, node, &measure_line);
      if (rc == 0)
        rc = convert_measure(c, child, d);
    }
  }
  if (rc != 0)
    return rc;
  if (stage_line == 0)
    return fail_at(c, node, AMPSIM_EPARSE,
                   "<design> has no <stage> (add <stage ref=\"NAME\"/> or <stage file=\"FILE\" "
                   "subckt=\"NAME\"/>)");
  if (name == NULL)
    build_name(d);
  return 0;
}

static int convert_document(const converter *c, const xmlDoc *doc, ampsim_design_list *list)
{
  static const char *const children[] = { "design", NULL };
  const xmlNode *root = xmlDocGetRootElement(doc);
  const xmlNode *node;
  size_t n = 0, i, j;
  int rc;

  if (root == NULL)
    return ampsim_error_set(AMPSIM_EPARSE, "%s:1: no root element", c->display);
  if (root->ns != NULL || strcmp(name_of(root), "ampsim") != 0) {
    char name[256];
    written_name(name, sizeof name, root);
    if (strcmp(name_of(root), "ampsim") == 0)
      return fail_at(c, root, AMPSIM_EPARSE, "<ampsim> must not have a namespace (no xmlns)");
    return fail_at(c, root, AMPSIM_EPARSE,
                   "the root element is <%s>; a design file's root is <ampsim>", name);
  }
  rc = check_attributes(c, root, NULL, "it takes none");
  if (rc == 0)
    rc = check_children(c, root, children, "expected <design>", 0);
  if (rc != 0)
    return rc;
  for (node = first_child_element(root); node != NULL; node = next_element(node->next))
    n++;
  if (n == 0)
    return fail_at(c, root, AMPSIM_EPARSE, "<ampsim> holds no <design>");
  list->items = calloc(n, sizeof *list->items);
  if (list->items == NULL)
    return nomem();
  for (node = first_child_element(root); node != NULL; node = next_element(node->next)) {
    rc = convert_design(c, node, &list->items[list->n]);
    if (rc != 0)
      return rc;
    list->n++;
  }
  /* Names are headings and JSON keys to the reader: unique. A built name
   * that repeats gets its position. */
  node = first_child_element(root);
  for (i = 0; i < list->n; i++, node = next_element(node->next)) {
    for (j = 0; j < i; j++) {
      if (strcmp(list->items[i].name, list->items[j].name) != 0)
        continue;
      if (attr(node, "name") != NULL)
        return fail_at(c, node, AMPSIM_EINVAL,
                       "design name '%s' is used twice (the first is at line %s)",
                       list->items[i].name, strrchr(list->items[j].origin, ':') + 1);
      {
        char suffix[32];
        size_t len = strlen(list->items[i].name);
        snprintf(suffix, sizeof suffix, " #%zu", i + 1);
        if (len + strlen(suffix) >= sizeof list->items[i].name)
          len = sizeof list->items[i].name - 1 - strlen(suffix);
        snprintf(list->items[i].name + len, sizeof list->items[i].name - len, "%s", suffix);
      }
      break;
    }
  }
  return 0;
}

/* The folder part of path, "." if it has none. */
static int folder_of(char *out, size_t size, const char *path)
{
  const char *slash = strrchr(path, '/');
  int n;

  if (slash == NULL)
    n = snprintf(out, size, ".");
  else if (slash == path)
    n = snprintf(out, size, "/");
  else
    n = snprintf(out, size, "%.*s", (int)(slash - path), path);
  return n < 0 || (size_t)n >= size ? -1 : 0;
}

void ampsim_design_list_free(ampsim_design_list *list)
{
  if (list == NULL)
    return;
  free(list->items);
  free(list);
}

int ampsim_design_load(ampsim_design_list **out, const char *path)
{
  ampsim_design_list *list = NULL;
  converter conv;
  xmlsafe_handlers saved;
  xmlsafe_errors errors;
  xmlDocPtr doc = NULL;
  char *text = NULL;
  size_t len = 0;
  int valid = 0, rc;

  if (out == NULL || path == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "ampsim_design_load: no output or no path");
  *out = NULL;
  memset(&conv, 0, sizeof conv);
  conv.display = path;
  if (folder_of(conv.base_dir, sizeof conv.base_dir, path) != 0)
    return ampsim_error_set(AMPSIM_EINVAL, "%s: the path is too long", path);
  rc = xmlsafe_read_file(&text, &len, path, DESIGN_MAX_FILE_BYTES, "a design file");
  if (rc != 0)
    return rc;

  memset(&errors, 0, sizeof errors);
  xmlsafe_handlers_install(&saved, &errors);
  rc = parse_document(&doc, path, text, len, &errors);
  if (rc == 0) {
    memset(&errors, 0, sizeof errors);
    rc = validate_document(&valid, doc, &errors);
  }
  xmlsafe_handlers_restore(&saved);
  if (rc != 0)
    goto done;

  list = calloc(1, sizeof *list);
  if (list == NULL) {
    rc = nomem();
    goto done;
  }
  /* The converter's messages say what is wrong; the schema's only where it
   * saw something the converter did not. */
  rc = convert_document(&conv, doc, list);
  if (rc == 0 && !valid) {
    long line = errors.line > 0 ? errors.line : errors.any_line;
    rc = ampsim_error_set(AMPSIM_EPARSE, "%s:%ld: %s", path, line > 0 ? line : 1,
                          errors.have ? errors.message : "does not match the design schema");
  }
  if (rc == 0) {
    *out = list;
    list = NULL;
  }
done:
  ampsim_design_list_free(list);
  xmlFreeDoc(doc);
  free(text);
  return rc;
}

/* ====================================================================== */
/* Subcircuit headers                                                      */
/* ====================================================================== */

/* Line `line` (1-based) of text into a new string. */
static char *text_line(const char *text, int line)
{
  const char *p = text, *end;
  char *copy;
  int i;

  for (i = 1; i < line && p != NULL; i++) {
    p = strchr(p, '\n');
    if (p != NULL)
      p++;
  }
  if (p == NULL)
    return NULL;
  end = strchr(p, '\n');
  if (end == NULL)
    end = p + strlen(p);
  copy = malloc((size_t)(end - p) + 1);
  if (copy == NULL)
    return NULL;
  memcpy(copy, p, (size_t)(end - p));
  copy[end - p] = '\0';
  return copy;
}

/*
 * The parameters of a .subckt header line, as "a=1 b=2" (blanks around '='
 * dropped), into out: what follows "params:", or the words from the first
 * one with '=' in it or after it. An end-of-line comment is cut off.
 */
static void header_params(char *out, size_t size, const char *header)
{
  char *copy = strdup(header);
  char *p, *w;
  size_t used = 0;
  int started = 0;

  out[0] = '\0';
  if (copy == NULL)
    return;
  p = strchr(copy, ';');
  if (p != NULL)
    *p = '\0';
  /* "a = 1" -> "a=1". */
  for (p = copy, w = copy; *p != '\0'; p++) {
    if (*p == '=') {
      while (w > copy && (w[-1] == ' ' || w[-1] == '\t'))
        w--;
      *w++ = '=';
      while (p[1] == ' ' || p[1] == '\t')
        p++;
    } else {
      *w++ = *p;
    }
  }
  *w = '\0';
  p = copy;
  while (*p != '\0') {
    char *start;
    size_t len;
    while (*p == ' ' || *p == '\t' || *p == '(' || *p == ')')
      p++;
    if (*p == '\0')
      break;
    start = p;
    while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '(' && *p != ')')
      p++;
    len = (size_t)(p - start);
    if (len >= 7 && strncasecmp(start, "params:", 7) == 0) {
      started = 1;
      start += 7;
      len -= 7;
      if (len == 0)
        continue;
    }
    if (!started && memchr(start, '=', len) != NULL)
      started = 1;
    if (!started)
      continue;
    if (used + len + 2 > size)
      break;
    if (used > 0)
      out[used++] = ' ';
    memcpy(out + used, start, len);
    used += len;
    out[used] = '\0';
  }
  free(copy);
}

/* The parameters (with defaults) of subcircuit `subckt` in text. */
static int subckt_params(char *out, size_t size, const char *text, const char *origin,
                         const char *subckt)
{
  ampsim_subckt_info info;
  char *line;
  int rc;

  out[0] = '\0';
  rc = ampsim_netlist_find_subckt(&info, text, origin, subckt);
  if (rc != 0)
    return rc;
  line = text_line(text, info.line);
  if (line == NULL)
    return nomem();
  header_params(out, size, line);
  free(line);
  return 0;
}

/* Is NAME (n characters) one of the "a=1 b=2" parameters? */
static int has_param(const char *params, const char *name, size_t n)
{
  const char *p = params;
  while (*p != '\0') {
    const char *eq;
    while (*p == ' ')
      p++;
    eq = strchr(p, '=');
    if (eq == NULL)
      return 0;
    if ((size_t)(eq - p) == n && strncasecmp(p, name, n) == 0)
      return 1;
    p = strchr(eq, ' ');
    if (p == NULL)
      return 0;
  }
  return 0;
}

/* Every parameter the design sets is one of the stage's. */
static int check_stage_params(const ampsim_design *d, const ampsim_stage *stage)
{
  char declared[2048], names[1024];
  const char *p = d->options.bench.stage_params;
  size_t used = 0;
  int rc;

  if (p[0] == '\0')
    return 0;
  rc = subckt_params(declared, sizeof declared, stage->text, stage->path, stage->subckt);
  if (rc != 0)
    return rc;
  /* "gain, rg, ..." for the message. */
  names[0] = '\0';
  {
    const char *q = declared;
    while (*q != '\0' && used + 4 < sizeof names) {
      const char *eq = strchr(q, '=');
      size_t n = eq != NULL ? (size_t)(eq - q) : strlen(q);
      const char *next;
      if (used + n + 3 >= sizeof names)
        break;
      if (used > 0) {
        memcpy(names + used, ", ", 2);
        used += 2;
      }
      memcpy(names + used, q, n);
      used += n;
      names[used] = '\0';
      next = strchr(q, ' ');
      if (next == NULL)
        break;
      q = next + 1;
    }
  }
  while (*p != '\0') {
    const char *eq;
    while (*p == ' ')
      p++;
    eq = strchr(p, '=');
    if (eq == NULL)
      break;
    if (!has_param(declared, p, (size_t)(eq - p))) {
      if (declared[0] == '\0')
        return ampsim_error_set(AMPSIM_EINVAL,
                                "stage '%s' takes no parameters, but %.*s is given",
                                stage->name, (int)(eq - p), p);
      return ampsim_error_set(AMPSIM_EINVAL,
                              "stage '%s' has no parameter '%.*s' (its parameters: %s)",
                              stage->name, (int)(eq - p), p, names);
    }
    p = strchr(eq, ' ');
    if (p == NULL)
      break;
  }
  return 0;
}

/* ====================================================================== */
/* Opening, checking and measuring a design                                */
/* ====================================================================== */

/* realpath(path) lies under realpath(dir). */
static int is_under(const char *path, const char *dir, int *under)
{
  char *real_path = realpath(path, NULL);
  char *real_dir;
  size_t n;
  int err;

  *under = 0;
  if (real_path == NULL) {
    err = errno;
    return ampsim_error_set(err == ENOENT ? AMPSIM_ENOTFOUND : AMPSIM_EIO, "%s: %s", path,
                            strerror(err));
  }
  real_dir = realpath(dir, NULL);
  if (real_dir == NULL) {
    err = errno;
    free(real_path);
    return ampsim_error_set(AMPSIM_EIO, "%s: %s", dir, strerror(err));
  }
  n = strlen(real_dir);
  if (strcmp(real_dir, "/") == 0)
    *under = 1;
  else
    *under = strncmp(real_path, real_dir, n) == 0 && real_path[n] == '/';
  free(real_dir);
  free(real_path);
  return 0;
}

/* Read the design's includes into one text (*out, caller frees; NULL when
 * there are none). */
static int read_includes(char **out, const ampsim_design *d, const ampsim_netlist_policy *policy)
{
  const char *dir = d->base_dir[0] != '\0' ? d->base_dir : ".";
  char *all = NULL;
  size_t all_len = 0, i;

  *out = NULL;
  for (i = 0; i < d->n_includes; i++) {
    const char *path = d->includes[i];
    char *text = NULL, *grown;
    size_t need;
    int under = 0, rc, n;

    rc = is_under(path, dir, &under);
    if (rc == 0 && !under)
      rc = ampsim_error_set(AMPSIM_EDENIED,
                            "include '%s' is outside the design file's folder (includes may "
                            "only reach files under it)",
                            path);
    if (rc == 0)
      rc = ampsim_netlist_load(&text, path, policy);
    if (rc != 0) {
      free(all);
      return with_origin(rc, d->include_origins[i]);
    }
    need = all_len + strlen(text) + 2 * strlen(path) + 64;
    grown = realloc(all, need);
    if (grown == NULL) {
      free(text);
      free(all);
      return nomem();
    }
    all = grown;
    n = snprintf(all + all_len, need - all_len, "* design include %s\n%s\n* end design include %s\n",
                 path, text, path);
    free(text);
    if (n < 0 || (size_t)n >= need - all_len) {
      free(all);
      return nomem();
    }
    all_len += (size_t)n;
  }
  *out = all;
  return 0;
}

int ampsim_design_open(ampsim_stage **stage_out, ampsim_stage **load_out,
                       const ampsim_design *d)
{
  ampsim_netlist_policy policy = AMPSIM_NETLIST_POLICY_INIT;
  const char *dirs[1 + AMPSIM_DESIGN_MAX_ALLOW_DIRS];
  size_t n_dirs = 0;
  ampsim_stage *stage = NULL, *load = NULL;
  char *includes = NULL;
  int rc;

  if (stage_out == NULL || load_out == NULL || d == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "ampsim_design_open: missing argument");
  *stage_out = NULL;
  *load_out = NULL;
  /* A design file's folder is an include root for all of its parts, and so
   * is every folder the user allowed. */
  if (d->base_dir[0] != '\0')
    dirs[n_dirs++] = d->base_dir;
  for (size_t i = 0; i < d->n_allow_dirs && i < AMPSIM_DESIGN_MAX_ALLOW_DIRS; i++)
    dirs[n_dirs++] = d->allow_dirs[i];
  policy.allowed_dirs = n_dirs > 0 ? dirs : NULL;
  policy.n_allowed_dirs = n_dirs;

  rc = read_includes(&includes, d, &policy);
  if (rc != 0)
    goto done;
  if (d->stage_spec[0] == '\0') {
    rc = with_origin(ampsim_error_set(AMPSIM_EINVAL, "no stage given"), d->origin);
    goto done;
  }
  rc = ampsim_stage_open(&stage, d->stage_spec, &policy);
  if (rc == 0)
    rc = check_stage_params(d, stage);
  if (rc != 0) {
    rc = with_origin(rc, d->stage_origin);
    goto done;
  }
  if (includes != NULL) {
    size_t a = strlen(includes), b = strlen(stage->text);
    char *joined = malloc(a + b + 1);
    if (joined == NULL) {
      rc = nomem();
      goto done;
    }
    memcpy(joined, includes, a);
    memcpy(joined + a, stage->text, b + 1);
    free(stage->text);
    stage->text = joined;
  }
  if (d->load_spec[0] != '\0') {
    rc = ampsim_load_open(&load, d->load_spec, &policy);
    if (rc != 0) {
      rc = with_origin(rc, d->load_origin);
      goto done;
    }
  }
  *stage_out = stage;
  *load_out = load;
  stage = NULL;
  load = NULL;
done:
  free(includes);
  ampsim_stage_free(load);
  ampsim_stage_free(stage);
  return rc;
}

int ampsim_design_check(const ampsim_design *d)
{
  ampsim_stage *stage = NULL, *load = NULL;
  int rc;

  if (d == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "ampsim_design_check: no design");
  rc = ampsim_measure_check(&d->options);
  if (rc != 0)
    return with_origin(rc, d->origin);
  rc = ampsim_design_open(&stage, &load, d);
  ampsim_stage_free(load);
  ampsim_stage_free(stage);
  return rc;
}

int ampsim_design_measure(ampsim_measurement **out, const ampsim_design *d)
{
  ampsim_measure_options options;
  ampsim_stage *stage = NULL, *load = NULL;
  int rc;

  if (out == NULL || d == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "ampsim_design_measure: missing argument");
  *out = NULL;
  rc = ampsim_measure_check(&d->options);
  if (rc != 0)
    return with_origin(rc, d->origin);
  rc = ampsim_design_open(&stage, &load, d);
  if (rc != 0)
    return rc;
  options = d->options;
  options.bench.load_model = load;
  rc = ampsim_measure(out, stage, &options);
  /* A simulation that fails points at the design, or, for a stage given on
   * the command line, at the stage's .subckt line. */
  if (rc != 0)
    rc = with_origin(rc, origin_is_silent(d->origin) ? stage->origin : d->origin);
  ampsim_stage_free(load);
  ampsim_stage_free(stage);
  return rc;
}

/* ====================================================================== */
/* Bundled parts                                                           */
/* ====================================================================== */

/* The first paragraph of the header comment of text, for a file named
 * base ("dynamic300.cir - 300 ohm dynamic ... for ampsim" gives "300 ohm
 * dynamic ..."). */
static void header_description(char *out, size_t size, const char *text, const char *base)
{
  const char *p = text;
  size_t used = 0, n;
  const char *tail = " for ampsim";

  out[0] = '\0';
  while (*p != '\0') {
    const char *end = strchr(p, '\n');
    const char *s = p, *e;
    if (end == NULL)
      end = p + strlen(p);
    while (s < end && (*s == ' ' || *s == '\t'))
      s++;
    if (s == end && used == 0) { /* blank lines before the comment */
      p = *end != '\0' ? end + 1 : end;
      continue;
    }
    if (s == end || *s != '*')
      break;
    s++;
    while (s < end && (*s == ' ' || *s == '\t' || *s == '*'))
      s++;
    e = end;
    while (e > s && isspace((unsigned char)e[-1]))
      e--;
    if (e == s) /* "*" alone ends the paragraph */
      break;
    n = (size_t)(e - s);
    if (used + n + 2 > size)
      n = size - used - 2;
    if (used > 0)
      out[used++] = ' ';
    memcpy(out + used, s, n);
    used += n;
    out[used] = '\0';
    if (used + 2 >= size)
      break;
    p = *end != '\0' ? end + 1 : end;
  }
  /* Drop "NAME.cir - " and " for ampsim". */
  n = strlen(base);
  if (strncmp(out, base, n) == 0 && strncmp(out + n, " - ", 3) == 0)
    memmove(out, out + n + 3, strlen(out + n + 3) + 1);
  n = strlen(out);
  if (n >= strlen(tail) && strcmp(out + n - strlen(tail), tail) == 0)
    out[n - strlen(tail)] = '\0';
  n = strlen(out);
  while (n > 0 && (out[n - 1] == ',' || out[n - 1] == ' '))
    out[--n] = '\0';
}

/* The first top-level .subckt's name in text, into out. */
static int first_subckt(char *out, size_t size, const char *text, const char *origin)
{
  const char *p = text;
  out[0] = '\0';
  while (*p != '\0') {
    const char *end = strchr(p, '\n');
    const char *s = p;
    if (end == NULL)
      end = p + strlen(p);
    while (s < end && (*s == ' ' || *s == '\t'))
      s++;
    if (end - s > 8 && strncasecmp(s, ".subckt", 7) == 0 && (s[7] == ' ' || s[7] == '\t')) {
      const char *name = s + 8, *name_end;
      while (*name == ' ' || *name == '\t')
        name++;
      name_end = name;
      while (name_end < end && !isspace((unsigned char)*name_end) && *name_end != '(')
        name_end++;
      snprintf(out, size, "%.*s", (int)(name_end - name), name);
      return 0;
    }
    p = *end != '\0' ? end + 1 : end;
  }
  return ampsim_error_set(AMPSIM_ENOTFOUND, "%s: defines no subcircuit", origin);
}

static int compare_parts(const void *a, const void *b)
{
  return strcmp(((const ampsim_part_info *)a)->name, ((const ampsim_part_info *)b)->name);
}

/* Describe the part in file `path` (base name `base`, name `name`). */
static int describe_part(ampsim_part_info *info, const char *kind, const char *path,
                         const char *base, const char *name)
{
  const char *netlist_dir = ampsim_netlist_dir();
  ampsim_netlist_policy policy = AMPSIM_NETLIST_POLICY_INIT;
  ampsim_subckt_info sub;
  ampsim_stage *part = NULL;
  char *text = NULL;
  const char *body;
  size_t i, used = 0;
  int rc;

  memset(info, 0, sizeof *info);
  snprintf(info->name, sizeof info->name, "%s", name);
  if (copy_to(info->path, sizeof info->path, path) != 0)
    return ampsim_error_set(AMPSIM_EINVAL, "%.100s...: the path is too long", path);
  policy.allowed_dirs = &netlist_dir;
  policy.n_allowed_dirs = 1;
  if (strcmp(kind, "stages") == 0 || strcmp(kind, "loads") == 0) {
    rc = strcmp(kind, "stages") == 0 ? ampsim_stage_open(&part, name, &policy)
                                     : ampsim_load_open(&part, name, &policy);
    if (rc != 0)
      return rc;
    snprintf(info->subckt, sizeof info->subckt, "%s", part->subckt);
    body = part->text;
  } else {
    rc = ampsim_netlist_load(&text, path, &policy);
    if (rc == 0)
      rc = first_subckt(info->subckt, sizeof info->subckt, text, path);
    if (rc != 0) {
      free(text);
      return rc;
    }
    body = text;
  }
  rc = ampsim_netlist_find_subckt(&sub, body, path, info->subckt);
  if (rc == 0)
    rc = subckt_params(info->params, sizeof info->params, body, path, info->subckt);
  for (i = 0; rc == 0 && i < (size_t)sub.n_pins && i < 16; i++) {
    int n = snprintf(info->pins + used, sizeof info->pins - used, "%s%s", i > 0 ? " " : "",
                     sub.pins[i]);
    if (n < 0 || (size_t)n >= sizeof info->pins - used)
      break;
    used += (size_t)n;
  }
  if (rc == 0)
    header_description(info->description, sizeof info->description, body, base);
  ampsim_stage_free(part);
  free(text);
  return rc;
}

void ampsim_design_part_list_free(ampsim_part_list *list)
{
  if (list == NULL)
    return;
  free(list->items);
  free(list);
}

int ampsim_design_list_parts(ampsim_part_list **out, const char *kind)
{
  const char *ext;
  char folder[PATH_MAX];
  ampsim_part_list *list = NULL;
  DIR *dir = NULL;
  size_t cap = 0;
  int rc = 0, n;

  if (out == NULL || kind == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "ampsim_design_list_parts: missing argument");
  *out = NULL;
  if (strcmp(kind, "stages") == 0 || strcmp(kind, "loads") == 0)
    ext = ".cir";
  else if (strcmp(kind, "opamps") == 0)
    ext = ".lib";
  else
    return ampsim_error_set(AMPSIM_EINVAL, "unknown kind of part '%s' (expected stages, loads "
                            "or opamps)",
                            kind);
  n = snprintf(folder, sizeof folder, "%s/%s", ampsim_netlist_dir(), kind);
  if (n < 0 || (size_t)n >= sizeof folder)
    return ampsim_error_set(AMPSIM_EINVAL, "the netlist folder's path is too long");
  list = calloc(1, sizeof *list);
  if (list == NULL)
    return nomem();
  dir = opendir(folder);
  if (dir == NULL) {
    rc = ampsim_error_set(errno == ENOENT ? AMPSIM_ENOTFOUND : AMPSIM_EIO, "%s: %s", folder,
                          strerror(errno));
    goto done;
  }
  for (;;) {
    struct dirent *de = readdir(dir);
    char path[PATH_MAX], name[128];
    size_t len, ext_len = strlen(ext);
    if (de == NULL)
      break;
    len = strlen(de->d_name);
    if (de->d_name[0] == '.' || len <= ext_len || strcmp(de->d_name + len - ext_len, ext) != 0 ||
        len - ext_len >= sizeof name)
      continue;
    snprintf(name, sizeof name, "%.*s", (int)(len - ext_len), de->d_name);
    n = snprintf(path, sizeof path, "%s/%s", folder, de->d_name);
    if (n < 0 || (size_t)n >= sizeof path)
      continue;
    if (list->n == cap) {
      size_t new_cap = cap == 0 ? 16 : 2 * cap;
      ampsim_part_info *grown = realloc(list->items, new_cap * sizeof *grown);
      if (grown == NULL) {
        rc = nomem();
        goto done;
      }
      list->items = grown;
      cap = new_cap;
    }
    rc = describe_part(&list->items[list->n], kind, path, de->d_name, name);
    if (rc != 0)
      goto done;
    list->n++;
  }
  if (list->n > 1)
    qsort(list->items, list->n, sizeof *list->items, compare_parts);
  *out = list;
  list = NULL;
done:
  if (dir != NULL)
    closedir(dir);
  ampsim_design_part_list_free(list);
  return rc;
}
