/*
 * cli.h - the pieces of the `ampsim` tool shared by its commands. The tool is
 * a thin client of libampsim: it parses the command line, calls the library,
 * prints what the library returns, and turns a failure into one line on
 * stderr and exit status 2.
 */
#ifndef AMPSIM_CLI_H
#define AMPSIM_CLI_H

#include <stddef.h>

#include "ampsim/ampsim.h"

/* Exit statuses: everything that goes wrong (bad command line, unreadable
 * stage, failed simulation, unwritable output) is 2. */
#define CLI_EXIT_OK 0
#define CLI_EXIT_ERROR 2

/* Print "ampsim: MESSAGE\n" on stderr; returns CLI_EXIT_ERROR. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "ampsim: <ampsim_error_last()>" (or the code's text if the library
 * left no message); returns CLI_EXIT_ERROR. */
int cli_library_error(int code);

/* ------------------------------------------------------------------------ */
/* Command-line scanning                                                    */
/* ------------------------------------------------------------------------ */

/* One option a command accepts. */
typedef struct cli_option {
  int id;                /* what the command switches on; > 0 */
  const char *long_name; /* "--load" */
  char short_name;       /* 'j' for -j, or 0 */
  int takes_value;       /* 1: "--load 32" or "--load=32" */
} cli_option;

typedef struct cli_scanner {
  int argc;
  char **argv;
  int next;                  /* index of the next argument */
  const char *command;       /* "measure": named in hints */
  const cli_option *options; /* terminated by an entry with id 0 */
  /* Which plain (non-option) arguments the command takes: NULL for none,
   * else a test; an argument it refuses is an "unexpected argument". */
  int (*takes_argument)(const char *arg);
} cli_scanner;

/* The id of a plain argument (see cli_scanner.takes_argument). */
#define CLI_ARGUMENT (-1)

/*
 * The next option of the command line: sets *id, *name (the option as
 * written, for messages: "--load" or "-j") and *value (NULL for a flag).
 * A plain argument that the scanner takes gives *id CLI_ARGUMENT and the
 * argument in *value (also after "--").
 * Returns 1 for an option or argument, 0 at the end, or CLI_EXIT_ERROR
 * (unknown option, missing value, stray argument) after printing the error.
 */
int cli_next_option(cli_scanner *scanner, int *id, const char **name,
                    const char **value);

/* ------------------------------------------------------------------------ */
/* Values                                                                   */
/* ------------------------------------------------------------------------ */

/* What a number must be, beyond finite. */
typedef enum cli_range {
  CLI_ANY = 0,
  CLI_POSITIVE,    /* > 0 */
  CLI_NONNEGATIVE  /* >= 0 */
} cli_range;

/*
 * Parse one number with an optional engineering suffix (f p n u m k meg G T:
 * "50m", "1k", "4.7u", "1e-3"). `unit` names the unit in range messages
 * ("ohm"). Returns 0, or CLI_EXIT_ERROR after printing
 * "ampsim: NAME: 'TEXT' is not a number" (or the range that it misses).
 */
int cli_parse_number(double *out, const char *name, const char *text,
                     cli_range range, const char *unit);

/* A comma-separated list of numbers, each as cli_parse_number(); at most
 * `max` entries. Sets *count. Returns 0 or CLI_EXIT_ERROR (printed). */
int cli_parse_list(double *out, size_t *count, size_t max, const char *name,
                   const char *text, cli_range range, const char *unit);

/* A whole number in [min, max]. Returns 0 or CLI_EXIT_ERROR (printed). */
int cli_parse_int(int *out, const char *name, const char *text, int min,
                  int max);

/* ------------------------------------------------------------------------ */
/* The bench options that measure and netlist share                         */
/* ------------------------------------------------------------------------ */

enum {
  CLI_OPT_HELP = 1,
  CLI_OPT_STAGE,
  CLI_OPT_TOPOLOGY,
  CLI_OPT_LOAD,
  CLI_OPT_GROUND_OHMS,
  CLI_OPT_SUPPLY,
  CLI_OPT_SUPPLY_OHMS,
  CLI_OPT_PARAM,
  CLI_OPT_SUPPLY_SPLIT,
  CLI_OPT_VOLUME_DB,
  CLI_OPT_VOLUME,
  CLI_OPT_POT_OHMS,
  CLI_OPT_POT_TRACKING,
  CLI_OPT_ALLOW_DIR,
  CLI_OPT_FIRST_COMMAND_OPTION /* a command's own options start here */
};

/* The shared entries, for a command's option table. */
#define CLI_BENCH_OPTION_ENTRIES                                              \
  { CLI_OPT_HELP, "--help", 'h', 0 },                                          \
  { CLI_OPT_STAGE, "--stage", 0, 1 },                                          \
  { CLI_OPT_TOPOLOGY, "--topology", 0, 1 },                                    \
  { CLI_OPT_LOAD, "--load", 0, 1 },                                            \
  { CLI_OPT_GROUND_OHMS, "--ground-ohms", 0, 1 },                              \
  { CLI_OPT_SUPPLY, "--supply", 0, 1 },                                        \
  { CLI_OPT_SUPPLY_OHMS, "--supply-ohms", 0, 1 },                              \
  { CLI_OPT_PARAM, "--param", 0, 1 },                                          \
  { CLI_OPT_SUPPLY_SPLIT, "--supply-split", 0, 0 },                            \
  { CLI_OPT_VOLUME_DB, "--volume-db", 0, 1 },                                  \
  { CLI_OPT_VOLUME, "--volume", 0, 1 },                                        \
  { CLI_OPT_POT_OHMS, "--pot-ohms", 0, 1 },                                    \
  { CLI_OPT_POT_TRACKING, "--pot-tracking-db", 0, 1 },                       \
  { CLI_OPT_ALLOW_DIR, "--allow-dir", 0, 1 }

/* At most this many --param options. */
#define CLI_MAX_PARAMS 32

/* Which shared bench options were given (cli_bench_args.given). */
enum {
  CLI_GIVEN_TOPOLOGY = 1 << 0,
  CLI_GIVEN_LOAD = 1 << 1, /* --load OHMS or --load NAME|FILE:SUBCKT */
  CLI_GIVEN_GROUND_OHMS = 1 << 2,
  CLI_GIVEN_SUPPLY = 1 << 3,
  CLI_GIVEN_SUPPLY_OHMS = 1 << 4,
  CLI_GIVEN_SUPPLY_SPLIT = 1 << 5,
  CLI_GIVEN_VOLUME = 1 << 6,   /* --volume or --pot-* */
  CLI_GIVEN_VOLUME_DB = 1 << 7 /* --volume-db */
};

/* The shared bench options as given on the command line. Strings point
 * into argv. */
typedef struct cli_bench_args {
  ampsim_bench_options bench; /* the values given, defaults elsewhere */
  const char *stage_spec;     /* --stage, or NULL */
  const char *load_spec;      /* --load NAME|FILE.cir:SUBCKT (a headphone
                                 model), or NULL for --load OHMS / none */
  size_t n_params;            /* --param NAME=VALUE, in order */
  const char *params[CLI_MAX_PARAMS];
  size_t n_allow_dirs;        /* --allow-dir DIR, in order */
  const char *allow_dirs[AMPSIM_DESIGN_MAX_ALLOW_DIRS];
  unsigned given;             /* CLI_GIVEN_* */
} cli_bench_args;

/* Defaults, nothing given. */
void cli_bench_args_init(cli_bench_args *args);

/*
 * Apply one of the shared bench options (id < CLI_OPT_FIRST_COMMAND_OPTION,
 * except --help) to *args. --load takes OHMS, or a bundled load's name or
 * FILE.cir:SUBCKT (opened by cli_apply_bench_args()). --allow-dir takes an
 * existing folder. Returns 0 or CLI_EXIT_ERROR (printed).
 */
int cli_bench_option(cli_bench_args *args, int id, const char *name,
                     const char *value);

/*
 * Override a design's values with those given on the command line: the
 * stage, the load (a number makes it a resistor again; a model is opened
 * here, with the --allow-dir folders, so that a misspelt name fails before
 * any simulation), every --param (merged with the design's own), topology,
 * ground, supply; --allow-dir folders are added to the design's. Returns 0
 * or CLI_EXIT_ERROR (printed).
 */
int cli_apply_bench_args(ampsim_design *design, const cli_bench_args *args);

/*
 * The design of a design file's list that --design NAME names (NULL: the
 * file must hold exactly one). Sets *index. Returns 0 or CLI_EXIT_ERROR
 * (printed: "--design: FILE has no design named 'NAME'", "FILE: it holds N
 * designs: choose one with --design NAME").
 */
int cli_pick_design(size_t *index, const ampsim_design_list *list, const char *path,
                    const char *name);

/* The help lines of the shared options. */
extern const char cli_help_bench_options[];
/* The note on numbers and exit status at the end of every help text. */
extern const char cli_help_footer[];

/* ------------------------------------------------------------------------ */
/* Commands                                                                 */
/* ------------------------------------------------------------------------ */

/* Each takes the arguments after the command name; returns the exit status. */
int cli_cmd_measure(int argc, char **argv);
int cli_cmd_netlist(int argc, char **argv);
int cli_cmd_validate(int argc, char **argv);
int cli_cmd_list(int argc, char **argv);
int cli_cmd_check(int argc, char **argv); /* cmd_check.c: exit 0, 1 (regression) or 2 */
int cli_cmd_compare(int argc, char **argv); /* cmd_compare.c */
int cli_cmd_report(int argc, char **argv);  /* cmd_report.c */
int cli_cmd_sweep(int argc, char **argv);   /* cmd_sweep.c */
int cli_cmd_merge(int argc, char **argv);   /* cmd_sweep.c */
/* `ampsim --version`: ampsim's and libngspice's versions (cmd_version.c). */
int cli_print_version(void);

/* Help texts of the commands (stdout). */
void cli_help_measure(void);
void cli_help_netlist(void);
void cli_help_validate(void);
void cli_help_list(void);
void cli_help_compare(void);
void cli_help_report(void);
void cli_help_sweep(void);
void cli_help_merge(void);

/* Whether arg names a design file (it ends in ".xml"). */
int cli_is_design_file(const char *arg);

#endif
