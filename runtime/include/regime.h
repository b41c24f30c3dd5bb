/*
 * regime.h — the stable C ABI between a compiled regime library (made by
 * `regc build`) and the runtime (`regrt`, libregrt) or any other host.
 *
 * A compiled regime is a shared library that exports exactly two symbols:
 *
 *     const uint32_t          regime_abi_version;   // == REGIME_ABI_VERSION
 *     const rg_regime_desc    regime_descriptor;    // everything else
 *
 * The descriptor is plain constant data (the regime, its tiers, code lists,
 * forms, fields, rules, roll-ups, calendar) plus pointers to the compiled
 * kernels of each form. Kernels work on columnar batches, never allocate,
 * never call back into the host, and report failures as per-rule bitsets so
 * the host formats messages only for rows that failed.
 *
 * Compatibility: a host accepts a library whose regime_abi_version equals the
 * REGIME_ABI_VERSION it was compiled with. Any change to a struct below or to
 * a kernel signature bumps REGIME_ABI_VERSION.
 */
#ifndef REGIME_H
#define REGIME_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define REGIME_ABI_VERSION 5u

/* ---- localized text --------------------------------------------------- */

/* One translation. `lang` is a BCP 47 tag ("vi", "en"). */
typedef struct rg_text {
    const char *lang;
    const char *text;
} rg_text;

/* All translations of one label or message; n may be 0. */
typedef struct rg_texts {
    uint32_t n;
    const rg_text *items;
} rg_texts;

/* ---- enumerations ----------------------------------------------------- */

typedef enum rg_type {
    RG_T_INTEGER = 1, /* signed 64-bit integer */
    RG_T_COUNT,       /* non-negative integer */
    RG_T_DECIMAL,     /* exact decimal, value scaled by 10^scale */
    RG_T_MONEY,       /* exact decimal in a currency (unit = "VND"...) */
    RG_T_PERCENT,     /* exact decimal, 90% is stored as 90 * 10^scale */
    RG_T_RATIO,       /* exact decimal, 0.9 is stored as 0.9 * 10^scale */
    RG_T_BOOL,        /* 0 or 1 */
    RG_T_DATE,        /* days since 1970-01-01 */
    RG_T_TEXT,        /* bytes; only the str/len columns are set */
    RG_T_CODE,        /* index into a code list, -1 when not in the list */
    RG_T_UNIT,        /* index into the host's unit table, -1 when unknown */
    RG_T_PERIOD       /* period number (see rg_freq), -1 when malformed */
} rg_type;

typedef enum rg_freq {
    RG_F_NONE = 0,
    RG_F_MONTHLY,     /* period number = year * 12 + (month - 1) */
    RG_F_QUARTERLY,   /* year * 4 + (quarter - 1) */
    RG_F_HALF_YEARLY, /* year * 2 + (half - 1) */
    RG_F_NINE_MONTHS, /* year (Jan..Sep, or the 9-month cut-off window) */
    RG_F_YEARLY       /* year */
} rg_freq;

typedef enum rg_cutoff_kind {
    RG_CUTOFF_CALENDAR = 1, /* calendar periods: 1st .. last day */
    RG_CUTOFF_DECREE09,     /* Decree 09: 15th of the month before .. 14th */
    RG_CUTOFF_DAY           /* from day `day` of the month before .. day-1 */
} rg_cutoff_kind;

typedef enum rg_kind { RG_KIND_PERIODIC = 1, RG_KIND_THEMATIC, RG_KIND_ADHOC } rg_kind;

typedef enum rg_severity { RG_SEV_ERROR = 1, RG_SEV_WARNING, RG_SEV_INFO } rg_severity;

/* Aggregation of a field over time (within a coarser period). */
typedef enum rg_time_agg {
    RG_TIME_SUM = 1,  /* flow: sum of every sub-period */
    RG_TIME_OPENING,  /* stock: value of the first sub-period present */
    RG_TIME_CLOSING,  /* stock: value of the last sub-period present */
    RG_TIME_AVERAGE,  /* stock: average of the sub-periods present */
    RG_TIME_NONE,     /* not aggregated over time */
    RG_TIME_OPENING_STRICT, /* stock: value of the calendar-first sub-period only */
    RG_TIME_CLOSING_STRICT  /* stock: value of the calendar-last sub-period only */
} rg_time_agg;

/* What a roll-up makes of missing values (SDMX VTL 2.1 `hierarchy` modes).
 * An item is one unit's report for one sub-period (for a stock: one unit's
 * stock); it is *absent* when an expected unit (from the units list) or
 * sub-period sent no row, *null* when its row is there with the value
 * empty. A null item always makes the aggregate empty; the modes say what
 * absent items count as and whether the output cell is produced. */
typedef enum rg_missing_mode {
    RG_MISS_NON_NULL = 1, /* absent = null; produced only when not null */
    RG_MISS_NON_ZERO,     /* absent = 0; produced only when not 0 */
    RG_MISS_PARTIAL_NULL, /* absent = null; produced when an item is found */
    RG_MISS_PARTIAL_ZERO, /* absent = 0; produced when an item is found */
    RG_MISS_ALWAYS_NULL,  /* absent = null; always produced */
    RG_MISS_ALWAYS_ZERO   /* absent = 0; always produced */
} rg_missing_mode;

/* Aggregation of a field over units (children into parent). */
typedef enum rg_unit_agg {
    RG_UNITS_SUM = 1,
    RG_UNITS_MIN,
    RG_UNITS_MAX,
    RG_UNITS_AVERAGE,
    RG_UNITS_WEIGHTED_AVERAGE, /* weighted by field `weight` */
    RG_UNITS_COUNT,
    RG_UNITS_NONE
} rg_unit_agg;

/* Field flags. */
#define RG_FIELD_REQUIRED  0x01u /* empty is malformed, not missing */
#define RG_FIELD_KEY_UNIT  0x02u /* the reporting unit */
#define RG_FIELD_KEY_PERIOD 0x04u /* the period */
#define RG_FIELD_DIMENSION 0x08u /* a disaggregation (one row per value) */
#define RG_FIELD_COMPUTED  0x10u /* computed by the kernel, not read */
#define RG_FIELD_RATIO     0x20u /* computed after aggregation from sums */
#define RG_FIELD_HAS_MIN   0x40u
#define RG_FIELD_HAS_MAX   0x80u
/* ABI 5: a figure of the unit, reported once per unit and period beside
 * the rows of a dimensioned form (`per unit`). Every row of the unit and
 * period carries the same value in its column (a host fills it in, and
 * refuses two different values); roll-ups count it once per unit. */
#define RG_FIELD_PER_UNIT  0x100u

/* Rule flags. */
#define RG_RULE_WELL_FORMED 0x01u /* reports malformed values of the row */
#define RG_RULE_PREVIOUS    0x02u /* reads the previous period (batch->prev) */
#define RG_RULE_CHILDREN    0x04u /* compares a unit with the sum of its children */
/* How validate evaluates a CHILDREN rule: children(x) reads
 * batch->children, the sum of the unit's children. A host checks such rules
 * by calling validate on a batch whose cols hold the units' own figures and
 * whose children hold the summed children (prev may be joined at the same
 * time), and reads only the CHILDREN rules' bits for those rows; when
 * children is NULL the children() values are missing. A CROSS_FORM rule
 * reads another form's fields from batch->other (the other form's row of
 * the same unit, period and shared dimension values); they are missing when
 * other, or other[form], is NULL. The flags summarise rg_rule.reads, which
 * is what a host plans its joins from. */
#define RG_RULE_CROSS_FORM  0x08u /* reads another form of the same submission */
#define RG_RULE_UNITS       0x10u /* needs the unit table (unit membership) */
/* ABI 5: reads only PER_UNIT fields (and the unit and period): it has one
 * verdict per unit and period, which a host reports once, not once per row
 * of the unit's dimension values. */
#define RG_RULE_PER_UNIT    0x20u

/* ---- descriptor ------------------------------------------------------- */

/* What an expression reads: one column in one role (ABI 3). */
typedef enum rg_role {
    RG_READ_ROW = 1,  /* this row: batch->cols[field] */
    RG_READ_PREVIOUS, /* the previous period's row of the same unit and
                         dimension values: batch->prev[field] */
    RG_READ_CHILDREN, /* the sum of the unit's children: batch->children[field] */
    RG_READ_OTHER     /* another form's row of the same unit, period and
                         shared dimensions: batch->other[form][field] */
} rg_role;

typedef struct rg_read {
    uint32_t role;  /* rg_role */
    int32_t form;   /* the form whose column is read (this form but for OTHER) */
    int32_t field;  /* column of that form */
} rg_read;

typedef struct rg_code {
    const char *code;
    rg_texts label;
} rg_code;

typedef struct rg_codelist {
    const char *name;
    rg_texts label;
    uint32_t n_codes;
    const rg_code *codes; /* in declaration order; index = interned value */
} rg_codelist;

/* One level of the tier hierarchy, ordered from the top (national) down. */
typedef struct rg_tier {
    const char *name;        /* "province" */
    rg_texts label;
    const char *code_column; /* column of the units CSV holding the code */
    const char *name_column; /* column holding the unit name, or NULL */
    const char *root_code;   /* code of the single top unit ("VN"), or NULL */
    uint32_t optional;       /* 1: a unit may have no parent at this level */
} rg_tier;

typedef struct rg_deadline {
    int32_t tier;     /* index into tiers */
    int32_t days;     /* after the end of the cut-off window */
    uint32_t working; /* 1: working days (holiday calendar), 0: calendar days */
} rg_deadline;

typedef struct rg_field {
    const char *code; /* stable column name */
    rg_texts label;
    rg_texts hint;
    uint32_t type;     /* rg_type */
    int32_t scale;     /* decimal places of the stored integer */
    const char *unit;  /* unit of measure ("dossiers", "VND") or NULL */
    uint32_t flags;    /* RG_FIELD_* */
    int64_t min, max;  /* scaled; valid when HAS_MIN / HAS_MAX */
    int32_t max_digits; /* lexical limit on digits (leading zeros count), 0 = none */
    int32_t codelist;  /* index for RG_T_CODE, else -1 */
    uint32_t time_agg; /* rg_time_agg */
    uint32_t unit_agg; /* rg_unit_agg */
    int32_t weight;    /* field index for weighted average, else -1 */
    uint32_t n_reads;  /* COMPUTED: the columns its expression reads */
    const rg_read *reads;
} rg_field;

/*
 * One placeholder of a rule's message (ABI 3). `name` is the text between
 * the braces as written in every translation ("imbalance",
 * "previous(e_share)", "total"). When `field` >= 0 the placeholder shows
 * the row's own text of that input column, as typed; otherwise its value is
 * output `k` of the form's message kernel for that rule (k = the index of
 * this entry), a number of type `type` scaled by 10^scale (a percent: 90%%
 * is 90 * 10^scale), a code index of `codelist`, a date or a period
 * number; not present means "(empty)".
 */
typedef struct rg_value {
    const char *name;
    uint32_t type;     /* rg_type */
    int32_t scale;
    int32_t codelist;  /* RG_T_CODE: index into codelists, else -1 */
    int32_t field;     /* >= 0: the raw text of this column; -1: computed */
} rg_value;

typedef struct rg_rule {
    const char *code; /* "V1" */
    uint32_t severity; /* rg_severity */
    uint32_t flags;    /* RG_RULE_* */
    rg_texts message;  /* template: placeholders are listed in `values` */
    const char *source; /* the check as written, comments and blank runs
                           removed: display text only */
    uint32_t n_fields;
    const int32_t *fields; /* fields the rule reads, for reports */
    uint32_t n_reads;
    const rg_read *reads;  /* every column its guard and check read, each
                              once, with its role; a computed column is
                              listed itself (its own reads are the field's) */
    uint32_t n_values;     /* at most 64 */
    const rg_value *values; /* the message's placeholders, in order of first
                               appearance, then the hidden values below */
    /* ABI 4: the result of the rule as data (VTL's check_datapoint). */
    const char *errorcode; /* `errorcode`, or NULL when not declared */
    int32_t errorlevel;    /* `errorlevel` (>= 0), or -1 when not declared */
    int32_t verdict;       /* index into values of the rule's verdict for the
                              row (a bool: 1 holds, 0 fails, not present:
                              null, the rule could not be evaluated), or -1 */
    int32_t imbalance;     /* index into values of the difference of the two
                              sides of the check's comparison, or -1 when the
                              check is not a comparison of two numbers */
    /* ABI 5 */
    int32_t guard;         /* index into values of a bool: the rule produces
                              a result for the row (a hierarchy rule: its
                              `when` holds and its mode finds the items it
                              needs, VTL check_hierarchy); -1: every row */
} rg_rule;

/* ---- batches ---------------------------------------------------------- */

/*
 * One column of a batch. For every type but RG_T_TEXT the host fills `v`
 * (scaled integers, day numbers, interned code/unit indexes). The host always
 * fills `str`/`len` with the raw text of text, code and unit columns (for
 * echoing); for other types they may be NULL.
 * Bit i of `present` is set when row i has a well-formed value; bit i of
 * `malformed` is set when row i had text that could not be read.
 * Bitmaps hold (n_rows + 63) / 64 words.
 */
typedef struct rg_column {
    int64_t *v;
    const char *const *str;
    const uint32_t *len;
    uint64_t *present;
    uint64_t *malformed;
} rg_column;

typedef struct rg_batch {
    uint32_t n_rows;
    const rg_column *cols;      /* one per field of the form, in field order */
    const rg_column *prev;      /* previous period's row of the same unit and
                                   dimensions, per field, computed fields
                                   included, then the form's lags (ABI 5:
                                   rg_form.n_lags); NULL if not joined */
    const uint64_t *well_formed; /* bit i: row i has no malformed value */
    const rg_column *const *other; /* per form index: that form's columns (its
                                      field order) joined to this row, or NULL;
                                      NULL: no form joined (ABI 2) */
    const rg_column *children;  /* per field: the sum of the row's unit's
                                   children (same period and dimensions);
                                   NULL if not joined (ABI 3) */
    /* ABI 5: which joined rows exist, so that a rule can tell an absent
     * item (no previous-period row, no children rows, no row of the other
     * form) from an empty one (the row exists, the cell is empty). Bit i:
     * row i has a previous-period row / its unit has children rows / (per
     * form index) a row of that form. A NULL bitmap with its source not
     * NULL: every row has one; with its source NULL: none has. */
    const uint64_t *prev_rows;
    const uint64_t *children_rows;
    const uint64_t *const *other_rows;
} rg_batch;

/*
 * validate: computes the computed fields, then evaluates every row rule. A
 * host calls it for every batch, also when the form has no rules (the
 * computed fields are then its only output). For rule r, bit i of fail[r] is set
 * when row i fails it (rules skipped for missing operands do not fail).
 * fail[r] is cleared by the kernel first. Computed fields (COMPUTED) are
 * written into their columns (v and present) before the rules run.
 * Returns 0, or -1 when a 64-bit overflow occurred; then bit i of
 * `overflow` marks the rows concerned and their rule bits are not set.
 * (Generated kernels: only the rules whose own evaluation overflowed lose
 * their bit; `overflow` and every fail word are written for all words.)
 */
typedef int (*rg_validate_fn)(const rg_batch *batch, uint64_t *const *fail,
                              uint64_t *overflow);

/*
 * accumulate: adds each row i whose slot[i] != UINT32_MAX into the
 * accumulator group acc + slot[i] * n_acc. pos[i] tells the row's place in
 * the target period: bit 0 = first sub-period, bit 1 = last sub-period,
 * bits 2..7 = the index of its sub-period in the target period (0 = the
 * first). pos NULL: every row is sub-period 0, first and last (3).
 * Returns 0, or -1 on 64-bit overflow (the group is then marked overflowed
 * in its accumulator's last word).
 *
 * The last four words of a group are the host's to read (RG_ACC_*): the
 * mask of sub-periods with a row (bit = index), the number of rows in the
 * first sub-period, in the last sub-period, and the number of rows (its
 * sign bit marks overflow). A group is empty when its row count is 0.
 */
#define RG_ACC_MASK(n_acc)  ((n_acc) - 4)
#define RG_ACC_FIRST(n_acc) ((n_acc) - 3)
#define RG_ACC_LAST(n_acc)  ((n_acc) - 2)
#define RG_ACC_ROWS(n_acc)  ((n_acc) - 1)
typedef int (*rg_accumulate_fn)(const rg_batch *batch, const uint32_t *slot,
                                const uint8_t *pos, int64_t *acc);

/* combine: merges group `src` into group `dst` (children into a parent,
 * one thread's partial into another). Both hold n_acc words. */
typedef int (*rg_combine_fn)(int64_t *dst, const int64_t *src);

/*
 * finalize: turns one accumulator group into output values, one per
 * rg_form.outputs entry: out[k] (scaled by outputs[k]'s scale) and bit k of
 * *present (0 = empty, e.g. a ratio whose denominator is 0).
 */
typedef void (*rg_finalize_fn)(const int64_t *acc, int64_t *out, uint64_t *present);

/*
 * message (ABI 3): the values of the placeholders of rule `rule`'s message
 * for row `row` of the batch (the same batch validate was given, after
 * validate wrote its computed columns): out[k] and bit k of *present for
 * rules[rule].values[k] (entries with field >= 0 are left to the host).
 * Returns 0, or -1 when rule is out of range.
 */
typedef int (*rg_message_fn)(const rg_batch *batch, uint32_t rule, uint32_t row, int64_t *out,
                             uint64_t *present);

/*
 * A column of batch->prev beyond the form's fields (ABI 5): field `field`
 * of the row of the same unit and dimension values `lag` periods earlier
 * (previous(x, 3)), not present when there is no such single row; lag 0
 * with `field` the period: the first period of the row's series (unit and
 * dimension values) in the data joined, present whenever the series has a
 * row (running_sum() that never resets starts there). batch->prev_rows
 * is about the previous period's row only: a lag's row has no such bit.
 */
typedef struct rg_lag {
    int32_t field;
    uint32_t lag;
} rg_lag;

/* One column of the roll-up output of a form. */
typedef struct rg_output {
    const char *code;  /* column name */
    rg_texts label;
    uint32_t type;     /* rg_type of the value */
    int32_t scale;
    int32_t field;     /* source field, or -1 for a ratio */
    int32_t acc_from;  /* accumulator word holding the sub-period index + 1
                          of a stock's value (the earliest of the units'),
                          0 = none; -1 when the stock is strict or a flow */
} rg_output;

typedef struct rg_form {
    const char *code;
    rg_texts label;
    int32_t unit_tier;   /* tier of the reporting units */
    uint32_t frequency;  /* rg_freq of the period column */
    uint32_t n_fields;
    const rg_field *fields;
    int32_t unit_field;   /* index of the KEY_UNIT field */
    int32_t period_field; /* index of the KEY_PERIOD field */
    uint32_t n_dims;
    const int32_t *dims;  /* DIMENSION fields, in declaration order */
    uint32_t n_rules;
    const rg_rule *rules; /* sorted by code (byte-wise) */
    uint32_t n_acc;       /* accumulator words per group (last = row count) */
    uint32_t n_outputs;
    const rg_output *outputs;
    rg_validate_fn validate;
    rg_accumulate_fn accumulate;
    rg_combine_fn combine;
    rg_finalize_fn finalize;
    rg_message_fn message;   /* ABI 3 */
    uint32_t prev_depth;     /* periods back the kernels read: 0 none, 1
                                previous(), 2 previous() of a computed field
                                that itself reads previous(), ... (ABI 3) */
    /* ABI 5: hierarchies over the codes of a dimension */
    uint32_t n_hierarchies;
    const struct rg_hierarchy *hierarchies;
    /* ABI 5: time series. batch->prev has n_fields + n_lags columns: after
     * the form's own (the previous period's row), column n_fields + k holds
     * lags[k] for the same row; an rg_read of role RG_READ_PREVIOUS whose
     * field is n_fields + k reads that column. */
    uint32_t n_lags;
    const rg_lag *lags;
    uint32_t prev_series;    /* 1: a running total that never resets reads
                                back to its series' first period: a host
                                joins prev_depth plus (the longest series'
                                last period less its first) times */
} rg_form;

/*
 * A hierarchy checked over a form's dimension (ABI 5; SDMX VTL's
 * check_hierarchy). A *group* is the form's rows of one unit, period and
 * values of the other dimensions; its *items* are the codes the rules name.
 * The host makes one row of the `pivot` form per group, with columns
 *   0                       the period (RG_T_PERIOD), always present;
 *   1 + k                   a bool: item k has a row in the group (always
 *                           present; absent items are 0);
 *   1 + n_items + m*n_items + k   measure m of item k: present when the row
 *                           exists and the value is not empty,
 * and calls pivot->validate and pivot->message on that batch. Each pivot
 * rule is one hierarchy rule for one measure: rule_left[r] is the item of
 * its left side (the result's dimension value), rule_measure[r] the
 * measure. A rule's result exists only where its `guard` value is true.
 */
typedef struct rg_hierarchy {
    const char *name;
    int32_t dim;                 /* the dimension field of the form */
    uint32_t mode;               /* rg_missing_mode (VTL's check modes) */
    uint32_t n_items;
    const int32_t *items;        /* code indexes in dim's list */
    uint32_t n_measures;
    const int32_t *measures;     /* fields of the form */
    const rg_form *pivot;        /* validate and message kernels, rules */
    const int32_t *rule_left;    /* per pivot rule: index into items */
    const int32_t *rule_measure; /* per pivot rule: index into measures */
    /* The totals the `=` rules compute (VTL's hierarchy operator, input
     * `rule`): computed columns of the pivot, written by its validate. */
    uint32_t n_totals;
    const struct rg_hier_total *totals;
} rg_hierarchy;

/* One computed total of a hierarchy: the value of code `item` for measure
 * `measure` in a group, in pivot column `value` (present when not null),
 * and whether the mode produces it, a bool in pivot column `produced`. */
typedef struct rg_hier_total {
    int32_t item;     /* index into items */
    int32_t measure;  /* index into measures */
    int32_t value;    /* pivot column */
    int32_t produced; /* pivot column */
} rg_hier_total;

/* A roll-up declared by the spec: a form over tiers and time. */
typedef struct rg_rollup {
    const char *name;
    int32_t form;
    uint32_t n_levels;
    const int32_t *levels;  /* tiers to output, bottom up */
    uint32_t period;        /* rg_freq of the output periods */
    const char *period_column; /* output column name ("quarter") */
    const char *count_column;  /* completeness column ("n_units"), or NULL */
    uint32_t missing;          /* rg_missing_mode of every output ... */
    const uint8_t *missing_of; /* ... or per output of the form (NULL: all `missing`) */
    const char *coverage_column; /* number of sub-periods covered, and a
                                    FIELD_from column per stock, or NULL */
    /* ABI 5: totals across dimensions (`total over d, e`): one grouping set
     * per entry, the mask of the form's dimensions it totals (bit k =
     * rg_form.dims[k]; E0417 keeps dimensions to 64). The total rows show
     * RG_TOTAL_CODE in those dimension columns. */
    uint32_t n_totals;
    const uint64_t *totals;
    /* ABI 5: `total over d by H`: codes of dimension d computed from the
     * groups of their leaf codes, one entry per code; sent rows with such
     * a code are left out (and counted). */
    uint32_t n_htotals;
    const struct rg_rollup_htotal *htotals;
} rg_rollup;

/* One code a roll-up computes with a hierarchy's `=` rule (only `+` parts,
 * each part that is itself computed expanded to its leaves). */
typedef struct rg_rollup_htotal {
    uint32_t dim;          /* k: the dimension rg_form.dims[k] */
    int32_t code;          /* the total's code index in the dimension's list */
    uint32_t n_parts;
    const int32_t *parts;  /* leaf code indexes */
    const char *hierarchy; /* its name, for the row accounting */
} rg_rollup_htotal;

/* The value of a totalled dimension in a roll-up's total rows (SDMX's
 * "_T"); a code list that has this code cannot be totalled (E0498). */
#define RG_TOTAL_CODE "_T"

typedef struct rg_regime_desc {
    uint32_t abi_version;
    const char *name;      /* "tthc" */
    const char *version;   /* the regime's semantic version */
    const char *source_hash; /* sha256 of the spec sources, hex */
    const char *compiler_version;
    rg_texts label;
    rg_texts content;
    rg_texts submitter_note;
    rg_texts guidance;
    uint32_t kind;        /* rg_kind */
    uint32_t frequency;   /* rg_freq */
    uint32_t cutoff;      /* rg_cutoff_kind */
    int32_t cutoff_day;   /* for RG_CUTOFF_DAY */
    int32_t submitter_tier;
    int32_t recipient_tier;
    const char *method;
    uint32_t n_tiers;
    const rg_tier *tiers; /* top first */
    uint32_t n_deadlines;
    const rg_deadline *deadlines;
    uint32_t n_codelists;
    const rg_codelist *codelists;
    uint32_t n_forms;
    const rg_form *forms;
    uint32_t n_rollups;
    const rg_rollup *rollups;
    const char *holidays; /* name of the holiday calendar ("vn"), or NULL */
} rg_regime_desc;

#ifdef __cplusplus
}
#endif

#endif /* REGIME_H */
