/*
 * junit.c - check results as JUnit XML (see ampsim_check_junit() in
 * include/ampsim/check.h), written with libxml2's xmlTextWriter.
 *
 * The format is Apache Ant's, as the common JUnit XML schema (windyroad
 * JUnit.xsd) has it, which GitLab, Jenkins and GitHub test reporters read:
 *
 *   <testsuites>                       (no attributes: the schema has none)
 *     <testsuite name timestamp hostname tests failures errors skipped time
 *                package id>
 *       <properties><property name value/>...</properties>
 *       <testcase name classname time>[<failure message type>text</failure>
 *                                     | <error ...> | <skipped message/>]
 *       </testcase>...
 *       <system-out>...</system-out>
 *       <system-err>...</system-err>
 *     </testsuite>...
 *   </testsuites>
 *
 * Elements come in the schema's order (properties, testcases, system-out,
 * system-err; all required but the testcases), attributes in the order the
 * schema declares them. Text from elsewhere (ngspice's messages, file names)
 * is made valid UTF-8 without control characters first: XML 1.0 cannot carry
 * them, and one stray byte would make the whole report unreadable.
 */
#include "ampsim/check.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxml/xmlwriter.h>

#include "ampsim/ampsim.h"
#include "ampsim/error.h"
#include "ampsim/fileio.h"
#include "check_internal.h"

#define JUNIT_PACKAGE "ampsim.check"

static int nomem(void)
{
  return ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
}

/* A copy of text that XML 1.0 can carry: invalid UTF-8 bytes and control
 * characters other than tab and newline become '?', a CR is dropped (XML
 * turns it into a newline anyway). NULL when memory runs out. */
static char *xml_safe(const char *text)
{
  const unsigned char *p = (const unsigned char *)(text != NULL ? text : "");
  size_t len = strlen((const char *)p);
  char *out = malloc(len + 1), *q = out;

  if (out == NULL)
    return NULL;
  while (*p != '\0') {
    unsigned char c = *p;
    size_t n = 0, k;
    unsigned long cp = 0;

    if (c < 0x80) {
      if (c == '\r') {
        p++;
        continue;
      }
      *q++ = (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f ? '?' : (char)c;
      p++;
      continue;
    }
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      cp = c & 0x07;
    }
    for (k = 1; n > 0 && k <= n; k++) {
      if ((p[k] & 0xc0) != 0x80) {
        n = 0;
        break;
      }
      cp = (cp << 6) | (p[k] & 0x3f);
    }
    /* Overlong forms, surrogates, beyond U+10FFFF and the two
     * non-characters XML refuses. */
    if (n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe ||
                   cp == 0xffff))
      n = 0;
    if (n == 3 && (cp < 0x10000 || cp > 0x10ffff))
      n = 0;
    if (n == 0) {
      *q++ = '?';
      p++;
      continue;
    }
    memcpy(q, p, n + 1);
    q += n + 1;
    p += n + 1;
  }
  *q = '\0';
  return out;
}

/* The writer and whether any call failed (calls after a failure are
 * skipped, so one check at the end is enough). */
typedef struct junit_writer {
  xmlTextWriterPtr w;
  int failed;
} junit_writer;

static void start(junit_writer *jw, const char *element)
{
  if (!jw->failed && xmlTextWriterStartElement(jw->w, BAD_CAST element) < 0)
    jw->failed = 1;
}

static void end(junit_writer *jw)
{
  if (!jw->failed && xmlTextWriterEndElement(jw->w) < 0)
    jw->failed = 1;
}

/* An element with text content that must keep its line breaks: written
 * without indentation inside. */
static void text(junit_writer *jw, const char *value)
{
  char *safe;

  if (jw->failed)
    return;
  safe = xml_safe(value);
  if (safe == NULL || xmlTextWriterWriteString(jw->w, BAD_CAST safe) < 0)
    jw->failed = 1;
  free(safe);
}

static void attribute(junit_writer *jw, const char *name, const char *value)
{
  char *safe;

  if (jw->failed)
    return;
  safe = xml_safe(value);
  if (safe == NULL || xmlTextWriterWriteAttribute(jw->w, BAD_CAST name, BAD_CAST safe) < 0)
    jw->failed = 1;
  free(safe);
}

/* An attribute with a formatted value (numbers: in the C locale, which the
 * caller has set). */
static void attributef(junit_writer *jw, const char *name, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void attributef(junit_writer *jw, const char *name, const char *fmt, ...)
{
  char value[256];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(value, sizeof value, fmt, ap);
  va_end(ap);
  attribute(jw, name, value);
}

static void property(junit_writer *jw, const char *name, const char *value)
{
  start(jw, "property");
  attribute(jw, "name", name);
  attribute(jw, "value", value);
  end(jw);
}

/* One figure: its testcase. */
static void write_item(junit_writer *jw, const ampsim_check_result *r,
                       const ampsim_check_item *item, const char *classname)
{
  check_item_text t;
  char message[1024], where[1024 + sizeof r->baseline_path + 64];

  check_item_format(&t, item);
  start(jw, "testcase");
  attribute(jw, "name", item->label);
  attribute(jw, "classname", classname);
  attribute(jw, "time", "0");
  if (item->status == AMPSIM_CHECK_FAIL) {
    /* The numbers say how far a figure moved; the reason what a null or a
     * missing figure means. */
    snprintf(message, sizeof message, "%s: baseline %s, now %s, difference %s, tolerance %s: %s",
             item->label, t.baseline, t.now, t.difference, t.tolerance,
             isfinite(item->difference) ? "out of tolerance" : item->reason);
    if (item->line > 0)
      snprintf(where, sizeof where, "%s\n%s:%ld: the figure in the baseline\n", message,
               r->baseline_path, item->line);
    else
      snprintf(where, sizeof where, "%s\n", message);
    start(jw, "failure");
    attribute(jw, "message", message);
    attribute(jw, "type", "regression");
    text(jw, where);
    end(jw);
  } else if (item->status == AMPSIM_CHECK_NEW) {
    snprintf(message, sizeof message, "%s: now %s: %s", item->label, t.now, item->reason);
    start(jw, "skipped");
    attribute(jw, "message", message);
    end(jw);
  }
  end(jw);
}

static void write_suite(junit_writer *jw, const ampsim_check_result *r, size_t id,
                        const char *hostname)
{
  char timestamp[32], classname[300];
  struct tm tm;
  size_t i, tests, failures, errors, skipped;
  char *table = NULL;

  memset(&tm, 0, sizeof tm);
  if (gmtime_r(&r->started, &tm) == NULL ||
      strftime(timestamp, sizeof timestamp, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
    snprintf(timestamp, sizeof timestamp, "1970-01-01T00:00:00");
  snprintf(classname, sizeof classname, "%s.%s", JUNIT_PACKAGE,
           r->name[0] != '\0' ? r->name : "baseline");

  if (r->error_code != 0) {
    tests = 1;
    failures = 0;
    errors = 1;
    skipped = 0;
  } else {
    tests = r->n_items;
    failures = r->n_failed;
    errors = 0;
    skipped = r->n_new;
  }

  start(jw, "testsuite");
  attribute(jw, "name", r->name[0] != '\0' ? r->name : "baseline");
  attribute(jw, "timestamp", timestamp);
  attribute(jw, "hostname", hostname);
  attributef(jw, "tests", "%zu", tests);
  attributef(jw, "failures", "%zu", failures);
  attributef(jw, "errors", "%zu", errors);
  attributef(jw, "skipped", "%zu", skipped);
  attributef(jw, "time", "%.3f", isfinite(r->elapsed_s) && r->elapsed_s > 0 ? r->elapsed_s : 0.0);
  attribute(jw, "package", JUNIT_PACKAGE);
  attributef(jw, "id", "%zu", id);

  start(jw, "properties");
  property(jw, "baseline", r->baseline_path);
  property(jw, "design", r->design_path);
  property(jw, "design_name", r->design_name);
  property(jw, "ampsim_version", r->ampsim_version);
  property(jw, "ngspice_version", r->ngspice_version);
  property(jw, "baseline_ampsim_version", r->baseline_ampsim_version);
  property(jw, "baseline_ngspice_version", r->baseline_ngspice_version);
  end(jw);

  if (r->error_code != 0) {
    start(jw, "testcase");
    attribute(jw, "name", "run");
    attribute(jw, "classname", classname);
    attributef(jw, "time", "%.3f",
               isfinite(r->elapsed_s) && r->elapsed_s > 0 ? r->elapsed_s : 0.0);
    start(jw, "error");
    attribute(jw, "message", r->error);
    attribute(jw, "type", ampsim_strerror(r->error_code));
    text(jw, r->error);
    text(jw, "\n");
    end(jw);
    end(jw);
  } else {
    for (i = 0; i < r->n_items; i++)
      write_item(jw, r, &r->items[i], classname);
  }

  start(jw, "system-out");
  if (!jw->failed && ampsim_check_table(&table, r, 0) != 0)
    jw->failed = 1;
  text(jw, table != NULL ? table : "");
  free(table);
  end(jw);

  start(jw, "system-err");
  if (r->warning[0] != '\0') {
    text(jw, "warning: ");
    text(jw, r->warning);
    text(jw, "\n");
  }
  if (r->error_code != 0) {
    text(jw, r->error);
    text(jw, "\n");
  }
  end(jw);
  end(jw);
}

/* The report into buf, in the C locale (see ampsim_check_junit()). */
static int junit_c(char **out, const ampsim_check_result *const *results, size_t n,
                   const char *hostname)
{
  junit_writer jw = { NULL, 0 };
  xmlBufferPtr buf = xmlBufferCreate();
  size_t i;
  int rc = 0;

  if (buf == NULL)
    return nomem();
  jw.w = xmlNewTextWriterMemory(buf, 0);
  if (jw.w == NULL) {
    xmlBufferFree(buf);
    return nomem();
  }
  if (xmlTextWriterSetIndent(jw.w, 1) < 0 ||
      xmlTextWriterSetIndentString(jw.w, BAD_CAST "  ") < 0 ||
      xmlTextWriterStartDocument(jw.w, "1.0", "UTF-8", NULL) < 0)
    jw.failed = 1;
  start(&jw, "testsuites");
  for (i = 0; i < n; i++)
    write_suite(&jw, results[i], i, hostname);
  end(&jw);
  if (!jw.failed && xmlTextWriterEndDocument(jw.w) < 0)
    jw.failed = 1;
  /* Freeing the writer flushes it into buf. */
  xmlFreeTextWriter(jw.w);
  if (jw.failed) {
    rc = ampsim_error_last_code() == AMPSIM_ENOMEM
             ? AMPSIM_ENOMEM
             : ampsim_error_set(AMPSIM_ENOMEM, "JUnit report: the XML writer failed (out of "
                                "memory?)");
  } else {
    const char *content = (const char *)xmlBufferContent(buf);
    size_t len = (size_t)xmlBufferLength(buf);
    *out = malloc(len + 1);
    if (*out == NULL) {
      rc = nomem();
    } else {
      memcpy(*out, content, len);
      (*out)[len] = '\0';
    }
  }
  xmlBufferFree(buf);
  return rc;
}

int ampsim_check_junit(char **out, const ampsim_check_result *const *results, size_t n,
                       const char *hostname)
{
  char host[256];
  check_locale l;
  size_t i;
  int rc;

  if (out == NULL || (results == NULL && n > 0))
    return ampsim_error_set(AMPSIM_EINVAL, "ampsim_check_junit: missing argument");
  *out = NULL;
  for (i = 0; i < n; i++)
    if (results[i] == NULL)
      return ampsim_error_set(AMPSIM_EINVAL, "ampsim_check_junit: result %zu is NULL", i);
  if (hostname == NULL || hostname[0] == '\0') {
    /* gethostname() may leave the name unterminated when it is cut. */
    memset(host, 0, sizeof host);
    if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0')
      snprintf(host, sizeof host, "localhost");
    hostname = host;
  }
  check_locale_begin(&l);
  rc = junit_c(out, results, n, hostname);
  check_locale_end(&l);
  return rc;
}

int ampsim_check_junit_save(const char *path, const ampsim_check_result *const *results,
                            size_t n, const char *hostname)
{
  char *xml = NULL;
  int rc;

  if (path == NULL || path[0] == '\0')
    return ampsim_error_set(AMPSIM_EINVAL, "ampsim_check_junit_save: no path");
  rc = ampsim_check_junit(&xml, results, n, hostname);
  if (rc == 0)
    rc = ampsim_file_write_atomic(path, xml, strlen(xml));
  free(xml);
  return rc;
}
