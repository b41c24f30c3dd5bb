/* sema_rollup.c — roll-up rules: the form, the tiers they climb (bottom
 * up, not below the reporting tier), the coarser period, the
 * completeness column, the missing-value modes and the totals across
 * dimensions. */
#include <string.h>

#include "sema_int.h"

/* ---- roll-ups ---- */

static const char *const modes[] = {"non_null", "non_zero", "partial_null", "partial_zero", "always_null",
                                    "always_zero"};

/* `missing MODE` (every field) and `missing MODE for f, g` (those fields):
 * the SDMX VTL hierarchy modes, RG_MISS_* in this order. The default is
 * partial_zero: the total of the items found (absent ones add nothing, an
 * empty one makes it empty), written when at least one item was found. */
static void missing_modes(sema *s, const ast_decl *d, const m_form *form, m_rollup *ru)
{
    ru->missing = RG_MISS_PARTIAL_ZERO;
    ru->missing_of = arena_alloc(s->a, sizeof(int) * (size_t)(form->n_fields + 1));
    memset(ru->missing_of, 0, sizeof(int) * (size_t)(form->n_fields + 1));
    int seen_all = 0;
    AST_EACH(const ast_rollup_miss *, m, d->u.rollup.missing) {
        int k = -1;
        for (int i = 0; i < 6; i++)
            if (!strcmp(m->mode.text, modes[i]))
                k = i;
        if (k < 0) {
            diag(s->d, "E0418", m->mode.loc, m->mode.text);
            sema_suggest(s, m->mode.text, modes, 6);
            continue;
        }
        if (!m->fields) {
            if (seen_all++)
                diag(s->d, "E0014", m->loc, "missing");
            ru->missing = k + 1;
            continue;
        }
        AST_EACH(const ast_name *, w, *m->fields) {
            int fi = sema_field(s, form, w->text);
            if (fi < 0) {
                diag(s->d, "E0419", w->loc, w->text, form->code);
                continue;
            }
            if (ru->missing_of[fi])
                diag(s->d, "E0014", w->loc, w->text);
            ru->missing_of[fi] = k + 1;
        }
    }
}

/* `total over d, e`: one grouping set per clause, the mask of the form's
 * dimensions it totals. Each dimension is one of the form's (E0499); its
 * total rows show RG_TOTAL_CODE, which must not be one of its codes
 * (E0498); a dimension twice in a clause, or a clause twice, is E0014. */
/* The `=` rule of hierarchy h whose left side is code c and whose right
 * side has only `+` parts (the rules a roll-up computes), or NULL. */
static const m_hier_rule *sum_rule(const m_hierarchy *h, int c)
{
    for (int q = 0; q < h->n_rules; q++) {
        const m_hier_rule *hr = &h->rules[q];
        if (hr->cmp != AST_OP_EQ || hr->left != c || hr->n_right == 0)
            continue;
        int plus = 1;
        for (int j = 0; j < hr->n_right; j++)
            plus &= hr->sign[j] > 0;
        if (plus)
            return hr;
    }
    return NULL;
}

/* The leaves of code c: c itself, or the leaves of its sum rule's parts
 * (E0395 refuses cycles; depth bounds a spec that slipped through). */
static void leaves(sema *s, const m_hierarchy *h, int c, int depth, int **out, int *n, int *cap)
{
    const m_hier_rule *hr = depth ? sum_rule(h, c) : NULL;
    if (!hr || depth > 64) {
        for (int i = 0; i < *n; i++)
            if ((*out)[i] == c)
                return;
        if (*n == *cap) {
            int nc = *cap ? *cap * 2 : 8;
            int *p = arena_alloc(s->a, sizeof(int) * (size_t)nc);
            if (*n)
                memcpy(p, *out, sizeof(int) * (size_t)*n);
            *out = p;
            *cap = nc;
        }
        (*out)[(*n)++] = c;
        return;
    }
    for (int j = 0; j < hr->n_right; j++)
        leaves(s, h, hr->right[j], depth + 1, out, n, cap);
}

/* `total over d by H`: one computed code per `=` rule of H whose right side
 * has only `+` parts (first such rule per code); other rules are checks
 * only. H must be on d's code list (E0394, E0393). */
static void hier_totals(sema *s, const ast_rollup_total *t, const m_form *form, m_rollup *ru, int k, int fi)
{
    const ast_name *w = t->dims.items[0];
    sym *hs = sema_lookup(s, t->by.text, AST_D_HIERARCHY);
    if (!hs || hs->index < 0) {
        diag(s->d, "E0394", t->by.loc, t->by.text);
        sema_suggest_decl(s, t->by.text, AST_D_HIERARCHY);
        return;
    }
    const m_hierarchy *h = &s->r->hierarchies[hs->index];
    const m_field *df = &form->fields[fi];
    if (df->type.kind != TY_CODE || !h->list || df->type.list != h->list) {
        diag(s->d, "E0393", w->loc, w->text, h->list ? h->list->name : "?", h->name);
        diag_hint(s->d, "H0393");
        return;
    }
    for (int j = 0; j < ru->n_htotals; j++)
        if (ru->htotals[j].dim == k) {
            diag(s->d, "E0014", t->loc, "total over ... by");
            return;
        }
    int n = 0;
    for (int q = 0; q < h->n_rules; q++)
        n += h->rules[q].cmp == AST_OP_EQ;
    m_rollup_htotal *nt = arena_alloc(s->a, sizeof *nt * (size_t)(ru->n_htotals + n + 1));
    if (ru->n_htotals)
        memcpy(nt, ru->htotals, sizeof *nt * (size_t)ru->n_htotals);
    ru->htotals = nt;
    for (int q = 0; q < h->n_rules; q++) {
        const m_hier_rule *hr = &h->rules[q];
        if (hr->cmp != AST_OP_EQ || hr->left < 0 || sum_rule(h, hr->left) != hr)
            continue;
        m_rollup_htotal *x = &ru->htotals[ru->n_htotals++];
        memset(x, 0, sizeof *x);
        x->hier = hs->index;
        x->dim = k;
        x->code = hr->left;
        int cap = 0;
        leaves(s, h, hr->left, 1, &x->parts, &x->n_parts, &cap);
    }
}

static void totals(sema *s, const ast_decl *d, const m_form *form, m_rollup *ru)
{
    ru->totals = arena_alloc(s->a, sizeof(uint64_t) * (size_t)(d->u.rollup.totals.n + 1));
    AST_EACH(const ast_rollup_total *, t, d->u.rollup.totals) {
        uint64_t mask = 0;
        int ok = 1;
        AST_EACH(const ast_name *, w, t->dims) {
            int fi = sema_field(s, form, w->text), k = -1;
            for (int j = 0; fi >= 0 && j < form->n_dims; j++)
                if (form->dims[j] == fi)
                    k = j;
            if (k < 0 || k >= 64) {
                ok = 0;
                if (k >= 64)
                    continue; /* E0417 said it */
                diag(s->d, "E0499", w->loc, w->text, form->code);
                const char *other = NULL;
                for (int g = 0; fi < 0 && !other && g < s->r->n_forms; g++) {
                    const m_form *of = &s->r->forms[g];
                    int ofi = of != form ? sema_field(s, of, w->text) : -1;
                    for (int j = 0; ofi >= 0 && j < of->n_dims; j++)
                        if (of->dims[j] == ofi)
                            other = of->code;
                }
                if (fi >= 0)
                    diag_hint(s->d, "H0499", w->text, w->text);
                else if (other)
                    diag_hint(s->d, "H0498", w->text, other, form->code);
                else if (form->n_dims) {
                    rt_buf b = {0};
                    for (int j = 0; j < form->n_dims; j++) {
                        if (j)
                            rt_buf_str(&b, ", ");
                        rt_buf_str(&b, form->fields[form->dims[j]].code);
                    }
                    rt_buf_ch(&b, 0);
                    diag_hint(s->d, "H0497", form->code, b.p);
                    rt_buf_free(&b);
                }
                continue;
            }
            if (mask >> k & 1) {
                diag(s->d, "E0014", w->loc, w->text);
                continue;
            }
            mask |= (uint64_t)1 << k;
            if (t->by.text) {
                hier_totals(s, t, form, ru, k, fi);
                ok = 0; /* no grouping set: the totals are codes of the dimension */
                continue;
            }
            const m_field *df = &form->fields[fi];
            const m_codelist *l = df->type.kind == TY_CODE ? df->type.list : NULL;
            for (int c = 0; l && c < l->n_codes; c++)
                if (!strcmp(l->codes[c].code, RG_TOTAL_CODE)) {
                    diag(s->d, "E0498", w->loc, w->text, l->name, RG_TOTAL_CODE);
                    ok = 0;
                }
            /* A list that a hierarchy makes add up (`TONG = NAM + NU`) holds
             * its own totals: adding all its codes would count the parts
             * twice, once in their total's row. */
            for (int h = 0; l && h < s->r->n_hierarchies && ok; h++) {
                const m_hierarchy *hy = &s->r->hierarchies[h];
                if (hy->list != l)
                    continue;
                for (int q = 0; q < hy->n_rules; q++) {
                    const m_hier_rule *hr = &hy->rules[q];
                    if (hr->cmp != AST_OP_EQ || hr->left < 0 || hr->left >= l->n_codes)
                        continue;
                    diag(s->d, "E0497", w->loc, w->text, hy->name, l->codes[hr->left].code, hr->code);
                    diag_hint(s->d, "H0497b", l->codes[hr->left].code, w->text, hy->name);
                    ok = 0;
                    break;
                }
            }
        }
        if (!ok || !mask)
            continue;
        for (int j = 0; j < ru->n_totals && ok; j++)
            if (ru->totals[j] == mask) {
                rt_buf b = {0};
                rt_buf_str(&b, "total over");
                for (int k = 0; k < form->n_dims && k < 64; k++)
                    if (mask >> k & 1) {
                        rt_buf_str(&b, b.n > 10 ? ", " : " ");
                        rt_buf_str(&b, form->fields[form->dims[k]].code);
                    }
                rt_buf_ch(&b, 0);
                diag(s->d, "E0014", t->loc, b.p);
                rt_buf_free(&b);
                ok = 0;
            }
        if (ok)
            ru->totals[ru->n_totals++] = mask;
    }
}

void sema_rollups(sema *s)
{
    int n = 0;
    for (int i = 0; i < s->n_syms; i++)
        n += s->syms[i].decl->kind == AST_D_ROLLUP;
    s->r->rollups = arena_alloc(s->a, sizeof(m_rollup) * (size_t)(n + 1));
    for (int i = 0; i < s->n_syms; i++) {
        ast_decl *d = s->syms[i].decl;
        if (d->kind != AST_D_ROLLUP)
            continue;
        sym *fs = sema_lookup(s, d->u.rollup.form.text, AST_D_FORM);
        if (!fs) {
            diag(s->d, "E0108", d->u.rollup.form.loc, d->u.rollup.form.text);
            sema_suggest_decl(s, d->u.rollup.form.text, AST_D_FORM);
            continue;
        }
        m_form *form = &s->r->forms[fs->index];
        s->syms[i].index = s->r->n_rollups;
        m_rollup *ru = &s->r->rollups[s->r->n_rollups++];
        ru->name = d->name.text;
        ru->form = fs->index;
        ru->decl = d;
        ru->levels = arena_alloc(s->a, sizeof(int) * (size_t)(d->u.rollup.levels.n + 1));
        if (!d->u.rollup.levels.n)
            diag(s->d, "E0410", d->name.loc, d->name.text);
        int prev = -1;
        AST_EACH(ast_name *, w, d->u.rollup.levels) {
            int t = sema_tier_of_word(s, w);
            if (t < 0)
                continue;
            if (prev >= 0 && t >= prev) {
                diag(s->d, "E0411", w->loc, w->text, s->r->tiers[prev].name);
                diag_hint(s->d, "H0411");
                continue;
            }
            if (form->unit_tier >= 0 && t > form->unit_tier) {
                diag(s->d, "E0412", w->loc, w->text, s->r->tiers[form->unit_tier].name);
                continue;
            }
            ru->levels[ru->n_levels++] = t;
            prev = t;
        }
        if (!d->u.rollup.period.text) {
            diag(s->d, "E0413", d->name.loc, d->name.text);
            ru->period = form->frequency;
        } else {
            ru->period = sema_freq_of(d->u.rollup.period.text, 0);
            if (!ru->period) {
                diag(s->d, "E0123", d->u.rollup.period.loc, d->u.rollup.period.text);
                sema_suggest_period(s, d->u.rollup.period.text);
            } else if (form->frequency && ru->period < form->frequency) {
                diag(s->d, "E0414", d->u.rollup.period.loc, d->u.rollup.period.text,
                     sema_freq_column(form->frequency));
            } else if (form->frequency == RG_F_NINE_MONTHS && ru->period != RG_F_NINE_MONTHS &&
                       ru->period != RG_F_YEARLY) {
                diag(s->d, "E0414", d->u.rollup.period.loc, d->u.rollup.period.text,
                     sema_freq_column(form->frequency));
            }
        }
        ru->period_column = sema_freq_column(ru->period);
        ru->count_column = d->u.rollup.count.text;
        if (ru->count_column && sema_field(s, form, ru->count_column) >= 0)
            diag(s->d, "E0415", d->u.rollup.count.loc, ru->count_column);
        ru->coverage_column = d->u.rollup.coverage.text;
        if (ru->coverage_column && sema_field(s, form, ru->coverage_column) >= 0)
            diag(s->d, "E0415", d->u.rollup.coverage.loc, ru->coverage_column);
        missing_modes(s, d, form, ru);
        totals(s, d, form, ru);
    }
}
