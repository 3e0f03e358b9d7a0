/*
 * cmd_list.c - `ampsim list [stages|loads|opamps]`: the bundled parts, with
 * their subcircuit, pins, parameters and defaults, and what each one is.
 * The library reads the parts (ampsim_design_list_parts()); this prints.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const cli_option list_options[] = {
  { CLI_OPT_HELP, "--help", 'h', 0 },
  { 0, NULL, 0, 0 }
};

static const struct {
  const char *kind;
  const char *title;
  const char *use;
} kinds[] = {
  { "stages", "Stages", "--stage NAME, or <stage ref=\"NAME\"> in a design" },
  { "loads", "Headphone loads", "--load NAME, or <load ref=\"NAME\"> in a design" },
  { "opamps", "Op-amp models",
    "in your own stages: .include the file, instantiate the subcircuit" },
};

#define N_KINDS (sizeof kinds / sizeof kinds[0])

static int is_kind(const char *arg)
{
  size_t i;
  for (i = 0; i < N_KINDS; i++)
    if (strcmp(arg, kinds[i].kind) == 0)
      return 1;
  return 0;
}

void cli_help_list(void)
{
  fputs("Usage: ampsim list [stages|loads|opamps]\n"
        "\n"
        "List the bundled parts (all kinds, or one): each one's name, what it\n"
        "is (from its file's header comment), its subcircuit and pins, and\n"
        "its parameters with their defaults (set them with --param NAME=VALUE\n"
        "or <param name=\"NAME\" value=\"VALUE\"/>). Stages take\n"
        "--stage NAME, loads --load NAME; the op-amp models are for your own\n"
        "stages. The files are in the netlist folder ($AMPSIM_NETLIST_DIR, or\n"
        "the installed share/ampsim/netlists).\n"
        "\n"
        "Options:\n"
        "  -h, --help           this text\n"
        "\n"
        "Exit status: 0 on success, 2 on any error, with one line on stderr.\n",
        stdout);
}

static int print_kind(size_t k, int first)
{
  ampsim_part_list *parts = NULL;
  size_t i;
  int rc;

  ampsim_error_clear();
  rc = ampsim_design_list_parts(&parts, kinds[k].kind);
  if (rc != 0)
    return cli_library_error(rc);
  printf("%s%s (%s/%s): %s\n", first ? "" : "\n", kinds[k].title,
         ampsim_netlist_dir(), kinds[k].kind, kinds[k].use);
  if (parts->n == 0)
    printf("  (none)\n");
  for (i = 0; i < parts->n; i++) {
    const ampsim_part_info *p = &parts->items[i];
    printf("  %-16s %s\n", p->name, p->description);
    printf("  %-16s subckt %s, pins %s\n", "", p->subckt, p->pins);
    printf("  %-16s params %s\n", "",
           p->params[0] != '\0' ? p->params : "(none)");
  }
  ampsim_design_part_list_free(parts);
  return 0;
}

int cli_cmd_list(int argc, char **argv)
{
  cli_scanner scanner = { argc, argv, 0, "list", list_options, is_kind };
  const char *only = NULL;
  size_t k;
  int first = 1;

  for (;;) {
    int id, rc;
    const char *name;
    const char *value;
    rc = cli_next_option(&scanner, &id, &name, &value);
    if (rc == 0)
      break;
    if (rc != 1)
      return CLI_EXIT_ERROR;
    if (id == CLI_OPT_HELP) {
      cli_help_list();
      return CLI_EXIT_OK;
    }
    if (only != NULL)
      return cli_error("unexpected argument '%s' (see 'ampsim list --help')",
                       value);
    only = value;
  }
  for (k = 0; k < N_KINDS; k++) {
    if (only != NULL && strcmp(only, kinds[k].kind) != 0)
      continue;
    if (print_kind(k, first) != 0)
      return CLI_EXIT_ERROR;
    first = 0;
  }
  return CLI_EXIT_OK;
}
