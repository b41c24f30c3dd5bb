/*
 * ext.h — the joins of a scan, for the rules that read more than their row:
 *
 *   prev.c      previous(x): the row of the same unit and dimension values
 *               in the previous period, from the same DATA files (a first
 *               pass indexes them by (unit, dimensions, period));
 *   children.c  children(x): rows of units above the form's tier (parents
 *               submitting their own figures) against the sum of their
 *               children's valid rows (a first pass sums them);
 *   rebase.c    `rollup --rebase MERGES.csv`: rows of old units (periods
 *               before the reform) moved onto the new units, partial merges
 *               apportioned (--apportion) or reported and left out;
 *   ext.c       decides what the selected rules need, runs the first passes
 *               and sets the hooks of the scan (scan.h: before, after,
 *               on_batch).
 *
 * What is needed comes from the descriptor's read sets (rg_rule.reads of the
 * selected rules, rg_field.reads of the computed fields), never from rule
 * text. Nothing here runs when none of them reads the previous period or
 * the children and --rebase is not given: the scan is then exactly the
 * plain one.
 */
#ifndef RT_EXT_H
#define RT_EXT_H

#include "scan.h"

typedef struct rt_prev rt_prev;
typedef struct rt_pu rt_pu;
typedef struct rt_kids rt_kids;
typedef struct rt_rebase rt_rebase;

typedef struct rt_ext {
    const rt_regime *rg;
    const rg_form *form;
    const rt_units *units;
    rt_prev *prev;
    int prev_ready;   /* the index is complete: fill batch->prev */
    rt_prev *prev_next; /* chains (prev_depth > 1): the index being built
                           while `prev` fills batch->prev */
    rt_kids *kids;
    rt_rebase *rebase;
    int verbose;
    /* standard input copied to a file, when the files are read twice */
    char *spool_path;
    int spool_fd;
    /* the scan's own consumer, called by rebase's on_batch */
    rt_acc *acc;
    rt_pu *pu;        /* per-unit fields (perunit.c), or NULL */
} rt_ext;

/* --rules CODE,CODE: the rules to report (all when list is NULL). */
int rt_select_rules(const rg_form *f, const char *list, uint8_t *on, rt_error *err);

/*
 * After a command filled cfg (form, units, rule_on, report, acc): turns off
 * the rules that cannot run (children() without --units), runs the first
 * passes the selected rules need over o->data and sets cfg's hooks. The
 * scan must then read rt_ext_path(x, o, i) for o->data[i]. rebase: 1 for
 * `rollup` (o->rebase is honoured). Returns 0, or -1 with err set.
 */
int rt_ext_open(rt_ext *x, rt_scan_cfg *cfg, uint8_t *rule_on, const rt_opts *o, int rebase,
                rt_error *err);
const char *rt_ext_path(const rt_ext *x, const rt_opts *o, int i);
/* What the joins did, on stderr (the re-basing summary always, the rest
 * with --verbose). */
void rt_ext_report(rt_ext *x);
void rt_ext_close(rt_ext *x);

/* ---- prev.c ---------------------------------------------------------------- */

/* Whether rule r reads the previous period (its read set, message values
 * included); whether the form needs it joined (a selected rule or any
 * computed field does). */
int rt_prev_rule(const rg_rule *r);
int rt_prev_needed(const rg_form *f, const uint8_t *rule_on);
rt_prev *rt_prev_new(const rt_regime *rg, const rg_form *f, const uint8_t *rule_on);
void rt_prev_free(rt_prev *p);
/* First pass: indexes every row of a batch (thread-safe). */
void rt_prev_collect(rt_prev *p, const rg_batch *b);
/* The prev columns of a batch (worker scratch *scratch, freed with
 * rt_prev_scratch_free). */
const rg_column *rt_prev_fill(rt_prev *p, const rg_batch *b, void **scratch);
void rt_prev_scratch_free(void *scratch);
void rt_prev_report(const rt_prev *p);
void rt_prev_reset(rt_prev *p); /* counts of the last pass only */
/* The longest series' last period less its first (running_sum() that
 * never resets: rg_form.prev_series). */
uint32_t rt_prev_span(const rt_prev *p);
/* A warning when rows of the last pass met a repeated key in the previous
 * period. */
void rt_prev_warn(const rt_prev *p);

/* ---- perunit.c -------------------------------------------------------------- */

/* NULL when the form has no per-unit input field (or no dimension). */
rt_pu *rt_pu_new(const rg_regime_desc *d, const rg_form *f);
void rt_pu_free(rt_pu *p);
/* First pass, single-threaded, rows in order: rt_pu_file before each file. */
void rt_pu_file(rt_pu *p, uint32_t file);
void rt_pu_collect(rt_pu *p, const rg_batch *b);
/* -1 with err (status 2) when two rows of a unit and period give different
 * per-unit values, naming both (files[i] names file i). */
int rt_pu_check(const rt_pu *p, const char *const *files, rt_error *err);
/* Bit i: row i is its unit and period's representative (the smallest
 * dimension values), on which PER_UNIT rules are reported. */
void rt_pu_rep(const rt_pu *p, const rg_batch *b, uint64_t *rep);
/* 1 the first time row i's unit and period is taken (caller's lock). */
int rt_pu_take(rt_pu *p, const rg_batch *b, uint32_t i);
/* For a host that scans one file without the joins of ext.c (the server's
 * submissions): the first pass over `path` (named `name` in messages) and
 * the hooks that report per-unit rules once (cfg->before, once, ext_free,
 * ext_ctx). *out (free it with rt_pu_free after the scan) stays NULL when
 * the form has no per-unit field. 0, or -1 with err set. */
int rt_pu_prepare(rt_scan_cfg *cfg, const char *path, const char *name, rt_pu **out, rt_error *err);
/* The roll-up takes per-unit figures once per unit and sub-period. */
void rt_acc_per_unit(rt_acc *a, rt_pu *p);

/* ---- children.c ---------------------------------------------------------------- */

rt_kids *rt_kids_new(const rt_regime *rg, const rg_form *f, const rt_units *u, rt_error *err);
void rt_kids_free(rt_kids *k);
/* First pass: sums the valid rows of the form's tier (thread-safe). */
void rt_kids_collect(rt_kids *k, const rg_batch *b, const uint64_t *valid);
/* After the first pass: the children's sums of every parent. */
int rt_kids_rollup(rt_kids *k, rt_error *err);
/* After validate: evaluates the children() rules of the batch's parent
 * rows (see scan.h, cfg->after). */
int rt_kids_after(rt_kids *k, const rg_batch *b, uint64_t *const *fail, uint64_t *overflow,
                  const rg_column **children, void **scratch);
void rt_kids_scratch_free(void *scratch);
void rt_kids_report(const rt_kids *k);

/* ---- rebase.c ---------------------------------------------------------------------- */

rt_rebase *rt_rebase_open(const rt_regime *rg, const rg_form *f, const rt_units *u, const rt_opts *o,
                          rt_error *err);
void rt_rebase_free(rt_rebase *r);
/* Before the kernels: old units' rows get their new unit (in place). */
void rt_rebase_units(rt_rebase *r, const rg_batch *b);
/* After them: the valid rows into the roll-up, partial merges apportioned
 * or left out (thread-safe). */
void rt_rebase_batch(rt_rebase *r, rt_acc *acc, const rg_batch *b, const uint64_t *valid);
void rt_rebase_report(rt_rebase *r);
/* --left-out FILE: the rows of partial merges without shares, one line
 * per old unit and period (old_code,old_name,period,rows,new_units, then
 * the fields summed over units). 0, or -1 with err set. */
int rt_rebase_write_left(rt_rebase *r, const char *path, rt_error *err);
/* Provenance of the roll-up row of unit g for the source periods
 * first .. first + n - 1 (frequency freq): appends ",N,CODES,COVERAGE" — the
 * old units whose rows went in, their codes, and `complete` or
 * `incomplete: missing CODES` — and returns 1; 0 (nothing appended) when
 * no old unit went into g in those periods. */
int rt_rebase_sources(const rt_rebase *r, uint32_t g, uint32_t freq, int64_t first, uint32_t n, rt_buf *out);
/* v split into n parts by shares of 1,000,000 that add up to 1,000,000 (at
 * most 64): each part v * share rounded down, then one more unit to the
 * largest remainders, so that the parts add up exactly to v (a negative v
 * is split as its magnitude). */
void rt_apportion(const int64_t *share, uint32_t n, int64_t v, int64_t *part);

/* ---- message values (report.c) ------------------------------------------------- */

/* A value of field k as a message shows it: scaled decimals, dates, codes. */
void rt_value_text(const rg_regime_desc *d, const rg_form *f, int k, int64_t v, rt_buf *b);
/* The placeholder {s} (n bytes) of rule `rule`'s message for this row, when
 * its value is not the row's raw text: a computed field (the kernel's
 * column), a ratio (the row finalized alone), previous(x), children(x),
 * {imbalance}. Returns 1 when it wrote the value, 0 to leave it to the
 * caller. */
/* The verdict of rule `rule` for this row as the message kernel computes it
 * (1 holds, 0 fails, -1 null: it could not be evaluated, or the library
 * has no verdict), and its imbalance appended to `imbalance` (nothing when
 * empty or when the check compares no two numbers; imbalance may be NULL). */
int rt_rule_result(const rg_regime_desc *d, const rg_form *f, const rt_row *row, uint32_t rule, rt_buf *imbalance);
int rt_placeholder(const rg_regime_desc *d, const rg_form *f, const rt_row *row, uint32_t rule, const char *s,
                   size_t n, rt_buf *b);

#endif /* RT_EXT_H */
