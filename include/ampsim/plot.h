/*
 * ampsim/plot.h - line plots of measured curves (THD against power, output
 * impedance against frequency, ...) as PNG or SVG, drawn with cairo.
 *
 * A plot is built up and then rendered:
 *
 *   ampsim_plot *p;
 *   ampsim_plot_new(&p, "Output impedance");
 *   ampsim_plot_axis_x(p, "Frequency", "Hz", AMPSIM_AXIS_LOG);
 *   ampsim_plot_axis_y(p, "Output impedance", "ohm", AMPSIM_AXIS_LINEAR);
 *   ampsim_plot_series(p, "SE, 32 ohm", freq_hz, zout_ohms, n);
 *   ampsim_plot_write(p, "zout.png");
 *   ampsim_plot_free(p);
 *
 * What the picture shows:
 * - Axis ranges are chosen from the data unless set with
 *   ampsim_plot_range_x()/_y(): a linear axis runs between multiples of a
 *   1-2-5 step (0.1, 0.2, 0.5, 1, 2, ... times a power of ten); a log y axis
 *   runs over whole decades; a log x axis (a sweep chosen by the caller, such
 *   as 20 Hz to 20 kHz) ends at the nearest 1-2-5 values (20 Hz .. 20 kHz
 *   stays 20 Hz .. 20 kHz).
 * - Log axes label their decades and, where there is room, the ends of the
 *   axis ("20 Hz, 100 Hz, 1 kHz, 10 kHz, 20 kHz"), with minor grid lines at
 *   2..9 times each decade; each label carries its unit with an engineering
 *   prefix ("100 mW", "1 kΩ", "0.01 %"). Linear axes share one prefix, which
 *   goes in the axis title ("Output impedance (mΩ)" over "0 20 40 ...").
 *   Units that take prefixes: any but "", "%", "deg", "ppm" and the "dB..."
 *   family (dB, dBV, dBu, dBc, dBFS), which are printed as plain numbers.
 *   "ohm" is printed as "Ω" and the micro prefix as "µ".
 * - One legend entry per series, in the order added, each with its own
 *   colour from a fixed colour-blind-safe palette (Okabe and Ito) and its own
 *   line dash; series of at most 30 points also mark each point. A series
 *   drawn like an earlier one (see below) shares that one's entry and style.
 *   An entry without a drawable point keeps its place, marked "(no data)".
 *   Names too wide for the page are shortened with "…"; a legend that would
 *   take more than 30 % of the page height ends with "+ N more" after the
 *   entries that fit (many long names on a small page).
 * - Points where x or y is NAN or infinite, not positive on a log axis, or
 *   beyond 1e300 in magnitude (or below 1e-300 on a log axis) are missing:
 *   the line breaks there. A point with no neighbour is drawn as a marker.
 * - Linear axes in "deg" step in 15, 30, 45, 90 or 180 degrees once a step
 *   of 10 is too fine (a phase axis reads "-270 -180 -90 0").
 *
 * Two panels (a Bode plot: magnitude above, phase below):
 *
 *   ampsim_plot_axis_y(p, "|T|", "dB", AMPSIM_AXIS_LINEAR);
 *   ampsim_plot_axis_y_lower(p, "arg T", "deg", AMPSIM_AXIS_LINEAR);
 *   ampsim_plot_series_options opts = AMPSIM_PLOT_SERIES_OPTIONS_INIT;
 *   ampsim_plot_series(p, "C = 0", freq_hz, mag_db, n);        (series 0)
 *   opts.panel = AMPSIM_PLOT_PANEL_LOWER;
 *   opts.like = 0;
 *   ampsim_plot_series_ext(p, NULL, freq_hz, phase_deg, n, &opts);
 *
 * Describing the lower y axis adds a second frame under the first, of the
 * same height and width: both share the x axis (its grid, range and scale;
 * the tick labels and the x axis title are drawn under the lower frame
 * only), each has its own y axis, range and title. A series goes in one
 * panel. A series may be drawn "like" an earlier one: it then takes that
 * series' colour, dash and marker shape and shares its legend entry instead
 * of having one of its own (the phase of a curve whose magnitude is above,
 * or the marked points of a spectrum drawn as stems).
 *
 * Draw styles (ampsim_plot_draw): the default line (with markers on short
 * series), a line without markers, stems (a solid vertical line from the
 * bottom of the panel's frame up to each point: a spectrum of DFT bins), or
 * markers alone. A legend entry shows the line sample of its series (solid
 * for stems, none for markers alone) and a marker when any series sharing
 * the entry draws markers.
 *
 * Text is set in the system's sans-serif font (DejaVu Sans on Debian).
 * The SVG that cairo writes draws text as glyph outlines, so it looks the
 * same everywhere but contains no searchable text; cairo also names its
 * definitions the same way in every file ("glyph0-1", "clip1"), so two of
 * these SVG documents pasted inline into one HTML page would use each
 * other's glyphs. Embed each as its own document instead, e.g.
 * <img src="data:image/svg+xml;base64,..." alt="TITLE">.
 *
 * All functions that can fail return 0 or a negative AMPSIM_E* code, with a
 * message for ampsim_error_last(). A plot is not thread-safe; different plots
 * can be used from different threads. Text arguments are UTF-8.
 */
#ifndef AMPSIM_PLOT_H
#define AMPSIM_PLOT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A plot under construction (opaque). */
typedef struct ampsim_plot ampsim_plot;

typedef enum {
  AMPSIM_AXIS_LINEAR = 0,
  AMPSIM_AXIS_LOG = 1
} ampsim_axis_scale;

/* Default picture size in pixels (SVG: CSS pixels). */
#define AMPSIM_PLOT_WIDTH_PX 900
#define AMPSIM_PLOT_HEIGHT_PX 560

/* Most series one plot takes (series drawn like another share its legend
 * entry, so a plot of 24 magnitudes and their 24 phases has 24 entries). A
 * legend that does not fit ends with "+ N more" (see above). */
#define AMPSIM_PLOT_MAX_SERIES 48

/* Which frame a series is drawn in. */
typedef enum {
  AMPSIM_PLOT_PANEL_UPPER = 0, /* the upper frame, or the only one */
  AMPSIM_PLOT_PANEL_LOWER = 1  /* the lower frame (ampsim_plot_axis_y_lower()) */
} ampsim_plot_panel;

/* How a series is drawn. */
typedef enum {
  AMPSIM_PLOT_DRAW_AUTO = 0, /* a line; a marker on every point of a series of
                                at most 30 drawable points */
  AMPSIM_PLOT_DRAW_LINE,     /* a line; markers only on points with no
                                drawable neighbour, which no line shows */
  AMPSIM_PLOT_DRAW_STEMS,    /* a solid vertical line from the bottom of the
                                frame up to each point, no line between points */
  AMPSIM_PLOT_DRAW_MARKERS   /* a marker on every point, no line */
} ampsim_plot_draw;

/* Options of ampsim_plot_series_ext(). Initialise with
 * AMPSIM_PLOT_SERIES_OPTIONS_INIT: what ampsim_plot_series() does. */
typedef struct ampsim_plot_series_options {
  ampsim_plot_panel panel;
  ampsim_plot_draw draw;
  /* -1: a legend entry, colour, dash and marker shape of its own. Otherwise
   * the number of an earlier series (0 for the first added) whose style this
   * one takes and whose legend entry it shares; the legend argument is then
   * ignored. A series like one that is itself like another is like that
   * other. */
  int like;
} ampsim_plot_series_options;

#define AMPSIM_PLOT_SERIES_OPTIONS_INIT { AMPSIM_PLOT_PANEL_UPPER, AMPSIM_PLOT_DRAW_AUTO, -1 }

/*
 * Create an empty plot with `title` (copied; NULL or "" for none), both axes
 * linear and unlabelled, size AMPSIM_PLOT_WIDTH_PX x AMPSIM_PLOT_HEIGHT_PX.
 * On success *out is the new plot; the caller frees it with
 * ampsim_plot_free(). Returns 0, AMPSIM_EINVAL (out is NULL) or
 * AMPSIM_ENOMEM (then *out is NULL).
 */
int ampsim_plot_new(ampsim_plot **out, const char *title);

/* Free a plot and everything it copied. NULL is a no-op. */
void ampsim_plot_free(ampsim_plot *p);

/*
 * Describe the x or y axis: `label` names the quantity ("Frequency"),
 * `unit` its unit without prefix ("Hz", "ohm", "W", "V", "dB", "%"), and
 * `scale` linear or log. label and unit are copied; either may be NULL or "".
 * Setting an axis again replaces the earlier description (a range set with
 * ampsim_plot_range_x()/_y() is kept). Returns 0, AMPSIM_EINVAL (p NULL or
 * scale not one of the enum's values) or AMPSIM_ENOMEM.
 */
int ampsim_plot_axis_x(ampsim_plot *p, const char *label, const char *unit,
                       ampsim_axis_scale scale);
int ampsim_plot_axis_y(ampsim_plot *p, const char *label, const char *unit,
                       ampsim_axis_scale scale);

/*
 * Describe the y axis of the lower panel, as ampsim_plot_axis_y() does the
 * upper one, and so give the plot its lower panel (there is no way to take
 * it away again). Returns 0, AMPSIM_EINVAL (p NULL or an unknown scale) or
 * AMPSIM_ENOMEM (then the plot is as it was).
 */
int ampsim_plot_axis_y_lower(ampsim_plot *p, const char *label, const char *unit,
                             ampsim_axis_scale scale);

/*
 * Fix the axis range to lo..hi in the axis' units (without prefix) instead
 * of choosing it from the data; data outside are clipped at the frame.
 * lo == hi == 0 returns to the automatic range. lo < hi, both finite and at
 * most 1e300 in magnitude; on a log axis both must also be at least 1e-300,
 * which is checked when the plot is rendered (the scale may still change).
 * Returns 0 or AMPSIM_EINVAL.
 */
int ampsim_plot_range_x(ampsim_plot *p, double lo, double hi);
int ampsim_plot_range_y(ampsim_plot *p, double lo, double hi);
/* The same for the lower panel's y axis (it may be set before the panel is
 * described with ampsim_plot_axis_y_lower(); it is used only by then). */
int ampsim_plot_range_y_lower(ampsim_plot *p, double lo, double hi);

/*
 * Set the picture size in pixels: width_px 400..4000, height_px 300..4000.
 * Text keeps its size, so a smaller picture shows fewer labels (and a
 * shorter legend). Returns 0 or AMPSIM_EINVAL.
 */
int ampsim_plot_set_size(ampsim_plot *p, int width_px, int height_px);

/*
 * Add a series of n points (x[i], y[i]) named `legend` in the legend.
 * legend, x and y are copied (the caller keeps its arrays); legend may be
 * NULL or "" (an entry with just the line sample). x and y may be NULL when
 * n is 0: the series is then empty but still listed in the legend. Points
 * are joined in the order given; missing points (see above) break the line.
 * Returns 0, AMPSIM_EINVAL (p NULL, or x or y NULL with n > 0),
 * AMPSIM_ERANGE (already AMPSIM_PLOT_MAX_SERIES series) or AMPSIM_ENOMEM.
 */
int ampsim_plot_series(ampsim_plot *p, const char *legend, const double *x,
                       const double *y, size_t n);

/*
 * Add a series as ampsim_plot_series() does, in the panel, draw style and
 * legend entry of `options` (copied; NULL: AMPSIM_PLOT_SERIES_OPTIONS_INIT).
 * Series are numbered from 0 in the order added, by both functions. A series
 * in the lower panel needs the lower panel described before the plot is
 * rendered. Returns 0, AMPSIM_EINVAL (as ampsim_plot_series(), or a panel or
 * draw style not of its enum, or `like` not -1 nor the number of an earlier
 * series), AMPSIM_ERANGE or AMPSIM_ENOMEM; the plot is unchanged on failure.
 */
int ampsim_plot_series_ext(ampsim_plot *p, const char *legend, const double *x,
                           const double *y, size_t n,
                           const ampsim_plot_series_options *options);

/*
 * Render the plot as PNG (8-bit RGB) or SVG into memory. On success *out
 * holds *len bytes (the SVG is also NUL-terminated, the NUL not counted in
 * *len); the caller frees *out with free(). On failure *out is NULL and *len
 * 0. Returns 0, AMPSIM_EINVAL (NULL argument, a fixed log range that is
 * not positive, or a series in the lower panel of a plot without one:
 * "plot: series 'NAME' is in the lower panel, which has no y axis
 * (ampsim_plot_axis_y_lower())"), AMPSIM_ENOMEM or AMPSIM_EIO (cairo
 * failed; its reason is in the message).
 */
int ampsim_plot_render_png(const ampsim_plot *p, unsigned char **out, size_t *len);
int ampsim_plot_render_svg(const ampsim_plot *p, char **out, size_t *len);

/*
 * Render the plot and write it to `path`, as PNG or SVG by the extension
 * (".png" or ".svg", in any letter case). The file is replaced atomically
 * (ampsim_file_write_atomic(): a temporary file in the same folder, renamed
 * over `path`), so a reader sees the old file or the whole new one, and a
 * failure leaves the old file as it was. Returns 0, AMPSIM_EINVAL (NULL
 * argument, or an extension other than .png and .svg: "PATH: unknown plot
 * format (use .png or .svg)"), or any error of the render functions or of
 * ampsim_file_write_atomic() (AMPSIM_EIO "PATH: No such file or directory"
 * for a missing folder).
 */
int ampsim_plot_write(const ampsim_plot *p, const char *path);

#ifdef __cplusplus
}
#endif
#endif
