/*
 * netlist.c - reading SPICE stage files as untrusted input (see
 * include/ampsim/netlist.h).
 *
 * A stage file comes from the user or from a vendor, and ngspice will do far
 * more than simulate if a netlist asks it to: run shell commands from a
 * .control block or a "*#" line, read and write files from XSPICE code models,
 * load compiled device libraries. So ampsim never hands ngspice a file name:
 * this module reads the file itself, expands .include/.lib under a folder
 * policy, and checks every line, and the bench inlines the resulting text.
 *
 * The rules follow what ngspice 39 actually does when it reads a deck
 * (frontend/inpcom.c), because the checks are only sound if they see the lines
 * the way ngspice will:
 *   - leading blanks are skipped, every '\r' is dropped;
 *   - a line starting with '+' continues the last statement, across comment
 *     and blank lines; a line ending in two backslashes makes the next line a
 *     continuation too;
 *   - end-of-line comments start at ';', at '$' after a blank or comma, and at
 *     "//";
 *   - dot-commands are recognised by prefix (".controlx" opens a .control
 *     block), so the refusal list matches prefixes too.
 * Where ngspice and the checks could disagree, the checks err on the side of
 * refusing. Library sections (.lib NAME ... .endl) are taken only through
 * .lib FILE NAME: a section definition left in the text is an error to
 * ngspice 39, and an include of the file NAME in its LTspice/PSpice modes.
 *
 * Unlike a top-level deck, a stage file has no title line: it is a library of
 * definitions that the bench inlines, so its first line counts like any other
 * (a .subckt there must not be lost as a "title").
 *
 * The expanded text keeps comments, drops .end and .title, and joins
 * continuation lines so that every statement is on one line. The origin of
 * each .subckt line is kept, so that errors found later (a stage with the
 * wrong pin count) can still point into the right file.
 */
/* realpath() is XSI, not base POSIX. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif

#include "ampsim/netlist.h"
#include "ampsim/error.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef AMPSIM_SOURCE_NETLIST_DIR
#define AMPSIM_SOURCE_NETLIST_DIR "netlists"
#endif
#ifndef AMPSIM_INSTALL_NETLIST_DIR
#define AMPSIM_INSTALL_NETLIST_DIR "/usr/local/share/ampsim/netlists"
#endif

/* Include nesting is recursion here; whatever the policy says, stay far from
 * the C stack's limits. */
#define NL_DEPTH_CAP 256
/* Names listed in one message ("defined: a, b, ...") before eliding. */
#define NL_LIST_MAX 20

/* ====================================================================== */
/* Small helpers                                                           */
/* ====================================================================== */

typedef struct nl_buf {
  char *p;
  size_t len;
  size_t cap;
} nl_buf;

static int nomem(void)
{
  return ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
}

/* Append n bytes and keep the buffer NUL-terminated. */
static int buf_add(nl_buf *b, const char *s, size_t n)
{
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    char *p;
    while (cap < b->len + n + 1)
      cap *= 2;
    p = realloc(b->p, cap);
    if (p == NULL)
      return nomem();
    b->p = p;
    b->cap = cap;
  }
  if (n > 0)
    memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
  return 0;
}

static int buf_str(nl_buf *b, const char *s)
{
  return buf_add(b, s, strlen(s));
}

static char *copy_span(const char *s, size_t n)
{
  char *copy = malloc(n + 1);
  if (copy == NULL)
    return NULL;
  memcpy(copy, s, n);
  copy[n] = '\0';
  return copy;
}

/* Blanks as ngspice's reader skips them ('\r' is gone before this). Form feed
 * and vertical tab count too, so that "\f.control" is not missed. */
static int is_blank(int c)
{
  return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

static int is_ident(int c)
{
  return isalnum((unsigned char)c) || c == '_';
}

static const char *skip_blanks(const char *p)
{
  while (is_blank(*p))
    p++;
  return p;
}

static const char *errno_text(int err, char *buf, size_t n)
{
  if (strerror_r(err, buf, n) != 0)
    snprintf(buf, n, "error %d", err);
  return buf;
}

/* A copy of text without any '\r': ngspice's line reader drops every carriage
 * return, wherever it is, so "R1 a b 1k\r.control" is one line to it. Doing the
 * same here normalises CRLF and keeps the checks seeing what ngspice sees. */
static char *copy_without_cr(const char *text, size_t n)
{
  char *out = malloc(n + 1);
  size_t i, j = 0;
  if (out == NULL)
    return NULL;
  for (i = 0; i < n; i++)
    if (text[i] != '\r')
      out[j++] = text[i];
  out[j] = '\0';
  return out;
}

/* The folder part of a canonical path ("/a/b.cir" -> "/a", "/b" -> "/"). */
static char *dir_of(const char *path)
{
  const char *slash = strrchr(path, '/');
  size_t n;
  char *dir;
  if (slash == NULL)
    return strdup(".");
  n = slash == path ? 1 : (size_t)(slash - path);
  dir = malloc(n + 1);
  if (dir == NULL)
    return NULL;
  memcpy(dir, path, n);
  dir[n] = '\0';
  return dir;
}

/* Whole path components: /a/bc is not under /a/b. */
static int path_is_under(const char *path, const char *dir)
{
  size_t n = strlen(dir);
  if (n == 1 && dir[0] == '/')
    return path[0] == '/';
  return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static int has_control_chars(const char *s)
{
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7f)
      return 1;
  return 0;
}

static int ends_with_ci(const char *s, const char *suffix)
{
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* ====================================================================== */
/* Physical and logical lines                                              */
/* ====================================================================== */

enum { NL_BLANK, NL_COMMENT, NL_STMT, NL_CONT, NL_ORPHAN, NL_END };

/* One line of the text, classified the way ngspice reads it. */
typedef struct nl_phys {
  const char *raw;   /* the line as written, without '\n' */
  size_t raw_len;
  const char *body;  /* after leading blanks (and the '+' of a continuation) */
  size_t body_len;   /* ... without end-of-line comment and trailing blanks */
  size_t full_len;   /* ... with the comment (only a trailing "\\" removed) */
  int kind;          /* NL_BLANK, NL_COMMENT, NL_STMT or NL_CONT */
  int shell_cont;    /* ended in two backslashes: the next line continues it */
  int line;          /* 1-based line number */
} nl_phys;

/* A reading position in a text (without '\r'). Lines are classified as they
 * are read, so a file costs no memory beyond its text, however many lines
 * it has. */
typedef struct nl_cursor {
  const char *p;  /* start of the next line; NULL at the end */
  int line;       /* 1-based number of the next line */
  int pending;    /* a line ended in two backslashes: the next one goes on */
} nl_cursor;

/* Where an end-of-line comment starts, by ngspice's rules outside .control
 * (inp_stripcomments_line): ';' anywhere, '$' after a blank or a comma, "//".
 * Like ngspice, quotes do not protect these characters. */
static size_t comment_start(const char *s, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++) {
    char c = s[i];
    if (c == ';')
      return i;
    if (c == '$' && i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t' || s[i - 1] == ','))
      return i;
    if (c == '/' && i + 1 < n && s[i + 1] == '/')
      return i;
  }
  return n;
}

static size_t trim_right(const char *s, size_t n)
{
  while (n > 0 && is_blank(s[n - 1]))
    n--;
  return n;
}

static void cursor_init(nl_cursor *c, const char *text)
{
  /* The final '\n' ends the last line; it does not start another. */
  c->p = text[0] != '\0' ? text : NULL;
  c->line = 1;
  c->pending = 0;
}

/* Read and classify the next line. Returns 0 at the end of the text. */
static int cursor_next(nl_cursor *c, nl_phys *ph)
{
  const char *eol, *end, *s;
  size_t rest;
  int continues;

  if (c->p == NULL)
    return 0;
  memset(ph, 0, sizeof *ph);
  /* A plain loop, not strchr(): ASan's strict_string_checks makes each
   * strchr() read the whole rest of the text, so a 10 MB file took minutes
   * in the sanitizer build (quadratic), and well under a second here. */
  for (end = c->p; *end != '\0' && *end != '\n'; end++)
    ;
  eol = *end == '\n' ? end : NULL;
  s = skip_blanks(c->p);
  rest = trim_right(s, (size_t)(end - s));
  continues = c->pending;
  ph->raw = c->p;
  ph->raw_len = (size_t)(end - c->p);
  ph->line = c->line;
  c->p = eol != NULL && eol[1] != '\0' ? eol + 1 : NULL;
  c->line++;
  ph->body = s;
  if (rest == 0) {
    /* Blank lines vanish in ngspice's reader; a pending "\\"
     * continuation carries over to the next line that has text. */
    ph->kind = NL_BLANK;
    return 1;
  }
  c->pending = 0;
  if (*s == '+') {
    continues = 1;
    ph->body = skip_blanks(s + 1);
    if (ph->body > s + rest)
      ph->body = s + rest;
  }
  ph->full_len = (size_t)(s + rest - ph->body);
  /* ngspice (chk_for_line_continuation) treats a trailing "\\" on any line
   * that does not start with '*' or '$' as "the next line goes on", even a
   * line it will later see as a comment. */
  if ((continues || (*s != '*' && *s != '$')) && ph->full_len >= 2 &&
      ph->body[ph->full_len - 1] == '\\' && ph->body[ph->full_len - 2] == '\\') {
    ph->full_len = trim_right(ph->body, ph->full_len - 2);
    ph->shell_cont = 1;
    c->pending = 1;
  }
  ph->body_len = trim_right(ph->body, comment_start(ph->body, ph->full_len));
  if (continues)
    ph->kind = NL_CONT;
  else if (*s == '*' || *s == '$' || *s == '#' || ph->body_len == 0)
    ph->kind = NL_COMMENT;
  else
    ph->kind = NL_STMT;
  return 1;
}

/* A logical line: a blank or comment line, or a statement with its
 * continuation lines (and the comment lines between them). */
typedef struct nl_entry {
  int kind;        /* NL_BLANK, NL_COMMENT, NL_STMT, NL_ORPHAN or NL_END */
  nl_phys first;   /* its first line */
  int last;        /* number of its last line */
  nl_cursor rest;  /* at the line after the first, to visit those in between */
  char *text;      /* NL_STMT: joined, without comments */
  char *full;      /* NL_STMT: joined, with end-of-line comments (for checks) */
  size_t bytes;    /* input bytes of its first and continuation lines */
} nl_entry;

static void entry_clear(nl_entry *e)
{
  free(e->text);
  free(e->full);
  e->text = NULL;
  e->full = NULL;
}

/* Append one line's piece of a statement to text and full. */
static int add_piece(nl_buf *text, nl_buf *full, const nl_phys *ph)
{
  int rc = 0;
  if (text->len > 0 && ph->body_len > 0)
    rc = buf_add(text, " ", 1);
  if (rc == 0)
    rc = buf_add(text, ph->body, ph->body_len);
  if (rc == 0 && full->len > 0 && ph->full_len > 0)
    rc = buf_add(full, " ", 1);
  if (rc == 0)
    rc = buf_add(full, ph->body, ph->full_len);
  return rc;
}

static int next_entry(nl_cursor *c, nl_entry *e)
{
  nl_buf text = { NULL, 0, 0 }, full = { NULL, 0, 0 };
  nl_cursor look;
  nl_phys ph;
  int rc;

  e->kind = NL_END;
  e->text = NULL;
  e->full = NULL;
  if (!cursor_next(c, &e->first))
    return 0;
  e->last = e->first.line;
  e->rest = *c;
  e->bytes = e->first.raw_len + 1;
  if (e->first.kind != NL_STMT) {
    e->kind = e->first.kind == NL_CONT ? NL_ORPHAN : e->first.kind;
    return 0;
  }
  rc = add_piece(&text, &full, &e->first);
  /* Continuation lines may follow after comment and blank lines; the
   * cursor moves past the last of them, not past the comments after it. */
  look = *c;
  while (rc == 0 && cursor_next(&look, &ph)) {
    if (ph.kind == NL_BLANK || ph.kind == NL_COMMENT)
      continue;
    if (ph.kind != NL_CONT)
      break;
    rc = add_piece(&text, &full, &ph);
    e->bytes += ph.raw_len + 1;
    e->last = ph.line;
    *c = look;
  }
  if (rc == 0) {
    e->kind = NL_STMT;
    e->text = text.p;
    e->full = full.p;
    text.p = NULL;
    full.p = NULL;
  }
  free(text.p);
  free(full.p);
  return rc;
}

/* The next comment line between the first and the last line of a statement
 * (ngspice drops them; they are checked and kept here). Returns 0 when there
 * are no more. */
static int next_inner_comment(const nl_entry *e, nl_cursor *c, nl_phys *ph)
{
  for (;;) {
    if (c->p == NULL || c->line > e->last || !cursor_next(c, ph))
      return 0;
    if (ph->kind == NL_COMMENT)
      return 1;
  }
}

/* ====================================================================== */
/* The rules                                                               */
/* ====================================================================== */

typedef enum nl_action {
  NL_EMIT,     /* keep the statement */
  NL_DROP,     /* .end, .title */
  NL_INCLUDE,  /* .include FILE */
  NL_LIB_REF   /* .lib FILE SECTION */
} nl_action;

#define WHY_ANALYSIS "the test bench runs the analyses; a stage only defines circuits"
#define WHY_OUTPUT "the test bench decides what is measured and written"
#define WHY_OPTIONS "options change the simulator's numerics for the whole bench"

/* Dot-commands a stage must not carry, matched as prefixes (as ngspice does
 * for several of them). ".opt" must come before ".op". */
static const struct nl_refusal {
  const char *prefix;
  const char *why;
} nl_refusals[] = {
  { ".endc", "it ends a .control block, and netlists may not run commands" },
  { ".opt", WHY_OPTIONS },
  { ".tran", WHY_ANALYSIS },
  { ".ac", WHY_ANALYSIS },
  { ".dc", WHY_ANALYSIS },
  { ".op", WHY_ANALYSIS },
  { ".noise", WHY_ANALYSIS },
  { ".tf", WHY_ANALYSIS },
  { ".sens", WHY_ANALYSIS },
  { ".pz", WHY_ANALYSIS },
  { ".disto", WHY_ANALYSIS },
  { ".four", WHY_ANALYSIS },
  { ".meas", WHY_OUTPUT },
  { ".print", WHY_OUTPUT },
  { ".plot", WHY_OUTPUT },
  { ".save", WHY_OUTPUT },
  { ".probe", WHY_OUTPUT },
  { ".width", WHY_OUTPUT },
  { ".csparam", "it hands values to control scripts, and netlists may not run commands" },
  { ".exec", "it runs commands" },
  { ".pre_osdi", "it loads a compiled device library" },
  { ".osdi", "it loads a compiled device library" },
};

/* Circuit-description commands a stage may use as they are. .ic and .nodeset
 * only set initial node voltages. */
static const char *const nl_allowed[] = {
  ".subckt", ".ends", ".param", ".func", ".global", ".if", ".elseif", ".else",
  ".endif", ".temp", ".ic", ".nodeset", NULL,
};

/* XSPICE code models whose parameters name files to read (the file name may
 * be a quoted string without "file" in the parameter's name). */
static const char *const nl_file_models[] = {
  "filesource", "d_source", "d_state", "table2d", "table3d", NULL,
};

/* Code models that run an external program or load a library (newer
 * ngspice; refused in case the library is upgraded). */
static const char *const nl_exec_models[] = { "d_process", "d_cosim", NULL };

static int word_in(const char *word, size_t n, const char *const *list)
{
  size_t i;
  for (i = 0; list[i] != NULL; i++)
    if (strlen(list[i]) == n && strncasecmp(word, list[i], n) == 0)
      return 1;
  return 0;
}

/* The keyword of a dot-command: '.' and the identifier after it, so that
 * ".if(x)" and ".control;" give ".if" and ".control". */
static size_t dot_keyword_len(const char *s)
{
  size_t n = 1;
  while (is_ident(s[n]))
    n++;
  return n;
}

static int keyword_is(const char *s, size_t n, const char *word)
{
  return strlen(word) == n && strncasecmp(s, word, n) == 0;
}

/* One argument of a dot-command: a bare word or a quoted string. Returns the
 * position after it; *len is 0 when there is none. */
static const char *next_arg(const char *p, const char **start, size_t *len, int *unterminated)
{
  const char *e;
  p = skip_blanks(p);
  *unterminated = 0;
  if (*p == '"' || *p == '\'') {
    e = strchr(p + 1, *p);
    *start = p + 1;
    if (e == NULL) {
      *unterminated = 1;
      *len = strlen(p + 1);
      return p + 1 + *len;
    }
    *len = (size_t)(e - (p + 1));
    return e + 1;
  }
  e = p;
  while (*e != '\0' && !is_blank(*e))
    e++;
  *start = p;
  *len = (size_t)(e - p);
  return e;
}

static int count_args(const char *p)
{
  const char *start;
  size_t len;
  int bad, n = 0;
  for (;;) {
    p = next_arg(p, &start, &len, &bad);
    if (len == 0 && !bad && *skip_blanks(p) == '\0')
      return n;
    n++;
    if (*p == '\0')
      return n;
  }
}

/* "file=" (or "input_file =", "ic.file=", "rootfile=" ...) anywhere in s.
 * Gives the parameter's name. Deliberately broad: comments are included and
 * any parameter ending in "file" counts. */
static int find_file_param(const char *s, const char **name, size_t *name_len)
{
  const char *p;
  for (p = s; *p != '\0'; p++) {
    const char *q, *b;
    if (strncasecmp(p, "file", 4) != 0)
      continue;
    q = skip_blanks(p + 4);
    if (*q != '=' || q[1] == '=')
      continue;
    b = p;
    while (b > s && (is_ident(b[-1]) || b[-1] == '.'))
      b--;
    *name = b;
    *name_len = (size_t)(p + 4 - b);
    return 1;
  }
  return 0;
}

static int check_model(const char *origin, int line, const char *text, const char *full)
{
  const char *p = text + dot_keyword_len(text);
  const char *name, *type, *pname;
  size_t name_len, type_len, pname_len;

  p = skip_blanks(p);
  name = p;
  while (*p != '\0' && !is_blank(*p) && *p != '(')
    p++;
  name_len = (size_t)(p - name);
  p = skip_blanks(p);
  type = p;
  while (*p != '\0' && !is_blank(*p) && *p != '(')
    p++;
  type_len = (size_t)(p - type);

  if (word_in(type, type_len, nl_exec_models))
    return ampsim_error_set(AMPSIM_EDENIED,
                            "%s:%d: .model '%.*s' of type %.*s runs external code; "
                            "not allowed in a stage file",
                            origin, line, (int)name_len, name, (int)type_len, type);
  if (find_file_param(full, &pname, &pname_len))
    return ampsim_error_set(AMPSIM_EDENIED,
                            "%s:%d: .model '%.*s' names a file (%.*s=): models that read "
                            "or write files are not allowed in a stage file",
                            origin, line, (int)name_len, name, (int)pname_len, pname);
  if (word_in(type, type_len, nl_file_models) && strchr(full, '"') != NULL)
    return ampsim_error_set(AMPSIM_EDENIED,
                            "%s:%d: .model '%.*s' of type %.*s names a file (a quoted "
                            "path): models that read files are not allowed in a stage file",
                            origin, line, (int)name_len, name, (int)type_len, type);
  return 0;
}

/* Commands of ngspice's interpreter that touch files or the system. Outside
 * a .control block ngspice would take such a line for a device (a switch
 * "shell", a line "write"), and fail later with a confusing message; a stage
 * file that holds one was meant for a control script, so it is refused with
 * a clear one. "pre_" lines (pre_codemodel ...) are matched as a prefix. */
static const char *const nl_commands[] = {
  "shell", "codemodel", "source", "write", "wrdata", "wrs2p", "echo", "load", "exec", "cd",
  "setcs", "sysinfo", NULL,
};

/* The first word of an element line when it is an interpreter command. */
static int is_command_line(const char *text, size_t *len)
{
  const char *end = text;
  while (*end != '\0' && !is_blank(*end) && *end != '(' && *end != '=')
    end++;
  *len = (size_t)(end - text);
  if (*len > 4 && strncasecmp(text, "pre_", 4) == 0)
    return 1;
  return word_in(text, *len, nl_commands);
}

/* Brackets must pair up: ngspice's expression parser reports an unbalanced
 * "{2*(3+1}" only as "cannot recover", without a line. Double-quoted strings
 * are skipped (file names); single quotes are expressions in ngspice and are
 * looked into. AMPSIM_EDENIED, as every refusal of a statement: scanning
 * promises no other code (the fuzz target checks it). */
#define NL_BRACKET_DEPTH 64
static int check_brackets(const char *origin, int line, const char *text)
{
  char open[NL_BRACKET_DEPTH];
  int depth = 0;
  const char *p;
  for (p = text; *p != '\0'; p++) {
    if (*p == '"') {
      const char *q = strchr(p + 1, '"');
      if (q == NULL)
        break;
      p = q;
    } else if (*p == '(' || *p == '{') {
      if (depth == NL_BRACKET_DEPTH)
        return ampsim_error_set(AMPSIM_EDENIED, "%s:%d: brackets nested more than %d deep", origin,
                                line, NL_BRACKET_DEPTH);
      open[depth++] = *p;
    } else if (*p == ')' || *p == '}') {
      char want = *p == ')' ? '(' : '{';
      if (depth == 0)
        return ampsim_error_set(AMPSIM_EDENIED,
                                "%s:%d: unbalanced brackets: '%c' without a '%c' before it",
                                origin, line, *p, want);
      if (open[depth - 1] != want)
        return ampsim_error_set(AMPSIM_EDENIED,
                                "%s:%d: unbalanced brackets: '%c' where '%c' is still open",
                                origin, line, *p, open[depth - 1]);
      depth--;
    }
  }
  if (depth > 0)
    return ampsim_error_set(AMPSIM_EDENIED, "%s:%d: unbalanced brackets: '%c' is never closed",
                            origin, line, open[depth - 1]);
  return 0;
}

/* Element lines: CIDER devices take "ic.file=" (read and written). Subcircuit
 * instances (X) are left alone: their parameters are only numbers. */
static int check_element(const char *origin, int line, const char *text, const char *full)
{
  const char *pname, *end = text;
  size_t pname_len, cmd_len;
  int rc;
  if (is_command_line(text, &cmd_len))
    return ampsim_error_set(AMPSIM_EDENIED,
                            "%s:%d: '%.*s' is an ngspice command, not a device: netlists may "
                            "not run commands",
                            origin, line, (int)cmd_len, text);
  rc = check_brackets(origin, line, text);
  if (rc != 0)
    return rc;
  if (*text == 'x' || *text == 'X')
    return 0;
  if (!find_file_param(full, &pname, &pname_len))
    return 0;
  while (*end != '\0' && !is_blank(*end))
    end++;
  return ampsim_error_set(AMPSIM_EDENIED,
                          "%s:%d: '%.*s' names a file (%.*s=): devices that read or write "
                          "files are not allowed in a stage file",
                          origin, line, (int)(end - text), text, (int)pname_len, pname);
}

/* A comment line ngspice would act on. */
static int check_comment(const char *origin, const nl_phys *ph)
{
  if (ph->body[0] == '*' && ph->body[1] == '#')
    return ampsim_error_set(AMPSIM_EDENIED,
                            "%s:%d: '*#' lines are not allowed in a stage file (ngspice "
                            "runs them as commands)",
                            origin, ph->line);
  return 0;
}

/* A file whose first line starts with *ng_script is a command script to
 * ngspice. Only the very first line counts there; any first line with text
 * is checked here. */
static int check_first_line(const char *origin, const char *text)
{
  nl_cursor c;
  nl_phys ph;
  cursor_init(&c, text);
  while (cursor_next(&c, &ph)) {
    if (ph.kind == NL_BLANK)
      continue;
    if (strncasecmp(ph.body, "*ng_script", 10) == 0)
      return ampsim_error_set(AMPSIM_EDENIED,
                              "%s:%d: a file starting with '*ng_script' is a command script "
                              "to ngspice: not allowed as a stage file",
                              origin, ph.line);
    return 0;
  }
  return 0;
}

/* Check one statement and say what to do with it. Includes are not refused
 * here: the caller decides (expanded when loading, refused when scanning). */
static int check_statement(const char *origin, int line, const char *text, const char *full,
                           nl_action *action)
{
  size_t n, i;

  *action = NL_EMIT;
  if (text[0] == '@')
    return ampsim_error_set(AMPSIM_EDENIED,
                            "%s:%d: a line starting with '@' is not allowed in a stage file "
                            "(ngspice stops reading the netlist there)",
                            origin, line);
  if (text[0] != '.')
    return check_element(origin, line, text, full);

  n = dot_keyword_len(text);
  if (word_in(text, n, nl_allowed))
    return check_brackets(origin, line, text);
  if (keyword_is(text, n, ".model")) {
    int rc = check_model(origin, line, text, full);
    return rc != 0 ? rc : check_brackets(origin, line, text);
  }
  if (keyword_is(text, n, ".end") || keyword_is(text, n, ".title")) {
    *action = NL_DROP;
    return 0;
  }
  if (keyword_is(text, n, ".include") || keyword_is(text, n, ".inc") ||
      keyword_is(text, n, ".incl")) {
    *action = NL_INCLUDE;
    return 0;
  }
  if (keyword_is(text, n, ".lib")) {
    const char *name;
    size_t name_len;
    int bad;
    /* ".lib FILE NAME" reads a file (a bare ".lib" is an error there).
     * ".lib NAME" opens a section definition; those of a library read with
     * .lib FILE NAME never get here. Left in the netlist, ngspice 39 stops
     * with "unimplemented control card", and in its LTspice/PSpice modes
     * it turns the line into ".inc NAME", reading a file that no policy
     * has checked. So a section definition cannot stay. */
    if (count_args(text + n) != 1) {
      *action = NL_LIB_REF;
      return 0;
    }
    next_arg(text + n, &name, &name_len, &bad);
    return ampsim_error_set(AMPSIM_EDENIED,
                            "%s:%d: '.lib %.*s' defines a library section, which a stage can only "
                            "take with .lib FILE %.*s (left in the netlist it is an error in "
                            "ngspice, and in its LTspice/PSpice modes it reads a file '%.*s')",
                            origin, line, (int)name_len, name, (int)name_len, name,
                            (int)name_len, name);
  }
  if (keyword_is(text, n, ".endl"))
    return ampsim_error_set(AMPSIM_EDENIED,
                            "%s:%d: '.endl' outside a library section read with .lib FILE "
                            "SECTION",
                            origin, line);
  if (n >= 8 && strncasecmp(text, ".control", 8) == 0)
    return ampsim_error_set(AMPSIM_EDENIED,
                            "%s:%d: .control blocks are not allowed in a stage file "
                            "(netlists may not run commands)",
                            origin, line);
  for (i = 0; i < sizeof nl_refusals / sizeof nl_refusals[0]; i++) {
    size_t m = strlen(nl_refusals[i].prefix);
    if (n >= m && strncasecmp(text, nl_refusals[i].prefix, m) == 0)
      return ampsim_error_set(AMPSIM_EDENIED, "%s:%d: '%.*s' is not allowed in a stage file (%s)",
                              origin, line, (int)n, text, nl_refusals[i].why);
  }
  if ((n > 4 && strncasecmp(text, ".inc", 4) == 0) || (n > 4 && strncasecmp(text, ".lib", 4) == 0))
    return ampsim_error_set(AMPSIM_EDENIED,
                            "%s:%d: '%.*s' is not supported in a stage file (write .include "
                            "FILE or .lib FILE SECTION)",
                            origin, line, (int)n, text);
  return ampsim_error_set(AMPSIM_EDENIED,
                          "%s:%d: '%.*s' is not allowed in a stage file (unknown or unsupported "
                          "dot-command; a stage may use .subckt/.ends, .model, .param, .func, "
                          ".global, .if/.elseif/.else/.endif, .temp, .ic, .nodeset, .include "
                          "and .lib)",
                          origin, line, (int)n, text);
}

/* ====================================================================== */
/* Scanning expanded text                                                  */
/* ====================================================================== */

/* Every comment line of entry e is checked, also those between continuation
 * lines: they may end up on lines of their own. */
static int check_entry_comments(const char *origin, const nl_entry *e)
{
  nl_cursor c = e->rest;
  nl_phys ph;
  int rc = 0;
  if (e->kind == NL_COMMENT)
    rc = check_comment(origin, &e->first);
  while (rc == 0 && next_inner_comment(e, &c, &ph))
    rc = check_comment(origin, &ph);
  return rc;
}

int ampsim_netlist_scan(const char *text, const char *origin)
{
  nl_entry e = { NL_END, { NULL, 0, NULL, 0, 0, 0, 0, 0 }, 0, { NULL, 0, 0 }, NULL, NULL, 0 };
  nl_cursor c;
  char *copy = NULL;
  size_t n;
  int rc = 0;

  if (text == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "ampsim_netlist_scan: no text");
  if (origin == NULL)
    origin = "netlist";
  n = strlen(text);
  if (n > (size_t)INT_MAX)
    return ampsim_error_set(AMPSIM_ERANGE, "%s: too large to check", origin);
  copy = copy_without_cr(text, n);
  if (copy == NULL)
    return nomem();
  rc = check_first_line(origin, copy);
  cursor_init(&c, copy);
  while (rc == 0) {
    nl_action action;
    rc = next_entry(&c, &e);
    if (rc != 0 || e.kind == NL_END)
      break;
    if (e.kind == NL_STMT) {
      rc = check_statement(origin, e.first.line, e.text, e.full, &action);
      if (rc == 0 && (action == NL_INCLUDE || action == NL_LIB_REF))
        rc = ampsim_error_set(AMPSIM_EDENIED,
                              "%s:%d: '%.*s' left in expanded text (a checked netlist may not "
                              "read other files; ampsim_netlist_load() expands them)",
                              origin, e.first.line, (int)dot_keyword_len(e.text), e.text);
    }
    if (rc == 0)
      rc = check_entry_comments(origin, &e);
    entry_clear(&e);
  }
  entry_clear(&e);
  free(copy);
  return rc;
}

/* ====================================================================== */
/* Loading and expanding                                                   */
/* ====================================================================== */

/* A library section definition, ".lib NAME", of a file. */
typedef struct nl_section {
  char *name;
  nl_cursor after;  /* at the line after ".lib NAME" */
  int line;
} nl_section;

/* A file read during one load, kept for repeated .lib references. */
typedef struct nl_file {
  char *display;          /* name in messages: as given (top file) or canonical */
  char *canon;            /* canonical path */
  char *dir;              /* canonical folder: relative includes start here */
  char *text;             /* contents, without '\r' */
  int index;              /* position in the context's file list */
  nl_section *sections;   /* sorted by name, then line; built on first use */
  size_t n_sections;
  int sections_indexed;
} nl_file;

/* Where a .subckt line of the expanded text came from, so that a later
 * complaint about the subcircuit can point into the right file. */
typedef struct nl_origin {
  int out_line;  /* 1-based line in the expanded text */
  int file;      /* index in the context's file list */
  int line;      /* line in that file */
} nl_origin;

/* The include chain, one frame per file being expanded (on the C stack). */
typedef struct nl_frame {
  const nl_file *file;
  const struct nl_frame *up;
  int depth;
} nl_frame;

typedef struct nl_ctx {
  size_t max_bytes;
  int max_depth;
  char **allowed;  /* canonical folders; [0] is the top file's */
  size_t n_allowed;
  nl_file **files;
  size_t n_files;
  size_t bytes_read;
  nl_buf out;
  int out_lines;
  size_t bytes_expanded;  /* input processed, however little output it gave */
  nl_origin *origins;  /* of the .subckt lines */
  size_t n_origins;
  size_t cap_origins;
} nl_ctx;

static void file_free(nl_file *f)
{
  size_t i;
  if (f == NULL)
    return;
  for (i = 0; i < f->n_sections; i++)
    free(f->sections[i].name);
  free(f->sections);
  free(f->display);
  free(f->canon);
  free(f->dir);
  free(f->text);
  free(f);
}

static void ctx_free(nl_ctx *ctx)
{
  size_t i;
  for (i = 0; i < ctx->n_allowed; i++)
    free(ctx->allowed[i]);
  free(ctx->allowed);
  for (i = 0; i < ctx->n_files; i++)
    file_free(ctx->files[i]);
  free(ctx->files);
  free(ctx->out.p);
  free(ctx->origins);
  memset(ctx, 0, sizeof *ctx);
}

/* The length of the valid UTF-8 sequence at p[0..n), or 0 if it is not one
 * (bad lead or continuation byte, truncated, overlong, surrogate, or above
 * U+10FFFF). */
static size_t utf8_sequence_len(const unsigned char *p, size_t n)
{
  unsigned long cp, min;
  size_t need, k;

  if (p[0] < 0x80)
    return 1;
  if (p[0] >= 0xC2 && p[0] <= 0xDF) {
    need = 1;
    min = 0x80;
    cp = p[0] & 0x1Fu;
  } else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
    need = 2;
    min = 0x800;
    cp = p[0] & 0x0Fu;
  } else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
    need = 3;
    min = 0x10000;
    cp = p[0] & 0x07u;
  } else {
    return 0;
  }
  if (n <= need)
    return 0;
  for (k = 1; k <= need; k++) {
    if ((p[k] & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (p[k] & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return need + 1;
}

/* Reject anything that is not text: NUL bytes and invalid UTF-8, with the
 * line where it is. */
static int check_text_bytes(const char *display, const unsigned char *p, size_t n)
{
  size_t i = 0;
  int line = 1;
  while (i < n) {
    size_t len;
    if (p[i] == '\n')
      line++;
    if (p[i] == 0)
      return ampsim_error_set(AMPSIM_EPARSE, "%s:%d: NUL byte: not a text file", display, line);
    len = utf8_sequence_len(p + i, n - i);
    if (len == 0)
      return ampsim_error_set(AMPSIM_EPARSE,
                              "%s:%d: invalid UTF-8 (byte 0x%02X): not a text file (save it as "
                              "UTF-8 or ASCII)",
                              display, line, p[i]);
    i += len;
  }
  return 0;
}

/* Read a whole regular file of at most limit bytes. O_NONBLOCK keeps a FIFO
 * from hanging the open; it does not matter for regular files. */
static int read_whole(const char *display, const char *path, size_t limit, char **out,
                      size_t *out_len)
{
  char errbuf[128];
  struct stat st;
  nl_buf b = { NULL, 0, 0 };
  int fd, rc = 0;

  *out = NULL;
  *out_len = 0;
  fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    return ampsim_error_set(err == ENOENT || err == ENOTDIR ? AMPSIM_ENOTFOUND : AMPSIM_EIO,
                            "%s: cannot open: %s", display, errno_text(err, errbuf, sizeof errbuf));
  }
  if (fstat(fd, &st) != 0) {
    rc = ampsim_error_set(AMPSIM_EIO, "%s: cannot read: %s", display,
                          errno_text(errno, errbuf, sizeof errbuf));
    goto done;
  }
  if (!S_ISREG(st.st_mode)) {
    rc = ampsim_error_set(AMPSIM_EIO, "%s: not a regular file", display);
    goto done;
  }
  if ((unsigned long long)st.st_size > (unsigned long long)limit) {
    rc = ampsim_error_set(AMPSIM_EDENIED, "%s: too large (%lld bytes; the limit is %zu)",
                          display, (long long)st.st_size, limit);
    goto done;
  }
  rc = buf_add(&b, "", 0);
  for (;;) {
    char chunk[8192];
    ssize_t got;
    if (rc != 0)
      goto done;
    got = read(fd, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0) {
      rc = ampsim_error_set(AMPSIM_EIO, "%s: cannot read: %s", display,
                            errno_text(errno, errbuf, sizeof errbuf));
      goto done;
    }
    if (got == 0)
      break;
    /* The file may have grown since fstat(). */
    if (b.len + (size_t)got > limit) {
      rc = ampsim_error_set(AMPSIM_EDENIED, "%s: too large (more than %zu bytes)", display, limit);
      goto done;
    }
    rc = buf_add(&b, chunk, (size_t)got);
  }
  *out = b.p;
  *out_len = b.len;
  b.p = NULL;
done:
  free(b.p);
  close(fd);
  return rc;
}

/* Read and check a file, or find it among those already read (by canonical
 * path: a library is often referenced once per section). */
static int get_file(nl_ctx *ctx, const char *display, const char *open_path, nl_file **out)
{
  nl_file *f = NULL, **grown;
  char *raw = NULL, *real = NULL;
  const char *start;
  size_t n, i, limit;
  int rc;

  *out = NULL;
  for (i = 0; i < ctx->n_files; i++) {
    if (strcmp(ctx->files[i]->canon, open_path) == 0) {
      *out = ctx->files[i];
      return 0;
    }
  }
  /* Line numbers are ints. */
  limit = ctx->max_bytes < (size_t)INT_MAX ? ctx->max_bytes : (size_t)INT_MAX;
  rc = read_whole(display, open_path, limit, &raw, &n);
  if (rc != 0)
    goto done;
  if (n > ctx->max_bytes - ctx->bytes_read) {
    rc = ampsim_error_set(AMPSIM_EDENIED,
                          "%s: too large: with the files read before it, the netlist exceeds "
                          "%zu bytes",
                          display, ctx->max_bytes);
    goto done;
  }
  ctx->bytes_read += n;
  rc = check_text_bytes(display, (const unsigned char *)raw, n);
  if (rc != 0)
    goto done;
  real = realpath(open_path, NULL);
  if (real == NULL) {
    char errbuf[128];
    rc = ampsim_error_set(AMPSIM_EIO, "%s: cannot resolve the path: %s", display,
                          errno_text(errno, errbuf, sizeof errbuf));
    goto done;
  }
  f = calloc(1, sizeof *f);
  if (f == NULL) {
    rc = nomem();
    goto done;
  }
  /* A UTF-8 byte-order mark would become part of the first word. */
  start = raw;
  if (n >= 3 && memcmp(raw, "\xEF\xBB\xBF", 3) == 0) {
    start += 3;
    n -= 3;
  }
  f->text = copy_without_cr(start, n);
  f->display = strdup(display);
  f->canon = real;
  real = NULL;
  f->dir = dir_of(f->canon);
  if (f->text == NULL || f->display == NULL || f->dir == NULL) {
    rc = nomem();
    goto done;
  }
  rc = check_first_line(display, f->text);
  if (rc != 0)
    goto done;
  grown = realloc(ctx->files, (ctx->n_files + 1) * sizeof *grown);
  if (grown == NULL) {
    rc = nomem();
    goto done;
  }
  ctx->files = grown;
  f->index = (int)ctx->n_files;
  ctx->files[ctx->n_files++] = f;
  *out = f;
  f = NULL;
done:
  file_free(f);
  free(real);
  free(raw);
  return rc;
}

/* Append one line (s has no '\n') to the expanded text; line is the line of
 * f it comes from, for messages. */
static int out_line(nl_ctx *ctx, const nl_file *f, int line, const char *s, size_t n)
{
  int rc;
  if (ctx->out.len + n + 1 > ctx->max_bytes)
    return ampsim_error_set(AMPSIM_EDENIED,
                            "%s:%d: the expanded netlist would exceed %zu bytes (includes too "
                            "large or repeated too often)",
                            f->display, line, ctx->max_bytes);
  rc = buf_add(&ctx->out, s, n);
  if (rc == 0)
    rc = buf_add(&ctx->out, "\n", 1);
  if (rc == 0)
    ctx->out_lines++;
  return rc;
}

static int out_marker(nl_ctx *ctx, const nl_file *f, int line, const char *what, const char *path,
                      const char *section)
{
  nl_buf b = { NULL, 0, 0 };
  int rc = buf_str(&b, what);
  if (rc == 0)
    rc = buf_str(&b, path);
  if (rc == 0 && section != NULL)
    rc = buf_str(&b, " ");
  if (rc == 0 && section != NULL)
    rc = buf_str(&b, section);
  if (rc == 0)
    rc = out_line(ctx, f, line, b.p, b.len);
  free(b.p);
  return rc;
}

/* Emit a physical line as written. A trailing "\\" is left out: its work
 * (joining the next line) is done, and in the output it would pull in
 * whatever line comes next. */
static int out_raw(nl_ctx *ctx, const nl_file *f, const nl_phys *ph)
{
  size_t n = ph->raw_len;
  if (ph->shell_cont)
    n = (size_t)(ph->body + ph->full_len - ph->raw);
  return out_line(ctx, f, ph->line, ph->raw, n);
}

static int record_origin(nl_ctx *ctx, const nl_file *f, int line)
{
  if (ctx->n_origins == ctx->cap_origins) {
    size_t cap = ctx->cap_origins ? 2 * ctx->cap_origins : 16;
    nl_origin *grown = realloc(ctx->origins, cap * sizeof *grown);
    if (grown == NULL)
      return nomem();
    ctx->origins = grown;
    ctx->cap_origins = cap;
  }
  ctx->origins[ctx->n_origins].out_line = ctx->out_lines + 1;
  ctx->origins[ctx->n_origins].file = f->index;
  ctx->origins[ctx->n_origins].line = line;
  ctx->n_origins++;
  return 0;
}

/* Emit a statement. A statement from a single line is copied as written
 * (with its comment); a joined one is written from the comment-free pieces,
 * since an end-of-line comment would swallow what follows it. */
static int out_statement(nl_ctx *ctx, const nl_file *f, const nl_entry *e)
{
  nl_buf b = { NULL, 0, 0 };
  size_t n;
  int rc = 0;

  if (keyword_is(e->text, dot_keyword_len(e->text), ".subckt"))
    rc = record_origin(ctx, f, e->first.line);
  if (rc != 0)
    return rc;
  if (e->last == e->first.line && !e->first.shell_cont)
    return out_raw(ctx, f, &e->first);
  n = strlen(e->text);
  /* Ending in two backslashes, the line would pull the next one into it. An
   * empty end-of-line comment keeps the text as ngspice read it. */
  if (n < 2 || e->text[n - 1] != '\\' || e->text[n - 2] != '\\')
    return out_line(ctx, f, e->first.line, e->text, n);
  rc = buf_add(&b, e->text, n);
  if (rc == 0)
    rc = buf_add(&b, " ;", 2);
  if (rc == 0)
    rc = out_line(ctx, f, e->first.line, b.p, b.len);
  free(b.p);
  return rc;
}

/* Whether entry e is ".lib NAME" with NAME == section (or any NAME when
 * section is NULL); gives the name. */
static int is_section_start(const nl_entry *e, const char *section, const char **name,
                            size_t *name_len)
{
  size_t n;
  int bad;
  if (e->kind != NL_STMT || e->text[0] != '.')
    return 0;
  n = dot_keyword_len(e->text);
  if (!keyword_is(e->text, n, ".lib") || count_args(e->text + n) != 1)
    return 0;
  next_arg(e->text + n, name, name_len, &bad);
  if (section == NULL)
    return 1;
  return strlen(section) == *name_len && strncasecmp(section, *name, *name_len) == 0;
}

static int is_endl(const nl_entry *e)
{
  return e->kind == NL_STMT && e->text[0] == '.' &&
         keyword_is(e->text, dot_keyword_len(e->text), ".endl");
}

static int compare_sections(const void *a, const void *b)
{
  const nl_section *x = a, *y = b;
  int c = strcasecmp(x->name, y->name);
  if (c != 0)
    return c;
  return (x->line > y->line) - (x->line < y->line);
}

/* Index the section definitions of f once: a library is typically referenced
 * once per section, and scanning it for each reference would be quadratic. */
static int index_sections(nl_file *f)
{
  nl_entry e = { NL_END, { NULL, 0, NULL, 0, 0, 0, 0, 0 }, 0, { NULL, 0, 0 }, NULL, NULL, 0 };
  nl_cursor c;
  const char *name;
  size_t name_len, cap = 0;
  int rc = 0;

  if (f->sections_indexed)
    return 0;
  cursor_init(&c, f->text);
  for (;;) {
    rc = next_entry(&c, &e);
    if (rc != 0 || e.kind == NL_END)
      break;
    if (is_section_start(&e, NULL, &name, &name_len)) {
      nl_section *sec;
      if (f->n_sections == cap) {
        nl_section *grown;
        cap = cap ? 2 * cap : 8;
        grown = realloc(f->sections, cap * sizeof *grown);
        if (grown == NULL) {
          rc = nomem();
          break;
        }
        f->sections = grown;
      }
      sec = &f->sections[f->n_sections];
      sec->name = copy_span(name, name_len);
      if (sec->name == NULL) {
        rc = nomem();
        break;
      }
      sec->after = c;
      sec->line = e.first.line;
      f->n_sections++;
    }
    entry_clear(&e);
  }
  entry_clear(&e);
  if (rc == 0) {
    if (f->n_sections > 1) /* qsort(NULL, 0, ...) is undefined */
      qsort(f->sections, f->n_sections, sizeof *f->sections, compare_sections);
    f->sections_indexed = 1;
  }
  return rc;
}

/* The first definition of section name in f (ngspice takes the first), or
 * NULL. */
static const nl_section *find_section(const nl_file *f, const char *name)
{
  size_t lo = 0, hi = f->n_sections;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (strcasecmp(f->sections[mid].name, name) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < f->n_sections && strcasecmp(f->sections[lo].name, name) == 0)
    return &f->sections[lo];
  return NULL;
}

/* "a, b, c" of the section names of f (sorted), for a message. */
static int list_sections(const nl_file *f, nl_buf *list)
{
  size_t i, listed = 0;
  int rc = buf_add(list, "", 0);
  for (i = 0; rc == 0 && i < f->n_sections; i++) {
    if (i > 0 && strcasecmp(f->sections[i].name, f->sections[i - 1].name) == 0)
      continue;
    if (listed == NL_LIST_MAX) {
      rc = buf_str(list, ", ...");
      break;
    }
    if (listed > 0)
      rc = buf_str(list, ", ");
    if (rc == 0)
      rc = buf_str(list, f->sections[i].name);
    listed++;
  }
  if (rc == 0 && f->n_sections == 0)
    rc = buf_str(list, "none");
  return rc;
}

static int expand_file(nl_ctx *ctx, const nl_file *f, nl_cursor start, int section_line,
                       const nl_frame *up);

/* The include chain as "top.cir -> a.cir -> ...", ending with next. */
static int chain_text(const nl_frame *frame, const char *next, nl_buf *out)
{
  const nl_frame *fr;
  const nl_frame **v;
  int n = 0, i, rc = 0;
  for (fr = frame; fr != NULL; fr = fr->up)
    n++;
  v = malloc((size_t)n * sizeof *v);
  if (v == NULL)
    return nomem();
  i = n;
  for (fr = frame; fr != NULL; fr = fr->up)
    v[--i] = fr;
  for (i = 0; i < n && rc == 0; i++) {
    rc = buf_str(out, v[i]->file->display);
    if (rc == 0)
      rc = buf_str(out, " -> ");
  }
  if (rc == 0)
    rc = buf_str(out, next);
  free(v);
  return rc;
}

/* .include FILE or .lib FILE SECTION (text), at line of frame's file. */
static int do_include(nl_ctx *ctx, const nl_frame *frame, int line, const char *text)
{
  const nl_file *f = frame->file;
  const char *kw_name, *name, *sec, *p;
  char *written = NULL, *joined = NULL, *real = NULL, *section = NULL;
  size_t kw_len, name_len, sec_len, i;
  nl_buf list = { NULL, 0, 0 };
  nl_file *child = NULL;
  const nl_section *sect;
  nl_cursor start;
  int bad, rc = 0, is_lib;

  kw_len = dot_keyword_len(text);
  is_lib = keyword_is(text, kw_len, ".lib");
  kw_name = is_lib ? ".lib" : ".include";
  p = next_arg(text + kw_len, &name, &name_len, &bad);
  if (bad) {
    rc = ampsim_error_set(AMPSIM_EPARSE, "%s:%d: %s: unterminated quote in the file name",
                          f->display, line, kw_name);
    goto done;
  }
  if (name_len == 0) {
    rc = ampsim_error_set(AMPSIM_EPARSE, "%s:%d: %s without a file name", f->display, line,
                          kw_name);
    goto done;
  }
  written = copy_span(name, name_len);
  if (is_lib) {
    next_arg(p, &sec, &sec_len, &bad);
    section = copy_span(sec, sec_len);
  }
  if (written == NULL || (is_lib && section == NULL)) {
    rc = nomem();
    goto done;
  }

  /* Relative to the including file's folder. ngspice tries the working
   * folder first, which is not what a stage's author means. */
  if (written[0] == '/') {
    joined = strdup(written);
  } else {
    size_t size = strlen(f->dir) + name_len + 2;
    joined = malloc(size);
    if (joined != NULL)
      snprintf(joined, size, "%s/%s", strcmp(f->dir, "/") == 0 ? "" : f->dir, written);
  }
  if (joined == NULL) {
    rc = nomem();
    goto done;
  }
  real = realpath(joined, NULL);
  if (real == NULL) {
    char errbuf[128];
    int err = errno;
    if (err == ENOENT || err == ENOTDIR)
      rc = ampsim_error_set(AMPSIM_ENOTFOUND, "%s:%d: %s file '%s' not found (looked for %s)",
                            f->display, line, kw_name, written, joined);
    else
      rc = ampsim_error_set(AMPSIM_EIO, "%s:%d: %s of '%s': %s", f->display, line, kw_name,
                            written, errno_text(err, errbuf, sizeof errbuf));
    goto done;
  }
  /* The path goes into a comment line of the expanded text: a newline in a
   * folder name would start a line of its own there. */
  if (has_control_chars(real)) {
    rc = ampsim_error_set(AMPSIM_EDENIED,
                          "%s:%d: %s of '%s' refused: its path contains control characters",
                          f->display, line, kw_name, written);
    goto done;
  }
  for (i = 0; i < ctx->n_allowed; i++)
    if (path_is_under(real, ctx->allowed[i]))
      break;
  if (i == ctx->n_allowed) {
    for (i = 0; i < ctx->n_allowed && rc == 0; i++) {
      if (i > 0)
        rc = buf_str(&list, ", ");
      if (rc == 0)
        rc = buf_str(&list, ctx->allowed[i]);
    }
    if (rc != 0)
      goto done;
    if (strcmp(real, written) == 0)
      rc = ampsim_error_set(AMPSIM_EDENIED,
                            "%s:%d: %s of '%s' refused: outside the allowed folders (%s)",
                            f->display, line, kw_name, written, list.p);
    else
      rc = ampsim_error_set(AMPSIM_EDENIED,
                            "%s:%d: %s of '%s' refused: it resolves to '%s', outside the allowed "
                            "folders (%s)",
                            f->display, line, kw_name, written, real, list.p);
    goto done;
  }
  if (frame->depth + 1 > ctx->max_depth) {
    rc = chain_text(frame, real, &list);
    if (rc == 0)
      rc = ampsim_error_set(AMPSIM_EDENIED,
                            "%s:%d: includes nested more than %d deep (an include loop?): %s",
                            f->display, line, ctx->max_depth, list.p);
    goto done;
  }
  rc = get_file(ctx, real, real, &child);
  if (rc != 0)
    goto done;

  if (!is_lib) {
    cursor_init(&start, child->text);
    rc = out_marker(ctx, f, line, "* begin include ", child->canon, NULL);
    if (rc == 0)
      rc = expand_file(ctx, child, start, 0, frame);
    if (rc == 0)
      rc = out_marker(ctx, f, line, "* end include ", child->canon, NULL);
    goto done;
  }
  rc = index_sections(child);
  if (rc != 0)
    goto done;
  sect = find_section(child, section);
  if (sect == NULL) {
    rc = list_sections(child, &list);
    if (rc == 0)
      rc = ampsim_error_set(AMPSIM_ENOTFOUND,
                            "%s:%d: .lib section '%s' not found in %s (sections: %s)", f->display,
                            line, section, child->display, list.p);
    goto done;
  }
  rc = out_marker(ctx, f, line, "* begin lib ", child->canon, section);
  if (rc == 0)
    rc = expand_file(ctx, child, sect->after, sect->line, frame);
  if (rc == 0)
    rc = out_marker(ctx, f, line, "* end lib ", child->canon, section);
done:
  free(list.p);
  free(section);
  free(written);
  free(joined);
  free(real);
  return rc;
}

static int process_entry(nl_ctx *ctx, const nl_frame *frame, const nl_entry *e)
{
  const nl_file *f = frame->file;
  nl_action action = NL_EMIT;
  nl_cursor c = e->rest;
  nl_phys ph;
  int rc = 0;

  /* Output alone does not bound the work: a file of .end lines or empty
   * continuations, included again and again, writes next to nothing. */
  ctx->bytes_expanded += e->bytes;
  if (ctx->bytes_expanded > ctx->max_bytes)
    return ampsim_error_set(AMPSIM_EDENIED,
                            "%s:%d: expanding the netlist would process more than %zu bytes "
                            "(includes too large or repeated too often)",
                            f->display, e->first.line, ctx->max_bytes);
  switch (e->kind) {
  case NL_BLANK:
    return out_line(ctx, f, e->first.line, "", 0);
  case NL_COMMENT:
    rc = check_comment(f->display, &e->first);
    if (rc == 0)
      rc = out_raw(ctx, f, &e->first);
    return rc;
  case NL_ORPHAN:
    return ampsim_error_set(AMPSIM_EPARSE,
                            "%s:%d: continuation line ('+') with no statement to continue",
                            f->display, e->first.line);
  default:
    break;
  }

  rc = check_statement(f->display, e->first.line, e->text, e->full, &action);
  if (rc != 0)
    return rc;
  if (action == NL_EMIT)
    rc = out_statement(ctx, f, e);
  else if (action == NL_INCLUDE || action == NL_LIB_REF)
    rc = do_include(ctx, frame, e->first.line, e->text);
  /* ngspice drops the comment lines between continuation lines; here they
   * follow the joined statement, checked like any other comment. */
  while (rc == 0 && next_inner_comment(e, &c, &ph)) {
    rc = check_comment(f->display, &ph);
    if (rc == 0)
      rc = out_raw(ctx, f, &ph);
  }
  return rc;
}

/* Expand f from start: the whole file (section_line 0), or a .lib section
 * opened at section_line, up to its .endl. */
static int expand_file(nl_ctx *ctx, const nl_file *f, nl_cursor start, int section_line,
                       const nl_frame *up)
{
  nl_frame frame;
  nl_entry e = { NL_END, { NULL, 0, NULL, 0, 0, 0, 0, 0 }, 0, { NULL, 0, 0 }, NULL, NULL, 0 };
  /* .subckt and .ends pair up within each file (or section): ngspice says
   * only "Mismatch of .subckt ... .ends statements!" and gives up, without a
   * line. subckt_lines holds the lines of the open ones (the innermost
   * NL_SUBCKT_TRACK; deeper ones are only counted). */
  enum { NL_SUBCKT_TRACK = 16 };
  int subckt_lines[NL_SUBCKT_TRACK];
  int subckt_depth = 0;
  int rc;

  frame.file = f;
  frame.up = up;
  frame.depth = up != NULL ? up->depth + 1 : 0;
  rc = 0;
  while (rc == 0) {
    rc = next_entry(&start, &e);
    if (rc != 0)
      break;
    if (e.kind == NL_END || (section_line > 0 && is_endl(&e))) {
      if (subckt_depth > 0)
        rc = ampsim_error_set(AMPSIM_EPARSE, "%s:%d: .subckt without .ends (the %s ends first)",
                              f->display, subckt_lines[(subckt_depth - 1) % NL_SUBCKT_TRACK],
                              section_line > 0 ? "library section" : "file");
      else if (e.kind == NL_END && section_line > 0)
        rc = ampsim_error_set(AMPSIM_EPARSE, "%s:%d: .lib section without .endl", f->display,
                              section_line);
      break;
    }
    if (e.kind == NL_STMT && e.text[0] == '.') {
      size_t kw = dot_keyword_len(e.text);
      if (keyword_is(e.text, kw, ".subckt")) {
        subckt_lines[subckt_depth % NL_SUBCKT_TRACK] = e.first.line;
        subckt_depth++;
      } else if (keyword_is(e.text, kw, ".ends")) {
        if (subckt_depth == 0) {
          rc = ampsim_error_set(AMPSIM_EPARSE, "%s:%d: .ends without a .subckt before it",
                                f->display, e.first.line);
          break;
        }
        subckt_depth--;
      }
    }
    rc = process_entry(ctx, &frame, &e);
    entry_clear(&e);
  }
  entry_clear(&e);
  return rc;
}

static int add_allowed(nl_ctx *ctx, const char *dir)
{
  char **grown;
  char *real = realpath(dir, NULL);
  struct stat st;
  /* A folder that does not exist cannot hold anything: skip it. */
  if (real == NULL)
    return 0;
  if (stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
    free(real);
    return 0;
  }
  grown = realloc(ctx->allowed, (ctx->n_allowed + 1) * sizeof *grown);
  if (grown == NULL) {
    free(real);
    return nomem();
  }
  ctx->allowed = grown;
  ctx->allowed[ctx->n_allowed++] = real;
  return 0;
}

/* Load path into ctx->out under policy (NULL: defaults), with extra_dir (may
 * be NULL) allowed too. */
static int ctx_load(nl_ctx *ctx, const char *path, const ampsim_netlist_policy *policy,
                    const char *extra_dir)
{
  const ampsim_netlist_policy defaults = AMPSIM_NETLIST_POLICY_INIT;
  nl_file *top = NULL;
  nl_cursor start;
  size_t i;
  int rc;

  if (policy == NULL)
    policy = &defaults;
  ctx->max_bytes = policy->max_bytes;
  ctx->max_depth = policy->max_include_depth < 0 ? 0 : policy->max_include_depth;
  if (ctx->max_depth > NL_DEPTH_CAP)
    ctx->max_depth = NL_DEPTH_CAP;

  rc = get_file(ctx, path, path, &top);
  if (rc == 0)
    rc = add_allowed(ctx, top->dir);
  for (i = 0; rc == 0 && policy->allowed_dirs != NULL && i < policy->n_allowed_dirs; i++)
    if (policy->allowed_dirs[i] != NULL)
      rc = add_allowed(ctx, policy->allowed_dirs[i]);
  if (rc == 0 && extra_dir != NULL)
    rc = add_allowed(ctx, extra_dir);
  if (rc == 0)
    rc = buf_add(&ctx->out, "", 0);
  if (rc == 0) {
    cursor_init(&start, top->text);
    rc = expand_file(ctx, top, start, 0, NULL);
  }
  /* The expanded text must pass the check on its own: a second, independent
   * look that catches a line put together wrongly above. */
  if (rc == 0)
    rc = ampsim_netlist_scan(ctx->out.p, path);
  return rc;
}

int ampsim_netlist_load(char **out, const char *path, const ampsim_netlist_policy *policy)
{
  nl_ctx ctx;
  int rc;

  if (out == NULL || path == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "ampsim_netlist_load: no output or no path");
  *out = NULL;
  memset(&ctx, 0, sizeof ctx);
  rc = ctx_load(&ctx, path, policy, NULL);
  if (rc == 0) {
    *out = ctx.out.p;
    ctx.out.p = NULL;
  }
  ctx_free(&ctx);
  return rc;
}

/* ====================================================================== */
/* Subcircuits                                                             */
/* ====================================================================== */

/* Parse ".subckt NAME pins... [params: ...]" into info; the pin list stops at
 * "params:" or at the first parameter (a word with '=' in it or after it,
 * as "a = 1" is a parameter too). Gives the name as written. */
static void parse_subckt_header(const char *text, ampsim_subckt_info *info, const char **name,
                                size_t *name_len)
{
  const char *p = skip_blanks(text + dot_keyword_len(text));
  const char *w;
  size_t n;

  *name = p;
  while (*p != '\0' && !is_blank(*p) && *p != '(')
    p++;
  *name_len = (size_t)(p - *name);
  info->n_pins = 0;
  for (;;) {
    while (is_blank(*p) || *p == '(' || *p == ')')
      p++;
    if (*p == '\0')
      break;
    w = p;
    while (*p != '\0' && !is_blank(*p) && *p != '(' && *p != ')')
      p++;
    n = (size_t)(p - w);
    if (n >= 7 && strncasecmp(w, "params:", 7) == 0)
      break;
    if (memchr(w, '=', n) != NULL || *skip_blanks(p) == '=')
      break;
    if (info->n_pins < 16) {
      size_t m = n < 63 ? n : 63;
      memcpy(info->pins[info->n_pins], w, m);
      info->pins[info->n_pins][m] = '\0';
    }
    info->n_pins++;
  }
}

/* Find a top-level .subckt called name. *written (optional) gets the name as
 * written in the text (caller frees). */
static int find_subckt(ampsim_subckt_info *out, const char *text, const char *origin,
                       const char *name, char **written)
{
  nl_entry e = { NL_END, { NULL, 0, NULL, 0, 0, 0, 0, 0 }, 0, { NULL, 0, 0 }, NULL, NULL, 0 };
  nl_buf defined = { NULL, 0, 0 };
  nl_cursor c;
  char *copy = NULL;
  int depth = 0, count = 0, found = 0, rc;

  if (written != NULL)
    *written = NULL;
  copy = copy_without_cr(text, strlen(text));
  if (copy == NULL)
    return nomem();
  cursor_init(&c, copy);
  rc = buf_add(&defined, "", 0);
  while (rc == 0 && !found) {
    ampsim_subckt_info info;
    const char *sub_name;
    size_t kw, sub_len;

    rc = next_entry(&c, &e);
    if (rc != 0 || e.kind == NL_END)
      break;
    if (e.kind != NL_STMT || e.text[0] != '.') {
      entry_clear(&e);
      continue;
    }
    kw = dot_keyword_len(e.text);
    if (keyword_is(e.text, kw, ".ends") && depth > 0)
      depth--;
    /* Nested definitions are local to their parent: only top-level ones can
     * be instantiated by the bench. */
    if (keyword_is(e.text, kw, ".subckt"))
      depth++;
    if (keyword_is(e.text, kw, ".subckt") && depth == 1) {
      memset(&info, 0, sizeof info);
      parse_subckt_header(e.text, &info, &sub_name, &sub_len);
      info.line = e.first.line;
      if (strlen(name) == sub_len && strncasecmp(name, sub_name, sub_len) == 0) {
        found = 1;
        *out = info;
        if (written != NULL) {
          *written = copy_span(sub_name, sub_len);
          if (*written == NULL)
            rc = nomem();
        }
      } else {
        if (count > 0 && count < NL_LIST_MAX)
          rc = buf_str(&defined, ", ");
        if (rc == 0 && count < NL_LIST_MAX)
          rc = buf_add(&defined, sub_name, sub_len);
        if (rc == 0 && count == NL_LIST_MAX)
          rc = buf_str(&defined, ", ...");
        count++;
      }
    }
    entry_clear(&e);
  }
  if (rc == 0 && !found) {
    if (count == 0)
      rc = ampsim_error_set(AMPSIM_ENOTFOUND, "%s: no subcircuit '%s' (it defines none)", origin,
                            name);
    else
      rc = ampsim_error_set(AMPSIM_ENOTFOUND, "%s: no subcircuit '%s' (defined: %s)", origin, name,
                            defined.p);
  }
  entry_clear(&e);
  free(defined.p);
  free(copy);
  return rc;
}

int ampsim_netlist_find_subckt(ampsim_subckt_info *out, const char *text, const char *origin,
                               const char *name)
{
  if (out == NULL || text == NULL || name == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "ampsim_netlist_find_subckt: missing argument");
  return find_subckt(out, text, origin != NULL ? origin : "netlist", name, NULL);
}

/* ====================================================================== */
/* Stages                                                                  */
/* ====================================================================== */

const char *ampsim_netlist_dir(void)
{
  static char dir[PATH_MAX];
  const char *env = getenv("AMPSIM_NETLIST_DIR");
  struct stat st;

  if (env != NULL && env[0] != '\0')
    snprintf(dir, sizeof dir, "%s", env);
  else if (stat(AMPSIM_INSTALL_NETLIST_DIR, &st) == 0 && S_ISDIR(st.st_mode))
    snprintf(dir, sizeof dir, "%s", AMPSIM_INSTALL_NETLIST_DIR);
  else
    snprintf(dir, sizeof dir, "%s", AMPSIM_SOURCE_NETLIST_DIR);
  return dir;
}

static int compare_names(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "a, b" of the bundled stage names (NAME.cir) in dir. */
static int list_bundled(const char *dir, nl_buf *list)
{
  DIR *d = opendir(dir);
  char **names = NULL, **grown;
  size_t n = 0, i;
  int rc = buf_add(list, "", 0);

  if (d == NULL || rc != 0)
    goto done;
  for (;;) {
    struct dirent *de = readdir(d);
    size_t len;
    char *name;
    if (de == NULL)
      break;
    len = strlen(de->d_name);
    if (de->d_name[0] == '.' || len <= 4 || strcmp(de->d_name + len - 4, ".cir") != 0)
      continue;
    grown = realloc(names, (n + 1) * sizeof *grown);
    if (grown == NULL) {
      rc = nomem();
      goto done;
    }
    names = grown;
    name = copy_span(de->d_name, len - 4);
    if (name == NULL) {
      rc = nomem();
      goto done;
    }
    names[n++] = name;
  }
  if (n > 1) /* qsort(NULL, 0, ...) is undefined */
    qsort(names, n, sizeof *names, compare_names);
  for (i = 0; i < n && rc == 0; i++) {
    if (i > 0)
      rc = buf_str(list, ", ");
    if (rc == 0)
      rc = buf_str(list, names[i]);
  }
done:
  if (rc == 0 && n == 0) {
    rc = buf_str(list, "none in ");
    if (rc == 0)
      rc = buf_str(list, dir);
  }
  for (i = 0; i < n; i++)
    free(names[i]);
  free(names);
  if (d != NULL)
    closedir(d);
  return rc;
}

void ampsim_stage_free(ampsim_stage *stage)
{
  if (stage == NULL)
    return;
  free(stage->name);
  free(stage->path);
  free(stage->subckt);
  free(stage->text);
  free(stage->origin);
  free(stage);
}

/* What kind of part a spec names: where bundled ones live, their pins. */
typedef struct part_kind {
  const char *what;      /* "stage", "load" */
  const char *folder;    /* under ampsim_netlist_dir() */
  int n_pins;
  const char *pin_names; /* "in out vp vn gnd" */
} part_kind;

static const part_kind stage_kind = { "stage", "stages", 5, "in out vp vn gnd" };
static const part_kind load_kind = { "load", "loads", 2, "hot ret" };

/* Split spec into the file and the subcircuit: FILE:SUBCKT when the part
 * before the last ':' is an existing file or looks like a netlist's name.
 * Otherwise *file stays NULL: a bundled stage. */
static int parse_spec(const char *spec, const part_kind *kind, char **file, char **subckt)
{
  static const char *const exts[] = { ".cir", ".sp", ".lib", ".net", ".spice", ".inc" };
  const char *colon = strrchr(spec, ':');
  struct stat st;
  size_t i;
  int is_file = 0;

  *file = NULL;
  *subckt = NULL;
  if (colon == NULL)
    return 0;
  *file = copy_span(spec, (size_t)(colon - spec));
  if (*file == NULL)
    return nomem();
  if ((*file)[0] != '\0' && stat(*file, &st) == 0 && !S_ISDIR(st.st_mode))
    is_file = 1;
  for (i = 0; !is_file && i < sizeof exts / sizeof exts[0]; i++)
    if (ends_with_ci(*file, exts[i]))
      is_file = 1;
  if (!is_file) {
    free(*file);
    *file = NULL;
    return 0;
  }
  if (colon[1] == '\0')
    return ampsim_error_set(AMPSIM_EINVAL, "%s '%s': no subcircuit name after ':'", kind->what,
                            spec);
  *subckt = strdup(colon + 1);
  return *subckt == NULL ? nomem() : 0;
}

/* file and subckt of the bundled part spec in dir/kind->folder, or an
 * "unknown" error listing the bundled ones. */
static int bundled_part(const char *spec, const char *dir, const part_kind *kind, char **file,
                        char **subckt)
{
  nl_buf list = { NULL, 0, 0 };
  struct stat st;
  size_t size, i;
  char *folder;
  int rc;

  size = strlen(dir) + strlen(kind->folder) + 2;
  folder = malloc(size);
  if (folder == NULL)
    return nomem();
  snprintf(folder, size, "%s/%s", dir, kind->folder);
  /* A bundled name is a plain word: no path tricks through it. */
  if (strchr(spec, '/') == NULL && spec[0] != '.') {
    size = strlen(folder) + strlen(spec) + 6;
    *file = malloc(size);
    if (*file == NULL) {
      free(folder);
      return nomem();
    }
    snprintf(*file, size, "%s/%s.cir", folder, spec);
    if (stat(*file, &st) == 0 && S_ISREG(st.st_mode)) {
      free(folder);
      *subckt = strdup(spec);
      if (*subckt == NULL)
        return nomem();
      for (i = 0; (*subckt)[i] != '\0'; i++)
        if ((*subckt)[i] == '-')
          (*subckt)[i] = '_';
      return 0;
    }
  }
  rc = list_bundled(folder, &list);
  if (rc == 0)
    rc = ampsim_error_set(AMPSIM_ENOTFOUND,
                          "unknown %s '%s': not a FILE.cir:SUBCKT and not a bundled %s "
                          "(bundled: %s)",
                          kind->what, spec, kind->what, list.p);
  free(list.p);
  free(folder);
  return rc;
}

/* Open a part of the given kind (see ampsim_stage_open). */
static int part_open(ampsim_stage **out, const char *spec, const ampsim_netlist_policy *policy,
                     const part_kind *kind)
{
  nl_ctx ctx;
  nl_buf pins = { NULL, 0, 0 };
  ampsim_subckt_info info;
  ampsim_stage *stage = NULL;
  char *file = NULL, *subckt = NULL, *written = NULL;
  const char *dir = NULL, *where = NULL;
  size_t i;
  int rc, line = 0, n;

  memset(&ctx, 0, sizeof ctx);
  if (out == NULL || spec == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "ampsim_stage_open: no output or no stage");
  *out = NULL;
  if (spec[0] == '\0')
    return ampsim_error_set(AMPSIM_EINVAL, "empty %s name", kind->what);
  /* Every part may include from ampsim's own netlist folder (op-amp models
   * and the like), besides its own folder and the policy's. */
  dir = ampsim_netlist_dir();
  rc = parse_spec(spec, kind, &file, &subckt);
  if (rc == 0 && file == NULL)
    rc = bundled_part(spec, dir, kind, &file, &subckt);
  if (rc == 0)
    rc = ctx_load(&ctx, file, policy, dir);
  if (rc == 0)
    rc = find_subckt(&info, ctx.out.p, file, subckt, &written);
  if (rc != 0)
    goto done;

  where = file;
  line = info.line;
  /* Point into the file that defines it, which may be an include. */
  for (i = 0; i < ctx.n_origins; i++) {
    if (ctx.origins[i].out_line == info.line) {
      where = ctx.files[ctx.origins[i].file]->display;
      line = ctx.origins[i].line;
      break;
    }
  }
  if (info.n_pins != kind->n_pins) {
    rc = buf_add(&pins, "", 0);
    for (i = 0; rc == 0 && i < (size_t)info.n_pins && i < 16; i++) {
      if (i > 0)
        rc = buf_str(&pins, " ");
      if (rc == 0)
        rc = buf_str(&pins, info.pins[i]);
    }
    if (rc == 0 && info.n_pins > 16)
      rc = buf_str(&pins, " ...");
    if (rc == 0)
      rc = ampsim_error_set(AMPSIM_EINVAL, "%s:%d: subcircuit '%s' has %d pin%s (%s); a %s needs %d: %s",
                            where, line, written, info.n_pins, info.n_pins == 1 ? "" : "s",
                            pins.p, kind->what, kind->n_pins, kind->pin_names);
    goto done;
  }

  stage = calloc(1, sizeof *stage);
  if (stage == NULL) {
    rc = nomem();
    goto done;
  }
  stage->name = strdup(spec);
  if (stage->name == NULL) {
    rc = nomem();
    goto done;
  }
  n = snprintf(NULL, 0, "%s:%d", where, line);
  stage->origin = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (stage->origin == NULL) {
    rc = nomem();
    goto done;
  }
  snprintf(stage->origin, (size_t)n + 1, "%s:%d", where, line);
  stage->path = file;
  stage->subckt = written;
  stage->text = ctx.out.p;
  file = NULL;
  written = NULL;
  ctx.out.p = NULL;
  *out = stage;
  stage = NULL;
done:
  ampsim_stage_free(stage);
  ctx_free(&ctx);
  free(pins.p);
  free(file);
  free(subckt);
  free(written);
  return rc;
}

int ampsim_stage_open(ampsim_stage **out, const char *spec, const ampsim_netlist_policy *policy)
{
  return part_open(out, spec, policy, &stage_kind);
}

int ampsim_load_open(ampsim_stage **out, const char *spec, const ampsim_netlist_policy *policy)
{
  return part_open(out, spec, policy, &load_kind);
}
