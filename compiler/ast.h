/*
 * ast.h — the syntax tree of a regime spec.
 *
 * Three families: declarations (top level), members of a form, and
 * expressions. Each node has a kind, a location and a per-kind payload.
 * Every node, string and list lives in the compilation's arena (arena.h)
 * and is freed with it.
 */
#ifndef AST_H
#define AST_H

#include <stdint.h>

#include "arena.h"
#include "srcloc.h"

/* A growable list of pointers, allocated in the arena. */
typedef struct ast_list {
    void **items;
    int n, cap;
} ast_list;

void ast_list_push(arena *a, ast_list *l, void *item);
#define AST_EACH(T, var, list) \
    for (int var##_i = 0; var##_i < (list).n; var##_i++) \
        for (T var = (T)(list).items[var##_i]; var; var = NULL)

/* One translation: `vi "Nam"`. */
typedef struct ast_text {
    const char *lang; /* "vi", "en" */
    const char *text; /* UTF-8, escapes resolved */
    src_loc loc;
} ast_text;

/* All translations of one label; items are ast_text*. */
typedef struct ast_texts {
    ast_list items;
    src_loc loc;
} ast_texts;

/* A dotted or plain name: `domains`, `decree09.monthly`. */
typedef struct ast_name {
    const char *text; /* as written, with dots */
    src_loc loc;
} ast_name;

/* ---- expressions ------------------------------------------------------ */

typedef enum ast_expr_kind {
    AST_E_NUMBER,  /* 42, 1.50 : exact, value * 10^-scale */
    AST_E_PERCENT, /* 90% : value * 10^-scale percent */
    AST_E_STRING,  /* "00001" */
    AST_E_DATE,    /* 2025-07-01 */
    AST_E_PERIOD,  /* 2025-01, 2025-Q1, 2025-H2, 2025 (as a period) */
    AST_E_BOOL,    /* true, false */
    AST_E_NAME,    /* a field, code, tier level, list or `well_formed` */
    AST_E_UNARY,   /* -x, not x */
    AST_E_BINARY,  /* x + y, x = y, x and y ... */
    AST_E_CALL,    /* sum(a, b), round(x, 2), previous(x), children(x) */
    AST_E_IN,      /* x in list, x in (A, B) */
    AST_E_MISSING  /* the literal `missing` (test data only) */
} ast_expr_kind;

typedef enum ast_op {
    AST_OP_ADD = 1, AST_OP_SUB, AST_OP_MUL, AST_OP_DIV,
    AST_OP_EQ, AST_OP_NE, AST_OP_LT, AST_OP_LE, AST_OP_GT, AST_OP_GE,
    AST_OP_AND, AST_OP_OR, AST_OP_NOT, AST_OP_NEG
} ast_op;

typedef struct ast_expr ast_expr;
struct ast_expr {
    ast_expr_kind kind;
    src_loc loc;
    union {
        struct { int64_t value; int scale; const char *text; } num; /* NUMBER, PERCENT */
        const char *str;                               /* STRING */
        int32_t date;                                  /* DATE: days since 1970-01-01 */
        struct { const char *text; } period;           /* PERIOD */
        int boolean;                                   /* BOOL */
        ast_name name;                                 /* NAME */
        struct { ast_op op; ast_expr *operand; } unary;
        struct { ast_op op; ast_expr *lhs, *rhs; } binary;
        struct { ast_name callee; ast_list args; } call; /* args: ast_expr* */
        struct { ast_expr *operand; ast_name list; ast_list codes; int has_list; } in;
    } u;
    /* Filled by semantic analysis (model.h). */
    struct sema_type *type;
    struct sema_ref *ref;
    /* Height of this tree (1 for a leaf); the parser keeps it at most
     * PARSE_MAX_EXPR_DEPTH, so passes may recurse on expressions. */
    int depth;
};

/* ---- types ------------------------------------------------------------ */

/* A type as written: `count of dossiers`, `decimal(2)`, `money VND`,
 * `code in domains`, or the name of a `type` alias. */
typedef struct ast_type {
    ast_name base;       /* count, integer, decimal, money, percent, ratio,
                            bool, date, text, code, or an alias */
    int scale;           /* decimal(N); -1 when not written */
    ast_name unit;       /* `of dossiers`, `money VND`; text NULL if none */
    ast_name codelist;   /* `code in domains`; text NULL if none */
    src_loc loc;
} ast_type;

/* ---- form members ----------------------------------------------------- */

typedef enum ast_member_kind {
    AST_M_FIELD,     /* field x: count ... */
    AST_M_DIMENSION, /* dimension domain: code in domains ... */
    AST_M_COMPUTED,  /* computed x = expr ... */
    AST_M_RATIO,     /* ratio x = a / b ... */
    AST_M_RULE,      /* rule V1 error ... */
    AST_M_LABEL,     /* label vi "..." en "..." */
    AST_M_REPORTED,  /* reported by commune */
    AST_M_PERIOD,    /* period month */
    AST_M_HIERARCHY  /* hierarchy totals on sex [for f, g] [missing MODE] */
} ast_member_kind;

/* Attributes of fields, dimensions, computed fields and ratios. Which ones
 * are allowed where is checked by sema, so the grammar stays simple. */
typedef enum ast_attr_kind {
    AST_A_LABEL,     /* label vi ".." en ".." */
    AST_A_HINT,      /* hint vi ".." */
    AST_A_REQUIRED,
    AST_A_OPTIONAL,
    AST_A_RANGE,     /* range LO to HI */
    AST_A_MAX_DIGITS,/* max digits N */
    AST_A_STOCK,     /* stock opening|closing|average */
    AST_A_FLOW,      /* flow */
    AST_A_OVER_UNITS,/* over units sum|min|max|average|count|none [by F] */
    AST_A_DECIMALS,  /* decimals N */
    AST_A_WHEN,      /* when expr (relevance of a field) */
    AST_A_PER        /* per unit: reported once per unit and period */
} ast_attr_kind;

/* `missing MODE [for f, g]` of a roll-up */
typedef struct ast_rollup_miss {
    ast_name mode;
    ast_list *fields; /* NULL: every field */
    src_loc loc;
} ast_rollup_miss;

/* `total over d, e` of a roll-up: one grouping set of dimensions */
typedef struct ast_rollup_total {
    ast_list dims;   /* ast_name*, the dimensions totalled */
    src_loc loc;     /* of `total` */
    ast_name by;     /* `total over d by H`: the hierarchy, or no text */
} ast_rollup_total;

typedef struct ast_attr {
    ast_attr_kind kind;
    src_loc loc;
    ast_texts *texts;      /* LABEL, HINT */
    ast_expr *lo, *hi;     /* RANGE */
    ast_expr *expr;        /* WHEN */
    int64_t number;        /* MAX_DIGITS, DECIMALS */
    ast_name word;         /* STOCK kind, OVER_UNITS aggregation */
    ast_name by;           /* OVER_UNITS weighted by */
} ast_attr;

typedef struct ast_rule {
    const char *code;  /* "V1" */
    src_loc code_loc;
    ast_name severity; /* error | warning | info */
    ast_expr *when;    /* guard, or NULL */
    ast_expr *check;   /* must hold, or NULL (an error) */
    ast_expr *tolerance; /* NULL when exact */
    ast_expr *tolerance_of; /* `tolerance 1% of X`: relative to |X|, or NULL */
    ast_name missing;  /* a mode (skip, zero, fail, non_null, ...), or the
                          word `left` of `missing left: S, right: S`; text
                          NULL = default skip */
    ast_name missing_left, missing_right_kw, missing_right; /* the strategies
                          of `missing left: S, right: S` (texts NULL otherwise) */
    ast_texts *message;
    ast_name errorcode;  /* `errorcode CODE`: text NULL = none */
    const char *errorlevel; /* `errorlevel N` as written, or NULL */
    src_loc errorlevel_loc;
    ast_list extra;    /* duplicated clauses, kept for diagnostics (ast_attr*) */
} ast_rule;

typedef struct ast_member {
    ast_member_kind kind;
    src_loc loc;
    ast_name name;   /* field/dimension/computed/ratio name; tier for REPORTED;
                        frequency for PERIOD */
    ast_type *type;  /* FIELD, DIMENSION */
    ast_expr *expr;  /* COMPUTED, RATIO */
    ast_list attrs;  /* ast_attr* */
    ast_texts *texts;/* LABEL */
    ast_rule *rule;  /* RULE */
    /* HIERARCHY: `name` is the hierarchy, `on` the dimension, `fields`
     * the fields checked (empty: every numeric field), `mode` the
     * missing-value mode (text NULL: non_null) */
    ast_name on;
    ast_list fields; /* ast_name* */
    ast_name mode;
} ast_member;

/* ---- regime header ---------------------------------------------------- */

typedef enum ast_item_kind {
    AST_I_VERSION,   /* version "1.0.0" */
    AST_I_LABEL,     /* label ... */
    AST_I_KIND,      /* kind periodic */
    AST_I_FREQUENCY, /* frequency monthly */
    AST_I_CUTOFF,    /* cutoff decree09 | calendar | day N */
    AST_I_CONTENT,   /* content vi ".." */
    AST_I_SUBMITTED, /* submitted by commune [, district] */
    AST_I_RECEIVED,  /* received by province */
    AST_I_METHOD,    /* method electronic [, paper] */
    AST_I_DEADLINE,  /* deadline commune 2 working days after cutoff */
    AST_I_OUTLINE,   /* outline vi ".." */
    AST_I_GUIDANCE,  /* guidance vi ".." */
    AST_I_TIERS,     /* tiers vn_2025_03 */
    AST_I_HOLIDAYS   /* holidays vn_public */
} ast_item_kind;

typedef struct ast_item {
    ast_item_kind kind;
    src_loc loc;
    const char *str;   /* VERSION */
    ast_texts *texts;  /* LABEL, CONTENT, OUTLINE, GUIDANCE */
    ast_name word;     /* KIND, FREQUENCY, CUTOFF, TIERS, HOLIDAYS; tier of DEADLINE */
    ast_list words;    /* SUBMITTED, RECEIVED, METHOD: ast_name* */
    int64_t number;    /* DEADLINE days; CUTOFF day N (0 if none) */
    int working;       /* DEADLINE: 1 = working days */
} ast_item;

/* ---- tiers ------------------------------------------------------------ */

typedef struct ast_level {
    ast_name name;
    src_loc loc;
    ast_name within;     /* parent level; text NULL for the top */
    const char *column;  /* units CSV column with the code */
    const char *names;   /* units CSV column with the name, or NULL */
    const char *code;    /* the single unit's code at the top ("VN") */
    int optional;        /* a unit may skip this level */
    ast_texts *label;
} ast_level;

/* ---- tests ------------------------------------------------------------ */

typedef struct ast_data {
    ast_name form;
    src_loc loc;
    ast_list columns; /* ast_name* */
    ast_list rows;    /* ast_list* of ast_expr* (literals) */
    ast_list row_locs;/* src_loc* per row */
} ast_data;

typedef enum ast_expect_kind {
    AST_X_PASSES, /* expect row N passes */
    AST_X_FAILS,  /* expect row N fails V1, V4 */
    AST_X_ROLLUP, /* expect quarterly commune "00001" 2025-Q1 D01 carried = 2 */
    AST_X_MESSAGE, /* expect row N message en "..." */
    AST_X_VERDICT, /* expect row N rule V1 true|false|null */
    AST_X_VALUE    /* expect row N ytd = 12 (a field's value on the row) */
} ast_expect_kind;

typedef struct ast_expect {
    ast_expect_kind kind;
    src_loc loc;
    int64_t row;
    ast_list codes;    /* FAILS: ast_name* rule codes */
    ast_name rollup;   /* ROLLUP: rollup name */
    ast_name level;    /* ROLLUP: tier level */
    ast_list keys;     /* ROLLUP: unit, period, dimension values (ast_expr*) */
    ast_name measure;  /* ROLLUP: output column; VALUE: the field */
    ast_expr *value;   /* ROLLUP, VALUE: expected value, or `missing` */
    ast_texts *message; /* MESSAGE: a message of a rule the row fails, per language */
    ast_name verdict;  /* VERDICT: `true`, `false` or `null` as written (the
                          rule's code is codes.items[0]) */
} ast_expect;

/* ---- declarations ----------------------------------------------------- */

typedef enum ast_decl_kind {
    AST_D_IMPORT,   /* import decree09 */
    AST_D_REGIME,   /* regime tthc { ... } */
    AST_D_TIERS,    /* tiers vn_2025_03 { level ... } */
    AST_D_CODELIST, /* codelist domains [from "f.csv"] { ... } */
    AST_D_FORM,     /* form bieu06 { ... } */
    AST_D_ROLLUP,   /* rollup quarterly for bieu06 { ... } */
    AST_D_TEST,     /* test "name" { ... } */
    AST_D_TYPE,     /* type dossiers = count of dossiers */
    AST_D_HOLIDAYS, /* holidays vn_public from "data/vn_holidays.csv" */
    AST_D_HIERARCHY /* hierarchy totals on sexes { rule ... } */
} ast_decl_kind;

typedef struct ast_code {
    const char *code;
    src_loc loc;
    ast_texts *label;
} ast_code;

typedef struct ast_decl {
    ast_decl_kind kind;
    src_loc loc;
    ast_name name; /* IMPORT: module; TEST: its title (a string) */
    union {
        struct { ast_list items; } regime;              /* ast_item* */
        struct { ast_texts *label; ast_list levels; const char *units; } tiers; /* ast_level* */
        struct { ast_texts *label; const char *from; src_loc from_loc; ast_list codes; } codelist; /* ast_code* */
        struct { ast_list members; } form;             /* ast_member* */
        struct { ast_name form; ast_list levels; ast_name period; ast_name count; ast_list extra;
                 ast_list missing; /* ast_rollup_missing*, in order */ ast_name coverage;
                 ast_list totals; /* ast_rollup_total*, in order */ } rollup;
        struct { ast_list data; ast_list expects; } test; /* ast_data*, ast_expect* */
        struct { ast_type *type; } alias;
        struct { const char *from; src_loc from_loc; } holidays;
        struct { ast_name codelist; ast_texts *label; ast_list rules; } hierarchy; /* ast_member* (RULE) */
    } u;
} ast_decl;

/* One parsed file. */
typedef struct ast_file {
    const char *path;      /* as given */
    int file_id;           /* index in the source manager (srcloc.h) */
    ast_list decls;        /* ast_decl* */
    ast_list comments;     /* ast_comment*, for regc fmt */
} ast_file;

/* A comment kept for the formatter: `# text` at a location. */
typedef struct ast_comment {
    const char *text; /* without the leading '#' */
    src_loc loc;
    int own_line;     /* 1 when nothing but blanks precede it on its line */
} ast_comment;

#endif /* AST_H */
