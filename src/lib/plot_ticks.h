/*
 * plot_ticks.h - axis ranges, tick positions and tick labels of the plot
 * module (internal; exposed for tests/unit/test_plot.c). Pure functions: no
 * cairo, no allocation.
 */
#ifndef AMPSIM_PLOT_TICKS_H
#define AMPSIM_PLOT_TICKS_H

#include <stddef.h>

#include "ampsim/plot.h"

/* Bytes of a tick label including the NUL ("-999.999 kΩ" fits easily). */
#define PLOT_LABEL_MAX 40

/* Most ticks on one axis; minor ticks beyond it are dropped. */
#define PLOT_TICKS_MAX 1024

/* Values beyond these magnitudes are missing points (see plot.h). */
#define PLOT_VALUE_MAX 1e300
#define PLOT_LOG_VALUE_MIN 1e-300

typedef struct plot_tick {
  double value;
  int major;                   /* 1: a main grid line; 0: a minor one */
  char label[PLOT_LABEL_MAX];  /* "" when the tick is not labelled */
} plot_tick;

/* Width of `text` on the page in pixels (the renderer measures with cairo;
 * NULL means an estimate of 0.62 font sizes per character). */
typedef double (*plot_measure_fn)(void *ctx, const char *text);

/* What plot_ticks_make() needs to know about one axis. */
typedef struct plot_axis_spec {
  ampsim_axis_scale scale;
  const char *unit;        /* "Hz", "ohm", "dB", ...; NULL is "" */
  double lo, hi;           /* the data's extent, or the fixed range */
  int fixed;               /* 1: lo..hi is the range; 0: choose a nice one around it */
  int tight_log;           /* automatic log range ends at 1-2-5 values, not decades */
  int vertical;            /* labels are stacked (y axis) rather than side by side */
  double length_px;        /* axis length on the page */
  double font_px;          /* size of the label font */
  plot_measure_fn measure; /* may be NULL */
  void *measure_ctx;
} plot_axis_spec;

typedef struct plot_axis_ticks {
  double lo, hi;            /* the axis range chosen */
  size_t n;                 /* ticks in `tick`, ascending */
  plot_tick tick[PLOT_TICKS_MAX];
  char title_unit[32];      /* unit with prefix for the axis title ("mΩ"),
                               "" when the labels carry their own units */
} plot_axis_ticks;

/* Smallest 1, 2 or 5 times a power of ten that is >= raw (raw > 0, finite). */
double plot_nice_step(double raw);

/*
 * Choose the range and the ticks of one axis. For an automatic range the data
 * extent may be empty (lo > hi, e.g. +inf..-inf when there are no points):
 * the axis then shows 0..1 (linear) or 1..10 (log). Returns 0, or
 * AMPSIM_EINVAL with a message when a fixed range is unusable (not lo < hi,
 * or not positive on a log axis).
 */
int plot_ticks_make(plot_axis_ticks *out, const plot_axis_spec *spec);

/* 1 when tick labels in `unit` take engineering prefixes (see plot.h). */
int plot_unit_takes_prefix(const char *unit);

/* The unit as printed: "ohm" -> "Ω", otherwise unchanged; NULL -> "". */
const char *plot_unit_display(const char *unit);

/*
 * Label of one log-axis tick: the value with an engineering prefix and the
 * unit for prefix-taking units ("20 Hz", "1 kHz", "100 mΩ", "1 µV"), a plain
 * number otherwise ("0.001 %", "-20 dB"), up to `digits` significant digits
 * and no trailing zeros. Writes at most n bytes into buf and returns buf.
 */
char *plot_label_log(char *buf, size_t n, double value, const char *unit, int digits);

#endif
