/*
 * test_spectrum.c - known answers for ampsim_dsp_spectrum() (include/ampsim/
 * dsp.h): synthesised records whose every bin is set, checked bin by bin.
 */
#include "test_main.h"

#include <math.h>
#include <stdlib.h>

#include "ampsim/dsp.h"
#include "ampsim/error.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* x[j] += sqrt(2) rms cos(2 pi cycles j / n + phase); cycles * j is reduced
 * modulo n in integers so that the phase stays exact in long records. */
static void add_tone(double *x, size_t n, size_t cycles, double rms, double phase_rad)
{
  for (size_t j = 0; j < n; j++) {
    double arg = 2.0 * M_PI * (double)((cycles * j) % n) / (double)n;
    x[j] += sqrt(2.0) * rms * cos(arg + phase_rad);
  }
}

/* Tones on bins with set RMS levels and phases and a DC: every bin reads
 * back its level, every other bin reads (rounding) zero. */
static void tones_read_back_their_levels(void **state)
{
  const size_t n = 4096;
  double *x = calloc(n, sizeof *x);
  double *rms = calloc(n / 2 + 1, sizeof *rms);
  (void)state;
  assert_non_null(x);
  assert_non_null(rms);
  for (size_t j = 0; j < n; j++)
    x[j] = -0.25;
  add_tone(x, n, 3, 1.0, 0.3);
  add_tone(x, n, 350, 0.25, -1.1);
  add_tone(x, n, 347, 1e-4, 2.0);
  add_tone(x, n, 2047, 1e-7, 0.7);
  assert_int_equal(ampsim_dsp_spectrum(rms, n / 2 + 1, x, n), 0);
  assert_near(rms[0], 0.25, 1e-14);
  assert_near(rms[3], 1.0, 1e-13);
  assert_near(rms[350], 0.25, 1e-13);
  assert_near(rms[347] / 1e-4, 1.0, 1e-9);
  assert_near(rms[2047] / 1e-7, 1.0, 1e-6);
  for (size_t k = 1; k <= n / 2; k++)
    if (k != 3 && k != 350 && k != 347 && k != 2047)
      assert_true(rms[k] < 1e-14);
  free(rms);
  free(x);
}

/* DC and Nyquist have no conjugate twin: a record c + a (-1)^j reads |c| on
 * bin 0 and |a| (its RMS) on bin n/2. */
static void dc_and_nyquist_bins(void **state)
{
  const size_t n = 64;
  double x[64], rms[33];
  (void)state;
  for (size_t j = 0; j < n; j++)
    x[j] = 0.5 + (j % 2 == 0 ? -0.75 : 0.75);
  assert_int_equal(ampsim_dsp_spectrum(rms, n / 2 + 1, x, n), 0);
  assert_near(rms[0], 0.5, 1e-15);
  assert_near(rms[n / 2], 0.75, 1e-15);
  for (size_t k = 1; k < n / 2; k++)
    assert_true(rms[k] < 1e-15);
}

/* Parseval: the squares of all bins sum to the mean square of the record,
 * for an odd length too (no Nyquist bin). */
static void squares_sum_to_mean_square(void **state)
{
  const size_t lengths[2] = {1000, 999};
  unsigned long long seed = 12345;
  (void)state;
  for (int l = 0; l < 2; l++) {
    size_t n = lengths[l];
    double *x = malloc(n * sizeof *x), *rms = malloc((n / 2 + 1) * sizeof *rms);
    double ms = 0.0, sum = 0.0;
    assert_non_null(x);
    assert_non_null(rms);
    for (size_t j = 0; j < n; j++) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      x[j] = (double)(seed >> 11) / 9007199254740992.0 - 0.3;
      ms += x[j] * x[j];
    }
    ms /= (double)n;
    assert_int_equal(ampsim_dsp_spectrum(rms, n / 2 + 1, x, n), 0);
    for (size_t k = 0; k <= n / 2; k++)
      sum += rms[k] * rms[k];
    assert_near(sum / ms, 1.0, 1e-12);
    free(rms);
    free(x);
  }
}

/* A two-tone record spanning P common periods: 60 Hz + 7 kHz (SMPTE, common
 * frequency 20 Hz) over P = 2 common periods puts 60 Hz on bin 6, 7 kHz on
 * bin 700 and a sideband at 7060 Hz on bin 706. Asking fewer bins than the
 * record has computes just those. */
static void two_tones_over_common_periods(void **state)
{
  const size_t p = 2, per_period = 16384, n = p * per_period;
  const double fs = 20.0 * (double)per_period;
  double *x = calloc(n, sizeof *x), rms[800];
  (void)state;
  assert_non_null(x);
  for (size_t j = 0; j < n; j++) {
    double t = (double)j / fs;
    x[j] = sqrt(2.0) * (0.8 * sin(2.0 * M_PI * 60.0 * t) + 0.2 * sin(2.0 * M_PI * 7000.0 * t) +
                        1e-3 * cos(2.0 * M_PI * 7060.0 * t));
  }
  assert_int_equal(ampsim_dsp_spectrum(rms, 800, x, n), 0);
  assert_near(rms[6], 0.8, 1e-12);
  assert_near(rms[700], 0.2, 1e-12);
  assert_near(rms[706], 1e-3, 1e-12);
  assert_true(rms[703] < 1e-12 && rms[694] < 1e-12 && rms[3] < 1e-12);
  free(x);
}

static void rejects_bad_arguments(void **state)
{
  double x[8] = {0}, rms[8];
  (void)state;
  assert_int_equal(ampsim_dsp_spectrum(NULL, 1, x, 8), AMPSIM_EINVAL);
  assert_int_equal(ampsim_dsp_spectrum(rms, 1, NULL, 8), AMPSIM_EINVAL);
  assert_int_equal(ampsim_dsp_spectrum(rms, 1, x, 1), AMPSIM_EINVAL);
  assert_int_equal(ampsim_dsp_spectrum(rms, 0, x, 8), AMPSIM_EINVAL);
  assert_int_equal(ampsim_dsp_spectrum(rms, 6, x, 8), AMPSIM_EINVAL);
  assert_int_equal(ampsim_dsp_spectrum(rms, 5, x, 8), 0);
  assert_int_equal(ampsim_dsp_spectrum(rms, 4, x, 7), 0);
  assert_int_equal(ampsim_dsp_spectrum(rms, 5, x, 7), AMPSIM_EINVAL);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(tones_read_back_their_levels),
    cmocka_unit_test(dc_and_nyquist_bins),
    cmocka_unit_test(squares_sum_to_mean_square),
    cmocka_unit_test(two_tones_over_common_periods),
    cmocka_unit_test(rejects_bad_arguments),
};

AMPSIM_TEST_MAIN(tests)
