/* version.c - the library's version string. */
#include "ampsim/ampsim.h"

const char *ampsim_version(void)
{
  return AMPSIM_VERSION;
}
