/*
 * lower_hier.c — a hierarchy checked by a form, lowered to a `pivot` form
 * whose row is one group of the form's rows (regime.h, rg_hierarchy).
 *
 * The pivot's columns are the period, one bool per item (the group has a
 * row with that code) and one value per measure and item. Each hierarchy
 * rule becomes one ordinary IR rule per measure, so the validate and
 * message kernels, the reference evaluator and the differential tests
 * treat it like any rule. VTL's check_hierarchy modes are spelt out in the
 * trees:
 *   - an item read is the value (null when absent or empty) in the *_null
 *     modes, and `if(exists, value, 0)` in the *_zero modes (an absent
 *     item is 0, a present empty one stays null);
 *   - the rule's guard (rg_rule.guard, also its `when`) is the user's
 *     condition on the period and the mode's condition for producing a
 *     result: non_null every item has a value; non_zero some item is null
 *     or not 0; partial_* some item has a row; always_* always.
 * A check reading a null item is null (not evaluated), never false.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

typedef struct hctx {
    arena *a;
    const m_hierarchy *h;
    int mode;
    int n_items;
    int m;              /* the measure being lowered */
    int scale;          /* its scale */
    int *item_of_code;  /* code index -> item index */
    int *total_col;     /* computing, per item: its value column, or -1 */
} hctx;

static ir_expr *node(hctx *c, ir_op op, int scale, ir_expr *a, ir_expr *b) { return ir_node(c->a, op, scale, a, b); }

static ir_expr *boolean(hctx *c, ir_op op, ir_expr *a, ir_expr *b) { return ir_bool_node(c->a, op, a, b); }

static ir_expr *constant(hctx *c, int64_t v, int scale, int is_bool)
{
    ir_expr *e = ir_new(c->a, IR_CONST, scale);
    e->value = v;
    e->is_bool = is_bool;
    return e;
}

static ir_expr *column(hctx *c, int col, int scale, int is_bool)
{
    ir_expr *e = ir_new(c->a, IR_FIELD, scale);
    e->field = col;
    e->is_bool = is_bool;
    return e;
}

static int zero_mode(int mode)
{
    return mode == RG_MISS_NON_ZERO || mode == RG_MISS_PARTIAL_ZERO || mode == RG_MISS_ALWAYS_ZERO;
}

static ir_expr *exists(hctx *c, int item) { return column(c, 1 + item, 0, 1); }

static ir_expr *value(hctx *c, int item) { return column(c, 1 + c->n_items + c->m * c->n_items + item, c->scale, 0); }

/* An item as the rules read it in the mode. */
static ir_expr *item_read(hctx *c, int item, int scale)
{
    ir_expr *v = value(c, item);
    if (zero_mode(c->mode)) {
        ir_expr *x = node(c, IR_IF, c->scale, exists(c, item), v);
        x->c = constant(c, 0, c->scale, 0);
        v = x;
    }
    if (scale != c->scale) {
        ir_expr *r = node(c, IR_RESCALE, scale, v, NULL);
        v = r;
    }
    return v;
}

/* Period number of a literal in the numbering of `freq` (regime.h): the
 * period that contains the literal's first day. */
static int64_t literal_period(const ast_expr *e, rg_freq freq)
{
    int64_t y, mo;
    if (e->kind == AST_E_NUMBER) {
        y = e->u.num.value;
        mo = 1;
    } else if (e->kind == AST_E_DATE) {
        /* civil date of a day number (H. Hinnant's days_from_civil inverse) */
        int64_t z = (int64_t)e->u.date + 719468;
        int64_t era = (z >= 0 ? z : z - 146096) / 146097;
        int64_t doe = z - era * 146097;
        int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        int64_t mp = (5 * doy + 2) / 153;
        mo = mp < 10 ? mp + 3 : mp - 9;
        y = yoe + era * 400 + (mo <= 2);
    } else {
        const char *t = e->u.period.text;
        int64_t n = lower_period_number(t);
        if (n < 0 || strlen(t) < 4)
            return -1;
        y = (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0');
        mo = 1;
        if (t[4] == '-' && (t[5] == 'Q' || t[5] == 'q'))
            mo = (t[6] - '1') * 3 + 1;
        else if (t[4] == '-' && (t[5] == 'H' || t[5] == 'h'))
            mo = (t[6] - '1') * 6 + 1;
        else if (t[4] == '-')
            mo = (t[5] - '0') * 10 + (t[6] - '0');
    }
    switch (freq) {
    case RG_F_MONTHLY: return y * 12 + (mo - 1);
    case RG_F_QUARTERLY: return y * 4 + (mo - 1) / 3;
    case RG_F_HALF_YEARLY: return y * 2 + (mo - 1) / 6;
    default: return y;
    }
}

static const ir_cmp cmp_of[] = {[AST_OP_EQ] = IR_EQ, [AST_OP_NE] = IR_NE, [AST_OP_LT] = IR_LT,
                                [AST_OP_LE] = IR_LE, [AST_OP_GT] = IR_GT, [AST_OP_GE] = IR_GE};

/* The `when` of a hierarchy rule: and/or/not of `period CMP literal`
 * (sema_hier.c checked the shape). */
static ir_expr *lower_when(hctx *c, const ast_expr *e, rg_freq freq)
{
    if (e->kind == AST_E_BOOL)
        return constant(c, e->u.boolean, 0, 1);
    if (e->kind == AST_E_UNARY)
        return boolean(c, IR_NOT, lower_when(c, e->u.unary.operand, freq), NULL);
    if (e->u.binary.op == AST_OP_AND || e->u.binary.op == AST_OP_OR)
        return boolean(c, e->u.binary.op == AST_OP_AND ? IR_AND : IR_OR, lower_when(c, e->u.binary.lhs, freq),
                       lower_when(c, e->u.binary.rhs, freq));
    ir_expr *x = boolean(c, IR_CMP, column(c, 0, 0, 0), constant(c, literal_period(e->u.binary.rhs, freq), 0, 0));
    x->cmp = cmp_of[e->u.binary.op];
    return x;
}

/* Whether the rule produces a result in the mode (VTL check_hierarchy). */
static ir_expr *produced(hctx *c, const m_hier_rule *r)
{
    int n = r->n_right + 1;
    ir_expr *acc = NULL;
    for (int i = 0; i < n; i++) {
        int code = i == 0 ? r->left : r->right[i - 1];
        int it = c->item_of_code[code];
        ir_expr *p;
        switch (c->mode) {
        case RG_MISS_NON_NULL: p = boolean(c, IR_PRESENT, value(c, it), NULL); break;
        case RG_MISS_NON_ZERO: {
            /* null, or not 0 (an absent item is 0) */
            ir_expr *ne = boolean(c, IR_CMP, item_read(c, it, c->scale), constant(c, 0, c->scale, 0));
            ne->cmp = IR_NE;
            p = boolean(c, IR_COALESCE, ne, constant(c, 1, 0, 1));
            break;
        }
        case RG_MISS_PARTIAL_NULL:
        case RG_MISS_PARTIAL_ZERO: p = exists(c, it); break;
        default: return constant(c, 1, 0, 1);
        }
        acc = !acc ? p : boolean(c, c->mode == RG_MISS_NON_NULL ? IR_AND : IR_OR, acc, p);
    }
    return acc;
}


static m_field *pivot_field(arena *a, m_field *mf, ir_field *f, const char *code, int type, int scale, uint32_t flags);

/* ---- computing: VTL's hierarchy operator (input `rule`) ----
 * A code an `=` rule defines is computed, per measure, into a pivot
 * column, with a bool column beside it saying whether the mode produces
 * it. A rule reading a computed code reads that result (as VTL's default
 * input `rule`): produced, its value; not produced, it is absent. */

static int defines(const m_hierarchy *h, int code)
{
    for (int i = 0; i < h->n_rules; i++)
        if (h->rules[i].left == code && h->rules[i].cmp == AST_OP_EQ && h->rules[i].n_right)
            return 1;
    return 0;
}

/* The defined codes, each after the codes its rules read (no cycles:
 * sema_hier.c, E0395). */
static void topo(const m_hierarchy *h, int code, char *seen, int *order, int *n)
{
    if (seen[code])
        return;
    seen[code] = 1;
    for (int i = 0; i < h->n_rules; i++) {
        const m_hier_rule *r = &h->rules[i];
        if (r->left != code || r->cmp != AST_OP_EQ)
            continue;
        for (int j = 0; j < r->n_right; j++)
            if (r->right[j] >= 0)
                topo(h, r->right[j], seen, order, n);
    }
    if (defines(h, code))
        order[(*n)++] = code;
}

static ir_expr *t_exists(hctx *c, int item)
{
    return c->total_col[item] >= 0 ? column(c, c->total_col[item] + 1, 0, 1) : exists(c, item);
}

static ir_expr *t_read(hctx *c, int item)
{
    if (c->total_col[item] < 0)
        return item_read(c, item, c->scale);
    ir_expr *x = node(c, IR_IF, c->scale, t_exists(c, item), column(c, c->total_col[item], c->scale, 0));
    x->c = zero_mode(c->mode) ? constant(c, 0, c->scale, 0) : ir_new(c->a, IR_MISSING, c->scale);
    return x;
}

/* The value of one `=` rule, and whether the mode produces it. */
static ir_expr *t_value(hctx *c, const m_hier_rule *r)
{
    ir_expr *v = NULL;
    for (int i = 0; i < r->n_right; i++) {
        ir_expr *x = t_read(c, c->item_of_code[r->right[i]]);
        if (!v)
            v = r->sign[i] < 0 ? node(c, IR_NEG, c->scale, x, NULL) : x;
        else
            v = node(c, r->sign[i] < 0 ? IR_SUB : IR_ADD, c->scale, v, x);
    }
    return v;
}

static ir_expr *t_produced(hctx *c, const m_hier_rule *r, ir_expr *v)
{
    switch (c->mode) {
    case RG_MISS_NON_NULL: return boolean(c, IR_PRESENT, v, NULL);
    case RG_MISS_NON_ZERO: {
        ir_expr *ne = boolean(c, IR_CMP, v, constant(c, 0, c->scale, 0));
        ne->cmp = IR_NE;
        return boolean(c, IR_COALESCE, ne, constant(c, 1, 0, 1));
    }
    case RG_MISS_PARTIAL_NULL:
    case RG_MISS_PARTIAL_ZERO: {
        ir_expr *acc = NULL;
        for (int i = 0; i < r->n_right; i++) {
            ir_expr *e = t_exists(c, c->item_of_code[r->right[i]]);
            acc = acc ? boolean(c, IR_OR, acc, e) : e;
        }
        return acc;
    }
    default: return constant(c, 1, 0, 1);
    }
}

static void lower_totals(hctx *c, const m_form *form, const ir_form *f, ir_hier *out, m_form *pm, ir_form *p)
{
    const m_hierarchy *h = c->h;
    const m_codelist *l = h->list;
    int *order = arena_alloc(c->a, sizeof(int) * (size_t)(l->n_codes + 1)), n = 0;
    char *seen = arena_alloc(c->a, (size_t)l->n_codes + 1);
    for (int i = 0; i < h->n_rules; i++)
        if (h->rules[i].left >= 0 && h->rules[i].cmp == AST_OP_EQ)
            topo(h, h->rules[i].left, seen, order, &n);
    if (!n)
        return;
    int base = p->n_fields, nm = out->n_measures;
    int nf = base + 2 * n * nm;
    m_field *mfields = arena_alloc(c->a, sizeof(m_field) * (size_t)nf);
    memcpy(mfields, pm->fields, sizeof(m_field) * (size_t)base);
    ir_field *fields = arena_alloc(c->a, sizeof(ir_field) * (size_t)nf);
    memcpy(fields, p->fields, sizeof(ir_field) * (size_t)base);
    for (int i = 0; i < base; i++)
        fields[i].src = &mfields[i];
    int *field_of = arena_alloc(c->a, sizeof(int) * (size_t)nf);
    for (int i = 0; i < nf; i++)
        field_of[i] = i;
    p->computed = arena_alloc(c->a, sizeof(int) * (size_t)nf);
    out->totals = arena_alloc(c->a, sizeof(int) * 4 * (size_t)(n * nm));
    c->total_col = arena_alloc(c->a, sizeof(int) * (size_t)(h->n_items + 1));
    for (int m = 0; m < nm; m++) {
        const ir_field *mf = &f->fields[out->measures[m]];
        c->m = m;
        c->scale = mf->scale;
        for (int i = 0; i < h->n_items; i++)
            c->total_col[i] = -1;
        for (int k = 0; k < n; k++) {
            int code = order[k], it = c->item_of_code[code];
            int col = base + 2 * (m * n + k);
            const char *cc = l->codes[code].code;
            pivot_field(c->a, &mfields[col], &fields[col], arena_printf(c->a, "%s.=%s", mf->code, cc), mf->type,
                        mf->scale, RG_FIELD_COMPUTED);
            pivot_field(c->a, &mfields[col + 1], &fields[col + 1], arena_printf(c->a, "%s.=%s?", mf->code, cc),
                        RG_T_BOOL, 0, RG_FIELD_COMPUTED);
            /* the rules defining the code, the first whose `when` holds */
            ir_expr *v = ir_new(c->a, IR_MISSING, c->scale), *pr = constant(c, 0, 0, 1);
            for (int j = h->n_rules - 1; j >= 0; j--) {
                const m_hier_rule *r = &h->rules[j];
                if (r->left != code || r->cmp != AST_OP_EQ || !r->n_right)
                    continue;
                ir_expr *rv = t_value(c, r), *rp = t_produced(c, r, rv);
                if (r->when) {
                    ir_expr *g = lower_when(c, r->when, form->frequency);
                    ir_expr *x = node(c, IR_IF, c->scale, g, rv);
                    x->c = v;
                    ir_expr *y = boolean(c, IR_IF, g, rp);
                    y->c = pr;
                    v = x;
                    pr = y;
                } else {
                    v = rv;
                    pr = rp;
                }
            }
            /* a value the mode does not produce is not read by the rules
             * above it: they see the code absent */
            fields[col].expr = v;
            fields[col + 1].expr = pr;
            c->total_col[it] = col;
            p->computed[p->n_computed++] = col;
            p->computed[p->n_computed++] = col + 1;
            int cap = 0;
            ir_collect_reads(c->a, v, f->index, &fields[col].reads, &fields[col].n_reads, &cap);
            cap = 0;
            ir_collect_reads(c->a, pr, f->index, &fields[col + 1].reads, &fields[col + 1].n_reads, &cap);
            int *t = &out->totals[4 * out->n_totals++];
            t[0] = it;
            t[1] = m;
            t[2] = col;
            t[3] = col + 1;
        }
    }
    c->total_col = NULL;
    pm->fields = mfields;
    pm->n_fields = nf;
    p->fields = fields;
    p->field_of = field_of;
    p->n_fields = nf;
}

static ast_texts *default_message(arena *a, const m_hier_rule *r, const m_codelist *l)
{
    /* "T = M + F does not hold: T {T}, M {M}, F {F}, imbalance {imbalance}" */
    static const char *const ops[] = {[AST_OP_EQ] = "=", [AST_OP_LT] = "<", [AST_OP_LE] = "<=",
                                      [AST_OP_GT] = ">", [AST_OP_GE] = ">="};
    static const char *const langs[2][3] = {{"en", " does not hold:", "imbalance"},
                                            {"vi", " không thỏa:", "chênh lệch"}};
    ast_texts *t = arena_alloc(a, sizeof *t);
    for (int li = 0; li < 2; li++) {
        size_t cap = 64;
        for (int i = 0; i < r->n_right; i++)
            cap += 2 * strlen(l->codes[r->right[i]].code) + 8;
        cap += 2 * strlen(l->codes[r->left].code) + 64;
        char *s = arena_alloc(a, cap);
        size_t n = (size_t)snprintf(s, cap, "%s %s ", l->codes[r->left].code, ops[r->cmp]);
        for (int i = 0; i < r->n_right; i++)
            n += (size_t)snprintf(s + n, cap - n, "%s%s", i == 0 ? (r->sign[i] < 0 ? "-" : "")
                                                           : (r->sign[i] < 0 ? " - " : " + "),
                                  l->codes[r->right[i]].code);
        n += (size_t)snprintf(s + n, cap - n, "%s %s {%s}", langs[li][1], l->codes[r->left].code,
                              l->codes[r->left].code);
        for (int i = 0; i < r->n_right; i++)
            n += (size_t)snprintf(s + n, cap - n, ", %s {%s}", l->codes[r->right[i]].code, l->codes[r->right[i]].code);
        snprintf(s + n, cap - n, ", %s {imbalance}", langs[li][2]);
        ast_text *x = arena_alloc(a, sizeof *x);
        x->lang = langs[li][0];
        x->text = s;
        ast_list_push(a, &t->items, x);
    }
    return t;
}

/* The message placeholders of one pivot rule, then the hidden imbalance,
 * verdict and guard (rg_rule.values). */
static void rule_values(hctx *c, const m_hier_rule *hr, const m_codelist *l, ir_rule *r, const ir_field *mf,
                        ir_expr *imb)
{
    int cap = 3, n = 0;
    const ast_texts *msg = r->src->message;
    AST_EACH(ast_text *, t, msg->items) {
        for (const char *p = t->text; (p = strchr(p, '{')); p++)
            cap++;
    }
    ir_value *v = arena_alloc(c->a, sizeof *v * (size_t)cap);
    AST_EACH(ast_text *, t, msg->items) {
        const char *p = t->text, *end;
        while ((p = m_placeholder(t->text, p, &end))) {
            if (!end)
                break;
            char *name = arena_strndup(c->a, p + 1, (size_t)(end - p - 1));
            p = end + 1;
            int k = 0;
            while (k < n && strcmp(v[k].name, name))
                k++;
            if (k < n)
                continue;
            ir_value *x = &v[n++];
            x->name = name;
            x->field = -1;
            x->codelist = -1;
            x->type = mf->type == RG_T_COUNT && !strcmp(name, "imbalance") ? RG_T_INTEGER : mf->type;
            x->scale = mf->scale;
            if (!strcmp(name, "imbalance")) {
                x->expr = imb;
                continue;
            }
            int code = -1;
            for (int i = 0; i < l->n_codes && code < 0; i++)
                if (!strcmp(l->codes[i].code, name))
                    code = i;
            x->expr = code >= 0 && c->item_of_code[code] >= 0 ? item_read(c, c->item_of_code[code], c->scale)
                                                              : ir_new(c->a, IR_MISSING, c->scale);
        }
    }
    ir_value *x = &v[n];
    x->name = "=imbalance";
    x->type = mf->type == RG_T_COUNT ? RG_T_INTEGER : mf->type;
    x->scale = mf->scale;
    x->codelist = -1;
    x->field = -1;
    x->expr = imb;
    r->imbalance = n++;
    x = &v[n];
    x->name = "=verdict";
    x->type = RG_T_BOOL;
    x->codelist = -1;
    x->field = -1;
    x->expr = lower_verdict(c->a, r);
    r->verdict = n++;
    x = &v[n];
    x->name = "=guard";
    x->type = RG_T_BOOL;
    x->codelist = -1;
    x->field = -1;
    x->expr = r->when;
    r->guard = n++;
    r->values = v;
    r->n_values = n;
    (void)hr;
}

static m_field *pivot_field(arena *a, m_field *mf, ir_field *f, const char *code, int type, int scale, uint32_t flags)
{
    memset(mf, 0, sizeof *mf);
    mf->code = code;
    mf->type.kind = type == RG_T_BOOL ? TY_BOOL : type == RG_T_PERIOD ? TY_PERIOD : TY_DECIMAL;
    mf->type.scale = scale;
    mf->flags = flags;
    mf->weight = -1;
    mf->time_agg = RG_TIME_NONE;
    mf->unit_agg = RG_UNITS_NONE;
    memset(f, 0, sizeof *f);
    f->code = code;
    f->type = type;
    f->scale = scale;
    f->flags = flags;
    f->time_agg = RG_TIME_NONE;
    f->unit_agg = RG_UNITS_NONE;
    f->weight = -1;
    f->acc = f->acc_null = f->acc_nv = f->acc_sel = -1;
    f->src = mf;
    (void)a;
    return mf;
}

static void lower_use(arena *a, const m_regime *reg, const m_form *form, const ir_form *f, const m_hier_use *u,
                      ir_hier *out)
{
    const m_hierarchy *h = &reg->hierarchies[u->hier];
    const m_codelist *l = h->list;
    hctx c = {.a = a, .h = h, .mode = u->mode, .n_items = h->n_items};
    c.item_of_code = arena_alloc(a, sizeof(int) * (size_t)(l->n_codes + 1));
    for (int k = 0; k < l->n_codes; k++)
        c.item_of_code[k] = -1;
    for (int i = 0; i < h->n_items; i++)
        c.item_of_code[h->items[i]] = i;
    out->use = u;
    out->h = h;
    out->dim = f->field_of[u->dim];
    out->mode = u->mode;
    out->n_measures = u->n_fields;
    out->measures = arena_alloc(a, sizeof(int) * (size_t)(u->n_fields + 1));
    for (int m = 0; m < u->n_fields; m++)
        out->measures[m] = f->field_of[u->fields[m]];

    /* the pivot form, with a model of its own for the descriptor */
    ir_form *p = &out->pivot;
    m_form *pm = arena_alloc(a, sizeof *pm);
    int nf = 1 + h->n_items + u->n_fields * h->n_items;
    pm->code = arena_printf(a, "%s.%s", form->code, h->name);
    pm->label = h->label;
    pm->unit_tier = form->unit_tier;
    pm->frequency = form->frequency;
    pm->unit_field = -1;
    pm->period_field = 0;
    pm->fields = arena_alloc(a, sizeof(m_field) * (size_t)nf);
    pm->n_fields = nf;
    p->code = pm->code;
    p->index = f->index;
    p->src = pm;
    p->n_fields = nf;
    p->fields = arena_alloc(a, sizeof(ir_field) * (size_t)nf);
    p->field_of = arena_alloc(a, sizeof(int) * (size_t)nf);
    for (int i = 0; i < nf; i++)
        p->field_of[i] = i;
    pivot_field(a, &pm->fields[0], &p->fields[0], "period", RG_T_PERIOD, 0, RG_FIELD_KEY_PERIOD);
    for (int i = 0; i < h->n_items; i++) {
        const char *code = l->codes[h->items[i]].code;
        pivot_field(a, &pm->fields[1 + i], &p->fields[1 + i], arena_printf(a, "%s?", code), RG_T_BOOL, 0, 0);
    }
    for (int m = 0; m < u->n_fields; m++) {
        const ir_field *mf = &f->fields[out->measures[m]];
        for (int i = 0; i < h->n_items; i++) {
            int k = 1 + h->n_items + m * h->n_items + i;
            const char *code = l->codes[h->items[i]].code;
            pivot_field(a, &pm->fields[k], &p->fields[k], arena_printf(a, "%s.%s", mf->code, code), mf->type,
                        mf->scale, 0);
        }
    }

    /* the totals the `=` rules compute (regrt hierarchy) */
    lower_totals(&c, form, f, out, pm, p);

    /* the rules: hierarchy rule x measure, in declaration order */
    int nr = h->n_rules * u->n_fields;
    p->rules = arena_alloc(a, sizeof(ir_rule) * (size_t)(nr + 1));
    pm->rules = arena_alloc(a, sizeof(m_rule) * (size_t)(nr + 1));
    out->rule_left = arena_alloc(a, sizeof(int) * (size_t)(nr + 1));
    out->rule_measure = arena_alloc(a, sizeof(int) * (size_t)(nr + 1));
    for (int m = 0; m < u->n_fields; m++) {
        const ir_field *mf = &f->fields[out->measures[m]];
        c.m = m;
        c.scale = mf->scale;
        for (int j = 0; j < h->n_rules; j++) {
            const m_hier_rule *hr = &h->rules[j];
            if (hr->left < 0)
                continue;
            m_rule *mr = &pm->rules[p->n_rules];
            ir_rule *r = &p->rules[p->n_rules];
            out->rule_left[p->n_rules] = c.item_of_code[hr->left];
            out->rule_measure[p->n_rules] = m;
            memset(mr, 0, sizeof *mr);
            mr->code = u->n_fields == 1 ? hr->code : arena_printf(a, "%s.%s", hr->code, mf->code);
            mr->severity = hr->severity;
            mr->check = hr->decl->check;
            mr->message = hr->message ? hr->message : default_message(a, hr, l);
            mr->errorcode = hr->errorcode;
            mr->errorlevel = hr->errorlevel;
            mr->fields = arena_alloc(a, sizeof(int));
            mr->decl = hr->decl;
            mr->loc = hr->loc;
            pm->n_rules++;
            r->code = mr->code;
            r->severity = hr->severity;
            r->src = mr;
            r->missing = IR_MISS_SKIP;
            /* the sides at the scale of the measure or of the tolerance */
            int64_t tol = 0;
            int ts = 0;
            if (hr->tolerance) {
                tol = hr->tolerance->u.num.value;
                ts = hr->tolerance->u.num.scale + (hr->tolerance->kind == AST_E_PERCENT ? 2 : 0);
            }
            int s = ts > c.scale ? ts : c.scale;
            ir_expr *left = item_read(&c, c.item_of_code[hr->left], s);
            ir_expr *right = NULL;
            for (int i = 0; i < hr->n_right; i++) {
                ir_expr *x = item_read(&c, c.item_of_code[hr->right[i]], s);
                if (!right)
                    right = hr->sign[i] < 0 ? node(&c, IR_NEG, s, x, NULL) : x;
                else
                    right = node(&c, hr->sign[i] < 0 ? IR_SUB : IR_ADD, s, right, x);
            }
            ir_expr *chk = boolean(&c, IR_CMP, left, right);
            chk->cmp = cmp_of[hr->cmp];
            if (hr->tolerance) {
                int64_t t = tol;
                for (int k = ts; k < s; k++)
                    t *= 10;
                chk->c = constant(&c, t, s, 0);
            }
            r->check = chk;
            ir_expr *g = produced(&c, hr);
            if (hr->when)
                g = boolean(&c, IR_AND, lower_when(&c, hr->when, form->frequency), g);
            r->when = g;
            r->flags = 0;
            ir_expr *imb = node(&c, IR_IF, s, g, node(&c, IR_SUB, s, left, right));
            imb->c = ir_new(a, IR_MISSING, s);
            ir_field scaled = *mf;
            scaled.scale = s;
            rule_values(&c, hr, l, r, &scaled, imb);
            int rcap = 0;
            ir_collect_reads(a, r->when, f->index, &r->reads, &r->n_reads, &rcap);
            ir_collect_reads(a, r->check, f->index, &r->reads, &r->n_reads, &rcap);
            p->n_rules++;
        }
    }
    pm->n_rules = p->n_rules;
    p->n_acc = 4;
}

void lower_hiers(arena *a, const m_regime *r, const m_form *form, ir_form *f)
{
    if (!form->n_hiers)
        return;
    f->hiers = arena_alloc(a, sizeof(ir_hier) * (size_t)form->n_hiers);
    for (int i = 0; i < form->n_hiers; i++) {
        const m_hier_use *u = &form->hiers[i];
        if (u->hier < 0 || u->dim < 0 || !r->hierarchies[u->hier].list)
            continue;
        lower_use(a, r, form, f, u, &f->hiers[f->n_hiers++]);
    }
}
