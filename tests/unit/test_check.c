/*
 * test_check.c - baselines, comparisons and JUnit reports (ampsim/check.h) on
 * hand-made measurements: no simulation. The end-to-end checks with real
 * simulations are tests/cli/check_*.sh.
 */
#include "test_main.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ampsim/ampsim.h"
#include "ampsim/check.h"
#include "ampsim/error.h"

/*
 * libxml2, for reading the JUnit report back. The test executables get the
 * library's link dependencies (libampsim is static and links libxml2) but
 * not libxml2's include folder, so the few functions used are declared here
 * as libxml2's public API has them, with their structs kept opaque.
 */
struct _xmlDoc;
struct _xmlSchemaParserCtxt;
struct _xmlSchema;
struct _xmlSchemaValidCtxt;
struct _xmlXPathContext;
struct _xmlXPathObject;
struct _xmlDoc *xmlReadMemory(const char *buffer, int size, const char *url,
                              const char *encoding, int options);
void xmlFreeDoc(struct _xmlDoc *doc);
struct _xmlSchemaParserCtxt *xmlSchemaNewParserCtxt(const char *url);
struct _xmlSchema *xmlSchemaParse(struct _xmlSchemaParserCtxt *ctxt);
void xmlSchemaFreeParserCtxt(struct _xmlSchemaParserCtxt *ctxt);
struct _xmlSchemaValidCtxt *xmlSchemaNewValidCtxt(struct _xmlSchema *schema);
int xmlSchemaValidateDoc(struct _xmlSchemaValidCtxt *ctxt, struct _xmlDoc *doc);
void xmlSchemaFreeValidCtxt(struct _xmlSchemaValidCtxt *ctxt);
void xmlSchemaFree(struct _xmlSchema *schema);
struct _xmlXPathContext *xmlXPathNewContext(struct _xmlDoc *doc);
void xmlXPathFreeContext(struct _xmlXPathContext *ctxt);
struct _xmlXPathObject *xmlXPathEvalExpression(const unsigned char *expr,
                                               struct _xmlXPathContext *ctxt);
double xmlXPathCastToNumber(struct _xmlXPathObject *obj);
unsigned char *xmlXPathCastToString(struct _xmlXPathObject *obj);
void xmlXPathFreeObject(struct _xmlXPathObject *obj);

/* ------------------------------------------------------------------------ */
/* Fixtures                                                                 */
/* ------------------------------------------------------------------------ */

/* A private folder for files, removed (with what is in it) by remove_dir. */
static void make_dir(char *out, size_t size)
{
  const char *base = getenv("TMPDIR");
  snprintf(out, size, "%s/ampsim-test-check.XXXXXX",
           base != NULL && base[0] != '\0' ? base : "/tmp");
  assert_non_null(mkdtemp(out));
}

static void remove_dir(const char *dir)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  char path[2048];

  if (d == NULL)
    return;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    unlink(path);
  }
  closedir(d);
  rmdir(dir);
}

/* The number of entries in dir (besides . and ..). */
static int count_entries(const char *dir)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  int n = 0;

  assert_non_null(d);
  while ((e = readdir(d)) != NULL)
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
      n++;
  closedir(d);
  return n;
}

static void write_text(const char *path, const char *text)
{
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
  assert_int_equal(fclose(f), 0);
}

static char *read_text(const char *path)
{
  FILE *f = fopen(path, "rb");
  char *text;
  long len;

  assert_non_null(f);
  assert_int_equal(fseek(f, 0, SEEK_END), 0);
  len = ftell(f);
  assert_true(len >= 0);
  rewind(f);
  text = malloc((size_t)len + 1);
  assert_non_null(text);
  assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
  text[len] = '\0';
  fclose(f);
  return text;
}

/* A measurement of every headline figure, like opamp-buffer SE into 32 ohm:
 * THD at 1 kHz and 20 kHz, each at 1 Vrms; crosstalk null at 20 Hz and
 * 1 kHz (below the floor), a number at 20 kHz. */
static ampsim_measurement *sample_measurement(void)
{
  static const double sweep_hz[5] = { 20.0, 200.0, 1000.0, 5000.0, 20000.0 };
  static const double zout_ohms[5] = { 20.2e-6, 80e-6, 392e-6, 2e-3, 7.84e-3 };
  static const double crosstalk_db[5] = { NAN, NAN, NAN, -130.0, -110.0 };
  const ampsim_measure_options defaults = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_measurement *m = calloc(1, sizeof *m);
  size_t i;

  assert_non_null(m);
  m->options = defaults;
  m->options.figures = AMPSIM_FIG_ALL;
  m->options.n_freqs = 2;
  m->options.freqs_hz[0] = 1000.0;
  m->options.freqs_hz[1] = 20000.0;
  m->options.n_vouts = 1;
  m->options.vouts_rms[0] = 1.0;
  snprintf(m->stage_name, sizeof m->stage_name, "opamp-buffer");
  snprintf(m->ngspice_version, sizeof m->ngspice_version, "39");
  m->gain_db = 9.54222;
  m->dc_offset_mv = 0.600152;
  m->n_thd = 2;
  m->thd[0].freq_hz = 1000.0;
  m->thd[0].vout_rms = 0.99999977; /* the search's level, not the asked one */
  m->thd[0].thd_db = -122.834;
  m->thd[0].thdn_db = -122.801;
  m->thd[1].freq_hz = 20000.0;
  m->thd[1].vout_rms = 1.0000012;
  m->thd[1].thd_db = -98.5;
  m->thd[1].thdn_db = -98.4;
  m->noise_vrms = 2.2094e-6;
  m->noise_vrms_a = 1.7401e-6;
  m->n_zout = 5;
  m->n_crosstalk = 5;
  for (i = 0; i < 5; i++) {
    m->zout[i].freq_hz = sweep_hz[i];
    m->zout[i].ohms = zout_ohms[i];
    m->zout[i].phase_deg = 45.0;
    m->crosstalk[i].freq_hz = sweep_hz[i];
    m->crosstalk[i].db = crosstalk_db[i];
  }
  m->crosstalk_floor_db = -180.0;
  m->vout_rms_1pct = 7.49;
  m->pout_w_1pct = 1.75;
  m->vout_rms_01pct = 7.32;
  m->pout_w_01pct = 1.68;
  m->elapsed_s = 1.25;
  return m;
}

/* A baseline file made from text in dir/name; returns its path in out. */
static void baseline_file(char *out, size_t size, const char *dir, const char *name,
                          const char *text)
{
  snprintf(out, size, "%s/%s", dir, name);
  write_text(out, text);
}

/* A baseline recording m, with stub's design and tolerances. */
static ampsim_baseline *baseline_of(const ampsim_measurement *m, const char *stub_text)
{
  char dir[1024], path[1100];
  ampsim_baseline *stub = NULL, *b = NULL;

  make_dir(dir, sizeof dir);
  baseline_file(path, sizeof path, dir, "ref.xml", stub_text);
  assert_int_equal(ampsim_check_load(&stub, path), 0);
  assert_int_equal(ampsim_check_update(&b, stub, m), 0);
  ampsim_baseline_free(stub);
  remove_dir(dir);
  return b;
}

static const char stub_text[] =
  "<?xml version=\"1.0\"?>\n<baseline design=\"designs/amp.xml\"/>\n";

/* The item of result r with this label (fails the test if none). */
static const ampsim_check_item *item_of(const ampsim_check_result *r, const char *label)
{
  size_t i;

  for (i = 0; i < r->n_items; i++)
    if (strcmp(r->items[i].label, label) == 0)
      return &r->items[i];
  print_error("no item '%s'\n", label);
  fail();
  return NULL;
}

/* The figure of baseline b with this name and keys (NAN: none). */
static ampsim_baseline_figure *figure_of(ampsim_baseline *b, const char *name, double freq_hz,
                                         double vout_rms)
{
  size_t i;

  for (i = 0; i < b->n_figures; i++) {
    ampsim_baseline_figure *f = &b->figures[i];
    if (strcmp(f->name, name) != 0)
      continue;
    if (isnan(freq_hz) != isnan(f->freq_hz) || isnan(vout_rms) != isnan(f->vout_rms))
      continue;
    if ((isnan(freq_hz) || f->freq_hz == freq_hz) && (isnan(vout_rms) || f->vout_rms == vout_rms))
      return f;
  }
  print_error("no figure %s %g %g\n", name, freq_hz, vout_rms);
  fail();
  return NULL;
}

/* Compare m with b; returns the result (caller frees). */
static ampsim_check_result *compare(const ampsim_baseline *b, const ampsim_measurement *m)
{
  ampsim_check_result *r = NULL;
  assert_int_equal(ampsim_check_compare(&r, b, m), 0);
  assert_non_null(r);
  return r;
}

/* ------------------------------------------------------------------------ */
/* Reading and writing                                                      */
/* ------------------------------------------------------------------------ */

static void update_records_every_figure(void **state)
{
  ampsim_measurement *m = sample_measurement();
  ampsim_baseline *b = baseline_of(m, stub_text);

  (void)state;
  /* gain, offset, 2 x (thd, thdn), 2 noise, 3 zout, 3 crosstalk, 2 power */
  assert_int_equal(b->n_figures, 2 + 4 + 2 + 3 + 3 + 2);
  assert_string_equal(b->design, "designs/amp.xml");
  assert_string_equal(b->ampsim_version, ampsim_version());
  assert_string_equal(b->ngspice_version, "39");
  /* THD is keyed by the level asked for, not the one the search found. */
  assert_near(figure_of(b, "thd_db", 1000.0, 1.0)->value, -122.834, 1e-12);
  assert_near(figure_of(b, "thdn_db", 20000.0, 1.0)->value, -98.4, 1e-12);
  assert_near(figure_of(b, "zout_ohms", 1000.0, NAN)->value, 392e-6, 1e-18);
  assert_true(isnan(figure_of(b, "crosstalk_db", 20.0, NAN)->value));
  assert_near(figure_of(b, "crosstalk_db", 20000.0, NAN)->value, -110.0, 1e-12);
  assert_near(figure_of(b, "pout_w_1pct", NAN, NAN)->value, 1.75, 1e-12);
  assert_true(isnan(figure_of(b, "gain_db", NAN, NAN)->tolerance));
  ampsim_baseline_free(b);
  free(m);
}

static void save_and_load_round_trip(void **state)
{
  ampsim_measurement *m = sample_measurement();
  ampsim_baseline *b = baseline_of(m, stub_text), *back = NULL;
  char dir[1024], path[1100], *first = NULL, *second = NULL;
  size_t i;

  (void)state;
  make_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/ref.xml", dir);
  b->defaults[AMPSIM_CHECK_THD] = 1.5;
  figure_of(b, "zout_ohms", 20.0, NAN)->tolerance = 12.5;
  assert_int_equal(ampsim_check_save(b, path), 0);
  if (ampsim_check_load(&back, path) != 0) {
    print_error("%s\n", ampsim_error_last());
    fail();
  }

  assert_string_equal(back->design, b->design);
  assert_string_equal(back->ampsim_version, b->ampsim_version);
  assert_string_equal(back->ngspice_version, "39");
  assert_near(back->defaults[AMPSIM_CHECK_THD], 1.5, 0);
  assert_true(isnan(back->defaults[AMPSIM_CHECK_GAIN]));
  assert_int_equal(back->n_figures, b->n_figures);
  for (i = 0; i < b->n_figures; i++) {
    const ampsim_baseline_figure *f = &b->figures[i], *g = &back->figures[i];
    assert_string_equal(g->name, f->name);
    /* 6 significant digits */
    if (isnan(f->value))
      assert_true(isnan(g->value));
    else
      assert_near(g->value, f->value, 5e-6 * fabs(f->value));
    assert_true(isnan(f->freq_hz) ? isnan(g->freq_hz) : g->freq_hz == f->freq_hz);
    assert_true(g->line > 0);
  }
  assert_near(figure_of(back, "zout_ohms", 20.0, NAN)->tolerance, 12.5, 0);

  /* The same figures give the same bytes, one figure per line. */
  first = read_text(path);
  assert_int_equal(ampsim_check_save(back, NULL), 0);
  second = read_text(path);
  assert_string_equal(first, second);
  assert_non_null(strstr(first, "\n  <figure name=\"thd_db\" freq=\"1000\" vout=\"1\" "
                                "value=\"-122.834\"/>\n"));
  assert_non_null(strstr(first, "\n  <figure name=\"crosstalk_db\" freq=\"20\" "
                                "value=\"null\"/>\n"));
  assert_non_null(strstr(first, "\n  <figure name=\"zout_ohms\" freq=\"20\" value=\"2.02e-05\" "
                                "tol-pct=\"12.5\"/>\n"));
  assert_non_null(strstr(first, "\n  <defaults thd-db=\"1.5\"/>\n"));
  /* Written atomically: nothing else is left in the folder. */
  assert_int_equal(count_entries(dir), 1);

  free(first);
  free(second);
  ampsim_baseline_free(back);
  ampsim_baseline_free(b);
  remove_dir(dir);
  free(m);
}

static void load_reads_every_attribute(void **state)
{
  char dir[1024], path[1100];
  ampsim_baseline *b = NULL;

  (void)state;
  make_dir(dir, sizeof dir);
  baseline_file(path, sizeof path, dir, "ref.xml",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<!-- a comment -->\n"
                "<baseline design=\"../d/amp.xml\" design-name=\"amp se\" ampsim=\"0.0.9\" "
                "ngspice=\"38\">\n"
                "  <defaults thd-db=\"1\" zout-pct=\"10\" dc-offset-mv=\"0.2\"/>\n"
                "  <figure name=\"gain_db\" value=\" 9.5 \" tol-db=\"0.1\"/>\n"
                "  <!-- crosstalk at 20 Hz is below the floor -->\n"
                "  <figure name=\"crosstalk_db\" freq=\"20\" value=\"null\"/>\n"
                "  <figure name=\"thd_db\" freq=\"1e3\" vout=\"0.5\" value=\"-100\"/>\n"
                "</baseline>\n");
  assert_int_equal(ampsim_check_load(&b, path), 0);
  assert_string_equal(b->design, "../d/amp.xml");
  {
    char expected[1200];
    snprintf(expected, sizeof expected, "%s/../d/amp.xml", dir);
    assert_string_equal(b->design_path, expected);
  }
  assert_string_equal(b->design_name, "amp se");
  assert_string_equal(b->ampsim_version, "0.0.9");
  assert_string_equal(b->ngspice_version, "38");
  assert_near(b->defaults[AMPSIM_CHECK_THD], 1.0, 0);
  assert_near(b->defaults[AMPSIM_CHECK_ZOUT], 10.0, 0);
  assert_near(b->defaults[AMPSIM_CHECK_DC_OFFSET], 0.2, 0);
  assert_true(isnan(b->defaults[AMPSIM_CHECK_NOISE]));
  assert_int_equal(b->n_figures, 3);
  assert_near(b->figures[0].value, 9.5, 0);
  assert_near(b->figures[0].tolerance, 0.1, 0);
  assert_int_equal(b->figures[0].line, 5);
  assert_true(isnan(b->figures[1].value));
  assert_int_equal(b->figures[1].line, 7);
  assert_near(b->figures[2].freq_hz, 1000.0, 0);
  assert_near(b->figures[2].vout_rms, 0.5, 0);
  ampsim_baseline_free(b);
  remove_dir(dir);
}

/* Load text as a baseline; expect code and a message that starts with
 * "PATH:LINE: " and contains needle. */
static void expect_load_error(const char *text, int code, long line, const char *needle)
{
  char dir[1024], path[1100], prefix[1200];
  ampsim_baseline *b = NULL;
  int rc;

  make_dir(dir, sizeof dir);
  baseline_file(path, sizeof path, dir, "bad.xml", text);
  rc = ampsim_check_load(&b, path);
  if (rc != code || b != NULL) {
    print_error("rc %d (expected %d): %s\n", rc, code, ampsim_error_last());
    fail();
  }
  snprintf(prefix, sizeof prefix, "%s:%ld: ", path, line);
  if (strncmp(ampsim_error_last(), prefix, strlen(prefix)) != 0 ||
      strstr(ampsim_error_last(), needle) == NULL) {
    print_error("message '%s', expected '%s...%s'\n", ampsim_error_last(), prefix, needle);
    fail();
  }
  remove_dir(dir);
}

static const char good_head[] = "<?xml version=\"1.0\"?>\n"
                                "<baseline design=\"amp.xml\" ampsim=\"0.1.0\" ngspice=\"39\">\n"
                                "  <figure name=\"gain_db\" value=\"9.54\"/>\n"
                                "  <figure name=\"thd_db\" freq=\"1000\" vout=\"1\" "
                                "value=\"-122.8\"/>\n";

static void truncated_baseline_is_a_parse_error_with_line(void **state)
{
  char text[1024];

  (void)state;
  /* Cut in the middle of the fifth line's tag. */
  snprintf(text, sizeof text, "%s  <figure name=\"noise_vrms\" val", good_head);
  expect_load_error(text, AMPSIM_EPARSE, 5, "truncated or corrupted");
  /* Cut after a complete line: the root is never closed (the parser
   * notices at the end, on the empty line 5). */
  snprintf(text, sizeof text, "%s", good_head);
  expect_load_error(text, AMPSIM_EPARSE, 5, "truncated or corrupted");
  expect_load_error("", AMPSIM_EPARSE, 1, "empty");
  expect_load_error("<?xml version=\"1.0\"?>\n\x01\x02garbage", AMPSIM_EPARSE, 2,
                    "truncated or corrupted");
}

static void corrupted_values_name_their_line(void **state)
{
  char text[2048];

  (void)state;
  snprintf(text, sizeof text, "%s  <figure name=\"noise_vrms\" value=\"2.2e-6x\"/>\n</baseline>\n",
           good_head);
  expect_load_error(text, AMPSIM_EPARSE, 5, "value=\"2.2e-6x\">: not a number");
  snprintf(text, sizeof text, "%s  <figure name=\"noise_vrms\" value=\"nan\"/>\n</baseline>\n",
           good_head);
  expect_load_error(text, AMPSIM_EPARSE, 5, "not a number");
  snprintf(text, sizeof text, "%s  <figure name=\"thd_db\" freq=\"1000\" vout=\"1\" "
           "value=\"-100\"/>\n</baseline>\n", good_head);
  expect_load_error(text, AMPSIM_EPARSE, 5, "given twice (first at line 4)");
  snprintf(text, sizeof text, "%s  <figure name=\"thd_pct\" value=\"1\"/>\n</baseline>\n",
           good_head);
  expect_load_error(text, AMPSIM_EPARSE, 5, "unknown figure 'thd_pct'");
  snprintf(text, sizeof text, "%s  <figure name=\"thd_db\" freq=\"20\" value=\"-1\"/>\n"
           "</baseline>\n", good_head);
  expect_load_error(text, AMPSIM_EPARSE, 5, "needs vout");
  snprintf(text, sizeof text, "%s  <figure name=\"gain_db\" freq=\"20\" value=\"1\"/>\n"
           "</baseline>\n", good_head);
  expect_load_error(text, AMPSIM_EPARSE, 5, "takes no freq");
  snprintf(text, sizeof text, "%s  <figure name=\"zout_ohms\" freq=\"20\" value=\"1\" "
           "tol-db=\"1\"/>\n</baseline>\n", good_head);
  expect_load_error(text, AMPSIM_EPARSE, 5, "takes tol-pct (relative, in %), not tol-db");
  snprintf(text, sizeof text, "%s  <figure name=\"gain_db\" value=\"1\" tol-db=\"-1\"/>\n"
           "</baseline>\n", good_head);
  expect_load_error(text, AMPSIM_EPARSE, 5, "must be 0 or more");
  snprintf(text, sizeof text, "%s  <defaults thd=\"1\"/>\n</baseline>\n", good_head);
  expect_load_error(text, AMPSIM_EPARSE, 5, "unknown attribute 'thd' on <defaults>");
  snprintf(text, sizeof text, "%s  <figures/>\n</baseline>\n", good_head);
  expect_load_error(text, AMPSIM_EPARSE, 5, "unknown element <figures>");
  expect_load_error("<?xml version=\"1.0\"?>\n<ampsim/>\n", AMPSIM_EPARSE, 2,
                    "a baseline's root is <baseline>");
  expect_load_error("<?xml version=\"1.0\"?>\n<baseline ampsim=\"0.1.0\"/>\n", AMPSIM_EPARSE, 2,
                    "has no design");
  /* No DTD, no entities: an external entity is never read. */
  expect_load_error("<?xml version=\"1.0\"?>\n<!DOCTYPE b [<!ENTITY x SYSTEM "
                    "\"file:///etc/passwd\">]>\n<baseline design=\"&x;\"/>\n",
                    AMPSIM_EPARSE, 2, "DOCTYPE declarations are not allowed");
}

static void missing_file_is_not_found(void **state)
{
  ampsim_baseline *b = NULL;

  (void)state;
  assert_int_equal(ampsim_check_load(&b, "/nonexistent/ampsim/ref.xml"), AMPSIM_ENOTFOUND);
  assert_null(b);
  assert_non_null(strstr(ampsim_error_last(), "/nonexistent/ampsim/ref.xml"));
  assert_int_equal(ampsim_check_load(NULL, "x.xml"), AMPSIM_EINVAL);
}

/* ------------------------------------------------------------------------ */
/* Tolerances                                                               */
/* ------------------------------------------------------------------------ */

static void defaults_are_in_one_place(void **state)
{
  ampsim_check_group group;
  ampsim_tolerance_kind kind;
  int has_freq, has_vout;

  (void)state;
  assert_near(ampsim_check_default_tolerance(AMPSIM_CHECK_THD), 0.5, 0);
  assert_near(ampsim_check_default_tolerance(AMPSIM_CHECK_ZOUT), 5.0, 0);
  assert_true(isnan(ampsim_check_default_tolerance(AMPSIM_CHECK_GROUP_COUNT)));
  assert_string_equal(ampsim_check_group_name(AMPSIM_CHECK_POWER), "power-pct");
  assert_int_equal(ampsim_check_figure_info("thdn_db", &group, &kind, &has_freq, &has_vout), 0);
  assert_int_equal(group, AMPSIM_CHECK_THDN);
  assert_int_equal(kind, AMPSIM_TOLERANCE_DB);
  assert_true(has_freq && has_vout);
  assert_int_equal(ampsim_check_figure_info("noise_vrms_a", &group, &kind, NULL, NULL), 0);
  assert_int_equal(group, AMPSIM_CHECK_NOISE);
  assert_int_equal(kind, AMPSIM_TOLERANCE_DB);
  assert_int_equal(ampsim_check_figure_info("pout_w_1pct", NULL, &kind, NULL, NULL), 0);
  assert_int_equal(kind, AMPSIM_TOLERANCE_PCT);
  assert_int_equal(ampsim_check_figure_info("dc_offset_mv", NULL, &kind, NULL, NULL), 0);
  assert_int_equal(kind, AMPSIM_TOLERANCE_MV);
  assert_int_equal(ampsim_check_figure_info("thd_pct", NULL, NULL, NULL, NULL),
                   AMPSIM_ENOTFOUND);
}

static void unchanged_measurement_passes(void **state)
{
  ampsim_measurement *m = sample_measurement();
  ampsim_baseline *b = baseline_of(m, stub_text);
  ampsim_check_result *r = compare(b, m);

  (void)state;
  assert_int_equal(r->n_items, b->n_figures);
  assert_int_equal(r->n_failed, 0);
  assert_int_equal(r->n_new, 0);
  assert_string_equal(r->warning, "");
  assert_int_equal(item_of(r, "thd_db (1 kHz, 1 Vrms)")->status, AMPSIM_CHECK_PASS);
  assert_near(item_of(r, "thd_db (1 kHz, 1 Vrms)")->difference, 0.0, 1e-12);
  ampsim_check_result_free(r);
  ampsim_baseline_free(b);
  free(m);
}

static void absolute_db_tolerance(void **state)
{
  ampsim_measurement *m = sample_measurement();
  ampsim_baseline *b = baseline_of(m, stub_text);
  ampsim_check_result *r;
  const ampsim_check_item *item;

  (void)state;
  m->thd[0].thd_db += 0.45;    /* default 0.5 dB: holds */
  m->thd[0].thdn_db -= 0.55;   /* moves too far */
  m->gain_db += 0.049;         /* default 0.05 dB: holds */
  m->crosstalk[4].db -= 1.5;   /* default 1 dB */
  r = compare(b, m);
  item = item_of(r, "thd_db (1 kHz, 1 Vrms)");
  assert_int_equal(item->status, AMPSIM_CHECK_PASS);
  assert_near(item->difference, 0.45, 1e-9);
  assert_near(item->tolerance, 0.5, 0);
  assert_int_equal(item->kind, AMPSIM_TOLERANCE_DB);
  item = item_of(r, "thdn_db (1 kHz, 1 Vrms)");
  assert_int_equal(item->status, AMPSIM_CHECK_FAIL);
  assert_near(item->difference, -0.55, 1e-9);
  assert_non_null(strstr(item->reason, "moved -0.55 dB, beyond the tolerance of 0.5 dB"));
  assert_int_equal(item_of(r, "gain_db")->status, AMPSIM_CHECK_PASS);
  assert_int_equal(item_of(r, "crosstalk_db (20 kHz)")->status, AMPSIM_CHECK_FAIL);
  assert_int_equal(r->n_failed, 2);
  ampsim_check_result_free(r);
  ampsim_baseline_free(b);
  free(m);
}

static void relative_tolerance(void **state)
{
  ampsim_measurement *m = sample_measurement();
  ampsim_baseline *b = baseline_of(m, stub_text);
  ampsim_check_result *r;
  const ampsim_check_item *item;

  (void)state;
  m->zout[0].ohms *= 1.04;     /* default 5 %: holds */
  m->zout[2].ohms *= 0.94;     /* -6 %: fails */
  m->zout[4].ohms *= 10.0;     /* a tenfold rise */
  m->pout_w_1pct *= 1.019;     /* default 2 %: holds */
  m->vout_rms_1pct *= 0.97;    /* -3 %: fails */
  r = compare(b, m);
  item = item_of(r, "zout_ohms (20 Hz)");
  assert_int_equal(item->status, AMPSIM_CHECK_PASS);
  assert_int_equal(item->kind, AMPSIM_TOLERANCE_PCT);
  assert_near(item->difference, 4.0, 1e-3); /* baseline rounded to 6 digits */
  item = item_of(r, "zout_ohms (1 kHz)");
  assert_int_equal(item->status, AMPSIM_CHECK_FAIL);
  assert_near(item->difference, -6.0, 1e-3);
  item = item_of(r, "zout_ohms (20 kHz)");
  assert_int_equal(item->status, AMPSIM_CHECK_FAIL);
  assert_near(item->difference, 900.0, 1e-2);
  assert_int_equal(item_of(r, "pout_w_1pct")->status, AMPSIM_CHECK_PASS);
  assert_int_equal(item_of(r, "vout_rms_1pct")->status, AMPSIM_CHECK_FAIL);
  assert_int_equal(r->n_failed, 3);
  ampsim_check_result_free(r);
  ampsim_baseline_free(b);
  free(m);
}

static void noise_is_compared_in_db(void **state)
{
  ampsim_measurement *m = sample_measurement();
  ampsim_baseline *b = baseline_of(m, stub_text);
  ampsim_check_result *r;
  const ampsim_check_item *item;

  (void)state;
  m->noise_vrms *= pow(10.0, 0.15 / 20.0);   /* +0.15 dB: holds (0.2 dB) */
  m->noise_vrms_a *= pow(10.0, -0.3 / 20.0); /* -0.3 dB: fails */
  r = compare(b, m);
  item = item_of(r, "noise_vrms");
  assert_int_equal(item->status, AMPSIM_CHECK_PASS);
  assert_near(item->difference, 0.15, 1e-4);
  item = item_of(r, "noise_vrms_a");
  assert_int_equal(item->status, AMPSIM_CHECK_FAIL);
  assert_near(item->difference, -0.3, 1e-4);
  ampsim_check_result_free(r);
  ampsim_baseline_free(b);
  free(m);
}

static void dc_offset_is_absolute_mv(void **state)
{
  ampsim_measurement *m = sample_measurement();
  ampsim_baseline *b = baseline_of(m, stub_text);
  ampsim_check_result *r;

  (void)state;
  m->dc_offset_mv += 0.04; /* 0.05 mV: holds, though 7 % relative */
  r = compare(b, m);
  assert_int_equal(item_of(r, "dc_offset_mv")->status, AMPSIM_CHECK_PASS);
  assert_near(item_of(r, "dc_offset_mv")->difference, 0.04, 1e-5);
  ampsim_check_result_free(r);
  m->dc_offset_mv += 0.02;
  r = compare(b, m);
  assert_int_equal(item_of(r, "dc_offset_mv")->status, AMPSIM_CHECK_FAIL);
  assert_int_equal(item_of(r, "dc_offset_mv")->kind, AMPSIM_TOLERANCE_MV);
  ampsim_check_result_free(r);
  ampsim_baseline_free(b);
  free(m);
}

static void per_figure_and_per_circuit_overrides(void **state)
{
  ampsim_measurement *m = sample_measurement();
  ampsim_baseline *b = baseline_of(m, "<baseline design=\"amp.xml\">\n"
                                      "  <defaults thd-db=\"2\" zout-pct=\"1\"/>\n"
                                      "</baseline>\n");
  ampsim_check_result *r;

  (void)state;
  figure_of(b, "thd_db", 20000.0, 1.0)->tolerance = 0.1;   /* the figure's own wins */
  figure_of(b, "zout_ohms", 20.0, NAN)->tolerance = 50.0;
  m->thd[0].thd_db += 1.5;   /* within the circuit's 2 dB, beyond the default 0.5 */
  m->thd[1].thd_db += 0.2;   /* beyond the figure's 0.1 dB */
  m->zout[0].ohms *= 1.3;    /* within its own 50 % */
  m->zout[2].ohms *= 1.03;   /* beyond the circuit's 1 %, within the default 5 % */
  r = compare(b, m);
  assert_int_equal(item_of(r, "thd_db (1 kHz, 1 Vrms)")->status, AMPSIM_CHECK_PASS);
  assert_near(item_of(r, "thd_db (1 kHz, 1 Vrms)")->tolerance, 2.0, 0);
  assert_int_equal(item_of(r, "thd_db (20 kHz, 1 Vrms)")->status, AMPSIM_CHECK_FAIL);
  assert_near(item_of(r, "thd_db (20 kHz, 1 Vrms)")->tolerance, 0.1, 0);
  assert_int_equal(item_of(r, "zout_ohms (20 Hz)")->status, AMPSIM_CHECK_PASS);
  assert_int_equal(item_of(r, "zout_ohms (1 kHz)")->status, AMPSIM_CHECK_FAIL);
  assert_near(item_of(r, "zout_ohms (1 kHz)")->tolerance, 1.0, 0);
  /* THD+N has no override: the built-in default. */
  assert_near(item_of(r, "thdn_db (1 kHz, 1 Vrms)")->tolerance, 0.5, 0);
  assert_int_equal(r->n_failed, 2);
  ampsim_check_result_free(r);
  ampsim_baseline_free(b);
  free(m);
}

static void update_keeps_tolerances(void **state)
{
  ampsim_measurement *m = sample_measurement();
  ampsim_baseline *b = baseline_of(m, "<baseline design=\"amp.xml\" design-name=\"x\">"
                                      "<defaults noise-db=\"0.7\"/></baseline>");
  ampsim_baseline *updated = NULL;

  (void)state;
  figure_of(b, "gain_db", NAN, NAN)->tolerance = 0.01;
  figure_of(b, "crosstalk_db", 20.0, NAN)->tolerance = 3.0;
  m->gain_db = 12.0;
  m->options.figures &= ~(unsigned)AMPSIM_FIG_CROSSTALK; /* no longer measured */
  assert_int_equal(ampsim_check_update(&updated, b, m), 0);
  assert_string_equal(updated->design_name, "x");
  assert_near(updated->defaults[AMPSIM_CHECK_NOISE], 0.7, 0);
  assert_near(figure_of(updated, "gain_db", NAN, NAN)->value, 12.0, 0);
  assert_near(figure_of(updated, "gain_db", NAN, NAN)->tolerance, 0.01, 0);
  assert_true(isnan(figure_of(updated, "dc_offset_mv", NAN, NAN)->tolerance));
  assert_int_equal(updated->n_figures, b->n_figures - 3);
  ampsim_baseline_free(updated);
  ampsim_baseline_free(b);
  free(m);
}

/* ------------------------------------------------------------------------ */
/* Nulls, missing and new figures, versions                                 */
/* ------------------------------------------------------------------------ */

static void null_against_null_passes(void **state)
{
  ampsim_measurement *m = sample_measurement();
  ampsim_baseline *b = baseline_of(m, stub_text);
  ampsim_check_result *r;
  const ampsim_check_item *item;

  (void)state;
  m->vout_rms_1pct = m->pout_w_1pct = NAN; /* 1 % not reached, now and then */
  figure_of(b, "vout_rms_1pct", NAN, NAN)->value = NAN;
  figure_of(b, "pout_w_1pct", NAN, NAN)->value = NAN;
  r = compare(b, m);
  item = item_of(r, "crosstalk_db (20 Hz)");
  assert_int_equal(item->status, AMPSIM_CHECK_PASS);
  assert_true(isnan(item->baseline) && isnan(item->now) && isnan(item->difference));
  assert_int_equal(item_of(r, "pout_w_1pct")->status, AMPSIM_CHECK_PASS);
  assert_int_equal(r->n_failed, 0);
  ampsim_check_result_free(r);
  ampsim_baseline_free(b);
  free(m);
}

static void null_against_number_fails_with_reason(void **state)
{
  ampsim_measurement *m = sample_measurement();
  ampsim_baseline *b = baseline_of(m, stub_text);
  ampsim_check_result *r;
  const ampsim_check_item *item;

  (void)state;
  m->crosstalk[0].db = -95.25;  /* was below the floor */
  m->crosstalk[4].db = NAN;     /* was -110 dB */
  m->pout_w_1pct = NAN;         /* was 1.75 W */
  r = compare(b, m);
  item = item_of(r, "crosstalk_db (20 Hz)");
  assert_int_equal(item->status, AMPSIM_CHECK_FAIL);
  assert_string_equal(item->reason, "baseline is null (below the numerical floor), now -95.25 dB");
  item = item_of(r, "crosstalk_db (20 kHz)");
  assert_int_equal(item->status, AMPSIM_CHECK_FAIL);
  assert_string_equal(item->reason, "now null (below the numerical floor), baseline -110.00 dB");
  item = item_of(r, "pout_w_1pct");
  assert_int_equal(item->status, AMPSIM_CHECK_FAIL);
  assert_string_equal(item->reason, "now null (1 % THD not reached), baseline 1.75 W");
  assert_int_equal(r->n_failed, 3);
  ampsim_check_result_free(r);
  ampsim_baseline_free(b);
  free(m);
}

static void missing_figure_fails_new_figure_is_reported(void **state)
{
  ampsim_measurement *m = sample_measurement();
  ampsim_baseline *b = baseline_of(m, stub_text);
  ampsim_check_result *r;
  const ampsim_check_item *item;

  (void)state;
  /* Now at 1 kHz only, but at two levels: 20 kHz is gone, 0.1 Vrms new. */
  m->options.n_freqs = 1;
  m->options.n_vouts = 2;
  m->options.vouts_rms[0] = 0.1;
  m->options.vouts_rms[1] = 1.0;
  m->thd[1] = m->thd[0];
  m->thd[0].vout_rms = 0.1;
  m->thd[0].thd_db = -130.0;
  r = compare(b, m);
  item = item_of(r, "thd_db (20 kHz, 1 Vrms)");
  assert_int_equal(item->status, AMPSIM_CHECK_FAIL);
  assert_non_null(strstr(item->reason, "not measured"));
  assert_int_equal(item_of(r, "thd_db (1 kHz, 1 Vrms)")->status, AMPSIM_CHECK_PASS);
  item = item_of(r, "thd_db (1 kHz, 100 mVrms)");
  assert_int_equal(item->status, AMPSIM_CHECK_NEW);
  assert_near(item->now, -130.0, 0);
  assert_int_equal(r->n_failed, 2); /* thd and thdn at 20 kHz */
  assert_int_equal(r->n_new, 2);
  assert_int_equal(r->n_items, b->n_figures + 2);
  ampsim_check_result_free(r);
  ampsim_baseline_free(b);
  free(m);
}

static void version_mismatch_is_a_warning(void **state)
{
  ampsim_measurement *m = sample_measurement();
  ampsim_baseline *b = baseline_of(m, stub_text);
  ampsim_check_result *r;

  (void)state;
  snprintf(b->ngspice_version, sizeof b->ngspice_version, "38");
  r = compare(b, m);
  assert_int_equal(r->n_failed, 0);
  assert_non_null(strstr(r->warning, "ngspice 38"));
  assert_non_null(strstr(r->warning, "now ampsim"));
  ampsim_check_result_free(r);
  /* A baseline that does not record versions has nothing to compare. */
  b->ngspice_version[0] = b->ampsim_version[0] = '\0';
  r = compare(b, m);
  assert_string_equal(r->warning, "");
  ampsim_check_result_free(r);
  ampsim_baseline_free(b);
  free(m);
}

static void table_marks_failures(void **state)
{
  ampsim_measurement *m = sample_measurement();
  ampsim_baseline *b = baseline_of(m, stub_text);
  ampsim_check_result *r;
  char *text = NULL;

  (void)state;
  m->thd[0].thd_db = -102.834;
  r = compare(b, m);
  assert_int_equal(ampsim_check_table(&text, r, 0), 0);
  assert_non_null(strstr(text, "figure"));
  assert_non_null(strstr(text, "tolerance"));
  assert_non_null(strstr(text, "thd_db (1 kHz, 1 Vrms)          -122.83 dB    -102.83 dB"
                               "    +20.00 dB     0.5 dB  FAIL"));
  assert_non_null(strstr(text, "gain_db"));
  assert_non_null(strstr(text, "1 FAILED"));
  free(text);
  assert_int_equal(ampsim_check_table(&text, r, 1), 0);
  assert_null(strstr(text, "gain_db"));
  assert_non_null(strstr(text, "FAIL"));
  free(text);
  ampsim_check_result_free(r);
  ampsim_baseline_free(b);
  free(m);
}

/* ------------------------------------------------------------------------ */
/* Running                                                                  */
/* ------------------------------------------------------------------------ */

static void run_without_baseline_reports_the_error(void **state)
{
  ampsim_check_result *r = NULL;

  (void)state;
  assert_int_equal(ampsim_check_run(&r, "/nonexistent/ampsim/ref.xml", NULL), AMPSIM_ENOTFOUND);
  assert_non_null(r);
  assert_int_equal(r->error_code, AMPSIM_ENOTFOUND);
  assert_non_null(strstr(r->error, "/nonexistent/ampsim/ref.xml"));
  assert_string_equal(r->name, "ref");
  assert_int_equal(r->n_items, 0);
  ampsim_check_result_free(r);
}

static void run_refuses_empty_baseline_and_missing_design(void **state)
{
  ampsim_check_options options = AMPSIM_CHECK_OPTIONS_INIT;
  ampsim_check_result *r = NULL;
  char dir[1024], path[1100];

  (void)state;
  make_dir(dir, sizeof dir);
  baseline_file(path, sizeof path, dir, "ref.xml", stub_text);
  assert_int_equal(ampsim_check_run(&r, path, NULL), AMPSIM_EINVAL);
  assert_non_null(strstr(r->error, "no figures yet"));
  assert_non_null(strstr(r->error, "--update"));
  ampsim_check_result_free(r);
  /* With --update the design is read: here it does not exist. */
  options.update = 1;
  assert_int_equal(ampsim_check_run(&r, path, &options), AMPSIM_ENOTFOUND);
  assert_non_null(strstr(r->error, "designs/amp.xml"));
  assert_int_equal(r->updated, 0);
  ampsim_check_result_free(r);
  /* The baseline is untouched. */
  {
    char *text = read_text(path);
    assert_string_equal(text, stub_text);
    free(text);
  }
  remove_dir(dir);
}

/* ------------------------------------------------------------------------ */
/* JUnit                                                                    */
/* ------------------------------------------------------------------------ */

/* The shared JUnit schema, or NULL when this checkout has none. */
static const char *junit_schema(char *buf, size_t size)
{
  const char *shared = getenv("AMPSIM_SHARED_DIR");
  struct stat st;

  if (shared != NULL && shared[0] != '\0')
    snprintf(buf, size, "%s/schemas/junit.xsd", shared);
  else
    snprintf(buf, size, "%s/../../shared/schemas/junit.xsd", AMPSIM_TEST_DIR);
  return stat(buf, &st) == 0 ? buf : NULL;
}

static double xpath_number(struct _xmlDoc *doc, const char *expr)
{
  struct _xmlXPathContext *ctx = xmlXPathNewContext(doc);
  struct _xmlXPathObject *obj;
  double v;

  assert_non_null(ctx);
  obj = xmlXPathEvalExpression((const unsigned char *)expr, ctx);
  assert_non_null(obj);
  v = xmlXPathCastToNumber(obj);
  xmlXPathFreeObject(obj);
  xmlXPathFreeContext(ctx);
  return v;
}

/* The string value of expr (caller frees). */
static char *xpath_string(struct _xmlDoc *doc, const char *expr)
{
  struct _xmlXPathContext *ctx = xmlXPathNewContext(doc);
  struct _xmlXPathObject *obj;
  char *v;

  assert_non_null(ctx);
  obj = xmlXPathEvalExpression((const unsigned char *)expr, ctx);
  assert_non_null(obj);
  v = (char *)xmlXPathCastToString(obj);
  xmlXPathFreeObject(obj);
  xmlXPathFreeContext(ctx);
  assert_non_null(v);
  return v;
}

/* Validate doc against the shared schema, or say why that is skipped. */
static void validate_junit(struct _xmlDoc *doc, const char *what)
{
  char path[2048];
  struct _xmlSchemaParserCtxt *pctx;
  struct _xmlSchema *schema;
  struct _xmlSchemaValidCtxt *vctx;

  if (junit_schema(path, sizeof path) == NULL) {
    printf("skipped: schema validation of %s (no %s; it is in the shared folder that CI "
           "has)\n", what, path);
    return;
  }
  pctx = xmlSchemaNewParserCtxt(path);
  assert_non_null(pctx);
  schema = xmlSchemaParse(pctx);
  assert_non_null(schema);
  vctx = xmlSchemaNewValidCtxt(schema);
  assert_non_null(vctx);
  if (xmlSchemaValidateDoc(vctx, doc) != 0) {
    print_error("%s does not validate against %s\n", what, path);
    fail();
  }
  xmlSchemaFreeValidCtxt(vctx);
  xmlSchemaFree(schema);
  xmlSchemaFreeParserCtxt(pctx);
}

static void junit_parses_and_validates(void **state)
{
  ampsim_measurement *m = sample_measurement();
  ampsim_baseline *b = baseline_of(m, stub_text);
  ampsim_check_result *results[3] = { NULL, NULL, NULL };
  struct _xmlDoc *doc;
  char *xml = NULL, *s;

  (void)state;
  snprintf(b->path, sizeof b->path, "netlists/reference/amp-se-32.xml");
  results[0] = compare(b, m);                 /* all pass */
  m->thd[0].thd_db = -102.834;                /* one regression */
  m->options.n_vouts = 2;                     /* and two new figures */
  m->options.n_freqs = 1;
  m->options.vouts_rms[1] = 3.0;
  m->thd[1] = m->thd[0];
  m->thd[1].vout_rms = 3.0;
  m->thd[0].vout_rms = 1.0;
  snprintf(b->path, sizeof b->path, "netlists/reference/amp-btl-300.xml");
  figure_of(b, "thd_db", 1000.0, 1.0)->line = 7;
  results[1] = compare(b, m);
  /* and one that could not run */
  assert_int_equal(ampsim_check_run(&results[2], "/nonexistent/ampsim/gone.xml", NULL),
                   AMPSIM_ENOTFOUND);

  assert_int_equal(ampsim_check_junit(&xml, (const ampsim_check_result *const *)results, 3,
                                      "ci-runner"), 0);
  doc = xmlReadMemory(xml, (int)strlen(xml), "report.xml", NULL, 0);
  if (doc == NULL) {
    print_error("not well-formed:\n%s\n", xml);
    fail();
  }
  assert_near(xpath_number(doc, "count(/testsuites/testsuite)"), 3, 0);
  assert_near(xpath_number(doc, "count(/testsuites/testsuite[1]/testcase)"),
              (double)results[0]->n_items, 0);
  assert_near(xpath_number(doc, "/testsuites/testsuite[1]/@failures"), 0, 0);
  assert_near(xpath_number(doc, "/testsuites/testsuite[2]/@failures"),
              (double)results[1]->n_failed, 0);
  assert_near(xpath_number(doc, "/testsuites/testsuite[2]/@skipped"), 2, 0);
  assert_near(xpath_number(doc, "/testsuites/testsuite[2]/@id"), 1, 0);
  assert_near(xpath_number(doc, "/testsuites/testsuite[3]/@errors"), 1, 0);
  assert_near(xpath_number(doc, "count(/testsuites/testsuite[3]/testcase/error)"), 1, 0);

  s = xpath_string(doc, "/testsuites/testsuite[2]/@name");
  assert_string_equal(s, "amp-btl-300");
  free(s);
  s = xpath_string(doc, "/testsuites/testsuite[1]/@hostname");
  assert_string_equal(s, "ci-runner");
  free(s);
  s = xpath_string(doc, "/testsuites/testsuite[2]/testcase[failure]/@name");
  assert_string_equal(s, "thd_db (1 kHz, 1 Vrms)");
  free(s);
  s = xpath_string(doc, "/testsuites/testsuite[2]/testcase[failure]/@classname");
  assert_string_equal(s, "ampsim.check.amp-btl-300");
  free(s);
  /* The numbers are in the failure's message and text. */
  s = xpath_string(doc, "/testsuites/testsuite[2]/testcase/failure/@message");
  assert_non_null(strstr(s, "baseline -122.83 dB, now -102.83 dB, difference +20.00 dB, "
                            "tolerance 0.5 dB"));
  free(s);
  s = xpath_string(doc, "/testsuites/testsuite[2]/testcase/failure");
  assert_non_null(strstr(s, "netlists/reference/amp-btl-300.xml:7: "));
  assert_non_null(strstr(s, "+20.00 dB"));
  free(s);
  s = xpath_string(doc, "/testsuites/testsuite[1]/system-out");
  assert_non_null(strstr(s, "all within tolerance"));
  free(s);
  s = xpath_string(doc, "/testsuites/testsuite[3]/testcase/error/@message");
  assert_non_null(strstr(s, "/nonexistent/ampsim/gone.xml"));
  free(s);
  s = xpath_string(doc, "/testsuites/testsuite[1]/properties/property[@name='ngspice_version']"
                        "/@value");
  assert_string_equal(s, "39");
  free(s);
  s = xpath_string(doc, "/testsuites/testsuite[1]/@timestamp");
  assert_int_equal(strlen(s), 19);
  assert_int_equal(s[10], 'T');
  free(s);
  validate_junit(doc, "the JUnit report");

  xmlFreeDoc(doc);
  free(xml);
  ampsim_check_result_free(results[0]);
  ampsim_check_result_free(results[1]);
  ampsim_check_result_free(results[2]);
  ampsim_baseline_free(b);
  free(m);
}

static void junit_carries_any_text_safely(void **state)
{
  ampsim_measurement *m = sample_measurement();
  ampsim_baseline *b = baseline_of(m, stub_text);
  ampsim_check_result *r;
  struct _xmlDoc *doc;
  char *xml = NULL, *s, dir[1024], path[1100];
  const ampsim_check_result *one[1];

  (void)state;
  r = compare(b, m);
  /* Markup, quotes, control characters, invalid UTF-8 and valid UTF-8. */
  snprintf(r->name, sizeof r->name, "a<b>&\"c\"");
  snprintf(r->warning, sizeof r->warning, "bell\a esc\x1b bad\xff\xfe ok \xc3\xa9 ]]>");
  snprintf(r->design_name, sizeof r->design_name, "line1\nline2\r\n");
  one[0] = r;
  assert_int_equal(ampsim_check_junit(&xml, one, 1, NULL), 0);
  doc = xmlReadMemory(xml, (int)strlen(xml), "report.xml", NULL, 0);
  assert_non_null(doc);
  s = xpath_string(doc, "/testsuites/testsuite/@name");
  assert_string_equal(s, "a<b>&\"c\"");
  free(s);
  s = xpath_string(doc, "/testsuites/testsuite/system-err");
  assert_non_null(strstr(s, "bell? esc? bad?? ok \xc3\xa9 ]]>"));
  free(s);
  s = xpath_string(doc, "/testsuites/testsuite/@hostname");
  assert_true(strlen(s) > 0);
  free(s);
  validate_junit(doc, "a JUnit report with odd text");
  xmlFreeDoc(doc);

  /* Saved atomically. */
  make_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/report.xml", dir);
  assert_int_equal(ampsim_check_junit_save(path, one, 1, "h"), 0);
  free(xml);
  xml = read_text(path);
  assert_non_null(strstr(xml, "<testsuites>"));
  assert_int_equal(count_entries(dir), 1);
  remove_dir(dir);

  free(xml);
  ampsim_check_result_free(r);
  ampsim_baseline_free(b);
  free(m);
}

static void junit_of_nothing_is_valid(void **state)
{
  struct _xmlDoc *doc;
  char *xml = NULL;

  (void)state;
  assert_int_equal(ampsim_check_junit(&xml, NULL, 0, "h"), 0);
  doc = xmlReadMemory(xml, (int)strlen(xml), "report.xml", NULL, 0);
  assert_non_null(doc);
  assert_near(xpath_number(doc, "count(/testsuites)"), 1, 0);
  validate_junit(doc, "an empty JUnit report");
  xmlFreeDoc(doc);
  free(xml);
}

static const struct CMUnitTest tests[] = {
  cmocka_unit_test(update_records_every_figure),
  cmocka_unit_test(save_and_load_round_trip),
  cmocka_unit_test(load_reads_every_attribute),
  cmocka_unit_test(truncated_baseline_is_a_parse_error_with_line),
  cmocka_unit_test(corrupted_values_name_their_line),
  cmocka_unit_test(missing_file_is_not_found),
  cmocka_unit_test(defaults_are_in_one_place),
  cmocka_unit_test(unchanged_measurement_passes),
  cmocka_unit_test(absolute_db_tolerance),
  cmocka_unit_test(relative_tolerance),
  cmocka_unit_test(noise_is_compared_in_db),
  cmocka_unit_test(dc_offset_is_absolute_mv),
  cmocka_unit_test(per_figure_and_per_circuit_overrides),
  cmocka_unit_test(update_keeps_tolerances),
  cmocka_unit_test(null_against_null_passes),
  cmocka_unit_test(null_against_number_fails_with_reason),
  cmocka_unit_test(missing_figure_fails_new_figure_is_reported),
  cmocka_unit_test(version_mismatch_is_a_warning),
  cmocka_unit_test(table_marks_failures),
  cmocka_unit_test(run_without_baseline_reports_the_error),
  cmocka_unit_test(run_refuses_empty_baseline_and_missing_design),
  cmocka_unit_test(junit_parses_and_validates),
  cmocka_unit_test(junit_carries_any_text_safely),
  cmocka_unit_test(junit_of_nothing_is_valid),
};

AMPSIM_TEST_MAIN(tests)
