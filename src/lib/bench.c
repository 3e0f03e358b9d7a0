/*
 * bench.c - the stereo test bench around one stage (see include/ampsim/bench.h
 * and the circuit conventions of docs/measurements.md).
 *
 * SE:  each channel's stage drives its transducer from the output to a
 *      return wire shared by both channels (3-pole plug); the return reaches
 *      amplifier ground through ground_ohms.
 * BTL: two stages per channel, driven with +vin and -vin; the transducer
 *      floats between their outputs (4-pole connector), with ground_ohms in
 *      series with each of its wires, shared by nobody.
 * Both channels share one supply whose rails have source resistance
 * supply_ohms. Loads, cable and supply resistance are noiseless (noisy=0):
 * the noise reported is the amplifier's.
 *
 * A zero resistance is never written as a 0-ohm resistor (ngspice does not
 * accept it as a short): the two nodes simply become one.
 */
#include "ampsim/bench.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampsim/error.h"
#include "strbuf.h"

const char *ampsim_topology_name(ampsim_topology topology)
{
  switch (topology) {
  case AMPSIM_TOPOLOGY_SE:
    return "se";
  case AMPSIM_TOPOLOGY_BTL:
    return "btl";
  }
  return "unknown";
}

int ampsim_topology_parse(ampsim_topology *out, const char *text)
{
  if (strcmp(text, "se") == 0) {
    *out = AMPSIM_TOPOLOGY_SE;
    return 0;
  }
  if (strcmp(text, "btl") == 0) {
    *out = AMPSIM_TOPOLOGY_BTL;
    return 0;
  }
  return ampsim_error_set(AMPSIM_EINVAL, "unknown topology '%s' (expected se or btl)",
                          text);
}

void ampsim_bench_nodes_of(ampsim_bench_nodes *out, const ampsim_bench_options *options)
{
  bool wired = options->ground_ohms > 0.0;
  out->source[0] = "vsrc_l";
  out->source[1] = "vsrc_r";
  if (options->topology == AMPSIM_TOPOLOGY_SE) {
    out->load_hot[0] = "n_out_l";
    out->load_hot[1] = "n_out_r";
    out->load_cold[0] = wired ? "n_ret" : "0";
    out->load_cold[1] = wired ? "n_ret" : "0";
    out->connector_a = "n_out_l";
    out->connector_b = "0";
  } else {
    out->load_hot[0] = wired ? "n_hot_l" : "n_outp_l";
    out->load_hot[1] = wired ? "n_hot_r" : "n_outp_r";
    out->load_cold[0] = wired ? "n_cold_l" : "n_outn_l";
    out->load_cold[1] = wired ? "n_cold_r" : "n_outn_r";
    out->connector_a = "n_outp_l";
    out->connector_b = "n_outn_l";
  }
}

static int finite_at_least(double value, double minimum, bool inclusive)
{
  if (!isfinite(value))
    return 0;
  return inclusive ? value >= minimum : value > minimum;
}

/* Stage parameters end up on the instance line of every stage: accept only
 * name=value pairs of plain characters, so they cannot add lines, comments
 * or other elements to the netlist. */
static int check_params(const char *params)
{
  const char *p = params;
  if (memchr(params, '\0', sizeof((ampsim_bench_options *)0)->stage_params) == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "stage parameters are too long");
  while (*p != '\0') {
    size_t name, value;
    while (*p == ' ')
      p++;
    if (*p == '\0')
      break;
    name = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
    if (name == 0 || !isalpha((unsigned char)p[0]) || p[name] != '=')
      return ampsim_error_set(AMPSIM_EINVAL,
                              "stage parameters: expected name=value at '%.40s'", p);
    p += name + 1;
    value = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.+-");
    if (value == 0 || (p[value] != ' ' && p[value] != '\0'))
      return ampsim_error_set(AMPSIM_EINVAL,
                              "stage parameters: bad value at '%.40s' (numbers only)", p);
    p += value;
  }
  return 0;
}

int ampsim_bench_check(const ampsim_bench_options *o)
{
  if (o->topology != AMPSIM_TOPOLOGY_SE && o->topology != AMPSIM_TOPOLOGY_BTL)
    return ampsim_error_set(AMPSIM_EINVAL, "unknown topology %d", (int)o->topology);
  if (!finite_at_least(o->load_ohms, 0.0, false) || o->load_ohms > 1e9)
    return ampsim_error_set(AMPSIM_EINVAL,
                            "--load: %g ohm is out of range (0 < load <= 1e9)", o->load_ohms);
  if (!finite_at_least(o->ground_ohms, 0.0, true) || o->ground_ohms > 1e6)
    return ampsim_error_set(AMPSIM_EINVAL,
                            "--ground-ohms: %g ohm is out of range (0 to 1e6)", o->ground_ohms);
  if (!finite_at_least(o->supply_v, 0.0, false) || o->supply_v > 1000.0)
    return ampsim_error_set(AMPSIM_EINVAL,
                            "--supply: %g V is out of range (0 < V <= 1000)", o->supply_v);
  if (!finite_at_least(o->supply_ohms, 0.0, true) || o->supply_ohms > 1e6)
    return ampsim_error_set(AMPSIM_EINVAL,
                            "--supply-ohms: %g ohm is out of range (0 to 1e6)", o->supply_ohms);
  return check_params(o->stage_params);
}

/* A noiseless resistor, or nothing when the two nodes are one (r == 0). */
static void wire(strbuf *sb, const char *name, const char *a, const char *b, double ohms)
{
  if (ohms > 0.0)
    strbuf_printf(sb, "%s %s %s %.17g noisy=0\n", name, a, b, ohms);
}

static void source(strbuf *sb, const char *name, const char *node, double ac,
                   double peak, double hz)
{
  strbuf_printf(sb, "%s %s 0 DC 0 AC %.17g", name, node, ac);
  if (peak > 0.0)
    strbuf_printf(sb, " SIN(0 %.17g %.17g)", peak, hz);
  strbuf_printf(sb, "\n");
}

/* The transducer of channel ch between hot and cold: a model or a
 * noiseless resistor. */
static void load(strbuf *sb, const ampsim_bench_options *o, char ch, const char *hot,
                 const char *cold)
{
  if (o->load_model != NULL)
    strbuf_printf(sb, "xload_%c %s %s %s\n", ch, hot, cold, o->load_model->subckt);
  else
    strbuf_printf(sb, "rload_%c %s %s %.17g noisy=0\n", ch, hot, cold, o->load_ohms);
}

static void stage_se(strbuf *sb, const ampsim_stage *stage, const ampsim_bench_options *o,
                     ampsim_bench_kind kind, char ch)
{
  char hot[32];
  strbuf_printf(sb, "xamp_%c n_in_%c n_out_%c n_vp n_vn 0 %s%s%s\n", ch, ch, ch, stage->subckt,
                o->stage_params[0] ? " " : "", o->stage_params);
  snprintf(hot, sizeof hot, "n_out_%c", ch);
  if (kind == AMPSIM_BENCH_LOADED)
    load(sb, o, ch, hot, o->ground_ohms > 0.0 ? "n_ret" : "0");
}

static void stage_btl(strbuf *sb, const ampsim_stage *stage, const ampsim_bench_options *o,
                      ampsim_bench_kind kind, char ch)
{
  bool wired = o->ground_ohms > 0.0;
  /* The - half gets -vin: an ideal inverting E-source, as from a balanced
   * source. It carries the AC, noise-input and transient drive alike. */
  strbuf_printf(sb, "einv_%c n_inn_%c 0 n_in_%c 0 -1\n", ch, ch, ch);
  strbuf_printf(sb, "xamp_%cp n_in_%c n_outp_%c n_vp n_vn 0 %s%s%s\n", ch, ch, ch,
                stage->subckt, o->stage_params[0] ? " " : "", o->stage_params);
  strbuf_printf(sb, "xamp_%cn n_inn_%c n_outn_%c n_vp n_vn 0 %s%s%s\n", ch, ch, ch,
                stage->subckt, o->stage_params[0] ? " " : "", o->stage_params);
  if (kind != AMPSIM_BENCH_LOADED)
    return;
  if (wired) {
    char name[32], hot[32], cold[32], outp[32], outn[32];
    snprintf(name, sizeof name, "rwire_%cp", ch);
    snprintf(hot, sizeof hot, "n_hot_%c", ch);
    snprintf(outp, sizeof outp, "n_outp_%c", ch);
    wire(sb, name, outp, hot, o->ground_ohms);
    snprintf(name, sizeof name, "rwire_%cn", ch);
    snprintf(cold, sizeof cold, "n_cold_%c", ch);
    snprintf(outn, sizeof outn, "n_outn_%c", ch);
    wire(sb, name, outn, cold, o->ground_ohms);
    load(sb, o, ch, hot, cold);
  } else {
    char outp[32], outn[32];
    snprintf(outp, sizeof outp, "n_outp_%c", ch);
    snprintf(outn, sizeof outn, "n_outn_%c", ch);
    load(sb, o, ch, outp, outn);
  }
}

int ampsim_bench_netlist(char **out, const ampsim_stage *stage,
                         const ampsim_bench_options *o, ampsim_bench_kind kind,
                         const ampsim_bench_drive *drive)
{
  static const ampsim_bench_drive default_drive = AMPSIM_BENCH_DRIVE_INIT;
  strbuf sb = STRBUF_INIT;
  int rc;
  bool se = o->topology == AMPSIM_TOPOLOGY_SE;

  *out = NULL;
  if (stage == NULL || stage->subckt == NULL || stage->text == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "bench: no stage");
  rc = ampsim_bench_check(o);
  if (rc != 0)
    return rc;
  if (drive == NULL)
    drive = &default_drive;
  if (!isfinite(drive->sine_peak_v) || drive->sine_peak_v < 0.0 ||
      !isfinite(drive->sine_hz) || drive->sine_hz <= 0.0 ||
      !isfinite(drive->ac_left) || !isfinite(drive->ac_right))
    return ampsim_error_set(AMPSIM_EINVAL, "bench: invalid drive");

  strbuf_printf(&sb, "* ampsim %s bench: stage %s (%s), %s\n",
                kind == AMPSIM_BENCH_ZOUT ? "output-impedance" : "loaded",
                stage->name ? stage->name : stage->subckt, stage->subckt,
                ampsim_topology_name(o->topology));
  strbuf_printf(&sb, "* load %.17g ohm, ground %.17g ohm, supply +-%.17g V (%.17g ohm)\n",
                o->load_ohms, o->ground_ohms, o->supply_v, o->supply_ohms);
  strbuf_printf(&sb, "*\n* ---- stage definitions (from %s) ----\n",
                stage->path ? stage->path : "memory");
  strbuf_append(&sb, stage->text, strlen(stage->text));
  if (stage->text[0] != '\0' && stage->text[strlen(stage->text) - 1] != '\n')
    strbuf_printf(&sb, "\n");

  if (o->load_model != NULL && kind == AMPSIM_BENCH_LOADED) {
    strbuf_printf(&sb, "* ---- headphone model (from %s) ----\n",
                  o->load_model->path ? o->load_model->path : "memory");
    strbuf_append(&sb, o->load_model->text, strlen(o->load_model->text));
    strbuf_printf(&sb, "\n");
  }
  strbuf_printf(&sb, "* ---- supply, shared by both channels ----\n");
  if (o->supply_ohms > 0.0) {
    strbuf_printf(&sb, "vsup_p n_vps 0 DC %.17g\nvsup_n n_vns 0 DC %.17g\n", o->supply_v,
                  -o->supply_v);
    wire(&sb, "rsup_p", "n_vps", "n_vp", o->supply_ohms);
    wire(&sb, "rsup_n", "n_vns", "n_vn", o->supply_ohms);
  } else {
    strbuf_printf(&sb, "vsup_p n_vp 0 DC %.17g\nvsup_n n_vn 0 DC %.17g\n", o->supply_v,
                  -o->supply_v);
  }

  strbuf_printf(&sb, "* ---- sources (ideal, noiseless) ----\n");
  source(&sb, "vsrc_l", "n_in_l", kind == AMPSIM_BENCH_LOADED ? drive->ac_left : 0.0,
         kind == AMPSIM_BENCH_LOADED ? drive->sine_peak_v : 0.0, drive->sine_hz);
  if (!drive->left_only)
    source(&sb, "vsrc_r", "n_in_r", kind == AMPSIM_BENCH_LOADED ? drive->ac_right : 0.0, 0.0,
           drive->sine_hz);

  strbuf_printf(&sb, "* ---- %s amplifiers and %s ----\n", se ? "single-ended" : "bridged",
                kind == AMPSIM_BENCH_LOADED ? "loads" : "no loads (output impedance)");
  for (int c = 0; c < (drive->left_only ? 1 : 2); c++) {
    char ch = c == 0 ? 'l' : 'r';
    if (se)
      stage_se(&sb, stage, o, kind, ch);
    else
      stage_btl(&sb, stage, o, kind, ch);
  }
  if (se && kind == AMPSIM_BENCH_LOADED)
    wire(&sb, "rret", "n_ret", "0", o->ground_ohms);

  if (kind == AMPSIM_BENCH_ZOUT) {
    /* 1 A AC into the left connector: the voltage there is Zout. */
    if (se)
      strbuf_printf(&sb, "iz_l 0 n_out_l DC 0 AC 1\n");
    else
      strbuf_printf(&sb, "iz_l n_outn_l n_outp_l DC 0 AC 1\n");
  }

  /* Tight tolerances: distortion products at -120 dBc and below are
   * resolved only with vntol well under a microvolt. norefvalue cuts
   * run time (docs/ngspice-notes.md). */
  strbuf_printf(&sb, "* ---- simulator options ----\n"
                     ".options reltol=1e-6 vntol=1e-9 abstol=1e-13 norefvalue\n"
                     ".end\n");
  *out = strbuf_take(&sb);
  if (*out == NULL)
    return ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
  return 0;
}

int ampsim_bench_channels_independent(const ampsim_bench_options *o)
{
  if (o->supply_ohms > 0.0)
    return 0;
  /* SE's return resistance is shared by both loads; BTL's wires are not. */
  return o->topology == AMPSIM_TOPOLOGY_BTL || o->ground_ohms == 0.0;
}

int ampsim_bench_load_netlist(char **out, const ampsim_bench_options *o)
{
  strbuf sb = STRBUF_INIT;
  *out = NULL;
  strbuf_printf(&sb, "* ampsim load impedance: 1 A AC into the load\n");
  if (o->load_model != NULL) {
    strbuf_append(&sb, o->load_model->text, strlen(o->load_model->text));
    strbuf_printf(&sb, "\nxload n_zl 0 %s\n", o->load_model->subckt);
  } else {
    strbuf_printf(&sb, "rload n_zl 0 %.17g noisy=0\n", o->load_ohms);
  }
  strbuf_printf(&sb, "iz 0 n_zl DC 0 AC 1\n.options norefvalue\n.end\n");
  *out = strbuf_take(&sb);
  return *out != NULL ? 0 : ampsim_error_set(AMPSIM_ENOMEM, "out of memory");
}
