/*
 * test_design.c - design files (src/lib/design.c): parsing to the right
 * values, defaults, several designs, every refusal with its exact
 * "file:line: message", XXE, includes, stage parameters, the parts listing.
 *
 * The files are tests/data/design/ (good) and tests/bad/design/ (bad, each
 * with its expected message on its first line). Cases that check messages
 * chdir into the file's folder so that messages name files as the user
 * would: "missing_subckt.xml:4: parts/stages.cir: ...". No simulation here.
 */
#include "test_main.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ampsim/ampsim.h"

#define DATA_DIR AMPSIM_TEST_DIR "/data/design"
#define BAD_DIR AMPSIM_TEST_DIR "/bad/design"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

/* Working folder changes, undone by leave(). */
static char saved_cwd[4096];

static void enter(const char *dir)
{
  assert_non_null(getcwd(saved_cwd, sizeof saved_cwd));
  assert_int_equal(chdir(dir), 0);
}

static void leave(void)
{
  assert_int_equal(chdir(saved_cwd), 0);
}

/* Load path (relative to the current folder); expect success. */
static ampsim_design_list *load_ok(const char *path)
{
  ampsim_design_list *list = NULL;
  int rc = ampsim_design_load(&list, path);
  if (rc != 0)
    print_error("ampsim_design_load(%s): %d %s\n", path, rc, ampsim_error_last());
  assert_int_equal(rc, 0);
  assert_non_null(list);
  return list;
}

/* Load path, then check every design; the first failure's code. */
static int load_and_check(const char *path)
{
  ampsim_design_list *list = NULL;
  size_t i;
  int rc;

  ampsim_error_clear();
  rc = ampsim_design_load(&list, path);
  for (i = 0; rc == 0 && i < list->n; i++)
    rc = ampsim_design_check(&list->items[i]);
  ampsim_design_list_free(list);
  return rc;
}

/* The expected message on a bad file's first line (<!-- expect: X -->). */
static void expected_message(char *out, size_t size, const char *path)
{
  char line[2048];
  FILE *f = fopen(path, "r");
  size_t n;

  assert_non_null(f);
  assert_non_null(fgets(line, sizeof line, f));
  fclose(f);
  n = strlen(line);
  while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
    line[--n] = '\0';
  assert_true(strncmp(line, "<!-- expect: ", 13) == 0);
  assert_true(n > 17 && strcmp(line + n - 4, " -->") == 0);
  line[n - 4] = '\0';
  snprintf(out, size, "%s", line + 13);
}

/* The message matches expected, where a trailing "..." means "starts
 * with". */
static int message_matches(const char *message, const char *expected)
{
  size_t n = strlen(expected);
  if (n >= 3 && strcmp(expected + n - 3, "...") == 0)
    return strncmp(message, expected, n - 3) == 0;
  return strcmp(message, expected) == 0;
}

/* A bad file of the corpus (run from its folder) is refused with code and
 * exactly the message on its first line. */
static void expect_bad(const char *file, int code)
{
  char expected[2048];
  int rc;

  enter(BAD_DIR);
  expected_message(expected, sizeof expected, file);
  rc = load_and_check(file);
  if (!message_matches(ampsim_error_last(), expected))
    print_error("%s:\n  got      %s\n  expected %s\n", file, ampsim_error_last(), expected);
  assert_true(message_matches(ampsim_error_last(), expected));
  assert_int_equal(rc, code);
  leave();
}

/* Write text to dir/name. */
static void write_file(const char *dir, const char *name, const char *text)
{
  char path[4096];
  FILE *f;

  snprintf(path, sizeof path, "%s/%s", dir, name);
  f = fopen(path, "w");
  assert_non_null(f);
  assert_int_equal(fputs(text, f) >= 0, 1);
  assert_int_equal(fclose(f), 0);
}

/* A fresh temporary folder (removed by remove_tree()). */
static void make_temp_dir(char *out, size_t size)
{
  const char *tmp = getenv("TMPDIR");
  snprintf(out, size, "%s/ampsim-design-test.XXXXXX", tmp != NULL ? tmp : "/tmp");
  assert_non_null(mkdtemp(out));
}

static void remove_tree(const char *dir)
{
  DIR *d = opendir(dir);
  struct dirent *de;
  char path[4096];

  assert_non_null(d);
  while ((de = readdir(d)) != NULL) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
    assert_int_equal(unlink(path), 0);
  }
  closedir(d);
  assert_int_equal(rmdir(dir), 0);
}

/* Load the design text from a temporary file "design.xml" (run from its
 * folder); returns the code and leaves the list in *out (may be NULL). */
static int load_text(ampsim_design_list **out, const char *text)
{
  char dir[4096];
  int rc;

  make_temp_dir(dir, sizeof dir);
  write_file(dir, "design.xml", text);
  enter(dir);
  ampsim_error_clear();
  rc = ampsim_design_load(out, "design.xml");
  leave();
  remove_tree(dir);
  return rc;
}

/* load_text() expecting an error with exactly this message. */
static void expect_text_error(const char *text, int code, const char *message)
{
  ampsim_design_list *list = NULL;
  int rc = load_text(&list, text);
  if (strcmp(ampsim_error_last(), message) != 0)
    print_error("got      %s\nexpected %s\n", ampsim_error_last(), message);
  assert_string_equal(ampsim_error_last(), message);
  assert_int_equal(rc, code);
  assert_null(list);
}

/* ------------------------------------------------------------------------ */
/* Good files                                                               */
/* ------------------------------------------------------------------------ */

static void full_design_parses(void **state)
{
  ampsim_design_list *list;
  const ampsim_design *d;
  (void)state;

  enter(DATA_DIR);
  list = load_ok("full.xml");
  assert_int_equal(list->n, 3);
  d = &list->items[0];
  assert_string_equal(d->name, "buffer btl into 300 ohm");
  assert_string_equal(d->origin, "full.xml:7");
  assert_string_equal(d->base_dir, ".");
  assert_string_equal(d->stage_spec, "opamp-buffer");
  assert_string_equal(d->stage_origin, "full.xml:12");
  assert_string_equal(d->options.bench.stage_params, "gain=5 re=4.7 ibias=0.0025");
  assert_int_equal(d->options.bench.topology, AMPSIM_TOPOLOGY_BTL);
  assert_near(d->options.bench.supply_v, 12.0, 0.0);
  assert_near(d->options.bench.supply_ohms, 0.1, 1e-15);
  assert_string_equal(d->load_spec, "dynamic300");
  assert_string_equal(d->load_origin, "full.xml:21");
  assert_null(d->options.bench.load_model);
  assert_near(d->options.bench.ground_ohms, 0.05, 1e-15);
  assert_int_equal(d->options.figures, AMPSIM_FIG_ALL);
  assert_int_equal(d->options.n_freqs, 2);
  assert_near(d->options.freqs_hz[0], 1000.0, 0.0);
  assert_near(d->options.freqs_hz[1], 10000.0, 0.0);
  assert_int_equal(d->options.n_vouts, 3);
  assert_near(d->options.vouts_rms[0], 0.1, 1e-15);
  assert_near(d->options.vouts_rms[1], 1.0, 0.0);
  assert_near(d->options.vouts_rms[2], 2.5, 0.0);
  assert_int_equal(d->n_includes, 1);
  assert_string_equal(d->includes[0], "models.lib");
  assert_string_equal(d->include_origins[0], "full.xml:11");

  /* Names built from the values; files relative to the design's folder. */
  d = &list->items[1];
  assert_string_equal(d->name, "param_stage se my_headphone");
  assert_string_equal(d->origin, "full.xml:24");
  assert_string_equal(d->stage_spec, "param_stage.cir:param_stage");
  assert_string_equal(d->load_spec, "loads/my_headphone.cir:my_headphone");
  assert_int_equal(d->options.figures, AMPSIM_FIG_GAIN | AMPSIM_FIG_ZOUT);
  d = &list->items[2];
  assert_string_equal(d->name, "param_stage se 1500 ohm");
  assert_string_equal(d->load_spec, "");
  assert_string_equal(d->load_origin, "");
  assert_near(d->options.bench.load_ohms, 1500.0, 0.0);
  assert_near(d->options.bench.supply_v, 10.0, 0.0);
  ampsim_design_list_free(list);
  leave();
}

static void defaults(void **state)
{
  const ampsim_measure_options init = AMPSIM_MEASURE_OPTIONS_INIT;
  ampsim_design_list *list = NULL;
  const ampsim_design *d;
  ampsim_design blank;
  (void)state;

  assert_int_equal(load_text(&list, "<ampsim><design><stage ref=\"opamp-buffer\"/>"
                                    "</design></ampsim>"),
                   0);
  assert_int_equal(list->n, 1);
  d = &list->items[0];
  assert_string_equal(d->name, "opamp-buffer se 32 ohm");
  assert_string_equal(d->origin, "design.xml:1");
  assert_string_equal(d->load_spec, "");
  assert_string_equal(d->options.bench.stage_params, "");
  assert_int_equal(d->n_includes, 0);
  assert_int_equal(d->options.bench.topology, init.bench.topology);
  assert_near(d->options.bench.load_ohms, init.bench.load_ohms, 0.0);
  assert_near(d->options.bench.ground_ohms, init.bench.ground_ohms, 0.0);
  assert_near(d->options.bench.supply_v, init.bench.supply_v, 0.0);
  assert_near(d->options.bench.supply_ohms, init.bench.supply_ohms, 0.0);
  assert_int_equal(d->options.n_freqs, init.n_freqs);
  assert_near(d->options.freqs_hz[0], init.freqs_hz[0], 0.0);
  assert_int_equal(d->options.n_vouts, init.n_vouts);
  assert_near(d->options.vouts_rms[0], init.vouts_rms[0], 0.0);
  assert_int_equal(d->options.figures, init.figures);
  assert_int_equal(d->options.jobs, init.jobs);
  assert_near(d->options.task_timeout_s, init.task_timeout_s, 0.0);
  assert_near(d->options.thd_tolerance_db, init.thd_tolerance_db, 0.0);
  ampsim_design_list_free(list);

  /* A design from nothing: the same defaults, from the command line. */
  ampsim_design_init(&blank);
  assert_string_equal(blank.origin, "command line");
  assert_string_equal(blank.stage_spec, "");
  assert_string_equal(blank.base_dir, "");
  assert_near(blank.options.bench.load_ohms, 32.0, 0.0);
  assert_int_equal(blank.options.figures, init.figures);
}

static void several_designs(void **state)
{
  ampsim_design_list *list;
  (void)state;

  /* From another folder: paths keep the design file's folder. */
  list = load_ok(DATA_DIR "/linear.xml");
  assert_int_equal(list->n, 2);
  assert_string_equal(list->items[0].name, "linear se");
  assert_string_equal(list->items[1].name, "linear btl");
  assert_string_equal(list->items[0].origin, DATA_DIR "/linear.xml:6");
  assert_string_equal(list->items[1].origin, DATA_DIR "/linear.xml:14");
  assert_string_equal(list->items[0].base_dir, DATA_DIR);
  assert_string_equal(list->items[0].stage_spec, DATA_DIR "/../../stages/linear.cir:linear");
  assert_int_equal(list->items[0].options.bench.topology, AMPSIM_TOPOLOGY_SE);
  assert_int_equal(list->items[1].options.bench.topology, AMPSIM_TOPOLOGY_BTL);
  assert_int_equal(list->items[0].options.figures, AMPSIM_FIG_GAIN);
  /* Each design has its own values: the second has no <supply>. */
  assert_near(list->items[1].options.bench.supply_v, 15.0, 0.0);
  assert_int_equal(ampsim_design_check(&list->items[0]), 0);
  assert_int_equal(ampsim_design_check(&list->items[1]), 0);
  ampsim_design_list_free(list);
  ampsim_design_list_free(NULL);
}

static void engineering_numbers(void **state)
{
  ampsim_design_list *list = NULL;
  const ampsim_design *d;
  (void)state;

  assert_int_equal(
      load_text(&list, "<ampsim><design name='n'><stage ref='opamp-buffer'/>"
                       "<supply volts='+1.5e1' ohms='.5'/><load ohms='4.7K'/>"
                       "<cable ground-ohms='50000u'/>"
                       "<measure><thd freq='20 2e4 1k' vout='1meg 1Meg 1MEG 100m 1f 1p 1n'/>"
                       "</measure></design></ampsim>"),
      AMPSIM_EINVAL);
  /* 1meg Vrms is out of range: the list is checked item by item. */
  assert_string_equal(ampsim_error_last(),
                      "design.xml:1: <thd vout=\"1meg 1Meg 1MEG 100m 1f 1p 1n\">: '1meg' must be "
                      "at most 1000 volts RMS");
  assert_int_equal(
      load_text(&list, "<ampsim><design name='n'><stage ref='opamp-buffer'/>"
                       "<supply volts='+1.5e1' ohms='.5'/><load ohms='4.7K'/>"
                       "<cable ground-ohms='50000u'/>"
                       "<measure><thd freq='20 2e4 1k' vout='1k 100m 1f 1p 1n 1G'/>"
                       "</measure></design></ampsim>"),
      AMPSIM_EINVAL);
  assert_string_equal(ampsim_error_last(),
                      "design.xml:1: <thd vout=\"1k 100m 1f 1p 1n 1G\">: '1G' must be at most "
                      "1000 volts RMS");
  assert_int_equal(
      load_text(&list, "<ampsim><design name='n'><stage ref='opamp-buffer'/>"
                       "<supply volts='+1.5e1' ohms='.5'/><load ohms='4.7K'/>"
                       "<cable ground-ohms='50000u'/>"
                       "<measure><thd freq='20 2e4 1k' vout='1k 100m 1f 1p 1n'/>"
                       "</measure></design></ampsim>"),
      0);
  d = &list->items[0];
  assert_near(d->options.bench.supply_v, 15.0, 0.0);
  assert_near(d->options.bench.supply_ohms, 0.5, 0.0);
  assert_near(d->options.bench.load_ohms, 4700.0, 1e-9);
  assert_near(d->options.bench.ground_ohms, 0.05, 1e-15);
  assert_int_equal(d->options.n_freqs, 3);
  assert_near(d->options.freqs_hz[0], 20.0, 0.0);
  assert_near(d->options.freqs_hz[1], 20000.0, 0.0);
  assert_near(d->options.vouts_rms[0], 1000.0, 0.0);
  assert_near(d->options.vouts_rms[1], 0.1, 1e-15);
  assert_near(d->options.vouts_rms[2], 1e-15, 1e-29);
  assert_near(d->options.vouts_rms[3], 1e-12, 1e-26);
  assert_near(d->options.vouts_rms[4], 1e-9, 1e-23);
  ampsim_design_list_free(list);
}

static void set_param_merges(void **state)
{
  ampsim_design d;
  char long_value[64];
  int i, rc = 0;
  (void)state;

  ampsim_design_init(&d);
  assert_int_equal(ampsim_design_set_param(&d, "gain", "5"), 0);
  assert_int_equal(ampsim_design_set_param(&d, "rg", "1k"), 0);
  assert_int_equal(ampsim_design_set_param(&d, "ibias", "4.7u"), 0);
  assert_string_equal(d.options.bench.stage_params, "gain=5 rg=1000 ibias=4.7e-06");
  /* The same name again replaces it, whatever its case. */
  assert_int_equal(ampsim_design_set_param(&d, "GAIN", "-2.5"), 0);
  assert_string_equal(d.options.bench.stage_params, "GAIN=-2.5 rg=1000 ibias=4.7e-06");
  assert_int_equal(ampsim_bench_check(&d.options.bench), 0);

  assert_int_equal(ampsim_design_set_param(&d, "gain", "five"), AMPSIM_EINVAL);
  assert_string_equal(ampsim_error_last(),
                      "parameter gain: 'five' is not a number; write e.g. 5, 4.7u or 1k "
                      "(suffixes f p n u m k meg G T, no unit)");
  assert_int_equal(ampsim_design_set_param(&d, "gain", "1M"), AMPSIM_EINVAL);
  assert_string_equal(ampsim_error_last(),
                      "parameter gain: '1M' is ambiguous (write m for milli, meg for mega)");
  assert_int_equal(ampsim_design_set_param(&d, "gain", "1e999"), AMPSIM_EINVAL);
  assert_string_equal(ampsim_error_last(), "parameter gain: '1e999' is not a finite number");
  assert_int_equal(ampsim_design_set_param(&d, "g ain", "1"), AMPSIM_EINVAL);
  assert_string_equal(ampsim_error_last(),
                      "'g ain' is not a parameter name (a letter, then letters, digits or _, "
                      "at most 32 in all)");
  assert_int_equal(ampsim_design_set_param(&d, "x=1 y", "1"), AMPSIM_EINVAL);
  /* Nothing changed by the failures. */
  assert_string_equal(d.options.bench.stage_params, "GAIN=-2.5 rg=1000 ibias=4.7e-06");

  /* Until they no longer fit. */
  for (i = 0; i < 100 && rc == 0; i++) {
    snprintf(long_value, sizeof long_value, "p%02d", i);
    rc = ampsim_design_set_param(&d, long_value, "123456");
  }
  assert_int_equal(rc, AMPSIM_EINVAL);
  assert_string_equal(ampsim_error_last(),
                      "stage parameters: too many (at most 255 characters of name=value pairs)");
  assert_true(strlen(d.options.bench.stage_params) < 256);
  assert_int_equal(ampsim_bench_check(&d.options.bench), 0);
}

/* The includes come first in the stage's text; the load is opened. */
static void open_prepends_includes(void **state)
{
  ampsim_design_list *list;
  ampsim_stage *stage = NULL, *load = NULL;
  (void)state;

  enter(DATA_DIR);
  list = load_ok("single.xml");
  assert_int_equal(ampsim_design_open(&stage, &load, &list->items[0]), 0);
  assert_non_null(stage);
  assert_non_null(load);
  assert_string_equal(stage->subckt, "param_stage");
  assert_true(strncmp(stage->text, "* design include models.lib\n", 28) == 0);
  assert_non_null(strstr(stage->text, ".subckt amp_core"));
  assert_true(strstr(stage->text, ".subckt amp_core") < strstr(stage->text, ".subckt param_stage"));
  assert_string_equal(load->subckt, "res300");
  ampsim_stage_free(stage);
  ampsim_stage_free(load);
  ampsim_design_list_free(list);
  leave();
}

/* ------------------------------------------------------------------------ */
/* Refusals (files of tests/bad/design)                                     */
/* ------------------------------------------------------------------------ */

static void malformed_xml(void **state)
{
  (void)state;
  expect_bad("malformed.xml", AMPSIM_EPARSE);
  expect_bad("empty.xml", AMPSIM_EPARSE);
}

static void unknown_element(void **state)
{
  (void)state;
  expect_bad("unknown_element.xml", AMPSIM_EPARSE);
  expect_bad("wrong_root.xml", AMPSIM_EPARSE);
}

static void schema_invalid_attribute(void **state)
{
  (void)state;
  expect_bad("unknown_attribute.xml", AMPSIM_EPARSE);
  expect_bad("unknown_topology.xml", AMPSIM_EINVAL);
  expect_bad("stage_ref_and_file.xml", AMPSIM_EPARSE);
  expect_bad("unknown_figure.xml", AMPSIM_EINVAL);
}

static void wrong_units(void **state)
{
  (void)state;
  expect_bad("wrong_units_ohms.xml", AMPSIM_EINVAL);
  expect_bad("wrong_units_volts.xml", AMPSIM_EINVAL);
  expect_bad("freq_with_unit.xml", AMPSIM_EINVAL);
  expect_bad("ambiguous_mega.xml", AMPSIM_EINVAL);
}

static void negative_ohms(void **state)
{
  (void)state;
  expect_bad("negative_ohms.xml", AMPSIM_EINVAL);
  expect_bad("zero_load.xml", AMPSIM_EINVAL);
}

static void missing_subckt(void **state)
{
  (void)state;
  expect_bad("missing_subckt.xml", AMPSIM_ENOTFOUND);
}

static void wrong_pin_count(void **state)
{
  (void)state;
  expect_bad("wrong_pin_count.xml", AMPSIM_EINVAL);
  expect_bad("load_pin_count.xml", AMPSIM_EINVAL);
}

static void unknown_bundled_part(void **state)
{
  (void)state;
  expect_bad("unknown_stage.xml", AMPSIM_ENOTFOUND);
  expect_bad("unknown_load.xml", AMPSIM_ENOTFOUND);
  expect_bad("unknown_param.xml", AMPSIM_EINVAL);
}

static void include_outside_folder(void **state)
{
  (void)state;
  expect_bad("include_outside.xml", AMPSIM_EDENIED);
  expect_bad("include_escape.xml", AMPSIM_EDENIED);
}

static void structure_errors(void **state)
{
  (void)state;
  expect_bad("no_stage.xml", AMPSIM_EPARSE);
  expect_bad("two_loads.xml", AMPSIM_EPARSE);
  expect_bad("no_designs.xml", AMPSIM_EPARSE);
  expect_bad("duplicate_name.xml", AMPSIM_EINVAL);
  expect_bad("duplicate_param.xml", AMPSIM_EPARSE);
  expect_bad("freq_above_band.xml", AMPSIM_EINVAL);
}

static void xxe_refused(void **state)
{
  (void)state;
  expect_bad("xxe.xml", AMPSIM_EPARSE);
  expect_bad("xxe_external_dtd.xml", AMPSIM_EPARSE);
  expect_bad("billion_laughs.xml", AMPSIM_EPARSE);
}

/* The entity's target is a FIFO with no writer: any attempt to read it
 * would block, and the alarm would end the test. */
static void xxe_does_not_read_the_file(void **state)
{
  static const char *const designs[] = {
    "<?xml version='1.0'?>\n<!DOCTYPE ampsim [<!ENTITY s SYSTEM 'secret'>]>\n"
    "<ampsim><design name='&s;'><stage ref='opamp-buffer'/></design></ampsim>\n",
    "<?xml version='1.0'?>\n<!DOCTYPE ampsim SYSTEM 'secret'>\n"
    "<ampsim><design><stage ref='opamp-buffer'/></design></ampsim>\n",
    "<?xml version='1.0'?>\n<!DOCTYPE ampsim [<!ENTITY % p SYSTEM 'secret'> %p;]>\n"
    "<ampsim><design><stage ref='opamp-buffer'/></design></ampsim>\n",
  };
  ampsim_design_list *list = NULL;
  char dir[4096], fifo[4096];
  size_t i;
  (void)state;

  make_temp_dir(dir, sizeof dir);
  snprintf(fifo, sizeof fifo, "%s/secret", dir);
  assert_int_equal(mkfifo(fifo, 0600), 0);
  enter(dir);
  for (i = 0; i < sizeof designs / sizeof designs[0]; i++) {
    write_file(".", "design.xml", designs[i]);
    alarm(20);
    assert_int_equal(ampsim_design_load(&list, "design.xml"), AMPSIM_EPARSE);
    alarm(0);
    assert_null(list);
    assert_string_equal(ampsim_error_last(),
                        "design.xml:2: DOCTYPE declarations are not allowed in a design file "
                        "(no DTDs, no entities)");
  }
  /* Nobody has the FIFO open for reading: a writer cannot open it. */
  assert_int_equal(open("secret", O_WRONLY | O_NONBLOCK), -1);
  assert_int_equal(errno, ENXIO);
  leave();
  remove_tree(dir);
}

/* Every file of the corpus gives the message on its first line, through
 * the library as through the tool (tests/cli/bad_designs.sh). */
static void corpus_messages(void **state)
{
  DIR *d;
  struct dirent *de;
  int count = 0;
  (void)state;

  d = opendir(BAD_DIR);
  assert_non_null(d);
  while ((de = readdir(d)) != NULL) {
    char expected[2048];
    size_t n = strlen(de->d_name);
    int rc;
    if (n < 5 || strcmp(de->d_name + n - 4, ".xml") != 0)
      continue;
    enter(BAD_DIR);
    expected_message(expected, sizeof expected, de->d_name);
    rc = load_and_check(de->d_name);
    if (rc == 0 || !message_matches(ampsim_error_last(), expected))
      print_error("%s: rc %d\n  got      %s\n  expected %s\n", de->d_name, rc,
                  ampsim_error_last(), expected);
    assert_int_not_equal(rc, 0);
    assert_true(message_matches(ampsim_error_last(), expected));
    leave();
    count++;
  }
  closedir(d);
  assert_true(count >= 20);
}

static void other_errors(void **state)
{
  ampsim_design_list *list = NULL;
  char dir[4096];
  (void)state;

  assert_int_equal(ampsim_design_load(&list, "/nonexistent/design.xml"), AMPSIM_ENOTFOUND);
  assert_string_equal(ampsim_error_last(), "/nonexistent/design.xml: No such file or directory");
  assert_int_equal(ampsim_design_load(&list, DATA_DIR), AMPSIM_EIO);
  assert_string_equal(ampsim_error_last(), DATA_DIR ": Is a directory");
  assert_null(list);
  assert_int_equal(ampsim_design_load(NULL, "x.xml"), AMPSIM_EINVAL);

  /* Zero bytes: libxml2 gives no parser at all for them (this was "out of
   * memory" once). */
  expect_text_error("", AMPSIM_EPARSE, "design.xml:1: the file is empty");
  expect_text_error("<ampsim xmlns='urn:x'><design><stage ref='a'/></design></ampsim>",
                    AMPSIM_EPARSE, "design.xml:1: <ampsim> must not have a namespace (no xmlns)");
  expect_text_error("<ampsim>\n<design>\n<stage ref='a'>text</stage>\n</design>\n</ampsim>",
                    AMPSIM_EPARSE,
                    "design.xml:3: unexpected text 'text' in <stage> (expected <param "
                    "name=\"NAME\" value=\"NUMBER\"/>)");
  expect_text_error("<ampsim>\n<design>\n<stage file='a.cir'/>\n</design>\n</ampsim>",
                    AMPSIM_EPARSE, "design.xml:3: <stage file=\"a.cir\"> needs subckt=\"NAME\" too");
  expect_text_error("<ampsim>\n<design>\n<stage ref='../x'/>\n</design>\n</ampsim>",
                    AMPSIM_EPARSE,
                    "design.xml:3: <stage ref=\"../x\">: not a bundled part's name (a plain word "
                    "such as opamp-buffer; for a file write file=\"FILE\" subckt=\"NAME\")");
  expect_text_error("<ampsim>\n<design>\n<stage ref='a'/>\n<load ohms='32' ref='res32'/>\n"
                    "</design>\n</ampsim>",
                    AMPSIM_EPARSE,
                    "design.xml:4: <load> takes one of ohms=\"R\", ref=\"NAME\", or file=\"FILE\" "
                    "with subckt=\"NAME\", not several");
  expect_text_error("<ampsim>\n<design>\n<stage ref='a'/>\n<measure><thd freq=''/></measure>\n"
                    "</design>\n</ampsim>",
                    AMPSIM_EINVAL, "design.xml:4: <thd freq=\"\">: give at least one number");
  expect_text_error("<ampsim>\n<design>\n<stage ref='a'/>\n<measure><thd freq='1 2 3 4 5 6 7 8 "
                    "9 10 11 12 13 14 15 16 17'/></measure>\n</design>\n</ampsim>",
                    AMPSIM_EINVAL,
                    "design.xml:4: <thd freq=\"1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\">: too "
                    "many values (at most 16)");
  expect_text_error("<ampsim>\n<design name='a&#10;b'>\n<stage ref='a'/>\n</design>\n</ampsim>",
                    AMPSIM_EINVAL, "design.xml:2: <design name=...>: the name must be one line");
  expect_text_error("<ampsim>\n<design>\n<stage ref='a'/>\n<topology></topology>\n</design>\n"
                    "</ampsim>",
                    AMPSIM_EINVAL, "design.xml:4: empty <topology> (expected se, btl, se-split or active-ground)");
  expect_text_error("<ampsim>\n<design>\n<stage ref='a'/>\n<xi:include xmlns:xi="
                    "'http://www.w3.org/2001/XInclude' href='/etc/passwd'/>\n</design>\n</ampsim>",
                    AMPSIM_EPARSE,
                    "design.xml:4: unknown element <xi:include> in <design> (expected include, "
                    "stage, topology, supply, load, cable, volume, measure, sweep)");

  /* A file bigger than any design: refused unread. */
  make_temp_dir(dir, sizeof dir);
  {
    char path[4096];
    FILE *f;
    snprintf(path, sizeof path, "%s/big.xml", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fseek(f, 17L * 1024 * 1024, SEEK_SET), 0);
    assert_int_equal(fputc('\n', f), '\n');
    assert_int_equal(fclose(f), 0);
    assert_int_equal(ampsim_design_load(&list, path), AMPSIM_EIO);
    assert_non_null(strstr(ampsim_error_last(), "too large for a design file"));
  }
  remove_tree(dir);
}

/* Messages go to the error, never to stderr (libxml2 prints by default). */
static void prints_nothing(void **state)
{
  static const char *const files[] = { "malformed.xml", "unknown_element.xml",
                                       "wrong_units_ohms.xml", "xxe.xml", "empty.xml" };
  char dir[4096], path[4096];
  struct stat st;
  int saved, fd;
  size_t i;
  (void)state;

  make_temp_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/stderr", dir);
  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  assert_true(fd >= 0);
  fflush(stderr);
  saved = dup(2);
  assert_true(saved >= 0);
  assert_int_equal(dup2(fd, 2), 2);
  enter(BAD_DIR);
  for (i = 0; i < sizeof files / sizeof files[0]; i++)
    (void)load_and_check(files[i]);
  leave();
  fflush(stderr);
  assert_int_equal(dup2(saved, 2), 2);
  close(saved);
  close(fd);
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(st.st_size, 0);
  remove_tree(dir);
}

static void check_refuses_unknown_param(void **state)
{
  ampsim_design d;
  (void)state;

  ampsim_design_init(&d);
  snprintf(d.stage_spec, sizeof d.stage_spec, "opamp-buffer");
  assert_int_equal(ampsim_design_set_param(&d, "gain", "5"), 0);
  assert_int_equal(ampsim_design_check(&d), 0);
  assert_int_equal(ampsim_design_set_param(&d, "gian", "5"), 0);
  assert_int_equal(ampsim_design_check(&d), AMPSIM_EINVAL);
  /* A command-line design: no origin in front. */
  assert_true(strncmp(ampsim_error_last(),
                      "stage 'opamp-buffer' has no parameter 'gian' (its parameters: gain, rg, ",
                      71) == 0);
  /* A stage without parameters. */
  snprintf(d.stage_spec, sizeof d.stage_spec, "%s", AMPSIM_TEST_DIR "/stages/linear.cir:linear");
  snprintf(d.stage_origin, sizeof d.stage_origin, "x.xml:3");
  assert_int_equal(ampsim_design_check(&d), AMPSIM_EINVAL);
  assert_string_equal(ampsim_error_last(),
                      "x.xml:3: stage '" AMPSIM_TEST_DIR
                      "/stages/linear.cir:linear' takes no parameters, but gain is given");
  /* No stage at all. */
  ampsim_design_init(&d);
  assert_int_equal(ampsim_design_check(&d), AMPSIM_EINVAL);
  assert_string_equal(ampsim_error_last(), "no stage given");
  /* A load from the command line: its origin in front. */
  snprintf(d.stage_spec, sizeof d.stage_spec, "opamp-buffer");
  snprintf(d.load_spec, sizeof d.load_spec, "dynamic301");
  snprintf(d.load_origin, sizeof d.load_origin, "--load");
  assert_int_equal(ampsim_design_check(&d), AMPSIM_ENOTFOUND);
  assert_true(strncmp(ampsim_error_last(), "--load: unknown load 'dynamic301'", 33) == 0);
}

static void list_parts(void **state)
{
  ampsim_part_list *parts = NULL;
  const ampsim_part_info *p = NULL;
  size_t i;
  (void)state;

  assert_int_equal(ampsim_design_list_parts(&parts, "stages"), 0);
  for (i = 0; i < parts->n; i++) {
    if (i > 0)
      assert_true(strcmp(parts->items[i - 1].name, parts->items[i].name) < 0);
    if (strcmp(parts->items[i].name, "opamp-buffer") == 0)
      p = &parts->items[i];
  }
  assert_non_null(p);
  assert_string_equal(p->subckt, "opamp_buffer");
  assert_string_equal(p->pins, "in out vp vn gnd");
  assert_true(strncmp(p->params, "gain=3 rg=1k ", 13) == 0);
  assert_string_equal(p->description, "bundled example stage");
  assert_non_null(strstr(p->path, "stages/opamp-buffer.cir"));
  ampsim_design_part_list_free(parts);

  assert_int_equal(ampsim_design_list_parts(&parts, "loads"), 0);
  p = NULL;
  for (i = 0; i < parts->n; i++)
    if (strcmp(parts->items[i].name, "dynamic300") == 0)
      p = &parts->items[i];
  assert_non_null(p);
  assert_string_equal(p->subckt, "dynamic300");
  assert_string_equal(p->pins, "hot ret");
  assert_string_equal(p->params, "re=300 le=1m res=300 lces=0.2513 cmes=11.17u");
  assert_string_equal(p->description,
                      "300 ohm dynamic headphone driver (Thiele-Small electrical analog)");
  ampsim_design_part_list_free(parts);

  assert_int_equal(ampsim_design_list_parts(&parts, "opamps"), 0);
  assert_true(parts->n >= 2);
  assert_string_equal(parts->items[0].name, "audio-lownoise");
  assert_string_equal(parts->items[0].subckt, "opamp_lownoise");
  assert_string_equal(parts->items[0].pins, "inp inn out vp vn");
  ampsim_design_part_list_free(parts);

  assert_int_equal(ampsim_design_list_parts(&parts, "widgets"), AMPSIM_EINVAL);
  assert_null(parts);
  assert_string_equal(ampsim_error_last(),
                      "unknown kind of part 'widgets' (expected stages, loads or opamps)");
  ampsim_design_part_list_free(NULL);
}

static const struct CMUnitTest tests[] = {
  cmocka_unit_test(full_design_parses),
  cmocka_unit_test(defaults),
  cmocka_unit_test(several_designs),
  cmocka_unit_test(engineering_numbers),
  cmocka_unit_test(set_param_merges),
  cmocka_unit_test(open_prepends_includes),
  cmocka_unit_test(malformed_xml),
  cmocka_unit_test(unknown_element),
  cmocka_unit_test(schema_invalid_attribute),
  cmocka_unit_test(wrong_units),
  cmocka_unit_test(negative_ohms),
  cmocka_unit_test(missing_subckt),
  cmocka_unit_test(wrong_pin_count),
  cmocka_unit_test(unknown_bundled_part),
  cmocka_unit_test(include_outside_folder),
  cmocka_unit_test(structure_errors),
  cmocka_unit_test(xxe_refused),
  cmocka_unit_test(xxe_does_not_read_the_file),
  cmocka_unit_test(corpus_messages),
  cmocka_unit_test(other_errors),
  cmocka_unit_test(prints_nothing),
  cmocka_unit_test(check_refuses_unknown_param),
  cmocka_unit_test(list_parts),
};

AMPSIM_TEST_MAIN(tests)
