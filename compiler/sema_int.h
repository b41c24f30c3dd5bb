/* sema_int.h — state shared by the semantic passes (internal). */
#ifndef SEMA_INT_H
#define SEMA_INT_H

#include "driver.h"
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
    const char *root_dir; /* directory of the first root file */
    /* while checking a form's expressions */
    m_form *form;
    int form_index;
    int in_rule;        /* 1 inside a rule's check/when */
    int uses_prev, uses_children, uses_other_form, uses_units, uses_well_formed;
    int *rule_fields;
    int n_rule_fields, cap_rule_fields;
} sema;

/* sema_decls.c */
void sema_collect(sema *s);
void sema_header(sema *s);
void sema_tiers(sema *s);
void sema_codelists(sema *s);
void sema_forms(sema *s);
void sema_rollups(sema *s);
sym *sema_lookup(sema *s, const char *name, ast_decl_kind kind);
const char *sema_file_dir(sema *s, src_loc loc);

/* sema_expr.c */
sema_type *sema_expr(sema *s, ast_expr *e);
void sema_form_exprs(sema *s);
int sema_const_int(sema *s, ast_expr *e, int scale, int64_t *out); /* 1 if constant */
int sema_is_numeric(ty_kind k);
int sema_arith_scale(const sema_type *t); /* scale of the value as a plain number */

/* sema_lint.c */
void sema_tests(sema *s);
void sema_lint(sema *s);

/* sema_rollup.c? kept in sema_decls.c */

/* Helpers. */
void sema_suggest(sema *s, const char *word, const char *const *cands, int n);
rg_freq sema_freq_of(const char *word, int adjective);
const char *sema_freq_column(rg_freq f);

#endif
