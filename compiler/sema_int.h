/* sema_int.h — state shared by the semantic passes (internal). */
#ifndef SEMA_INT_H
#define SEMA_INT_H

#include "driver.h"
#include "parse.h"
#include "model.h"
#include "sema.h"

typedef struct sym {
    const char *name;
    ast_decl *decl;
    int index;   /* index in the model's array for its kind, -1 if none */
} sym;

typedef struct sema {
    compile_ctx *c;
    arena *a;
    diag_ctx *d;
    m_regime *r;
    sym *syms;          /* every top-level declaration */
    int n_syms, cap_syms;
    int *sym_slot;      /* hash of syms by name: index + 1, 0 = empty */
    unsigned sym_mask;
    const char *root_dir; /* directory of the first root file */
    /* while checking a form's expressions */
    m_form *form;
    int form_index;
    int in_rule;        /* 1 inside a rule's check/when */
    const ast_expr *computed_top; /* the expression of the computed field
                                     being typed (running_sum() stands there) */
    int uses_prev, uses_children, uses_other_form, uses_units, uses_well_formed;
    int *rule_fields;
    int n_rule_fields, cap_rule_fields;
    /* per form, per field: 0 untyped, 1 being typed, 2 typed (computed
     * fields are typed on first use; 1 on use is a cycle) */
    unsigned char **fstate;
    /* recursion of sema_expr (expressions and chains of computed fields) */
    int depth;
    int too_deep;
    int no_tiers_reported; /* E0113 once */
    /* per form: an open-addressing table of field indexes by code, so a
     * name is found in constant time however wide the form */
    struct sema_findex *findex;
} sema;

/* Deepest recursion of sema_expr: expressions are at most
 * PARSE_MAX_EXPR_DEPTH high, chains of computed fields add to it. */
#define SEMA_MAX_DEPTH 2000

/* sema_decls.c */
void sema_collect(sema *s);
void sema_header(sema *s);
void sema_tiers(sema *s);
void sema_codelists(sema *s);
void sema_forms(sema *s);
sym *sema_lookup(sema *s, const char *name, ast_decl_kind kind);
const char *sema_file_dir(sema *s, src_loc loc);

/* sema_expr.c: names, types and units of expressions */
sema_type *sema_expr(sema *s, ast_expr *e);
sema_type *sema_bool_operand(sema *s, ast_expr *e, const char *ctx);
sema_type *sema_field_type(sema *s, int idx, src_loc use); /* of s->form */
void sema_suggest_field(sema *s, const char *word);
int sema_rolled_over_time(sema *s, const m_form *fo); /* a roll-up to a coarser period */
int sema_says_time_agg(const ast_member *m);          /* `stock ...` or `flow` written */
const char *sema_type_word(const sema_type *t, diag_lang lang);
int sema_is_numeric(ty_kind k);
int sema_arith_scale(const sema_type *t); /* scale of the value as a plain number */

/* sema_fold.c: constants and value ranges */
int sema_const_int(sema *s, ast_expr *e, int scale, int64_t *out); /* 1 if constant */
/* 1 when the condition is provably always true (*v = 1) or always false
 * (*v = 0) from constants, declared ranges and counts being >= 0. */
int sema_fold_bool(sema *s, const ast_expr *e, int *v);

/* sema_rules.c: computed fields, ratios, relevance and rules of each form */
void sema_form_exprs(sema *s);

/* sema_hier.c: hierarchies over code lists, and the forms that check them */
/* severity, errorcode, errorlevel and stray attributes of a rule (sema_rules.c) */
void sema_rule_head(sema *s, const ast_rule *r, rg_severity *sev, const char **errorcode, int32_t *errorlevel);
void sema_hierarchies(sema *s);
void sema_form_hiers(sema *s);
/* Whether a form checks a hierarchy rule whose results are named `code`
 * (CODE, or CODE.field when the form checks several fields). */
int sema_hier_rule_named(sema *s, const char *code);

/* sema_rollup.c */
void sema_rollups(sema *s);

/* sema_tests.c */
void sema_tests(sema *s);

/* sema_lint.c */
void sema_lint(sema *s);

/* Helpers (sema_decls.c). */
void sema_suggest(sema *s, const char *word, const char *const *cands, int n);
void sema_suggest_decl(sema *s, const char *word, ast_decl_kind kind);
int sema_tier_of_word(sema *s, const ast_name *w); /* tier index, or -1 after E0105 */
int sema_field(const sema *s, const m_form *f, const char *code); /* m_form_field(), hashed */
void sema_suggest_period(sema *s, const char *word);
rg_freq sema_freq_of(const char *word, int adjective);
const char *sema_freq_column(rg_freq f);

#endif
