/*
 * regrt.h — public API of libregrt, the Regime runtime library.
 *
 * libregrt loads a compiled regime (a shared library speaking regime.h),
 * reads unit lists and CSV submissions, runs the compiled kernels and writes
 * reports, roll-ups, calendars and reporting status. The `regrt` command is a
 * thin shell over the rt_cmd_* entry points at the end of this header.
 *
 * Conventions: functions that can fail take an rt_error and return NULL or a
 * negative number; err->status is then the exit status a command line tool
 * should use (2 = unusable input, 1 = findings) and err->msg says what went
 * wrong, where, and how to fix it, in the current language (rt_set_lang).
 */
#ifndef REGRT_H
#define REGRT_H

#include <stddef.h>
#include <stdint.h>

#include "regime.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors and language ---------------------------------------------- */

typedef struct rt_error {
    int status;     /* 0 none, 1 findings, 2 unusable input or usage */
    char msg[2048]; /* one or more lines, no trailing newline */
} rt_error;

typedef enum rt_lang { RT_LANG_EN = 0, RT_LANG_VI = 1 } rt_lang;

void rt_set_lang(rt_lang lang);
rt_lang rt_get_lang(void);
/* "en"/"vi" (also "en-US", "vi-VN"); returns -1 for anything else. */
int rt_lang_parse(const char *s, rt_lang *out);
/* The translation in the current language, else English, else the first
 * one, else "". */
const char *rt_texts_pick(const rg_texts *t);
/* Warnings go to stderr prefixed "regrt: warning: " unless quiet. */
void rt_set_quiet(int quiet);

/* ---- loading a compiled regime ----------------------------------------- */

typedef struct rt_regime rt_regime;

/* PATH is the .so itself or the directory `regc build` wrote (the single
 * *.so in it). Before any code of the library runs, checks the folder's
 * signature (manifest.sig over manifest.json) against the trust store and
 * the size and sha256 of every file the manifest lists, then loads exactly
 * the bytes it checked; then regime_abi_version and the descriptor. See
 * docs/DISTRIBUTION.md. Refusals are status 2 with the reason. */
rt_regime *rt_regime_open(const char *path, rt_error *err);
void rt_regime_close(rt_regime *rg);
/* The trust store, where rt_regime_open finds the public keys it accepts
 * (KEY.pub files) and the revocation list (a file named `revoked`): dir,
 * else $REGIME_TRUST, else RT_TRUST_SYSTEM_DIR. allow_unsigned 1 loads
 * unsigned or unverifiable libraries with a loud warning (development
 * only; the files' sizes and hashes are still checked against a manifest
 * when there is one), 0 refuses them, -1 leaves it to
 * REGIME_ALLOW_UNSIGNED=1. Process-wide; call before rt_regime_open. */
#define RT_TRUST_SYSTEM_DIR "/etc/regime/trusted"
void rt_trust_configure(const char *dir, int allow_unsigned);
const char *rt_trust_dir(void);
/* The id of the key that signed the loaded regime ("" when it was loaded
 * unsigned), and the trusted key file that verified it (NULL then). */
const char *rt_regime_signer(const rt_regime *rg);
const char *rt_regime_signer_key(const rt_regime *rg);
const rg_regime_desc *rt_regime_desc(const rt_regime *rg);
/* Index of the form / tier / codelist with that code, or -1. */
int rt_regime_form(const rt_regime *rg, const char *code);
int rt_regime_tier(const rt_regime *rg, const char *name);
/* Index of the code in code list `cl`, -1 when not in the list. */
int32_t rt_codelist_find(const rt_regime *rg, int cl, const char *s, size_t len);

/* ---- unit table ---------------------------------------------------------- */

/*
 * Units of every tier, numbered globally: tier t holds the global indexes
 * rt_units_base(t) .. rt_units_base(t) + rt_units_count(t) - 1, in order of
 * first appearance in the file. The root tier (root_code) holds one unit.
 */
typedef struct rt_units rt_units;

rt_units *rt_units_load(const rg_regime_desc *d, const char *path, rt_error *err);
void rt_units_free(rt_units *u);
uint32_t rt_units_total(const rt_units *u);
uint32_t rt_units_count(const rt_units *u, int tier);
uint32_t rt_units_base(const rt_units *u, int tier);
/* Global index of the unit with that code at that tier, or -1. */
int32_t rt_units_find(const rt_units *u, int tier, const char *code, size_t len);
const char *rt_units_code(const rt_units *u, uint32_t g);
const char *rt_units_name(const rt_units *u, uint32_t g); /* "" when none */
int rt_units_tier(const rt_units *u, uint32_t g);
/* Global index of the parent (the nearest non-empty tier above), -1 at the top. */
int32_t rt_units_parent(const rt_units *u, uint32_t g);
/* Global indexes of the tier's units sorted by code, byte-wise. */
const uint32_t *rt_units_sorted(const rt_units *u, int tier);

/* ---- values ---------------------------------------------------------------- */

/*
 * Lexical parsers for submission values. They never use the C locale or
 * strtol: the accepted forms are exactly these, nothing is trimmed.
 *   integer  [-]digits         count  digits          (1..max_digits digits)
 *   decimal  [-]digits[.digits] with at most `scale` significant decimals
 * max_digits (0 = no limit) counts every digit, leading zeros included.
 * Return 0 and store the (scaled) value, or -1 when malformed or out of int64.
 */
int rt_parse_count(const char *s, size_t len, int max_digits, int64_t *out);
int rt_parse_integer(const char *s, size_t len, int max_digits, int64_t *out);
int rt_parse_decimal(const char *s, size_t len, int scale, int max_digits, int64_t *out);
int rt_parse_bool(const char *s, size_t len, int64_t *out);

/* Fixed-point formatting: value/10^scale as <int>.<scale digits>; returns
 * the length written into buf (at least 32 bytes). */
size_t rt_format_scaled(int64_t v, int scale, char *buf);

/* ---- dates and periods ----------------------------------------------------- */

int64_t rt_days_from_civil(int y, int m, int d);
void rt_civil_from_days(int64_t days, int *y, int *m, int *d);
/* YYYY-MM-DD, a real calendar date; 0 and *days, or -1. */
int rt_date_parse(const char *s, size_t len, int64_t *days);
/* Writes YYYY-MM-DD and a NUL (11 bytes). */
void rt_date_format(int64_t days, char *buf);
/* 0 = Monday .. 6 = Sunday. */
int rt_weekday(int64_t days);

/*
 * Periods are numbered as regime.h says (monthly = year*12 + month-1, ...).
 * Labels: monthly 2025-01, quarterly 2025-Q1, half-yearly 2025-H1, nine
 * months 2025-9M, yearly 2025. "Month numbers" below are year*12 + month-1.
 */
int64_t rt_period_parse(uint32_t freq, const char *s, size_t len); /* -1 if malformed */
/* Writes the label and a NUL into buf (at least 16 bytes); returns its length. */
size_t rt_period_format(uint32_t freq, int64_t p, char *buf);
/* First and last month of period p. */
int rt_period_months(uint32_t freq, int64_t p, int64_t *first, int64_t *last);
/*
 * Maps source period p of frequency `from` into frequency `to` (coarser or
 * equal). Stores the target period and its place: bit 0 = p is the target's
 * first sub-period, bit 1 = its last, bits 2..7 = its index in the target
 * period (0 = the first). Returns -1 when p does not fall in any
 * target period (e.g. October for nine months) or `to` is finer than `from`.
 */
int rt_period_map(uint32_t from, int64_t p, uint32_t to, int64_t *target, uint8_t *pos);
/* "monthly"/"month", "quarterly"/"quarter", "half-yearly"/"half",
 * "nine-months"/"9m", "yearly"/"annual"/"year". */
int rt_freq_parse(const char *s, uint32_t *freq);
const char *rt_freq_name(uint32_t freq);
/* Infers the frequency of a label such as 2025-Q1; -1 if none matches. */
int rt_period_parse_any(const char *s, uint32_t *freq, int64_t *p);

/* ---- calendar ----------------------------------------------------------- */

typedef struct rt_holidays rt_holidays;

/* CSV with a header and columns date,name_vi,name_en (dates YYYY-MM-DD). */
rt_holidays *rt_holidays_load(const char *path, rt_error *err);
rt_holidays *rt_holidays_none(void);
void rt_holidays_free(rt_holidays *h);
int rt_holidays_is(const rt_holidays *h, int64_t day);
/* Name of the holiday on that day in the current language, or NULL. */
const char *rt_holidays_name(const rt_holidays *h, int64_t day);
size_t rt_holidays_count(const rt_holidays *h);

/* Cut-off window [start, end] (days) of period p; -1 on a bad argument. */
int rt_cutoff_window(uint32_t kind, int32_t day, uint32_t freq, int64_t p, int64_t *start,
                     int64_t *end);
/* `days` calendar days after `after`, or the days-th working day after it
 * (Saturdays, Sundays and holidays skipped; h may be NULL). */
int64_t rt_deadline(int64_t after, int32_t days, int working, const rt_holidays *h);

/* ---- CSV records (small files: units, holidays) ------------------------- */

typedef struct rt_csv rt_csv;

/* Reads the whole file; strips a UTF-8 BOM; RFC 4180 with CRLF or LF. */
rt_csv *rt_csv_open(const char *path, rt_error *err);
/* Same over a copy of a memory buffer; `name` is used in messages. */
rt_csv *rt_csv_open_mem(const char *name, const char *data, size_t len, rt_error *err);
/* 1 = a record is ready, 0 = end of file, -1 = error (err filled). Blank
 * lines are skipped. */
int rt_csv_next(rt_csv *c, rt_error *err);
uint32_t rt_csv_nfields(const rt_csv *c);
/* Field i of the current record (unescaped, NUL-terminated); "" past the end. */
const char *rt_csv_field(const rt_csv *c, uint32_t i, uint32_t *len);
/* Line of the start of the current record (1-based). */
uint64_t rt_csv_line(const rt_csv *c);
void rt_csv_close(rt_csv *c);

/* ---- in-memory batches ---------------------------------------------------------- */

/*
 * rt_batch_hierarchies: the hierarchies form f checks (regime.h,
 * rg_hierarchy) over the rows of a batch validate has seen: the rows are
 * grouped by unit, period and the other dimensions' values as `regrt
 * validate` groups a file's, and cb receives every result of every group
 * (VTL check_hierarchy with output `all`): the hierarchy and its pivot
 * rule, the verdict (1 true, 0 false, -1 null), the batch row holding the
 * rule's left code (-1 when the group has no such row, or sent it twice)
 * and, for a false verdict, the message in the current language (else
 * NULL). Returns the number of groups.
 */
typedef struct rt_hier_result {
    uint32_t hierarchy; /* index into f->hierarchies */
    uint32_t rule;      /* index into that hierarchy's pivot->rules */
    int verdict;        /* 1 true, 0 false, -1 null */
    int32_t row;        /* batch row of the rule's left code, or -1 */
} rt_hier_result;
uint32_t rt_batch_hierarchies(const rg_regime_desc *d, const rg_form *f, const rg_batch *b,
                              void (*cb)(void *ctx, const rt_hier_result *r, const char *message), void *ctx);

/*
 * A host that holds rows itself (`regc test`, a server) builds an rg_batch
 * (regime.h: columns of scaled integers with presence bits, in the form's
 * field order; values parsed with rt_parse_* and rt_period_parse as a scan
 * parses them) and calls the form's kernels directly: f->validate first
 * (it computes the computed fields, also for a form without rules), with
 * batch->prev holding the previous period's rows when f->prev_depth > 0 (a
 * chain needs prev_depth rounds: validate the previous rows with their own
 * previous rows first), batch->children the children's sums for children()
 * rules and batch->other the other forms' rows; then accumulate, combine
 * and finalize for roll-ups. What a rule reads, in which role, is in its
 * read set (rg_rule.reads), so a host joins exactly that.
 *
 * rt_batch_message: the message of rule `rule` for row `row` of a batch
 * that validate has run on, exactly as `regrt validate` writes it (in the
 * current language, rt_set_lang): placeholders of input fields show raw[k]
 * (raw_len[k] bytes, the text as typed; NULL = empty), every other
 * placeholder the value the library's message kernel computes. Returns a
 * malloc'd string (free it), or NULL for a row or rule out of range.
 */
char *rt_batch_message(const rg_regime_desc *d, const rg_form *f, const rg_batch *b, uint32_t row, uint32_t rule,
                       const char *const *raw, const uint32_t *raw_len);
/*
 * rt_batch_previous: the previous-period columns of a batch whose rows are
 * all the periods at hand, joined as `regrt` joins its DATA files: the row
 * of the same unit and dimension values (their raw text, cols[k].str) one
 * period earlier, none when that key repeats; values as they are in the
 * batch now (computed columns as validate last wrote them, so calling it
 * again after validate gives the next round of a chain). The columns live
 * in *state (NULL at first) until the next call; free it with
 * rt_batch_previous_free. After the f->n_fields columns come the form's
 * lags (f->n_lags, ABI 5: previous(x, k)), then one column more, index
 * f->n_fields + f->n_lags: its `present` marks the rows that have a
 * previous-period row (set batch->prev_rows to it: a rule then tells an
 * absent previous row from an empty value).
 */
const rg_column *rt_batch_previous(const rg_form *f, const rg_batch *b, void **state);
void rt_batch_previous_free(void *state);
/*
 * rt_batch_previous_rounds: how many joins and validates a chain needs,
 * after the first rt_batch_previous: rg_form.prev_depth, plus, for a
 * running_sum() that never resets (rg_form.prev_series), the longest
 * series' last period less its first in the batch.
 */
uint32_t rt_batch_previous_rounds(const rg_form *f, const void *state);

/*
 * rt_batch_other: the other forms' columns (batch->other) for a batch of
 * form f, joined as `regrt validate` joins the DATA files of other forms
 * (runtime/crossform.c, the same code): forms[g] (NULL = no rows of form g;
 * `forms` itself may be NULL) holds form g's rows, values as they are in
 * that batch now; for each form f reads (the read sets of its rules and
 * computed fields), row i gets g's row of the same period, the same unit
 * text and the same text of the dimensions both forms have (by name).
 * No such row, a key that repeats in g's rows, or a form of another
 * frequency leaves row i's values of g missing (the rules reading them are
 * skipped). A form f does not read gets NULL. The array and its columns
 * live in *state (NULL at first) until the next call; free it with
 * rt_batch_other_free. Returns NULL only for a form not in d.
 */
const rg_column *const *rt_batch_other(const rg_regime_desc *d, const rg_form *f, const rg_batch *b,
                                       const rg_batch *const *forms, void **state);
void rt_batch_other_free(void *state);
/* The rows of the batch last joined by rt_batch_other with `state` that
 * have a row of each form (per form index, NULL for a form not joined):
 * set batch->other_rows to it, so that a rule tells an absent row of the
 * other form from an empty value. */
const uint64_t *const *rt_batch_other_rows(void *state);

/*
 * rt_rollup_batch: roll-up `ru` of the rows of batch b (its form's batch,
 * after validate) whose bit is set in `valid` (rows with no error), over
 * the units of u, exactly as `regrt rollup` does (runtime/rollup.c, the
 * same accumulate, combine and finalize): the batch's unit column holds
 * u's global unit indexes; rows of units outside the form's tier, of
 * unknown periods or dimension values are left out, and every group of a
 * unit and period that repeats a key (unit, sub-period, dimensions) is
 * left out (DUP1). NULL with err set when the roll-up cannot be made.
 * rt_rollup_group: the group of unit `unit` of tier `tier`, period
 * `period` (ru->period) and dimension values dims[k] (code index, 0/1 for
 * yes/no, -1 = empty, RT_DIM_TOTAL = the total over that dimension, a
 * `total over` row; every one -1 in a form with per-unit fields: the
 * unit's own row, which holds them): out[k] (f->n_outputs words) and *present the
 * finalized outputs with the roll-up's missing-value modes applied, as
 * the output file shows them, *n_units the units counted in the group.
 * Returns 1, 0 when the roll-up has no such group (no rows, or left out),
 * -1 when the group exceeded the 64-bit range.
 */
/*
 * rt_batch_per_unit: a batch of a form with per-unit fields (RG_FIELD_PER_UNIT)
 * as `regrt` reads it: -1 with err set (status 2, both rows named "data row
 * N") when two rows of one unit and period give different per-unit values;
 * else 0, and bit i of rep (ceil(n_rows / 64) words) set when row i is its
 * unit and period's representative (the smallest dimension values), the
 * one row on which a RG_RULE_PER_UNIT rule is reported. Every bit is set
 * for a form without per-unit fields.
 */
int rt_batch_per_unit(const rg_regime_desc *d, const rg_form *f, const rg_batch *b, uint64_t *rep, rt_error *err);

typedef struct rt_rollup_mem rt_rollup_mem;
#define RT_DIM_TOTAL (-2)
rt_rollup_mem *rt_rollup_batch(const rg_regime_desc *d, const rg_rollup *ru, const rt_units *u, const rg_batch *b,
                               const uint64_t *valid, rt_error *err);
int rt_rollup_group(const rt_rollup_mem *m, int tier, const char *unit, int64_t period, const int64_t *dims,
                    int64_t *out, uint64_t *present, uint32_t *n_units);
void rt_rollup_mem_free(rt_rollup_mem *m);

/* ---- commands --------------------------------------------------------------- */

typedef enum rt_format { RT_FMT_TEXT = 0, RT_FMT_CSV, RT_FMT_JSON } rt_format;

/* What `regrt validate` reports (docs/RUNTIME.md, "Results as data").
 * RT_RESULTS_DEFAULT: the violations in the errors.csv layout that
 * `regrt rollup --errors` writes too. RT_RESULTS_INVALID: the same
 * violations as results after VTL's check_datapoint (ruleid, bool_var,
 * imbalance, errorcode, errorlevel, message, values). RT_RESULTS_ALL: one
 * result per row and rule that ran, bool_var true, false or null. */
typedef enum rt_results { RT_RESULTS_DEFAULT = 0, RT_RESULTS_INVALID, RT_RESULTS_ALL } rt_results;

typedef struct rt_opts {
    const char *lib;
    const char *const *data; /* DATA files ("-" = stdin) */
    int n_data;
    const char *units;       /* --units */
    const char *form;        /* --form */
    const char *rules;       /* --rules CODE,CODE (validate) */
    const char *output;      /* -o (NULL or "-" = stdout) */
    const char *errors;      /* --errors (rollup) */
    const char *to;          /* --to LEVEL (rollup) */
    const char *period;      /* --period P (rollup, status) */
    const char *rollup;      /* --rollup NAME */
    const char *holidays;    /* --holidays */
    const char *as_of;       /* --as-of DATE (status) */
    const char *argv0;       /* to find stdlib/data next to the binary */
    const char *rebase;      /* --rebase MERGES.csv (rollup) */
    const char *apportion;   /* --apportion SHARES.csv (rollup, with --rebase) */
    const char *rebase_date; /* --rebase-date YYYY-MM-DD (default: in MERGES' name) */
    const char *left_out;    /* --left-out FILE.csv: partial merges left out (rollup, with --rebase) */
    int year;                /* --year (calendar) */
    int threads;             /* 0 = automatic */
    int verbose;
    rt_format format;
    int strict;                 /* --strict: a row left out is a finding (exit 1) */
    int allow_unknown_holidays; /* --allow-unknown-holidays: a warning, not an error */
    int results;                /* --results (validate): rt_results */
    int layout_full;            /* --layout full (rollup): unit_name, parent_code, `period` */
} rt_opts;

int rt_cmd_validate(const rt_opts *o, rt_error *err);
/* `regrt compute`: every row's computed fields (CSV; docs/RUNTIME.md). */
int rt_cmd_compute(const rt_opts *o, rt_error *err);
int rt_cmd_rollup(const rt_opts *o, rt_error *err);
int rt_cmd_calendar(const rt_opts *o, rt_error *err);
int rt_cmd_status(const rt_opts *o, rt_error *err);
/* `regrt hierarchy LIB DATA...`: the totals the `=` rules of the form's
 * hierarchies compute from the rows (VTL's hierarchy operator, output
 * `computed`), as CSV: the form's keys and the hierarchy's fields. */
int rt_cmd_hierarchy(const rt_opts *o, rt_error *err);
/* `regrt info LIB`: the regime, its signer and trust store (stdout). */
int rt_cmd_info(const rt_opts *o, rt_error *err);

#ifdef __cplusplus
}
#endif

#endif /* REGRT_H */
