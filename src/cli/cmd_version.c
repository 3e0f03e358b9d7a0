/*
 * cmd_version.c - `ampsim --version`: the versions of ampsim, libampsim and
 * the libngspice it loads. ngspice announces its version only once it is
 * initialised, so an engine is opened briefly (no circuit is simulated).
 */
#include "cli.h"

#include <stdio.h>

int cli_print_version(void)
{
  ampsim_engine *engine = NULL;
  const char *ngspice = NULL;
  int rc;

  ampsim_error_clear();
  rc = ampsim_engine_open(&engine, NULL);
  if (rc == 0)
    ngspice = ampsim_engine_ngspice_version(engine);
  /* One line: scripts read it with head -n 1 or a single regex. */
  if (rc == 0)
    printf("ampsim %s (libampsim %s, ngspice %s)\n", AMPSIM_VERSION, ampsim_version(),
           ngspice != NULL && ngspice[0] != '\0' ? ngspice : "unknown");
  ampsim_engine_free(engine);
  if (rc != 0)
    return cli_library_error(rc);
  return CLI_EXIT_OK;
}
