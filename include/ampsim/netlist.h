/*
 * ampsim/netlist.h - reading SPICE stage files safely.
 *
 * A stage file is untrusted input. ampsim_netlist_load() reads it, joins '+'
 * continuation lines, expands .include/.inc/.lib itself (only files under the
 * policy's allowed folders), and refuses anything that would make ngspice do
 * more than simulate: .control/.endc blocks, and the dot-commands that run
 * analyses or write/read files on their own. The result is self-contained text
 * that the test bench inlines, so `ampsim netlist` prints exactly what runs.
 *
 * Line numbers in messages are those of the file where the problem is:
 * "stage.cir:12: .control blocks are not allowed in a stage file".
 */
#ifndef AMPSIM_NETLIST_H
#define AMPSIM_NETLIST_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Which files a netlist may reach. Plain value. */
typedef struct ampsim_netlist_policy {
  /* Folders (absolute or relative to the working directory) under which
   * .include/.lib targets may lie, after resolving symlinks and "..". The
   * folder of the top-level file is always allowed in addition. Borrowed. */
  const char *const *allowed_dirs;
  size_t n_allowed_dirs;
  /* Include nesting deeper than this is an error (loops, bombs). */
  int max_include_depth;
  /* Total size of the expanded text above this is an error. */
  size_t max_bytes;
} ampsim_netlist_policy;

#define AMPSIM_NETLIST_POLICY_INIT { NULL, 0, 16, 64u * 1024u * 1024u }

/*
 * Read `path`, expand includes under `policy` (NULL = defaults: only the
 * file's own folder), check it (see above), and return the expanded text in
 * *out (caller frees with free()). Continuation lines are joined; comments are
 * kept; each included file is bracketed by "* begin include FILE" / "* end
 * include FILE" comment lines. Returns 0, AMPSIM_ENOTFOUND / AMPSIM_EIO (file),
 * AMPSIM_EDENIED (policy), AMPSIM_EPARSE (malformed), with file:line in the
 * message.
 */
int ampsim_netlist_load(char **out, const char *path,
                        const ampsim_netlist_policy *policy);

/*
 * Check already-expanded netlist text (origin names it in messages) for the
 * constructs refused above. Returns 0 or AMPSIM_EDENIED with origin:line.
 */
int ampsim_netlist_scan(const char *text, const char *origin);

/* A .subckt definition found in a netlist. */
typedef struct ampsim_subckt_info {
  int line;           /* 1-based line of the .subckt header in the text */
  int n_pins;         /* number of pins (params: excluded) */
  char pins[16][64];  /* the first 16 pin names */
} ampsim_subckt_info;

/*
 * Find `.subckt NAME ...` (case-insensitive, as SPICE is) in text. Returns 0
 * and fills *out, or AMPSIM_ENOTFOUND with a message listing the subcircuits
 * that the text does define ("origin: no subcircuit 'foo' (defined: a, b)").
 */
int ampsim_netlist_find_subckt(ampsim_subckt_info *out, const char *text,
                               const char *origin, const char *name);

/* A stage ready for a test bench. Owned; free with ampsim_stage_free(). */
typedef struct ampsim_stage {
  char *name;        /* what the user asked for: "opamp-buffer" or FILE:SUBCKT */
  char *path;        /* the file it came from */
  char *subckt;      /* subcircuit name, pins in out vp vn gnd */
  char *text;        /* expanded, checked definitions to inline in a bench */
  char *origin;      /* "FILE:LINE" of its .subckt line (in the file that
                        defines it, which may be an include), for messages */
} ampsim_stage;

/*
 * Resolve a --stage argument: "FILE.cir:SUBCKT" (a user file; the part after
 * the last ':' is the subcircuit) or the name of a bundled stage, which is the
 * file stages/NAME.cir in the netlist folder (ampsim_netlist_dir()) defining
 * the subcircuit NAME with '-' replaced by '_' (opamp-buffer -> opamp_buffer).
 * Every part may .include files of ampsim's netlist folder, besides its own
 * folder and the policy's.
 * The subcircuit must have exactly 5 pins (in out vp vn gnd).
 * Returns 0 and a new stage in *out, or an error with a message.
 */
int ampsim_stage_open(ampsim_stage **out, const char *spec,
                      const ampsim_netlist_policy *policy);

/*
 * Resolve a headphone load the same way: "FILE.cir:SUBCKT" or a bundled load
 * (netlists/loads/NAME.cir), a subcircuit with exactly 2 pins (hot ret).
 * The result is freed with ampsim_stage_free().
 */
int ampsim_load_open(ampsim_stage **out, const char *spec,
                     const ampsim_netlist_policy *policy);

/* Free a stage; NULL is a no-op. */
void ampsim_stage_free(ampsim_stage *stage);

/*
 * The folder of bundled netlists: $AMPSIM_NETLIST_DIR if set, else the
 * installed share/ampsim/netlists if it exists, else the source tree's
 * netlists/ (a build that was not installed). Borrowed static string.
 */
const char *ampsim_netlist_dir(void);

#ifdef __cplusplus
}
#endif
#endif
