/*
 * test_compare.c - the pure helpers of `ampsim compare` and `ampsim report`
 * (src/cli/compare_text.c): CSV fields, HTML escaping, base64, and which
 * value of a row is best. The tool's source is compiled in directly: the
 * helpers belong to the tool, not to libampsim's API.
 */
#include "test_main.h"

#include <stdlib.h>

#include "../../src/cli/compare_text.c"

static void csv_fields_are_quoted_when_needed(void **state)
{
  cli_text t = { 0 };
  (void)state;
  cli_text_csv_field(&t, "plain");
  cli_text_append(&t, "|");
  cli_text_csv_field(&t, "a,b");
  cli_text_append(&t, "|");
  cli_text_csv_field(&t, "say \"hi\"");
  cli_text_append(&t, "|");
  cli_text_csv_field(&t, "two\nlines");
  cli_text_append(&t, "|");
  cli_text_csv_field(&t, "");
  assert_false(t.failed);
  assert_string_equal(cli_text_str(&t),
                      "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"|");
  free(t.data);
}

static void html_escapes_every_special_character(void **state)
{
  cli_text t = { 0 };
  (void)state;
  cli_text_html(&t, "<b>R&D</b> \"q\" 'a' .subckt x in out");
  assert_string_equal(cli_text_str(&t),
                      "&lt;b&gt;R&amp;D&lt;/b&gt; &quot;q&quot; &#39;a&#39; "
                      ".subckt x in out");
  free(t.data);
}

static void base64_matches_rfc4648_vectors(void **state)
{
  static const char *const in[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
  static const char *const out[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=",
                                     "Zm9vYmFy" };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof in / sizeof in[0]; i++) {
    cli_text t = { 0 };
    cli_text_base64(&t, (const unsigned char *)in[i], strlen(in[i]));
    assert_string_equal(cli_text_str(&t), out[i]);
    free(t.data);
  }
}

static void text_grows_and_formats(void **state)
{
  cli_text t = { 0 };
  int i;
  (void)state;
  for (i = 0; i < 1000; i++)
    cli_text_printf(&t, "%d,", i % 10);
  assert_false(t.failed);
  assert_int_equal(t.len, 2000);
  assert_int_equal(strncmp(cli_text_str(&t), "0,1,2,", 6), 0);
  free(t.data);
}

static void best_value_per_direction(void **state)
{
  const double zout[] = { 0.0, 1000.0, 1.18 };
  const double power[] = { 1.75, 0.316, NAN, 1.79 };
  const double offset[] = { 0.6, -0.1, 0.3 };
  const double ties[] = { 2.0, 2.0 };
  int marks[4];
  (void)state;
  cli_mark_best(marks, zout, 3, -1);
  assert_true(marks[0] && !marks[1] && !marks[2]);
  cli_mark_best(marks, power, 4, 1);
  assert_true(!marks[0] && !marks[1] && !marks[2] && marks[3]);
  cli_mark_best(marks, offset, 3, -2);
  assert_true(!marks[0] && marks[1] && !marks[2]);
  cli_mark_best(marks, zout, 3, 0);
  assert_true(!marks[0] && !marks[1] && !marks[2]);
  /* All equal, or one value alone: nothing is better. */
  cli_mark_best(marks, ties, 2, -1);
  assert_true(!marks[0] && !marks[1]);
  cli_mark_best(marks, zout, 1, -1);
  assert_false(marks[0]);
}

static const struct CMUnitTest tests[] = {
  cmocka_unit_test(csv_fields_are_quoted_when_needed),
  cmocka_unit_test(html_escapes_every_special_character),
  cmocka_unit_test(base64_matches_rfc4648_vectors),
  cmocka_unit_test(text_grows_and_formats),
  cmocka_unit_test(best_value_per_direction),
};

AMPSIM_TEST_MAIN(tests)
