/*
 * cmd_netlist.c - `ampsim netlist`: print the test bench that `ampsim measure`
 * simulates, so that it can be read and rerun by hand.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  OPT_KIND = CLI_OPT_FIRST_COMMAND_OPTION,
  OPT_FREQ,
  OPT_VIN,
  OPT_DESIGN
};

static const cli_option netlist_options[] = {
  CLI_BENCH_OPTION_ENTRIES,
  { OPT_KIND, "--kind", 0, 1 },
  { OPT_FREQ, "--freq", 0, 1 },
  { OPT_VIN, "--vin", 0, 1 },
  { OPT_DESIGN, "--design", 0, 1 },
  { 0, NULL, 0, 0 }
};

void cli_help_netlist(void)
{
  fputs("Usage: ampsim netlist --stage FILE.cir:SUBCKT|NAME [options]\n"
        "       ampsim netlist DESIGN.xml [--design NAME] [options]\n"
        "\n"
        "Print the generated stereo test-bench netlist (stage definitions,\n"
        "bench, options) to stdout: exactly the circuit that `ampsim measure`\n"
        "simulates, to read or to run in ngspice by hand. With a design file,\n"
        "the circuit of one of its designs (options override its values, as\n"
        "for measure).\n"
        "\n"
        "Options:\n",
        stdout);
  fputs(cli_help_bench_options, stdout);
  fputs("  --kind loaded|zout   loaded: the loads in place, left source driven\n"
        "                       (transient/AC/noise benches); zout: loads\n"
        "                       removed, inputs AC-grounded, 1 A AC injected\n"
        "                       at the left connector [loaded]\n"
        "  --freq HZ            frequency of the left source's sine, > 0 [1k]\n"
        "  --vin VPEAK          amplitude of that sine in volts peak, >= 0;\n"
        "                       0 = no sine, AC source only [0] (the vin_peak\n"
        "                       of a THD point in the JSON reproduces it)\n"
        "  --design NAME        the design of the file (needed when it holds\n"
        "                       more than one)\n"
        "  -h, --help           this text\n"
        "\n",
        stdout);
  fputs(cli_help_footer, stdout);
}

int cli_cmd_netlist(int argc, char **argv)
{
  ampsim_bench_drive drive = AMPSIM_BENCH_DRIVE_INIT;
  ampsim_bench_kind kind = AMPSIM_BENCH_LOADED;
  cli_scanner scanner = { argc, argv, 0, "netlist", netlist_options, cli_is_design_file };
  const char *design_path = NULL, *design_name = NULL;
  ampsim_design_list *list = NULL;
  cli_bench_args args;
  ampsim_design design;
  ampsim_bench_options bench;
  ampsim_stage *stage = NULL;
  ampsim_stage *load = NULL;
  char *text = NULL;
  int exit_code = CLI_EXIT_ERROR;
  size_t len;
  int rc;

  cli_bench_args_init(&args);
  for (;;) {
    int id;
    const char *name;
    const char *value;
    rc = cli_next_option(&scanner, &id, &name, &value);
    if (rc == 0)
      break;
    if (rc != 1)
      goto done;
    switch (id) {
    case CLI_OPT_HELP:
      cli_help_netlist();
      exit_code = CLI_EXIT_OK;
      goto done;
    case OPT_KIND:
      rc = 0;
      if (strcmp(value, "loaded") == 0)
        kind = AMPSIM_BENCH_LOADED;
      else if (strcmp(value, "zout") == 0)
        kind = AMPSIM_BENCH_ZOUT;
      else
        rc = cli_error("%s: '%s' is not loaded or zout", name, value);
      break;
    case OPT_FREQ:
      rc = cli_parse_number(&drive.sine_hz, name, value, CLI_POSITIVE, "Hz");
      break;
    case OPT_VIN:
      rc = cli_parse_number(&drive.sine_peak_v, name, value, CLI_NONNEGATIVE,
                            "V");
      break;
    case OPT_DESIGN:
      rc = 0;
      design_name = value;
      break;
    case CLI_ARGUMENT:
      rc = 0;
      if (design_path != NULL)
        rc = cli_error("one design file at a time: '%s' and '%s' (see "
                       "'ampsim netlist --help')",
                       design_path, value);
      design_path = value;
      break;
    default:
      rc = cli_bench_option(&args, id, name, value);
      break;
    }
    if (rc != 0)
      goto done;
  }
  if (design_path == NULL && args.stage_spec == NULL) {
    cli_error("--stage or a design file is required (see 'ampsim netlist --help')");
    goto done;
  }
  if (design_name != NULL && design_path == NULL) {
    cli_error("--design: names a design of a design file; none given");
    goto done;
  }

  /* The same design that `ampsim measure` would build from the file and
   * these options. */
  ampsim_design_init(&design);
  if (design_path != NULL) {
    size_t i = 0;
    ampsim_error_clear();
    rc = ampsim_design_load(&list, design_path);
    if (rc != 0) {
      cli_library_error(rc);
      goto done;
    }
    if (cli_pick_design(&i, list, design_path, design_name) != 0)
      goto done;
    design = list->items[i];
  }
  if (cli_apply_bench_args(&design, &args) != 0)
    goto done;
  bench = design.options.bench;
  ampsim_error_clear();
  rc = ampsim_bench_check(&bench);
  if (rc == 0)
    rc = ampsim_design_open(&stage, &load, &design);
  if (rc != 0) {
    cli_library_error(rc);
    goto done;
  }
  bench.load_model = load;
  rc = ampsim_bench_netlist(&text, stage, &bench, kind, &drive);
  if (rc != 0) {
    cli_library_error(rc);
    goto done;
  }

  len = strlen(text);
  if (fputs(text, stdout) == EOF ||
      (len > 0 && text[len - 1] != '\n' && fputc('\n', stdout) == EOF) ||
      fflush(stdout) == EOF) {
    cli_error("stdout: %s", strerror(errno));
    goto done;
  }
  exit_code = CLI_EXIT_OK;

done:
  ampsim_design_list_free(list);
  free(text);
  ampsim_stage_free(load);
  ampsim_stage_free(stage);
  return exit_code;
}
