/*
 * options.c - scanning the command line and parsing its values, with one
 * clear line on stderr for anything wrong (see cli.h).
 */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int cli_error(const char *fmt, ...)
{
  va_list ap;

  fputs("ampsim: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  return CLI_EXIT_ERROR;
}

int cli_library_error(int code)
{
  const char *message = ampsim_error_last();
  const char *p;

  if (message[0] == '\0')
    return cli_error("%s", ampsim_strerror(code));
  /* One line, whatever the library (or ngspice inside it) wrote. */
  fputs("ampsim: ", stderr);
  for (p = message; *p != '\0'; p++) {
    if (*p == '\n' || *p == '\r') {
      if (p[1] != '\0')
        fputs("; ", stderr);
    } else {
      fputc(*p, stderr);
    }
  }
  fputc('\n', stderr);
  return CLI_EXIT_ERROR;
}

/* ------------------------------------------------------------------------ */
/* Scanning                                                                 */
/* ------------------------------------------------------------------------ */

static const cli_option *find_long(const cli_option *options, const char *arg,
                                   size_t len)
{
  for (; options->id != 0; options++) {
    if (strlen(options->long_name) == len &&
        strncmp(options->long_name, arg, len) == 0)
      return options;
  }
  return NULL;
}

static const cli_option *find_short(const cli_option *options, char c)
{
  for (; options->id != 0; options++) {
    if (options->short_name != 0 && options->short_name == c)
      return options;
  }
  return NULL;
}

int cli_next_option(cli_scanner *s, int *id, const char **name,
                    const char **value)
{
  /* The option as written, for messages: "--load" of "--load=32". */
  static char written[64];
  const cli_option *option;
  const char *arg;
  const char *inline_value = NULL;

  *id = 0;
  *name = NULL;
  *value = NULL;
  if (s->next >= s->argc)
    return 0;
  arg = s->argv[s->next++];

  if (strcmp(arg, "--") == 0) {
    if (s->next < s->argc) {
      arg = s->argv[s->next++];
      if (s->takes_argument != NULL && s->takes_argument(arg) && s->next == s->argc) {
        *id = CLI_ARGUMENT;
        *value = arg;
        return 1;
      }
      return cli_error("unexpected argument '%s' (see 'ampsim %s --help')", arg,
                       s->command);
    }
    return 0;
  }
  if (arg[0] == '-' && arg[1] == '-') {
    const char *eq = strchr(arg, '=');
    size_t len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
    option = find_long(s->options, arg, len);
    if (option == NULL)
      return cli_error("unknown option '%.*s' (see 'ampsim %s --help')",
                       (int)len, arg, s->command);
    if (eq != NULL)
      inline_value = eq + 1;
    snprintf(written, sizeof written, "%s", option->long_name);
  } else if (arg[0] == '-' && arg[1] != '\0') {
    option = find_short(s->options, arg[1]);
    if (option == NULL)
      return cli_error("unknown option '-%c' (see 'ampsim %s --help')", arg[1],
                       s->command);
    if (arg[2] != '\0') {
      if (!option->takes_value)
        return cli_error("unknown option '%s' (see 'ampsim %s --help')", arg,
                         s->command);
      inline_value = arg + 2; /* -j4 */
    }
    snprintf(written, sizeof written, "-%c", option->short_name);
  } else if (s->takes_argument != NULL && s->takes_argument(arg)) {
    *id = CLI_ARGUMENT;
    *value = arg;
    return 1;
  } else {
    return cli_error("unexpected argument '%s' (see 'ampsim %s --help')", arg,
                     s->command);
  }

  *id = option->id;
  *name = written;
  if (!option->takes_value) {
    if (inline_value != NULL)
      return cli_error("%s takes no value", written);
    return 1;
  }
  if (inline_value == NULL) {
    /* "--load --vout 2": the next word is an option, not this one's value. */
    if (s->next >= s->argc ||
        strncmp(s->argv[s->next], "--", 2) == 0)
      return cli_error("%s: missing value", written);
    inline_value = s->argv[s->next++];
  }
  if (inline_value[0] == '\0')
    return cli_error("%s: missing value", written);
  *value = inline_value;
  return 1;
}

/* ------------------------------------------------------------------------ */
/* Numbers                                                                  */
/* ------------------------------------------------------------------------ */

static int parse_one(double *out, const char *name, const char *text,
                     size_t len, cli_range range, const char *unit)
{
  const char *space = unit[0] != '\0' ? " " : "";
  double value = 0.0;
  int rc = ampsim_parse_number(&value, text, len);

  if (rc == AMPSIM_NUMBER_SYNTAX)
    return cli_error("%s: '%.*s' is not a number", name, (int)len, text);
  if (rc == AMPSIM_NUMBER_NOT_FINITE || rc == AMPSIM_NUMBER_NAMED)
    return cli_error("%s: '%.*s' is not a finite number", name, (int)len,
                     text);
  if (rc == AMPSIM_NUMBER_AMBIGUOUS)
    return cli_error("%s: '%.*s' is ambiguous (write m for milli, meg for "
                     "mega)",
                     name, (int)len, text);
  if (range == CLI_POSITIVE && !(value > 0.0))
    return cli_error("%s: '%.*s' must be greater than 0%s%s", name, (int)len,
                     text, space, unit);
  if (range == CLI_NONNEGATIVE && value < 0.0)
    return cli_error("%s: '%.*s' must not be negative", name, (int)len, text);
  *out = value == 0.0 ? 0.0 : value; /* no -0 */
  return 0;
}

int cli_parse_number(double *out, const char *name, const char *text,
                     cli_range range, const char *unit)
{
  return parse_one(out, name, text, strlen(text), range, unit);
}

int cli_parse_list(double *out, size_t *count, size_t max, const char *name,
                   const char *text, cli_range range, const char *unit)
{
  const char *p = text;
  size_t n = 0;

  for (;;) {
    const char *comma = strchr(p, ',');
    size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
    if (len == 0)
      return cli_error("%s: empty value in '%s'", name, text);
    if (n == max)
      return cli_error("%s: too many values (at most %zu)", name, max);
    if (parse_one(&out[n], name, p, len, range, unit) != 0)
      return CLI_EXIT_ERROR;
    n++;
    if (comma == NULL)
      break;
    p = comma + 1;
  }
  *count = n;
  return 0;
}

int cli_parse_int(int *out, const char *name, const char *text, int min,
                  int max)
{
  char *end;
  long value;

  errno = 0;
  value = strtol(text, &end, 10);
  if (end == text || *end != '\0' || isspace((unsigned char)text[0]) ||
      errno == ERANGE)
    return cli_error("%s: '%s' is not a whole number", name, text);
  if (value < min)
    return cli_error("%s: '%s' must be at least %d", name, text, min);
  if (value > max)
    return cli_error("%s: '%s' must be at most %d", name, text, max);
  *out = (int)value;
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Shared bench options                                                     */
/* ------------------------------------------------------------------------ */

void cli_bench_args_init(cli_bench_args *args)
{
  const ampsim_bench_options defaults = AMPSIM_BENCH_OPTIONS_INIT;

  memset(args, 0, sizeof *args);
  args->bench = defaults;
}

/* --load VALUE names a headphone model rather than a number of ohms: a
 * FILE.cir:SUBCKT, or a word that does not start like a number (so that
 * "32ohm" and "-32" still get the number's messages). */
static int names_a_load_model(const char *value)
{
  double unused;

  if (strchr(value, ':') != NULL)
    return 1;
  if (isdigit((unsigned char)value[0]) || value[0] == '.' || value[0] == '+' ||
      value[0] == '-' || isspace((unsigned char)value[0]))
    return 0;
  /* "nan", "inf": numbers that are not finite, said as such. */
  return ampsim_parse_number(&unused, value, strlen(value)) == AMPSIM_NUMBER_SYNTAX;
}

/* Check a --param NAME=VALUE the way the library will apply it. */
static int check_param(const char *name, const char *value)
{
  const char *eq = strchr(value, '=');
  ampsim_design scratch;
  char param_name[64];

  if (eq == NULL || eq == value || eq[1] == '\0')
    return cli_error("%s: '%s' is not NAME=VALUE (e.g. gain=5)", name, value);
  if ((size_t)(eq - value) >= sizeof param_name)
    return cli_error("%s: '%.*s' is not a parameter name", name, (int)(eq - value),
                     value);
  memcpy(param_name, value, (size_t)(eq - value));
  param_name[eq - value] = '\0';
  ampsim_design_init(&scratch);
  ampsim_error_clear();
  if (ampsim_design_set_param(&scratch, param_name, eq + 1) != 0)
    return cli_error("%s: %s", name, ampsim_error_last());
  return 0;
}

int cli_bench_option(cli_bench_args *args, int id, const char *name,
                     const char *value)
{
  ampsim_bench_options *bench = &args->bench;

  switch (id) {
  case CLI_OPT_STAGE:
    args->stage_spec = value;
    return 0;
  case CLI_OPT_TOPOLOGY:
    if (ampsim_topology_parse(&bench->topology, value) != 0)
      return cli_error("%s: '%s' is not se, btl, se-split or active-ground", name, value);
    args->given |= CLI_GIVEN_TOPOLOGY;
    return 0;
  case CLI_OPT_SUPPLY_SPLIT:
    bench->supply_split = 1;
    args->given |= CLI_GIVEN_SUPPLY_SPLIT;
    return 0;
  case CLI_OPT_VOLUME_DB: {
    int rc = cli_parse_number(&bench->volume_db, name, value, CLI_ANY, "dB");
    if (rc != 0)
      return rc;
    if (bench->volume_db > 0.0 || bench->volume_db < -120.0)
      return cli_error("%s: '%s' must be an attenuation from -120 to 0 dB", name, value);
    args->given |= CLI_GIVEN_VOLUME_DB;
    return 0;
  }
  case CLI_OPT_VOLUME:
    if (strcmp(value, "ideal") == 0)
      bench->volume_mode = AMPSIM_VOLUME_IDEAL;
    else if (strcmp(value, "pot") == 0)
      bench->volume_mode = AMPSIM_VOLUME_POT;
    else
      return cli_error("%s: '%s' is not ideal or pot", name, value);
    args->given |= CLI_GIVEN_VOLUME;
    return 0;
  case CLI_OPT_POT_OHMS:
    args->given |= CLI_GIVEN_VOLUME;
    return cli_parse_number(&bench->pot_ohms, name, value, CLI_POSITIVE, "ohm");
  case CLI_OPT_POT_TRACKING:
    args->given |= CLI_GIVEN_VOLUME;
    return cli_parse_number(&bench->pot_tracking_db, name, value, CLI_NONNEGATIVE, "dB");
  case CLI_OPT_LOAD:
    args->given |= CLI_GIVEN_LOAD;
    if (names_a_load_model(value)) {
      args->load_spec = value;
      return 0;
    }
    args->load_spec = NULL;
    return cli_parse_number(&bench->load_ohms, name, value, CLI_POSITIVE,
                            "ohm");
  case CLI_OPT_GROUND_OHMS:
    args->given |= CLI_GIVEN_GROUND_OHMS;
    return cli_parse_number(&bench->ground_ohms, name, value, CLI_NONNEGATIVE,
                            "ohm");
  case CLI_OPT_SUPPLY:
    args->given |= CLI_GIVEN_SUPPLY;
    return cli_parse_number(&bench->supply_v, name, value, CLI_POSITIVE, "V");
  case CLI_OPT_SUPPLY_OHMS:
    args->given |= CLI_GIVEN_SUPPLY_OHMS;
    return cli_parse_number(&bench->supply_ohms, name, value, CLI_NONNEGATIVE,
                            "ohm");
  case CLI_OPT_PARAM:
    if (args->n_params == CLI_MAX_PARAMS)
      return cli_error("%s: too many (at most %d)", name, CLI_MAX_PARAMS);
    if (check_param(name, value) != 0)
      return CLI_EXIT_ERROR;
    args->params[args->n_params++] = value;
    return 0;
  case CLI_OPT_ALLOW_DIR: {
    struct stat st;
    if (value[0] == '\0')
      return cli_error("%s: name a folder", name);
    if (stat(value, &st) != 0)
      return cli_error("%s: %s: %s", name, value, strerror(errno));
    if (!S_ISDIR(st.st_mode))
      return cli_error("%s: %s: not a folder", name, value);
    if (strlen(value) >= sizeof ((ampsim_design *)0)->allow_dirs[0])
      return cli_error("%s: %.60s...: the path is too long", name, value);
    if (args->n_allow_dirs == AMPSIM_DESIGN_MAX_ALLOW_DIRS)
      return cli_error("%s: at most %d folders", name, AMPSIM_DESIGN_MAX_ALLOW_DIRS);
    args->allow_dirs[args->n_allow_dirs++] = value;
    return 0;
  }
  default:
    return cli_error("%s: internal error: not a bench option", name);
  }
}

/* Open a --load model now, with the design's include folders, so that a
 * misspelt name or a refused include fails before any simulation. */
static int check_load_model(const ampsim_design *design)
{
  ampsim_netlist_policy policy = AMPSIM_NETLIST_POLICY_INIT;
  const char *dirs[AMPSIM_DESIGN_MAX_ALLOW_DIRS];
  ampsim_stage *load = NULL;
  int rc;

  for (size_t i = 0; i < design->n_allow_dirs; i++)
    dirs[i] = design->allow_dirs[i];
  policy.allowed_dirs = design->n_allow_dirs > 0 ? dirs : NULL;
  policy.n_allowed_dirs = design->n_allow_dirs;
  ampsim_error_clear();
  rc = ampsim_load_open(&load, design->load_spec, &policy);
  ampsim_stage_free(load);
  return rc != 0 ? cli_error("--load: %s", ampsim_error_last()) : 0;
}

int cli_apply_bench_args(ampsim_design *design, const cli_bench_args *args)
{
  ampsim_bench_options *bench = &design->options.bench;
  size_t i;

  for (i = 0; i < args->n_allow_dirs; i++) {
    if (design->n_allow_dirs == AMPSIM_DESIGN_MAX_ALLOW_DIRS)
      return cli_error("--allow-dir: at most %d folders", AMPSIM_DESIGN_MAX_ALLOW_DIRS);
    snprintf(design->allow_dirs[design->n_allow_dirs++], sizeof design->allow_dirs[0], "%s",
             args->allow_dirs[i]);
  }
  if (args->stage_spec != NULL) {
    snprintf(design->stage_spec, sizeof design->stage_spec, "%s",
             args->stage_spec);
    /* The stage's own messages say what is wrong with --stage. */
    design->stage_origin[0] = '\0';
  }
  if (args->given & CLI_GIVEN_LOAD) {
    if (args->load_spec != NULL) {
      snprintf(design->load_spec, sizeof design->load_spec, "%s",
               args->load_spec);
      snprintf(design->load_origin, sizeof design->load_origin, "--load");
      if (check_load_model(design) != 0)
        return CLI_EXIT_ERROR;
    } else {
      design->load_spec[0] = '\0';
      design->load_origin[0] = '\0';
      bench->load_ohms = args->bench.load_ohms;
    }
  }
  if (args->given & CLI_GIVEN_TOPOLOGY)
    bench->topology = args->bench.topology;
  if (args->given & CLI_GIVEN_GROUND_OHMS)
    bench->ground_ohms = args->bench.ground_ohms;
  if (args->given & CLI_GIVEN_SUPPLY)
    bench->supply_v = args->bench.supply_v;
  if (args->given & CLI_GIVEN_SUPPLY_OHMS)
    bench->supply_ohms = args->bench.supply_ohms;
  if (args->given & CLI_GIVEN_SUPPLY_SPLIT)
    bench->supply_split = 1;
  /* A volume level without a kind is a potentiometer; a kind without a
   * level keeps the file's level (0 dB if none). */
  if (args->given & (CLI_GIVEN_VOLUME | CLI_GIVEN_VOLUME_DB)) {
    if (args->bench.volume_mode != AMPSIM_VOLUME_NONE)
      bench->volume_mode = args->bench.volume_mode;
    else if (bench->volume_mode == AMPSIM_VOLUME_NONE)
      bench->volume_mode = AMPSIM_VOLUME_POT;
    if (args->given & CLI_GIVEN_VOLUME_DB)
      bench->volume_db = args->bench.volume_db;
  }
  if (args->given & CLI_GIVEN_VOLUME) {
    bench->pot_ohms = args->bench.pot_ohms;
    bench->pot_tracking_db = args->bench.pot_tracking_db;
  }
  for (i = 0; i < args->n_params; i++) {
    const char *p = args->params[i];
    const char *eq = strchr(p, '=');
    char param_name[64];
    snprintf(param_name, sizeof param_name, "%.*s", (int)(eq - p), p);
    ampsim_error_clear();
    if (ampsim_design_set_param(design, param_name, eq + 1) != 0)
      return cli_error("--param: %s", ampsim_error_last());
  }
  return 0;
}

int cli_pick_design(size_t *index, const ampsim_design_list *list, const char *path,
                    const char *name)
{
  size_t i = 0;

  if (name != NULL) {
    while (i < list->n && strcmp(list->items[i].name, name) != 0)
      i++;
    if (i == list->n)
      return cli_error("--design: %s has no design named '%s'", path, name);
  } else if (list->n != 1) {
    return cli_error("%s: it holds %zu designs: choose one with --design NAME", path, list->n);
  }
  *index = i;
  return 0;
}

int cli_is_design_file(const char *arg)
{
  size_t n = strlen(arg);
  return n > 4 && strcmp(arg + n - 4, ".xml") == 0;
}

const char cli_help_bench_options[] =
    "  --stage FILE.cir:SUBCKT | NAME\n"
    "                       the stage: subcircuit SUBCKT of FILE.cir, or a\n"
    "                       bundled stage by name (e.g. opamp-buffer). Pins in\n"
    "                       order: in out vp vn gnd. Required.\n"
    "  --topology se|btl|se-split|active-ground\n"
    "                       se: single-ended, one return shared by both\n"
    "                       channels (3-pole plug); btl: bridge-tied load (two\n"
    "                       stages in antiphase, floating load); se-split:\n"
    "                       single-ended with a return wire per channel\n"
    "                       (4-pole); active-ground: a third stage (input\n"
    "                       grounded) drives the shared return [se]\n"
    "  --load OHMS|NAME|FILE.cir:SUBCKT\n"
    "                       the load of each channel: a resistor of OHMS\n"
    "                       (> 0), a bundled headphone model by name (e.g.\n"
    "                       dynamic300; see 'ampsim list loads'), or\n"
    "                       subcircuit SUBCKT of FILE.cir, pins hot ret [32]\n"
    "  --ground-ohms R      SE: shared ground-return resistance; BTL: the\n"
    "                       resistance of each load wire, >= 0 [0]\n"
    "  --supply V           symmetric rails +V and -V, > 0 [15]\n"
    "  --supply-ohms R      source resistance of each rail, shared by both\n"
    "                       channels, >= 0 [0]\n"
    "  --supply-split       dual mono: each channel (and an active-ground\n"
    "                       stage) gets its own rails of --supply-ohms\n"
    "  --volume-db DB       a volume control ahead of each stage at DB\n"
    "                       (-120..0): a dual log-taper potentiometer (its\n"
    "                       thermal noise and source resistance count)\n"
    "  --volume ideal|pot   the kind of volume control: an ideal noiseless\n"
    "                       attenuator (digital volume) or the pot [pot]\n"
    "  --pot-ohms R         the potentiometer's track resistance [10k]\n"
    "  --pot-tracking-db E  gang tracking error: the right channel E dB\n"
    "                       lower than the left [0.5]\n"
    "  --param NAME=VALUE   a parameter of the stage's subcircuit (.subckt ...\n"
    "                       params:), e.g. --param gain=5; repeat for more.\n"
    "                       Merged with a design file's <param> values\n"
    "  --allow-dir DIR      let the stage's and the load's .include/.lib reach\n"
    "                       files under DIR too (by default only the part's\n"
    "                       own folder, the design file's and ampsim's\n"
    "                       netlists); repeat for more (at most 8)\n";

const char cli_help_footer[] =
    "Numbers take engineering suffixes: f p n u m k meg G T (50m, 1k, 4.7u,\n"
    "1e-3; 'm' is milli, write 'meg' for mega). Exit status: 0 on success, 2\n"
    "on any error (bad command line, unreadable stage, failed simulation,\n"
    "unwritable output), with one line on stderr.\n";
