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
} cli_scanner;

/*
 * The next option of the command line: sets *id, *name (the option as
 * written, for messages: "--load" or "-j") and *value (NULL for a flag).
 * Returns 1 for an option, 0 at the end, or CLI_EXIT_ERROR (unknown option,
 * missing value, stray argument) after printing the error.
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
  { CLI_OPT_SUPPLY_OHMS, "--supply-ohms", 0, 1 }

/*
 * Apply one of the shared bench options (id < CLI_OPT_FIRST_COMMAND_OPTION,
 * except --help) to *bench or *stage_spec. Returns 0 or CLI_EXIT_ERROR
 * (printed).
 */
int cli_bench_option(ampsim_bench_options *bench, const char **stage_spec,
                     int id, const char *name, const char *value);

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

/* Help texts of the commands (stdout). */
void cli_help_measure(void);
void cli_help_netlist(void);

/* Open a stage for a command, with the default netlist policy. Returns 0 or
 * CLI_EXIT_ERROR (printed). */
int cli_open_stage(ampsim_stage **out, const char *spec);

#endif
