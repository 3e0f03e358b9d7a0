/*
 * Shared main() for cmocka test files: `exe` runs every case, `exe CASE` runs
 * only CASE (CTest registers each case this way, see tests/CMakeLists.txt).
 * Use: AMPSIM_TEST_MAIN(tests) after declaring `const struct CMUnitTest tests[]`.
 */
#ifndef AMPSIM_TEST_MAIN_H
#define AMPSIM_TEST_MAIN_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>

/* |actual - expected| <= tolerance, printing both on failure (cmocka 1.1.5
 * has no assert_double_equal). NaN never passes. */
#define assert_near(actual, expected, tolerance)                               \
  do {                                                                         \
    double a_ = (actual), e_ = (expected), t_ = (tolerance);                   \
    if (!(fabs(a_ - e_) <= t_)) {                                              \
      print_error("%s = %.12g, expected %.12g +- %.3g\n", #actual, a_, e_,   \
                  t_);                                                         \
      fail();                                                                  \
    }                                                                          \
  } while (0)

#define AMPSIM_TEST_MAIN(tests)                                                \
  int main(int argc, char **argv)                                              \
  {                                                                            \
    if (argc > 1) {                                                            \
      size_t i_, n_ = sizeof(tests) / sizeof((tests)[0]);                      \
      for (i_ = 0; i_ < n_; i_++)                                              \
        if (strcmp((tests)[i_].name, argv[1]) == 0)                            \
          break;                                                               \
      if (i_ == n_) {                                                          \
        print_error("no test case named %s\n", argv[1]);                      \
        return 2;                                                              \
      }                                                                        \
      cmocka_set_test_filter(argv[1]);                                         \
    }                                                                          \
    return cmocka_run_group_tests(tests, NULL, NULL);                          \
  }

#endif
