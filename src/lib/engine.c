/*
 * engine.c - libngspice in process (see include/ampsim/engine.h).
 *
 * Facts this module is built on (ngspice 39, measured; docs/ngspice-notes.md):
 * - ngSpice_Circ() and ngSpice_Command() return 0 for almost every failure;
 *   the failure shows only in the text sent through SendChar ("Error on line
 *   3", "Error: circuit not parsed.", "Timestep too small") and in the absence
 *   of a new plot (the previous plot stays current).
 * - `quit` and fatal errors call ControlledExit, then longjmp out of ngspice.
 *   Unloading inside the callback would pull the code from under that jump,
 *   so the callback only sets a flag; the next call unloads (dlclose) and
 *   loads the library again, which gives a fresh ngspice.
 * - At init ngspice reads $SPICE_SCRIPTS/spinit and a .spiceinit from the
 *   current directory. The engine initialises it in a private empty folder
 *   with its own spinit, so neither the system's nor a user's init files
 *   change results, and the XSPICE code models are loaded explicitly.
 * - Between circuits: `destroy all`, `remcirc`, then ngSpice_Command(NULL)
 *   keeps memory flat (with `destroy all` alone it grows ~20 kB per run).
 * - ngspice parses and prints numbers with the C library: it needs the C
 *   numeric locale, set per thread with uselocale() around every call.
 */
#include "ampsim/engine.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ngspice/sharedspice.h>

#include "ampsim/error.h"

#ifndef AMPSIM_NGSPICE_LIBRARY
#define AMPSIM_NGSPICE_LIBRARY "libngspice.so.0"
#endif
#ifndef AMPSIM_CODEMODEL_DIR
#define AMPSIM_CODEMODEL_DIR ""
#endif

/* The log keeps at most this much text per call; a netlist that makes
 * ngspice print without end cannot exhaust memory. */
#define LOG_LIMIT_BYTES (1024u * 1024u)

typedef int (*init_fn)(SendChar *, SendStat *, ControlledExit *, SendData *,
                       SendInitData *, BGThreadRunning *, void *);
typedef int (*command_fn)(char *);
typedef int (*circ_fn)(char **);
typedef pvector_info (*vec_info_fn)(char *);
typedef char *(*cur_plot_fn)(void);

struct ampsim_engine {
  void *library;
  init_fn init;
  command_fn command;
  circ_fn circ;
  vec_info_fn vec_info;
  cur_plot_fn cur_plot;

  char *library_path;
  char *codemodel_dir;
  locale_t c_locale;

  char *log;          /* text of the current call */
  size_t log_len, log_cap;
  bool log_truncated;
  bool exit_requested; /* ControlledExit seen: reload before the next call */
  int exit_status;

  char version[32];
  char plot[128];
};

/* ------------------------------------------------------------------------ */
/* Callbacks (run inside ngspice's calls)                                   */
/* ------------------------------------------------------------------------ */

static void log_append(ampsim_engine *engine, const char *text, size_t len)
{
  if (engine->log_len + len + 2 > LOG_LIMIT_BYTES) {
    engine->log_truncated = true;
    return;
  }
  if (engine->log_len + len + 2 > engine->log_cap) {
    size_t cap = engine->log_cap ? engine->log_cap : 4096;
    char *grown;
    while (cap < engine->log_len + len + 2)
      cap *= 2;
    grown = realloc(engine->log, cap);
    if (grown == NULL) {
      engine->log_truncated = true;
      return;
    }
    engine->log = grown;
    engine->log_cap = cap;
  }
  memcpy(engine->log + engine->log_len, text, len);
  engine->log_len += len;
  engine->log[engine->log_len++] = '\n';
  engine->log[engine->log_len] = '\0';
}

/* ngspice sends each line as "stdout TEXT" or "stderr TEXT". */
static int on_char(char *text, int id, void *user)
{
  ampsim_engine *engine = user;
  (void)id;
  if (text == NULL || engine == NULL)
    return 0;
  if (strncmp(text, "stdout ", 7) == 0 || strncmp(text, "stderr ", 7) == 0)
    text += 7;
  log_append(engine, text, strlen(text));
  if (engine->version[0] == '\0') {
    const char *v = strstr(text, "ngspice-");
    if (v != NULL && strstr(text, "shared library") != NULL) {
      size_t n = strcspn(v + 8, " \t");
      if (n >= sizeof engine->version)
        n = sizeof engine->version - 1;
      memcpy(engine->version, v + 8, n);
      engine->version[n] = '\0';
    }
  }
  return 0;
}

static int on_stat(char *text, int id, void *user)
{
  (void)text;
  (void)id;
  (void)user;
  return 0;
}

static int on_exit_request(int status, NG_BOOL immediate, NG_BOOL quit, int id,
                           void *user)
{
  ampsim_engine *engine = user;
  (void)immediate;
  (void)quit;
  (void)id;
  if (engine != NULL) {
    engine->exit_requested = true;
    engine->exit_status = status;
  }
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Loading and initialising the library                                     */
/* ------------------------------------------------------------------------ */

static int write_spinit(const char *dir, const char *codemodel_dir)
{
  char path[4096];
  FILE *f;
  struct dirent **entries = NULL;
  int n = 0;

  if (snprintf(path, sizeof path, "%s/spinit", dir) >= (int)sizeof path)
    return ampsim_error_set(AMPSIM_EIO, "%s: path too long", dir);
  f = fopen(path, "w");
  if (f == NULL)
    return ampsim_error_set(AMPSIM_EIO, "%s: %s", path, strerror(errno));
  fprintf(f, "* spinit written by ampsim: code models loaded explicitly\n");
  if (codemodel_dir != NULL && codemodel_dir[0] != '\0') {
    n = scandir(codemodel_dir, &entries, NULL, alphasort);
    /* spice2poly first: POLY sources in vendor models need it. */
    for (int pass = 0; pass < 2; pass++) {
      for (int i = 0; i < n; i++) {
        const char *name = entries[i]->d_name;
        size_t len = strlen(name);
        bool is_poly = strcmp(name, "spice2poly.cm") == 0;
        if (len < 4 || strcmp(name + len - 3, ".cm") != 0)
          continue;
        if ((pass == 0) != is_poly)
          continue;
        fprintf(f, "codemodel %s/%s\n", codemodel_dir, name);
      }
    }
    for (int i = 0; i < n; i++)
      free(entries[i]);
    free(entries);
  }
  if (fclose(f) != 0)
    return ampsim_error_set(AMPSIM_EIO, "%s: %s", path, strerror(errno));
  return 0;
}

static void unload(ampsim_engine *engine)
{
  if (engine->library == NULL)
    return;
  if (!engine->exit_requested) {
    locale_t old = uselocale(engine->c_locale);
    /* quit frees ngspice's data and ends with a ControlledExit (flag only). */
    engine->command("destroy all");
    engine->command("remcirc");
    engine->command("quit");
    uselocale(old);
  }
  dlclose(engine->library);
  engine->library = NULL;
  engine->exit_requested = false;
}

/* Set an environment variable, remembering the old value for restore_env. */
static char *swap_env(const char *name, const char *value)
{
  const char *old = getenv(name);
  char *saved = old != NULL ? strdup(old) : NULL;
  setenv(name, value, 1);
  return saved;
}

static void restore_env(const char *name, char *saved)
{
  if (saved != NULL) {
    setenv(name, saved, 1);
    free(saved);
  } else {
    unsetenv(name);
  }
}

static int load(ampsim_engine *engine)
{
  char dir[4096];
  const char *tmp = getenv("TMPDIR");
  int cwd = -1, rc = 0, init_rc;
  char *old_scripts, *old_home;
  locale_t old_locale;

  engine->library = dlopen(engine->library_path, RTLD_NOW | RTLD_LOCAL);
  if (engine->library == NULL && strcmp(engine->library_path, "libngspice.so.0") != 0)
    engine->library = dlopen("libngspice.so.0", RTLD_NOW | RTLD_LOCAL);
  if (engine->library == NULL)
    return ampsim_error_set(AMPSIM_EENGINE, "cannot load libngspice (%s): %s",
                            engine->library_path, dlerror());
  engine->init = (init_fn)(uintptr_t)dlsym(engine->library, "ngSpice_Init");
  engine->command = (command_fn)(uintptr_t)dlsym(engine->library, "ngSpice_Command");
  engine->circ = (circ_fn)(uintptr_t)dlsym(engine->library, "ngSpice_Circ");
  engine->vec_info = (vec_info_fn)(uintptr_t)dlsym(engine->library, "ngGet_Vec_Info");
  engine->cur_plot = (cur_plot_fn)(uintptr_t)dlsym(engine->library, "ngSpice_CurPlot");
  if (!engine->init || !engine->command || !engine->circ || !engine->vec_info ||
      !engine->cur_plot) {
    dlclose(engine->library);
    engine->library = NULL;
    return ampsim_error_set(AMPSIM_EENGINE, "%s lacks the ngspice shared API",
                            engine->library_path);
  }

  snprintf(dir, sizeof dir, "%s/ampsim-ngspice-XXXXXX",
           tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
  if (mkdtemp(dir) == NULL) {
    rc = ampsim_error_set(AMPSIM_EIO, "cannot create a folder for ngspice in %s: %s",
                          tmp != NULL ? tmp : "/tmp", strerror(errno));
    goto fail;
  }
  rc = write_spinit(dir, engine->codemodel_dir);
  if (rc != 0)
    goto cleanup_dir;

  /* Initialise inside the private folder: ngspice reads ./.spiceinit. */
  cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cwd < 0 || chdir(dir) != 0) {
    rc = ampsim_error_set(AMPSIM_EIO, "cannot enter %s: %s", dir, strerror(errno));
    goto cleanup_dir;
  }
  old_scripts = swap_env("SPICE_SCRIPTS", dir);
  old_home = swap_env("HOME", dir);
  old_locale = uselocale(engine->c_locale);
  engine->log_len = 0;
  engine->version[0] = '\0';
  init_rc = engine->init(on_char, on_stat, on_exit_request, NULL, NULL, NULL, engine);
  uselocale(old_locale);
  restore_env("HOME", old_home);
  restore_env("SPICE_SCRIPTS", old_scripts);
  if (fchdir(cwd) != 0)
    rc = ampsim_error_set(AMPSIM_EIO, "cannot return to the working folder: %s",
                          strerror(errno));
  close(cwd);
  if (rc == 0 && (init_rc != 0 || engine->exit_requested))
    rc = ampsim_error_set(AMPSIM_EENGINE, "ngSpice_Init failed: %.300s",
                          engine->log != NULL ? engine->log : "");

cleanup_dir : {
  char path[4200];
  snprintf(path, sizeof path, "%s/spinit", dir);
  unlink(path);
  rmdir(dir);
}
  if (rc == 0)
    return 0;
fail:
  engine->exit_requested = true; /* no quit on a half-initialised library */
  unload(engine);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* Calls and their error detection                                          */
/* ------------------------------------------------------------------------ */

static int ensure_loaded(ampsim_engine *engine)
{
  if (engine->exit_requested)
    unload(engine);
  if (engine->library == NULL)
    return load(engine);
  return 0;
}

static void log_reset(ampsim_engine *engine)
{
  engine->log_len = 0;
  engine->log_truncated = false;
  if (engine->log != NULL)
    engine->log[0] = '\0';
}

/* A line that explains a failure without being one (classify_line). */
#define LINE_CONTEXT 1

/* Does the line start with (or contain, for the convergence phrases) a
 * marker of failure? Warnings and notes are not failures. */
static int classify_line(const char *line, size_t len)
{
  static const char *const converge[] = {
    "Timestep too small", "timestep too small", "iteration limit reached",
    "gmin stepping failed", "source stepping failed", "singular matrix",
    "Transient op failed", "DC solution failed"};
  char buffer[512];
  if (len >= sizeof buffer)
    len = sizeof buffer - 1;
  memcpy(buffer, line, len);
  buffer[len] = '\0';
  /* Lines that explain an error printed elsewhere ("warning, can't find
   * model 'x'" before "Error on line"): context, not failures. */
  static const char *const context[] = {"can't find model", "could not find a valid",
                                        "unknown subckt", "unknown parameter",
                                        "no such vector"};
  for (size_t i = 0; i < sizeof converge / sizeof converge[0]; i++)
    if (strstr(buffer, converge[i]) != NULL && strstr(buffer, "Warning") == NULL)
      return AMPSIM_ECONVERGE;
  /* numparam's errors (".param g=nan", "{2*gain" with no gain) come before
   * ngspice gives up with only "cannot recover": they say what is wrong. */
  if (strncmp(buffer, "Undefined parameter", 19) == 0 || strstr(buffer, "Formula() error") != NULL)
    return AMPSIM_ESIM;
  if (strncmp(buffer, "Error", 5) == 0 || strncmp(buffer, "error", 5) == 0 ||
      strstr(buffer, " Error:") != NULL || strstr(buffer, "aborted") != NULL ||
      strstr(buffer, "Fatal") != NULL || strstr(buffer, "fatal error") != NULL)
    return AMPSIM_ESIM;
  for (size_t i = 0; i < sizeof context / sizeof context[0]; i++)
    if (strstr(buffer, context[i]) != NULL)
      return LINE_CONTEXT;
  return 0;
}

/* Scan this call's log; on failure set an error quoting ngspice's lines. */
static int check_log(ampsim_engine *engine, const char *what)
{
  const char *p = engine->log != NULL ? engine->log : "";
  int worst = 0;
  bool follow_up = false;
  char quoted[1024];
  size_t quoted_len = 0;

  quoted[0] = '\0';
  while (*p != '\0') {
    size_t len = strcspn(p, "\n");
    int kind = classify_line(p, len);
    /* "Error on line 3 or its substitute:" is followed by the line itself. */
    bool continues = kind != 0 && len > 0 && p[len - 1] == ':';
    if (kind == 0 && follow_up) {
      kind = worst != 0 ? worst : AMPSIM_ESIM;
    }
    follow_up = continues;
    if (kind != 0) {
      char line[256];
      snprintf(line, sizeof line, "%.*s", (int)(len < 255 ? len : 255), p);
      if (kind != LINE_CONTEXT && (worst == 0 || kind == AMPSIM_ECONVERGE))
        worst = kind;
      /* A line repeated (numparam says "Undefined parameter [g]" once per
       * use) is quoted once. */
      if (strstr(quoted, line) == NULL && quoted_len + len + 3 < sizeof quoted) {
        if (quoted_len > 0) {
          memcpy(quoted + quoted_len, "; ", 2);
          quoted_len += 2;
        }
        memcpy(quoted + quoted_len, p, len);
        quoted_len += len;
        quoted[quoted_len] = '\0';
      }
    }
    p += len;
    if (*p == '\n')
      p++;
  }
  if (engine->exit_requested)
    return ampsim_error_set(AMPSIM_EENGINE,
                            "ngspice requested exit (status %d) during %s%s%s; "
                            "it is reloaded for the next run",
                            engine->exit_status, what, quoted_len ? ": " : "",
                            quoted);
  if (worst != 0) {
    /* ngspice prints the offending source line after "Error on line"; keep
     * the message on one line. */
    for (char *c = quoted; *c != '\0'; c++)
      if (*c == '\r' || *c == '\t')
        *c = ' ';
    return ampsim_error_set(worst, "ngspice: %s: %s", what, quoted);
  }
  return 0;
}

static int call_command(ampsim_engine *engine, const char *command)
{
  char *copy = strdup(command);
  locale_t old;
  if (copy == NULL)
    return ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
  old = uselocale(engine->c_locale);
  engine->command(copy);
  uselocale(old);
  free(copy);
  return 0;
}

static const char *current_plot(ampsim_engine *engine)
{
  locale_t old = uselocale(engine->c_locale);
  const char *name = engine->cur_plot();
  uselocale(old);
  return name != NULL ? name : "";
}

/* ------------------------------------------------------------------------ */
/* Public API                                                               */
/* ------------------------------------------------------------------------ */

int ampsim_engine_open(ampsim_engine **out, const ampsim_engine_options *opts)
{
  ampsim_engine *engine;
  const char *library = opts != NULL && opts->library_path != NULL
                            ? opts->library_path
                            : AMPSIM_NGSPICE_LIBRARY;
  const char *codemodels = opts != NULL && opts->codemodel_dir != NULL
                               ? opts->codemodel_dir
                               : AMPSIM_CODEMODEL_DIR;
  int rc;

  *out = NULL;
  engine = calloc(1, sizeof *engine);
  if (engine == NULL)
    return ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
  engine->library_path = strdup(library);
  engine->codemodel_dir = strdup(codemodels);
  engine->c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
  if (engine->library_path == NULL || engine->codemodel_dir == NULL ||
      engine->c_locale == (locale_t)0) {
    ampsim_engine_free(engine);
    return ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
  }
  rc = load(engine);
  if (rc != 0) {
    ampsim_engine_free(engine);
    return rc;
  }
  *out = engine;
  return 0;
}

void ampsim_engine_free(ampsim_engine *engine)
{
  if (engine == NULL)
    return;
  unload(engine);
  if (engine->c_locale != (locale_t)0)
    freelocale(engine->c_locale);
  free(engine->library_path);
  free(engine->codemodel_dir);
  free(engine->log);
  free(engine);
}

int ampsim_engine_load(ampsim_engine *engine, const char *netlist)
{
  char *text = NULL, **lines = NULL;
  size_t n_lines = 0;
  int rc, has_end = 0;
  locale_t old;

  rc = ensure_loaded(engine);
  if (rc != 0)
    return rc;
  log_reset(engine);
  /* Forget everything of the previous circuit (see the file comment). */
  call_command(engine, "destroy all");
  call_command(engine, "remcirc");
  old = uselocale(engine->c_locale);
  engine->command(NULL);
  uselocale(old);
  if (engine->exit_requested)
    return check_log(engine, "reset");
  log_reset(engine);

  text = strdup(netlist);
  if (text == NULL)
    return ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
  for (const char *p = text; *p != '\0'; p++)
    if (*p == '\n')
      n_lines++;
  lines = calloc(n_lines + 3, sizeof *lines);
  if (lines == NULL) {
    free(text);
    return ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
  }
  n_lines = 0;
  for (char *p = text; p != NULL && *p != '\0';) {
    char *nl = strchr(p, '\n');
    if (nl != NULL)
      *nl = '\0';
    if (nl != NULL && nl > p && nl[-1] == '\r')
      nl[-1] = '\0';
    lines[n_lines++] = p;
    if (strncmp(p, ".end", 4) == 0 && (p[4] == '\0' || p[4] == ' '))
      has_end = 1;
    p = nl != NULL ? nl + 1 : NULL;
  }
  if (!has_end)
    lines[n_lines++] = ".end";
  lines[n_lines] = NULL;

  old = uselocale(engine->c_locale);
  engine->circ(lines);
  uselocale(old);
  free(lines);
  free(text);

  rc = check_log(engine, "loading the netlist");
  if (rc == 0) {
    /* A circuit that ngspice could not set up reports "circuit not parsed"
     * only when used; ask for it now so the load itself fails. */
    const char *p = engine->log != NULL ? engine->log : "";
    if (strstr(p, "Circuit:") == NULL)
      rc = ampsim_error_set(AMPSIM_ESIM, "ngspice: loading the netlist: no circuit was made");
  }
  if (rc == 0)
    snprintf(engine->plot, sizeof engine->plot, "%s", current_plot(engine));
  return rc;
}

int ampsim_engine_run(ampsim_engine *engine, const char *analysis)
{
  char before[128];
  int rc = ensure_loaded(engine);
  if (rc != 0)
    return rc;
  snprintf(before, sizeof before, "%s", current_plot(engine));
  log_reset(engine);
  call_command(engine, analysis);
  rc = check_log(engine, analysis);
  if (rc != 0)
    return rc;
  snprintf(engine->plot, sizeof engine->plot, "%s", current_plot(engine));
  if (strcmp(before, engine->plot) == 0)
    return ampsim_error_set(AMPSIM_ESIM, "ngspice: %s: made no results%s%.200s",
                            analysis, engine->log_len ? ": " : "",
                            engine->log != NULL ? engine->log : "");
  return 0;
}

int ampsim_engine_command(ampsim_engine *engine, const char *command)
{
  int rc = ensure_loaded(engine);
  if (rc != 0)
    return rc;
  log_reset(engine);
  call_command(engine, command);
  return check_log(engine, command);
}

int ampsim_engine_vector(ampsim_vector *out, ampsim_engine *engine, const char *name)
{
  pvector_info info;
  char *copy;
  locale_t old;

  memset(out, 0, sizeof *out);
  if (engine->library == NULL || engine->exit_requested)
    return ampsim_error_set(AMPSIM_EENGINE, "no simulator loaded to read '%s' from", name);
  copy = strdup(name);
  if (copy == NULL)
    return ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
  old = uselocale(engine->c_locale);
  info = engine->vec_info(copy);
  uselocale(old);
  free(copy);
  if (info == NULL || info->v_length <= 0 ||
      (info->v_realdata == NULL && info->v_compdata == NULL))
    return ampsim_error_set(AMPSIM_ENOTFOUND, "ngspice: no vector '%s' in plot %s",
                            name, engine->plot);
  out->length = (size_t)info->v_length;
  out->re = malloc(out->length * sizeof *out->re);
  if (info->v_compdata != NULL && info->v_realdata == NULL) {
    out->is_complex = 1;
    out->im = malloc(out->length * sizeof *out->im);
  }
  if (out->re == NULL || (out->is_complex && out->im == NULL)) {
    ampsim_vector_free(out);
    return ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < out->length; i++) {
    if (out->is_complex) {
      out->re[i] = info->v_compdata[i].cx_real;
      out->im[i] = info->v_compdata[i].cx_imag;
    } else {
      out->re[i] = info->v_realdata[i];
    }
  }
  return 0;
}

void ampsim_vector_free(ampsim_vector *vector)
{
  if (vector == NULL)
    return;
  free(vector->re);
  free(vector->im);
  vector->re = NULL;
  vector->im = NULL;
  vector->length = 0;
}

const char *ampsim_engine_plot(ampsim_engine *engine)
{
  return engine->plot;
}

const char *ampsim_engine_log(const ampsim_engine *engine)
{
  return engine->log != NULL ? engine->log : "";
}

const char *ampsim_engine_ngspice_version(const ampsim_engine *engine)
{
  return engine->version[0] != '\0' ? engine->version : "unknown";
}
