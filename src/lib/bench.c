/*
 * bench.c - the stereo test bench around one stage (see include/ampsim/bench.h
 * and the circuit conventions of docs/measurements.md).
 *
 * Each channel is built from three parts:
 *   input   the ideal source vsrc_c, optionally through a volume control,
 *           to the stage input n_in_c;
 *   stages  se, se-split, active-ground: one stage (xamp_c) whose output is
 *           n_out_c; btl: two (xamp_cp, xamp_cn), the - half fed -vin by an
 *           inverting E-source;
 *   load    the transducer (resistor or model) between its hot and cold
 *           terminals, with the wiring of the arrangement:
 *             se             cold = the return shared by both channels,
 *                            n_ret, through ground_ohms to ground
 *             se-split       cold = the channel's own return n_ret_c,
 *                            through ground_ohms to ground
 *             active-ground  cold = the shared return n_ret, through
 *                            ground_ohms to the output of a third stage
 *                            (xamp_g, input grounded)
 *             btl            hot/cold = the two outputs, through
 *                            ground_ohms in each wire
 * Supply: one pair of rails shared by everything (n_vp, n_vn), or with
 * supply_split one pair per channel (and one for the ground stage), each
 * with supply_ohms of source resistance.
 * Loads, cable and supply resistance are noiseless (noisy=0): the noise
 * reported is the amplifier's (and the volume control's).
 *
 * A zero resistance is never written as a 0-ohm resistor (ngspice turns it
 * into 1 mohm): the two nodes simply become one.
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

static const char *const topology_names[AMPSIM_TOPOLOGY_COUNT] = {"se", "btl", "se-split",
                                                                  "active-ground"};

const char *ampsim_topology_name(ampsim_topology topology)
{
  return (unsigned)topology < AMPSIM_TOPOLOGY_COUNT ? topology_names[topology] : "unknown";
}

int ampsim_topology_parse(ampsim_topology *out, const char *text)
{
  for (int t = 0; t < AMPSIM_TOPOLOGY_COUNT; t++) {
    if (strcmp(text, topology_names[t]) == 0) {
      *out = (ampsim_topology)t;
      return 0;
    }
  }
  return ampsim_error_set(AMPSIM_EINVAL,
                          "unknown topology '%s' (expected se, btl, se-split or active-ground)",
                          text);
}

int ampsim_topology_legs(ampsim_topology topology)
{
  return topology == AMPSIM_TOPOLOGY_BTL ? 2 : 1;
}

void ampsim_bench_nodes_of(ampsim_bench_nodes *out, const ampsim_bench_options *options)
{
  bool wired = options->ground_ohms > 0.0;
  out->source[0] = "vsrc_l";
  out->source[1] = "vsrc_r";
  switch (options->topology) {
  case AMPSIM_TOPOLOGY_BTL:
    out->load_hot[0] = wired ? "n_hot_l" : "n_outp_l";
    out->load_hot[1] = wired ? "n_hot_r" : "n_outp_r";
    out->load_cold[0] = wired ? "n_cold_l" : "n_outn_l";
    out->load_cold[1] = wired ? "n_cold_r" : "n_outn_r";
    out->connector_a = "n_outp_l";
    out->connector_b = "n_outn_l";
    return;
  case AMPSIM_TOPOLOGY_SE_SPLIT:
    out->load_cold[0] = wired ? "n_ret_l" : "0";
    out->load_cold[1] = wired ? "n_ret_r" : "0";
    out->connector_b = "0";
    break;
  case AMPSIM_TOPOLOGY_ACTIVE_GROUND:
    out->load_cold[0] = out->load_cold[1] = wired ? "n_ret" : "n_gnd_out";
    out->connector_b = "n_gnd_out";
    break;
  default:
    out->load_cold[0] = out->load_cold[1] = wired ? "n_ret" : "0";
    out->connector_b = "0";
    break;
  }
  out->load_hot[0] = "n_out_l";
  out->load_hot[1] = "n_out_r";
  out->connector_a = "n_out_l";
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
  if ((unsigned)o->topology >= AMPSIM_TOPOLOGY_COUNT)
    return ampsim_error_set(AMPSIM_EINVAL, "unknown topology %d", (int)o->topology);
  /* Below a milliohm the bench only reports what ideal sources do into a
   * short (1e-308 ohm gave 1e308 A and "figures"): no headphone is there. */
  if (!finite_at_least(o->load_ohms, 1e-3, true) || o->load_ohms > 1e9)
    return ampsim_error_set(AMPSIM_EINVAL,
                            "--load: %g ohm is out of range (1m <= load <= 1e9)", o->load_ohms);
  if (!finite_at_least(o->ground_ohms, 0.0, true) || o->ground_ohms > 1e6)
    return ampsim_error_set(AMPSIM_EINVAL,
                            "--ground-ohms: %g ohm is out of range (0 to 1e6)", o->ground_ohms);
  if (!finite_at_least(o->supply_v, 0.0, false) || o->supply_v > 1000.0)
    return ampsim_error_set(AMPSIM_EINVAL,
                            "--supply: %g V is out of range (0 < V <= 1000)", o->supply_v);
  if (!finite_at_least(o->supply_ohms, 0.0, true) || o->supply_ohms > 1e6)
    return ampsim_error_set(AMPSIM_EINVAL,
                            "--supply-ohms: %g ohm is out of range (0 to 1e6)", o->supply_ohms);
  if (o->volume_mode != AMPSIM_VOLUME_NONE) {
    if ((unsigned)o->volume_mode > AMPSIM_VOLUME_IDEAL)
      return ampsim_error_set(AMPSIM_EINVAL, "unknown volume mode %d", (int)o->volume_mode);
    if (!isfinite(o->volume_db) || o->volume_db > 0.0 || o->volume_db < -120.0)
      return ampsim_error_set(AMPSIM_EINVAL,
                              "--volume-db: %g dB is out of range (-120 to 0 dB)", o->volume_db);
    if (!finite_at_least(o->pot_ohms, 0.0, false) || o->pot_ohms > 1e9)
      return ampsim_error_set(AMPSIM_EINVAL,
                              "--pot-ohms: %g ohm is out of range (0 < R <= 1e9)", o->pot_ohms);
    if (!finite_at_least(o->pot_tracking_db, 0.0, true) || o->pot_tracking_db > 20.0)
      return ampsim_error_set(AMPSIM_EINVAL,
                              "--pot-tracking-db: %g dB is out of range (0 to 20 dB)",
                              o->pot_tracking_db);
  }
  return check_params(o->stage_params);
}

/* A noiseless resistor, or nothing when the two nodes are one (r == 0). */
static void wire(strbuf *sb, const char *name, const char *a, const char *b, double ohms)
{
  if (ohms > 0.0)
    strbuf_printf(sb, "%s %s %s %.17g noisy=0\n", name, a, b, ohms);
}

static void source(strbuf *sb, const char *name, const char *node, double ac, double peak,
                   double hz, double step_v, double step_delay_s)
{
  strbuf_printf(sb, "%s %s 0 DC 0 AC %.17g", name, node, ac);
  if (step_v != 0.0)
    strbuf_printf(sb, " PULSE(0 %.17g %.17g 1e-9 1e-9 1 2)", step_v, step_delay_s);
  else if (peak > 0.0)
    strbuf_printf(sb, " SIN(0 %.17g %.17g)", peak, hz);
  strbuf_printf(sb, "\n");
}

/* Source, volume control and stage input of channel ch. */
static void input(strbuf *sb, const ampsim_bench_options *o, char ch, double ac, double peak,
                  double hz, double step_v, double step_delay_s)
{
  char name[16], in[16], src[16];
  double db = o->volume_db - (ch == 'r' && o->volume_mode == AMPSIM_VOLUME_POT
                                  ? o->pot_tracking_db
                                  : 0.0);
  double a = pow(10.0, db / 20.0);

  snprintf(name, sizeof name, "vsrc_%c", ch);
  snprintf(in, sizeof in, "n_in_%c", ch);
  snprintf(src, sizeof src, "n_src_%c", ch);
  if (o->volume_mode == AMPSIM_VOLUME_NONE || (o->volume_mode == AMPSIM_VOLUME_POT && a >= 1.0)) {
    source(sb, name, in, ac, peak, hz, step_v, step_delay_s);
    return;
  }
  source(sb, name, src, ac, peak, hz, step_v, step_delay_s);
  if (o->volume_mode == AMPSIM_VOLUME_IDEAL) {
    strbuf_printf(sb, "evol_%c %s 0 %s 0 %.17g\n", ch, in, src, a);
  } else {
    /* The pot's track is an ordinary resistor: its thermal noise counts. */
    strbuf_printf(sb, "rpot_top_%c %s %s %.17g\n", ch, src, in, o->pot_ohms * (1.0 - a));
    strbuf_printf(sb, "rpot_bot_%c %s 0 %.17g\n", ch, in, o->pot_ohms * a);
  }
}

/* The transducer of channel ch between hot and cold: a model or a noiseless
 * resistor. */
static void load(strbuf *sb, const ampsim_bench_options *o, char ch, const char *hot,
                 const char *cold)
{
  if (o->load_model != NULL)
    strbuf_printf(sb, "xload_%c %s %s %s\n", ch, hot, cold, o->load_model->subckt);
  else
    strbuf_printf(sb, "rload_%c %s %s %.17g noisy=0\n", ch, hot, cold, o->load_ohms);
}

/* One stage instance; rails of channel ch ('l', 'r', 'g'). */
static void stage_line(strbuf *sb, const ampsim_stage *stage, const ampsim_bench_options *o,
                       const ampsim_bench_drive *d, const char *name, const char *in,
                       const char *out, char ch)
{
  const char *subckt = stage->subckt;
  char copy[320];
  if (d->probe_instance != NULL && d->probe_subckt != NULL && strcmp(name, d->probe_instance) == 0) {
    subckt = d->probe_subckt;
  } else if (o->instance_subckts) {
    snprintf(copy, sizeof copy, "%s__%s", stage->subckt, name);
    subckt = copy;
  }
  if (o->supply_split)
    strbuf_printf(sb, "%s %s %s n_vp_%c n_vn_%c 0 %s", name, in, out, ch, ch, subckt);
  else
    strbuf_printf(sb, "%s %s %s n_vp n_vn 0 %s", name, in, out, subckt);
  if (o->stage_params[0] != '\0')
    strbuf_printf(sb, " %s", o->stage_params);
  strbuf_printf(sb, "\n");
}

static void channel(strbuf *sb, const ampsim_stage *stage, const ampsim_bench_options *o,
                    const ampsim_bench_drive *d, ampsim_bench_kind kind, char ch)
{
  char name[32], in[32], out[32], outn[32], hot[32], cold[32];
  bool loaded = kind == AMPSIM_BENCH_LOADED, wired = o->ground_ohms > 0.0;

  snprintf(in, sizeof in, "n_in_%c", ch);
  if (o->topology == AMPSIM_TOPOLOGY_BTL) {
    snprintf(out, sizeof out, "n_outp_%c", ch);
    snprintf(outn, sizeof outn, "n_outn_%c", ch);
    /* The - half gets -vin: an ideal inverting E-source, as from a balanced
     * source. It carries the AC, noise-input and transient drive alike. */
    strbuf_printf(sb, "einv_%c n_inn_%c 0 %s 0 -1\n", ch, ch, in);
    snprintf(name, sizeof name, "xamp_%cp", ch);
    stage_line(sb, stage, o, d, name, in, out, ch);
    snprintf(name, sizeof name, "xamp_%cn", ch);
    snprintf(in, sizeof in, "n_inn_%c", ch);
    stage_line(sb, stage, o, d, name, in, outn, ch);
    if (!loaded)
      return;
    snprintf(hot, sizeof hot, wired ? "n_hot_%c" : "n_outp_%c", ch);
    snprintf(cold, sizeof cold, wired ? "n_cold_%c" : "n_outn_%c", ch);
    snprintf(name, sizeof name, "rwire_%cp", ch);
    wire(sb, name, out, hot, o->ground_ohms);
    snprintf(name, sizeof name, "rwire_%cn", ch);
    wire(sb, name, outn, cold, o->ground_ohms);
    load(sb, o, ch, hot, cold);
    return;
  }

  snprintf(name, sizeof name, "xamp_%c", ch);
  snprintf(out, sizeof out, "n_out_%c", ch);
  stage_line(sb, stage, o, d, name, in, out, ch);
  if (!loaded)
    return;
  switch (o->topology) {
  case AMPSIM_TOPOLOGY_SE_SPLIT:
    snprintf(cold, sizeof cold, wired ? "n_ret_%c" : "0", ch);
    snprintf(name, sizeof name, "rret_%c", ch);
    wire(sb, name, cold, "0", o->ground_ohms);
    break;
  case AMPSIM_TOPOLOGY_ACTIVE_GROUND:
    snprintf(cold, sizeof cold, "%s", wired ? "n_ret" : "n_gnd_out");
    break;
  default:
    snprintf(cold, sizeof cold, "%s", wired ? "n_ret" : "0");
    break;
  }
  load(sb, o, ch, out, cold);
}

static void supply(strbuf *sb, const ampsim_bench_options *o)
{
  char groups[3] = {'l', 'r', 'g'};
  int n = o->supply_split ? (o->topology == AMPSIM_TOPOLOGY_ACTIVE_GROUND ? 3 : 2) : 1;

  strbuf_printf(sb, "* ---- supply: %s ----\n",
                o->supply_split ? "one per channel (dual mono)" : "shared by both channels");
  for (int i = 0; i < n; i++) {
    char vp[16], vn[16], vps[24], vns[24], name[24];
    if (o->supply_split) {
      snprintf(vp, sizeof vp, "n_vp_%c", groups[i]);
      snprintf(vn, sizeof vn, "n_vn_%c", groups[i]);
    } else {
      snprintf(vp, sizeof vp, "n_vp");
      snprintf(vn, sizeof vn, "n_vn");
    }
    snprintf(vps, sizeof vps, "%ss", vp);
    snprintf(vns, sizeof vns, "%ss", vn);
    if (o->supply_ohms > 0.0) {
      strbuf_printf(sb, "vsup_p%s %s 0 DC %.17g\n", vp + 4, vps, o->supply_v);
      strbuf_printf(sb, "vsup_n%s %s 0 DC %.17g\n", vn + 4, vns, -o->supply_v);
      snprintf(name, sizeof name, "rsup_p%s", vp + 4);
      wire(sb, name, vps, vp, o->supply_ohms);
      snprintf(name, sizeof name, "rsup_n%s", vn + 4);
      wire(sb, name, vns, vn, o->supply_ohms);
    } else {
      strbuf_printf(sb, "vsup_p%s %s 0 DC %.17g\n", vp + 4, vp, o->supply_v);
      strbuf_printf(sb, "vsup_n%s %s 0 DC %.17g\n", vn + 4, vn, -o->supply_v);
    }
  }
}

int ampsim_bench_netlist(char **out, const ampsim_stage *stage, const ampsim_bench_options *o,
                         ampsim_bench_kind kind, const ampsim_bench_drive *drive)
{
  static const ampsim_bench_drive default_drive = AMPSIM_BENCH_DRIVE_INIT;
  strbuf sb = STRBUF_INIT;
  bool loaded = kind == AMPSIM_BENCH_LOADED;
  bool active = o->topology == AMPSIM_TOPOLOGY_ACTIVE_GROUND;
  int rc;

  *out = NULL;
  if (stage == NULL || stage->subckt == NULL || stage->text == NULL)
    return ampsim_error_set(AMPSIM_EINVAL, "bench: no stage");
  rc = ampsim_bench_check(o);
  if (rc != 0)
    return rc;
  if (drive == NULL)
    drive = &default_drive;
  if (!isfinite(drive->sine_peak_v) || drive->sine_peak_v < 0.0 || !isfinite(drive->sine_hz) ||
      drive->sine_hz <= 0.0 || !isfinite(drive->ac_left) || !isfinite(drive->ac_right) ||
      !isfinite(drive->step_v) || !isfinite(drive->cap_load_f) || drive->cap_load_f < 0.0)
    return ampsim_error_set(AMPSIM_EINVAL, "bench: invalid drive");

  strbuf_printf(&sb, "* ampsim %s bench: stage %s (%s), %s\n",
                loaded ? "loaded" : "output-impedance", stage->name ? stage->name : stage->subckt,
                stage->subckt, ampsim_topology_name(o->topology));
  strbuf_printf(&sb, "* load %.17g ohm, ground %.17g ohm, supply +-%.17g V (%.17g ohm)%s\n",
                o->load_ohms, o->ground_ohms, o->supply_v, o->supply_ohms,
                o->supply_split ? ", split" : "");
  strbuf_printf(&sb, "*\n* ---- stage definitions (from %s) ----\n",
                stage->path ? stage->path : "memory");
  strbuf_append(&sb, stage->text, strlen(stage->text));
  if (stage->text[0] != '\0' && stage->text[strlen(stage->text) - 1] != '\n')
    strbuf_printf(&sb, "\n");
  if (o->load_model != NULL && loaded) {
    strbuf_printf(&sb, "* ---- headphone model (from %s) ----\n",
                  o->load_model->path ? o->load_model->path : "memory");
    strbuf_append(&sb, o->load_model->text, strlen(o->load_model->text));
    strbuf_printf(&sb, "\n");
  }
  supply(&sb, o);

  strbuf_printf(&sb, "* ---- sources (ideal, noiseless)%s ----\n",
                o->volume_mode == AMPSIM_VOLUME_POT     ? " and volume potentiometer"
                : o->volume_mode == AMPSIM_VOLUME_IDEAL ? " and ideal attenuator"
                                                        : "");
  input(&sb, o, 'l', loaded ? drive->ac_left : 0.0, loaded ? drive->sine_peak_v : 0.0,
        drive->sine_hz, loaded ? drive->step_v : 0.0, drive->step_delay_s);
  if (!drive->left_only)
    input(&sb, o, 'r', loaded ? drive->ac_right : 0.0, 0.0, drive->sine_hz, 0.0, 0.0);

  strbuf_printf(&sb, "* ---- %s amplifiers and %s ----\n", ampsim_topology_name(o->topology),
                loaded ? "loads" : "no loads (output impedance)");
  for (int c = 0; c < (drive->left_only ? 1 : 2); c++)
    channel(&sb, stage, o, drive, kind, c == 0 ? 'l' : 'r');
  if (active) {
    /* The ground stage: input grounded, output driving the shared return. */
    stage_line(&sb, stage, o, drive, "xamp_g", "0", "n_gnd_out", 'g');
    if (loaded)
      wire(&sb, "rret", "n_ret", "n_gnd_out", o->ground_ohms);
  } else if (o->topology == AMPSIM_TOPOLOGY_SE && loaded) {
    wire(&sb, "rret", "n_ret", "0", o->ground_ohms);
  }

  if (drive->cap_load_f > 0.0) {
    /* Cable capacitance across each load (or, unloaded, each connector). */
    ampsim_bench_nodes nodes;
    ampsim_bench_nodes_of(&nodes, o);
    for (int c = 0; c < (drive->left_only ? 1 : 2); c++) {
      if (loaded)
        strbuf_printf(&sb, "cload_%c %s %s %.17g\n", c == 0 ? 'l' : 'r', nodes.load_hot[c],
                      nodes.load_cold[c], drive->cap_load_f);
      else if (c == 0)
        strbuf_printf(&sb, "cload_l %s %s %.17g\n", nodes.connector_a, nodes.connector_b,
                      drive->cap_load_f);
    }
  }
  if (!loaded) {
    /* 1 A AC into the left connector: the voltage across it is Zout. */
    if (o->topology == AMPSIM_TOPOLOGY_BTL)
      strbuf_printf(&sb, "iz_l n_outn_l n_outp_l DC 0 AC 1\n");
    else if (active)
      strbuf_printf(&sb, "iz_l n_gnd_out n_out_l DC 0 AC 1\n");
    else
      strbuf_printf(&sb, "iz_l 0 n_out_l DC 0 AC 1\n");
  }

  /* Tight tolerances: distortion products at -120 dBc and below are
   * resolved only with vntol well under a microvolt. norefvalue cuts run
   * time (docs/ngspice-notes.md). */
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
  if (o->supply_ohms > 0.0 && !o->supply_split)
    return 0;
  switch (o->topology) {
  case AMPSIM_TOPOLOGY_BTL:
  case AMPSIM_TOPOLOGY_SE_SPLIT:
    return 1; /* nobody shares a return wire */
  case AMPSIM_TOPOLOGY_SE:
    return o->ground_ohms == 0.0;
  default:
    return 0; /* the ground stage is shared by both channels */
  }
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
