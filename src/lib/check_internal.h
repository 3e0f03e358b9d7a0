/*
 * check_internal.h - what check.c shares with check_run.c and junit.c
 * (internal): comparing into a result, the texts of a compared figure, and
 * numbers in the C locale.
 */
#ifndef AMPSIM_CHECK_INTERNAL_H
#define AMPSIM_CHECK_INTERNAL_H

#include <locale.h>

#include "ampsim/check.h"

/* While between begin and end, this thread formats numbers in the C locale
 * ("1.5", never "1,5"): reports are read by programs. */
typedef struct check_locale {
  locale_t c_locale, old;
} check_locale;

void check_locale_begin(check_locale *l);
void check_locale_end(check_locale *l);

/* A compared figure as the table shows it: "-122.83 dB", "null",
 * "+20.71 dB", "0.5 dB". Call inside check_locale_begin/end. */
typedef struct check_item_text {
  char baseline[48], now[48], difference[48], tolerance[48];
} check_item_text;

void check_item_format(check_item_text *out, const ampsim_check_item *item);

/* The suite name of a baseline path: its file name without ".xml". */
void check_suite_name(char *out, size_t size, const char *path);

/* Fill r's baseline fields (paths, names, versions) from b. */
void check_result_identity(ampsim_check_result *r, const ampsim_baseline *b);

/* The sentence of a version mismatch between b and now into out, "" if the
 * versions agree (versions b does not record are not compared). */
void check_version_warning(char *out, size_t size, const ampsim_baseline *b,
                           const char *ngspice_now);

/* Compare m with b into r (identity already set): r->items, n_items,
 * n_failed, n_new. Returns 0 or AMPSIM_ENOMEM. */
int check_compare_into(ampsim_check_result *r, const ampsim_baseline *b,
                       const ampsim_measurement *m);

#endif
