/*
 * cg_llvm_desc.c — the descriptor of regime.h as constant globals.
 *
 * The struct types are declared here field by field in the order of
 * regime.h and laid out by the target's data layout, which follows the C
 * ABI for these plain structs (check_cg_desc.c compares every offset with
 * offsetof on the host). Every global but the two ABI symbols is private,
 * and their names are derived from the spec, so the output is
 * deterministic and readable in --emit-llvm.
 */
#include <stdlib.h>
#include <string.h>

#include "cg_llvm_int.h"

static LLVMTypeRef named(cg *c, const char *name, LLVMTypeRef *els, unsigned n)
{
    LLVMTypeRef t = LLVMStructCreateNamed(c->ctx, name);
    LLVMStructSetBody(t, els, n, 0);
    return t;
}

void cg_types(cg *c)
{
    c->i1 = LLVMInt1TypeInContext(c->ctx);
    c->i8 = LLVMInt8TypeInContext(c->ctx);
    c->i32 = LLVMInt32TypeInContext(c->ctx);
    c->i64 = LLVMInt64TypeInContext(c->ctx);
    c->i128 = LLVMIntTypeInContext(c->ctx, 128);
    c->ptr = LLVMPointerTypeInContext(c->ctx, 0);
    c->vd = LLVMVoidTypeInContext(c->ctx);
    LLVMTypeRef P = c->ptr, I = c->i32, L = c->i64;
    c->t_text = named(c, "rg_text", (LLVMTypeRef[]){P, P}, 2);
    c->t_texts = named(c, "rg_texts", (LLVMTypeRef[]){I, P}, 2);
    LLVMTypeRef X = c->t_texts;
    c->t_code = named(c, "rg_code", (LLVMTypeRef[]){P, X}, 2);
    c->t_codelist = named(c, "rg_codelist", (LLVMTypeRef[]){P, X, I, P}, 4);
    c->t_tier = named(c, "rg_tier", (LLVMTypeRef[]){P, X, P, P, P, I}, 6);
    c->t_deadline = named(c, "rg_deadline", (LLVMTypeRef[]){I, I, I}, 3);
    c->t_read = named(c, "rg_read", (LLVMTypeRef[]){I, I, I}, 3);
    c->t_value = named(c, "rg_value", (LLVMTypeRef[]){P, I, I, I, I}, 5);
    c->t_field = named(c, "rg_field", (LLVMTypeRef[]){P, X, X, I, I, P, I, L, L, I, I, I, I, I, I, P}, 16);
    c->t_rule = named(c, "rg_rule", (LLVMTypeRef[]){P, I, I, X, P, I, P, I, P, I, P, P, I, I, I, I}, 16);
    c->t_column = named(c, "rg_column", (LLVMTypeRef[]){P, P, P, P, P}, 5);
    c->t_batch = named(c, "rg_batch", (LLVMTypeRef[]){I, P, P, P, P, P, P, P, P}, 9);
    c->t_output = named(c, "rg_output", (LLVMTypeRef[]){P, X, I, I, I, I}, 6);
    c->t_form = named(c, "rg_form",
                      (LLVMTypeRef[]){P, X, I, I, I, P, I, I, I, P, I, P, I, I, P, P, P, P, P, P, I, I, P, I, P, I}, 26);
    c->t_hier = named(c, "rg_hierarchy", (LLVMTypeRef[]){P, I, I, I, P, I, P, P, P, P, I, P}, 12);
    c->t_hier_total = named(c, "rg_hier_total", (LLVMTypeRef[]){I, I, I, I}, 4);
    c->t_lag = named(c, "rg_lag", (LLVMTypeRef[]){I, I}, 2);
    c->t_rollup_htotal = named(c, "rg_rollup_htotal", (LLVMTypeRef[]){I, I, I, P, P}, 5);
    c->t_rollup = named(c, "rg_rollup", (LLVMTypeRef[]){P, I, I, P, I, P, P, I, P, P, I, P, I, P}, 14);
    c->t_desc = named(c, "rg_regime_desc",
                      (LLVMTypeRef[]){I, P, P, P, P, X, X, X, X, I, I, I, I, I, I, P, I, P, I, P, I, P, I, P, I, P, P},
                      27);
    c->fn_validate = LLVMFunctionType(I, (LLVMTypeRef[]){P, P, P}, 3, 0);
    c->fn_accumulate = LLVMFunctionType(I, (LLVMTypeRef[]){P, P, P, P}, 4, 0);
    c->fn_combine = LLVMFunctionType(I, (LLVMTypeRef[]){P, P}, 2, 0);
    c->fn_finalize = LLVMFunctionType(c->vd, (LLVMTypeRef[]){P, P, P}, 3, 0);
    c->fn_message = LLVMFunctionType(I, (LLVMTypeRef[]){P, I, I, P, P}, 5, 0);
}

/* ---- constants ---- */

static LLVMValueRef null_ptr(cg *c) { return LLVMConstPointerNull(c->ptr); }
static LLVMValueRef u32(cg *c, int64_t v) { return LLVMConstInt(c->i32, (unsigned long long)v, 1); }

static LLVMValueRef global(cg *c, LLVMTypeRef t, LLVMValueRef init, const char *name)
{
    LLVMValueRef g = LLVMAddGlobal(c->mod, t, name);
    LLVMSetInitializer(g, init);
    LLVMSetGlobalConstant(g, 1);
    LLVMSetLinkage(g, LLVMPrivateLinkage);
    return g;
}

static LLVMValueRef str(cg *c, const char *s)
{
    if (!s)
        return null_ptr(c);
    LLVMValueRef init = LLVMConstStringInContext2(c->ctx, s, strlen(s), 0);
    LLVMValueRef g = global(c, LLVMTypeOf(init), init, "str");
    LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
    LLVMSetAlignment(g, 1);
    return g;
}

static LLVMValueRef array(cg *c, LLVMTypeRef el, LLVMValueRef *items, int n, const char *name)
{
    if (n <= 0)
        return null_ptr(c);
    LLVMValueRef init = LLVMConstArray2(el, items, (uint64_t)n);
    return global(c, LLVMTypeOf(init), init, name);
}

static LLVMValueRef record(LLVMTypeRef t, LLVMValueRef *v, unsigned n) { return LLVMConstNamedStruct(t, v, n); }

static LLVMValueRef texts(cg *c, const ast_texts *t, const char *name)
{
    int n = t ? t->items.n : 0;
    LLVMValueRef *items = calloc((size_t)n + 1, sizeof *items);
    for (int i = 0; i < n; i++) {
        const ast_text *x = t->items.items[i];
        items[i] = record(c->t_text, (LLVMValueRef[]){str(c, x->lang), str(c, x->text)}, 2);
    }
    LLVMValueRef arr = array(c, c->t_text, items, n, name);
    free(items);
    return record(c->t_texts, (LLVMValueRef[]){u32(c, n), arr}, 2);
}

static LLVMValueRef i32_array(cg *c, const int *v, int n, const char *name)
{
    LLVMValueRef *items = calloc((size_t)n + 1, sizeof *items);
    for (int i = 0; i < n; i++)
        items[i] = u32(c, v[i]);
    LLVMValueRef g = array(c, c->i32, items, n, name);
    free(items);
    return g;
}

static LLVMValueRef reads_array(cg *c, const ir_read *r, int n, const char *name)
{
    LLVMValueRef *items = calloc((size_t)n + 1, sizeof *items);
    for (int i = 0; i < n; i++)
        items[i] = record(c->t_read, (LLVMValueRef[]){u32(c, r[i].role), u32(c, r[i].form), u32(c, r[i].field)}, 3);
    LLVMValueRef g = array(c, c->t_read, items, n, name);
    free(items);
    return g;
}

/* ---- rule sources: the check as written, comments removed, blank runs
 * collapsed (display text only: nothing is read from it) ---- */

static char *source_of(cg *c, const ast_expr *e)
{
    if (!e || !c->o->sm || e->loc.file < 0)
        return NULL;
    const src_file *f = src_get(c->o->sm, e->loc.file);
    if (!f || !f->text)
        return NULL;
    const char *p = src_line_start(c->o->sm, e->loc.file, e->loc.line), *end = f->text + f->len;
    const char *q = src_line_start(c->o->sm, e->loc.file, e->loc.end_line);
    if (!p || !q)
        return NULL;
    const char *start = p + (e->loc.col - 1);
    const char *stop = q + e->loc.end_col; /* end_col is inclusive */
    if (start < f->text || start > end || stop > end || stop <= start)
        return NULL;
    char *s = malloc((size_t)(stop - start) + 1);
    size_t k = 0;
    int space = 0;
    char quote = 0;
    for (const char *x = start; x < stop; x++) {
        if (quote) {
            if (*x == quote)
                quote = 0;
        } else if (*x == '"') {
            quote = *x;
        } else if (*x == '#') {
            while (x + 1 < stop && x[1] != '\n')
                x++;
            space = 1;
            continue;
        }
        if (!quote && (*x == ' ' || *x == '\t' || *x == '\n' || *x == '\r')) {
            space = 1;
            continue;
        }
        if (space && k)
            s[k++] = ' ';
        space = 0;
        s[k++] = *x;
    }
    s[k] = '\0';
    return s;
}

/* ---- the descriptor ---- */

static int codelist_index(const m_regime *r, const m_codelist *l)
{
    for (int i = 0; l && i < r->n_codelists; i++)
        if (&r->codelists[i] == l || !strcmp(r->codelists[i].name, l->name))
            return i;
    return -1;
}

static LLVMValueRef form_desc(cg *c, const ir_form *f, LLVMValueRef k[CG_N_KERNELS])
{
    const m_regime *r = c->ir->src;
    const m_form *mf = f->src;
    char name[256];
    LLVMValueRef *fields = calloc((size_t)f->n_fields + 1, sizeof *fields);
    for (int i = 0; i < f->n_fields; i++) {
        const ir_field *x = &f->fields[i];
        const m_field *m = x->src;
        int cl = m->type.kind == TY_CODE ? codelist_index(r, m->type.list) : -1;
        fields[i] = record(c->t_field,
                           (LLVMValueRef[]){str(c, x->code), texts(c, m->label, "label"), texts(c, m->hint, "hint"),
                                            u32(c, x->type), u32(c, x->scale), str(c, m->type.unit),
                                            u32(c, x->flags), cg_i64(c, m->min), cg_i64(c, m->max),
                                            u32(c, m->max_digits), u32(c, cl), u32(c, x->time_agg),
                                            u32(c, x->unit_agg), u32(c, x->weight), u32(c, x->n_reads),
                                            reads_array(c, x->reads, x->n_reads, "reads")},
                           16);
    }
    snprintf(name, sizeof name, "%s.fields", f->code);
    LLVMValueRef g_fields = array(c, c->t_field, fields, f->n_fields, name);

    int *dims = calloc((size_t)mf->n_dims + 1, sizeof *dims), nd = 0;
    for (int i = 0; i < mf->n_dims; i++)
        if (f->field_of[mf->dims[i]] >= 0)
            dims[nd++] = f->field_of[mf->dims[i]];
    snprintf(name, sizeof name, "%s.dims", f->code);
    LLVMValueRef g_dims = i32_array(c, dims, nd, name);

    LLVMValueRef *rules = calloc((size_t)f->n_rules + 1, sizeof *rules);
    for (int i = 0; i < f->n_rules; i++) {
        const ir_rule *ru = &f->rules[i];
        const m_rule *m = ru->src;
        int *rf = calloc((size_t)m->n_fields + 1, sizeof *rf), n = 0;
        for (int j = 0; j < m->n_fields; j++)
            if (m->fields[j] >= 0 && m->fields[j] < mf->n_fields && f->field_of[m->fields[j]] >= 0)
                rf[n++] = f->field_of[m->fields[j]];
        snprintf(name, sizeof name, "%s.%s.fields", f->code, ru->code);
        LLVMValueRef g_rf = i32_array(c, rf, n, name);
        free(rf);
        char *src = source_of(c, m->check);
        snprintf(name, sizeof name, "%s.%s.reads", f->code, ru->code);
        LLVMValueRef g_reads = reads_array(c, ru->reads, ru->n_reads, name);
        LLVMValueRef *vals = calloc((size_t)ru->n_values + 1, sizeof *vals);
        for (int k2 = 0; k2 < ru->n_values; k2++) {
            const ir_value *v = &ru->values[k2];
            vals[k2] = record(c->t_value,
                              (LLVMValueRef[]){str(c, v->name), u32(c, v->type), u32(c, v->scale),
                                               u32(c, v->codelist), u32(c, v->field)},
                              5);
        }
        snprintf(name, sizeof name, "%s.%s.values", f->code, ru->code);
        LLVMValueRef g_vals = array(c, c->t_value, vals, ru->n_values, name);
        free(vals);
        rules[i] = record(c->t_rule,
                          (LLVMValueRef[]){str(c, ru->code), u32(c, ru->severity), u32(c, ru->flags),
                                           texts(c, m->message, "message"), str(c, src), u32(c, n), g_rf,
                                           u32(c, ru->n_reads), g_reads, u32(c, ru->n_values), g_vals,
                                           str(c, m->errorcode),
                                           u32(c, m->errorlevel), u32(c, ru->verdict), u32(c, ru->imbalance),
                                           u32(c, ru->guard)},
                          16);
        free(src);
    }
    snprintf(name, sizeof name, "%s.rules", f->code);
    LLVMValueRef g_rules = array(c, c->t_rule, rules, f->n_rules, name);

    LLVMValueRef *outs = calloc((size_t)f->n_outputs + 1, sizeof *outs);
    for (int i = 0; i < f->n_outputs; i++) {
        const ir_output *o = &f->outputs[i];
        outs[i] = record(c->t_output,
                         (LLVMValueRef[]){str(c, o->code), texts(c, o->src ? o->src->label : NULL, "label"),
                                          u32(c, o->type), u32(c, o->scale), u32(c, o->field),
                                          u32(c, o->acc_from)},
                         6);
    }
    snprintf(name, sizeof name, "%s.outputs", f->code);
    LLVMValueRef g_outs = array(c, c->t_output, outs, f->n_outputs, name);

    /* the hierarchies: a pivot form each, with its own kernels */
    LLVMValueRef *hs = calloc((size_t)f->n_hiers + 1, sizeof *hs);
    for (int i = 0; i < f->n_hiers; i++) {
        const ir_hier *h = &f->hiers[i];
        LLVMValueRef pk[CG_N_KERNELS];
        cg_pivot_kernels(c, &h->pivot, pk);
        for (int k2 = 0; k2 < CG_N_KERNELS; k2++)
            if (!pk[k2])
                pk[k2] = null_ptr(c);
        snprintf(name, sizeof name, "%s.pivot", h->pivot.code);
        LLVMValueRef g_pivot = global(c, c->t_form, form_desc(c, &h->pivot, pk), name);
        snprintf(name, sizeof name, "%s.items", h->pivot.code);
        LLVMValueRef g_items = i32_array(c, h->h->items, h->h->n_items, name);
        snprintf(name, sizeof name, "%s.measures", h->pivot.code);
        LLVMValueRef g_meas = i32_array(c, h->measures, h->n_measures, name);
        snprintf(name, sizeof name, "%s.rule_left", h->pivot.code);
        LLVMValueRef g_left = i32_array(c, h->rule_left, h->pivot.n_rules, name);
        snprintf(name, sizeof name, "%s.rule_measure", h->pivot.code);
        LLVMValueRef g_rm = i32_array(c, h->rule_measure, h->pivot.n_rules, name);
        LLVMValueRef *tot = calloc((size_t)h->n_totals + 1, sizeof *tot);
        for (int t = 0; t < h->n_totals; t++)
            tot[t] = record(c->t_hier_total,
                            (LLVMValueRef[]){u32(c, h->totals[4 * t]), u32(c, h->totals[4 * t + 1]),
                                             u32(c, h->totals[4 * t + 2]), u32(c, h->totals[4 * t + 3])},
                            4);
        snprintf(name, sizeof name, "%s.totals", h->pivot.code);
        LLVMValueRef g_tot = array(c, c->t_hier_total, tot, h->n_totals, name);
        free(tot);
        hs[i] = record(c->t_hier,
                       (LLVMValueRef[]){str(c, h->h->name), u32(c, h->dim), u32(c, h->mode), u32(c, h->h->n_items),
                                        g_items, u32(c, h->n_measures), g_meas, g_pivot, g_left, g_rm,
                                        u32(c, h->n_totals), g_tot},
                       12);
    }
    snprintf(name, sizeof name, "%s.hierarchies", f->code);
    LLVMValueRef g_hs = array(c, c->t_hier, hs, f->n_hiers, name);
    free(hs);

    LLVMValueRef *lags = calloc((size_t)f->n_lags + 1, sizeof *lags);
    for (int i = 0; i < f->n_lags; i++)
        lags[i] = record(c->t_lag, (LLVMValueRef[]){u32(c, f->lags[i].field), u32(c, f->lags[i].lag)}, 2);
    snprintf(name, sizeof name, "%s.lags", f->code);
    LLVMValueRef g_lags = array(c, c->t_lag, lags, f->n_lags, name);
    free(lags);

    int uf = mf->unit_field >= 0 ? f->field_of[mf->unit_field] : -1;
    int pf = mf->period_field >= 0 ? f->field_of[mf->period_field] : -1;
    LLVMValueRef v = record(c->t_form,
                            (LLVMValueRef[]){str(c, f->code), texts(c, mf->label, "label"), u32(c, mf->unit_tier),
                                             u32(c, mf->frequency), u32(c, f->n_fields), g_fields, u32(c, uf),
                                             u32(c, pf), u32(c, nd), g_dims, u32(c, f->n_rules), g_rules,
                                             u32(c, f->n_acc), u32(c, f->n_outputs), g_outs, k[0], k[1], k[2], k[3],
                                             k[4], u32(c, f->prev_depth), u32(c, f->n_hiers), g_hs,
                                             u32(c, f->n_lags), g_lags, u32(c, f->prev_series)},
                            26);
    free(fields);
    free(dims);
    free(rules);
    free(outs);
    return v;
}

void cg_descriptor(cg *c, LLVMValueRef (*kernels)[CG_N_KERNELS])
{
    const m_regime *r = c->ir->src;
    const ir_regime *ir = c->ir;

    LLVMValueRef *tiers = calloc((size_t)r->n_tiers + 1, sizeof *tiers);
    for (int i = 0; i < r->n_tiers; i++) {
        const m_tier *t = &r->tiers[i];
        tiers[i] = record(c->t_tier,
                          (LLVMValueRef[]){str(c, t->name), texts(c, t->label, "label"), str(c, t->column),
                                           str(c, t->names), str(c, t->root_code), u32(c, t->optional)},
                          6);
    }
    LLVMValueRef g_tiers = array(c, c->t_tier, tiers, r->n_tiers, "tiers");

    LLVMValueRef *dl = calloc((size_t)r->n_deadlines + 1, sizeof *dl);
    for (int i = 0; i < r->n_deadlines; i++) {
        const m_deadline *d = &r->deadlines[i];
        dl[i] = record(c->t_deadline, (LLVMValueRef[]){u32(c, d->tier), u32(c, d->days), u32(c, d->working)}, 3);
    }
    LLVMValueRef g_dl = array(c, c->t_deadline, dl, r->n_deadlines, "deadlines");

    LLVMValueRef *cls = calloc((size_t)r->n_codelists + 1, sizeof *cls);
    for (int i = 0; i < r->n_codelists; i++) {
        const m_codelist *l = &r->codelists[i];
        LLVMValueRef *codes = calloc((size_t)l->n_codes + 1, sizeof *codes);
        for (int j = 0; j < l->n_codes; j++)
            codes[j] = record(c->t_code, (LLVMValueRef[]){str(c, l->codes[j].code), texts(c, l->codes[j].label, "label")}, 2);
        char name[256];
        snprintf(name, sizeof name, "codes.%s", l->name);
        LLVMValueRef g_codes = array(c, c->t_code, codes, l->n_codes, name);
        free(codes);
        cls[i] = record(c->t_codelist,
                        (LLVMValueRef[]){str(c, l->name), texts(c, l->label, "label"), u32(c, l->n_codes), g_codes}, 4);
    }
    LLVMValueRef g_cls = array(c, c->t_codelist, cls, r->n_codelists, "codelists");

    LLVMValueRef *forms = calloc((size_t)ir->n_forms + 1, sizeof *forms);
    for (int i = 0; i < ir->n_forms; i++)
        forms[i] = form_desc(c, &ir->forms[i], kernels[i]);
    LLVMValueRef g_forms = array(c, c->t_form, forms, ir->n_forms, "forms");

    LLVMValueRef *rus = calloc((size_t)r->n_rollups + 1, sizeof *rus);
    for (int i = 0; i < r->n_rollups; i++) {
        const m_rollup *u = &r->rollups[i];
        char name[256];
        snprintf(name, sizeof name, "rollup.%s.levels", u->name);
        LLVMValueRef lv = i32_array(c, u->levels, u->n_levels, name);
        /* the mode of each output of the form, when a field has its own */
        const ir_form *irf = &ir->forms[u->form];
        const m_form *mf = &r->forms[u->form];
        int own = 0;
        LLVMValueRef *modes = calloc((size_t)irf->n_outputs + 1, sizeof *modes);
        for (int k = 0; k < irf->n_outputs; k++) {
            int fi = (int)(irf->outputs[k].src - mf->fields);
            int m = u->missing_of && fi >= 0 && fi < mf->n_fields && u->missing_of[fi] ? u->missing_of[fi] : u->missing;
            own |= m != u->missing;
            modes[k] = LLVMConstInt(c->i8, (unsigned long long)m, 0);
        }
        snprintf(name, sizeof name, "rollup.%s.missing", u->name);
        LLVMValueRef mo = own ? array(c, c->i8, modes, irf->n_outputs, name) : null_ptr(c);
        free(modes);
        /* the grouping sets of `total over`, each a mask of dimensions */
        LLVMValueRef *tots = calloc((size_t)u->n_totals + 1, sizeof *tots);
        for (int k = 0; k < u->n_totals; k++)
            tots[k] = LLVMConstInt(c->i64, u->totals[k], 0);
        snprintf(name, sizeof name, "rollup.%s.totals", u->name);
        LLVMValueRef to = array(c, c->i64, tots, u->n_totals, name);
        free(tots);
        LLVMValueRef *hts = calloc((size_t)u->n_htotals + 1, sizeof *hts);
        for (int k = 0; k < u->n_htotals; k++) {
            const m_rollup_htotal *h = &u->htotals[k];
            snprintf(name, sizeof name, "rollup.%s.htotal.%d", u->name, k);
            LLVMValueRef parts = i32_array(c, h->parts, h->n_parts, name);
            hts[k] = record(c->t_rollup_htotal,
                            (LLVMValueRef[]){u32(c, (uint32_t)h->dim), u32(c, (uint32_t)h->code),
                                             u32(c, (uint32_t)h->n_parts), parts,
                                             str(c, r->hierarchies[h->hier].name)},
                            5);
        }
        snprintf(name, sizeof name, "rollup.%s.htotals", u->name);
        LLVMValueRef hto = array(c, c->t_rollup_htotal, hts, u->n_htotals, name);
        free(hts);
        rus[i] = record(c->t_rollup,
                        (LLVMValueRef[]){str(c, u->name), u32(c, u->form), u32(c, u->n_levels), lv, u32(c, u->period),
                                         str(c, u->period_column), str(c, u->count_column),
                                         u32(c, u->missing ? u->missing : RG_MISS_PARTIAL_ZERO), mo,
                                         str(c, u->coverage_column), u32(c, u->n_totals), to,
                                         u32(c, (uint32_t)u->n_htotals), hto},
                        14);
    }
    LLVMValueRef g_rus = array(c, c->t_rollup, rus, r->n_rollups, "rollups");

    LLVMValueRef d = record(
        c->t_desc,
        (LLVMValueRef[]){u32(c, REGIME_ABI_VERSION), str(c, r->name), str(c, r->version ? r->version : "0.0.0"),
                         str(c, c->o->source_hash ? c->o->source_hash : r->source_hash),
                         str(c, c->o->compiler_version), texts(c, r->label, "label"), texts(c, r->content, "content"),
                         texts(c, r->outline, "outline"), texts(c, r->guidance, "guidance"), u32(c, r->kind),
                         u32(c, r->frequency), u32(c, r->cutoff), u32(c, r->cutoff_day),
                         u32(c, r->n_submitters ? r->submitters[0] : -1), u32(c, r->recipient),
                         str(c, r->method), u32(c, r->n_tiers), g_tiers, u32(c, r->n_deadlines), g_dl,
                         u32(c, r->n_codelists), g_cls, u32(c, ir->n_forms), g_forms, u32(c, r->n_rollups), g_rus,
                         str(c, r->holidays)},
        27);
    LLVMValueRef gd = LLVMAddGlobal(c->mod, c->t_desc, "regime_descriptor");
    LLVMSetInitializer(gd, d);
    LLVMSetGlobalConstant(gd, 1);
    LLVMValueRef gv = LLVMAddGlobal(c->mod, c->i32, "regime_abi_version");
    LLVMSetInitializer(gv, u32(c, REGIME_ABI_VERSION));
    LLVMSetGlobalConstant(gv, 1);
    free(tiers);
    free(dl);
    free(cls);
    free(forms);
    free(rus);
}
