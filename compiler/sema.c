/* sema.c — runs the semantic passes in order; each pass reports into the
 * diagnostics and the model is returned even with errors (back ends only
 * run on a clean model). */
#include <stdlib.h>
#include <string.h>

#include "sema_int.h"

m_regime *sema_run(compile_ctx *c)
{
    sema s;
    memset(&s, 0, sizeof s);
    s.c = c;
    s.a = &c->arena;
    s.d = &c->diag;
    s.r = arena_alloc(s.a, sizeof *s.r);
    s.r->recipient = -1;

    sema_collect(&s);
    sema_header(&s);
    sema_tiers(&s);
    sema_codelists(&s);
    sema_hierarchies(&s);
    sema_forms(&s);
    sema_form_exprs(&s);
    sema_form_hiers(&s);
    sema_rollups(&s);
    sema_tests(&s);
    sema_lint(&s);

    /* the model's arrays that were grown with realloc move into the arena */
    m_regime *r = s.r;
    if (r->n_tests) {
        ast_decl **t = arena_alloc(s.a, sizeof *t * (size_t)r->n_tests);
        memcpy(t, r->tests, sizeof *t * (size_t)r->n_tests);
        free(r->tests);
        r->tests = t;
    } else {
        free(r->tests);
        r->tests = NULL;
    }
    if (r->n_langs) {
        const char **l = arena_alloc(s.a, sizeof *l * (size_t)r->n_langs);
        memcpy(l, r->langs, sizeof *l * (size_t)r->n_langs);
        free(r->langs);
        r->langs = l;
    }
    free(s.syms);
    free(s.sym_slot);
    free(s.rule_fields);
    return r;
}
