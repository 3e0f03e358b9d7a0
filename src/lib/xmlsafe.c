/* xmlsafe.c - untrusted XML through libxml2, quietly (see xmlsafe.h). */
#include "xmlsafe.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "ampsim/error.h"

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */
/* ------------------------------------------------------------------------ */

static void keep_message(xmlsafe_errors *e, const char *text, long line)
{
  size_t n;

  if (line > 0 && e->any_line == 0)
    e->any_line = line;
  if (e->have)
    return;
  snprintf(e->message, sizeof e->message, "%s", text != NULL ? text : "error");
  /* libxml2's messages end in a newline; ours are one line. */
  n = strlen(e->message);
  while (n > 0 && isspace((unsigned char)e->message[n - 1]))
    e->message[--n] = '\0';
  for (n = 0; e->message[n] != '\0'; n++)
    if (e->message[n] == '\n' || e->message[n] == '\r' || e->message[n] == '\t')
      e->message[n] = ' ';
  e->line = line;
  e->have = 1;
}

void xmlsafe_capture_structured(void *ctx, xmlErrorPtr err)
{
  xmlsafe_errors *e = ctx;
  long line;

  if (e == NULL || err == NULL || err->level < XML_ERR_ERROR)
    return;
  line = err->line;
  /* Schema (RelaxNG) errors name a node rather than a line. */
  if (line <= 0 && err->node != NULL)
    line = xmlGetLineNo((xmlNodePtr)err->node);
  keep_message(e, err->message, line);
}

void xmlsafe_capture_generic(void *ctx, const char *fmt, ...)
{
  xmlsafe_errors *e = ctx;
  char text[512];
  va_list ap;

  if (e == NULL || e->have)
    return;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  keep_message(e, text, 0);
}

void xmlsafe_handlers_install(xmlsafe_handlers *saved, xmlsafe_errors *errors)
{
  saved->structured = xmlStructuredError;
  saved->structured_ctx = xmlStructuredErrorContext;
  saved->generic = xmlGenericError;
  saved->generic_ctx = xmlGenericErrorContext;
  xmlSetStructuredErrorFunc(errors, xmlsafe_capture_structured);
  xmlSetGenericErrorFunc(errors, xmlsafe_capture_generic);
}

void xmlsafe_handlers_restore(const xmlsafe_handlers *saved)
{
  xmlSetStructuredErrorFunc(saved->structured_ctx, saved->structured);
  xmlSetGenericErrorFunc(saved->generic_ctx, saved->generic);
}

/* ------------------------------------------------------------------------ */
/* Reading                                                                  */
/* ------------------------------------------------------------------------ */

int xmlsafe_read_file(char **out, size_t *len, const char *path, size_t max_bytes,
                      const char *what)
{
  struct stat st;
  FILE *f;
  char *text;
  size_t got;
  int err;

  *out = NULL;
  *len = 0;
  f = fopen(path, "rb");
  if (f == NULL) {
    err = errno;
    return ampsim_error_set(err == ENOENT ? AMPSIM_ENOTFOUND : AMPSIM_EIO, "%s: %s", path,
                            strerror(err));
  }
  if (fstat(fileno(f), &st) != 0) {
    err = errno;
    fclose(f);
    return ampsim_error_set(AMPSIM_EIO, "%s: %s", path, strerror(err));
  }
  if (S_ISDIR(st.st_mode)) {
    fclose(f);
    return ampsim_error_set(AMPSIM_EIO, "%s: %s", path, strerror(EISDIR));
  }
  if (!S_ISREG(st.st_mode)) {
    fclose(f);
    return ampsim_error_set(AMPSIM_EIO, "%s: not a regular file", path);
  }
  if ((unsigned long long)st.st_size > (unsigned long long)max_bytes) {
    fclose(f);
    return ampsim_error_set(AMPSIM_EIO, "%s: too large for %s (%lld bytes; at most %zu)", path,
                            what, (long long)st.st_size, max_bytes);
  }
  text = malloc((size_t)st.st_size + 1);
  if (text == NULL) {
    fclose(f);
    return ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
  }
  got = fread(text, 1, (size_t)st.st_size, f);
  if (ferror(f)) {
    err = errno;
    free(text);
    fclose(f);
    return ampsim_error_set(AMPSIM_EIO, "%s: %s", path, strerror(err));
  }
  fclose(f);
  text[got] = '\0';
  *out = text;
  *len = got;
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Parsing without DTDs or entities                                         */
/* ------------------------------------------------------------------------ */

/* Set in the parser context's _private while parsing. */
typedef struct doctype_guard {
  int refused;
  long line;
} doctype_guard;

/* SAX callback at a DOCTYPE, before its internal subset is read: stop there.
 * No DTD, no entity declaration, no external entity is ever looked at. */
static void refuse_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
                           const xmlChar *system_id)
{
  xmlParserCtxtPtr ctxt = ctx;
  doctype_guard *guard = ctxt->_private;

  (void)name;
  (void)external_id;
  (void)system_id;
  if (guard != NULL && !guard->refused) {
    guard->refused = 1;
    guard->line = ctxt->input != NULL ? ctxt->input->line : 0;
  }
  xmlStopParser(ctxt);
}

/* An entity declaration can only follow a DOCTYPE, which is refused above;
 * refuse here too, in case a future libxml2 calls this first. */
static void refuse_entity(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
                          const xmlChar *system_id, xmlChar *content)
{
  (void)name;
  (void)type;
  (void)public_id;
  (void)system_id;
  (void)content;
  refuse_doctype(ctx, NULL, NULL, NULL);
}

static xmlParserInputPtr refuse_resolve(void *ctx, const xmlChar *public_id,
                                        const xmlChar *system_id)
{
  (void)public_id;
  (void)system_id;
  refuse_doctype(ctx, NULL, NULL, NULL);
  return NULL;
}

xmlsafe_status xmlsafe_parse(xmlDocPtr *doc, const char *text, size_t len, long *doctype_line)
{
  doctype_guard guard = { 0, 0 };
  xmlParserCtxtPtr ctxt;
  int well_formed;

  *doc = NULL;
  *doctype_line = 0;
  /* An empty buffer gives no parser context at all. */
  if (len == 0)
    return XMLSAFE_EMPTY;
  if (len > INT_MAX)
    return XMLSAFE_TOO_LARGE;
  ctxt = xmlCreateMemoryParserCtxt(text, (int)len);
  if (ctxt == NULL)
    return XMLSAFE_NOMEM;
  /* No DTD loading, no entity substitution, no network: the defaults,
   * made explicit. Big line numbers so that messages stay right past
   * line 65535. */
  xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_BIG_LINES);
  ctxt->linenumbers = 1;
  ctxt->_private = &guard;
  ctxt->sax->internalSubset = refuse_doctype;
  ctxt->sax->externalSubset = refuse_doctype;
  ctxt->sax->entityDecl = refuse_entity;
  ctxt->sax->resolveEntity = refuse_resolve;

  xmlParseDocument(ctxt);
  well_formed = ctxt->wellFormed;
  *doc = ctxt->myDoc;
  ctxt->myDoc = NULL;
  ctxt->_private = NULL;
  xmlFreeParserCtxt(ctxt);

  if (guard.refused) {
    xmlFreeDoc(*doc);
    *doc = NULL;
    *doctype_line = guard.line > 0 ? guard.line : 1;
    return XMLSAFE_DOCTYPE;
  }
  if (!well_formed || *doc == NULL) {
    xmlFreeDoc(*doc);
    *doc = NULL;
    return XMLSAFE_MALFORMED;
  }
  return XMLSAFE_OK;
}
