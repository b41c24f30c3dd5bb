/*
 * hier.h — hierarchies over a dimension's codes, checked per group of rows
 * (hier.c; regime.h, rg_hierarchy).
 */
#ifndef RT_HIER_H
#define RT_HIER_H

#include "scan.h"

typedef struct rt_hier rt_hier;

/* NULL when form f checks no hierarchy. */
rt_hier *rt_hier_new(const rg_regime_desc *d, const rg_form *f);
void rt_hier_free(rt_hier *x);
/* --rules CODE,CODE: only those of the hierarchies' rules run (the list
 * was checked by rt_select_rules, which knows their codes). */
void rt_hier_select(rt_hier *x, const char *list);
/* Collects the rows of the scan into their groups (cfg->on_batch, chained
 * to any hook already set). */
void rt_hier_attach(rt_hier *x, rt_scan_cfg *cfg);
/* After the scan: runs the pivot kernels over every group and writes the
 * results (or the failures) to the report, after the rows'. Returns 1
 * when an `error` rule failed. */
int rt_hier_report(rt_hier *x, rt_report *rep);
/* After rt_hier_report: the failed results of the rules that ran, by
 * severity (`error`, `warning`; `info` is not counted) — the server's
 * counts beside its rows'. */
void rt_hier_counts(const rt_hier *x, uint64_t *errors, uint64_t *warnings);
/* Failures per hierarchy rule: as `"CODE":N` members of a JSON object
 * (json non-NULL; *first says whether one was written), or as summary
 * lines on stderr (json NULL). */
void rt_hier_summary(const rt_hier *x, rt_buf *json, int *first);

#endif
