/*
 * xmlsafe.h - reading untrusted XML files with libxml2 (internal): design
 * files (design.c) and baselines (check.c).
 *
 * - libxml2 prints its errors on stderr by default, and the library must not
 *   print: while our handlers are installed, the first error is kept (with
 *   its line) in an xmlsafe_errors, and the previous handlers come back
 *   afterwards.
 * - No DTD is ever read and no entity is ever declared, substituted or
 *   resolved: the parser stops at a DOCTYPE (billion laughs, XXE and
 *   external DTDs never get a chance), and the network is off.
 * - Files are read whole with a size limit, before libxml2 sees a byte.
 *
 * What the messages say (the kind of file, the advice) is the caller's;
 * these functions report what happened.
 */
#ifndef AMPSIM_XMLSAFE_H
#define AMPSIM_XMLSAFE_H

#include <stddef.h>

#include <libxml/tree.h>
#include <libxml/xmlerror.h>

/* The first error libxml2 reported, and the first line any error named. */
typedef struct xmlsafe_errors {
  int have;
  long line;
  long any_line;
  char message[512]; /* one line: libxml2's newline and tabs removed */
} xmlsafe_errors;

/* libxml2's global (per-thread) error handlers, saved while ours are in. */
typedef struct xmlsafe_handlers {
  xmlStructuredErrorFunc structured;
  void *structured_ctx;
  xmlGenericErrorFunc generic;
  void *generic_ctx;
} xmlsafe_handlers;

/* Route libxml2's errors into *errors (not cleared here) until
 * xmlsafe_handlers_restore(saved). */
void xmlsafe_handlers_install(xmlsafe_handlers *saved, xmlsafe_errors *errors);
void xmlsafe_handlers_restore(const xmlsafe_handlers *saved);

/* The handlers themselves (ctx is an xmlsafe_errors *), for libxml2 calls
 * that take their own (xmlRelaxNGSetValidStructuredErrors, ...). */
void xmlsafe_capture_structured(void *ctx, xmlErrorPtr err);
void xmlsafe_capture_generic(void *ctx, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/*
 * Read the regular file `path` whole: *out is NUL-terminated (caller frees),
 * *len its length. A file larger than max_bytes is refused: "PATH: too large
 * for WHAT (N bytes; at most MAX)". Returns 0, AMPSIM_ENOTFOUND, AMPSIM_EIO
 * ("PATH: Is a directory", "PATH: not a regular file", strerror) or
 * AMPSIM_ENOMEM, with the message set.
 */
int xmlsafe_read_file(char **out, size_t *len, const char *path, size_t max_bytes,
                      const char *what);

/* What xmlsafe_parse() found. */
typedef enum {
  XMLSAFE_OK = 0,
  XMLSAFE_EMPTY,     /* no bytes at all */
  XMLSAFE_DOCTYPE,   /* a DOCTYPE: refused, at *doctype_line */
  XMLSAFE_MALFORMED, /* not well-formed: errors says where and why */
  XMLSAFE_TOO_LARGE, /* more than libxml2's int can count */
  XMLSAFE_NOMEM
} xmlsafe_status;

/*
 * Parse text[0..len) into *doc (NULL unless XMLSAFE_OK; caller frees with
 * xmlFreeDoc) with line numbers past 65535, no DTD, no entities, no network.
 * The caller has installed the handlers: for XMLSAFE_MALFORMED its
 * xmlsafe_errors says where and why. Sets no message.
 */
xmlsafe_status xmlsafe_parse(xmlDocPtr *doc, const char *text, size_t len, long *doctype_line);

#endif
