/* Placeholder until the CLI lands. */
#include <stdio.h>
#include "ampsim/ampsim.h"
int main(void)
{
  printf("ampsim %s\n", ampsim_version());
  return 0;
}
