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

/* Open the design's stage and load (through the netlist policy: the design
 * file's folder and ampsim's netlists), measure it, close them. */
int ampsim_design_measure(ampsim_measurement **out, const ampsim_design *design);

#ifdef __cplusplus
}
#endif
#endif
