/* sema_expr.c — names, types and units of expressions.
 *
 * Numbers are exact: every numeric value is an integer scaled by
 * 10^scale. A percent value v of scale s means v / 10^(s+2) as a plain
 * number (90% at scale 0 is 0.90), so arithmetic uses sema_arith_scale(). */
#include <stdlib.h>
#include <string.h>

#include "sema_int.h"

int sema_is_numeric(ty_kind k)
{
    return k == TY_INTEGER || k == TY_COUNT || k == TY_DECIMAL || k == TY_MONEY || k == TY_PERCENT ||
           k == TY_RATIO;
}

int sema_arith_scale(const sema_type *t) { return t->kind == TY_PERCENT ? t->scale + 2 : t->scale; }

const char *sema_type_word(const sema_type *t, diag_lang lang)
{
    static const char *const en[] = {"an invalid value", "an integer", "a count", "a decimal", "money",
                                     "a percentage", "a ratio", "a true/false value", "a date", "text",
                                     "a code", "a unit", "a period"};
    static const char *const vi[] = {"giá trị lỗi", "số nguyên", "số đếm", "số thập phân", "tiền",
                                     "tỷ lệ phần trăm", "tỷ số", "giá trị đúng/sai", "ngày", "văn bản",
                                     "mã", "đơn vị", "kỳ"};
    return (lang == DIAG_VI ? vi : en)[t->kind];
}

static const char *op_word(ast_op op, diag_lang lang)
{
    static const char *const en[] = {"?", "add", "subtract", "multiply", "divide"};
    static const char *const vi[] = {"?", "cộng", "trừ", "nhân", "chia"};
    return op >= AST_OP_ADD && op <= AST_OP_DIV ? (lang == DIAG_VI ? vi : en)[op] : "?";
}

static sema_type *mk(sema *s, ty_kind k, int scale, const char *unit, m_codelist *list)
{
    sema_type *t = arena_alloc(s->a, sizeof *t);
    t->kind = k;
    t->scale = scale;
    t->unit = unit;
    t->list = list;
    return t;
}

static sema_ref *ref_new(sema *s, ast_expr *e, sema_ref_kind k)
{
    if (!e->ref)
        e->ref = arena_alloc(s->a, sizeof(sema_ref));
    e->ref->kind = k;
    return e->ref;
}

static void note_field(sema *s, int index)
{
    if (!s->in_rule)
        return;
    for (int i = 0; i < s->n_rule_fields; i++)
        if (s->rule_fields[i] == index)
            return;
    if (s->n_rule_fields == s->cap_rule_fields) {
        s->cap_rule_fields = s->cap_rule_fields ? s->cap_rule_fields * 2 : 16;
        s->rule_fields = realloc(s->rule_fields, sizeof(int) * (size_t)s->cap_rule_fields);
    }
    s->rule_fields[s->n_rule_fields++] = index;
}

void sema_suggest_field(sema *s, const char *word)
{
    if (!s->form || s->d->n_errors > s->d->max_errors)
        return;
    const char **c = malloc(sizeof *c * (size_t)(s->form->n_fields + 1));
    int n = 0;
    for (int i = 0; i < s->form->n_fields; i++)
        c[n++] = s->form->fields[i].code;
    c[n++] = "well_formed";
    sema_suggest(s, word, c, n);
    free(c);
}

/* ---- computed fields are typed on first use; cycles are reported ---- */

/* The first field of form `fo` read by e that is a stock, or -1. */
static int stock_read(const sema *s, const m_form *fo, const ast_expr *e)
{
    if (!e)
        return -1;
    switch (e->kind) {
    case AST_E_NAME:
        if (e->ref && e->ref->kind == REF_FIELD && e->ref->form == (int)(fo - s->r->forms)) {
            rg_time_agg t = fo->fields[e->ref->index].time_agg;
            if (t == RG_TIME_OPENING || t == RG_TIME_CLOSING || t == RG_TIME_AVERAGE)
                return e->ref->index;
        }
        return -1;
    case AST_E_UNARY: return stock_read(s, fo, e->u.unary.operand);
    case AST_E_BINARY: {
        int l = stock_read(s, fo, e->u.binary.lhs);
        return l >= 0 ? l : stock_read(s, fo, e->u.binary.rhs);
    }
    case AST_E_CALL:
        /* previous(x) and children(x) still read a stock */
        for (int i = 0; i < e->u.call.args.n; i++) {
            int k = stock_read(s, fo, e->u.call.args.items[i]);
            if (k >= 0)
                return k;
        }
        return -1;
    default: return -1;
    }
}

int sema_rolled_over_time(sema *s, const m_form *fo)
{
    for (int i = 0; i < s->n_syms; i++) {
        const ast_decl *d = s->syms[i].decl;
        if (d->kind != AST_D_ROLLUP || !d->u.rollup.period.text || strcmp(d->u.rollup.form.text, fo->code))
            continue;
        rg_freq p = sema_freq_of(d->u.rollup.period.text, 0);
        if (p && p != fo->frequency)
            return 1;
    }
    return 0;
}

int sema_says_time_agg(const ast_member *m)
{
    if (m)
        AST_EACH(ast_attr *, a, m->attrs) if (a->kind == AST_A_STOCK || a->kind == AST_A_FLOW) return 1;
    return 0;
}

sema_type *sema_field_type(sema *s, int idx, src_loc use)
{
    m_field *f = &s->form->fields[idx];
    unsigned char *state = s->fstate[s->form_index];
    if (!(f->flags & (RG_FIELD_COMPUTED | RG_FIELD_RATIO)))
        return &f->type;
    if (state[idx] == 1) {
        diag(s->d, "E0306", use, f->code);
        diag_hint(s->d, "H0306", f->code);
        f->type.kind = TY_ERROR;
        state[idx] = 2;
        return &f->type;
    }
    if (state[idx] == 2)
        return &f->type;
    state[idx] = 1;
    int saved_in_rule = s->in_rule;
    const ast_expr *saved_top = s->computed_top;
    s->in_rule = 0;
    s->computed_top = f->flags & RG_FIELD_RATIO ? NULL : f->expr;
    sema_type *t = sema_expr(s, f->expr);
    s->in_rule = saved_in_rule;
    s->computed_top = saved_top;
    if (state[idx] == 2) /* a cycle through this field was reported */
        return &f->type;
    if (f->flags & RG_FIELD_RATIO) {
        /* a ratio is a division (E0224 otherwise), whose operands arith()
         * has checked: it is numeric. Keep the declared decimals (default 4). */
        (void)t;
        f->type.kind = TY_RATIO;
    } else {
        int scale = f->type.scale;
        int has_decimals = 0;
        if (f->decl)
            AST_EACH(ast_attr *, a, f->decl->attrs) if (a->kind == AST_A_DECIMALS) has_decimals = 1;
        f->type = *t;
        if (has_decimals && sema_is_numeric(t->kind)) {
            f->type.kind = TY_DECIMAL;
            f->type.scale = scale;
        }
        if (f->type.kind == TY_BOOL || !sema_is_numeric(f->type.kind)) {
            f->time_agg = RG_TIME_NONE;
            f->unit_agg = RG_UNITS_NONE;
        } else if (f->time_agg == RG_TIME_SUM && !sema_says_time_agg(f->decl) && sema_rolled_over_time(s, s->form)) {
            /* summed over time by default, yet it reads a stock: a total of
             * balances counts them once per month; a running total is a
             * balance itself */
            int k = stock_read(s, s->form, f->expr);
            if (f->expr && f->expr->kind == AST_E_CALL && f->expr->ref && f->expr->ref->fn == FN_RUNNING_SUM) {
                diag(s->d, "W0299", f->loc, f->code);
                diag_hint(s->d, "H0299b");
            } else if (k >= 0) {
                diag(s->d, "W0203", f->loc, f->code, s->form->fields[k].code);
                diag_hint(s->d, "H0203b", s->form->fields[k].code);
            }
        }
    }
    state[idx] = 2;
    return &f->type;
}

/* ---- names ---- */

static sema_type *resolve_name(sema *s, ast_expr *e, m_codelist *codes)
{
    const char *name = e->u.name.text;
    if (s->form) {
        int idx = sema_field(s, s->form, name);
        if (idx >= 0) {
            sema_ref *r = ref_new(s, e, REF_FIELD);
            r->form = s->form_index;
            r->index = idx;
            note_field(s, idx);
            return sema_field_type(s, idx, e->loc);
        }
    }
    if (!strcmp(name, "well_formed")) {
        ref_new(s, e, REF_WELL_FORMED);
        s->uses_well_formed = 1;
        return mk(s, TY_BOOL, 0, NULL, NULL);
    }
    if (codes) {
        for (int i = 0; i < codes->n_codes; i++)
            if (!strcmp(codes->codes[i].code, name)) {
                sema_ref *r = ref_new(s, e, REF_CODE);
                r->list = codes;
                r->index = i;
                return mk(s, TY_CODE, 0, NULL, codes);
            }
        diag(s->d, "E0206", e->loc, name, codes->name);
        const char **c = malloc(sizeof *c * (size_t)(codes->n_codes + 1));
        for (int i = 0; i < codes->n_codes; i++)
            c[i] = codes->codes[i].code;
        sema_suggest(s, name, c, codes->n_codes);
        free(c);
        return mk(s, TY_ERROR, 0, NULL, NULL);
    }
    const char *dot = strchr(name, '.');
    if (dot) {
        char *fname = arena_strndup(s->a, name, (size_t)(dot - name));
        sym *fs = sema_lookup(s, fname, AST_D_FORM);
        if (fs && fs->index >= 0 && fs->index < s->r->n_forms) {
            m_form *of = &s->r->forms[fs->index];
            int idx = sema_field(s, of, dot + 1);
            if (idx < 0) {
                diag(s->d, "E0212", e->loc, dot + 1, fname);
                const char **c = malloc(sizeof *c * (size_t)(of->n_fields + 1));
                for (int i = 0; i < of->n_fields; i++)
                    c[i] = of->fields[i].code;
                sema_suggest(s, dot + 1, c, of->n_fields);
                free(c);
                return mk(s, TY_ERROR, 0, NULL, NULL);
            }
            sema_ref *r = ref_new(s, e, REF_OTHER_FORM);
            r->form = fs->index;
            r->index = idx;
            s->uses_other_form = 1;
            if (s->fstate && s->fstate[fs->index] && s->fstate[fs->index][idx] != 2) {
                /* a computed field of the other form: typed in its own form */
                m_form *saved = s->form;
                int saved_index = s->form_index;
                s->form = of;
                s->form_index = fs->index;
                sema_type *t = sema_field_type(s, idx, e->loc);
                s->form = saved;
                s->form_index = saved_index;
                return t;
            }
            return &of->fields[idx].type;
        }
    }
    diag(s->d, "E0200", e->loc, name);
    sema_suggest_field(s, name);
    return mk(s, TY_ERROR, 0, NULL, NULL);
}

/* Types e, resolving a bare name as a code of `codes` when it is not a field. */
static sema_type *expr_in_context(sema *s, ast_expr *e, m_codelist *codes)
{
    if (e->kind == AST_E_NAME && codes && !(s->form && sema_field(s, s->form, e->u.name.text) >= 0)) {
        e->type = resolve_name(s, e, codes);
        return e->type;
    }
    if (e->kind == AST_E_STRING && codes) {
        /* "D01" compared with a code field: the code as text */
        for (int i = 0; i < codes->n_codes; i++)
            if (!strcmp(codes->codes[i].code, e->u.str)) {
                sema_ref *r = ref_new(s, e, REF_CODE);
                r->list = codes;
                r->index = i;
                e->type = mk(s, TY_CODE, 0, NULL, codes);
                return e->type;
            }
    }
    return sema_expr(s, e);
}

static int units_clash(const sema_type *a, const sema_type *b)
{
    return a->unit && b->unit && strcmp(a->unit, b->unit) != 0;
}

static sema_type *arith(sema *s, ast_expr *e, ast_op op, sema_type *l, sema_type *r)
{
    if (l->kind == TY_ERROR || r->kind == TY_ERROR)
        return mk(s, TY_ERROR, 0, NULL, NULL);
    if (l->kind == TY_DATE || r->kind == TY_DATE) {
        if (op == AST_OP_SUB && l->kind == TY_DATE && r->kind == TY_DATE)
            return mk(s, TY_INTEGER, 0, "days", NULL);
        if ((op == AST_OP_ADD || op == AST_OP_SUB) && l->kind == TY_DATE && r->kind == TY_INTEGER && !r->unit)
            return mk(s, TY_DATE, 0, NULL, NULL);
        diag(s->d, "E0201", e->loc, op_word(op, s->d->lang), sema_type_word(l, s->d->lang), sema_type_word(r, s->d->lang));
        diag_hint(s->d, "H0201b");
        return mk(s, TY_ERROR, 0, NULL, NULL);
    }
    if (!sema_is_numeric(l->kind) || !sema_is_numeric(r->kind)) {
        diag(s->d, "E0201", e->loc, op_word(op, s->d->lang), sema_type_word(l, s->d->lang), sema_type_word(r, s->d->lang));
        return mk(s, TY_ERROR, 0, NULL, NULL);
    }
    int ls = sema_arith_scale(l), rs = sema_arith_scale(r);
    const char *unit = l->unit ? l->unit : r->unit;
    if ((op == AST_OP_ADD || op == AST_OP_SUB) && !units_clash(l, r) &&
        ((l->kind == TY_MONEY && (r->kind == TY_COUNT || r->kind == TY_PERCENT || r->kind == TY_RATIO)) ||
         (r->kind == TY_MONEY && (l->kind == TY_COUNT || l->kind == TY_PERCENT || l->kind == TY_RATIO)))) {
        /* an amount of money and a number of things (or a share) */
        diag(s->d, "E0201", e->loc, op_word(op, s->d->lang), sema_type_word(l, s->d->lang),
             sema_type_word(r, s->d->lang));
        diag_hint(s->d, "H0202");
        return mk(s, TY_ERROR, 0, NULL, NULL);
    }
    if (op == AST_OP_ADD || op == AST_OP_SUB) {
        if (units_clash(l, r)) {
            diag(s->d, "E0202", e->loc, op_word(op, s->d->lang), l->unit, r->unit);
            diag_hint(s->d, "H0202");
            return mk(s, TY_ERROR, 0, NULL, NULL);
        }
        if (l->kind == TY_PERCENT && r->kind == TY_PERCENT)
            return mk(s, TY_PERCENT, l->scale > r->scale ? l->scale : r->scale, NULL, NULL);
        int sc = ls > rs ? ls : rs;
        ty_kind k = (l->kind == TY_MONEY || r->kind == TY_MONEY) ? TY_MONEY
                    : sc > 0 || l->kind == TY_DECIMAL || r->kind == TY_DECIMAL ? TY_DECIMAL
                    : (op == AST_OP_ADD && l->kind == TY_COUNT && r->kind == TY_COUNT) ? TY_COUNT
                                                                                      : TY_INTEGER;
        return mk(s, k, sc, unit, NULL);
    }
    if (op == AST_OP_MUL) {
        if (l->unit && r->unit) {
            diag(s->d, "E0202", e->loc, op_word(op, s->d->lang), l->unit, r->unit);
            return mk(s, TY_ERROR, 0, NULL, NULL);
        }
        int sc = ls + rs;
        if (sc > 12) {
            diag(s->d, "E0216", e->loc, sc);
            return mk(s, TY_ERROR, 0, NULL, NULL);
        }
        ty_kind k = (l->kind == TY_MONEY || r->kind == TY_MONEY) ? TY_MONEY
                    : sc > 0 ? TY_DECIMAL
                    : (l->kind == TY_COUNT && r->kind == TY_COUNT) ? TY_COUNT
                                                                   : TY_INTEGER;
        return mk(s, k, sc, unit, NULL);
    }
    /* division: exact at 6 decimals, half away from zero; x / 0 is missing */
    const char *du = units_clash(l, r) || !l->unit || !r->unit ? (r->unit ? NULL : l->unit) : NULL;
    return mk(s, TY_DECIMAL, 6, du, NULL);
}

static int comparable(const sema_type *l, const sema_type *r)
{
    if (sema_is_numeric(l->kind) && sema_is_numeric(r->kind))
        return 1;
    if (l->kind == TY_CODE && r->kind == TY_CODE)
        return !l->list || !r->list || l->list == r->list;
    if ((l->kind == TY_TEXT || l->kind == TY_UNIT) && (r->kind == TY_TEXT || r->kind == TY_UNIT))
        return 1;
    return l->kind == r->kind && l->kind != TY_ERROR;
}

sema_type *sema_bool_operand(sema *s, ast_expr *e, const char *ctx)
{
    sema_type *t = sema_expr(s, e);
    if (t->kind != TY_BOOL && t->kind != TY_ERROR)
        diag(s->d, "E0204", e->loc, ctx, sema_type_word(t, s->d->lang));
    return t;
}

static sema_type *call(sema *s, ast_expr *e)
{
    static const struct { const char *name; sema_fn fn; int min, max; } fns[] = {
        {"sum", FN_SUM, 1, 64}, {"min", FN_MIN, 1, 64}, {"max", FN_MAX, 1, 64},
        {"abs", FN_ABS, 1, 1}, {"round", FN_ROUND, 2, 2}, {"if", FN_IF, 3, 3},
        {"previous", FN_PREVIOUS, 1, 2}, {"children", FN_CHILDREN, 1, 1},
        {"is_missing", FN_IS_MISSING, 1, 1}, {"present", FN_PRESENT, 1, 1},
        {"coalesce", FN_COALESCE, 2, 2}, {"running_sum", FN_RUNNING_SUM, 1, 2},
        {"change", FN_CHANGE, 1, 2},
    };
    const char *name = e->u.call.callee.text;
    int k = -1;
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
        if (!strcmp(name, fns[i].name))
            k = (int)i;
    if (k < 0) {
        diag(s->d, "E0208", e->u.call.callee.loc, name);
        const char *c[sizeof fns / sizeof fns[0]];
        const char *prefix_of = NULL;
        size_t nl = strlen(name);
        for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
            c[i] = fns[i].name;
            if (nl >= 3 && !strncmp(fns[i].name, name, nl))
                prefix_of = fns[i].name; /* prev -> previous */
        }
        if (prefix_of)
            diag_hint(s->d, "H0200", prefix_of);
        else
            sema_suggest(s, name, c, (int)(sizeof fns / sizeof fns[0]));
        return mk(s, TY_ERROR, 0, NULL, NULL);
    }
    ref_new(s, e, REF_NONE)->fn = fns[k].fn;
    int n = e->u.call.args.n;
    if (n < fns[k].min || n > fns[k].max) {
        const char *want = fns[k].min == fns[k].max
                               ? arena_printf(s->a, "%d", fns[k].min)
                               : arena_printf(s->a, s->d->lang == DIAG_VI ? "%d đến %d" : "%d to %d",
                                              fns[k].min, fns[k].max);
        diag(s->d, "E0207", e->loc, name, want, n);
        return mk(s, TY_ERROR, 0, NULL, NULL);
    }
    ast_expr **a = (ast_expr **)e->u.call.args.items;
    int at_top = e == s->computed_top;
    s->computed_top = NULL; /* running_sum() only as the whole expression */
    switch (fns[k].fn) {
    case FN_SUM: case FN_MIN: case FN_MAX: {
        sema_type *t = sema_expr(s, a[0]);
        for (int i = 1; i < n; i++)
            t = arith(s, e, AST_OP_ADD, t, sema_expr(s, a[i]));
        if (n == 1 && t->kind != TY_ERROR && !sema_is_numeric(t->kind))
            diag(s->d, "E0201", e->loc, op_word(AST_OP_ADD, s->d->lang), sema_type_word(t, s->d->lang), sema_type_word(t, s->d->lang));
        if (fns[k].fn != FN_SUM && t->kind == TY_COUNT)
            return t;
        return t;
    }
    case FN_ABS: {
        sema_type *t = sema_expr(s, a[0]);
        if (t->kind != TY_ERROR && !sema_is_numeric(t->kind)) {
            diag(s->d, "E0218", a[0]->loc, name, sema_type_word(t, s->d->lang));
            return mk(s, TY_ERROR, 0, NULL, NULL);
        }
        return t;
    }
    case FN_ROUND: {
        sema_type *t = sema_expr(s, a[0]);
        int64_t digits;
        if (!sema_const_int(s, a[1], 0, &digits) || digits < 0 || digits > 9) {
            diag(s->d, "E0214", a[1]->loc);
            return mk(s, TY_ERROR, 0, NULL, NULL);
        }
        sema_expr(s, a[1]);
        if (t->kind != TY_ERROR && !sema_is_numeric(t->kind)) {
            diag(s->d, "E0218", a[0]->loc, name, sema_type_word(t, s->d->lang));
            return mk(s, TY_ERROR, 0, NULL, NULL);
        }
        return mk(s, digits ? TY_DECIMAL : TY_INTEGER, (int)digits, t->unit, NULL);
    }
    case FN_IF: {
        sema_bool_operand(s, a[0], "if");
        sema_type *x = sema_expr(s, a[1]), *y = sema_expr(s, a[2]);
        if (x->kind == TY_ERROR || y->kind == TY_ERROR)
            return mk(s, TY_ERROR, 0, NULL, NULL);
        if (!comparable(x, y) || units_clash(x, y)) {
            diag(s->d, "E0219", e->loc, sema_type_word(x, s->d->lang), sema_type_word(y, s->d->lang));
            return mk(s, TY_ERROR, 0, NULL, NULL);
        }
        if (sema_is_numeric(x->kind) && sema_is_numeric(y->kind))
            return arith(s, e, AST_OP_ADD, x, y); /* common type of both branches */
        return x;
    }
    case FN_PREVIOUS: case FN_CHILDREN: {
        if (a[0]->kind != AST_E_NAME || !s->form || sema_field(s, s->form, a[0]->u.name.text) < 0) {
            diag(s->d, "E0211", a[0]->loc, name);
            return mk(s, TY_ERROR, 0, NULL, NULL);
        }
        if (fns[k].fn == FN_CHILDREN && n > 1) {
            diag(s->d, "E0207", e->loc, name, "1", n);
            return mk(s, TY_ERROR, 0, NULL, NULL);
        }
        if (n > 1) {
            /* previous(x, k): k periods back, a constant order */
            const ast_expr *o = a[1];
            if (o->kind != AST_E_NUMBER || o->u.num.scale != 0 || o->u.num.value < 1 ||
                o->u.num.value > M_MAX_LAG) {
                diag(s->d, "E0299", o->loc, M_MAX_LAG);
                diag_hint(s->d, "H0299");
                return mk(s, TY_ERROR, 0, NULL, NULL);
            }
        }
        sema_type *t = sema_expr(s, a[0]);
        if (fns[k].fn == FN_PREVIOUS) {
            s->uses_prev = 1;
            /* "the previous period" follows the regime's frequency; a module
             * without a regime relies on the form's period */
            if (s->r->decl ? !s->r->frequency : !(s->form && s->form->frequency)) {
                diag(s->d, "E0209", e->loc);
                diag_hint(s->d, "H0209");
            }
        } else {
            s->uses_children = 1;
            /* `reported by` names the lowest tier that submits the form;
             * children() checks the rows of units above it (a province's
             * own figures in a commune form) against their children, so
             * only a form of the top tier has no parent row to check. */
            if (s->form && s->form->unit_tier == 0) {
                diag(s->d, "E0210", e->loc, s->r->tiers[s->form->unit_tier].name);
                diag_hint(s->d, "H0210");
            }
            if (t->kind != TY_ERROR && !sema_is_numeric(t->kind))
                diag(s->d, "E0218", a[0]->loc, name, sema_type_word(t, s->d->lang));
        }
        return t;
    }
    case FN_RUNNING_SUM: case FN_CHANGE: {
        /* a running total is a column: its own previous value is what it
         * adds to (lower.c), so it is the whole expression of a computed
         * field, never a part of one or of a rule; change(x) is its
         * inverse, x less previous(x), of a field */
        if (fns[k].fn == FN_RUNNING_SUM && !at_top) {
            diag(s->d, "E0298", e->loc);
            diag_hint(s->d, "H0298");
            return mk(s, TY_ERROR, 0, NULL, NULL);
        }
        if (fns[k].fn == FN_CHANGE &&
            (a[0]->kind != AST_E_NAME || !s->form || sema_field(s, s->form, a[0]->u.name.text) < 0)) {
            diag(s->d, "E0211", a[0]->loc, name);
            return mk(s, TY_ERROR, 0, NULL, NULL);
        }
        sema_type *t = sema_expr(s, a[0]);
        if (t->kind != TY_ERROR && !sema_is_numeric(t->kind)) {
            diag(s->d, "E0218", a[0]->loc, name, sema_type_word(t, s->d->lang));
            return mk(s, TY_ERROR, 0, NULL, NULL);
        }
        s->uses_prev = 1;
        if (s->r->decl ? !s->r->frequency : !(s->form && s->form->frequency)) {
            diag(s->d, "E0209", e->loc);
            diag_hint(s->d, "H0209");
            return t;
        }
        int w = -1;
        if (n > 1) {
            rg_freq f = s->form ? s->form->frequency : RG_F_NONE;
            rg_freq reset = a[1]->kind == AST_E_NAME ? sema_freq_of(a[1]->u.name.text, 0) : RG_F_NONE;
            w = m_freq_window(f, reset);
            if (!w) {
                diag(s->d, "E0297", a[1]->loc, name, a[1]->kind == AST_E_NAME ? a[1]->u.name.text : "?",
                     sema_freq_column(f));
                diag_hint(s->d, "H0297");
                return mk(s, TY_ERROR, 0, NULL, NULL);
            }
        }
        e->ref->index = w; /* the window in periods; -1: never resets */
        if (fns[k].fn == FN_CHANGE)
            return arith(s, e, AST_OP_SUB, t, t); /* a change may be negative */
        return t;
    }
    case FN_IS_MISSING: case FN_PRESENT:
        sema_expr(s, a[0]);
        return mk(s, TY_BOOL, 0, NULL, NULL);
    case FN_COALESCE: {
        sema_type *x = sema_expr(s, a[0]), *y = sema_expr(s, a[1]);
        if (x->kind != TY_ERROR && y->kind != TY_ERROR && (!comparable(x, y) || units_clash(x, y))) {
            diag(s->d, "E0219", e->loc, sema_type_word(x, s->d->lang), sema_type_word(y, s->d->lang));
            return mk(s, TY_ERROR, 0, NULL, NULL);
        }
        return x;
    }
    default: break;
    }
    return mk(s, TY_ERROR, 0, NULL, NULL);
}

static sema_type *expr1(sema *s, ast_expr *e);

sema_type *sema_expr(sema *s, ast_expr *e)
{
    if (s->depth >= SEMA_MAX_DEPTH) {
        /* only a long chain of computed fields gets here: the parser keeps
         * each expression within PARSE_MAX_EXPR_DEPTH */
        if (!s->too_deep++) {
            diag(s->d, "E0015", e->loc, SEMA_MAX_DEPTH);
            diag_hint(s->d, "H0015");
        }
        e->type = mk(s, TY_ERROR, 0, NULL, NULL);
        return e->type;
    }
    s->depth++;
    sema_type *t = expr1(s, e);
    s->depth--;
    return t;
}

static sema_type *expr1(sema *s, ast_expr *e)
{
    sema_type *t = NULL;
    switch (e->kind) {
    case AST_E_NUMBER:
        t = mk(s, e->u.num.scale ? TY_DECIMAL : TY_INTEGER, e->u.num.scale, NULL, NULL);
        break;
    case AST_E_PERCENT: t = mk(s, TY_PERCENT, e->u.num.scale, NULL, NULL); break;
    case AST_E_STRING: t = mk(s, TY_TEXT, 0, NULL, NULL); break;
    case AST_E_DATE: t = mk(s, TY_DATE, 0, NULL, NULL); break;
    case AST_E_PERIOD: t = mk(s, TY_PERIOD, 0, NULL, NULL); break;
    case AST_E_BOOL: t = mk(s, TY_BOOL, 0, NULL, NULL); break;
    case AST_E_MISSING:
        diag(s->d, "E0220", e->loc);
        t = mk(s, TY_ERROR, 0, NULL, NULL);
        break;
    case AST_E_NAME: t = resolve_name(s, e, NULL); break;
    case AST_E_UNARY:
        if (e->u.unary.op == AST_OP_NOT) {
            sema_bool_operand(s, e->u.unary.operand, "not");
            t = mk(s, TY_BOOL, 0, NULL, NULL);
        } else {
            sema_type *x = sema_expr(s, e->u.unary.operand);
            if (x->kind != TY_ERROR && !sema_is_numeric(x->kind)) {
                diag(s->d, "E0218", e->loc, "-", sema_type_word(x, s->d->lang));
                t = mk(s, TY_ERROR, 0, NULL, NULL);
            } else {
                t = mk(s, x->kind == TY_COUNT ? TY_INTEGER : x->kind, x->scale, x->unit, NULL);
            }
        }
        break;
    case AST_E_BINARY: {
        ast_op op = e->u.binary.op;
        if (op == AST_OP_AND || op == AST_OP_OR) {
            sema_bool_operand(s, e->u.binary.lhs, op == AST_OP_AND ? "and" : "or");
            sema_bool_operand(s, e->u.binary.rhs, op == AST_OP_AND ? "and" : "or");
            t = mk(s, TY_BOOL, 0, NULL, NULL);
        } else if (op >= AST_OP_EQ && op <= AST_OP_GE) {
            ast_expr *le = e->u.binary.lhs, *re = e->u.binary.rhs;
            sema_type *l, *r;
            /* a bare name next to a code field is one of its codes */
            if (le->kind == AST_E_NAME && !(s->form && sema_field(s, s->form, le->u.name.text) >= 0) &&
                strcmp(le->u.name.text, "well_formed")) {
                r = sema_expr(s, re);
                l = expr_in_context(s, le, r->kind == TY_CODE ? r->list : NULL);
            } else {
                l = sema_expr(s, le);
                r = expr_in_context(s, re, l->kind == TY_CODE ? l->list : NULL);
            }
            if (l->kind != TY_ERROR && r->kind != TY_ERROR) {
                if (!comparable(l, r)) {
                    diag(s->d, "E0203", e->loc, sema_type_word(l, s->d->lang), sema_type_word(r, s->d->lang));
                    if (l->kind == TY_CODE || r->kind == TY_CODE)
                        diag_hint(s->d, "H0203");
                } else if (units_clash(l, r)) {
                    diag(s->d, "E0221", e->loc, l->unit, r->unit);
                } else if ((op != AST_OP_EQ && op != AST_OP_NE) &&
                           (l->kind == TY_CODE || l->kind == TY_TEXT || l->kind == TY_BOOL || l->kind == TY_UNIT)) {
                    diag(s->d, "E0222", e->loc, sema_type_word(l, s->d->lang));
                }
            }
            t = mk(s, TY_BOOL, 0, NULL, NULL);
        } else {
            sema_type *l = sema_expr(s, e->u.binary.lhs), *r = sema_expr(s, e->u.binary.rhs);
            t = arith(s, e, op, l, r);
        }
        break;
    }
    case AST_E_CALL: t = call(s, e); break;
    case AST_E_IN: {
        sema_type *x = sema_expr(s, e->u.in.operand);
        t = mk(s, TY_BOOL, 0, NULL, NULL);
        if (x->kind == TY_ERROR)
            break;
        if (e->u.in.has_list) {
            const char *ln = e->u.in.list.text;
            sym *cl = sema_lookup(s, ln, AST_D_CODELIST);
            int tier = m_tier_index(s->r, ln);
            if (x->kind == TY_UNIT) {
                if (tier < 0) {
                    diag(s->d, "E0105", e->u.in.list.loc, ln);
                    break;
                }
                sema_ref *r = arena_alloc(s->a, sizeof *r);
                r->kind = REF_TIER;
                r->index = tier;
                e->ref = r;
                s->uses_units = 1;
            } else if (x->kind == TY_CODE) {
                if (!cl) {
                    diag(s->d, "E0107", e->u.in.list.loc, ln);
                    break;
                }
                m_codelist *list = &s->r->codelists[cl->index];
                list->used = 1;
                if (x->list && x->list != list)
                    diag(s->d, "E0205", e->loc, ln, x->list->name);
                sema_ref *r = arena_alloc(s->a, sizeof *r);
                r->kind = REF_LIST;
                r->list = list;
                e->ref = r;
            } else {
                diag(s->d, "E0223", e->u.in.operand->loc, sema_type_word(x, s->d->lang));
                diag_hint(s->d, "H0223");
            }
        } else {
            if (x->kind != TY_CODE) {
                diag(s->d, "E0223", e->u.in.operand->loc, sema_type_word(x, s->d->lang));
                break;
            }
            AST_EACH(ast_expr *, c, e->u.in.codes) {
                const char *ln = x->list ? x->list->name : "?";
                if (c->kind == AST_E_NAME) {
                    expr_in_context(s, c, x->list);
                } else if (c->kind == AST_E_STRING) {
                    expr_in_context(s, c, x->list);
                    if (!c->ref || c->ref->kind != REF_CODE)
                        diag(s->d, "E0206", c->loc, c->u.str, ln);
                } else if (c->kind == AST_E_MISSING) {
                    diag(s->d, "E0220", c->loc);
                    diag_hint(s->d, "H0220");
                } else {
                    /* a number, a date... where a code is expected */
                    const src_file *sf = src_get(&s->c->sm, c->loc.file);
                    size_t n;
                    const char *line = sf ? src_line(&s->c->sm, c->loc.file, c->loc.line, &n) : NULL;
                    const char *text = line && c->loc.end_line == c->loc.line && c->loc.end_col >= c->loc.col &&
                                               (size_t)c->loc.end_col <= n
                                           ? arena_strndup(s->a, line + c->loc.col - 1,
                                                           (size_t)(c->loc.end_col - c->loc.col + 1))
                                           : "?";
                    diag(s->d, "E0206", c->loc, text, ln);
                }
            }
        }
        break;
    }
    }
    e->type = t;
    return t;
}
