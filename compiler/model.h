/*
 * model.h — the checked regime: what the semantic passes produce and every
 * back end (lower/codegen, XForms/XSD, diff, test runner) consumes.
 *
 * Names are resolved, code lists loaded, types and units computed; rule and
 * field expressions stay as AST trees whose nodes carry a type (sema_type)
 * and, for names, a resolved reference (sema_ref). Everything lives in the
 * compilation's arena.
 */
#ifndef MODEL_H
#define MODEL_H

#include <stdint.h>

#include "ast.h"
#include "diag.h"
#include "regime.h"

/* ---- types ---- */

typedef enum ty_kind {
    TY_ERROR = 0, /* already diagnosed; silences follow-up errors */
    TY_INTEGER, TY_COUNT, TY_DECIMAL, TY_MONEY, TY_PERCENT, TY_RATIO,
    TY_BOOL, TY_DATE, TY_TEXT, TY_CODE, TY_UNIT, TY_PERIOD
} ty_kind;

struct m_codelist;

typedef struct sema_type {
    ty_kind kind;
    int scale;                 /* decimal places of the scaled integer */
    const char *unit;          /* unit of measure, NULL if none */
    struct m_codelist *list;   /* TY_CODE */
} sema_type;

/* What a name in an expression refers to. */
typedef enum sema_ref_kind {
    REF_NONE = 0,
    REF_FIELD,        /* a field of the rule's own form: index */
    REF_OTHER_FORM,   /* form.field of the same submission: form, index */
    REF_CODE,         /* a code of a list: list, index */
    REF_LIST,         /* a code list (right of `in`) */
    REF_TIER,         /* a tier level (right of `in`): index */
    REF_WELL_FORMED   /* the built-in `well_formed` */
} sema_ref_kind;

/* Built-in functions. */
typedef enum sema_fn {
    FN_NONE = 0, FN_SUM, FN_MIN, FN_MAX, FN_ABS, FN_ROUND, FN_IF,
    FN_PREVIOUS, FN_CHILDREN, FN_IS_MISSING, FN_PRESENT, FN_COALESCE,
    FN_RUNNING_SUM, FN_CHANGE
} sema_fn;

/* Bounds of previous(x, k) and running_sum() (LANGUAGE.md). */
#define M_MAX_LAG 240

typedef struct sema_ref {
    sema_ref_kind kind;
    int form;    /* REF_FIELD / REF_OTHER_FORM: form index */
    int index;   /* field, code or tier index */
    struct m_codelist *list;
    sema_fn fn;  /* AST_E_CALL: the built-in called */
} sema_ref;

/* ---- the model ---- */

typedef struct m_code {
    const char *code;
    ast_texts *label;
    src_loc loc;
} m_code;

typedef struct m_codelist {
    const char *name;
    ast_texts *label;
    m_code *codes;
    int n_codes;
    src_loc loc;
    int used;
    ast_decl *decl;
} m_codelist;

typedef struct m_tier {
    const char *name;
    ast_texts *label;
    const char *column;     /* units CSV column of the code */
    const char *names;      /* units CSV column of the name, or NULL */
    const char *root_code;  /* single top unit code, or NULL */
    int optional;
    int parent;             /* index of the parent tier, -1 for the top */
    src_loc loc;
} m_tier;

typedef struct m_deadline {
    int tier;
    int days;
    int working;
    src_loc loc;
} m_deadline;

typedef struct m_field {
    const char *code;
    ast_texts *label, *hint;
    sema_type type;
    uint32_t flags;         /* RG_FIELD_* of regime.h */
    int64_t min, max;       /* scaled, valid per RG_FIELD_HAS_MIN/MAX */
    int max_digits;         /* 0 = none */
    rg_time_agg time_agg;
    rg_unit_agg unit_agg;
    int weight;             /* field index, -1 */
    ast_expr *expr;         /* COMPUTED / RATIO definition */
    ast_expr *relevant;     /* `relevant when`, or NULL */
    ast_member *decl;       /* NULL for the implicit unit/period fields */
    src_loc loc;
} m_field;

/* A rule's missing-value mode: the values of ir_missing (ir.h), in order. */
typedef enum m_missing {
    M_MISSING_SKIP = 0, M_MISSING_ZERO, M_MISSING_FAIL,
    M_MISSING_NON_NULL, M_MISSING_NON_ZERO, M_MISSING_PARTIAL_NULL, M_MISSING_PARTIAL_ZERO,
    M_MISSING_ALWAYS_NULL, M_MISSING_ALWAYS_ZERO,
    M_MISSING_SIDES /* DHIS2: m_rule.missing_left / missing_right (ir_side) */
} m_missing;
#define M_MISSING_N_MODES 9 /* the single-word modes above SIDES */

typedef struct m_rule {
    const char *code;
    rg_severity severity;
    uint32_t flags;         /* RG_RULE_* of regime.h */
    ast_expr *when;         /* guard or NULL */
    ast_expr *check;        /* typed bool */
    ast_expr *tolerance;    /* NULL = exact */
    ast_expr *tolerance_of; /* relative: the tolerance is tolerance * |tolerance_of| */
    m_missing missing;
    int missing_left, missing_right; /* SIDES: ir_side of each side */
    ast_texts *message;
    const char *errorcode;  /* `errorcode`, or NULL */
    int32_t errorlevel;     /* `errorlevel`, or -1 */
    int *fields;            /* fields read, ascending, no duplicates */
    int n_fields;
    ast_rule *decl;
    src_loc loc;
} m_rule;

/* One rule of a hierarchy: `check LEFT CMP [-]R1 + R2 - R3 ...` over the
 * codes of the hierarchy's list (SDMX VTL's hierarchical ruleset). */
typedef struct m_hier_rule {
    const char *code;
    rg_severity severity;
    int left;               /* code index in the list */
    ast_op cmp;             /* AST_OP_EQ, LE, GE, LT, GT */
    int *right;             /* code indexes */
    int *sign;              /* +1 or -1 */
    int n_right;
    ast_expr *when;         /* condition on `period` (and/or/not of
                               comparisons with a period or a date), or NULL */
    ast_expr *tolerance;    /* a constant, or NULL */
    ast_texts *message;     /* NULL: a message is made from the check */
    const char *errorcode;
    int32_t errorlevel;
    ast_rule *decl;
    src_loc loc;
} m_hier_rule;

/* `hierarchy NAME on LIST { rule ... }` */
typedef struct m_hierarchy {
    const char *name;
    ast_texts *label;
    struct m_codelist *list;
    int codelist;           /* index in m_regime.codelists */
    m_hier_rule *rules;     /* in declaration order */
    int n_rules;
    int *items;             /* the codes the rules name, ascending */
    int n_items;
    ast_decl *decl;
} m_hierarchy;

/* `hierarchy NAME on DIM [for f, g] [missing MODE]` in a form */
typedef struct m_hier_use {
    int hier;               /* index in m_regime.hierarchies */
    int dim;                /* the dimension field */
    int *fields;            /* the numeric fields checked */
    int n_fields;
    rg_missing_mode mode;   /* VTL's check_hierarchy mode; default non_null */
    ast_member *decl;
} m_hier_use;

typedef struct m_form {
    const char *code;
    ast_texts *label;
    int unit_tier;          /* tier index */
    rg_freq frequency;
    m_field *fields;        /* unit, period, dimensions, fields, computed, ratios
                               in declaration order (unit and period first) */
    int n_fields;
    int unit_field, period_field;
    int *dims;
    int n_dims;
    m_rule *rules;          /* sorted by code, byte-wise */
    int n_rules;
    m_hier_use *hiers;      /* hierarchies checked over its dimensions */
    int n_hiers;
    ast_decl *decl;
} m_form;

/* `total over d by H`: one computed code of the dimension, from the rows
 * of its leaf codes (a part that is itself a computed total is expanded,
 * so that nothing is added twice). */
typedef struct m_rollup_htotal {
    int hier;               /* index in m_regime.hierarchies */
    int dim;                /* k: the dimension form->dims[k] */
    int code;               /* the total's code index in the dimension's list */
    int *parts;             /* leaf code indexes */
    int n_parts;
} m_rollup_htotal;

typedef struct m_rollup {
    const char *name;
    int form;
    int *levels;            /* tier indexes, bottom up */
    int n_levels;
    rg_freq period;
    const char *period_column; /* "quarter", "half", "year", "month" */
    const char *count_column;  /* or NULL */
    int missing;               /* rg_missing_mode of the fields not named below */
    int *missing_of;           /* per model field of the form: its mode, 0 = `missing` */
    const char *coverage_column; /* or NULL */
    uint64_t *totals;          /* `total over d, e`: per grouping set, the mask
                                  of the form's dimensions (bit k = dims[k]) */
    int n_totals;
    m_rollup_htotal *htotals; /* `total over d by H`, per computed code */
    int n_htotals;
    ast_decl *decl;
} m_rollup;

typedef struct m_regime {
    const char *name;
    const char *version;
    ast_texts *label, *content, *outline, *guidance;
    rg_kind kind;
    rg_freq frequency;
    rg_cutoff_kind cutoff;
    int cutoff_day;
    int *submitters;        /* tier indexes */
    int n_submitters;
    int recipient;          /* tier index or -1 */
    const char *method;     /* comma-separated methods as written */
    m_deadline *deadlines;
    int n_deadlines;
    const char *tiers_name;
    m_tier *tiers;          /* top first */
    int n_tiers;
    const char *units_path; /* default units CSV of the tiers, or NULL */
    const char *holidays;   /* calendar name or NULL */
    const char *holidays_path;
    m_codelist *codelists;
    int n_codelists;
    m_form *forms;
    int n_forms;
    m_rollup *rollups;
    int n_rollups;
    m_hierarchy *hierarchies;
    int n_hierarchies;
    ast_decl **tests;
    int n_tests;
    ast_decl *decl;         /* the `regime` declaration */
    char source_hash[65];   /* sha256 of every source file, hex */
    const char **langs;     /* languages used by labels, sorted */
    int n_langs;
} m_regime;

/* Helpers shared by the back ends. */
const char *m_text(const ast_texts *t, const char *lang); /* NULL if absent */
/* The next placeholder `{...}` of a message text at or after p (a '{' after
 * a backslash is a literal brace): its '{', with *end at its '}' or NULL when
 * it is not closed; NULL when none is left. */
const char *m_placeholder(const char *text, const char *p, const char **end);
int m_form_field(const m_form *f, const char *code);      /* index or -1 */
int m_tier_index(const m_regime *r, const char *name);    /* index or -1 */
/* Periods of frequency `f` in one period of the coarser `reset` (12 months
 * in a year), or 0 when `reset` is not made of whole periods of `f` (a
 * quarter of years, nine months). */
int m_freq_window(rg_freq f, rg_freq reset);

#endif
