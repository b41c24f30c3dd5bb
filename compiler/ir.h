/*
 * ir.h — the typed IR between the checked model and the back ends.
 *
 * lower.c turns each form of an m_regime into an ir_form: its columns, the
 * computed fields and rules as small expression trees over scaled 64-bit
 * integers, the accumulator layout of its aggregation and its roll-up
 * outputs. cg_llvm*.c compiles an ir_form into kernels; eval.c interprets
 * the same trees. Keeping both back ends on one IR, with every scale
 * conversion made explicit by lower.c, is what makes the differential tests
 * meaningful: the two only have to agree on the operators below.
 *
 * Semantics of every expression (per row):
 *   - it yields a value (int64, scaled by 10^scale; bools are 0/1), a
 *     presence bit and an overflow bit;
 *   - presence propagates strictly: an operator on a missing operand is
 *     missing; only IR_PRESENT, IR_COALESCE and IR_IF (untaken branch)
 *     absorb missing values; IR_DIV by zero is missing;
 *   - overflow is raised only by an operator whose operands are all
 *     present, and then propagates like presence does (IR_IF only from the
 *     branch taken).
 * Values of missing rows are never looked at, so garbage in `v` is harmless.
 */
#ifndef IR_H
#define IR_H

#include <stdint.h>

#include "arena.h"
#include "model.h"
#include "regime.h"

typedef enum ir_op {
    IR_CONST,       /* value at scale; always present */
    IR_MISSING,     /* never present (e.g. a cross-form read) */
    IR_FIELD,       /* cols[field]; `zero`: missing reads as 0 (present) */
    IR_PREV,        /* prev[field] (previous period); missing when prev NULL.
                       field >= n_fields: the form's lag lags[field -
                       n_fields] (previous(x, k), a series' first period) */
    IR_CHILD,       /* children[field]: the sum of the unit's children;
                       missing when children NULL */
    IR_ACC,         /* finalize only: aggregated value of field `field` */
    IR_WELL_FORMED, /* batch->well_formed bit (all ones when NULL); present */
    IR_ADD, IR_SUB, /* a, b at the node's scale */
    IR_MUL,         /* scale = a.scale + b.scale */
    IR_DIV,         /* a / b computed at the node's scale, rounded half away
                       from zero; b = 0 gives missing */
    IR_NEG, IR_ABS, /* overflow on INT64_MIN */
    IR_MIN, IR_MAX, /* a, b at the node's scale */
    IR_RESCALE,     /* a from a.scale to scale: up exact (may overflow),
                       down rounded half away from zero */
    IR_CMP,         /* a cmp b (same scale); c = tolerance or NULL; bool */
    IR_AND, IR_OR, IR_NOT, /* bools, strict presence */
    IR_IF,          /* a ? b : c */
    IR_IN,          /* a (code/unit index) >= 0, or one of set[0..n_set) */
    IR_PRESENT,     /* bool: a is present; always present */
    IR_COALESCE,    /* a if present, else b */
    IR_PSTART,      /* bool: period number a is the first of its window of
                       `value` periods (a mod value = 0: January of a year
                       of months); present when a is */
    IR_OTHER,       /* other[form][field]: another form's row joined to this
                       one (same unit, period, shared dimensions); missing
                       when other or other[form] is NULL; `zero` as IR_FIELD */
    IR_EXISTS       /* bool, always present: the row the leaf `a` (an
                       IR_FIELD, PREV, CHILD or OTHER) reads from exists:
                       always for IR_FIELD (the row itself); for the others
                       the batch's prev_rows / children_rows / other_rows
                       bit (regime.h) — an absent item, as opposed to an
                       empty one (the row exists, the cell is empty) */
} ir_op;

typedef enum ir_cmp { IR_EQ = 1, IR_NE, IR_LT, IR_LE, IR_GT, IR_GE } ir_cmp;

typedef struct ir_expr ir_expr;
struct ir_expr {
    ir_op op;
    int scale;          /* of the value; 0 for bools */
    int is_bool;
    ir_cmp cmp;         /* IR_CMP */
    int64_t value;      /* IR_CONST */
    int field;          /* IR_FIELD, IR_PREV, IR_CHILD, IR_ACC, IR_OTHER (a
                           column of form `form`) */
    int form;           /* IR_OTHER: the other form's index */
    int zero;           /* IR_FIELD/PREV/CHILD/OTHER: ir_zero */
    ir_expr *a, *b, *c;
    const int64_t *set; /* IR_IN: explicit code indexes, or NULL */
    int n_set;
};

/* What a leaf read gives when its value is missing (ir_expr.zero). */
typedef enum ir_zero {
    IR_ZERO_NONE = 0,   /* missing (absent or empty) stays missing */
    IR_ZERO_MISSING,    /* missing (absent or empty) reads 0, present */
    IR_ZERO_ABSENT      /* absent reads 0 (present); empty stays missing */
} ir_zero;

/*
 * A rule's missing-value mode (LANGUAGE.md, "Missing values"). An *item* is
 * one value the check reads: a field of the row, previous(f), children(f),
 * other.f, a code item of a hierarchy. It is ABSENT when the row it comes
 * from does not exist (no previous-period row, no children rows, no row of
 * the other form, no row for that code) and EMPTY when the row exists and
 * the cell is empty; a field of the row itself is never absent. The result
 * (verdict) of a rule on a row is true, false or null (not evaluable);
 * only false fails. Names and values are stable: hierarchy rules use them.
 */
typedef enum ir_missing {
    IR_MISS_SKIP = 0,     /* absent and empty are null: null verdict */
    IR_MISS_ZERO,         /* absent and empty read 0 */
    IR_MISS_FAIL,         /* as skip, and a null verdict is false */
    /* SDMX VTL 2.1 check_hierarchy modes: absent items read null (*_NULL)
     * or 0 (*_ZERO), empty items stay null; the rule is evaluated when the
     * condition holds, else its verdict is null */
    IR_MISS_NON_NULL,     /* every item exists and is not empty */
    IR_MISS_NON_ZERO,     /* some item is not 0 (absent = 0, empty != 0) */
    IR_MISS_PARTIAL_NULL, /* some item exists */
    IR_MISS_PARTIAL_ZERO, /* some item exists */
    IR_MISS_ALWAYS_NULL,  /* always (as skip) */
    IR_MISS_ALWAYS_ZERO,  /* always */
    IR_MISS_SIDES         /* DHIS2: a strategy per side of the check's
                             comparison, ir_rule.left and .right */
} ir_missing;

/* DHIS2's missing-value strategy of one side of a comparison; "missing"
 * is absent or empty, as DHIS2 stores no empty values. */
typedef enum ir_side {
    IR_SIDE_NONE = 0,
    IR_SIDE_SKIP_IF_ANY,  /* any item of the side missing: null verdict */
    IR_SIDE_SKIP_IF_ALL,  /* every item missing: null; else missing = 0 */
    IR_SIDE_NEVER_SKIP    /* missing reads 0 */
} ir_side;

/* One column an expression reads, in one role (rg_read of regime.h). */
typedef struct ir_read {
    int role;           /* rg_role */
    int form;           /* the form of the column (this one but for OTHER) */
    int field;          /* column index in that form */
} ir_read;

/* One placeholder of a message (rg_value of regime.h). */
typedef struct ir_value {
    const char *name;   /* as written between the braces */
    int type;           /* rg_type */
    int scale;          /* of the descriptor (a percent: expr->scale - 2) */
    int codelist;       /* RG_T_CODE: code list index, else -1 */
    int field;          /* >= 0: the raw text of that column; expr is NULL */
    ir_expr *expr;      /* the value; NULL with field < 0: never present */
} ir_value;

typedef struct ir_rule {
    const char *code;
    int severity;       /* rg_severity */
    uint32_t flags;     /* RG_RULE_* */
    ir_expr *when;      /* NULL: always evaluated */
    ir_expr *check;     /* bool */
    ir_missing missing;
    ir_side left, right; /* IR_MISS_SIDES: the strategy of each side */
    const m_rule *src;  /* for the descriptor (messages, fields) */
    ir_read *reads;     /* of when, check and the message values */
    int n_reads;
    ir_value *values;   /* the message's placeholders, then the hidden ones */
    int n_values;
    int verdict;        /* index into values of the verdict (rg_rule.verdict) */
    int imbalance;      /* index into values of the imbalance, or -1 */
    int guard;          /* index into values of the result's existence, or -1 */
} ir_rule;

/* How a field is accumulated; words are consecutive from `acc`. */
typedef enum ir_acc_kind {
    IR_ACC_NONE = 0,
    IR_ACC_SUM,         /* 1 word: sum of present values */
    IR_ACC_COUNT,       /* 1 word: number of present values */
    IR_ACC_AVERAGE,     /* 2 words: sum, number of present values */
    IR_ACC_WEIGHTED     /* 2 words: sum of value*weight, sum of weights */
} ir_acc_kind;

typedef struct ir_field {
    const char *code;
    int type;           /* rg_type */
    int scale;
    uint32_t flags;     /* RG_FIELD_* */
    int time_agg;       /* rg_time_agg */
    int unit_agg;       /* rg_unit_agg */
    int weight;         /* field index or -1 */
    ir_acc_kind acc_kind;
    int acc;            /* first accumulator word, -1 if not accumulated */
    int acc_null;       /* word counting items whose value is empty (null),
                           -1 when it cannot be (required, or a count) */
    int acc_nv;         /* min/max: word counting items with a value, else -1 */
    int acc_sel;        /* stock opening/closing (not strict): the chosen
                           row's sub-period index + 1 (0 none), else -1 */
    ir_expr *expr;      /* COMPUTED: per-row value */
    const m_field *src;
    ir_read *reads;     /* COMPUTED: what expr reads */
    int n_reads;
    int prev_depth;     /* COMPUTED: periods back expr reads (see ir_form) */
    int running;        /* running_sum(): 0 not one, W > 0 resets every W
                           periods, -1 never resets */
    const ir_expr *running_of; /* running_sum(): what it sums */
} ir_field;

typedef struct ir_output {
    const char *code;
    int type;           /* rg_type */
    int scale;
    int field;          /* field whose aggregate this is, -1 for a ratio */
    ir_expr *expr;      /* ratio: its value over IR_ACC leaves, else NULL */
    int acc_from;       /* the field's acc_sel, or -1 (rg_output.acc_from) */
    const m_field *src; /* the field or ratio declared in the spec */
} ir_output;

/* A column of batch->prev after the fields (rg_lag of regime.h). */
typedef struct ir_lag {
    int field;          /* the column read */
    int lag;            /* periods back (>= 2); 0: the series' first period */
} ir_lag;

typedef struct ir_form {
    const char *code;
    int index;
    ir_field *fields;   /* the model's fields less the ratios (those are
                           outputs only): one batch column each */
    int n_fields;
    int *field_of;      /* model field index -> fields index, -1 for ratios */
    int *computed;      /* computed field indexes in evaluation order */
    int n_computed;
    ir_rule *rules;     /* sorted by code, byte-wise */
    int n_rules;
    int n_acc;          /* words per group; the last four are the
                           sub-period mask, the rows of the first and of
                           the last sub-period and the row count (RG_ACC_*) */
    ir_output *outputs;
    int n_outputs;
    int prev_depth;     /* periods back any expression reads: previous(x)
                           is 1, previous(c) of a computed c reading
                           previous() is 2, ... */
    ir_lag *lags;       /* prev columns n_fields.. (previous(x, k)) */
    int n_lags;
    int prev_series;    /* a running_sum() that never resets: the joins
                           also go back the length of the longest series */
    const m_form *src;
    struct ir_hier *hiers; /* hierarchies checked over its dimensions */
    int n_hiers;
} ir_form;

/* A hierarchy checked by a form (rg_hierarchy of regime.h): its rules,
 * one per hierarchy rule and measure, are rules of a `pivot` form whose
 * row is one group of the form's rows (lower_hier.c). */
typedef struct ir_hier {
    const m_hier_use *use;
    const m_hierarchy *h;
    int dim;            /* ir field index of the dimension */
    int mode;           /* rg_missing_mode */
    int *measures;      /* ir field indexes */
    int n_measures;
    ir_form pivot;
    int *rule_left;     /* per pivot rule: index into h->items */
    int *rule_measure;  /* per pivot rule: index into measures */
    int n_totals;       /* rg_hier_total: item, measure, value and
                           produced columns, 4 ints each */
    int *totals;
} ir_hier;

typedef struct ir_regime {
    const char *name;
    ir_form *forms;
    int n_forms;
    const m_regime *src;
} ir_regime;

/* ---- helpers shared by lower, cg and eval (ir.c) ---- */

/* 10^k for 0 <= k <= 18. */
int64_t ir_pow10(int k);
ir_expr *ir_new(arena *a, ir_op op, int scale);
/* A node with operands x and y; ir_bool_node's value is a bool. */
ir_expr *ir_node(arena *a, ir_op op, int scale, ir_expr *x, ir_expr *y);
ir_expr *ir_bool_node(arena *a, ir_op op, ir_expr *x, ir_expr *y);
/* Prints an expression tree as an S-expression (tests, --emit-ir). */
void ir_print_expr(const ir_expr *e, char *buf, size_t size);
/* The reads of an expression added to *reads (deduplicated, arena `a`). */
void ir_collect_reads(arena *a, const ir_expr *e, int form, ir_read **reads, int *n, int *cap);
/* Row count word of an accumulator group; the sign bit marks overflow. */
#define IR_ACC_OVERFLOW INT64_MIN

#endif
