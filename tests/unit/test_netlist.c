/*
 * test_netlist.c - the stage-file reader (include/ampsim/netlist.h): include
 * expansion and its folder policy, the constructs refused because ngspice
 * would run or read something, text checks, subcircuit lookup and stage
 * resolution. Error tests compare the whole message, file:line included.
 *
 * Fixtures live in tests/data/netlist/; cases that need symlinks, binary
 * bytes or many variants write them into a mkdtemp() folder.
 */
/* realpath(), mkdtemp() and symlink() are XSI. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif

#include "test_main.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "ampsim/error.h"
#include "ampsim/netlist.h"

#define FX(rel) AMPSIM_TEST_DIR "/data/netlist/" rel

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------ */

/* The canonical fixture folder, as the library prints included files. */
static const char *fixture_dir(void)
{
  static char dir[PATH_MAX];
  assert_non_null(realpath(FX(""), dir));
  return dir;
}

static void expect_error(int rc, int code, const char *message)
{
  assert_int_equal(rc, code);
  assert_int_equal(ampsim_error_last_code(), code);
  assert_string_equal(ampsim_error_last(), message);
}

/* A scratch folder with the files a test writes, removed afterwards. */
/* Short buffers on purpose: expected messages hold several of these paths. */
typedef struct scratch {
  char dir[256];
  char paths[16][512];
  int is_dir[16];
  int n;
} scratch;

static void scratch_open(scratch *s)
{
  char tmpl[] = "/tmp/ampsim-netlist-XXXXXX";
  char *made = mkdtemp(tmpl);
  char *real;
  assert_non_null(made);
  /* Canonical, so that expected messages match what realpath() gives. */
  real = realpath(made, NULL);
  assert_non_null(real);
  assert_true(strlen(real) < sizeof s->dir);
  memcpy(s->dir, real, strlen(real) + 1);
  free(real);
  s->n = 0;
}

static const char *scratch_path(scratch *s, const char *rel)
{
  assert_true(s->n < 16);
  snprintf(s->paths[s->n], sizeof s->paths[s->n], "%s/%s", s->dir, rel);
  s->is_dir[s->n] = 0;
  return s->paths[s->n++];
}

static const char *scratch_mkdir(scratch *s, const char *rel)
{
  const char *path = scratch_path(s, rel);
  s->is_dir[s->n - 1] = 1;
  assert_int_equal(mkdir(path, 0700), 0);
  return path;
}

static const char *scratch_write(scratch *s, const char *rel, const char *data, size_t n)
{
  const char *path = scratch_path(s, rel);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, n, f), n);
  assert_int_equal(fclose(f), 0);
  return path;
}

static const char *scratch_text(scratch *s, const char *rel, const char *text)
{
  return scratch_write(s, rel, text, strlen(text));
}

static void scratch_close(scratch *s)
{
  while (s->n > 0) {
    s->n--;
    if (s->is_dir[s->n])
      assert_int_equal(rmdir(s->paths[s->n]), 0);
    else
      assert_int_equal(unlink(s->paths[s->n]), 0);
  }
  assert_int_equal(rmdir(s->dir), 0);
}

/* ------------------------------------------------------------------------ */
/* Include expansion                                                         */
/* ------------------------------------------------------------------------ */

static void include_nested_relative(void **state)
{
  char expected[8192];
  char *text = NULL;
  const char *d = fixture_dir();
  (void)state;

  assert_int_equal(ampsim_netlist_load(&text, FX("include/top.cir"), NULL), 0);
  snprintf(expected, sizeof expected,
           "* Nested, relative includes: top -> sub/mid.cir -> ../leaf.cir\n"
           "* begin include %s/include/sub/mid.cir\n"
           "* mid: included from ../top.cir, includes ../leaf.cir\n"
           "* begin include %s/include/leaf.cir\n"
           "* leaf\n"
           ".param rleaf=1k\n"
           "* end include %s/include/leaf.cir\n"
           ".subckt mid_buf in out vp vn gnd\n"
           "R1 in out {rleaf}\n"
           ".ends\n"
           "* end include %s/include/sub/mid.cir\n"
           ".subckt top_stage in out vp vn gnd\n"
           "X1 in out vp vn gnd mid_buf\n"
           ".ends\n",
           d, d, d, d);
  assert_string_equal(text, expected);
  free(text);
}

static void lib_section(void **state)
{
  char expected[8192];
  char *text = NULL;
  const char *d = fixture_dir();
  (void)state;

  assert_int_equal(ampsim_netlist_load(&text, FX("lib/uses_lib.cir"), NULL), 0);
  /* Only section tt, with the section it references from the same file. */
  snprintf(expected, sizeof expected,
           "* Takes one section of a vendor library.\n"
           "* begin lib %s/lib/vendor.lib tt\n"
           "* begin lib %s/lib/vendor.lib common\n"
           ".model dcommon D(is=1e-14)\n"
           "* end lib %s/lib/vendor.lib common\n"
           ".param corner=0\n"
           "* end lib %s/lib/vendor.lib tt\n"
           ".subckt lib_stage in out vp vn gnd\n"
           "D1 in out dcommon\n"
           ".ends\n",
           d, d, d, d);
  assert_string_equal(text, expected);
  free(text);
}

/* A library with sections, included whole, would leave ".lib common" in the
 * netlist: an error to ngspice 39, and an include of a file "common" in its
 * LTspice/PSpice modes. */
static void lib_whole_file_refused(void **state)
{
  char expected[4096];
  char *text = NULL;
  int rc;
  (void)state;

  rc = ampsim_netlist_load(&text, FX("lib/whole.cir"), NULL);
  snprintf(expected, sizeof expected,
           "%s/lib/vendor.lib:2: '.lib common' defines a library section, which a stage can only "
           "take with .lib FILE common (left in the netlist it is an error in ngspice, and in "
           "its LTspice/PSpice modes it reads a file 'common')",
           fixture_dir());
  expect_error(rc, AMPSIM_EDENIED, expected);
  assert_null(text);
}

static void lib_missing_section(void **state)
{
  char expected[4096];
  char *text = NULL;
  int rc;
  (void)state;

  rc = ampsim_netlist_load(&text, FX("lib/missing_section.cir"), NULL);
  snprintf(expected, sizeof expected,
           "%s:2: .lib section 'ss' not found in %s/lib/vendor.lib (sections: common, ff, tt)",
           FX("lib/missing_section.cir"), fixture_dir());
  expect_error(rc, AMPSIM_ENOTFOUND, expected);
  assert_null(text);
}

static void lib_section_without_endl(void **state)
{
  scratch s;
  char expected[4096];
  char *text = NULL;
  const char *top;
  int rc;
  (void)state;

  scratch_open(&s);
  scratch_text(&s, "v.lib", "* no .endl\n.lib tt\n.param a=1\n");
  top = scratch_text(&s, "top.cir", ".lib v.lib tt\n");
  rc = ampsim_netlist_load(&text, top, NULL);
  snprintf(expected, sizeof expected, "%s/v.lib:2: .lib section without .endl", s.dir);
  expect_error(rc, AMPSIM_EPARSE, expected);
  scratch_close(&s);
}

static void include_missing_file(void **state)
{
  scratch s;
  char expected[4096];
  char *text = NULL;
  const char *top;
  int rc;
  (void)state;

  scratch_open(&s);
  top = scratch_text(&s, "top.cir", "* line 1\n.include 'nothere.cir'\n");
  rc = ampsim_netlist_load(&text, top, NULL);
  snprintf(expected, sizeof expected,
           "%s:2: .include file 'nothere.cir' not found (looked for %s/nothere.cir)", top, s.dir);
  expect_error(rc, AMPSIM_ENOTFOUND, expected);
  scratch_close(&s);
}

/* ------------------------------------------------------------------------ */
/* Continuation lines and the shape of the output                            */
/* ------------------------------------------------------------------------ */

static void continuation_joined(void **state)
{
  char *text = NULL;
  (void)state;

  assert_int_equal(ampsim_netlist_load(&text, FX("cont.cir"), NULL), 0);
  assert_string_equal(text, "* Continuation lines.\n"
                            ".subckt cont in out vp vn gnd\n"
                            "R1 in out 1k tc1=0\n"
                            "* a comment between the lines\n"
                            "; another kind of comment between them\n"
                            ".ends\n");
  free(text);
}

static void continuation_line_numbers(void **state)
{
  char expected[4096];
  char *text = NULL;
  int rc;
  (void)state;

  /* The refused parameter is on line 7; the statement starts on line 4. */
  rc = ampsim_netlist_load(&text, FX("cont_model.cir"), NULL);
  snprintf(expected, sizeof expected,
           "%s:4: .model 'src_model' names a file (file=): models that read or write files are "
           "not allowed in a stage file",
           FX("cont_model.cir"));
  expect_error(rc, AMPSIM_EDENIED, expected);

  /* After three lines joined into one, the next line is still line 5. */
  rc = ampsim_netlist_load(&text, FX("cont_after.cir"), NULL);
  snprintf(expected, sizeof expected,
           "%s:5: '.tran' is not allowed in a stage file (the test bench runs the analyses; a "
           "stage only defines circuits)",
           FX("cont_after.cir"));
  expect_error(rc, AMPSIM_EDENIED, expected);
  assert_null(text);
}

static void continuation_orphan(void **state)
{
  scratch s;
  char expected[4096];
  char *text = NULL;
  const char *top;
  int rc;
  (void)state;

  scratch_open(&s);
  top = scratch_text(&s, "top.cir", "* nothing before\n+ 1k\n");
  rc = ampsim_netlist_load(&text, top, NULL);
  snprintf(expected, sizeof expected,
           "%s:2: continuation line ('+') with no statement to continue", top);
  expect_error(rc, AMPSIM_EPARSE, expected);
  scratch_close(&s);
}

static void title_end_dropped_comments_kept(void **state)
{
  char *text = NULL;
  (void)state;

  /* The first line is a statement (no title line), a line ending in two
   * backslashes continues on the next, .end goes. */
  assert_int_equal(ampsim_netlist_load(&text, FX("format.cir"), NULL), 0);
  assert_string_equal(text, "* comment kept\n"
                            ".subckt fmt in out vp vn gnd ; trailing comment kept\n"
                            "R1 in out 1k\n"
                            ".ends\n");
  free(text);
}

static void crlf_normalised(void **state)
{
  scratch s;
  char *text = NULL;
  const char *top;
  (void)state;

  scratch_open(&s);
  top = scratch_text(&s, "crlf.cir", "* dos\r\n.subckt d in out vp vn gnd\r\nR1 in out\r\n+ 1k\r\n"
                                     ".ends\r\n");
  assert_int_equal(ampsim_netlist_load(&text, top, NULL), 0);
  assert_string_equal(text, "* dos\n.subckt d in out vp vn gnd\nR1 in out 1k\n.ends\n");
  free(text);
  scratch_close(&s);
}

/* ------------------------------------------------------------------------ */
/* The folder policy                                                         */
/* ------------------------------------------------------------------------ */

static void include_dotdot_refused(void **state)
{
  const char *d = fixture_dir();
  const char *allowed[] = { FX("") };
  ampsim_netlist_policy policy = AMPSIM_NETLIST_POLICY_INIT;
  char expected[4096];
  char *text = NULL;
  int rc;
  (void)state;

  rc = ampsim_netlist_load(&text, FX("escape/dotdot.cir"), NULL);
  snprintf(expected, sizeof expected,
           "%s:2: .include of '../outside.cir' refused: it resolves to '%s/outside.cir', outside "
           "the allowed folders (%s/escape)",
           FX("escape/dotdot.cir"), d, d);
  expect_error(rc, AMPSIM_EDENIED, expected);
  assert_null(text);

  /* Allowed once the parent folder is in the policy. */
  policy.allowed_dirs = allowed;
  policy.n_allowed_dirs = 1;
  assert_int_equal(ampsim_netlist_load(&text, FX("escape/dotdot.cir"), &policy), 0);
  assert_non_null(strstr(text, "\n.param outside=1\n"));
  free(text);
}

static void include_absolute_refused(void **state)
{
  char expected[4096];
  char *text = NULL;
  int rc;
  (void)state;

  rc = ampsim_netlist_load(&text, FX("escape/passwd.cir"), NULL);
  snprintf(expected, sizeof expected,
           "%s:2: .include of '/etc/passwd' refused: outside the allowed folders (%s/escape)",
           FX("escape/passwd.cir"), fixture_dir());
  expect_error(rc, AMPSIM_EDENIED, expected);
}

static void include_symlink_refused(void **state)
{
  scratch s;
  char expected[4096];
  char *text = NULL;
  const char *top, *link;
  int rc;
  (void)state;

  scratch_open(&s);
  scratch_mkdir(&s, "allowed");
  scratch_mkdir(&s, "outside");
  scratch_text(&s, "outside/secret.cir", ".param secret=42\n");
  link = scratch_path(&s, "allowed/link.cir");
  assert_int_equal(symlink("../outside/secret.cir", link), 0);
  top = scratch_text(&s, "allowed/stage.cir", ".include link.cir\n");
  rc = ampsim_netlist_load(&text, top, NULL);
  snprintf(expected, sizeof expected,
           "%s:1: .include of 'link.cir' refused: it resolves to '%s/outside/secret.cir', outside "
           "the allowed folders (%s/allowed)",
           top, s.dir, s.dir);
  expect_error(rc, AMPSIM_EDENIED, expected);
  assert_null(text);
  scratch_close(&s);
}

/* A folder /x/b does not allow /x/bc: the check is on whole path components. */
static void include_prefix_is_not_folder(void **state)
{
  scratch s;
  char expected[4096];
  char allowed_dir[512];
  const char *allowed[1];
  ampsim_netlist_policy policy = AMPSIM_NETLIST_POLICY_INIT;
  char *text = NULL;
  const char *top;
  int rc;
  (void)state;

  scratch_open(&s);
  scratch_mkdir(&s, "b");
  scratch_mkdir(&s, "bc");
  scratch_text(&s, "bc/x.cir", ".param x=1\n");
  scratch_mkdir(&s, "b/stage");
  top = scratch_text(&s, "b/stage/top.cir", ".include ../../bc/x.cir\n");
  snprintf(allowed_dir, sizeof allowed_dir, "%s/b", s.dir);
  allowed[0] = allowed_dir;
  policy.allowed_dirs = allowed;
  policy.n_allowed_dirs = 1;
  rc = ampsim_netlist_load(&text, top, &policy);
  snprintf(expected, sizeof expected,
           "%s:1: .include of '../../bc/x.cir' refused: it resolves to '%s/bc/x.cir', outside the "
           "allowed folders (%s/b/stage, %s/b)",
           top, s.dir, s.dir, s.dir);
  expect_error(rc, AMPSIM_EDENIED, expected);
  scratch_close(&s);
}

static void include_loop_depth(void **state)
{
  ampsim_netlist_policy policy = AMPSIM_NETLIST_POLICY_INIT;
  char top[PATH_MAX], expected[4096];
  const char *d = fixture_dir();
  char *text = NULL;
  int rc;
  (void)state;

  snprintf(top, sizeof top, "%s/loop/a.cir", d);
  policy.max_include_depth = 3;
  rc = ampsim_netlist_load(&text, top, &policy);
  snprintf(expected, sizeof expected,
           "%s/loop/b.cir:2: includes nested more than 3 deep (an include loop?): "
           "%s/loop/a.cir -> %s/loop/b.cir -> %s/loop/a.cir -> %s/loop/b.cir -> %s/loop/a.cir",
           d, d, d, d, d, d);
  expect_error(rc, AMPSIM_EDENIED, expected);
  assert_null(text);

  /* The default policy stops it too. */
  rc = ampsim_netlist_load(&text, top, NULL);
  assert_int_equal(rc, AMPSIM_EDENIED);
  assert_non_null(strstr(ampsim_error_last(), "includes nested more than 16 deep"));
}

static void too_large_refused(void **state)
{
  ampsim_netlist_policy policy = AMPSIM_NETLIST_POLICY_INIT;
  char expected[4096];
  char *text = NULL;
  struct stat st;
  int rc;
  (void)state;

  assert_int_equal(stat(FX("stages.cir"), &st), 0);
  policy.max_bytes = 64;
  rc = ampsim_netlist_load(&text, FX("stages.cir"), &policy);
  snprintf(expected, sizeof expected, "%s: too large (%lld bytes; the limit is 64)",
           FX("stages.cir"), (long long)st.st_size);
  expect_error(rc, AMPSIM_EDENIED, expected);
}

/* Repeated includes are bounded by max_bytes: by the text they produce, and
 * by the input they make the reader go through (lines that produce nothing,
 * like .end, included again and again). */
static void expansion_limits(void **state)
{
  ampsim_netlist_policy policy = AMPSIM_NETLIST_POLICY_INIT;
  scratch s;
  char expected[4096], many[2048];
  const char *top;
  char *text = NULL;
  size_t i, used = 0, begin, body, end;
  int rc, line = 0;
  (void)state;

  scratch_open(&s);
  policy.max_bytes = 1000;

  /* 40 includes of an 11-byte file (720 + 11 bytes read): the output, with
   * its begin/end comment lines, outgrows the limit first. Find where. */
  scratch_text(&s, "part.cir", ".param p=1\n");
  many[0] = '\0';
  for (i = 0; i < 40; i++)
    strcat(many, ".include part.cir\n");
  top = scratch_text(&s, "many.cir", many);
  begin = strlen("* begin include ") + strlen(s.dir) + strlen("/part.cir\n");
  body = strlen(".param p=1\n");
  end = strlen("* end include ") + strlen(s.dir) + strlen("/part.cir\n");
  for (i = 1; line == 0; i++) {
    /* The limit must fall on a comment line of many.cir, not on part.cir's. */
    assert_false(used + begin <= 1000 && used + begin + body > 1000);
    if (used + begin + body + end > 1000)
      line = (int)i;
    used += begin + body + end;
  }
  rc = ampsim_netlist_load(&text, top, &policy);
  snprintf(expected, sizeof expected,
           "%s:%d: the expanded netlist would exceed 1000 bytes (includes too large or repeated "
           "too often)",
           top, line);
  expect_error(rc, AMPSIM_EDENIED, expected);

  /* 100 ".end" lines (500 bytes) produce no output: the second include
   * goes past 1000 bytes of input at line 95 (14 + 500 + 14 + 5 * 95). */
  many[0] = '\0';
  for (i = 0; i < 100; i++)
    strcat(many, ".end\n");
  scratch_text(&s, "ends.cir", many);
  top = scratch_text(&s, "ends_top.cir", ".inc ends.cir\n.inc ends.cir\n.inc ends.cir\n");
  rc = ampsim_netlist_load(&text, top, &policy);
  snprintf(expected, sizeof expected,
           "%s/ends.cir:95: expanding the netlist would process more than 1000 bytes (includes "
           "too large or repeated too often)",
           s.dir);
  expect_error(rc, AMPSIM_EDENIED, expected);
  assert_null(text);
  scratch_close(&s);
}

/* ------------------------------------------------------------------------ */
/* Refused constructs                                                        */
/* ------------------------------------------------------------------------ */

static void control_refused(void **state)
{
  char expected[4096];
  char *text = NULL;
  int rc;
  (void)state;

  rc = ampsim_netlist_load(&text, FX("control.cir"), NULL);
  snprintf(expected, sizeof expected,
           "%s:5: .control blocks are not allowed in a stage file (netlists may not run commands)",
           FX("control.cir"));
  expect_error(rc, AMPSIM_EDENIED, expected);
  assert_null(text);
}

/* ngspice recognises .control by prefix, after any leading blanks, in any
 * case. */
static void control_variants_refused(void **state)
{
  static const char *const texts[] = {
    "R1 a b 1k\n   .control\n",   "R1 a b 1k\n.CONTROL\n",    "R1 a b 1k\n.controlx\n",
    "R1 a b 1k\n\t\f.control\n",   "R1 a b 1k\r\n.Control;x\r\n",
  };
  size_t i;
  (void)state;

  for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    int rc = ampsim_netlist_scan(texts[i], "v.cir");
    expect_error(rc, AMPSIM_EDENIED,
                 "v.cir:2: .control blocks are not allowed in a stage file (netlists may not "
                 "run commands)");
  }
}

static void refused_dot_commands(void **state)
{
  static const struct {
    const char *keyword;
    const char *why;
  } cases[] = {
    { ".tran", "the test bench runs the analyses; a stage only defines circuits" },
    { ".ac", "the test bench runs the analyses; a stage only defines circuits" },
    { ".dc", "the test bench runs the analyses; a stage only defines circuits" },
    { ".op", "the test bench runs the analyses; a stage only defines circuits" },
    { ".noise", "the test bench runs the analyses; a stage only defines circuits" },
    { ".tf", "the test bench runs the analyses; a stage only defines circuits" },
    { ".sens", "the test bench runs the analyses; a stage only defines circuits" },
    { ".pz", "the test bench runs the analyses; a stage only defines circuits" },
    { ".disto", "the test bench runs the analyses; a stage only defines circuits" },
    { ".four", "the test bench runs the analyses; a stage only defines circuits" },
    { ".meas", "the test bench decides what is measured and written" },
    { ".measure", "the test bench decides what is measured and written" },
    { ".print", "the test bench decides what is measured and written" },
    { ".plot", "the test bench decides what is measured and written" },
    { ".save", "the test bench decides what is measured and written" },
    { ".probe", "the test bench decides what is measured and written" },
    { ".width", "the test bench decides what is measured and written" },
    { ".options", "options change the simulator's numerics for the whole bench" },
    { ".option", "options change the simulator's numerics for the whole bench" },
    { ".opt", "options change the simulator's numerics for the whole bench" },
    { ".csparam", "it hands values to control scripts, and netlists may not run commands" },
    { ".exec", "it runs commands" },
    { ".pre_osdi", "it loads a compiled device library" },
    { ".osdi", "it loads a compiled device library" },
    { ".endc", "it ends a .control block, and netlists may not run commands" },
    { ".TRAN", "the test bench runs the analyses; a stage only defines circuits" },
  };
  scratch s;
  size_t i;
  (void)state;

  scratch_open(&s);
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char text[256], expected[4096];
    const char *path;
    char *out = NULL;
    int rc;

    snprintf(text, sizeof text, "* refused\n.subckt s in out vp vn gnd\n%s 1 2 3\n.ends\n",
             cases[i].keyword);
    /* Through the scanner... */
    rc = ampsim_netlist_scan(text, "t.cir");
    snprintf(expected, sizeof expected, "t.cir:3: '%s' is not allowed in a stage file (%s)",
             cases[i].keyword, cases[i].why);
    expect_error(rc, AMPSIM_EDENIED, expected);
    /* ...and through a file. */
    path = scratch_text(&s, "t.cir", text);
    rc = ampsim_netlist_load(&out, path, NULL);
    snprintf(expected, sizeof expected, "%s:3: '%s' is not allowed in a stage file (%s)", path,
             cases[i].keyword, cases[i].why);
    expect_error(rc, AMPSIM_EDENIED, expected);
    assert_null(out);
    assert_int_equal(unlink(path), 0);
    s.n--;
  }
  scratch_close(&s);
}

static void unknown_dot_command_refused(void **state)
{
  int rc;
  (void)state;

  rc = ampsim_netlist_scan("R1 a b 1k\n.pss 1k 1m\n", "u.cir");
  expect_error(rc, AMPSIM_EDENIED,
               "u.cir:2: '.pss' is not allowed in a stage file (unknown or unsupported "
               "dot-command; a stage may use .subckt/.ends, .model, .param, .func, .global, "
               ".if/.elseif/.else/.endif, .temp, .ic, .nodeset, .include and .lib)");
  rc = ampsim_netlist_scan("* x\n.libsave f.lib tt\n", "u.cir");
  expect_error(rc, AMPSIM_EDENIED,
               "u.cir:2: '.libsave' is not supported in a stage file (write .include FILE or "
               ".lib FILE SECTION)");
}

static void allowed_dot_commands_pass(void **state)
{
  char *text = NULL;
  (void)state;

  assert_int_equal(ampsim_netlist_scan("* every allowed construct\n"
                                       ".param a=1 b={a*2}\n"
                                       ".func f(x) {x*a}\n"
                                       ".global vdd\n"
                                       ".temp 27\n"
                                       ".if(a == 1)\n"
                                       ".model d1 D(is=1e-14 n=1.9)\n"
                                       ".elseif (a == 2)\n"
                                       ".model d1 D(is=2e-14)\n"
                                       ".else\n"
                                       ".model d1 D\n"
                                       ".endif\n"
                                       ".subckt s in out vp vn gnd params: g=2\n"
                                       "R1 in out {g*1k} $ a comment\n"
                                       "XU1 in out vp vn gnd opamp file_count=3\n"
                                       ".ic v(out)=0\n"
                                       ".nodeset v(in)=0\n"
                                       ".ends s\n"
                                       ".end\n",
                                       "ok.cir"),
                   0);
  assert_int_equal(ampsim_netlist_load(&text, FX("stages.cir"), NULL), 0);
  assert_null(strstr(text, ".end\n"));
  free(text);
}

static void ng_script_refused(void **state)
{
  char expected[4096];
  char *text = NULL;
  int rc;
  (void)state;

  rc = ampsim_netlist_load(&text, FX("ng_script.cir"), NULL);
  snprintf(expected, sizeof expected,
           "%s:1: a file starting with '*ng_script' is a command script to ngspice: not allowed "
           "as a stage file",
           FX("ng_script.cir"));
  expect_error(rc, AMPSIM_EDENIED, expected);
}

static void star_hash_refused(void **state)
{
  char expected[4096];
  char *text = NULL;
  int rc;
  (void)state;

  rc = ampsim_netlist_load(&text, FX("starhash.cir"), NULL);
  snprintf(expected, sizeof expected,
           "%s:3: '*#' lines are not allowed in a stage file (ngspice runs them as commands)",
           FX("starhash.cir"));
  expect_error(rc, AMPSIM_EDENIED, expected);
  /* Also between continuation lines, where it would land on a line of its own. */
  rc = ampsim_netlist_scan("R1 a b\n  *# shell ls\n+ 1k\n", "h.cir");
  expect_error(rc, AMPSIM_EDENIED,
               "h.cir:2: '*#' lines are not allowed in a stage file (ngspice runs them as "
               "commands)");
}

static void at_line_refused(void **state)
{
  int rc;
  (void)state;

  rc = ampsim_netlist_scan("R1 a b 1k\n@\n", "a.cir");
  expect_error(rc, AMPSIM_EDENIED,
               "a.cir:2: a line starting with '@' is not allowed in a stage file (ngspice stops "
               "reading the netlist there)");
}

static void filesource_refused(void **state)
{
  char expected[4096];
  char *text = NULL;
  int rc;
  (void)state;

  rc = ampsim_netlist_load(&text, FX("filesource.cir"), NULL);
  snprintf(expected, sizeof expected,
           "%s:4: .model 'src_model' names a file (file=): models that read or write files are "
           "not allowed in a stage file",
           FX("filesource.cir"));
  expect_error(rc, AMPSIM_EDENIED, expected);
}

static void file_models_refused(void **state)
{
  static const struct {
    const char *text;
    const char *message;
  } cases[] = {
    { "* x\n.model s d_source (input_file = \"in.txt\")\n",
      "m.cir:2: .model 's' names a file (input_file=): models that read or write files are not "
      "allowed in a stage file" },
    { "* x\n.MODEL t TABLE2D (offset=0.0 gain=1 order=3 FILE=\"t.table\")\n",
      "m.cir:2: .model 't' names a file (FILE=): models that read or write files are not "
      "allowed in a stage file" },
    { "* x\n.model t table3d(\"t.table\")\n",
      "m.cir:2: .model 't' of type table3d names a file (a quoted path): models that read files "
      "are not allowed in a stage file" },
    { "* x\n.model st d_state (clk_delay=1e-9 state_file=\"s.txt\")\n",
      "m.cir:2: .model 'st' names a file (state_file=): models that read or write files are not "
      "allowed in a stage file" },
    { "* x\n.model p d_process (process_file=\"prog\")\n",
      "m.cir:2: .model 'p' of type d_process runs external code; not allowed in a stage file" },
    { "* x\nD1 a b dmod area=1 ic.file=\"d.ic\"\n",
      "m.cir:2: 'D1' names a file (ic.file=): devices that read or write files are not allowed "
      "in a stage file" },
  };
  size_t i;
  (void)state;

  for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
    expect_error(ampsim_netlist_scan(cases[i].text, "m.cir"), AMPSIM_EDENIED, cases[i].message);
}

static void scan_refuses_includes(void **state)
{
  int rc;
  (void)state;

  rc = ampsim_netlist_scan("* x\n.include other.cir\n", "s.cir");
  expect_error(rc, AMPSIM_EDENIED,
               "s.cir:2: '.include' left in expanded text (a checked netlist may not read other "
               "files; ampsim_netlist_load() expands them)");
  rc = ampsim_netlist_scan("* x\n\n.LIB 'v.lib' tt\n", "s.cir");
  expect_error(rc, AMPSIM_EDENIED,
               "s.cir:3: '.LIB' left in expanded text (a checked netlist may not read other "
               "files; ampsim_netlist_load() expands them)");
  /* Nor section definitions. */
  rc = ampsim_netlist_scan("* x\n.lib 'payload'\n", "s.cir");
  expect_error(rc, AMPSIM_EDENIED,
               "s.cir:2: '.lib payload' defines a library section, which a stage can only take "
               "with .lib FILE payload (left in the netlist it is an error in ngspice, and in its "
               "LTspice/PSpice modes it reads a file 'payload')");
  rc = ampsim_netlist_scan("* x\n.endl\n", "s.cir");
  expect_error(rc, AMPSIM_EDENIED,
               "s.cir:2: '.endl' outside a library section read with .lib FILE SECTION");
}

/* ------------------------------------------------------------------------ */
/* Text checks                                                               */
/* ------------------------------------------------------------------------ */

static void nul_byte_refused(void **state)
{
  static const char data[] = "* fine\nR1 a b 1k\nR2 a\0b 1k\n";
  scratch s;
  char expected[4096];
  char *text = NULL;
  const char *path;
  int rc;
  (void)state;

  scratch_open(&s);
  path = scratch_write(&s, "nul.cir", data, sizeof data - 1);
  rc = ampsim_netlist_load(&text, path, NULL);
  snprintf(expected, sizeof expected, "%s:3: NUL byte: not a text file", path);
  expect_error(rc, AMPSIM_EPARSE, expected);
  assert_null(text);
  scratch_close(&s);
}

static void invalid_utf8_refused(void **state)
{
  static const struct {
    const char *data;
    int line;
    const char *byte;
  } cases[] = {
    { "* ok \xC2\xB5V\n* bad \xFF here\n", 2, "0xFF" },
    { "* overlong \xC0\xAF\n", 1, "0xC0" },
    { "* a\n* overlong \xE0\x80\xAF\n", 2, "0xE0" },
    { "* a\n* b\n* surrogate \xED\xA0\x80\n", 3, "0xED" },
    { "* truncated at the end \xE2\x82", 1, "0xE2" },
  };
  scratch s;
  size_t i;
  (void)state;

  scratch_open(&s);
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char expected[4096];
    char *text = NULL;
    const char *path = scratch_text(&s, "utf8.cir", cases[i].data);
    int rc = ampsim_netlist_load(&text, path, NULL);
    snprintf(expected, sizeof expected,
             "%s:%d: invalid UTF-8 (byte %s): not a text file (save it as UTF-8 or ASCII)", path,
             cases[i].line, cases[i].byte);
    expect_error(rc, AMPSIM_EPARSE, expected);
    assert_int_equal(unlink(path), 0);
    s.n--;
  }
  scratch_close(&s);
}

static void missing_file(void **state)
{
  char *text = NULL;
  int rc;
  (void)state;

  rc = ampsim_netlist_load(&text, FX("no-such-stage.cir"), NULL);
  expect_error(rc, AMPSIM_ENOTFOUND, FX("no-such-stage.cir") ": cannot open: No such file or directory");
  assert_null(text);
}

/* ------------------------------------------------------------------------ */
/* Subcircuits                                                               */
/* ------------------------------------------------------------------------ */

static const char subckt_text[] =
  "* subcircuits\n"
  ".subckt opa in out vp vn gnd params: a=1 b=2\n"
  ".ends\n"
  ".SUBCKT OPB 1 2\n"
  "+ 3 a=1\n"
  ".subckt inner x y\n"
  ".ends inner\n"
  ".ENDS OPB\n"
  ".subckt opc in out vp vn gnd gain = 3 ; a comment\n"
  ".ends\n";

static void find_subckt_params(void **state)
{
  ampsim_subckt_info info;
  (void)state;

  assert_int_equal(ampsim_netlist_find_subckt(&info, subckt_text, "s.cir", "opa"), 0);
  assert_int_equal(info.line, 2);
  assert_int_equal(info.n_pins, 5);
  assert_string_equal(info.pins[0], "in");
  assert_string_equal(info.pins[4], "gnd");

  /* Case-insensitive, continued over a '+' line, stops at the first a=1. */
  assert_int_equal(ampsim_netlist_find_subckt(&info, subckt_text, "s.cir", "opb"), 0);
  assert_int_equal(info.line, 4);
  assert_int_equal(info.n_pins, 3);
  assert_string_equal(info.pins[2], "3");

  /* "gain = 3" is a parameter too. */
  assert_int_equal(ampsim_netlist_find_subckt(&info, subckt_text, "s.cir", "OPC"), 0);
  assert_int_equal(info.line, 9);
  assert_int_equal(info.n_pins, 5);
}

static void find_subckt_missing(void **state)
{
  ampsim_subckt_info info;
  int rc;
  (void)state;

  /* A nested definition is not reachable from the bench. */
  rc = ampsim_netlist_find_subckt(&info, subckt_text, "s.cir", "inner");
  expect_error(rc, AMPSIM_ENOTFOUND, "s.cir: no subcircuit 'inner' (defined: opa, OPB, opc)");
  rc = ampsim_netlist_find_subckt(&info, "* empty\n", "e.cir", "x");
  expect_error(rc, AMPSIM_ENOTFOUND, "e.cir: no subcircuit 'x' (it defines none)");
}

/* ------------------------------------------------------------------------ */
/* Stages                                                                    */
/* ------------------------------------------------------------------------ */

static void stage_open_file_subckt(void **state)
{
  ampsim_stage *stage = NULL;
  (void)state;

  assert_int_equal(ampsim_stage_open(&stage, FX("stages.cir") ":amp_stage", NULL), 0);
  assert_non_null(stage);
  assert_string_equal(stage->name, FX("stages.cir") ":amp_stage");
  assert_string_equal(stage->path, FX("stages.cir"));
  assert_string_equal(stage->subckt, "Amp_Stage");
  assert_non_null(strstr(stage->text, ".subckt Amp_Stage in out vp vn gnd params: gain=2\n"));
  ampsim_stage_free(stage);
}

static void stage_open_wrong_pins(void **state)
{
  char expected[4096];
  ampsim_stage *stage = NULL;
  int rc;
  (void)state;

  rc = ampsim_stage_open(&stage, FX("stages.cir") ":four", NULL);
  expect_error(rc, AMPSIM_EINVAL,
               FX("stages.cir") ":5: subcircuit 'four' has 4 pins (a b c d); a stage needs 5: in "
                                "out vp vn gnd");
  assert_null(stage);

  /* Defined in an included file: the message points there. */
  rc = ampsim_stage_open(&stage, FX("pins/top.cir") ":three", NULL);
  snprintf(expected, sizeof expected,
           "%s/pins/three.inc:3: subcircuit 'three' has 3 pins (a b c); a stage needs 5: in out "
           "vp vn gnd",
           fixture_dir());
  expect_error(rc, AMPSIM_EINVAL, expected);
  assert_null(stage);
}

static void stage_open_missing_subckt(void **state)
{
  ampsim_stage *stage = NULL;
  int rc;
  (void)state;

  rc = ampsim_stage_open(&stage, FX("stages.cir") ":nope", NULL);
  expect_error(rc, AMPSIM_ENOTFOUND,
               FX("stages.cir") ": no subcircuit 'nope' (defined: Amp_Stage, four, other_stage)");
  assert_null(stage);
}

static void stage_open_refused_file(void **state)
{
  ampsim_stage *stage = NULL;
  int rc;
  (void)state;

  rc = ampsim_stage_open(&stage, FX("control.cir") ":evil", NULL);
  expect_error(rc, AMPSIM_EDENIED,
               FX("control.cir") ":5: .control blocks are not allowed in a stage file (netlists "
                                 "may not run commands)");
  assert_null(stage);
}

static void stage_open_bundled(void **state)
{
  ampsim_stage *stage = NULL;
  (void)state;

  assert_int_equal(setenv("AMPSIM_NETLIST_DIR", FX("bundled"), 1), 0);
  assert_string_equal(ampsim_netlist_dir(), FX("bundled"));
  assert_int_equal(ampsim_stage_open(&stage, "tiny-buffer", NULL), 0);
  assert_string_equal(stage->name, "tiny-buffer");
  assert_string_equal(stage->path, FX("bundled") "/stages/tiny-buffer.cir");
  assert_string_equal(stage->subckt, "tiny_buffer");
  assert_non_null(strstr(stage->text, "\n.subckt tiny_buffer in out vp vn gnd\n"));
  ampsim_stage_free(stage);
}

/* Loads resolve like stages but from loads/ and with 2 pins (hot ret). */
static void load_open_bundled_and_pins(void **state)
{
  ampsim_stage *load = NULL;
  (void)state;
  assert_int_equal(setenv("AMPSIM_NETLIST_DIR", AMPSIM_TEST_DIR "/../netlists", 1), 0);
  assert_int_equal(ampsim_load_open(&load, "dynamic300", NULL), 0);
  assert_string_equal(load->subckt, "dynamic300");
  ampsim_stage_free(load);
  load = NULL;
  assert_int_equal(ampsim_load_open(&load, "opamp-buffer", NULL), AMPSIM_ENOTFOUND);
  assert_non_null(strstr(ampsim_error_last(), "unknown load 'opamp-buffer'"));
  assert_non_null(strstr(ampsim_error_last(), "dynamic300"));
  assert_int_equal(ampsim_load_open(&load, AMPSIM_TEST_DIR "/../netlists/stages/opamp-buffer.cir:opamp_buffer", NULL),
                   AMPSIM_EINVAL);
  assert_non_null(strstr(ampsim_error_last(), "a load needs 2: hot ret"));
  assert_null(load);
  unsetenv("AMPSIM_NETLIST_DIR");
}

static void stage_open_unknown_bundled(void **state)
{
  ampsim_stage *stage = NULL;
  int rc;
  (void)state;

  assert_int_equal(setenv("AMPSIM_NETLIST_DIR", FX("bundled"), 1), 0);
  rc = ampsim_stage_open(&stage, "foo", NULL);
  expect_error(rc, AMPSIM_ENOTFOUND,
               "unknown stage 'foo': not a FILE.cir:SUBCKT and not a bundled stage (bundled: "
               "other-stage, tiny-buffer)");
  assert_null(stage);
  /* A name with a path in it is not looked up at all. */
  rc = ampsim_stage_open(&stage, "../stages", NULL);
  expect_error(rc, AMPSIM_ENOTFOUND,
               "unknown stage '../stages': not a FILE.cir:SUBCKT and not a bundled stage "
               "(bundled: other-stage, tiny-buffer)");
}

static void netlist_dir_fallback(void **state)
{
  const char *dir;
  (void)state;

  assert_int_equal(setenv("AMPSIM_NETLIST_DIR", "", 1), 0);
  dir = ampsim_netlist_dir();
  assert_non_null(dir);
  assert_true(strcmp(dir, "") != 0);
  assert_true(strstr(dir, "netlists") != NULL);
}

static void stage_free_null(void **state)
{
  (void)state;
  ampsim_stage_free(NULL);
}

static const struct CMUnitTest tests[] = {
  cmocka_unit_test(include_nested_relative),
  cmocka_unit_test(lib_section),
  cmocka_unit_test(lib_whole_file_refused),
  cmocka_unit_test(lib_missing_section),
  cmocka_unit_test(lib_section_without_endl),
  cmocka_unit_test(include_missing_file),
  cmocka_unit_test(continuation_joined),
  cmocka_unit_test(continuation_line_numbers),
  cmocka_unit_test(continuation_orphan),
  cmocka_unit_test(title_end_dropped_comments_kept),
  cmocka_unit_test(crlf_normalised),
  cmocka_unit_test(include_dotdot_refused),
  cmocka_unit_test(include_absolute_refused),
  cmocka_unit_test(include_symlink_refused),
  cmocka_unit_test(include_prefix_is_not_folder),
  cmocka_unit_test(include_loop_depth),
  cmocka_unit_test(too_large_refused),
  cmocka_unit_test(expansion_limits),
  cmocka_unit_test(control_refused),
  cmocka_unit_test(control_variants_refused),
  cmocka_unit_test(refused_dot_commands),
  cmocka_unit_test(unknown_dot_command_refused),
  cmocka_unit_test(allowed_dot_commands_pass),
  cmocka_unit_test(ng_script_refused),
  cmocka_unit_test(star_hash_refused),
  cmocka_unit_test(at_line_refused),
  cmocka_unit_test(filesource_refused),
  cmocka_unit_test(file_models_refused),
  cmocka_unit_test(scan_refuses_includes),
  cmocka_unit_test(nul_byte_refused),
  cmocka_unit_test(invalid_utf8_refused),
  cmocka_unit_test(missing_file),
  cmocka_unit_test(find_subckt_params),
  cmocka_unit_test(find_subckt_missing),
  cmocka_unit_test(stage_open_file_subckt),
  cmocka_unit_test(stage_open_wrong_pins),
  cmocka_unit_test(stage_open_missing_subckt),
  cmocka_unit_test(stage_open_refused_file),
  cmocka_unit_test(stage_open_bundled),
  cmocka_unit_test(stage_open_unknown_bundled),
  cmocka_unit_test(load_open_bundled_and_pins),
  cmocka_unit_test(netlist_dir_fallback),
  cmocka_unit_test(stage_free_null),
};

AMPSIM_TEST_MAIN(tests)
