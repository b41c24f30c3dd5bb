/*
 * scan.h — the submission pipeline (scan.c) and its two consumers: the
 * violation report (report.c) and the roll-up accumulators (rollup.c).
 *
 * One pass over each DATA file: blocks of whole records are handed to worker
 * threads, which parse them into columnar batches, run the compiled validate
 * kernel, format the violations of failing rows and feed valid rows to the
 * roll-up. Violations are committed in block order, so the report is in row
 * order whatever the number of threads.
 */
#ifndef RT_SCAN_H
#define RT_SCAN_H

#include <pthread.h>

#include "rt.h"

/* ---- violation report ----------------------------------------------------- */

/* A failing row as the report sees it (filled by a worker thread). */
typedef struct rt_row {
    uint32_t rel_row, rel_line;   /* 1-based within the block */
    const rt_span *raw;           /* per form field; n = 0 when empty or absent */
    const uint8_t *malformed;     /* per form field */
    uint32_t n_rules;
    const uint16_t *rules;        /* failed rule indexes, ascending */
    int overflow;                 /* the kernel overflowed on this row */
    int bad_width;                /* the record had the wrong number of fields */
    /* The row in its batch, for the values of messages (computed fields,
     * ratios, previous(), children()): batch->cols, batch->prev (NULL when
     * not joined) and the children's sums (NULL unless a parent row). */
    const rg_batch *batch;
    uint32_t index;
    const rg_column *children;
    int not_rep;                  /* per-unit rules are reported on another
                                     row of the unit and period */
} rt_row;

typedef struct rt_report {
    rt_format fmt;
    const rg_regime_desc *desc;
    const rg_form *form;
    rt_out *out;
    int multi_file;   /* more than one DATA file: say which one */
    const char *file; /* the file being scanned */
    int n_written;    /* violations written (JSON separators) */
    int results;      /* rt_results: 0 = the errors.csv layout (rollup --errors,
                         validate without --results) */
    const uint8_t *rule_on; /* RT_RESULTS_ALL: the rules that ran */
    int computed;     /* `regrt compute`: every row's computed fields */
} rt_report;

/* Header (CSV) or opening (JSON). */
void rt_report_begin(rt_report *r);
/* Worker side: appends this row's entries to b. */
void rt_report_row(const rt_report *r, rt_buf *b, const rt_row *row);
/* Commit side (in order): writes the entries of one block. */
void rt_report_commit(rt_report *r, const char *entries, size_t n, uint64_t base_row,
                      uint64_t base_line);

/* ---- roll-up accumulators -------------------------------------------------- */

typedef struct rt_acc rt_acc;

/* Groups of roll-up `ru` with output periods of frequency dst_freq. */
rt_acc *rt_acc_new(const rt_regime *rg, const rg_rollup *ru, const rt_units *u, uint32_t dst_freq,
                   rt_error *err);
void rt_acc_free(rt_acc *a);
/* Accumulates valid rows of a batch (thread-safe: takes the lock). slot,
 * pos and combo are scratch arrays of b->n_rows entries. */
/* Re-basing: rows of several old units share a group (no duplicate
 * check), and the output says which old units went into each row. */
struct rt_rebase;
void rt_acc_rebasing(rt_acc *a, const struct rt_rebase *r);
void rt_acc_batch(rt_acc *a, const rg_batch *b, const uint64_t *valid, uint32_t *slot,
                  uint8_t *pos, uint32_t *combo);

/* ---- repeated keys (dups.c) ------------------------------------------------------ */

typedef struct rt_dupset rt_dupset;
rt_dupset *rt_dups_new(void);
void rt_dups_free(rt_dupset *d);
/* Hash of row i's key: unit and dimension values as written, period. */
uint64_t rt_dups_key(const rg_form *f, const rg_batch *b, uint32_t i);
/* Adds a key in row order (single-threaded: the scan's commit). */
void rt_dups_add(rt_dupset *d, uint64_t h, uint32_t file, uint64_t row, uint64_t line);
uint64_t rt_dups_count(const rt_dupset *d);
/* Warns DUP1 with both places of each repeat (files[file] names them);
 * returns the number of repeated rows. */
uint64_t rt_dups_report(const rt_dupset *d, const char *const *files);

/* ---- the scan ------------------------------------------------------------------ */

typedef struct rt_scan_cfg {
    const rt_regime *rg;
    const rg_form *form;
    const rt_units *units; /* NULL: unit values are -1, unit rules are off */
    const uint8_t *rule_on; /* per rule: 1 = reported and counted */
    int threads;
    rt_report *report; /* NULL: no violation output */
    rt_acc *acc;       /* NULL: no roll-up */
    /* Any other consumer of batches (called from worker threads, after the
     * kernels; valid = rows failing no error rule). */
    void (*on_batch)(void *ctx, const rg_batch *b, const uint64_t *valid);
    void *on_batch_ctx;
    /* Joins (ext.c: previous period, children, re-basing), called from
     * worker threads with the worker's own *scratch (NULL at first, freed by
     * ext_free). `before` runs before the kernels, may change the unit
     * column (re-basing) and returns the prev columns (NULL: not joined).
     * `after` runs after validate and may rewrite the bits of children()
     * rules (evaluated again with the children's sums as prev, which it
     * returns in *children); -1 when that evaluation overflowed. */
    const rg_column *(*before)(void *ctx, const rg_batch *b, void **scratch);
    int (*after)(void *ctx, const rg_batch *b, uint64_t *const *fail, uint64_t *overflow,
                 const rg_column **children, void **scratch);
    void (*ext_free)(void *ctx, void *scratch);
    void *ext_ctx;
    /* Per-unit rules (RG_RULE_PER_UNIT, perunit.c): after the kernels, the
     * batch's representative rows (with the worker's ext scratch), on which
     * alone such a rule is reported and counted; an error still makes every
     * row of the unit and period invalid. NULL: every row reports. */
    const uint64_t *(*once)(void *ctx, const rg_batch *b, void **scratch);
    /* A unit code unknown at the form's tier is looked up at the tiers above
     * (a form with children() rules: parents submit their own figures). */
    int units_above;
    /* Other forms joined to the rows (crossform.c), called from worker
     * threads before the kernels with the worker's own *scratch: returns
     * batch->other. NULL: no form joined. */
    const rg_column *const *(*cross)(void *ctx, const rg_batch *b, void **scratch);
    void (*cross_free)(void *scratch);
    void *cross_ctx;
    /* Repeated keys (dups.c), NULL: not looked for; dup_file is the number
     * of the file being scanned. */
    rt_dupset *dups;
    uint32_t dup_file;
} rt_scan_cfg;

/* Global index of the unit with that code at the nearest tier above `tier`
 * that has it, or -1 (children.c). */
int32_t rt_units_find_above(const rt_units *u, int tier, const char *code, size_t len);

typedef struct rt_scan_stats {
    uint64_t rows, rows_err, rows_warn, rows_bad_width, rows_overflow;
    uint64_t *rule_fail; /* per rule, caller-allocated (n_rules) */
} rt_scan_stats;

/* Scans one DATA file ("-" = stdin). Returns 0, or -1 with err set (status
 * 2) when the file cannot be used: unreadable, no header, a missing required
 * column, broken CSV (quotes, NUL, UTF-8). */
int rt_scan_file(const rt_scan_cfg *cfg, const char *path, rt_scan_stats *st, rt_error *err);

/* ---- command helpers (cmd.c) --------------------------------------------------- */

typedef struct rt_ctx {
    rt_regime *rg;
    const rg_regime_desc *desc;
    int form_idx;
    const rg_form *form;
    rt_units *units;
} rt_ctx;

int rt_ctx_open(rt_ctx *c, const rt_opts *o, int need_units, rt_error *err);
void rt_ctx_close(rt_ctx *c);
int rt_threads(const rt_opts *o);

#endif /* RT_SCAN_H */
