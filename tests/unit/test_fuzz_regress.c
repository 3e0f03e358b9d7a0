/*
 * Regression tests for what fuzzing found (tests/fuzz/README.md). Each case
 * names the target and the input that broke it; the inputs themselves are
 * also replayed by test_fuzz__replay_<target> from tests/fuzz/regress/.
 * They matter most in the sanitizer build (-DAMPSIM_SANITIZE=address;undefined),
 * where undefined behaviour aborts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ampsim/error.h"
#include "ampsim/netlist.h"
#include "test_main.h"

typedef struct scratch {
  char dir[256];
  char paths[4][512];
  int n_paths;
} scratch;

static void scratch_open(scratch *s)
{
  const char *tmp = getenv("TMPDIR");
  memset(s, 0, sizeof *s);
  snprintf(s->dir, sizeof s->dir, "%s/ampsim-fuzz-regress-XXXXXX",
           tmp != NULL && tmp[0] != '\0' && strlen(tmp) < 200 ? tmp : "/tmp");
  assert_non_null(mkdtemp(s->dir));
}

/* Create dir/name (a folder when text is NULL); remembered for cleanup. */
static const char *scratch_add(scratch *s, const char *name, const char *text)
{
  char *path = s->paths[s->n_paths++];
  FILE *f;
  snprintf(path, sizeof s->paths[0], "%s/%s", s->dir, name);
  if (text == NULL) {
    assert_int_equal(mkdir(path, 0700), 0);
    return path;
  }
  f = fopen(path, "w");
  assert_non_null(f);
  assert_true(fputs(text, f) >= 0);
  assert_int_equal(fclose(f), 0);
  return path;
}

static void scratch_close(scratch *s)
{
  while (s->n_paths > 0) {
    const char *path = s->paths[--s->n_paths];
    if (unlink(path) != 0)
      rmdir(path);
  }
  rmdir(s->dir);
}

/* fuzz_netlist_load, regress/fuzz_netlist_load/lib-section-of-file-without-
 * sections: ".lib FILE SECTION" where FILE defines no sections at all. The
 * section index was sorted with qsort(NULL, 0, ...), undefined behaviour
 * (UBSan: "null pointer passed as argument 1"), before the "not found"
 * error. */
static void lib_section_of_file_without_sections(void **state)
{
  scratch s;
  char *out = NULL, expected[1024];
  const char *top;
  (void)state;
  scratch_open(&s);
  scratch_add(&s, "plain.cir", "* no .lib sections here\nR1 a b 1k\n");
  top = scratch_add(&s, "top.cir", ".subckt amp in out vp vn gnd\n.lib plain.cir tt\n.ends\n");
  assert_int_equal(ampsim_netlist_load(&out, top, NULL), AMPSIM_ENOTFOUND);
  assert_null(out);
  snprintf(expected, sizeof expected, "%s:2: .lib section 'tt' not found in ", top);
  assert_true(strncmp(ampsim_error_last(), expected, strlen(expected)) == 0);
  assert_non_null(strstr(ampsim_error_last(), "plain.cir (sections: none)"));
  scratch_close(&s);
}

/* Found with the input above, by reading the code it led to: an unknown
 * bundled stage when the bundled folder holds no stage at all sorted an
 * empty name list the same way, qsort(NULL, 0, ...). */
static void unknown_stage_with_no_bundled_stages(void **state)
{
  scratch s;
  ampsim_stage *stage = NULL;
  const char *old = getenv("AMPSIM_NETLIST_DIR");
  char *saved = old != NULL ? strdup(old) : NULL;
  int rc;
  (void)state;
  scratch_open(&s);
  scratch_add(&s, "stages", NULL);
  setenv("AMPSIM_NETLIST_DIR", s.dir, 1);
  rc = ampsim_stage_open(&stage, "no-such-stage", NULL);
  if (saved != NULL)
    setenv("AMPSIM_NETLIST_DIR", saved, 1);
  else
    unsetenv("AMPSIM_NETLIST_DIR");
  free(saved);
  assert_int_equal(rc, AMPSIM_ENOTFOUND);
  assert_null(stage);
  assert_non_null(strstr(ampsim_error_last(), "unknown stage 'no-such-stage'"));
  assert_non_null(strstr(ampsim_error_last(), "(bundled: none in "));
  scratch_close(&s);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(lib_section_of_file_without_sections),
    cmocka_unit_test(unknown_stage_with_no_bundled_stages),
};

AMPSIM_TEST_MAIN(tests)
