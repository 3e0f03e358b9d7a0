/*
 * main.c - the `ampsim` command: dispatch to a command (measure, validate,
 * list, netlist), the top-level help and the version. See cli.h for what the
 * tool does and does not do.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static void help_top(void)
{
  fputs("Usage: ampsim COMMAND [options]\n"
        "       ampsim --help | --version | help COMMAND\n"
        "\n"
        "Simulate a headphone amplifier stage in single-ended (SE) and\n"
        "bridge-tied-load (BTL) test benches with libngspice, and report THD,\n"
        "THD+N, noise, output impedance, crosstalk, maximum output, gain and\n"
        "DC offset.\n"
        "\n"
        "Commands:\n"
        "  measure    measure every figure of a stage or of the designs in a\n"
        "             design file (table or JSON)\n"
        "  validate   check design files without simulating\n"
        "  list       the bundled stages, loads and op-amp models\n"
        "  netlist    print the generated test-bench netlist\n"
        "  compare    several designs side by side (table, CSV, JSON, curves)\n"
        "  report     one self-contained HTML report of several designs\n"
        "  sweep      grids and Monte Carlo over tolerances, -j N, MPI, shards\n"
        "  merge      combine the shard files of a sweep\n"
        "  help CMD   the options of a command\n"
        "\n"
        "Options:\n"
        "  -h, --help     this text\n"
        "  --version      print the version\n"
        "\n",
        stdout);
  printf("-------------------------------------------------------------------"
         "-----\n");
  cli_help_measure();
  printf("-------------------------------------------------------------------"
         "-----\n");
  cli_help_validate();
  printf("-------------------------------------------------------------------"
         "-----\n");
  cli_help_list();
  printf("-------------------------------------------------------------------"
         "-----\n");
  cli_help_netlist();
}

/* `ampsim help [COMMAND]`. */
static int cmd_help(int argc, char **argv)
{
  if (argc == 0) {
    help_top();
    return CLI_EXIT_OK;
  }
  if (argc > 1)
    return cli_error("help: unexpected argument '%s' (see 'ampsim --help')",
                     argv[1]);
  if (strcmp(argv[0], "measure") == 0) {
    cli_help_measure();
    return CLI_EXIT_OK;
  }
  if (strcmp(argv[0], "netlist") == 0) {
    cli_help_netlist();
    return CLI_EXIT_OK;
  }
  if (strcmp(argv[0], "validate") == 0) {
    cli_help_validate();
    return CLI_EXIT_OK;
  }
  if (strcmp(argv[0], "list") == 0) {
    cli_help_list();
    return CLI_EXIT_OK;
  }
  if (strcmp(argv[0], "compare") == 0) {
    cli_help_compare();
    return CLI_EXIT_OK;
  }
  if (strcmp(argv[0], "report") == 0) {
    cli_help_report();
    return CLI_EXIT_OK;
  }
  if (strcmp(argv[0], "sweep") == 0) {
    cli_help_sweep();
    return CLI_EXIT_OK;
  }
  if (strcmp(argv[0], "merge") == 0) {
    cli_help_merge();
    return CLI_EXIT_OK;
  }
  if (strcmp(argv[0], "help") == 0) {
    help_top();
    return CLI_EXIT_OK;
  }
  return cli_error("help: unknown command '%s' (see 'ampsim --help')",
                   argv[0]);
}

int main(int argc, char **argv)
{
  const char *command;
  int rc;

  if (argc < 2)
    return cli_error("no command given (see 'ampsim --help')");
  command = argv[1];

  if (strcmp(command, "--help") == 0 || strcmp(command, "-h") == 0) {
    if (argc > 2)
      return cli_error("unexpected argument '%s' (see 'ampsim --help')",
                       argv[2]);
    help_top();
    rc = CLI_EXIT_OK;
  } else if (strcmp(command, "--version") == 0) {
    if (argc > 2)
      return cli_error("unexpected argument '%s' (see 'ampsim --help')",
                       argv[2]);
    rc = cli_print_version(); /* cmd_version.c */
  } else if (strcmp(command, "measure") == 0) {
    rc = cli_cmd_measure(argc - 2, argv + 2);
  } else if (strcmp(command, "netlist") == 0) {
    rc = cli_cmd_netlist(argc - 2, argv + 2);
  } else if (strcmp(command, "validate") == 0) {
    rc = cli_cmd_validate(argc - 2, argv + 2);
  } else if (strcmp(command, "list") == 0) {
    rc = cli_cmd_list(argc - 2, argv + 2);
  } else if (strcmp(command, "check") == 0) {
    rc = cli_cmd_check(argc - 2, argv + 2);
  } else if (strcmp(command, "compare") == 0) {
    rc = cli_cmd_compare(argc - 2, argv + 2);
  } else if (strcmp(command, "report") == 0) {
    rc = cli_cmd_report(argc - 2, argv + 2);
  } else if (strcmp(command, "sweep") == 0) {
    rc = cli_cmd_sweep(argc - 2, argv + 2);
  } else if (strcmp(command, "merge") == 0) {
    rc = cli_cmd_merge(argc - 2, argv + 2);
  } else if (strcmp(command, "help") == 0) {
    rc = cmd_help(argc - 2, argv + 2);
  } else if (command[0] == '-') {
    return cli_error("unknown option '%s' (see 'ampsim --help')", command);
  } else {
    return cli_error("unknown command '%s' (see 'ampsim --help')", command);
  }

  if (rc == CLI_EXIT_OK && fflush(stdout) == EOF)
    return cli_error("stdout: write error");
  return rc;
}
