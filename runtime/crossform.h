/*
 * crossform.h — `form.field` in a rule: the other forms of the same
 * submission joined to the rows of the form being checked (crossform.c).
 */
#ifndef RT_CROSSFORM_H
#define RT_CROSSFORM_H

#include "scan.h"

typedef struct rt_cross rt_cross;

/*
 * After a command selected its rules (rule_on) and filled cfg (rg, form,
 * units, threads): when a selected rule reads another form, the DATA files
 * of o whose header names more fields of another form than of cfg->form are
 * that form's, indexed in a first pass; cfg->cross then fills batch->other.
 * Rules reading a form of which no file is given are turned off with a
 * warning. *use receives the options to scan with (o less the other forms'
 * files); nothing is read and *use is o when no selected rule reads another
 * form. Returns 0, or -1 with err set (status 2).
 */
int rt_cross_open(rt_cross **out, rt_scan_cfg *cfg, uint8_t *rule_on, const rt_opts *o, const rt_opts **use,
                  rt_error *err);
/* --verbose: what was joined. */
void rt_cross_report(const rt_cross *x, int verbose);
void rt_cross_close(rt_cross *x);
/* The rows of the batch last filled into `scratch` (cfg->cross's) that
 * have a row of each form (rg_batch.other_rows), or NULL. */
const uint64_t *const *rt_cross_rows(void *scratch);

#endif
