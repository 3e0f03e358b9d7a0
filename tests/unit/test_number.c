/* ampsim_parse_number(): the numbers users write (ampsim/number.h). */
#include <math.h>
#include <string.h>

#include "ampsim/number.h"
#include "test_main.h"

static double ok(const char *text)
{
  double v = -12345.0;
  assert_int_equal(ampsim_parse_number(&v, text, strlen(text)), AMPSIM_NUMBER_OK);
  return v;
}

static void status(const char *text, int expected)
{
  double v = -12345.0;
  assert_int_equal(ampsim_parse_number(&v, text, strlen(text)), expected);
  assert_true(v == -12345.0); /* untouched on failure */
}

static void plain_and_suffixed(void **state)
{
  (void)state;
  assert_true(ok("32") == 32.0);
  assert_true(ok("-1.5") == -1.5);
  assert_true(ok("+.5") == 0.5);
  assert_true(ok("5.") == 5.0);
  assert_true(ok("1e3") == 1000.0);
  assert_true(ok("2.5E-3") == 2.5e-3);
  assert_true(fabs(ok("50m") - 0.05) < 1e-18);
  assert_true(fabs(ok("4.7u") - 4.7e-6) < 1e-21);
  assert_true(ok("1k") == 1000.0 && ok("1K") == 1000.0);
  assert_true(ok("1meg") == 1e6 && ok("1Meg") == 1e6 && ok("1MEG") == 1e6);
  assert_true(ok("2G") == 2e9 && ok("3T") == 3e12);
  assert_true(fabs(ok("10p") - 1e-11) < 1e-26 && fabs(ok("1f") - 1e-15) < 1e-30);
  assert_true(fabs(ok("1.5e3k") - 1.5e6) < 1e-9);
  /* No negative zero. */
  assert_false(signbit(ok("-0")));
  assert_false(signbit(ok("-0.0m")));
}

static void refused(void **state)
{
  (void)state;
  status("", AMPSIM_NUMBER_SYNTAX);
  status(" 5", AMPSIM_NUMBER_SYNTAX);
  status("5 ", AMPSIM_NUMBER_SYNTAX);
  status("0x10", AMPSIM_NUMBER_SYNTAX);
  status("32ohm", AMPSIM_NUMBER_SYNTAX);
  status("1e", AMPSIM_NUMBER_SYNTAX);
  status("1exa", AMPSIM_NUMBER_SYNTAX);
  status(".", AMPSIM_NUMBER_SYNTAX);
  status("-", AMPSIM_NUMBER_SYNTAX);
  status("4,7", AMPSIM_NUMBER_SYNTAX);
  status("1mm", AMPSIM_NUMBER_SYNTAX);
  status("1M", AMPSIM_NUMBER_AMBIGUOUS);
  status("1e400", AMPSIM_NUMBER_NOT_FINITE);
  status("1e306k", AMPSIM_NUMBER_NOT_FINITE);
  status("nan", AMPSIM_NUMBER_NAMED);
  status("-Inf", AMPSIM_NUMBER_NAMED);
  status("infinity", AMPSIM_NUMBER_NAMED);
  status("nanx", AMPSIM_NUMBER_SYNTAX);
  {
    /* Only len bytes count; a NUL inside is not a number. */
    double v = 0.0;
    assert_int_equal(ampsim_parse_number(&v, "12k junk", 3), AMPSIM_NUMBER_OK);
    assert_true(v == 12000.0);
    assert_int_equal(ampsim_parse_number(&v, "1\0" "2", 3), AMPSIM_NUMBER_SYNTAX);
    assert_int_equal(ampsim_parse_number(&v, NULL, 0), AMPSIM_NUMBER_SYNTAX);
  }
  {
    char long_text[200];
    memset(long_text, '1', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    status(long_text, AMPSIM_NUMBER_SYNTAX);
  }
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(plain_and_suffixed),
    cmocka_unit_test(refused),
};

AMPSIM_TEST_MAIN(tests)
