/*
 * plot.c - line plots of measured curves as PNG or SVG (see
 * include/ampsim/plot.h), drawn with cairo's image and SVG surfaces.
 *
 * The file has three parts: numbers and labels on the axes (pure, exposed to
 * the unit tests through plot_ticks.h), the plot object that callers fill,
 * and the drawing. Layout sizes are in pixels of the default 900 x 560 page;
 * text keeps its size when the page size changes.
 */
#include "ampsim/plot.h"

#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cairo.h>
#include <cairo-svg.h>

#include "ampsim/error.h"
#include "ampsim/fileio.h"
#include "plot_ticks.h"
#include "strbuf.h"

/* ------------------------------------------------------------------------ */
/* Numbers and labels                                                       */
/* ------------------------------------------------------------------------ */

/* Engineering prefixes from femto (10^-15) to tera (10^12). */
#define PREFIX_MIN_EXP3 (-5)
#define PREFIX_MAX_EXP3 4
static const char *const prefixes[] = { "f", "p", "n", "µ", "m", "", "k", "M", "G", "T" };

/* Relative slack for comparisons of computed tick values with range ends. */
#define REL_EPS 1e-9

/* snprintf in the C locale: labels always use a decimal point, whatever the
 * caller's locale (a plot is read next to tables and CSV that do). */
static void c_format(char *buf, size_t n, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void c_format(char *buf, size_t n, const char *fmt, ...)
{
  va_list ap;
  locale_t c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
  locale_t old = c_locale != (locale_t)0 ? uselocale(c_locale) : (locale_t)0;

  va_start(ap, fmt);
  vsnprintf(buf, n, fmt, ap);
  va_end(ap);
  if (c_locale != (locale_t)0) {
    uselocale(old);
    freelocale(c_locale);
  }
}

/* Drop trailing zeros after a decimal point ("0.500" -> "0.5", "2.0" -> "2")
 * and leading zeros of an exponent ("1e-07" -> "1e-7"). */
static void trim_number(char *text)
{
  char *e = strchr(text, 'e');
  char *dot = strchr(text, '.');

  if (e != NULL) {
    char *digits = e + 1;
    char *first;
    if (*digits == '-' || *digits == '+')
      digits++;
    first = digits;
    while (*first == '0' && first[1] != '\0')
      first++;
    memmove(digits, first, strlen(first) + 1);
    if (e[1] == '+')
      memmove(e + 1, e + 2, strlen(e + 2) + 1);
  }
  if (dot != NULL && (e == NULL || dot < e)) {
    char *end = e != NULL ? e : text + strlen(text);
    char *last = end;
    while (last > dot + 1 && last[-1] == '0')
      last--;
    if (last == dot + 1)
      last = dot;
    memmove(last, end, strlen(end) + 1);
  }
}

int plot_unit_takes_prefix(const char *unit)
{
  if (unit == NULL || unit[0] == '\0')
    return 0;
  if (strncmp(unit, "dB", 2) == 0)
    return 0;
  return strcmp(unit, "%") != 0 && strcmp(unit, "deg") != 0 && strcmp(unit, "ppm") != 0 &&
         strcmp(unit, "°") != 0;
}

const char *plot_unit_display(const char *unit)
{
  if (unit == NULL)
    return "";
  if (strcmp(unit, "ohm") == 0 || strcmp(unit, "ohms") == 0 || strcmp(unit, "Ohm") == 0)
    return "Ω";
  return unit;
}

/* floor(log10(|v|)) for v != 0, corrected where log10 rounds across an
 * integer. */
static int decade_of(double v)
{
  double a = fabs(v);
  int k = (int)floor(log10(a));

  if (pow(10.0, k) > a)
    k--;
  else if (pow(10.0, k + 1) <= a)
    k++;
  return k;
}

/* Plain decimal text of v with `digits` significant digits, no trailing
 * zeros; exponent form only far from 1 ("1e-7", "2e+9" -> "2e9"). */
static void plain_number(char *buf, size_t n, double v, int digits)
{
  int k;

  if (v == 0.0) {
    c_format(buf, n, "0");
    return;
  }
  k = decade_of(v);
  if (k < -5 || k > 6) {
    c_format(buf, n, "%.*e", digits - 1, v);
  } else {
    int decimals = digits - 1 - k;
    c_format(buf, n, "%.*f", decimals > 0 ? decimals : 0, v);
  }
  trim_number(buf);
}

char *plot_label_log(char *buf, size_t n, double value, const char *unit, int digits)
{
  const char *shown = plot_unit_display(unit);
  char number[PLOT_LABEL_MAX];

  if (n == 0)
    return buf;
  if (digits < 1)
    digits = 1;
  if (plot_unit_takes_prefix(unit) && value != 0.0 && isfinite(value)) {
    int exp3 = (int)floor(decade_of(value) / 3.0);
    if (exp3 >= PREFIX_MIN_EXP3 && exp3 <= PREFIX_MAX_EXP3) {
      double mantissa = value / pow(10.0, 3.0 * exp3);
      plain_number(number, sizeof number, mantissa, digits);
      /* Rounding may carry into the next prefix: 999.96 -> "1000". */
      if (fabs(strtod(number, NULL)) >= 1000.0 && exp3 < PREFIX_MAX_EXP3) {
        exp3++;
        plain_number(number, sizeof number, value / pow(10.0, 3.0 * exp3), digits);
      }
      c_format(buf, n, "%s %s%s", number, prefixes[exp3 - PREFIX_MIN_EXP3], shown);
      return buf;
    }
  }
  plain_number(number, sizeof number, value, digits);
  if (shown[0] != '\0')
    c_format(buf, n, "%s %s", number, shown);
  else
    c_format(buf, n, "%s", number);
  return buf;
}

double plot_nice_step(double raw)
{
  int k = decade_of(raw);
  double base = pow(10.0, k);
  double f = raw / base;

  if (f <= 1.0 + REL_EPS)
    return base;
  if (f <= 2.0 + REL_EPS)
    return 2.0 * base;
  if (f <= 5.0 + REL_EPS)
    return 5.0 * base;
  return 10.0 * base;
}

/* Largest 1, 2 or 5 times a power of ten that is <= v (v > 0). */
static double nice_floor(double v)
{
  int k = decade_of(v);
  double base = pow(10.0, k);
  double f = v / base;

  if (f >= 5.0 - REL_EPS)
    return 5.0 * base;
  if (f >= 2.0 - REL_EPS)
    return 2.0 * base;
  return base;
}

/* Smallest 1, 2 or 5 times a power of ten that is >= v (v > 0). */
static double nice_ceil(double v)
{
  return plot_nice_step(v);
}

/* Width of a label in pixels. */
static double label_width(const plot_axis_spec *spec, const char *text)
{
  size_t chars = 0;
  const unsigned char *c;

  if (spec->measure != NULL)
    return spec->measure(spec->measure_ctx, text);
  for (c = (const unsigned char *)text; *c != '\0'; c++)
    if ((*c & 0xC0) != 0x80)
      chars++;
  return 0.62 * spec->font_px * (double)chars;
}

/* Position of a value along the axis in pixels from its low end. */
static double axis_pos(const plot_axis_spec *spec, double lo, double hi, double v)
{
  if (spec->scale == AMPSIM_AXIS_LOG)
    return (log10(v) - log10(lo)) / (log10(hi) - log10(lo)) * spec->length_px;
  return (v - lo) / (hi - lo) * spec->length_px;
}

/* Whether labelling tick i keeps clear of the labelled ticks next to it. */
static int label_fits(const plot_axis_ticks *t, const plot_axis_spec *spec, size_t i,
                      const char *text)
{
  double pos = axis_pos(spec, t->lo, t->hi, t->tick[i].value);
  double width = label_width(spec, text);
  double gap = spec->font_px;
  size_t j;

  for (j = i; j-- > 0;) {
    if (t->tick[j].label[0] != '\0') {
      double d = pos - axis_pos(spec, t->lo, t->hi, t->tick[j].value);
      double need = spec->vertical ? 1.8 * spec->font_px
                                   : (width + label_width(spec, t->tick[j].label)) / 2 + gap;
      if (d < need)
        return 0;
      break;
    }
  }
  for (j = i + 1; j < t->n; j++) {
    if (t->tick[j].label[0] != '\0') {
      double d = axis_pos(spec, t->lo, t->hi, t->tick[j].value) - pos;
      double need = spec->vertical ? 1.8 * spec->font_px
                                   : (width + label_width(spec, t->tick[j].label)) / 2 + gap;
      if (d < need)
        return 0;
      break;
    }
  }
  return 1;
}

/* Label tick i with its log-axis label if that fits; returns 1 if it did. */
static int try_label(plot_axis_ticks *t, const plot_axis_spec *spec, size_t i, int digits)
{
  char text[PLOT_LABEL_MAX];

  if (t->tick[i].label[0] != '\0')
    return 0;
  plot_label_log(text, sizeof text, t->tick[i].value, spec->unit, digits);
  if (!label_fits(t, spec, i, text))
    return 0;
  memcpy(t->tick[i].label, text, sizeof text);
  return 1;
}

static size_t count_labels(const plot_axis_ticks *t)
{
  size_t i, n = 0;

  for (i = 0; i < t->n; i++)
    if (t->tick[i].label[0] != '\0')
      n++;
  return n;
}

/* Insert a tick at value v keeping the list sorted (for the range ends);
 * returns its index, or t->n when the list is full. */
static size_t insert_tick(plot_axis_ticks *t, double v)
{
  size_t i = 0;

  while (i < t->n && t->tick[i].value < v)
    i++;
  if (i < t->n && t->tick[i].value == v)
    return i;
  if (t->n == PLOT_TICKS_MAX)
    return t->n;
  memmove(&t->tick[i + 1], &t->tick[i], (t->n - i) * sizeof t->tick[0]);
  t->n++;
  t->tick[i].value = v;
  t->tick[i].major = 0;
  t->tick[i].label[0] = '\0';
  return i;
}

/* Mantissa m of a tick value m * 10^k, as an integer 1..9 (0 if none). */
static int mantissa_of(double v)
{
  double m = v / pow(10.0, decade_of(v));
  double r = floor(m + 0.5);

  if (fabs(m - r) > 1e-6 * r || r < 1.0 || r > 9.0)
    return 0;
  return (int)r;
}

static int ticks_log(plot_axis_ticks *t, const plot_axis_spec *spec)
{
  static const int strides[] = { 1, 2, 3, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000 };
  double lo = t->lo, hi = t->hi;
  double l0 = log10(lo), l1 = log10(hi);
  double ppd = spec->length_px / (l1 - l0);
  int k_first = (int)floor(l0 - REL_EPS), k_last = (int)floor(l1 + REL_EPS);
  int with_minor = ppd >= 40.0;
  int stride = strides[sizeof strides / sizeof strides[0] - 1];
  double widest = 0.0;
  size_t i, s;
  int k, m;

  /* Every how many decades a label fits. */
  for (k = k_first; k <= k_last; k++) {
    char text[PLOT_LABEL_MAX];
    double w;
    plot_label_log(text, sizeof text, pow(10.0, k), spec->unit, 3);
    w = label_width(spec, text);
    if (w > widest)
      widest = w;
  }
  for (s = 0; s < sizeof strides / sizeof strides[0]; s++) {
    double need = spec->vertical ? 1.8 * spec->font_px : widest + spec->font_px;
    if (strides[s] * ppd >= need) {
      stride = strides[s];
      break;
    }
  }

  t->n = 0;
  for (k = k_first; k <= k_last && t->n < PLOT_TICKS_MAX; k++) {
    int labelled = ((k % stride) + stride) % stride == 0;
    for (m = 1; m <= 9 && t->n < PLOT_TICKS_MAX; m++) {
      double v = m * pow(10.0, k);
      plot_tick *tick;
      if (m > 1 && !with_minor)
        break;
      if (v < lo * (1.0 - REL_EPS) || v > hi * (1.0 + REL_EPS))
        continue;
      if (m == 1 && !labelled && ppd < 6.0)
        continue; /* decades too close for a grid line each */
      tick = &t->tick[t->n++];
      tick->value = v;
      tick->major = m == 1;
      tick->label[0] = '\0';
      if (m == 1 && labelled)
        plot_label_log(tick->label, sizeof tick->label, v, spec->unit, 3);
    }
  }

  if (stride == 1) {
    /* Room to spare: label the ends of the axis (20 Hz and 20 kHz of the
     * audio band); then, on axes of few decades, the 5s and 2s until there
     * is about one label per 150 px across (80 px up); the other 1..9s only
     * when that still leaves fewer than three. */
    size_t wanted = (size_t)(spec->length_px / (spec->vertical ? 80.0 : 150.0));
    if (wanted < 3)
      wanted = 3;
    if (t->n > 0 && mantissa_of(t->tick[0].value) != 0)
      try_label(t, spec, 0, 3);
    if (t->n > 1 && mantissa_of(t->tick[t->n - 1].value) != 0)
      try_label(t, spec, t->n - 1, 3);
    for (s = 0; s < 3; s++) {
      if (count_labels(t) >= (s < 2 ? wanted : 3))
        break;
      for (i = 0; i < t->n; i++) {
        int mantissa = mantissa_of(t->tick[i].value);
        if ((s == 0 && mantissa == 5) || (s == 1 && mantissa == 2) ||
            (s == 2 && mantissa > 2 && mantissa != 5))
          try_label(t, spec, i, 3);
      }
    }
  }
  if (count_labels(t) < 2) {
    /* A range inside one decade with no 1..9 values to label, or a page too
     * small: label the ends themselves. */
    i = insert_tick(t, lo);
    if (i < t->n && t->tick[i].label[0] == '\0')
      plot_label_log(t->tick[i].label, sizeof t->tick[i].label, lo, spec->unit, 4);
    i = insert_tick(t, hi);
    if (i < t->n && t->tick[i].label[0] == '\0')
      plot_label_log(t->tick[i].label, sizeof t->tick[i].label, hi, spec->unit, 4);
  }
  t->title_unit[0] = '\0';
  return 0;
}

/* How linear tick labels are printed: value / 10^(3 * exp3) with `decimals`
 * decimals, or in exponent form with `sig` significant digits. */
typedef struct linear_format {
  int exp3;
  int decimals;
  int exponent_form;
  int sig;
} linear_format;

static linear_format linear_format_for(double lo, double hi, double step, const char *unit)
{
  linear_format f = { 0, 0, 0, 1 };
  double maxabs = fmax(fmax(fabs(lo), fabs(hi)), step);
  int k_max = decade_of(maxabs);
  int k_step = decade_of(step);
  double scaled_step;

  if (plot_unit_takes_prefix(unit)) {
    f.exp3 = (int)floor(k_max / 3.0);
    if (f.exp3 < PREFIX_MIN_EXP3 || f.exp3 > PREFIX_MAX_EXP3)
      f.exponent_form = 1;
  } else if (k_max > 6 || k_step < -6) {
    f.exponent_form = 1;
  }
  if (f.exponent_form) {
    f.exp3 = 0;
    f.sig = k_max - k_step + 1;
    if (f.sig < 1)
      f.sig = 1;
    return f;
  }
  scaled_step = step / pow(10.0, 3.0 * f.exp3);
  f.decimals = -decade_of(scaled_step);
  if (f.decimals < 0)
    f.decimals = 0;
  return f;
}

static void linear_label(char *buf, size_t n, double v, const linear_format *f)
{
  if (f->exponent_form) {
    if (v == 0.0)
      c_format(buf, n, "0");
    else {
      c_format(buf, n, "%.*e", f->sig - 1, v);
      trim_number(buf);
    }
    return;
  }
  c_format(buf, n, "%.*f", f->decimals, v / pow(10.0, 3.0 * f->exp3));
}

/* Whether a unit is an angle in degrees, whose axes step in 15, 30, 45, 90
 * and 180 degrees rather than 20 and 50. */
static int unit_is_degrees(const char *unit)
{
  return unit != NULL && (strcmp(unit, "deg") == 0 || strcmp(unit, "°") == 0);
}

/* The tick step of a linear axis for a wanted step of at least raw: 1-2-5
 * times a power of ten, or on a degree axis beyond 10 degrees the next of
 * 15, 30, 45, 90, 180, 360 (then 360 times 1-2-5). */
static double linear_step(double raw, int degrees)
{
  static const double degree_steps[] = { 15.0, 30.0, 45.0, 90.0, 180.0, 360.0 };
  size_t i;

  if (!degrees || raw <= 10.0 * (1.0 + REL_EPS))
    return plot_nice_step(raw);
  for (i = 0; i < sizeof degree_steps / sizeof degree_steps[0]; i++)
    if (raw <= degree_steps[i] * (1.0 + REL_EPS))
      return degree_steps[i];
  return 360.0 * plot_nice_step(raw / 360.0);
}

static int ticks_linear(plot_axis_ticks *t, const plot_axis_spec *spec, double data_lo,
                        double data_hi)
{
  double min_spacing = spec->vertical ? fmax(45.0, 2.2 * spec->font_px)
                                      : fmax(80.0, 5.0 * spec->font_px);
  double span = data_hi - data_lo;
  int degrees = unit_is_degrees(spec->unit);
  double step = linear_step(span / 500.0, degrees);
  int attempt;

  for (attempt = 0; attempt < 200; attempt++) {
    double first, last, lo, hi, step_px, widest = 0.0;
    linear_format f;
    size_t count;
    int fits = 1;

    if (spec->fixed) {
      lo = data_lo;
      hi = data_hi;
      first = ceil(lo / step - REL_EPS);
      last = floor(hi / step + REL_EPS);
    } else {
      first = floor(data_lo / step + REL_EPS);
      last = ceil(data_hi / step - REL_EPS);
      lo = first * step;
      hi = last * step;
      if (!(hi > lo)) {
        hi = lo + step;
        last = first + 1.0;
      }
    }
    step_px = step / (hi - lo) * spec->length_px;
    count = last >= first ? (size_t)(last - first) + 1 : 0;
    if (step_px < min_spacing || count > PLOT_TICKS_MAX) {
      step = linear_step(step * 1.5, degrees);
      continue;
    }

    t->lo = lo;
    t->hi = hi;
    f = linear_format_for(first * step, last * step, step, spec->unit);
    t->n = 0;
    for (; first <= last && t->n < count; first += 1.0) {
      plot_tick *tick = &t->tick[t->n++];
      double v = first * step;
      if (fabs(v) < step * 1e-6)
        v = 0.0; /* no "-0" */
      tick->value = v;
      tick->major = 1;
      linear_label(tick->label, sizeof tick->label, v, &f);
      if (!spec->vertical) {
        double w = label_width(spec, tick->label);
        if (w > widest)
          widest = w;
      }
    }
    if (!spec->vertical && widest + spec->font_px > step_px)
      fits = 0;
    if (!fits) {
      step = linear_step(step * 1.5, degrees);
      continue;
    }

    if (f.exponent_form)
      c_format(t->title_unit, sizeof t->title_unit, "%s", plot_unit_display(spec->unit));
    else
      c_format(t->title_unit, sizeof t->title_unit, "%s%s",
               plot_unit_takes_prefix(spec->unit) ? prefixes[f.exp3 - PREFIX_MIN_EXP3] : "",
               plot_unit_display(spec->unit));
    return 0;
  }
  /* Not reached for any range this module accepts; keep a sane axis. */
  t->lo = data_lo;
  t->hi = data_hi;
  t->n = 0;
  t->title_unit[0] = '\0';
  return 0;
}

int plot_ticks_make(plot_axis_ticks *out, const plot_axis_spec *spec)
{
  double lo = spec->lo, hi = spec->hi;

  out->n = 0;
  out->title_unit[0] = '\0';
  if (spec->fixed) {
    if (!(lo < hi) || !isfinite(lo) || !isfinite(hi))
      return ampsim_error_set(AMPSIM_EINVAL, "plot: axis range %g .. %g is empty", lo, hi);
    if (spec->scale == AMPSIM_AXIS_LOG && !(lo >= PLOT_LOG_VALUE_MIN))
      return ampsim_error_set(AMPSIM_EINVAL,
                              "plot: axis range %g .. %g is not positive on a log axis", lo, hi);
  }

  if (spec->scale == AMPSIM_AXIS_LOG) {
    if (!spec->fixed) {
      if (!(lo <= hi)) {
        lo = 1.0;
        hi = 10.0;
      } else if (spec->tight_log) {
        double a = nice_floor(lo), b = nice_ceil(hi);
        if (!(a < b)) {
          a = nice_floor(a * (1.0 - 1e-6));
          b = nice_ceil(b * (1.0 + 1e-6));
        }
        lo = a;
        hi = b;
      } else {
        int k0 = decade_of(lo), k1 = decade_of(hi);
        if (pow(10.0, k1) < hi)
          k1++;
        if (k0 == k1) {
          k0--;
          k1++;
        }
        if (k0 < -300)
          k0 = -300;
        if (k1 > 300)
          k1 = 300;
        lo = pow(10.0, k0);
        hi = pow(10.0, k1);
      }
    }
    out->lo = lo;
    out->hi = hi;
    return ticks_log(out, spec);
  }

  if (!spec->fixed) {
    double span_min;
    if (!(lo <= hi)) {
      lo = 0.0;
      hi = 1.0;
    }
    if (lo == hi) {
      double half = lo == 0.0 ? 1.0 : fabs(lo) * 0.1;
      lo -= half;
      hi += half;
    }
    /* Keep at least nine significant digits between the ends: below that
     * the labels would differ only in rounding noise. */
    span_min = fmax(fmax(fabs(lo), fabs(hi)) * 1e-9, 1e-290);
    if (hi - lo < span_min) {
      double mid = lo / 2 + hi / 2;
      lo = mid - span_min / 2;
      hi = mid + span_min / 2;
    }
  }
  return ticks_linear(out, spec, lo, hi);
}

/* ------------------------------------------------------------------------ */
/* The plot object                                                          */
/* ------------------------------------------------------------------------ */

typedef struct plot_axis {
  char *label;
  char *unit;
  ampsim_axis_scale scale;
  int fixed;
  double lo, hi;
} plot_axis;

typedef struct plot_series {
  char *legend;
  double *x, *y;
  size_t n;
  ampsim_plot_panel panel;
  ampsim_plot_draw draw;
  int like;     /* the series whose legend entry this one shares, or -1 */
  size_t style; /* colour, dash and marker: its legend entry's number */
} plot_series;

struct ampsim_plot {
  char *title;
  int width_px, height_px;
  plot_axis x, y, y_lower;
  int has_lower; /* the lower panel was described */
  plot_series series[AMPSIM_PLOT_MAX_SERIES];
  size_t n_series;
  size_t n_entries; /* series with a legend entry of their own */
};

/* A copy of text ("" for NULL), or NULL when out of memory. */
static char *copy_text(const char *text)
{
  size_t len = text != NULL ? strlen(text) : 0;
  char *copy = malloc(len + 1);

  if (copy == NULL)
    return NULL;
  if (len > 0)
    memcpy(copy, text, len);
  copy[len] = '\0';
  return copy;
}

int ampsim_plot_new(ampsim_plot **out, const char *title)
{
  ampsim_plot *p;

  if (out == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "plot: no place for the new plot");
  *out = NULL;
  p = calloc(1, sizeof *p);
  if (p == NULL)
    return ampsim_error_set(AMPSIM_ENOMEM, "plot: out of memory");
  p->title = copy_text(title);
  p->x.label = copy_text(NULL);
  p->x.unit = copy_text(NULL);
  p->y.label = copy_text(NULL);
  p->y.unit = copy_text(NULL);
  p->y_lower.label = copy_text(NULL);
  p->y_lower.unit = copy_text(NULL);
  if (p->title == NULL || p->x.label == NULL || p->x.unit == NULL || p->y.label == NULL ||
      p->y.unit == NULL || p->y_lower.label == NULL || p->y_lower.unit == NULL) {
    ampsim_plot_free(p);
    return ampsim_error_set(AMPSIM_ENOMEM, "plot: out of memory");
  }
  p->width_px = AMPSIM_PLOT_WIDTH_PX;
  p->height_px = AMPSIM_PLOT_HEIGHT_PX;
  p->x.scale = AMPSIM_AXIS_LINEAR;
  p->y.scale = AMPSIM_AXIS_LINEAR;
  p->y_lower.scale = AMPSIM_AXIS_LINEAR;
  *out = p;
  return 0;
}

void ampsim_plot_free(ampsim_plot *p)
{
  size_t i;

  if (p == NULL)
    return;
  for (i = 0; i < p->n_series; i++) {
    free(p->series[i].legend);
    free(p->series[i].x);
    free(p->series[i].y);
  }
  free(p->y_lower.unit);
  free(p->y_lower.label);
  free(p->y.unit);
  free(p->y.label);
  free(p->x.unit);
  free(p->x.label);
  free(p->title);
  free(p);
}

static int set_axis(ampsim_plot *p, plot_axis *axis, const char *name, const char *label,
                    const char *unit, ampsim_axis_scale scale)
{
  char *label_copy, *unit_copy;

  if (p == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "plot: no plot");
  if (scale != AMPSIM_AXIS_LINEAR && scale != AMPSIM_AXIS_LOG)
    return ampsim_error_set(AMPSIM_EINVAL, "plot: unknown %s axis scale %d", name, (int)scale);
  label_copy = copy_text(label);
  unit_copy = copy_text(unit);
  if (label_copy == NULL || unit_copy == NULL) {
    free(unit_copy);
    free(label_copy);
    return ampsim_error_set(AMPSIM_ENOMEM, "plot: out of memory");
  }
  free(axis->label);
  free(axis->unit);
  axis->label = label_copy;
  axis->unit = unit_copy;
  axis->scale = scale;
  return 0;
}

int ampsim_plot_axis_x(ampsim_plot *p, const char *label, const char *unit,
                       ampsim_axis_scale scale)
{
  return set_axis(p, p != NULL ? &p->x : NULL, "x", label, unit, scale);
}

int ampsim_plot_axis_y(ampsim_plot *p, const char *label, const char *unit,
                       ampsim_axis_scale scale)
{
  return set_axis(p, p != NULL ? &p->y : NULL, "y", label, unit, scale);
}

int ampsim_plot_axis_y_lower(ampsim_plot *p, const char *label, const char *unit,
                             ampsim_axis_scale scale)
{
  int rc = set_axis(p, p != NULL ? &p->y_lower : NULL, "lower y", label, unit, scale);

  if (rc == 0)
    p->has_lower = 1;
  return rc;
}

static int set_range(plot_axis *axis, const char *name, double lo, double hi)
{
  if (axis == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "plot: no plot");
  if (lo == 0.0 && hi == 0.0) {
    axis->fixed = 0;
    return 0;
  }
  if (!isfinite(lo) || !isfinite(hi) || !(lo < hi) || fabs(lo) > PLOT_VALUE_MAX ||
      fabs(hi) > PLOT_VALUE_MAX)
    return ampsim_error_set(AMPSIM_EINVAL, "plot: %s range %g .. %g is not lo < hi within +-1e300",
                            name, lo, hi);
  axis->fixed = 1;
  axis->lo = lo;
  axis->hi = hi;
  return 0;
}

int ampsim_plot_range_x(ampsim_plot *p, double lo, double hi)
{
  return set_range(p != NULL ? &p->x : NULL, "x", lo, hi);
}

int ampsim_plot_range_y(ampsim_plot *p, double lo, double hi)
{
  return set_range(p != NULL ? &p->y : NULL, "y", lo, hi);
}

int ampsim_plot_range_y_lower(ampsim_plot *p, double lo, double hi)
{
  return set_range(p != NULL ? &p->y_lower : NULL, "lower y", lo, hi);
}

int ampsim_plot_set_size(ampsim_plot *p, int width_px, int height_px)
{
  if (p == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "plot: no plot");
  if (width_px < 400 || width_px > 4000 || height_px < 300 || height_px > 4000)
    return ampsim_error_set(AMPSIM_EINVAL,
                            "plot: size %d x %d is outside 400..4000 x 300..4000 pixels",
                            width_px, height_px);
  p->width_px = width_px;
  p->height_px = height_px;
  return 0;
}

int ampsim_plot_series(ampsim_plot *p, const char *legend, const double *x, const double *y,
                       size_t n)
{
  return ampsim_plot_series_ext(p, legend, x, y, n, NULL);
}

int ampsim_plot_series_ext(ampsim_plot *p, const char *legend, const double *x,
                           const double *y, size_t n, const ampsim_plot_series_options *options)
{
  static const ampsim_plot_series_options defaults = AMPSIM_PLOT_SERIES_OPTIONS_INIT;
  const ampsim_plot_series_options *o = options != NULL ? options : &defaults;
  plot_series s;

  memset(&s, 0, sizeof s);
  if (p == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "plot: no plot");
  if (n > 0 && (x == NULL || y == NULL))
    return ampsim_error_set(AMPSIM_EINVAL, "plot: series '%s' has %zu points but no data",
                            legend != NULL ? legend : "", n);
  if (o->panel != AMPSIM_PLOT_PANEL_UPPER && o->panel != AMPSIM_PLOT_PANEL_LOWER)
    return ampsim_error_set(AMPSIM_EINVAL, "plot: series '%s': unknown panel %d",
                            legend != NULL ? legend : "", (int)o->panel);
  if (o->draw != AMPSIM_PLOT_DRAW_AUTO && o->draw != AMPSIM_PLOT_DRAW_LINE &&
      o->draw != AMPSIM_PLOT_DRAW_STEMS && o->draw != AMPSIM_PLOT_DRAW_MARKERS)
    return ampsim_error_set(AMPSIM_EINVAL, "plot: series '%s': unknown draw style %d",
                            legend != NULL ? legend : "", (int)o->draw);
  if (o->like < -1 || (o->like >= 0 && (size_t)o->like >= p->n_series))
    return ampsim_error_set(AMPSIM_EINVAL,
                            "plot: series '%s' is to be drawn like series %d, but the plot "
                            "has %zu series before it",
                            legend != NULL ? legend : "", o->like, p->n_series);
  if (p->n_series == AMPSIM_PLOT_MAX_SERIES)
    return ampsim_error_set(AMPSIM_ERANGE, "plot: more than %d series",
                            AMPSIM_PLOT_MAX_SERIES);
  if (n > SIZE_MAX / sizeof(double))
    return ampsim_error_set(AMPSIM_ENOMEM, "plot: series '%s' is too long",
                            legend != NULL ? legend : "");
  s.panel = o->panel;
  s.draw = o->draw;
  s.like = -1;
  if (o->like >= 0) {
    /* Shares the entry of the series that has one. */
    const plot_series *model = &p->series[o->like];
    s.like = model->like >= 0 ? model->like : o->like;
    s.style = model->style;
    legend = NULL;
  } else {
    s.style = p->n_entries;
  }
  s.legend = copy_text(legend);
  if (n > 0) {
    s.x = malloc(n * sizeof(double));
    s.y = malloc(n * sizeof(double));
  }
  if (s.legend == NULL || (n > 0 && (s.x == NULL || s.y == NULL))) {
    free(s.y);
    free(s.x);
    free(s.legend);
    return ampsim_error_set(AMPSIM_ENOMEM, "plot: out of memory");
  }
  if (n > 0) {
    memcpy(s.x, x, n * sizeof(double));
    memcpy(s.y, y, n * sizeof(double));
  }
  s.n = n;
  p->series[p->n_series++] = s;
  if (s.like < 0)
    p->n_entries++;
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Drawing                                                                  */
/* ------------------------------------------------------------------------ */

/* Okabe and Ito's colour-blind-safe palette, without its yellow (too pale on
 * white). */
static const unsigned char palette[][3] = {
  { 0x00, 0x72, 0xB2 }, /* blue */
  { 0xD5, 0x5E, 0x00 }, /* vermillion */
  { 0x00, 0x9E, 0x73 }, /* bluish green */
  { 0xCC, 0x79, 0xA7 }, /* reddish purple */
  { 0xE6, 0x9F, 0x00 }, /* orange */
  { 0x56, 0xB4, 0xE9 }, /* sky blue */
  { 0x00, 0x00, 0x00 }, /* black */
};
#define PALETTE_SIZE (sizeof palette / sizeof palette[0])

/* Line dashes in pixels, cycled independently of the colours. */
typedef struct dash_pattern {
  int n;
  double on_off[4];
} dash_pattern;
static const dash_pattern dashes[] = {
  { 0, { 0 } },                /* solid */
  { 2, { 9, 4 } },             /* dashed */
  { 2, { 2.5, 3 } },           /* dotted */
  { 4, { 10, 3, 2.5, 3 } },    /* dash-dot */
  { 2, { 18, 5 } },            /* long dash */
};
#define DASH_COUNT (sizeof dashes / sizeof dashes[0])

/* A series of at most this many points marks each one. */
#define MARKER_MAX_POINTS 30

/* Layout, in pixels. */
#define PAD 14.0
#define TITLE_FONT 19.0
#define AXIS_TITLE_FONT 14.0
#define TICK_FONT 13.0
#define LEGEND_FONT 13.5
#define LEGEND_SAMPLE 34.0
#define LEGEND_ROW 21.0
#define LEGEND_SPACING 26.0
#define SERIES_LINE_WIDTH 2.0
#define STEM_LINE_WIDTH 1.0
/* Half the width of the cap on top of a stem, pixels. */
#define STEM_CAP_HALF_WIDTH 3.0
#define MARKER_RADIUS 3.6
/* Between the frames of a two-panel plot: room for the upper panel's lowest
 * and the lower panel's highest tick label. */
#define PANEL_GAP 22.0

static const char font_family[] = "sans-serif";

/* Where things go on the page: one frame (panel) and its axes. */
typedef struct layout {
  double left, top, width, height; /* the frame */
  plot_axis_ticks *xt, *yt;
  ampsim_axis_scale x_scale, y_scale;
  char y_title[512];
} layout;

static void set_rgb(cairo_t *cr, unsigned rgb)
{
  cairo_set_source_rgb(cr, ((rgb >> 16) & 0xFF) / 255.0, ((rgb >> 8) & 0xFF) / 255.0,
                       (rgb & 0xFF) / 255.0);
}

/* The colour and line of style `index` (a legend entry's number). */
static void set_series_style(cairo_t *cr, size_t index)
{
  const unsigned char *c = palette[index % PALETTE_SIZE];
  const dash_pattern *d = &dashes[index % DASH_COUNT];

  cairo_set_source_rgb(cr, c[0] / 255.0, c[1] / 255.0, c[2] / 255.0);
  cairo_set_line_width(cr, SERIES_LINE_WIDTH);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
  cairo_set_dash(cr, d->on_off, d->n, 0.0);
}

static void set_font(cairo_t *cr, double size, int bold)
{
  cairo_select_font_face(cr, font_family, CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

static double text_width(cairo_t *cr, const char *text)
{
  cairo_text_extents_t ext;

  cairo_text_extents(cr, text, &ext);
  return ext.x_advance;
}

static double measure_tick_label(void *ctx, const char *text)
{
  return text_width((cairo_t *)ctx, text);
}

/* Draw text with its anchor at (x, y): halign 0 left, 0.5 centre, 1 right;
 * the text's middle (half the cap height above the baseline) at y. */
static void draw_text(cairo_t *cr, const char *text, double x, double y, double halign)
{
  cairo_font_extents_t fe;
  double w = text_width(cr, text);

  cairo_font_extents(cr, &fe);
  cairo_move_to(cr, x - halign * w, y + 0.36 * (fe.ascent + fe.descent) - 0.5 * fe.descent);
  cairo_show_text(cr, text);
}

/* Copy text into buf, shortened with an ellipsis to fit max_w. */
static void fit_text(cairo_t *cr, const char *text, double max_w, char *buf, size_t n)
{
  size_t len;

  c_format(buf, n, "%s", text);
  if (text_width(cr, buf) <= max_w)
    return;
  len = strlen(buf);
  while (len > 0) {
    len--;
    while (len > 0 && ((unsigned char)buf[len] & 0xC0) == 0x80)
      len--; /* whole UTF-8 characters only */
    if (len + sizeof "…" > n)
      continue;
    memcpy(buf + len, "…", sizeof "…");
    if (text_width(cr, buf) <= max_w)
      return;
  }
  c_format(buf, n, "…");
}

/* The legend text of series i: its name, "(no data)" when nothing of it (and
 * of the series sharing its entry) can be drawn. */
static void legend_text(const ampsim_plot *p, size_t i, size_t drawable, char *buf, size_t n)
{
  const char *name = p->series[i].legend;

  if (drawable > 0)
    c_format(buf, n, "%s", name);
  else if (name[0] != '\0')
    c_format(buf, n, "%s (no data)", name);
  else
    c_format(buf, n, "(no data)");
}

/* Whether a value can be placed on an axis of this scale. */
static int value_ok(double v, ampsim_axis_scale scale)
{
  if (!isfinite(v) || fabs(v) > PLOT_VALUE_MAX)
    return 0;
  return scale != AMPSIM_AXIS_LOG || v >= PLOT_LOG_VALUE_MIN;
}

/* The y axis of a series' panel. */
static const plot_axis *series_y_axis(const ampsim_plot *p, const plot_series *s)
{
  return s->panel == AMPSIM_PLOT_PANEL_LOWER ? &p->y_lower : &p->y;
}

static int point_ok(const ampsim_plot *p, const plot_series *s, size_t j)
{
  return value_ok(s->x[j], p->x.scale) && value_ok(s->y[j], series_y_axis(p, s)->scale);
}

/* Whether a series marks its points (all of them, not just lone ones). */
static int marks_points(const plot_series *s, size_t drawable)
{
  if (s->draw == AMPSIM_PLOT_DRAW_MARKERS)
    return drawable > 0;
  return s->draw == AMPSIM_PLOT_DRAW_AUTO && drawable > 0 && drawable <= MARKER_MAX_POINTS;
}

static size_t drawable_points(const ampsim_plot *p, const plot_series *s)
{
  size_t j, n = 0;

  for (j = 0; j < s->n; j++)
    if (point_ok(p, s, j))
      n++;
  return n;
}

/* Position of a value on an axis as a fraction of its length (long double:
 * far-away points stay finite, so that clipping is exact). */
static long double axis_fraction(const plot_axis_ticks *t, ampsim_axis_scale scale, double v)
{
  if (scale == AMPSIM_AXIS_LOG)
    return ((long double)log10(v) - log10(t->lo)) / ((long double)log10(t->hi) - log10(t->lo));
  return ((long double)v - t->lo) / ((long double)t->hi - t->lo);
}

/* Clip the segment a..b (fractions of the plot area) to [lo, hi]^2
 * (Liang-Barsky). Returns 0 when nothing is left; otherwise the parameters
 * t0 <= t1 of the visible part. */
static int clip_segment(const long double a[2], const long double b[2], long double lo,
                        long double hi, long double *t0, long double *t1)
{
  long double d[2] = { b[0] - a[0], b[1] - a[1] };
  int axis;

  *t0 = 0.0L;
  *t1 = 1.0L;
  for (axis = 0; axis < 2; axis++) {
    long double p[2] = { -d[axis], d[axis] };
    long double q[2] = { a[axis] - lo, hi - a[axis] };
    int side;
    for (side = 0; side < 2; side++) {
      if (p[side] == 0.0L) {
        if (q[side] < 0.0L)
          return 0;
      } else {
        long double r = q[side] / p[side];
        if (p[side] < 0.0L) {
          if (r > *t1)
            return 0;
          if (r > *t0)
            *t0 = r;
        } else {
          if (r < *t0)
            return 0;
          if (r < *t1)
            *t1 = r;
        }
      }
    }
  }
  return 1;
}

static void page_point(const layout *l, const long double f[2], double *px, double *py)
{
  *px = l->left + (double)f[0] * l->width;
  *py = l->top + (1.0 - (double)f[1]) * l->height;
}

static void marker_path(cairo_t *cr, size_t index, double x, double y)
{
  const double r = MARKER_RADIUS;

  switch (index % 5) {
  case 0:
    cairo_new_sub_path(cr);
    cairo_arc(cr, x, y, r, 0.0, 2.0 * M_PI);
    break;
  case 1:
    cairo_rectangle(cr, x - 0.9 * r, y - 0.9 * r, 1.8 * r, 1.8 * r);
    break;
  case 2:
    cairo_move_to(cr, x, y - 1.2 * r);
    cairo_line_to(cr, x + 1.1 * r, y + 0.8 * r);
    cairo_line_to(cr, x - 1.1 * r, y + 0.8 * r);
    cairo_close_path(cr);
    break;
  case 3:
    cairo_move_to(cr, x, y - 1.25 * r);
    cairo_line_to(cr, x + 1.25 * r, y);
    cairo_line_to(cr, x, y + 1.25 * r);
    cairo_line_to(cr, x - 1.25 * r, y);
    cairo_close_path(cr);
    break;
  default:
    cairo_move_to(cr, x, y + 1.2 * r);
    cairo_line_to(cr, x + 1.1 * r, y - 0.8 * r);
    cairo_line_to(cr, x - 1.1 * r, y - 0.8 * r);
    cairo_close_path(cr);
    break;
  }
}

/* Stems: a vertical line from the bottom of the frame up to each drawable
 * point inside the frame's x range (up to the top edge for a point above
 * it; none for a point below the frame). */
static void draw_stems(cairo_t *cr, const ampsim_plot *p, const layout *l, const plot_series *s)
{
  double bottom = l->top + l->height;
  size_t j;

  cairo_set_dash(cr, NULL, 0, 0.0);
  cairo_set_line_width(cr, STEM_LINE_WIDTH);
  cairo_new_path(cr);
  for (j = 0; j < s->n; j++) {
    long double f[2];
    double x, y;
    if (!point_ok(p, s, j))
      continue;
    f[0] = axis_fraction(l->xt, l->x_scale, s->x[j]);
    f[1] = axis_fraction(l->yt, l->y_scale, s->y[j]);
    if (f[0] < -1e-9L || f[0] > 1.0L + 1e-9L || f[1] <= 0.0L)
      continue;
    if (f[1] > 1.0L)
      f[1] = 1.0L;
    page_point(l, f, &x, &y);
    x = floor(x) + 0.5; /* a sharp line one pixel wide */
    cairo_move_to(cr, x, bottom);
    cairo_line_to(cr, x, y);
    /* A cap at the top: where two series have a stem at the same x, the
     * shorter one's level still shows across the taller one. Not for a
     * stem cut at the top of the frame. */
    if (f[1] < 1.0L) {
      y = floor(y) + 0.5;
      cairo_move_to(cr, x - STEM_CAP_HALF_WIDTH, y);
      cairo_line_to(cr, x + STEM_CAP_HALF_WIDTH, y);
    }
  }
  cairo_stroke(cr);
}

/* A line through the points of s, broken at missing ones and clipped at
 * the frame (plus a margin). */
static void draw_line(cairo_t *cr, const ampsim_plot *p, const layout *l, const plot_series *s,
                      long double margin)
{
  int pen_down = 0;
  size_t j;

  cairo_new_path(cr);
  for (j = 1; j < s->n; j++) {
    long double a[2], b[2], t0, t1, ca[2], cb[2];
    double x0, y0, x1, y1;
    if (!point_ok(p, s, j - 1) || !point_ok(p, s, j)) {
      pen_down = 0;
      continue;
    }
    a[0] = axis_fraction(l->xt, l->x_scale, s->x[j - 1]);
    a[1] = axis_fraction(l->yt, l->y_scale, s->y[j - 1]);
    b[0] = axis_fraction(l->xt, l->x_scale, s->x[j]);
    b[1] = axis_fraction(l->yt, l->y_scale, s->y[j]);
    if (!clip_segment(a, b, -margin, 1.0L + margin, &t0, &t1)) {
      pen_down = 0;
      continue;
    }
    ca[0] = a[0] + t0 * (b[0] - a[0]);
    ca[1] = a[1] + t0 * (b[1] - a[1]);
    cb[0] = a[0] + t1 * (b[0] - a[0]);
    cb[1] = a[1] + t1 * (b[1] - a[1]);
    page_point(l, ca, &x0, &y0);
    page_point(l, cb, &x1, &y1);
    if (!pen_down || t0 > 0.0L)
      cairo_move_to(cr, x0, y0);
    cairo_line_to(cr, x1, y1);
    pen_down = t1 >= 1.0L;
  }
  cairo_stroke(cr);
}

static void draw_series(cairo_t *cr, const ampsim_plot *p, const layout *l, size_t index)
{
  const plot_series *s = &p->series[index];
  /* Lines may run a little past the frame so that a curve along an edge of
   * the range is drawn whole; the clip region stops them there. */
  const long double margin = 3.0L / (l->width < l->height ? l->width : l->height);
  int markers = marks_points(s, drawable_points(p, s));
  /* A point with no neighbour is seen only as a marker, except as a stem. */
  int lone_markers = s->draw != AMPSIM_PLOT_DRAW_STEMS;
  size_t j;

  set_series_style(cr, s->style);
  if (s->draw == AMPSIM_PLOT_DRAW_STEMS)
    draw_stems(cr, p, l, s);
  else if (s->draw != AMPSIM_PLOT_DRAW_MARKERS)
    draw_line(cr, p, l, s, margin);

  /* Markers: on every point of a series that marks its points, and on a
   * point with no drawable neighbour (which no line shows). Those on the
   * frame (a sweep's first and last points) are drawn whole, over it. */
  if (!markers && !lone_markers)
    return;
  cairo_save(cr);
  cairo_reset_clip(cr);
  cairo_rectangle(cr, l->left - 2.0 * MARKER_RADIUS, l->top - 2.0 * MARKER_RADIUS,
                  l->width + 4.0 * MARKER_RADIUS, l->height + 4.0 * MARKER_RADIUS);
  cairo_clip(cr);
  cairo_set_dash(cr, NULL, 0, 0.0);
  for (j = 0; j < s->n; j++) {
    long double f[2];
    double x, y;
    int alone;
    if (!point_ok(p, s, j))
      continue;
    alone = (j == 0 || !point_ok(p, s, j - 1)) && (j + 1 == s->n || !point_ok(p, s, j + 1));
    if (!markers && !(alone && lone_markers))
      continue;
    f[0] = axis_fraction(l->xt, l->x_scale, s->x[j]);
    f[1] = axis_fraction(l->yt, l->y_scale, s->y[j]);
    if (f[0] < -margin || f[0] > 1.0L + margin || f[1] < -margin || f[1] > 1.0L + margin)
      continue;
    page_point(l, f, &x, &y);
    marker_path(cr, s->style, x, y);
    cairo_fill(cr);
  }
  cairo_restore(cr);
}

/* The legend entries: the series with an entry of their own, in the order
 * added (entry k is style k), with the points drawable of each and of the
 * series drawn like it, and whether any of them marks its points. */
typedef struct legend_entries {
  size_t n;
  size_t series[AMPSIM_PLOT_MAX_SERIES];
  size_t drawable[AMPSIM_PLOT_MAX_SERIES];
  int marks[AMPSIM_PLOT_MAX_SERIES];
} legend_entries;

static void legend_entries_make(legend_entries *e, const ampsim_plot *p, const size_t *drawable)
{
  size_t i;

  memset(e, 0, sizeof *e);
  e->n = p->n_entries;
  for (i = 0; i < p->n_series; i++) {
    const plot_series *s = &p->series[i];
    if (s->like < 0)
      e->series[s->style] = i;
    e->drawable[s->style] += drawable[i];
    if (marks_points(s, drawable[i]))
      e->marks[s->style] = 1;
  }
}

/* The legend: one entry per series with an entry of its own (a line sample,
 * a marker if its series mark their points, the name) in rows across the
 * page, centred. When all entries would take more than LEGEND_MAX_SHARE of
 * the page height, the legend ends with "+ N more" after as many entries as
 * fit. */
typedef struct legend_layout {
  size_t shown;                            /* entries shown */
  size_t rows;
  size_t row_start[AMPSIM_PLOT_MAX_SERIES + 2]; /* entry index per row, then the end */
  double row_width[AMPSIM_PLOT_MAX_SERIES + 1];
  char more[64];                           /* "+ N more", or "" */
} legend_layout;

#define LEGEND_MAX_SHARE 0.3

/* Text of legend entry i (a series, or the "+ N more" note after the shown
 * entries), shortened to the row width. */
static void legend_entry_text(cairo_t *cr, const ampsim_plot *p, const legend_entries *e,
                              const legend_layout *lay, size_t i, double max_row, char *buf,
                              size_t n)
{
  char text[512];

  if (i == lay->shown) {
    c_format(buf, n, "%s", lay->more);
    return;
  }
  legend_text(p, e->series[i], e->drawable[i], text, sizeof text);
  fit_text(cr, text, max_row - LEGEND_SAMPLE - 6.0, buf, n);
}

static double legend_entry_width(cairo_t *cr, const legend_layout *lay, size_t i,
                                 const char *text)
{
  return (i == lay->shown ? 0.0 : LEGEND_SAMPLE + 6.0) + text_width(cr, text);
}

/* Break the first `shown` entries (plus the note, if any) into rows. */
static void legend_break(cairo_t *cr, const ampsim_plot *p, const legend_entries *e,
                         legend_layout *lay, size_t shown, double max_row)
{
  size_t entries, i;
  double width = 0.0;

  lay->shown = shown;
  lay->more[0] = '\0';
  if (shown < e->n)
    c_format(lay->more, sizeof lay->more, "+ %zu more", e->n - shown);
  entries = shown + (lay->more[0] != '\0' ? 1 : 0);
  lay->rows = 0;
  for (i = 0; i < entries; i++) {
    char text[512];
    double w;
    legend_entry_text(cr, p, e, lay, i, max_row, text, sizeof text);
    w = legend_entry_width(cr, lay, i, text);
    if (i == 0 || width + LEGEND_SPACING + w > max_row) {
      if (i > 0)
        lay->row_width[lay->rows - 1] = width;
      lay->row_start[lay->rows++] = i;
      width = w;
    } else {
      width += LEGEND_SPACING + w;
    }
  }
  if (lay->rows > 0)
    lay->row_width[lay->rows - 1] = width;
  lay->row_start[lay->rows] = entries;
}

static void legend_plan(cairo_t *cr, const ampsim_plot *p, const legend_entries *e,
                        legend_layout *lay)
{
  double max_row = p->width_px - 2.0 * PAD;
  size_t max_rows = (size_t)(LEGEND_MAX_SHARE * p->height_px / LEGEND_ROW);
  size_t shown = e->n;

  if (max_rows < 1)
    max_rows = 1;
  set_font(cr, LEGEND_FONT, 0);
  legend_break(cr, p, e, lay, shown, max_row);
  while (lay->rows > max_rows && shown > 0)
    legend_break(cr, p, e, lay, --shown, max_row);
}

static void legend_draw(cairo_t *cr, const ampsim_plot *p, const legend_entries *e,
                        const legend_layout *lay, double top)
{
  double max_row = p->width_px - 2.0 * PAD;
  size_t r, i;

  set_font(cr, LEGEND_FONT, 0);
  for (r = 0; r < lay->rows; r++) {
    double y = top + (r + 0.5) * LEGEND_ROW;
    double x = (p->width_px - lay->row_width[r]) / 2.0;
    for (i = lay->row_start[r]; i < lay->row_start[r + 1]; i++) {
      char text[512];
      legend_entry_text(cr, p, e, lay, i, max_row, text, sizeof text);
      if (i < lay->shown) {
        ampsim_plot_draw draw = p->series[e->series[i]].draw;
        cairo_save(cr);
        set_series_style(cr, i);
        if (draw == AMPSIM_PLOT_DRAW_STEMS)
          cairo_set_dash(cr, NULL, 0, 0.0);
        if (draw != AMPSIM_PLOT_DRAW_MARKERS) {
          cairo_move_to(cr, x, floor(y) + 0.5);
          cairo_line_to(cr, x + LEGEND_SAMPLE, floor(y) + 0.5);
          cairo_stroke(cr);
        }
        if (e->marks[i]) {
          cairo_set_dash(cr, NULL, 0, 0.0);
          marker_path(cr, i, x + LEGEND_SAMPLE / 2.0, floor(y) + 0.5);
          cairo_fill(cr);
        }
        cairo_restore(cr);
      }
      set_rgb(cr, i < lay->shown ? 0x222222 : 0x666666);
      draw_text(cr, text, x + (i < lay->shown ? LEGEND_SAMPLE + 6.0 : 0.0), y, 0.0);
      x += legend_entry_width(cr, lay, i, text) + LEGEND_SPACING;
    }
  }
}

static void axis_title(char *buf, size_t n, const plot_axis *axis, const plot_axis_ticks *t)
{
  if (t->title_unit[0] != '\0' && axis->label[0] != '\0')
    c_format(buf, n, "%s (%s)", axis->label, t->title_unit);
  else if (t->title_unit[0] != '\0')
    c_format(buf, n, "%s", t->title_unit);
  else
    c_format(buf, n, "%s", axis->label);
}

/* Extent of the drawable data: ext[0..1] on the x axis, ext[2..3] on the
 * upper panel's y axis, ext[4..5] on the lower one's (empty: +inf .. -inf). */
static void data_extent(const ampsim_plot *p, double ext[6])
{
  size_t i, j;

  ext[0] = ext[2] = ext[4] = INFINITY;
  ext[1] = ext[3] = ext[5] = -INFINITY;
  for (i = 0; i < p->n_series; i++) {
    const plot_series *s = &p->series[i];
    double *y_ext = ext + (s->panel == AMPSIM_PLOT_PANEL_LOWER ? 4 : 2);
    for (j = 0; j < s->n; j++) {
      if (!point_ok(p, s, j))
        continue;
      ext[0] = fmin(ext[0], s->x[j]);
      ext[1] = fmax(ext[1], s->x[j]);
      y_ext[0] = fmin(y_ext[0], s->y[j]);
      y_ext[1] = fmax(y_ext[1], s->y[j]);
    }
  }
}

static void axis_spec_init(plot_axis_spec *spec, const plot_axis *axis, const double ext[2],
                           int vertical, double length_px, cairo_t *cr)
{
  memset(spec, 0, sizeof *spec);
  spec->scale = axis->scale;
  spec->unit = axis->unit;
  spec->fixed = axis->fixed;
  spec->lo = axis->fixed ? axis->lo : ext[0];
  spec->hi = axis->fixed ? axis->hi : ext[1];
  spec->tight_log = !vertical;
  spec->vertical = vertical;
  spec->length_px = length_px;
  spec->font_px = TICK_FONT;
  spec->measure = measure_tick_label;
  spec->measure_ctx = cr;
}

/* Grid lines of one axis: minor ones first, so that major ones lie on top. */
static void draw_grid(cairo_t *cr, const layout *l, const plot_axis_ticks *t,
                      ampsim_axis_scale scale, int vertical)
{
  int pass;
  size_t i;

  cairo_set_line_width(cr, 1.0);
  for (pass = 0; pass < 2; pass++) {
    set_rgb(cr, pass == 0 ? 0xEEEEEE : 0xD0D0D0);
    for (i = 0; i < t->n; i++) {
      double f, pos;
      if (t->tick[i].major != pass)
        continue;
      f = (double)axis_fraction(t, scale, t->tick[i].value);
      if (vertical) {
        pos = floor(l->top + (1.0 - f) * l->height) + 0.5;
        cairo_move_to(cr, l->left, pos);
        cairo_line_to(cr, l->left + l->width, pos);
      } else {
        pos = floor(l->left + f * l->width) + 0.5;
        cairo_move_to(cr, pos, l->top);
        cairo_line_to(cr, pos, l->top + l->height);
      }
    }
    cairo_stroke(cr);
  }
}

/* Lay out and draw the whole plot on cr (a page of p's size): the title,
 * the legend, then one frame, or two sharing the x axis (the lower panel's
 * under the upper one's, with the x tick labels under the lower only). */
static int draw_plot(cairo_t *cr, const ampsim_plot *p, plot_axis_ticks *xt,
                     plot_axis_ticks *yt_upper, plot_axis_ticks *yt_lower)
{
  plot_axis_ticks *const yts[2] = { yt_upper, yt_lower };
  const plot_axis *const y_axes[2] = { &p->y, &p->y_lower };
  size_t n_panels = p->has_lower ? 2 : 1;
  size_t drawable[AMPSIM_PLOT_MAX_SERIES], panel_drawable[2] = { 0, 0 };
  size_t i, k;
  legend_entries entries;
  legend_layout legend;
  double ext[6], top, bottom, right, left, area_h, y_label_w = 0.0, legend_h = 0.0,
         title_h = 0.0;
  cairo_font_extents_t fe;
  plot_axis_spec xs, ys;
  layout l[2];
  const layout *last;
  char title[1024], x_title[512];
  int rc, pass, y_titled = 0;

  for (i = 0; i < p->n_series; i++) {
    drawable[i] = drawable_points(p, &p->series[i]);
    panel_drawable[p->series[i].panel == AMPSIM_PLOT_PANEL_LOWER ? 1 : 0] += drawable[i];
  }
  legend_entries_make(&entries, p, drawable);
  data_extent(p, ext);
  memset(l, 0, sizeof l);

  /* Top: title, then legend. */
  top = PAD;
  if (p->title[0] != '\0') {
    set_font(cr, TITLE_FONT, 1);
    cairo_font_extents(cr, &fe);
    title_h = fe.ascent + fe.descent;
    top += title_h + 8.0;
  }
  legend_plan(cr, p, &entries, &legend);
  legend_h = legend.rows * LEGEND_ROW;
  top += legend_h + (legend_h > 0 ? 10.0 : 4.0);

  /* Bottom: x tick labels and the x axis title. */
  set_font(cr, TICK_FONT, 0);
  cairo_font_extents(cr, &fe);
  bottom = PAD + AXIS_TITLE_FONT * 1.3 + 8.0 + (fe.ascent + fe.descent) + 8.0;
  area_h = p->height_px - top - bottom;

  /* The frames, one above the other; left of them the y tick labels (their
   * width depends on the ticks) and the y axis titles, rotated. */
  for (k = 0; k < n_panels; k++) {
    l[k].xt = xt;
    l[k].yt = yts[k];
    l[k].x_scale = p->x.scale;
    l[k].y_scale = y_axes[k]->scale;
    if (n_panels == 1) {
      l[k].top = top;
      l[k].height = area_h;
    } else {
      l[k].height = (area_h - PANEL_GAP) / 2.0;
      l[k].top = top + (double)k * (l[k].height + PANEL_GAP);
    }
    axis_spec_init(&ys, y_axes[k], ext + 2 + 2 * k, 1, l[k].height, cr);
    rc = plot_ticks_make(yts[k], &ys);
    if (rc != 0)
      return rc;
    for (i = 0; i < yts[k]->n; i++)
      if (yts[k]->tick[i].label[0] != '\0')
        y_label_w = fmax(y_label_w, text_width(cr, yts[k]->tick[i].label));
    axis_title(l[k].y_title, sizeof l[k].y_title, y_axes[k], yts[k]);
    if (l[k].y_title[0] != '\0')
      y_titled = 1;
  }
  left = PAD + (y_titled ? AXIS_TITLE_FONT * 1.3 + 10.0 : 0.0) + y_label_w + 8.0;
  last = &l[n_panels - 1];

  /* Right: room for half of a label centred on the right end of the x axis;
   * known only after the x ticks, so lay out twice. */
  right = PAD + 6.0;
  for (pass = 0; pass < 2; pass++) {
    double overhang = 0.0, width = p->width_px - left - right;
    axis_spec_init(&xs, &p->x, ext, 0, width, cr);
    rc = plot_ticks_make(xt, &xs);
    if (rc != 0)
      return rc;
    for (k = 0; k < n_panels; k++) {
      l[k].left = left;
      l[k].width = width;
    }
    for (i = 0; i < xt->n; i++) {
      if (xt->tick[i].label[0] != '\0') {
        double f = (double)axis_fraction(xt, p->x.scale, xt->tick[i].value);
        overhang = fmax(overhang, f * width + text_width(cr, xt->tick[i].label) / 2 - width);
      }
    }
    if (PAD + overhang <= right)
      break;
    right = PAD + overhang + 2.0;
  }
  axis_title(x_title, sizeof x_title, &p->x, xt);

  /* Page and frames: grid, series (those drawn as markers alone last, so
   * that the lines of other series do not hide them), frame. */
  set_rgb(cr, 0xFFFFFF);
  cairo_paint(cr);
  for (k = 0; k < n_panels; k++) {
    const layout *f = &l[k];
    draw_grid(cr, f, xt, p->x.scale, 0);
    draw_grid(cr, f, f->yt, f->y_scale, 1);

    cairo_save(cr);
    cairo_rectangle(cr, f->left - 1.0, f->top - 1.0, f->width + 2.0, f->height + 2.0);
    cairo_clip(cr);
    for (pass = 0; pass < 2; pass++) {
      for (i = 0; i < p->n_series; i++) {
        const plot_series *s = &p->series[i];
        if ((s->panel == AMPSIM_PLOT_PANEL_LOWER ? 1u : 0u) != k ||
            (s->draw == AMPSIM_PLOT_DRAW_MARKERS) != (pass == 1))
          continue;
        draw_series(cr, p, f, i);
      }
    }
    cairo_restore(cr);

    set_rgb(cr, 0x4D4D4D);
    cairo_set_line_width(cr, 1.0);
    cairo_rectangle(cr, floor(f->left) + 0.5, floor(f->top) + 0.5, floor(f->width),
                    floor(f->height));
    cairo_stroke(cr);

    if (panel_drawable[k] == 0) {
      set_font(cr, AXIS_TITLE_FONT, 0);
      set_rgb(cr, 0x888888);
      draw_text(cr, "No data", f->left + f->width / 2, f->top + f->height / 2, 0.5);
    }
  }

  /* Tick labels: x under the lowest frame, y beside each. */
  set_font(cr, TICK_FONT, 0);
  set_rgb(cr, 0x333333);
  cairo_font_extents(cr, &fe);
  for (i = 0; i < xt->n; i++) {
    if (xt->tick[i].label[0] != '\0') {
      double f = (double)axis_fraction(xt, p->x.scale, xt->tick[i].value);
      draw_text(cr, xt->tick[i].label, last->left + f * last->width,
                last->top + last->height + 8.0 + (fe.ascent + fe.descent) / 2, 0.5);
    }
  }
  for (k = 0; k < n_panels; k++) {
    const plot_axis_ticks *yt = l[k].yt;
    for (i = 0; i < yt->n; i++) {
      if (yt->tick[i].label[0] != '\0') {
        double f = (double)axis_fraction(yt, l[k].y_scale, yt->tick[i].value);
        draw_text(cr, yt->tick[i].label, l[k].left - 8.0, l[k].top + (1.0 - f) * l[k].height,
                  1.0);
      }
    }
  }

  /* Axis titles. */
  set_font(cr, AXIS_TITLE_FONT, 0);
  set_rgb(cr, 0x222222);
  if (x_title[0] != '\0') {
    fit_text(cr, x_title, last->width, title, sizeof title);
    draw_text(cr, title, last->left + last->width / 2,
              p->height_px - PAD - AXIS_TITLE_FONT * 0.65, 0.5);
  }
  for (k = 0; k < n_panels; k++) {
    if (l[k].y_title[0] == '\0')
      continue;
    fit_text(cr, l[k].y_title, l[k].height, title, sizeof title);
    cairo_save(cr);
    cairo_translate(cr, PAD + AXIS_TITLE_FONT * 0.65, l[k].top + l[k].height / 2);
    cairo_rotate(cr, -M_PI / 2);
    draw_text(cr, title, 0.0, 0.0, 0.5);
    cairo_restore(cr);
  }

  /* Title and legend. */
  if (p->title[0] != '\0') {
    set_font(cr, TITLE_FONT, 1);
    set_rgb(cr, 0x111111);
    fit_text(cr, p->title, p->width_px - 2 * PAD, title, sizeof title);
    draw_text(cr, title, p->width_px / 2.0, PAD + title_h / 2, 0.5);
  }
  legend_draw(cr, p, &entries, &legend, PAD + (title_h > 0 ? title_h + 8.0 : 0.0));
  return 0;
}

/* cairo's failure as an ampsim error. */
static int cairo_failure(cairo_status_t status, const char *what)
{
  if (status == CAIRO_STATUS_NO_MEMORY)
    return ampsim_error_set(AMPSIM_ENOMEM, "plot: out of memory while %s", what);
  return ampsim_error_set(AMPSIM_EIO, "plot: cairo failed while %s: %s", what,
                          cairo_status_to_string(status));
}

/* Draw p on a fresh surface (cairo_t made and freed here). */
static int draw_on(cairo_surface_t *surface, const ampsim_plot *p)
{
  plot_axis_ticks *xt = NULL, *yt = NULL, *yt_lower = NULL;
  cairo_status_t status;
  cairo_t *cr = NULL;
  int rc;

  status = cairo_surface_status(surface);
  if (status != CAIRO_STATUS_SUCCESS)
    return cairo_failure(status, "creating the page");
  xt = malloc(sizeof *xt);
  yt = malloc(sizeof *yt);
  if (p->has_lower)
    yt_lower = malloc(sizeof *yt_lower);
  if (xt == NULL || yt == NULL || (p->has_lower && yt_lower == NULL)) {
    rc = ampsim_error_set(AMPSIM_ENOMEM, "plot: out of memory");
    goto done;
  }
  cr = cairo_create(surface);
  rc = draw_plot(cr, p, xt, yt, yt_lower);
  if (rc != 0)
    goto done;
  status = cairo_status(cr);
  if (status != CAIRO_STATUS_SUCCESS)
    rc = cairo_failure(status, "drawing");

done:
  cairo_destroy(cr);
  free(yt_lower);
  free(yt);
  free(xt);
  return rc;
}

/* Check what only rendering can check, before any page is made. */
static int check_plot(const ampsim_plot *p)
{
  static const char *const names[3] = { "x", "y", "lower y" };
  const plot_axis *axes[3] = { &p->x, &p->y, &p->y_lower };
  int a, n_axes = p->has_lower ? 3 : 2;
  size_t i;

  for (a = 0; a < n_axes; a++) {
    const plot_axis *axis = axes[a];
    if (axis->fixed && axis->scale == AMPSIM_AXIS_LOG && !(axis->lo >= PLOT_LOG_VALUE_MIN))
      return ampsim_error_set(AMPSIM_EINVAL,
                              "plot: the %s range %g .. %g is not positive on a log axis",
                              names[a], axis->lo, axis->hi);
  }
  for (i = 0; i < p->n_series && !p->has_lower; i++) {
    const plot_series *s = &p->series[i];
    if (s->panel == AMPSIM_PLOT_PANEL_LOWER) {
      const char *name = s->like >= 0 ? p->series[s->like].legend : s->legend;
      return ampsim_error_set(AMPSIM_EINVAL,
                              "plot: series '%s' is in the lower panel, which has no y axis "
                              "(ampsim_plot_axis_y_lower())",
                              name);
    }
  }
  return 0;
}

static cairo_status_t append_bytes(void *closure, const unsigned char *data, unsigned int length)
{
  strbuf *sb = closure;

  strbuf_append(sb, (const char *)data, length);
  return sb->failed ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

int ampsim_plot_render_png(const ampsim_plot *p, unsigned char **out, size_t *len)
{
  strbuf sb = STRBUF_INIT;
  cairo_surface_t *surface = NULL;
  cairo_status_t status;
  size_t n;
  int rc;

  if (out != NULL)
    *out = NULL;
  if (len != NULL)
    *len = 0;
  if (p == NULL || out == NULL || len == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "plot: NULL argument to ampsim_plot_render_png");
  rc = check_plot(p);
  if (rc != 0)
    return rc;

  surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, p->width_px, p->height_px);
  rc = draw_on(surface, p);
  if (rc != 0)
    goto done;
  cairo_surface_flush(surface);
  status = cairo_surface_write_to_png_stream(surface, append_bytes, &sb);
  if (status != CAIRO_STATUS_SUCCESS) {
    rc = cairo_failure(sb.failed ? CAIRO_STATUS_NO_MEMORY : status, "writing the PNG");
    goto done;
  }
  n = sb.len;
  *out = (unsigned char *)strbuf_take(&sb);
  if (*out == NULL) {
    rc = ampsim_error_set(AMPSIM_ENOMEM, "plot: out of memory");
    goto done;
  }
  *len = n;

done:
  strbuf_free(&sb);
  cairo_surface_destroy(surface);
  return rc;
}

int ampsim_plot_render_svg(const ampsim_plot *p, char **out, size_t *len)
{
  strbuf sb = STRBUF_INIT;
  cairo_surface_t *surface = NULL;
  cairo_status_t status;
  size_t n;
  int rc;

  if (out != NULL)
    *out = NULL;
  if (len != NULL)
    *len = 0;
  if (p == NULL || out == NULL || len == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "plot: NULL argument to ampsim_plot_render_svg");
  rc = check_plot(p);
  if (rc != 0)
    return rc;

  surface = cairo_svg_surface_create_for_stream(append_bytes, &sb, p->width_px, p->height_px);
#if CAIRO_VERSION >= CAIRO_VERSION_ENCODE(1, 16, 0)
  /* Sizes in px, not the default pt: 900 x 560 on the page, as the PNG. */
  if (cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS)
    cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PX);
#endif
  rc = draw_on(surface, p);
  if (rc != 0)
    goto done;
  cairo_surface_finish(surface); /* writes the document */
  status = cairo_surface_status(surface);
  if (status != CAIRO_STATUS_SUCCESS || sb.failed) {
    rc = cairo_failure(sb.failed ? CAIRO_STATUS_NO_MEMORY : status, "writing the SVG");
    goto done;
  }
  n = sb.len;
  *out = strbuf_take(&sb);
  if (*out == NULL) {
    rc = ampsim_error_set(AMPSIM_ENOMEM, "plot: out of memory");
    goto done;
  }
  *len = n;

done:
  strbuf_free(&sb);
  cairo_surface_destroy(surface);
  return rc;
}

/* 1 when path ends in ext (".png"), letter case aside. */
static int has_extension(const char *path, const char *ext)
{
  size_t n = strlen(path), m = strlen(ext);

  return n > m && strcasecmp(path + n - m, ext) == 0;
}

int ampsim_plot_write(const ampsim_plot *p, const char *path)
{
  void *data = NULL;
  size_t len = 0;
  int rc;

  if (p == NULL || path == NULL || path[0] == '\0')
    return ampsim_error_set(AMPSIM_EINVAL, "plot: NULL argument to ampsim_plot_write");
  if (has_extension(path, ".png")) {
    unsigned char *png;
    rc = ampsim_plot_render_png(p, &png, &len);
    data = png;
  } else if (has_extension(path, ".svg")) {
    char *svg;
    rc = ampsim_plot_render_svg(p, &svg, &len);
    data = svg;
  } else {
    return ampsim_error_set(AMPSIM_EINVAL, "%s: unknown plot format (use .png or .svg)", path);
  }
  if (rc != 0)
    return rc;
  rc = ampsim_file_write_atomic(path, data, len);
  free(data);
  return rc;
}
