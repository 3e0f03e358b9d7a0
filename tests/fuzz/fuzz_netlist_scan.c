/*
 * fuzz_netlist_scan.c - arbitrary bytes as already-expanded netlist text:
 * ampsim_netlist_scan() and ampsim_netlist_find_subckt().
 *
 * The text is cut at the first NUL (both functions take C strings). Checked
 * besides memory safety (ASan, UBSan, LeakSanitizer):
 *   - scan returns 0 or AMPSIM_EDENIED (or AMPSIM_ENOMEM), and a refusal
 *     names the origin: "fuzz:LINE: ...";
 *   - find_subckt returns 0 or AMPSIM_ENOTFOUND, a found subcircuit has a
 *     line within the text and a pin count >= 0, and a miss names the origin.
 * The subcircuit looked up is the name after the input's first ".subckt" (so
 * that both the found and the missing paths run), then "amp".
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ampsim/error.h"
#include "ampsim/netlist.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  return 0;
}

static int count_lines(const char *text)
{
  int n = 1;
  for (; *text != '\0'; text++)
    if (*text == '\n')
      n++;
  return n;
}

static void check_find(const char *text, const char *name)
{
  ampsim_subckt_info info;
  int rc;

  memset(&info, 0x5a, sizeof info);
  rc = ampsim_netlist_find_subckt(&info, text, "fuzz", name);
  FUZZ_CHECK(rc == 0 || rc == AMPSIM_ENOTFOUND || rc == AMPSIM_ENOMEM, "find_subckt returned %d",
             rc);
  if (rc == 0) {
    FUZZ_CHECK(info.line >= 1 && info.line <= count_lines(text), "line %d", info.line);
    FUZZ_CHECK(info.n_pins >= 0, "n_pins %d", info.n_pins);
    for (int i = 0; i < info.n_pins && i < 16; i++)
      FUZZ_CHECK(memchr(info.pins[i], '\0', sizeof info.pins[i]) != NULL, "pin %d unterminated",
                 i);
  } else if (rc == AMPSIM_ENOTFOUND) {
    FUZZ_CHECK(strncmp(ampsim_error_last(), "fuzz: ", 6) == 0, "message '%s'",
               ampsim_error_last());
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *text = malloc(size + 1);
  char name[64] = "amp";
  const char *p;
  int rc;

  if (text == NULL)
    return 0;
  memcpy(text, data, size);
  text[size] = '\0';

  ampsim_error_clear();
  rc = ampsim_netlist_scan(text, "fuzz");
  FUZZ_CHECK(rc == 0 || rc == AMPSIM_EDENIED || rc == AMPSIM_ENOMEM, "scan returned %d", rc);
  if (rc == AMPSIM_EDENIED)
    FUZZ_CHECK(strncmp(ampsim_error_last(), "fuzz:", 5) == 0, "message '%s'",
               ampsim_error_last());

  /* The name after the first ".subckt", as the input spells it. */
  p = text;
  while ((p = strchr(p, '.')) != NULL && strncasecmp(p, ".subckt", 7) != 0)
    p++;
  if (p != NULL) {
    size_t n = 0;
    p += 7;
    while (*p == ' ' || *p == '\t')
      p++;
    while (p[n] != '\0' && !isspace((unsigned char)p[n]) && n < sizeof name - 1)
      n++;
    if (n > 0) {
      memcpy(name, p, n);
      name[n] = '\0';
      check_find(text, name);
    }
  }
  check_find(text, "amp");
  free(text);
  return 0;
}
