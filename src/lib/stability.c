/*
 * stability.c - loop gain, margins and capacitive loads (TASK_STABILITY).
 *
 * Loop gain. A stage marks its global feedback loop with a zero-volt source
 *   Vloop A B DC 0
 * in series in the loop: A on the amplifier's output side, B on the feedback
 * side (docs/stability.md). The loop gain is measured with Middlebrook's
 * double injection, which is exact whatever the impedances on either side:
 *   run 1, voltage injection (Vloop AC 1):   Tv = -V(A) / V(B)
 *   run 2, current injection (1 A into B):   Ti = -i / (i + 1)
 *          where i is the current from A to B through Vloop
 *   T = (Tv Ti - 1) / (Tv + Ti + 2)
 *     = (d Vb - Va i) / (Va d + i Vb - 2 d Vb),  d = i + 1
 * (the second form, used here, stays finite for an ideal output, Za = 0,
 * where d = 0 and T = Tv)
 * (With A = -G V(B) - Za i and B loaded by Zb this gives T = G Zb / (Za+Zb),
 * the loop gain with the loop closed, for any Za and Zb.)
 * Only the probed instance uses a copy of the stage's subcircuit that
 * carries the injection sources, so each half of a BTL is measured in the
 * full circuit, the other stages untouched.
 *
 * Margins: crossover where |T| falls through 1 (log-log interpolation), phase
 * margin 180 + arg T there (phase unwrapped from low frequency, where T is
 * positive real for negative feedback), gain margin -20 log |T| where the
 * unwrapped phase first reaches -180 deg. Not found: NAN, never a guess.
 */
#include <complex.h>
#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ampsim/error.h"
#include "measure_internal.h"
#include "strbuf.h"

#define LOOP_SWEEP "ac dec 40 10 1e9"
#define STEP_OUT_V 0.1 /* small-signal step at the load */

/* ------------------------------------------------------------------------ */
/* The probe copy of the stage's subcircuit                                 */
/* ------------------------------------------------------------------------ */

/* First whitespace-delimited word of line into buf (lowercase). */
static void first_word(char *buf, size_t size, const char *line)
{
  size_t n = 0;
  while (*line == ' ' || *line == '\t')
    line++;
  while (line[n] != '\0' && line[n] != ' ' && line[n] != '\t' && line[n] != '\n' &&
         n + 1 < size) {
    buf[n] = (char)tolower((unsigned char)line[n]);
    n++;
  }
  buf[n] = '\0';
}

/*
 * Find the stage subcircuit's block and its Vloop line. On success *start and
 * *end delimit the block (the .subckt line to the end of its .ends line) and
 * *vloop points at the Vloop line inside it. Returns 1 found, 0 not.
 */
static int find_loop(const char *text, const char *subckt, const char **start, const char **end,
                     const char **vloop)
{
  const char *p = text, *block = NULL;
  int depth = 0;
  char word[64], name[256];

  *vloop = NULL;
  while (*p != '\0') {
    const char *next = strchr(p, '\n');
    next = next != NULL ? next + 1 : p + strlen(p);
    first_word(word, sizeof word, p);
    if (strcmp(word, ".subckt") == 0) {
      if (block == NULL) {
        const char *q = p;
        while (*q == ' ' || *q == '\t')
          q++;
        first_word(name, sizeof name, q + 7);
        if (strcasecmp(name, subckt) == 0) {
          block = p;
          depth = 0;
        }
      }
      if (block != NULL)
        depth++;
    } else if (strcmp(word, ".ends") == 0 && block != NULL) {
      if (--depth == 0) {
        *start = block;
        *end = next;
        return *vloop != NULL;
      }
    } else if (block != NULL && depth == 1 && strcmp(word, "vloop") == 0) {
      *vloop = p;
    }
    p = next;
  }
  return 0;
}

/* The stage text plus a probe copy of its subcircuit named PROBE, with
 * Vloop carrying AC v_ac and a current source of AC i_ac into its feedback
 * side. Caller frees. */
static char *probe_text(const ampsim_stage *stage, const char *probe, double v_ac, double i_ac)
{
  const char *start, *end, *vloop, *p;
  char a[128], b[128];
  strbuf sb = STRBUF_INIT;

  if (!find_loop(stage->text, stage->subckt, &start, &end, &vloop))
    return NULL;
  if (sscanf(vloop, "%*s %127s %127s", a, b) != 2)
    return NULL;
  strbuf_append(&sb, stage->text, strlen(stage->text));
  strbuf_printf(&sb, "\n* ---- loop-gain probe copy of %s (ampsim) ----\n", stage->subckt);
  for (p = start; p < end;) {
    const char *next = strchr(p, '\n');
    size_t len;
    next = next != NULL && next < end ? next + 1 : end;
    len = (size_t)(next - p);
    if (p == start) {
      /* ".subckt NAME pins..." -> ".subckt PROBE pins..." */
      const char *q = p;
      char word[64];
      while (*q == ' ' || *q == '\t')
        q++;
      q += 7;
      while (*q == ' ' || *q == '\t')
        q++;
      first_word(word, sizeof word, q);
      strbuf_printf(&sb, ".subckt %s", probe);
      q += strlen(word);
      strbuf_append(&sb, q, (size_t)(next - q));
    } else if (p == vloop) {
      strbuf_printf(&sb, "Vloop %s %s DC 0 AC %.17g\n", a, b, v_ac);
      strbuf_printf(&sb, "Iampsim_probe 0 %s DC 0 AC %.17g\n", b, i_ac);
    } else {
      strbuf_append(&sb, p, len);
    }
    p = next;
  }
  return strbuf_take(&sb);
}

/* ------------------------------------------------------------------------ */
/* Loop gain                                                                */
/* ------------------------------------------------------------------------ */

typedef struct loop_sweep {
  size_t n;
  double *f;
  double complex *t;
} loop_sweep;

static void loop_sweep_free(loop_sweep *s)
{
  free(s->f);
  free(s->t);
  s->f = NULL;
  s->t = NULL;
}

/* Load the bench with the probe copy (injection v_ac / i_ac) at `instance`
 * and run the sweep. */
static int probe_run(ampsim_engine *engine, const task *t, const char *instance, double cap_f,
                     double v_ac, double i_ac)
{
  ampsim_stage probed = *t->stage;
  ampsim_bench_drive drive = AMPSIM_BENCH_DRIVE_INIT;
  char probe[300], *text, *netlist = NULL;
  int rc;

  snprintf(probe, sizeof probe, "%s_ampsim_probe", t->stage->subckt);
  text = probe_text(t->stage, probe, v_ac, i_ac);
  if (text == NULL)
    return ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
  probed.text = text;
  drive.ac_left = 0.0;
  drive.cap_load_f = cap_f;
  drive.probe_instance = instance;
  drive.probe_subckt = probe;
  rc = ampsim_bench_netlist(&netlist, &probed, &t->options->bench, AMPSIM_BENCH_LOADED, &drive);
  if (rc == 0)
    rc = ampsim_engine_load(engine, netlist);
  if (rc == 0)
    rc = ampsim_engine_run(engine, LOOP_SWEEP);
  free(netlist);
  free(text);
  return rc;
}

static int complex_vector(double complex **out, size_t *n, ampsim_engine *engine,
                          const char *name)
{
  ampsim_vector v;
  int rc = ampsim_engine_vector(&v, engine, name);
  if (rc != 0)
    return rc;
  *out = malloc(v.length * sizeof **out);
  if (*out == NULL) {
    ampsim_vector_free(&v);
    return ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < v.length; i++)
    (*out)[i] = v.re[i] + (v.im != NULL ? v.im[i] : 0.0) * I;
  *n = v.length;
  ampsim_vector_free(&v);
  return 0;
}

/*
 * The vector name of a node of the stage seen from `instance`: an internal
 * node is "INSTANCE.node"; a pin of the subcircuit is the node the bench
 * connects it to (in out vp vn gnd, in that order).
 */
static void node_name(char *buf, size_t size, const task *t, const char *block,
                      const char *instance, const char *node)
{
  const ampsim_bench_options *o = &t->options->bench;
  bool btl = o->topology == AMPSIM_TOPOLOGY_BTL;
  bool minus = btl && strcmp(instance, "xamp_ln") == 0;
  const char *outside[5];
  char pins[5][64], vp[16], vn[16];
  int n = 0;

  outside[0] = minus ? "n_inn_l" : "n_in_l";
  outside[1] = btl ? (minus ? "n_outn_l" : "n_outp_l") : "n_out_l";
  snprintf(vp, sizeof vp, o->supply_split ? "n_vp_l" : "n_vp");
  snprintf(vn, sizeof vn, o->supply_split ? "n_vn_l" : "n_vn");
  outside[2] = vp;
  outside[3] = vn;
  outside[4] = "0";
  /* The pins: the words after ".subckt NAME" up to params. */
  n = sscanf(block, "%*s %*s %63s %63s %63s %63s %63s", pins[0], pins[1], pins[2], pins[3],
             pins[4]);
  for (int i = 0; i < n && i < 5; i++) {
    if (strcasecmp(pins[i], node) == 0) {
      snprintf(buf, size, "%s", outside[i]);
      return;
    }
  }
  if (strcmp(node, "0") == 0 || strcasecmp(node, "gnd!") == 0)
    snprintf(buf, size, "0");
  else
    snprintf(buf, size, "%s.%s", instance, node);
}

static int loop_gain(loop_sweep *out, ampsim_engine *engine, const task *t, const char *instance,
                     double cap_f)
{
  char node_a[300], node_b[300];
  ampsim_vector xa = {0}, xb = {0};
  const char *start, *end, *vloop;
  char a[128], b[128], name[400];
  double complex *va = NULL, *vb = NULL, *ib = NULL;
  ampsim_vector f = {0};
  size_t na = 0, nb = 0, ni = 0;
  int rc;

  memset(out, 0, sizeof *out);
  if (!find_loop(t->stage->text, t->stage->subckt, &start, &end, &vloop) ||
      sscanf(vloop, "%*s %127s %127s", a, b) != 2)
    return ampsim_error_set(AMPSIM_ENOTFOUND, "no Vloop in %s", t->stage->subckt);
  for (char *c = a; *c != '\0'; c++)
    *c = (char)tolower((unsigned char)*c);
  for (char *c = b; *c != '\0'; c++)
    *c = (char)tolower((unsigned char)*c);

  node_name(node_a, sizeof node_a, t, start, instance, a);
  node_name(node_b, sizeof node_b, t, start, instance, b);
  /* Run 1: voltage injection. */
  rc = probe_run(engine, t, instance, cap_f, 1.0, 0.0);
  if (rc == 0)
    rc = ampsim_engine_vector(&f, engine, "frequency");
  if (rc == 0)
    rc = measure_node_vector(&xa, engine, node_a, f.length, true);
  if (rc == 0)
    rc = measure_node_vector(&xb, engine, node_b, f.length, true);
  if (rc == 0) {
    na = xa.length;
    nb = xb.length;
    va = malloc(na * sizeof *va);
    vb = malloc(nb * sizeof *vb);
    if (va == NULL || vb == NULL)
      rc = ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
    for (size_t k = 0; rc == 0 && k < na && k < nb; k++) {
      va[k] = xa.re[k] + (xa.im != NULL ? xa.im[k] : 0.0) * I;
      vb[k] = xb.re[k] + (xb.im != NULL ? xb.im[k] : 0.0) * I;
    }
  }
  ampsim_vector_free(&xa);
  ampsim_vector_free(&xb);
  /* Run 2: current injection. */
  if (rc == 0)
    rc = probe_run(engine, t, instance, cap_f, 0.0, 1.0);
  snprintf(name, sizeof name, "i(v.%s.vloop)", instance);
  if (rc == 0)
    rc = complex_vector(&ib, &ni, engine, name);
  if (rc == 0 && (na != f.length || nb != f.length || ni != f.length))
    rc = ampsim_error_set(AMPSIM_ESIM, "loop gain: sweeps of unequal length");
  if (rc == 0) {
    out->f = malloc(f.length * sizeof *out->f);
    out->t = malloc(f.length * sizeof *out->t);
    if (out->f == NULL || out->t == NULL)
      rc = ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
  }
  /* T = (Tv Ti - 1)/(Tv + Ti + 2) with Tv = -Va/Vb, Ti = -i/d, d = i + 1,
   * multiplied through so that no side may divide by zero: an ideal output
   * (Za = 0) makes d = 0 and Ti infinite, and then T = Tv, as this form
   * gives. */
  for (size_t k = 0; rc == 0 && k < f.length; k++) {
    double complex d = ib[k] + 1.0;
    out->f[k] = f.re[k];
    out->t[k] = (d * vb[k] - va[k] * ib[k]) / (va[k] * d + ib[k] * vb[k] - 2.0 * d * vb[k]);
  }
  if (rc == 0)
    out->n = f.length;
  else
    loop_sweep_free(out);
  free(va);
  free(vb);
  free(ib);
  ampsim_vector_free(&f);
  return rc;
}

/* arg T in degrees, unwrapped from low frequency (where T is positive real
 * for negative feedback), into phase[0..l->n). */
static void unwrapped_phase(double *phase, const loop_sweep *l)
{
  double phase_prev = 0.0, unwrap = 0.0;
  for (size_t k = 0; k < l->n; k++) {
    double p = carg(l->t[k]) * 180.0 / M_PI;
    if (k > 0) {
      while (p + unwrap - phase_prev > 180.0)
        unwrap -= 360.0;
      while (p + unwrap - phase_prev < -180.0)
        unwrap += 360.0;
    }
    phase[k] = p + unwrap;
    phase_prev = phase[k];
  }
}

/* Crossover, phase and gain margins of a loop-gain sweep. */
static void margins(ampsim_stability *s, const loop_sweep *l)
{
  double *phase = malloc(l->n * sizeof *phase);

  s->crossover_hz = s->phase_margin_deg = s->gain_margin_db = NAN;
  if (phase == NULL || l->n < 2) {
    free(phase);
    return;
  }
  unwrapped_phase(phase, l);
  for (size_t k = 0; k + 1 < l->n; k++) {
    double m0 = cabs(l->t[k]), m1 = cabs(l->t[k + 1]);
    if (m0 >= 1.0 && m1 < 1.0) {
      double x = log(m0) / (log(m0) - log(m1));
      s->crossover_hz = exp(log(l->f[k]) + x * (log(l->f[k + 1]) - log(l->f[k])));
      s->phase_margin_deg = 180.0 + phase[k] + x * (phase[k + 1] - phase[k]);
      break;
    }
  }
  for (size_t k = 0; k + 1 < l->n; k++) {
    if (phase[k] > -180.0 && phase[k + 1] <= -180.0) {
      double x = (-180.0 - phase[k]) / (phase[k + 1] - phase[k]);
      double lm = log(cabs(l->t[k])) + x * (log(cabs(l->t[k + 1])) - log(cabs(l->t[k])));
      s->gain_margin_db = -20.0 * lm / log(10.0);
      break;
    }
  }
  free(phase);
}

/* The loop-gain curve: every point of the sweep the margins come from, so
 * that the curve crosses 0 dB where crossover_hz says (curves.h). */
static int loop_curve(task_result *r, const loop_sweep *l)
{
  if (l->n > AMPSIM_MAX_CURVE)
    return ampsim_error_set(AMPSIM_ERANGE, "loop gain: %zu points exceed a curve's %d", l->n,
                            AMPSIM_MAX_CURVE);
  unwrapped_phase(r->curve_y2, l);
  for (size_t k = 0; k < l->n; k++) {
    r->curve_x[k] = l->f[k];
    r->curve_y[k] = 20.0 * log10(cabs(l->t[k]));
  }
  r->n_curve = l->n;
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Capacitive load: step response and output-impedance peak                 */
/* ------------------------------------------------------------------------ */

/* Points of the step-response curve, evenly spaced. */
#define STEP_CURVE_POINTS 600

/*
 * The step-response curve: the load voltage in % of the step, resampled
 * evenly over [-5 %, 100 %] of a span that shows the settling (twice the
 * settling time, at least three ringing periods, at most the window).
 */
static int step_curve(task_result *r, const ampsim_cap_load_point *c, const ampsim_vector *time,
                      const double *v, double delay, double window, double initial, double step)
{
  double span = c->settling_s > 0.0 ? 2.0 * c->settling_s : 0.05 * window;
  double t0, dt;
  int rc;

  if (isfinite(c->ring_hz) && c->ring_hz > 0.0)
    span = fmax(span, 3.0 / c->ring_hz);
  span = fmin(span, window);
  t0 = delay - 0.05 * span;
  dt = 1.05 * span / (double)(STEP_CURVE_POINTS - 1);
  rc = ampsim_dsp_resample(r->curve_y, STEP_CURVE_POINTS, t0, dt, time->re, v, time->length);
  if (rc != 0)
    return rc;
  for (size_t i = 0; i < STEP_CURVE_POINTS; i++) {
    r->curve_x[i] = t0 + (double)i * dt - delay;
    r->curve_y[i] = 100.0 * (r->curve_y[i] - initial) / step;
    r->curve_y2[i] = NAN;
  }
  r->n_curve = STEP_CURVE_POINTS;
  return 0;
}

static int step_response(ampsim_cap_load_point *c, ampsim_engine *engine, const task *t,
                         double crossover_hz, task_result *curve)
{
  ampsim_bench_nodes nodes;
  ampsim_bench_drive drive = AMPSIM_BENCH_DRIVE_INIT;
  ampsim_vector time = {0}, hot = {0}, cold = {0};
  double gain = 0.0, window, tmax, delay, final = 0.0, initial = 0.0, step, peak = -INFINITY;
  double peaks[2];
  size_t n_final = 0, n_initial = 0, n_peaks = 0;
  char analysis[256];
  int rc;

  /* Long enough for a loop of this bandwidth to settle many times over. */
  window = isfinite(crossover_hz) && crossover_hz > 0.0 ? fmax(200.0 / crossover_hz, 20e-6) : 100e-6;
  if (window > 5e-3)
    window = 5e-3;
  tmax = isfinite(crossover_hz) && crossover_hz > 0.0 ? fmin(1.0 / (50.0 * crossover_hz), window / 2000.0)
                                                      : window / 2000.0;
  delay = 0.05 * window;
  rc = measure_small_signal_gain(&gain, engine, t, 1000.0);
  if (rc != 0)
    return rc;
  ampsim_bench_nodes_of(&nodes, &t->options->bench);
  drive.ac_left = 0.0;
  drive.step_v = STEP_OUT_V / gain;
  drive.step_delay_s = delay;
  drive.cap_load_f = c->cap_f;
  drive.left_only = ampsim_bench_channels_independent(&t->options->bench);
  rc = measure_load_bench(engine, t, AMPSIM_BENCH_LOADED, &drive);
  snprintf(analysis, sizeof analysis, "tran %.17g %.17g 0 %.17g", tmax, delay + window, tmax);
  if (rc == 0)
    rc = ampsim_engine_run(engine, analysis);
  if (rc == 0)
    rc = ampsim_engine_vector(&time, engine, "time");
  if (rc == 0)
    rc = measure_node_vector(&hot, engine, nodes.load_hot[0], time.length, false);
  if (rc == 0)
    rc = measure_node_vector(&cold, engine, nodes.load_cold[0], time.length, false);
  if (rc != 0)
    goto done;
  for (size_t i = 0; i < time.length; i++) {
    double v = hot.re[i] - cold.re[i];
    if (time.re[i] < delay) {
      initial += v;
      n_initial++;
    } else if (time.re[i] > delay + 0.9 * window) {
      final += v;
      n_final++;
    }
  }
  if (n_initial == 0 || n_final == 0) {
    rc = ampsim_error_set(AMPSIM_ESIM, "step response: too few points");
    goto done;
  }
  initial /= (double)n_initial;
  final /= (double)n_final;
  step = final - initial;
  if (fabs(step) < 1e-6 * STEP_OUT_V) {
    rc = ampsim_error_set(AMPSIM_ESIM, "step response: the output does not follow the step");
    goto done;
  }
  /* e: the error normalised to the step, -1 before it and 0 when settled;
   * overshoot is e > 0. Settling: the last time |e| exceeds 1 %. Ringing:
   * the interval between the first two maxima of e above 1 %. */
  c->settling_s = 0.0;
  for (size_t i = 1; i + 1 < time.length; i++) {
    double e = (hot.re[i] - cold.re[i] - final) / step;
    double prev = (hot.re[i - 1] - cold.re[i - 1] - final) / step;
    double next = (hot.re[i + 1] - cold.re[i + 1] - final) / step;
    if (time.re[i] < delay)
      continue;
    if (fabs(e) > 0.01)
      c->settling_s = time.re[i] - delay;
    peak = fmax(peak, e);
    if (e > 0.01 && e >= prev && e > next && n_peaks < 2)
      peaks[n_peaks++] = time.re[i];
  }
  c->overshoot_pct = peak > 0.0 ? 100.0 * peak : 0.0;
  c->ring_hz = n_peaks == 2 ? 1.0 / (peaks[1] - peaks[0]) : NAN;
  if (curve != NULL) {
    double *v = malloc(time.length * sizeof *v);
    if (v == NULL) {
      rc = ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
      goto done;
    }
    for (size_t i = 0; i < time.length; i++)
      v[i] = hot.re[i] - cold.re[i];
    rc = step_curve(curve, c, &time, v, delay, window, initial, step);
    free(v);
  }
done:
  ampsim_vector_free(&time);
  ampsim_vector_free(&hot);
  ampsim_vector_free(&cold);
  return rc;
}

static int zout_peak(ampsim_cap_load_point *c, ampsim_engine *engine, const task *t)
{
  ampsim_bench_nodes nodes;
  ampsim_bench_drive drive = AMPSIM_BENCH_DRIVE_INIT;
  ampsim_vector f = {0}, a = {0}, b = {0};
  int rc;

  ampsim_bench_nodes_of(&nodes, &t->options->bench);
  drive.cap_load_f = c->cap_f;
  rc = measure_load_bench(engine, t, AMPSIM_BENCH_ZOUT, &drive);
  if (rc == 0)
    rc = ampsim_engine_run(engine, "ac dec 40 20 1e6");
  if (rc == 0)
    rc = ampsim_engine_vector(&f, engine, "frequency");
  if (rc == 0)
    rc = measure_node_vector(&a, engine, nodes.connector_a, f.length, true);
  if (rc == 0)
    rc = measure_node_vector(&b, engine, nodes.connector_b, f.length, true);
  c->zout_peak_ohms = -1.0;
  for (size_t i = 0; rc == 0 && i < f.length; i++) {
    double z = hypot(a.re[i] - b.re[i], a.im[i] - b.im[i]);
    if (z > c->zout_peak_ohms) {
      c->zout_peak_ohms = z;
      c->zout_peak_hz = f.re[i];
    }
  }
  ampsim_vector_free(&f);
  ampsim_vector_free(&a);
  ampsim_vector_free(&b);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* The task                                                                 */
/* ------------------------------------------------------------------------ */

/* The instance that drives the left load for half h (0: +, 1: -). */
static const char *instance_of(const task *t, int half)
{
  if (t->options->bench.topology == AMPSIM_TOPOLOGY_BTL)
    return half == 0 ? "xamp_lp" : "xamp_ln";
  return "xamp_l";
}

int measure_task_stability(task_result *r, const task *t, ampsim_engine *engine)
{
  const char *start, *end, *vloop;
  loop_sweep sweep = {0};
  double cap = t->index >= 0 ? t->options->caps_f[t->index] : 0.0;
  int rc = 0;

  r->stability.crossover_hz = r->stability.phase_margin_deg = r->stability.gain_margin_db = NAN;
  r->has_loop = find_loop(t->stage->text, t->stage->subckt, &start, &end, &vloop);
  if (r->has_loop) {
    rc = loop_gain(&sweep, engine, t, instance_of(t, t->index < 0 ? -1 - t->index : t->half),
                   cap);
    if (rc != 0)
      return rc;
    margins(&r->stability, &sweep);
    if (t->curve == TASK_CURVE_LOOP)
      rc = loop_curve(r, &sweep);
    loop_sweep_free(&sweep);
    if (rc != 0)
      return rc;
  }
  if (t->index < 0 || t->curve == TASK_CURVE_LOOP)
    return 0;

  memset(&r->cap_load, 0, sizeof r->cap_load);
  r->cap_load.cap_f = cap;
  r->cap_load.stability = r->stability;
  rc = step_response(&r->cap_load, engine, t, r->stability.crossover_hz,
                     t->curve == TASK_CURVE_STEP ? r : NULL);
  if (rc == 0)
    rc = zout_peak(&r->cap_load, engine, t);
  return rc;
}
