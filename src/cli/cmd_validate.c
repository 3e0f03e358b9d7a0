/*
 * cmd_validate.c - `ampsim validate FILE...`: check design files without
 * simulating: the XML against the schema, every value, and the parts each
 * design names (stage and load files, subcircuits, pin counts, stage
 * parameters, includes).
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cli_option validate_options[] = {
  { CLI_OPT_HELP, "--help", 'h', 0 },
  { 0, NULL, 0, 0 }
};

/* Any plain argument is a file to check, whatever its name. */
static int any_argument(const char *arg)
{
  (void)arg;
  return 1;
}

void cli_help_validate(void)
{
  fputs("Usage: ampsim validate DESIGN.xml...\n"
        "\n"
        "Check design files without simulating: each file against the\n"
        "design schema (netlists/schema/design.rng), every value in it, and\n"
        "the parts of every design (the stage and load files, their\n"
        "subcircuits and pin counts, the stage's parameters, includes).\n"
        "Prints 'FILE: OK (N designs)' for a good file on stdout, and the\n"
        "first error of a bad one as 'ampsim: FILE:LINE: message' on stderr.\n"
        "Every file is checked; the exit status is 2 if any is bad.\n"
        "\n"
        "Options:\n"
        "  -h, --help           this text\n"
        "\n"
        "Exit status: 0 if every file is good, 2 otherwise.\n",
        stdout);
}

/* Check one file; prints its result. Returns 0 or CLI_EXIT_ERROR. */
static int validate_one(const char *path)
{
  ampsim_design_list *list = NULL;
  size_t i;
  int rc;

  ampsim_error_clear();
  rc = ampsim_design_load(&list, path);
  for (i = 0; rc == 0 && i < list->n; i++) {
    ampsim_error_clear();
    rc = ampsim_design_check(&list->items[i]);
  }
  if (rc != 0) {
    ampsim_design_list_free(list);
    return cli_library_error(rc);
  }
  printf("%s: OK (%zu design%s)\n", path, list->n, list->n == 1 ? "" : "s");
  ampsim_design_list_free(list);
  return 0;
}

int cli_cmd_validate(int argc, char **argv)
{
  cli_scanner scanner = { argc, argv, 0, "validate", validate_options,
                          any_argument };
  const char **files = NULL;
  size_t n = 0, i;
  int exit_code = CLI_EXIT_OK;

  files = (const char **)calloc((size_t)argc + 1, sizeof *files);
  if (files == NULL)
    return cli_error("out of memory");
  for (;;) {
    int id, rc;
    const char *name;
    const char *value;
    rc = cli_next_option(&scanner, &id, &name, &value);
    if (rc == 0)
      break;
    if (rc != 1) {
      free(files);
      return CLI_EXIT_ERROR;
    }
    if (id == CLI_OPT_HELP) {
      free(files);
      cli_help_validate();
      return CLI_EXIT_OK;
    }
    files[n++] = value;
  }
  if (n == 0) {
    free(files);
    return cli_error("no design file given (see 'ampsim validate --help')");
  }
  for (i = 0; i < n; i++) {
    if (validate_one(files[i]) != 0)
      exit_code = CLI_EXIT_ERROR;
    /* Keep stdout and stderr in order for a reader of both. */
    fflush(stdout);
  }
  free(files);
  return exit_code;
}
