/*
 * cmd_report.c - `ampsim report`: the designs of `ampsim compare` in one
 * self-contained HTML file that a CI job keeps as an artifact and a person
 * opens anywhere: the comparison table, plots of THD against power and of
 * output impedance and crosstalk against frequency (and, where every design
 * measured them, of the loop gain, the step responses per capacitive load
 * and the IMD spectra), the exact netlist of every design, and the versions
 * of ampsim and ngspice.
 *
 * Every string that goes into the page passes through cli_text_html(). The
 * plots are embedded as base64 data: URIs, each its own SVG document: cairo
 * names its glyph definitions the same in every file, so SVGs pasted inline
 * side by side would borrow each other's glyphs (see ampsim/plot.h).
 */
#include "cli.h"
#include "compare.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char report_css[] =
    "body{font-family:sans-serif;margin:2em;color:#222}"
    "table{border-collapse:collapse}"
    "th,td{border:1px solid #bbb;padding:3px 8px;text-align:right}"
    "th:first-child,td:first-child{text-align:left}"
    "td.best{font-weight:bold;background:#e6f4e6}"
    "pre{background:#f6f6f6;padding:1em;overflow:auto;font-size:85%}"
    "img{max-width:100%;height:auto}";

static void html_table(cli_text *h, const cli_compare *c)
{
  size_t i, k;

  cli_text_append(h, "<table>\n<thead><tr><th>figure</th>");
  for (i = 0; i < c->n; i++) {
    cli_text_append(h, "<th>");
    cli_text_html(h, c->designs[i].name);
    cli_text_append(h, "</th>");
  }
  cli_text_append(h, "</tr></thead>\n<tbody>\n");
  for (k = 0; k < c->n_rows; k++) {
    const cli_row *r = &c->rows[k];
    int marks[CLI_COMPARE_MAX_DESIGNS];
    cli_row_mark_best(marks, r, c->n);
    cli_text_append(h, "<tr><td>");
    cli_text_html(h, r->label);
    cli_text_append(h, "</td>");
    for (i = 0; i < c->n; i++) {
      char buf[64];
      cli_row_format(buf, sizeof buf, r, i);
      cli_text_append(h, marks[i] ? "<td class=\"best\">" : "<td>");
      cli_text_html(h, buf);
      cli_text_append(h, marks[i] ? " *</td>" : "</td>");
    }
    cli_text_append(h, "</tr>\n");
  }
  cli_text_append(h, "</tbody>\n</table>\n<p>* best in its row</p>\n");
}

/* One curve (or set of curves) of every design, as embedded SVG: one plot,
 * or where the curves would be too many for one legend (more than
 * CLI_PLOT_MAX_ENTRIES entries), one plot per design
 * (and part of a design's set). A curve that cannot be measured (a stage that
 * never reaches 1 % THD still gives its points) is an error, as everywhere
 * else. */
static int html_plot(cli_text *h, const cli_compare *c, ampsim_curve_kind kind,
                     const char *heading)
{
  cli_curves curves;
  size_t i, start, span;
  int rc, set = kind == AMPSIM_CURVE_LOOP_GAIN || kind == AMPSIM_CURVE_STEP ||
                kind == AMPSIM_CURVE_IMD_SPECTRUM;

  rc = cli_compare_curves(&curves, c, kind);
  if (rc != 0) {
    cli_curves_free(&curves);
    return rc;
  }
  cli_text_append(h, "<h2>");
  cli_text_html(h, heading);
  cli_text_append(h, "</h2>\n");
  /* A set: what each curve shows (its figures); else the one note. */
  for (i = 0; i < (set ? curves.n : 1); i++) {
    cli_text_append(h, "<p>");
    if (set) {
      cli_text_html(h, c->designs[curves.design[i]].name);
      if (curves.curve[i].series[0] != '\0') {
        cli_text_append(h, ", ");
        cli_text_html(h, curves.curve[i].series);
      }
      cli_text_append(h, ": ");
    }
    cli_text_html(h, curves.curve[i].note);
    cli_text_append(h, "</p>\n");
  }
  for (start = 0; rc == 0 && start < curves.n; start += span) {
    cli_curves part = curves;
    ampsim_plot *plot = NULL;
    char *svg = NULL;
    size_t len = 0;
    span = cli_curves_plot_span(&curves, start, cli_curves_plot_max_series(kind));
    part.n = span;
    part.curve = curves.curve + start;
    part.design = curves.design + start;
    rc = cli_compare_plot(&plot, &part, c);
    if (rc == 0) {
      int r;
      ampsim_error_clear();
      r = ampsim_plot_render_svg(plot, &svg, &len);
      if (r != 0)
        rc = cli_library_error(r);
    }
    if (rc == 0) {
      cli_text_append(h, "<img alt=\"");
      cli_text_html(h, heading);
      if (span < curves.n) {
        cli_text_append(h, " (");
        cli_text_html(h, c->designs[curves.design[start]].name);
        cli_text_append(h, ")");
      }
      cli_text_append(h, "\" src=\"data:image/svg+xml;base64,");
      cli_text_base64(h, (const unsigned char *)svg, len);
      cli_text_append(h, "\">\n");
    }
    free(svg);
    ampsim_plot_free(plot);
  }
  cli_curves_free(&curves);
  return rc;
}

/* Whether every design measured what a plot of `kind` shows: the loop gain
 * (stability, a stage with Vloop), step responses (capacitive loads) or
 * IMD spectra. */
static int every_design_has(const cli_compare *c, ampsim_curve_kind kind)
{
  size_t i;
  for (i = 0; i < c->n; i++) {
    const ampsim_measurement *m = c->m[i];
    int stability = (m->options.figures & AMPSIM_FIG_STABILITY) != 0;
    if (kind == AMPSIM_CURVE_LOOP_GAIN && !(stability && m->has_loop))
      return 0;
    if (kind == AMPSIM_CURVE_STEP && !(stability && m->n_cap_load > 0))
      return 0;
    if (kind == AMPSIM_CURVE_IMD_SPECTRUM &&
        !((m->options.figures & AMPSIM_FIG_IMD) && m->n_imd > 0))
      return 0;
  }
  return 1;
}

static int html_netlists(cli_text *h, const cli_compare *c)
{
  size_t i;

  cli_text_append(h, "<h2>Netlists</h2>\n");
  for (i = 0; i < c->n; i++) {
    ampsim_stage *stage = NULL, *load = NULL;
    ampsim_bench_options bench = c->designs[i].options.bench;
    char *netlist = NULL;
    int rc;
    ampsim_error_clear();
    rc = ampsim_design_open(&stage, &load, &c->designs[i]);
    if (rc == 0) {
      bench.load_model = load;
      rc = ampsim_bench_netlist(&netlist, stage, &bench, AMPSIM_BENCH_LOADED,
                                NULL);
    }
    if (rc == 0) {
      cli_text_append(h, "<h3>");
      cli_text_html(h, c->designs[i].name);
      cli_text_append(h, "</h3>\n<pre>");
      cli_text_html(h, netlist);
      cli_text_append(h, "</pre>\n");
    }
    free(netlist);
    ampsim_stage_free(stage);
    ampsim_stage_free(load);
    if (rc != 0)
      return cli_library_error(rc);
  }
  return 0;
}

int cli_cmd_report(int argc, char **argv)
{
  cli_compare c;
  cli_text h = { 0 };
  const char *ngspice;
  int help = 0, rc;
  size_t i;

  rc = cli_compare_setup(&c, argc, argv, 1, &help);
  if (rc != 0 || help) {
    cli_compare_free(&c);
    return rc;
  }
  rc = cli_compare_measure(&c);
  if (rc != 0)
    goto done;
  ngspice = c.m[0]->ngspice_version[0] != '\0' ? c.m[0]->ngspice_version
                                                : "unknown";

  cli_text_append(&h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                      "<meta charset=\"utf-8\">\n<title>ampsim report</title>\n"
                      "<style>");
  cli_text_append(&h, report_css);
  cli_text_append(&h, "</style>\n</head>\n<body>\n<h1>ampsim report</h1>\n"
                      "<p>ampsim ");
  cli_text_html(&h, ampsim_version());
  cli_text_append(&h, ", ngspice ");
  cli_text_html(&h, ngspice);
  cli_text_append(&h, "</p>\n<h2>Designs</h2>\n<ul>\n");
  for (i = 0; i < c.n; i++) {
    cli_text_append(&h, "<li>");
    cli_text_html(&h, c.designs[i].name);
    cli_text_append(&h, " (");
    cli_text_html(&h, c.designs[i].origin);
    cli_text_append(&h, ")</li>\n");
  }
  cli_text_append(&h, "</ul>\n<h2>Figures</h2>\n");
  html_table(&h, &c);
  rc = html_plot(&h, &c, AMPSIM_CURVE_THD_VS_POWER, "THD and THD+N vs output power");
  if (rc == 0)
    rc = html_plot(&h, &c, AMPSIM_CURVE_ZOUT, "Output impedance vs frequency");
  if (rc == 0)
    rc = html_plot(&h, &c, AMPSIM_CURVE_CROSSTALK, "Crosstalk vs frequency");
  if (rc == 0 && every_design_has(&c, AMPSIM_CURVE_LOOP_GAIN))
    rc = html_plot(&h, &c, AMPSIM_CURVE_LOOP_GAIN, "Loop gain and phase vs frequency");
  if (rc == 0 && every_design_has(&c, AMPSIM_CURVE_STEP))
    rc = html_plot(&h, &c, AMPSIM_CURVE_STEP, "Step response per capacitive load");
  if (rc == 0 && every_design_has(&c, AMPSIM_CURVE_IMD_SPECTRUM))
    rc = html_plot(&h, &c, AMPSIM_CURVE_IMD_SPECTRUM, "Intermodulation spectra");
  if (rc == 0)
    rc = html_netlists(&h, &c);
  if (rc != 0)
    goto done;
  cli_text_append(&h, "</body>\n</html>\n");
  if (h.failed) {
    rc = cli_error("%s", strerror(ENOMEM));
    goto done;
  }
  rc = cli_compare_write(c.output_path, cli_text_str(&h), h.len);

done:
  free(h.data);
  cli_compare_free(&c);
  return rc;
}
