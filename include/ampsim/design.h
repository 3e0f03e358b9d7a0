/*
 * ampsim/design.h - designs: a stage in a bench with a load, and what to
 * measure. A design comes from an XML design file (validated against the
 * schema shipped in netlists/schema/design.rng) or from command-line options;
 * command-line options override a file's values.
 *
 * A design holds specs (names or FILE:SUBCKT), not opened parts: opening and
 * measuring are ampsim_design_measure()'s job, so a design is a plain value
 * that can be copied, compared, expanded and printed.
 */
#ifndef AMPSIM_DESIGN_H
#define AMPSIM_DESIGN_H

#include <stddef.h>

#include "ampsim/measure.h"

#ifdef __cplusplus
extern "C" {
#endif

/* At most this many <include> files per design. */
#define AMPSIM_DESIGN_MAX_INCLUDES 8
/* At most this many extra include folders per design (--allow-dir). */
#define AMPSIM_DESIGN_MAX_ALLOW_DIRS 8

typedef struct ampsim_design {
  char name[128];           /* from the file's name attribute, or built from
                               the options ("opamp-buffer btl 300 ohm") */
  char stage_spec[1024];    /* bundled stage name or FILE.cir:SUBCKT; a
                               relative FILE is resolved against the design
                               file's folder */
  char load_spec[1024];     /* "" = resistor of options.bench.load_ohms, else
                               a bundled load name or FILE.cir:SUBCKT */
  ampsim_measure_options options; /* bench (incl. stage_params), levels,
                                     figures; options.bench.load_model is
                                     always NULL here */
  char origin[1024];        /* "design.xml:12" or "command line" */
  char base_dir[1024];      /* folder that relative paths and includes are
                               taken from ("" = working directory) */
  /* Where the stage and the load came from, for messages: the line of the
   * <stage>/<load> element ("design.xml:14"), or what the command line calls
   * it ("--load"), or "" (nothing to say). */
  char stage_origin[1024];
  char load_origin[1024];
  /* The user's own model files (<include file=...>), in file order, already
   * resolved against base_dir, and the line of each <include>. Their text
   * goes before the stage's; they must lie under base_dir. */
  size_t n_includes;
  char includes[AMPSIM_DESIGN_MAX_INCLUDES][1024];
  char include_origins[AMPSIM_DESIGN_MAX_INCLUDES][1024];
  /* Folders that the stage's and the load's .include/.lib may also reach,
   * besides base_dir, each part's own folder and ampsim's netlists: what the
   * user allowed explicitly (ampsim's --allow-dir). A design file cannot set
   * them. A folder that does not exist allows nothing. */
  size_t n_allow_dirs;
  char allow_dirs[AMPSIM_DESIGN_MAX_ALLOW_DIRS][1024];
} ampsim_design;

/* A list of designs. Owned: free with ampsim_design_list_free(). */
typedef struct ampsim_design_list {
  size_t n;
  ampsim_design *items;
} ampsim_design_list;

/*
 * Read a design file: parse it with libxml2, validate it against the shipped
 * schema, and convert every <design> into a design. Errors name the file and
 * line: "design.xml:12: unknown topology 'foo' (expected se or btl)".
 * Returns 0, AMPSIM_ENOTFOUND/AMPSIM_EIO (file), AMPSIM_EPARSE (XML or
 * schema), AMPSIM_EINVAL (values).
 */
int ampsim_design_load(ampsim_design_list **out, const char *path);

/* Free a list; NULL is a no-op. */
void ampsim_design_list_free(ampsim_design_list *list);

/*
 * Errors about one design (below) name where the offending value came from:
 * an error about the stage is prefixed with stage_origin ("design.xml:14: no
 * subcircuit ..."), one about the load with load_origin, one about an include
 * with its origin, anything else with origin. An origin of "" or
 * "command line" adds no prefix.
 */

/* A design with every default (AMPSIM_MEASURE_OPTIONS_INIT, no stage, a 32
 * ohm resistor), origin "command line", no other origins. */
void ampsim_design_init(ampsim_design *design);

/*
 * Set stage parameter NAME (a letter, then letters, digits, '_'; at most 31)
 * to VALUE, a number with an optional engineering suffix ("5", "4.7u",
 * "1k"), in options.bench.stage_params, replacing an earlier value of the
 * same name (SPICE names ignore case). The value is stored as a plain number
 * ("1k" becomes 1000), so SPICE reads exactly what was checked here. Returns
 * 0 or AMPSIM_EINVAL ("parameter gain: 'five' is not a number ...", or the
 * parameters no longer fit).
 */
int ampsim_design_set_param(ampsim_design *design, const char *name,
                            const char *value);

/*
 * Open the design's parts: the stage (ampsim_stage_open(), with base_dir and
 * allow_dirs allowed include roots besides the stage's own folder and
 * ampsim's netlists)
 * with the text of every include put before its own, and the load
 * (ampsim_load_open()), NULL for a resistor. Checks that every stage
 * parameter is one of the subcircuit's (.subckt ... params:). *stage and
 * *load are new (caller frees both with ampsim_stage_free()); on an error
 * both are NULL.
 */
int ampsim_design_open(ampsim_stage **stage, ampsim_stage **load,
                       const ampsim_design *design);

/* Check a design without simulating: its values (ampsim_measure_check())
 * and ampsim_design_open(). Returns 0 or the error. */
int ampsim_design_check(const ampsim_design *design);

/* Open the design's stage and load (through the netlist policy: the design
 * file's folder and ampsim's netlists), measure it, close them. *out is new
 * (caller frees with ampsim_measurement_free()). Returns 0 or an error of
 * ampsim_design_open() or ampsim_measure(). */
int ampsim_design_measure(ampsim_measurement **out, const ampsim_design *design);

/* ------------------------------------------------------------------------ */
/* The bundled parts, for listings                                          */
/* ------------------------------------------------------------------------ */

/* One bundled part, as its file describes it. Plain value. */
typedef struct ampsim_part_info {
  char name[128];         /* what designs call it: "opamp-buffer" (the file
                             name without its extension) */
  char path[1024];        /* its file */
  char subckt[128];       /* "opamp_buffer" */
  char pins[256];         /* "in out vp vn gnd" */
  char params[1024];      /* the .subckt line's parameters with their
                             defaults, "gain=3 rg=1k ..."; "" if none */
  char description[256];  /* the first paragraph of the file's header
                             comment, without the file name ("bundled
                             example stage") */
} ampsim_part_info;

/* A list of parts, sorted by name. Owned: free with
 * ampsim_design_part_list_free(). */
typedef struct ampsim_part_list {
  size_t n;
  ampsim_part_info *items;
} ampsim_part_list;

/*
 * The bundled parts of one kind: "stages" (stages/NAME.cir, subcircuit NAME
 * with '-' as '_'), "loads" (loads/NAME.cir, likewise) or "opamps"
 * (opamps/NAME.lib, its first subcircuit), under ampsim_netlist_dir().
 * Returns 0, AMPSIM_EINVAL (unknown kind), or an error reading a file.
 */
int ampsim_design_list_parts(ampsim_part_list **out, const char *kind);

/* Free a part list; NULL is a no-op. */
void ampsim_design_part_list_free(ampsim_part_list *list);

#ifdef __cplusplus
}
#endif
#endif
