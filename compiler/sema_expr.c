/* sema_expr.c — names, types and units of expressions; rules, computed
 * fields and ratios of each form; constant folding.
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

static const char *type_word(const sema_type *t, diag_lang lang)
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

static void suggest_field(sema *s, const char *word)
{
    if (!s->form)
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

static int *g_state; /* per field of the current form: 0 new, 1 typing, 2 done */

static sema_type *field_type(sema *s, int idx, src_loc use)
{
    m_field *f = &s->form->fields[idx];
    if (!(f->flags & (RG_FIELD_COMPUTED | RG_FIELD_RATIO)))
        return &f->type;
    if (g_state[idx] == 1) {
        diag(s->d, "E0306", use, f->code);
        diag_hint(s->d, "H0306", f->code);
        f->type.kind = TY_ERROR;
        g_state[idx] = 2;
        return &f->type;
    }
    if (g_state[idx] == 2)
        return &f->type;
    g_state[idx] = 1;
    int saved_in_rule = s->in_rule;
    s->in_rule = 0;
    sema_type *t = sema_expr(s, f->expr);
    s->in_rule = saved_in_rule;
    if (g_state[idx] == 2) /* a cycle through this field was reported */
        return &f->type;
    if (f->flags & RG_FIELD_RATIO) {
        if (t->kind != TY_ERROR && !sema_is_numeric(t->kind))
            diag(s->d, "E0217", f->expr->loc, f->code, type_word(t, s->d->lang));
        /* keep declared decimals (default 4) */
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
        }
    }
    g_state[idx] = 2;
    return &f->type;
}

/* ---- names ---- */

static sema_type *resolve_name(sema *s, ast_expr *e, m_codelist *codes)
{
    const char *name = e->u.name.text;
    if (s->form) {
        int idx = m_form_field(s->form, name);
        if (idx >= 0) {
            sema_ref *r = ref_new(s, e, REF_FIELD);
            r->form = s->form_index;
            r->index = idx;
            note_field(s, idx);
            return field_type(s, idx, e->loc);
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
            int idx = m_form_field(of, dot + 1);
            if (idx < 0) {
                diag(s->d, "E0212", e->loc, dot + 1, fname);
                return mk(s, TY_ERROR, 0, NULL, NULL);
            }
            sema_ref *r = ref_new(s, e, REF_OTHER_FORM);
            r->form = fs->index;
            r->index = idx;
            s->uses_other_form = 1;
            return &of->fields[idx].type;
        }
    }
    diag(s->d, "E0200", e->loc, name);
    suggest_field(s, name);
    return mk(s, TY_ERROR, 0, NULL, NULL);
}

/* Types e, resolving a bare name as a code of `codes` when it is not a field. */
static sema_type *expr_in_context(sema *s, ast_expr *e, m_codelist *codes)
{
    if (e->kind == AST_E_NAME && codes && !(s->form && m_form_field(s->form, e->u.name.text) >= 0)) {
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
        diag(s->d, "E0201", e->loc, op_word(op, s->d->lang), type_word(l, s->d->lang), type_word(r, s->d->lang));
        diag_hint(s->d, "H0201b");
        return mk(s, TY_ERROR, 0, NULL, NULL);
    }
    if (!sema_is_numeric(l->kind) || !sema_is_numeric(r->kind)) {
        diag(s->d, "E0201", e->loc, op_word(op, s->d->lang), type_word(l, s->d->lang), type_word(r, s->d->lang));
        return mk(s, TY_ERROR, 0, NULL, NULL);
    }
    int ls = sema_arith_scale(l), rs = sema_arith_scale(r);
    const char *unit = l->unit ? l->unit : r->unit;
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

static sema_type *bool_operand(sema *s, ast_expr *e, const char *ctx)
{
    sema_type *t = sema_expr(s, e);
    if (t->kind != TY_BOOL && t->kind != TY_ERROR)
        diag(s->d, "E0204", e->loc, ctx, type_word(t, s->d->lang));
    return t;
}

static sema_type *call(sema *s, ast_expr *e)
{
    static const struct { const char *name; sema_fn fn; int min, max; } fns[] = {
        {"sum", FN_SUM, 1, 64}, {"min", FN_MIN, 1, 64}, {"max", FN_MAX, 1, 64},
        {"abs", FN_ABS, 1, 1}, {"round", FN_ROUND, 2, 2}, {"if", FN_IF, 3, 3},
        {"previous", FN_PREVIOUS, 1, 1}, {"children", FN_CHILDREN, 1, 1},
        {"is_missing", FN_IS_MISSING, 1, 1}, {"present", FN_PRESENT, 1, 1},
        {"coalesce", FN_COALESCE, 2, 2},
    };
    const char *name = e->u.call.callee.text;
    int k = -1;
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
        if (!strcmp(name, fns[i].name))
            k = (int)i;
    if (k < 0) {
        diag(s->d, "E0208", e->u.call.callee.loc, name);
        const char *c[sizeof fns / sizeof fns[0]];
        for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
            c[i] = fns[i].name;
        sema_suggest(s, name, c, (int)(sizeof fns / sizeof fns[0]));
        return mk(s, TY_ERROR, 0, NULL, NULL);
    }
    ref_new(s, e, REF_NONE)->fn = fns[k].fn;
    int n = e->u.call.args.n;
    if (n < fns[k].min || n > fns[k].max) {
        diag(s->d, "E0207", e->loc, name, fns[k].min, n);
        return mk(s, TY_ERROR, 0, NULL, NULL);
    }
    ast_expr **a = (ast_expr **)e->u.call.args.items;
    switch (fns[k].fn) {
    case FN_SUM: case FN_MIN: case FN_MAX: {
        sema_type *t = sema_expr(s, a[0]);
        for (int i = 1; i < n; i++)
            t = arith(s, e, AST_OP_ADD, t, sema_expr(s, a[i]));
        if (n == 1 && t->kind != TY_ERROR && !sema_is_numeric(t->kind))
            diag(s->d, "E0201", e->loc, op_word(AST_OP_ADD, s->d->lang), type_word(t, s->d->lang), type_word(t, s->d->lang));
        if (fns[k].fn != FN_SUM && t->kind == TY_COUNT)
            return t;
        return t;
    }
    case FN_ABS: {
        sema_type *t = sema_expr(s, a[0]);
        if (t->kind != TY_ERROR && !sema_is_numeric(t->kind))
            diag(s->d, "E0218", a[0]->loc, name, type_word(t, s->d->lang));
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
            diag(s->d, "E0218", a[0]->loc, name, type_word(t, s->d->lang));
            return mk(s, TY_ERROR, 0, NULL, NULL);
        }
        return mk(s, digits ? TY_DECIMAL : TY_INTEGER, (int)digits, t->unit, NULL);
    }
    case FN_IF: {
        bool_operand(s, a[0], "if");
        sema_type *x = sema_expr(s, a[1]), *y = sema_expr(s, a[2]);
        if (x->kind == TY_ERROR || y->kind == TY_ERROR)
            return mk(s, TY_ERROR, 0, NULL, NULL);
        if (!comparable(x, y) || units_clash(x, y)) {
            diag(s->d, "E0219", e->loc, type_word(x, s->d->lang), type_word(y, s->d->lang));
            return mk(s, TY_ERROR, 0, NULL, NULL);
        }
        if (sema_is_numeric(x->kind) && sema_is_numeric(y->kind))
            return arith(s, e, AST_OP_ADD, x, y); /* common type of both branches */
        return x;
    }
    case FN_PREVIOUS: case FN_CHILDREN: {
        if (a[0]->kind != AST_E_NAME || !s->form || m_form_field(s->form, a[0]->u.name.text) < 0) {
            diag(s->d, "E0211", a[0]->loc, name);
            return mk(s, TY_ERROR, 0, NULL, NULL);
        }
        sema_type *t = sema_expr(s, a[0]);
        if (fns[k].fn == FN_PREVIOUS) {
            s->uses_prev = 1;
            if (!s->r->frequency && !(s->form && s->form->frequency)) {
                diag(s->d, "E0209", e->loc);
                diag_hint(s->d, "H0209");
            }
        } else {
            s->uses_children = 1;
            if (s->form && s->form->unit_tier >= 0 && s->form->unit_tier == s->r->n_tiers - 1) {
                diag(s->d, "E0210", e->loc, s->r->tiers[s->form->unit_tier].name);
                diag_hint(s->d, "H0210");
            }
            if (t->kind != TY_ERROR && !sema_is_numeric(t->kind))
                diag(s->d, "E0218", a[0]->loc, name, type_word(t, s->d->lang));
        }
        return t;
    }
    case FN_IS_MISSING: case FN_PRESENT:
        sema_expr(s, a[0]);
        return mk(s, TY_BOOL, 0, NULL, NULL);
    case FN_COALESCE: {
        sema_type *x = sema_expr(s, a[0]), *y = sema_expr(s, a[1]);
        if (x->kind != TY_ERROR && y->kind != TY_ERROR && (!comparable(x, y) || units_clash(x, y))) {
            diag(s->d, "E0219", e->loc, type_word(x, s->d->lang), type_word(y, s->d->lang));
            return mk(s, TY_ERROR, 0, NULL, NULL);
        }
        return x;
    }
    default: break;
    }
    return mk(s, TY_ERROR, 0, NULL, NULL);
}

sema_type *sema_expr(sema *s, ast_expr *e)
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
            bool_operand(s, e->u.unary.operand, "not");
            t = mk(s, TY_BOOL, 0, NULL, NULL);
        } else {
            sema_type *x = sema_expr(s, e->u.unary.operand);
            if (x->kind != TY_ERROR && !sema_is_numeric(x->kind)) {
                diag(s->d, "E0218", e->loc, "-", type_word(x, s->d->lang));
                t = mk(s, TY_ERROR, 0, NULL, NULL);
            } else {
                t = mk(s, x->kind == TY_COUNT ? TY_INTEGER : x->kind, x->scale, x->unit, NULL);
            }
        }
        break;
    case AST_E_BINARY: {
        ast_op op = e->u.binary.op;
        if (op == AST_OP_AND || op == AST_OP_OR) {
            bool_operand(s, e->u.binary.lhs, op == AST_OP_AND ? "and" : "or");
            bool_operand(s, e->u.binary.rhs, op == AST_OP_AND ? "and" : "or");
            t = mk(s, TY_BOOL, 0, NULL, NULL);
        } else if (op >= AST_OP_EQ && op <= AST_OP_GE) {
            ast_expr *le = e->u.binary.lhs, *re = e->u.binary.rhs;
            sema_type *l, *r;
            /* a bare name next to a code field is one of its codes */
            if (le->kind == AST_E_NAME && !(s->form && m_form_field(s->form, le->u.name.text) >= 0) &&
                strcmp(le->u.name.text, "well_formed")) {
                r = sema_expr(s, re);
                l = expr_in_context(s, le, r->kind == TY_CODE ? r->list : NULL);
            } else {
                l = sema_expr(s, le);
                r = expr_in_context(s, re, l->kind == TY_CODE ? l->list : NULL);
            }
            if (l->kind != TY_ERROR && r->kind != TY_ERROR) {
                if (!comparable(l, r)) {
                    diag(s->d, "E0203", e->loc, type_word(l, s->d->lang), type_word(r, s->d->lang));
                    if (l->kind == TY_CODE || r->kind == TY_CODE)
                        diag_hint(s->d, "H0203");
                } else if (units_clash(l, r)) {
                    diag(s->d, "E0221", e->loc, l->unit, r->unit);
                } else if ((op != AST_OP_EQ && op != AST_OP_NE) &&
                           (l->kind == TY_CODE || l->kind == TY_TEXT || l->kind == TY_BOOL || l->kind == TY_UNIT)) {
                    diag(s->d, "E0222", e->loc, type_word(l, s->d->lang));
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
                diag(s->d, "E0223", e->u.in.operand->loc, type_word(x, s->d->lang));
                diag_hint(s->d, "H0223");
            }
        } else {
            if (x->kind != TY_CODE) {
                diag(s->d, "E0223", e->u.in.operand->loc, type_word(x, s->d->lang));
                break;
            }
            AST_EACH(ast_expr *, c, e->u.in.codes) {
                if (c->kind == AST_E_NAME || c->kind == AST_E_STRING)
                    expr_in_context(s, c, x->list);
                else
                    diag(s->d, "E0206", c->loc, "?", x->list ? x->list->name : "?");
                if (c->kind == AST_E_STRING && (!c->ref || c->ref->kind != REF_CODE))
                    diag(s->d, "E0206", c->loc, c->u.str, x->list ? x->list->name : "?");
            }
        }
        break;
    }
    }
    e->type = t;
    return t;
}

/* ---- constants ---- */

static int rescale(int64_t v, int from, int to, int64_t *out)
{
    while (from < to) {
        if (v > INT64_MAX / 10 || v < INT64_MIN / 10)
            return 0;
        v *= 10;
        from++;
    }
    while (from > to) {
        if (v % 10)
            return 0; /* not exact at the target scale */
        v /= 10;
        from--;
    }
    *out = v;
    return 1;
}

int sema_const_int(sema *s, ast_expr *e, int scale, int64_t *out)
{
    (void)s;
    switch (e->kind) {
    case AST_E_NUMBER: return rescale(e->u.num.value, e->u.num.scale, scale, out);
    case AST_E_PERCENT: return rescale(e->u.num.value, e->u.num.scale + 2, scale, out);
    case AST_E_DATE: *out = e->u.date; return 1;
    case AST_E_UNARY:
        if (e->u.unary.op == AST_OP_NEG && sema_const_int(s, e->u.unary.operand, scale, out)) {
            *out = -*out;
            return 1;
        }
        return 0;
    default: return 0;
    }
}

/* Folds a constant boolean; 1 when e is constant (value in *v). */
static int const_bool(sema *s, ast_expr *e, int *v)
{
    switch (e->kind) {
    case AST_E_BOOL: *v = e->u.boolean; return 1;
    case AST_E_UNARY: {
        int x;
        if (e->u.unary.op == AST_OP_NOT && const_bool(s, e->u.unary.operand, &x)) {
            *v = !x;
            return 1;
        }
        return 0;
    }
    case AST_E_BINARY: {
        ast_op op = e->u.binary.op;
        int a, b;
        if (op == AST_OP_AND || op == AST_OP_OR) {
            int ka = const_bool(s, e->u.binary.lhs, &a), kb = const_bool(s, e->u.binary.rhs, &b);
            if (ka && kb) {
                *v = op == AST_OP_AND ? a && b : a || b;
                return 1;
            }
            if (op == AST_OP_AND && ((ka && !a) || (kb && !b))) {
                *v = 0;
                return 1;
            }
            if (op == AST_OP_OR && ((ka && a) || (kb && b))) {
                *v = 1;
                return 1;
            }
            return 0;
        }
        if (op >= AST_OP_EQ && op <= AST_OP_GE) {
            int64_t x, y;
            if (sema_const_int(s, e->u.binary.lhs, 9, &x) && sema_const_int(s, e->u.binary.rhs, 9, &y)) {
                *v = op == AST_OP_EQ ? x == y : op == AST_OP_NE ? x != y : op == AST_OP_LT ? x < y
                   : op == AST_OP_LE ? x <= y : op == AST_OP_GT ? x > y : x >= y;
                return 1;
            }
            /* the same field on both sides */
            ast_expr *l = e->u.binary.lhs, *r = e->u.binary.rhs;
            if (l->kind == AST_E_NAME && r->kind == AST_E_NAME && !strcmp(l->u.name.text, r->u.name.text) &&
                l->ref && l->ref->kind == REF_FIELD) {
                *v = op == AST_OP_EQ || op == AST_OP_LE || op == AST_OP_GE;
                return 1;
            }
        }
        return 0;
    }
    default: return 0;
    }
}

/* ---- messages ---- */

static void check_message(sema *s, m_rule *rule, const ast_texts *msg)
{
    AST_EACH(ast_text *, t, msg->items) {
        const char *p = t->text;
        while ((p = strchr(p, '{'))) {
            if (p > t->text && p[-1] == '\\') {
                p++;
                continue;
            }
            const char *end = strchr(p, '}');
            if (!end) {
                diag(s->d, "E0304", t->loc, p, rule->code);
                diag_hint(s->d, "H0304");
                break;
            }
            char *ph = arena_strndup(s->a, p + 1, (size_t)(end - p - 1));
            const char *inner = ph;
            size_t len = strlen(ph);
            if (!strncmp(ph, "previous(", 9) && len > 10 && ph[len - 1] == ')') {
                ph[len - 1] = 0;
                inner = ph + 9;
            } else if (!strncmp(ph, "children(", 9) && len > 10 && ph[len - 1] == ')') {
                ph[len - 1] = 0;
                inner = ph + 9;
            }
            if (strcmp(inner, "imbalance") && m_form_field(s->form, inner) < 0) {
                diag(s->d, "E0304", t->loc, inner, rule->code);
                suggest_field(s, inner);
            }
            p = end + 1;
        }
    }
}

static int contains_div(const ast_expr *e)
{
    if (!e)
        return 0;
    switch (e->kind) {
    case AST_E_BINARY:
        return e->u.binary.op == AST_OP_DIV || contains_div(e->u.binary.lhs) || contains_div(e->u.binary.rhs);
    case AST_E_UNARY: return contains_div(e->u.unary.operand);
    case AST_E_CALL:
        for (int i = 0; i < e->u.call.args.n; i++)
            if (contains_div(e->u.call.args.items[i]))
                return 1;
        return 0;
    default: return 0;
    }
}

static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

static int cmp_rule(const void *a, const void *b)
{
    return strcmp(((const m_rule *)a)->code, ((const m_rule *)b)->code);
}

static void check_rule(sema *s, ast_member *m, m_rule *mr)
{
    ast_rule *r = m->rule;
    mr->code = r->code;
    mr->decl = r;
    mr->loc = r->code_loc;
    mr->message = r->message;
    static const char *const sevs[] = {"error", "warning", "info"};
    mr->severity = RG_SEV_ERROR;
    int sk = -1;
    for (int i = 0; i < 3; i++)
        if (!strcmp(r->severity.text, sevs[i]))
            sk = i;
    if (sk < 0) {
        diag(s->d, "E0302", r->severity.loc, r->severity.text);
        sema_suggest(s, r->severity.text, sevs, 3);
    } else {
        mr->severity = (rg_severity)(sk + 1);
    }
    if (r->missing.text) {
        static const char *const modes[] = {"skip", "zero", "fail"};
        int k = -1;
        for (int i = 0; i < 3; i++)
            if (!strcmp(r->missing.text, modes[i]))
                k = i;
        if (k < 0) {
            diag(s->d, "E0303", r->missing.loc, r->missing.text);
            sema_suggest(s, r->missing.text, modes, 3);
        } else {
            mr->missing = (m_missing)k;
        }
    }
    AST_EACH(ast_attr *, a, r->extra) {
        diag(s->d, "E0307", a->loc);
        diag_hint(s->d, "H0307");
    }
    s->in_rule = 1;
    s->n_rule_fields = 0;
    s->uses_prev = s->uses_children = s->uses_other_form = s->uses_units = s->uses_well_formed = 0;
    if (r->when) {
        bool_operand(s, r->when, "when");
        mr->when = r->when;
    }
    if (!r->check) {
        diag(s->d, "E0301", r->code_loc, r->code);
        diag_hint(s->d, "H0301");
    } else {
        bool_operand(s, r->check, "check");
        mr->check = r->check;
    }
    if (r->tolerance) {
        sema_type *tt = sema_expr(s, r->tolerance);
        int64_t tol;
        if ((tt->kind != TY_ERROR && !sema_is_numeric(tt->kind)) || !sema_const_int(s, r->tolerance, 9, &tol) ||
            tol < 0)
            diag(s->d, "E0213", r->tolerance->loc);
        mr->tolerance = r->tolerance;
    }
    s->in_rule = 0;
    mr->flags = (s->uses_prev ? RG_RULE_PREVIOUS : 0) | (s->uses_children ? RG_RULE_CHILDREN : 0) |
                (s->uses_other_form ? RG_RULE_CROSS_FORM : 0) | (s->uses_units ? RG_RULE_UNITS : 0);
    if (r->check && r->check->kind == AST_E_NAME && r->check->ref && r->check->ref->kind == REF_WELL_FORMED)
        mr->flags |= RG_RULE_WELL_FORMED;
    qsort(s->rule_fields, (size_t)s->n_rule_fields, sizeof(int), cmp_int);
    mr->n_fields = s->n_rule_fields;
    mr->fields = arena_alloc(s->a, sizeof(int) * (size_t)(s->n_rule_fields + 1));
    if (s->n_rule_fields)
        memcpy(mr->fields, s->rule_fields, sizeof(int) * (size_t)s->n_rule_fields);
    /* provable outcomes */
    int v;
    if (r->when && const_bool(s, r->when, &v) && !v) {
        diag(s->d, "W0302", r->when->loc, r->code);
    } else if (r->check && const_bool(s, r->check, &v)) {
        diag(s->d, v ? "W0300" : "W0301", r->check->loc, r->code);
    }
    if (r->check && contains_div(r->check) && !r->when) {
        diag(s->d, "W0304", r->check->loc, r->code);
        diag_hint(s->d, "H0304b");
    }
    if (!r->message) {
        diag(s->d, "E0305", r->code_loc, r->code);
        diag_hint(s->d, "H0305");
    } else {
        check_message(s, mr, r->message);
    }
}

void sema_form_exprs(sema *s)
{
    for (int fi = 0; fi < s->r->n_forms; fi++) {
        m_form *form = &s->r->forms[fi];
        s->form = form;
        s->form_index = fi;
        g_state = calloc((size_t)form->n_fields + 1, sizeof *g_state);
        for (int i = 0; i < form->n_fields; i++) {
            m_field *f = &form->fields[i];
            if (f->flags & (RG_FIELD_COMPUTED | RG_FIELD_RATIO))
                field_type(s, i, f->loc);
            if (f->relevant)
                bool_operand(s, f->relevant, "relevant when");
            if ((f->flags & RG_FIELD_RATIO) && f->expr && f->expr->kind == AST_E_BINARY &&
                f->expr->u.binary.op == AST_OP_DIV && !f->relevant) {
                diag(s->d, "W0303", f->expr->u.binary.rhs->loc, f->code);
                diag_hint(s->d, "H0303");
            }
            if ((f->flags & RG_FIELD_RATIO) && f->expr &&
                !(f->expr->kind == AST_E_BINARY && f->expr->u.binary.op == AST_OP_DIV))
                diag(s->d, "E0224", f->expr->loc, f->code);
        }
        AST_EACH(ast_member *, m, form->decl->u.form.members) {
            if (m->kind != AST_M_RULE)
                continue;
            check_rule(s, m, &form->rules[form->n_rules++]);
        }
        qsort(form->rules, (size_t)form->n_rules, sizeof(m_rule), cmp_rule);
        free(g_state);
        g_state = NULL;
    }
    /* rule codes are stable identifiers: unique in the whole regime */
    for (int fi = 0; fi < s->r->n_forms; fi++)
        for (int i = 0; i < s->r->forms[fi].n_rules; i++) {
            m_rule *a = &s->r->forms[fi].rules[i];
            for (int fj = 0; fj <= fi; fj++)
                for (int j = 0; j < s->r->forms[fj].n_rules; j++) {
                    m_rule *b = &s->r->forms[fj].rules[j];
                    if (b == a || (fj == fi && j >= i))
                        continue;
                    if (!strcmp(a->code, b->code)) {
                        m_rule *later = a->loc.line > b->loc.line || fj != fi ? a : b;
                        m_rule *first = later == a ? b : a;
                        diag(s->d, "E0300", later->loc, later->code);
                        diag_hint(s->d, "H0100", src_get(&s->c->sm, first->loc.file)->path, first->loc.line);
                    }
                }
        }
    s->form = NULL;
}
