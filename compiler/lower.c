/*
 * lower.c — the checked model (typed AST expressions) to the IR.
 *
 * Every decision about scales is taken here so the back ends stay dumb:
 * operands of +, -, min, max, if, comparisons and tolerances are rescaled
 * to a common scale with explicit IR_RESCALE nodes, multiplication adds
 * scales, division computes directly at the scale the type checker gave it.
 * Field reads are turned into current/previous/children reads according to
 * the function they sit in, and `missing zero` rules mark their numeric
 * reads so a missing value reads as 0.
 *
 * Lowering also says what the library must describe (regime.h, ABI 3): the
 * read set of every rule and computed field (ir_collect_reads over the
 * lowered trees, so what is listed is exactly what the kernels read), the
 * value of every message placeholder as an expression the message kernel
 * computes, and how many periods back the form reads (prev_depth).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

typedef enum src_kind { SRC_CUR, SRC_PREV, SRC_CHILD, SRC_ACC } src_kind;

typedef struct lctx {
    arena *a;
    const m_regime *r;
    const m_form *form;
    int form_index;
    ir_form *out;
    const src_manager *sm;
    int zero;        /* ir_zero of the numeric leaves lowered now (a rule's
                        missing-value mode) */
    const ast_expr *sides; /* DHIS2 strategies: the check's comparison */
    int side_zero[2];      /* ir_zero of its left and right side */
    int errors;
    int depth;       /* ratio inlining depth (cycles are sema's, but be safe) */
    int other;       /* >= 0: c->form is another form read through
                        batch->other[other] (a cross-form reference) */
    int quiet;       /* a message value: what cannot be lowered is missing */
    const ast_expr *tol_of; /* the rule's relative tolerance base, or NULL */
    int quiet_errors;
} lctx;

static void lerror(lctx *c, src_loc loc, const char *msg)
{
    if (c->quiet) {
        c->quiet_errors++;
        return;
    }
    const src_file *f = c->sm && loc.file >= 0 ? src_get(c->sm, loc.file) : NULL;
    fprintf(stderr, "%s:%d:%d: error: %s\n", f ? f->path : "<spec>", loc.line, loc.col, msg);
    c->errors++;
}

int lower_arith_scale(const sema_type *t)
{
    if (!t)
        return 0;
    switch (t->kind) {
    case TY_DECIMAL: case TY_MONEY: case TY_RATIO:
        return t->scale > 0 ? t->scale : 0;
    case TY_PERCENT:
        /* capped: every scale difference must stay within 10^18 */
        return t->scale > 16 ? 18 : (t->scale > 0 ? t->scale : 0) + 2;
    default:
        return 0;
    }
}

static int is_numeric(ty_kind k)
{
    return k == TY_INTEGER || k == TY_COUNT || k == TY_DECIMAL || k == TY_MONEY ||
           k == TY_PERCENT || k == TY_RATIO;
}

int64_t lower_period_number(const char *t)
{
    if (!t)
        return -1;
    int64_t y = 0;
    int n = 0;
    while (t[n] >= '0' && t[n] <= '9' && n < 4)
        y = y * 10 + (t[n++] - '0');
    if (n != 4)
        return -1;
    const char *p = t + 4;
    if (!*p)
        return y;
    if (*p != '-')
        return -1;
    p++;
    if ((p[0] == 'Q' || p[0] == 'q') && p[1] >= '1' && p[1] <= '4' && !p[2])
        return y * 4 + (p[1] - '1');
    if ((p[0] == 'H' || p[0] == 'h') && p[1] >= '1' && p[1] <= '2' && !p[2])
        return y * 2 + (p[1] - '1');
    if (p[0] >= '0' && p[0] <= '1' && p[1] >= '0' && p[1] <= '9' && !p[2]) {
        int m = (p[0] - '0') * 10 + (p[1] - '0');
        if (m >= 1 && m <= 12)
            return y * 12 + (m - 1);
    }
    return -1;
}

/* ---- node constructors ---- */

static ir_expr *mk(lctx *c, ir_op op, int scale, ir_expr *a, ir_expr *b) { return ir_node(c->a, op, scale, a, b); }

static ir_expr *mk_bool(lctx *c, ir_op op, ir_expr *a, ir_expr *b) { return ir_bool_node(c->a, op, a, b); }

static ir_expr *mk_const(lctx *c, int64_t v, int scale)
{
    ir_expr *e = ir_new(c->a, IR_CONST, scale);
    e->value = v;
    return e;
}

/* Brings `e` to `scale`; constants are converted here when exact. */
static ir_expr *rescale(lctx *c, ir_expr *e, int scale)
{
    if (!e || e->scale == scale || e->is_bool)
        return e;
    if (e->op == IR_CONST && scale > e->scale && scale - e->scale <= 18) {
        int64_t r;
        if (!__builtin_mul_overflow(e->value, ir_pow10(scale - e->scale), &r))
            return mk_const(c, r, scale);
    }
    return mk(c, IR_RESCALE, scale, e, NULL);
}

static int max_i(int a, int b) { return a > b ? a : b; }

/* ---- expressions ---- */

static ir_expr *lower_expr(lctx *c, const ast_expr *e, src_kind src);

/* Column of model field `field` of form `mf` (ratios have none). */
static int column_of(const m_form *mf, int field)
{
    int k = 0;
    for (int i = 0; i < field; i++)
        k += !(mf->fields[i].flags & RG_FIELD_RATIO);
    return k;
}

static ir_expr *field_read(lctx *c, int field, src_kind src, src_loc loc)
{
    const m_field *f = &c->form->fields[field];
    if (c->other >= 0 && !(f->flags & RG_FIELD_RATIO) && (f->flags & RG_FIELD_COMPUTED) && f->expr) {
        /* Another form's computed field: its expression over that form's
         * joined columns (the host joins the columns as submitted). */
        if (src != SRC_CUR || c->depth > 16) {
            lerror(c, loc, "another form's field can only be read in the current period");
            return NULL;
        }
        c->depth++;
        ir_expr *v = lower_expr(c, f->expr, src);
        c->depth--;
        return v ? rescale(c, v, lower_arith_scale(&f->type)) : NULL;
    }
    if (c->other >= 0 && !(f->flags & RG_FIELD_RATIO)) {
        if (src != SRC_CUR) {
            lerror(c, loc, "another form's field can only be read in the current period");
            return NULL;
        }
        ir_expr *o = ir_new(c->a, IR_OTHER, lower_arith_scale(&f->type));
        o->form = c->other;
        o->field = column_of(c->form, field);
        o->is_bool = f->type.kind == TY_BOOL;
        o->zero = is_numeric(f->type.kind) ? c->zero : 0;
        return o;
    }
    if (f->flags & RG_FIELD_RATIO) {
        /* A ratio read per row is its defining expression over the row. */
        if (src == SRC_ACC || c->depth > 16 || !f->expr) {
            lerror(c, loc, "a ratio cannot be read here");
            return mk(c, IR_MISSING, 0, NULL, NULL);
        }
        c->depth++;
        ir_expr *v = lower_expr(c, f->expr, src);
        c->depth--;
        return v ? rescale(c, v, lower_arith_scale(&f->type)) : NULL;
    }
    static const ir_op ops[] = {IR_FIELD, IR_PREV, IR_CHILD, IR_ACC};
    ir_expr *r = ir_new(c->a, ops[src], lower_arith_scale(&f->type));
    r->field = c->out->field_of[field];
    r->is_bool = f->type.kind == TY_BOOL;
    r->zero = src != SRC_ACC && is_numeric(f->type.kind) ? c->zero : 0;
    return r;
}

static int code_index(const m_codelist *l, const char *code)
{
    if (!l || !code)
        return -1;
    for (int i = 0; i < l->n_codes; i++)
        if (!strcmp(l->codes[i].code, code))
            return i;
    return -1;
}

/* A name or string used as a code of `list`: its index, or -2 (matches no
 * row: a host interns unknown codes as -1). */
static int64_t code_value(lctx *c, const ast_expr *e, const m_codelist *list)
{
    if (e->kind == AST_E_NAME && e->ref && e->ref->kind == REF_CODE)
        return e->ref->index;
    const char *text = e->kind == AST_E_STRING ? e->u.str : e->kind == AST_E_NAME ? e->u.name.text : NULL;
    if (e->kind == AST_E_NUMBER)
        text = e->u.num.text;
    int i = code_index(list, text);
    return i >= 0 ? i : -2;
}

static const m_codelist *list_of(const ast_expr *e)
{
    return e && e->type && e->type->kind == TY_CODE ? e->type->list : NULL;
}

static int is_code_literal(const ast_expr *e)
{
    return e->kind == AST_E_STRING || (e->kind == AST_E_NAME && e->ref && e->ref->kind == REF_CODE);
}

static ir_expr *lower_cmp(lctx *c, const ast_expr *e, ir_cmp cmp, const ast_expr *tol, src_kind src)
{
    const ast_expr *l = e->u.binary.lhs, *r = e->u.binary.rhs;
    ir_expr *a, *b;
    /* code = "D01": the literal becomes the code's index in the list */
    if (list_of(l) && is_code_literal(r)) {
        a = lower_expr(c, l, src);
        b = mk_const(c, code_value(c, r, list_of(l)), 0);
    } else if (list_of(r) && is_code_literal(l)) {
        a = mk_const(c, code_value(c, l, list_of(r)), 0);
        b = lower_expr(c, r, src);
    } else if (e == c->sides) {
        /* DHIS2: each side reads missing values as its strategy says, the
         * tolerance's base as 0 (a missing base allows no difference) */
        int z = c->zero;
        c->zero = c->side_zero[0];
        a = lower_expr(c, l, src);
        c->zero = c->side_zero[1];
        b = lower_expr(c, r, src);
        c->zero = IR_ZERO_MISSING;
        ir_expr *t = tol ? lower_expr(c, tol, SRC_CUR) : NULL;
        ir_expr *of = t && c->tol_of ? lower_expr(c, c->tol_of, SRC_CUR) : NULL;
        c->zero = z;
        if (!a || !b || (tol && !t) || (t && c->tol_of && !of))
            return NULL;
        if (of)
            t = mk(c, IR_MUL, t->scale + of->scale, t, mk(c, IR_ABS, of->scale, of, NULL));
        int s = max_i(max_i(a->scale, b->scale), t ? t->scale : 0);
        ir_expr *x = mk_bool(c, IR_CMP, rescale(c, a, s), rescale(c, b, s));
        x->scale = 0;
        x->cmp = cmp;
        x->c = t ? rescale(c, t, s) : NULL;
        return x;
    } else {
        a = lower_expr(c, l, src);
        b = lower_expr(c, r, src);
    }
    if (!a || !b)
        return NULL;
    ir_expr *t = tol ? lower_expr(c, tol, SRC_CUR) : NULL;
    if (tol && !t)
        return NULL;
    if (t && c->tol_of) {
        /* relative: the tolerance times the absolute value of its base
         * (missing base: the rule cannot be evaluated) */
        ir_expr *of = lower_expr(c, c->tol_of, SRC_CUR);
        if (!of)
            return NULL;
        t = mk(c, IR_MUL, t->scale + of->scale, t, mk(c, IR_ABS, of->scale, of, NULL));
    }
    int s = max_i(a->scale, b->scale);
    if (t)
        s = max_i(s, t->scale);
    ir_expr *x = mk_bool(c, IR_CMP, rescale(c, a, s), rescale(c, b, s));
    x->scale = 0;
    x->cmp = cmp;
    x->c = t ? rescale(c, t, s) : NULL;
    return x;
}

static ir_expr *lower_binary(lctx *c, const ast_expr *e, src_kind src, const ast_expr *tol)
{
    ast_op op = e->u.binary.op;
    switch (op) {
    case AST_OP_EQ: return lower_cmp(c, e, IR_EQ, tol, src);
    case AST_OP_NE: return lower_cmp(c, e, IR_NE, tol, src);
    case AST_OP_LT: return lower_cmp(c, e, IR_LT, tol, src);
    case AST_OP_LE: return lower_cmp(c, e, IR_LE, tol, src);
    case AST_OP_GT: return lower_cmp(c, e, IR_GT, tol, src);
    case AST_OP_GE: return lower_cmp(c, e, IR_GE, tol, src);
    default: break;
    }
    ir_expr *a = lower_expr(c, e->u.binary.lhs, src);
    ir_expr *b = lower_expr(c, e->u.binary.rhs, src);
    if (!a || !b)
        return NULL;
    switch (op) {
    case AST_OP_AND: return mk_bool(c, IR_AND, a, b);
    case AST_OP_OR: return mk_bool(c, IR_OR, a, b);
    case AST_OP_ADD: case AST_OP_SUB: {
        int s = max_i(a->scale, b->scale);
        return mk(c, op == AST_OP_ADD ? IR_ADD : IR_SUB, s, rescale(c, a, s), rescale(c, b, s));
    }
    case AST_OP_MUL: {
        ir_expr *m = mk(c, IR_MUL, a->scale + b->scale, a, b);
        /* keep products within the 18 digits a scale can have */
        return m->scale > 18 ? rescale(c, m, 18) : m;
    }
    case AST_OP_DIV: {
        int s = e->type ? lower_arith_scale(e->type) : max_i(a->scale, b->scale);
        if (e->type && e->type->kind == TY_RATIO && e->type->scale < 0)
            s = 4;
        return mk(c, IR_DIV, s, a, b);
    }
    default:
        lerror(c, e->loc, "unsupported operator");
        return NULL;
    }
}

/* The column of batch->prev holding field `field` `lag` periods back
 * (lag 0: the series' first period), added to the form's lags. */
static int lag_slot(lctx *c, int field, int lag)
{
    ir_form *f = c->out;
    for (int k = 0; k < f->n_lags; k++)
        if (f->lags[k].field == field && f->lags[k].lag == lag)
            return f->n_fields + k;
    ir_lag *x = arena_alloc(c->a, sizeof *x * (size_t)(f->n_lags + 1));
    if (f->n_lags)
        memcpy(x, f->lags, sizeof *x * (size_t)f->n_lags);
    x[f->n_lags].field = field;
    x[f->n_lags].lag = lag;
    f->lags = x;
    return f->n_fields + f->n_lags++;
}

/* previous(x, k): the previous-period reads of x (a field, or a ratio's
 * parts) become reads of k periods back. */
static void to_lag(lctx *c, ir_expr *e, int lag)
{
    if (!e)
        return;
    if (e->op == IR_PREV && e->field >= 0 && e->field < c->out->n_fields) {
        e->field = lag_slot(c, e->field, lag);
        /* prev_rows tells the previous period's row only: whether the row
         * k periods back exists is not told, so an absent one is never
         * read as 0 */
        if (e->zero == IR_ZERO_ABSENT)
            e->zero = IR_ZERO_NONE;
    }
    to_lag(c, e->a, lag);
    to_lag(c, e->b, lag);
    to_lag(c, e->c, lag);
}

/* computed C = running_sum(x [, reset]): the sum of x over the periods of
 * the row's series from the start of its window (the first period of the
 * year... or, never resetting, the series' first period in the data) to
 * the row's period:
 *     if(start, x, previous(C) + x)
 * A period of the window without a row, or with x empty, leaves previous(C)
 * empty, so every later running total of the window is empty: never a sum
 * of what happened to be sent. */
/* Whether the row's period starts its window of w periods (w > 0), or,
 * w <= 0, is its series' first period in the data (lag 0 of the period). */
static ir_expr *window_start(lctx *c, int w)
{
    const m_form *mf = c->form;
    int pf = mf->period_field >= 0 ? c->out->field_of[mf->period_field] : -1;
    if (pf < 0)
        return NULL;
    ir_expr *p = ir_new(c->a, IR_FIELD, 0), *start;
    p->field = pf;
    if (w > 0) {
        start = mk_bool(c, IR_PSTART, p, NULL);
        start->value = w;
    } else {
        ir_expr *first = ir_new(c->a, IR_PREV, 0);
        first->field = lag_slot(c, pf, 0);
        start = mk_bool(c, IR_CMP, first, p);
        start->cmp = IR_EQ;
    }
    return start;
}

static ir_expr *lower_running(lctx *c, ir_form *f, int col, const m_field *m)
{
    const ast_expr *e = m->expr;
    int s = lower_arith_scale(&m->type);
    ir_expr *x = lower_expr(c, e->u.call.args.items[0], SRC_CUR);
    int w = e->ref ? e->ref->index : 0;
    ir_expr *start = window_start(c, w);
    if (!x || !start)
        return NULL;
    x = rescale(c, x, s);
    if (w <= 0)
        f->prev_series = 1;
    f->fields[col].running = w > 0 ? w : -1;
    f->fields[col].running_of = x;
    ir_expr *self = ir_new(c->a, IR_PREV, s);
    self->field = col;
    ir_expr *v = mk(c, IR_IF, s, start, x);
    v->c = mk(c, IR_ADD, s, self, x);
    return v;
}

static int is_running(const m_field *m)
{
    return m->expr && m->expr->kind == AST_E_CALL && m->expr->ref && m->expr->ref->fn == FN_RUNNING_SUM &&
           m->expr->u.call.args.n >= 1;
}

static ir_expr *lower_call(lctx *c, const ast_expr *e, src_kind src)
{
    sema_fn fn = e->ref ? e->ref->fn : FN_NONE;
    const ast_list *args = &e->u.call.args;
    int n = args->n;
    if (n < 1) {
        lerror(c, e->loc, "a function needs arguments");
        return NULL;
    }
    const ast_expr *a0 = args->items[0];
    switch (fn) {
    case FN_PREVIOUS:
    case FN_CHILDREN: {
        if (src != SRC_CUR) {
            lerror(c, e->loc, "previous() and children() cannot be nested or used in a ratio");
            return NULL;
        }
        ir_expr *x = lower_expr(c, a0, fn == FN_PREVIOUS ? SRC_PREV : SRC_CHILD);
        if (x && fn == FN_PREVIOUS && n > 1) {
            const ast_expr *k = args->items[1];
            int64_t lag = k->kind == AST_E_NUMBER && k->u.num.scale == 0 ? k->u.num.value : -1;
            if (lag < 1 || lag > M_MAX_LAG) {
                lerror(c, k->loc, "the order of previous() is a whole number from 1 to 240");
                return NULL;
            }
            if (lag > 1)
                to_lag(c, x, (int)lag);
        }
        return x;
    }
    case FN_RUNNING_SUM:
        lerror(c, e->loc, "running_sum() is the whole expression of a computed field");
        return NULL;
    case FN_CHANGE: {
        /* change(x [, reset]), running_sum's inverse: x at the start of its
         * window (or of its series), else x less previous(x) */
        if (src != SRC_CUR) {
            lerror(c, e->loc, "change() cannot be nested or used in a ratio");
            return NULL;
        }
        ir_expr *x = lower_expr(c, a0, SRC_CUR), *px = lower_expr(c, a0, SRC_PREV);
        ir_expr *start = window_start(c, e->ref ? e->ref->index : 0);
        if (!x || !px || !start)
            return NULL;
        int s = max_i(x->scale, px->scale);
        ir_expr *v = mk(c, IR_IF, s, start, rescale(c, x, s));
        v->c = mk(c, IR_SUB, s, rescale(c, x, s), rescale(c, px, s));
        return v;
    }
    case FN_ABS: {
        ir_expr *x = lower_expr(c, a0, src);
        return x ? mk(c, IR_ABS, x->scale, x, NULL) : NULL;
    }
    case FN_ROUND: {
        ir_expr *x = lower_expr(c, a0, src);
        if (!x)
            return NULL;
        int s = 0;
        if (n > 1) {
            const ast_expr *d = args->items[1];
            if (d->kind != AST_E_NUMBER || d->u.num.scale != 0 || d->u.num.value < 0 || d->u.num.value > 18) {
                lerror(c, d->loc, "round() takes a whole number of decimal places from 0 to 18");
                return NULL;
            }
            s = (int)d->u.num.value;
        }
        /* round(x, n) always rounds at n places; the result keeps that scale */
        ir_expr *r = mk(c, IR_RESCALE, s, x, NULL);
        return x->scale == s ? x : r;
    }
    case FN_IS_MISSING: case FN_PRESENT: {
        ir_expr *x = lower_expr(c, a0, src);
        if (!x)
            return NULL;
        ir_expr *p = mk_bool(c, IR_PRESENT, x, NULL);
        return fn == FN_PRESENT ? p : mk_bool(c, IR_NOT, p, NULL);
    }
    case FN_IF: {
        if (n != 3) {
            lerror(c, e->loc, "if() takes a condition and two values");
            return NULL;
        }
        ir_expr *k = lower_expr(c, a0, src), *x = lower_expr(c, args->items[1], src),
                *y = lower_expr(c, args->items[2], src);
        if (!k || !x || !y)
            return NULL;
        int s = max_i(x->scale, y->scale);
        ir_expr *r = mk(c, IR_IF, s, k, rescale(c, x, s));
        r->c = rescale(c, y, s);
        r->is_bool = x->is_bool && y->is_bool;
        return r;
    }
    case FN_SUM: case FN_MIN: case FN_MAX: case FN_COALESCE: {
        ir_expr **v = arena_alloc(c->a, sizeof *v * (size_t)n);
        int s = 0, all_bool = 1;
        for (int i = 0; i < n; i++) {
            v[i] = lower_expr(c, args->items[i], src);
            if (!v[i])
                return NULL;
            s = max_i(s, v[i]->scale);
            all_bool &= v[i]->is_bool;
        }
        ir_op op = fn == FN_SUM ? IR_ADD : fn == FN_MIN ? IR_MIN : fn == FN_MAX ? IR_MAX : IR_COALESCE;
        ir_expr *acc = rescale(c, v[0], s);
        for (int i = 1; i < n; i++)
            acc = mk(c, op, s, acc, rescale(c, v[i], s));
        if (fn == FN_COALESCE)
            acc->is_bool = all_bool;
        return acc;
    }
    default:
        lerror(c, e->loc, "unknown function");
        return NULL;
    }
}

static ir_expr *lower_in(lctx *c, const ast_expr *e, src_kind src)
{
    ir_expr *x = lower_expr(c, e->u.in.operand, src);
    if (!x)
        return NULL;
    ir_expr *r = mk_bool(c, IR_IN, x, NULL);
    if (e->u.in.has_list)
        return r; /* a code list or a tier: the host interned it, -1 = unknown */
    const m_codelist *l = list_of(e->u.in.operand);
    int n = e->u.in.codes.n;
    int64_t *set = arena_alloc(c->a, sizeof *set * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        const ast_expr *k = e->u.in.codes.items[i];
        if (l)
            set[i] = code_value(c, k, l);
        else if (k->kind == AST_E_NUMBER && k->u.num.scale == 0)
            set[i] = k->u.num.value;
        else {
            lerror(c, k->loc, "`in (...)` needs codes of the operand's code list");
            return NULL;
        }
    }
    r->set = set;
    r->n_set = n;
    return r;
}

static ir_expr *lower_expr(lctx *c, const ast_expr *e, src_kind src)
{
    if (!e)
        return NULL;
    switch (e->kind) {
    case AST_E_NUMBER:
        return mk_const(c, e->u.num.value, e->u.num.scale);
    case AST_E_PERCENT:
        return mk_const(c, e->u.num.value, e->u.num.scale + 2);
    case AST_E_BOOL: {
        ir_expr *b = mk_const(c, e->u.boolean ? 1 : 0, 0);
        b->is_bool = 1;
        return b;
    }
    case AST_E_DATE:
        return mk_const(c, e->u.date, 0);
    case AST_E_PERIOD: {
        int64_t p = lower_period_number(e->u.period.text);
        if (p < 0) {
            lerror(c, e->loc, "malformed period");
            return NULL;
        }
        return mk_const(c, p, 0);
    }
    case AST_E_STRING:
        if (list_of(e)) {
            return mk_const(c, code_value(c, e, list_of(e)), 0);
        }
        lerror(c, e->loc, "text values cannot be computed with in a compiled rule");
        return NULL;
    case AST_E_MISSING:
        return mk(c, IR_MISSING, 0, NULL, NULL);
    case AST_E_NAME: {
        const sema_ref *ref = e->ref;
        if (!ref) {
            lerror(c, e->loc, "unresolved name");
            return NULL;
        }
        switch (ref->kind) {
        case REF_FIELD:
            if (ref->form != c->form_index)
                return mk(c, IR_MISSING, lower_arith_scale(e->type), NULL, NULL);
            return field_read(c, ref->index, src, e->loc);
        case REF_OTHER_FORM: {
            /* Read through batch->other[form]: the other form's row of the
             * same unit, period and shared dimensions (regime.h). Its
             * computed fields and ratios are inlined over its columns. */
            if (ref->form < 0 || ref->form >= c->r->n_forms) {
                lerror(c, e->loc, "unresolved form");
                return NULL;
            }
            const m_form *saved = c->form;
            int saved_index = c->form_index, saved_other = c->other;
            c->form = &c->r->forms[ref->form];
            c->form_index = ref->form;
            c->other = ref->form == c->out->index ? -1 : ref->form;
            ir_expr *v = c->other < 0 ? field_read(c, ref->index, src, e->loc) : NULL;
            if (c->other >= 0) {
                if (src != SRC_CUR) {
                    lerror(c, e->loc, "another form's field can only be read in the current period");
                } else {
                    v = field_read(c, ref->index, src, e->loc);
                }
            }
            c->form = saved;
            c->form_index = saved_index;
            c->other = saved_other;
            return v;
        }
        case REF_CODE:
            return mk_const(c, ref->index, 0);
        case REF_WELL_FORMED: {
            if (src == SRC_ACC) {
                lerror(c, e->loc, "well_formed cannot be used after aggregation");
                return NULL;
            }
            ir_expr *w = mk_bool(c, IR_WELL_FORMED, NULL, NULL);
            return w;
        }
        default:
            lerror(c, e->loc, "this name has no value");
            return NULL;
        }
    }
    case AST_E_UNARY: {
        ir_expr *x = lower_expr(c, e->u.unary.operand, src);
        if (!x)
            return NULL;
        if (e->u.unary.op == AST_OP_NOT)
            return mk_bool(c, IR_NOT, x, NULL);
        if (x->op == IR_CONST && x->value != INT64_MIN)
            return mk_const(c, -x->value, x->scale);
        return mk(c, IR_NEG, x->scale, x, NULL);
    }
    case AST_E_BINARY:
        return lower_binary(c, e, src, NULL);
    case AST_E_CALL:
        return lower_call(c, e, src);
    case AST_E_IN:
        return lower_in(c, e, src);
    }
    lerror(c, e->loc, "unsupported expression");
    return NULL;
}

/* The check of a rule: a tolerance applies to its top-level comparison. */
static ir_expr *lower_check(lctx *c, const m_rule *r)
{
    const ast_expr *e = r->check;
    if (r->tolerance) {
        if (e->kind != AST_E_BINARY || e->u.binary.op < AST_OP_EQ || e->u.binary.op > AST_OP_GE) {
            lerror(c, r->tolerance->loc, "a tolerance needs a comparison as the check");
            return NULL;
        }
        c->tol_of = r->tolerance_of;
        ir_expr *x = lower_binary(c, e, SRC_CUR, r->tolerance);
        c->tol_of = NULL;
        return x;
    }
    return lower_expr(c, e, SRC_CUR);
}

/* A rule of a dimensioned form that reads per-unit fields (`per unit`) and
 * nothing else of the row but its unit and period has one verdict per unit
 * and period: the host reports it once (RG_RULE_PER_UNIT). Decided from
 * the read set, message values included, so that a message showing a
 * figure of each row keeps the rule per row. */
static int reads_well_formed(const ir_expr *e)
{
    return e && (e->op == IR_WELL_FORMED || reads_well_formed(e->a) || reads_well_formed(e->b) ||
                 reads_well_formed(e->c));
}

static int per_unit_rule(const ir_form *f, const ir_rule *r)
{
    if (!f->src->n_dims || (r->flags & (RG_RULE_WELL_FORMED | RG_RULE_CHILDREN)) ||
        reads_well_formed(r->when) || reads_well_formed(r->check))
        return 0;
    int pu = 0;
    for (int k = 0; k < r->n_reads; k++) {
        const ir_read *x = &r->reads[k];
        if (x->form != f->index || (x->role != RG_READ_ROW && x->role != RG_READ_PREVIOUS))
            return 0;
        uint32_t fl = f->fields[x->field].flags;
        if (fl & RG_FIELD_PER_UNIT)
            pu = 1;
        else if (!(fl & (RG_FIELD_KEY_UNIT | RG_FIELD_KEY_PERIOD)))
            return 0;
    }
    return pu;
}

/* ---- a rule's missing-value mode (ir.h, ir_missing) ---- */

typedef struct leafset {
    ir_expr **v;
    int n, cap;
} leafset;

/* The items of an expression: its column reads, each once. */
static void leaves(ir_expr *e, leafset *s)
{
    if (!e || e->op == IR_EXISTS)
        return;
    if (e->op == IR_FIELD || e->op == IR_PREV || e->op == IR_CHILD || e->op == IR_OTHER) {
        for (int i = 0; i < s->n; i++)
            if (s->v[i]->op == e->op && s->v[i]->field == e->field && s->v[i]->form == e->form)
                return;
        if (s->n == s->cap) {
            s->cap = s->cap ? s->cap * 2 : 8;
            s->v = realloc(s->v, sizeof *s->v * (size_t)s->cap);
            if (!s->v)
                abort();
        }
        s->v[s->n++] = e;
        return;
    }
    leaves(e->a, s);
    leaves(e->b, s);
    leaves(e->c, s);
}

/* the leaf as written: missing stays missing */
static ir_expr *raw_leaf(lctx *c, const ir_expr *l)
{
    ir_expr *x = ir_new(c->a, l->op, l->scale);
    *x = *l;
    x->zero = IR_ZERO_NONE;
    return x;
}

static ir_expr *join(lctx *c, ir_op op, ir_expr *acc, ir_expr *x)
{
    return acc ? mk_bool(c, op, acc, x) : x;
}

/* kind 0: every item is present; 1: some item is present; 2: some item
 * exists (its row is there); 3: some numeric item (read with absent = 0)
 * is not 0 or is empty. NULL: no condition (always true). */
static ir_expr *items_cond(lctx *c, ir_expr *e, int kind)
{
    leafset s = {0};
    leaves(e, &s);
    ir_expr *acc = NULL;
    int always = 0;
    for (int i = 0; i < s.n && !always; i++) {
        ir_expr *l = s.v[i];
        if (kind == 0) {
            acc = join(c, IR_AND, acc, mk_bool(c, IR_PRESENT, raw_leaf(c, l), NULL));
        } else if (kind == 1) {
            acc = join(c, IR_OR, acc, mk_bool(c, IR_PRESENT, raw_leaf(c, l), NULL));
        } else if (kind == 2) {
            if (l->op == IR_FIELD)
                always = 1; /* the row itself is always there */
            else
                acc = join(c, IR_OR, acc, mk_bool(c, IR_EXISTS, raw_leaf(c, l), NULL));
        } else if (l->zero == IR_ZERO_ABSENT) {
            ir_expr *ne = mk_bool(c, IR_CMP, l, mk_const(c, 0, l->scale));
            ne->cmp = IR_NE;
            ir_expr *yes = mk_const(c, 1, 0);
            yes->is_bool = 1;
            acc = join(c, IR_OR, acc, mk_bool(c, IR_COALESCE, ne, yes));
        }
    }
    free(s.v);
    return always ? NULL : acc;
}

/* The check of rule r under its missing-value mode: IF(condition, check,
 * missing), the condition being the mode's (ir_missing, ir_side); the
 * items' substitutions were made when the check was lowered (c->zero). */
static ir_expr *apply_missing(lctx *c, const ir_rule *r, ir_expr *k)
{
    ir_expr *cond = NULL;
    switch (r->missing) {
    case IR_MISS_NON_NULL: cond = items_cond(c, k, 0); break;
    case IR_MISS_NON_ZERO: cond = items_cond(c, k, 3); break;
    case IR_MISS_PARTIAL_NULL: case IR_MISS_PARTIAL_ZERO: cond = items_cond(c, k, 2); break;
    case IR_MISS_SIDES: {
        ir_expr *x = k;
        if (x->op != IR_CMP)
            return k; /* reported */
        for (int s = 0; s < 2; s++) {
            ir_side sd = s ? r->right : r->left;
            ir_expr *side = s ? x->b : x->a;
            ir_expr *q = sd == IR_SIDE_SKIP_IF_ANY ? items_cond(c, side, 0)
                       : sd == IR_SIDE_SKIP_IF_ALL ? items_cond(c, side, 1) : NULL;
            if (q)
                cond = join(c, IR_AND, cond, q);
        }
        break;
    }
    default: break;
    }
    if (!cond)
        return k;
    ir_expr *g = mk_bool(c, IR_IF, cond, k);
    g->c = ir_new(c->a, IR_MISSING, 0);
    g->c->is_bool = 1;
    return g;
}

/* the ir_zero of the items of a rule's guard and check (side: 0 left,
 * 1 right of the check's comparison, -1 elsewhere) */
static int rule_zero(const ir_rule *r, int side)
{
    switch (r->missing) {
    case IR_MISS_ZERO: return IR_ZERO_MISSING;
    case IR_MISS_NON_ZERO: case IR_MISS_PARTIAL_ZERO: case IR_MISS_ALWAYS_ZERO: return IR_ZERO_ABSENT;
    case IR_MISS_SIDES: {
        if (side < 0)
            return IR_ZERO_NONE;
        ir_side sd = side ? r->right : r->left;
        return sd == IR_SIDE_SKIP_IF_ANY ? IR_ZERO_NONE : IR_ZERO_MISSING;
    }
    default: return IR_ZERO_NONE;
    }
}

static uint32_t tree_flags(const ir_expr *e)
{
    if (!e)
        return 0;
    uint32_t f = e->op == IR_PREV ? RG_RULE_PREVIOUS : e->op == IR_CHILD ? RG_RULE_CHILDREN
                 : e->op == IR_OTHER ? RG_RULE_CROSS_FORM : 0;
    return f | tree_flags(e->a) | tree_flags(e->b) | tree_flags(e->c);
}

static int cmp_rule(const void *x, const void *y)
{
    return strcmp(((const ir_rule *)x)->code, ((const ir_rule *)y)->code);
}

/* ---- computed fields: evaluation order ---- */

static int deps_on(const ir_expr *e, int field)
{
    if (!e)
        return 0;
    if (e->op == IR_FIELD && e->field == field)
        return 1;
    return deps_on(e->a, field) || deps_on(e->b, field) || deps_on(e->c, field);
}

static void order_computed(lctx *c, ir_form *f)
{
    int n = 0;
    for (int i = 0; i < f->n_fields; i++)
        n += (f->fields[i].flags & RG_FIELD_COMPUTED) != 0;
    f->computed = arena_alloc(c->a, sizeof(int) * (size_t)(n + 1));
    char *done = arena_alloc(c->a, (size_t)f->n_fields + 1);
    /* Repeatedly take a computed field whose computed inputs are done;
     * sema rejects cycles, so this terminates with every field placed. */
    for (int round = 0; round < n && f->n_computed < n; round++) {
        for (int i = 0; i < f->n_fields; i++) {
            ir_field *x = &f->fields[i];
            if (!(x->flags & RG_FIELD_COMPUTED) || done[i] || !x->expr)
                continue;
            int ready = 1;
            for (int j = 0; j < f->n_fields && ready; j++)
                if (j != i && (f->fields[j].flags & RG_FIELD_COMPUTED) && !done[j] && deps_on(x->expr, j))
                    ready = 0;
            if (ready) {
                done[i] = 1;
                f->computed[f->n_computed++] = i;
            }
        }
    }
}

/* ---- accumulators and outputs ---- */

static void layout_acc(ir_form *f)
{
    int w = 0;
    for (int i = 0; i < f->n_fields; i++) {
        ir_field *x = &f->fields[i];
        x->acc = -1;
        x->acc_kind = IR_ACC_NONE;
        if (x->flags & (RG_FIELD_KEY_UNIT | RG_FIELD_KEY_PERIOD | RG_FIELD_DIMENSION | RG_FIELD_RATIO))
            continue;
        if (!(x->type == RG_T_INTEGER || x->type == RG_T_COUNT || x->type == RG_T_DECIMAL ||
              x->type == RG_T_MONEY || x->type == RG_T_PERCENT || x->type == RG_T_RATIO))
            continue;
        if (x->time_agg == RG_TIME_NONE || x->unit_agg == RG_UNITS_NONE)
            continue;
        if (x->unit_agg == RG_UNITS_COUNT)
            x->acc_kind = IR_ACC_COUNT;
        else if (x->unit_agg == RG_UNITS_WEIGHTED_AVERAGE && x->weight >= 0)
            x->acc_kind = IR_ACC_WEIGHTED;
        else if (x->unit_agg == RG_UNITS_AVERAGE || x->unit_agg == RG_UNITS_WEIGHTED_AVERAGE ||
                 x->time_agg == RG_TIME_AVERAGE)
            x->acc_kind = IR_ACC_AVERAGE;
        else
            x->acc_kind = IR_ACC_SUM;
        x->acc = w;
        w += x->acc_kind == IR_ACC_AVERAGE || x->acc_kind == IR_ACC_WEIGHTED ? 2 : 1;
    }
    /* the words of missing values and stocks follow the values */
    for (int i = 0; i < f->n_fields; i++) {
        ir_field *x = &f->fields[i];
        x->acc_null = x->acc_nv = x->acc_sel = -1;
        if (x->acc < 0)
            continue;
        int wreq = x->acc_kind == IR_ACC_WEIGHTED && (f->fields[x->weight].flags & RG_FIELD_REQUIRED);
        if (x->acc_kind != IR_ACC_COUNT &&
            (!(x->flags & RG_FIELD_REQUIRED) || (x->acc_kind == IR_ACC_WEIGHTED && !wreq)))
            x->acc_null = w++;
        if (x->acc_kind == IR_ACC_SUM && (x->unit_agg == RG_UNITS_MIN || x->unit_agg == RG_UNITS_MAX))
            x->acc_nv = w++;
        if (x->time_agg == RG_TIME_OPENING || x->time_agg == RG_TIME_CLOSING)
            x->acc_sel = w++;
    }
    f->n_acc = w + 4; /* mask, first, last, rows */
}

static int acc_only(const ir_form *f, const ir_expr *e)
{
    if (!e)
        return 1;
    if (e->op == IR_ACC && (e->field < 0 || f->fields[e->field].acc < 0))
        return 0;
    return acc_only(f, e->a) && acc_only(f, e->b) && acc_only(f, e->c);
}

static int rg_type_of(ty_kind k);

/* A ratio over aggregated values (SRC_ACC), or over one row (SRC_CUR,
 * SRC_PREV: a message value): the declared decimals are the scale of the
 * division itself, so the ratio is rounded once, half away from zero. */
static ir_expr *lower_ratio(lctx *c, const m_field *m, src_kind src)
{
    const ast_expr *e = m->expr;
    int s = lower_arith_scale(&m->type);
    if (!e)
        return NULL;
    if (e->kind == AST_E_BINARY && e->u.binary.op == AST_OP_DIV) {
        ir_expr *x = lower_expr(c, e->u.binary.lhs, src);
        ir_expr *y = lower_expr(c, e->u.binary.rhs, src);
        return x && y ? mk(c, IR_DIV, s, x, y) : NULL;
    }
    ir_expr *v = lower_expr(c, e, src);
    return v ? rescale(c, v, s) : NULL;
}

/* Outputs in declaration order: every accumulated field, and the ratios
 * where they were declared. */
static void layout_outputs(lctx *c, const m_form *mf, ir_form *f)
{
    f->outputs = arena_alloc(c->a, sizeof(ir_output) * (size_t)(mf->n_fields + 1));
    for (int i = 0; i < mf->n_fields; i++) {
        const m_field *m = &mf->fields[i];
        int fi = f->field_of[i];
        ir_output *o = &f->outputs[f->n_outputs];
        if (m->flags & RG_FIELD_RATIO) {
            if (!m->expr)
                continue;
            ir_expr *v = lower_ratio(c, m, SRC_ACC);
            if (!v)
                continue;
            if (!acc_only(f, v)) {
                lerror(c, m->loc, "a ratio may only use fields that are aggregated");
                continue;
            }
            o->field = -1;
            o->acc_from = -1;
            o->expr = v;
            o->scale = m->type.scale > 0 ? m->type.scale : 0;
        } else {
            if (fi < 0 || f->fields[fi].acc < 0)
                continue;
            o->field = fi;
            o->scale = f->fields[fi].scale;
            o->acc_from = f->fields[fi].acc_sel;
        }
        o->code = m->code;
        o->type = rg_type_of(m->type.kind);
        o->src = m;
        f->n_outputs++;
    }
}

static int rg_type_of(ty_kind k)
{
    switch (k) {
    case TY_INTEGER: return RG_T_INTEGER;
    case TY_COUNT: return RG_T_COUNT;
    case TY_DECIMAL: return RG_T_DECIMAL;
    case TY_MONEY: return RG_T_MONEY;
    case TY_PERCENT: return RG_T_PERCENT;
    case TY_RATIO: return RG_T_RATIO;
    case TY_BOOL: return RG_T_BOOL;
    case TY_DATE: return RG_T_DATE;
    case TY_TEXT: return RG_T_TEXT;
    case TY_CODE: return RG_T_CODE;
    case TY_UNIT: return RG_T_UNIT;
    case TY_PERIOD: return RG_T_PERIOD;
    default: return RG_T_INTEGER;
    }
}


/* ---- what expressions read, message values ---- */

/* Periods back `e` reads, given each computed column's own (depth[]);
 * `self`: the running total whose own previous value is counted apart. */
static int prev_depth(const ir_form *f, const ir_expr *e, const int *depth, int self)
{
    if (!e)
        return 0;
    int d = 0;
    if ((e->op == IR_FIELD || e->op == IR_CHILD) && e->field >= 0 && e->field < f->n_fields)
        d = depth[e->field];
    else if (e->op == IR_PREV && e->field >= f->n_fields && e->field < f->n_fields + f->n_lags)
        d = f->lags[e->field - f->n_fields].lag ? 1 + depth[f->lags[e->field - f->n_fields].field] : 1;
    else if (e->op == IR_PREV && e->field >= 0 && e->field < f->n_fields && e->field != self)
        d = 1 + depth[e->field];
    int a = prev_depth(f, e->a, depth, self), b = prev_depth(f, e->b, depth, self), x = prev_depth(f, e->c, depth, self);
    d = max_i(d, a);
    d = max_i(d, b);
    return max_i(d, x);
}

static int codelist_of(const m_regime *r, const m_codelist *l)
{
    for (int i = 0; l && i < r->n_codelists; i++)
        if (&r->codelists[i] == l || !strcmp(r->codelists[i].name, l->name))
            return i;
    return -1;
}

/* The value of placeholder `name` of rule r (see ir_value). */
static void lower_value(lctx *c, ir_form *f, const ir_rule *r, const char *name, ir_value *v)
{
    const m_form *mf = f->src;
    v->name = name;
    v->field = -1;
    v->codelist = -1;
    v->type = RG_T_DECIMAL;
    size_t len = strlen(name);
    src_kind src = SRC_CUR;
    char inner[256];
    if (!strcmp(name, "imbalance")) {
        /* the difference of the two sides of the check's comparison (for
         * `x = children(x)`: the row's own figure less its children's),
         * as the XForms show it (emit_xform.c) */
        const ast_expr *k = r->src->check;
        if (!k || k->kind != AST_E_BINARY || k->u.binary.op < AST_OP_EQ || k->u.binary.op > AST_OP_GE)
            return;
        const ast_expr *l = k->u.binary.lhs, *rr = k->u.binary.rhs;
        if (!l->type || !rr->type || !is_numeric(l->type->kind) || !is_numeric(rr->type->kind))
            return;
        c->quiet = 1;
        c->zero = rule_zero(r, 0);
        ir_expr *x = lower_expr(c, l, SRC_CUR);
        c->zero = rule_zero(r, 1);
        ir_expr *y = lower_expr(c, rr, SRC_CUR);
        c->quiet = 0;
        c->zero = 0;
        if (!x || !y)
            return;
        int sc = max_i(x->scale, y->scale);
        v->expr = mk(c, IR_SUB, sc, rescale(c, x, sc), rescale(c, y, sc));
        v->type = rg_type_of(l->type->kind);
        if (v->type == RG_T_COUNT)
            v->type = RG_T_INTEGER; /* a difference may be negative */
        v->scale = sc - (v->type == RG_T_PERCENT ? 2 : 0);
        if (v->scale < 0) {
            v->type = RG_T_DECIMAL;
            v->scale = sc;
        }
        return;
    }
    long lag = 1;
    if (len > 10 && len < sizeof inner + 9 && name[len - 1] == ')' &&
        (!strncmp(name, "previous(", 9) || !strncmp(name, "children(", 9))) {
        src = name[0] == 'p' ? SRC_PREV : SRC_CHILD;
        memcpy(inner, name + 9, len - 10);
        inner[len - 10] = 0;
        name = inner;
        /* {previous(x, k)} (sema checked k) */
        char *comma = src == SRC_PREV ? strchr(inner, ',') : NULL;
        if (comma) {
            lag = strtol(comma + 1, NULL, 10);
            while (comma > inner && comma[-1] == ' ')
                comma--;
            *comma = 0;
        }
    }
    int mi = m_form_field(mf, name);
    if (mi < 0)
        return;
    const m_field *m = &mf->fields[mi];
    v->type = rg_type_of(m->type.kind);
    v->codelist = m->type.kind == TY_CODE ? codelist_of(c->r, m->type.list) : -1;
    if (src == SRC_CUR && !(m->flags & (RG_FIELD_COMPUTED | RG_FIELD_RATIO))) {
        v->field = f->field_of[mi]; /* the row's text as typed */
        v->scale = f->fields[v->field].scale;
        return;
    }
    c->quiet = 1;
    c->zero = 0;
    ir_expr *e = m->flags & RG_FIELD_RATIO ? lower_ratio(c, m, src) : field_read(c, mi, src, m->loc);
    c->quiet = 0;
    if (!e)
        return;
    if (lag > 1 && lag <= M_MAX_LAG)
        to_lag(c, e, (int)lag);
    v->expr = e;
    v->scale = e->scale - (v->type == RG_T_PERCENT ? 2 : 0);
    if (v->scale < 0) {
        v->type = RG_T_DECIMAL;
        v->scale = e->scale;
    }
}

/* The verdict of a rule: true, false, or missing (null) when the rule
 * cannot be evaluated; a guard that does not hold makes it true, as VTL's
 * `when A then B` is `not A or B`; `missing fail` makes a missing check
 * false. Exactly the rows validate fails have the verdict false. */
ir_expr *lower_verdict(arena *a, const ir_rule *r)
{
    ir_expr *k = r->check;
    if (r->missing == IR_MISS_FAIL) {
        ir_expr *no = ir_new(a, IR_CONST, 0);
        no->is_bool = 1;
        ir_expr *x = ir_new(a, IR_COALESCE, 0);
        x->is_bool = 1;
        x->a = k;
        x->b = no;
        k = x;
    }
    if (r->when) {
        ir_expr *yes = ir_new(a, IR_CONST, 0);
        yes->value = 1;
        yes->is_bool = 1;
        ir_expr *g = ir_new(a, IR_IF, 0);
        g->is_bool = 1;
        g->a = r->when;
        g->b = k;
        g->c = yes;
        k = g;
    }
    return k;
}

/* The placeholders of every translation of a rule's message, each once. */
static void lower_values(lctx *c, ir_form *f, ir_rule *r)
{
    const ast_texts *msg = r->src->message;
    int n = 0, cap = 0;
    ir_value *vals = NULL;
    if (msg)
        AST_EACH(ast_text *, t, msg->items) {
            const char *p = t->text, *end;
            while ((p = m_placeholder(t->text, p, &end))) {
                if (!end)
                    break;
                char *name = arena_strndup(c->a, p + 1, (size_t)(end - p - 1));
                p = end + 1;
                int k = 0;
                while (k < n && strcmp(vals[k].name, name))
                    k++;
                if (k < n)
                    continue;
                if (n == cap) {
                    int nc = cap ? cap * 2 : 4;
                    ir_value *x = arena_alloc(c->a, sizeof *x * (size_t)nc);
                    if (n)
                        memcpy(x, vals, sizeof *x * (size_t)n);
                    vals = x;
                    cap = nc;
                }
                lower_value(c, f, r, name, &vals[n++]);
            }
        }
    /* The hidden values (rg_rule.verdict, .imbalance): the rule's result
     * as data, computed by the message kernel for `regrt validate
     * --results all`. Names in braces are fields or E0304, so "=verdict"
     * never matches a placeholder of the message. */
    ir_value *x = arena_alloc(c->a, sizeof *x * (size_t)(n + 2));
    if (n)
        memcpy(x, vals, sizeof *x * (size_t)n);
    vals = x;
    r->imbalance = -1;
    for (int k = 0; k < n; k++)
        if (!strcmp(vals[k].name, "imbalance") && vals[k].expr && !r->when)
            r->imbalance = k;
    if (r->imbalance < 0) {
        /* a guarded rule has no imbalance on the rows the guard leaves out */
        ir_value iv;
        memset(&iv, 0, sizeof iv);
        lower_value(c, f, r, "imbalance", &iv);
        if (iv.expr) {
            if (r->when) {
                ir_expr *g = mk(c, IR_IF, iv.expr->scale, r->when, iv.expr);
                g->c = ir_new(c->a, IR_MISSING, iv.expr->scale);
                iv.expr = g;
            }
            iv.name = "=imbalance";
            vals[n] = iv;
            r->imbalance = n++;
        }
    }
    ir_expr *k = lower_verdict(c->a, r);
    ir_value *v = &vals[n];
    memset(v, 0, sizeof *v);
    v->name = "=verdict";
    v->type = RG_T_BOOL;
    v->codelist = -1;
    v->field = -1;
    v->expr = k;
    r->verdict = n++;
    r->values = vals;
    r->n_values = n;
    r->guard = -1;
}

static void lower_form(lctx *c, const m_form *mf, int index, ir_form *f)
{
    c->form = mf;
    c->form_index = index;
    c->out = f;
    f->code = mf->code;
    f->index = index;
    f->src = mf;
    f->field_of = arena_alloc(c->a, sizeof(int) * (size_t)(mf->n_fields + 1));
    f->fields = arena_alloc(c->a, sizeof(ir_field) * (size_t)(mf->n_fields + 1));
    for (int i = 0; i < mf->n_fields; i++)
        f->field_of[i] = mf->fields[i].flags & RG_FIELD_RATIO ? -1 : f->n_fields++;
    for (int i = 0; i < mf->n_fields; i++) {
        const m_field *m = &mf->fields[i];
        if (f->field_of[i] < 0)
            continue;
        ir_field *x = &f->fields[f->field_of[i]];
        x->code = m->code;
        x->src = m;
        x->type = rg_type_of(m->type.kind);
        x->scale = m->type.scale > 0 ? m->type.scale : 0;
        x->flags = m->flags;
        x->time_agg = m->time_agg;
        x->unit_agg = m->unit_agg;
        x->weight = m->weight >= 0 && m->weight < mf->n_fields ? f->field_of[m->weight] : -1;
    }
    /* Computed values once every field's type is known. */
    c->zero = 0;
    for (int i = 0; i < mf->n_fields; i++) {
        const m_field *m = &mf->fields[i];
        if (!m->expr || !(m->flags & RG_FIELD_COMPUTED) || f->field_of[i] < 0)
            continue;
        ir_expr *v = is_running(m) ? lower_running(c, f, f->field_of[i], m) : lower_expr(c, m->expr, SRC_CUR);
        f->fields[f->field_of[i]].expr = v ? rescale(c, v, lower_arith_scale(&m->type)) : NULL;
    }
    order_computed(c, f);
    /* computed fields that read another form, directly or through another
     * computed field (in evaluation order) */
    char *cross = arena_alloc(c->a, (size_t)f->n_fields + 1);
    for (int k = 0; k < f->n_computed; k++) {
        const ir_expr *x = f->fields[f->computed[k]].expr;
        int on = (tree_flags(x) & RG_RULE_CROSS_FORM) != 0;
        for (int j = 0; j < k && !on; j++)
            on = cross[f->computed[j]] && deps_on(x, f->computed[j]);
        cross[f->computed[k]] = (char)on;
    }
    layout_acc(f);
    layout_outputs(c, mf, f);

    f->n_rules = mf->n_rules;
    f->rules = arena_alloc(c->a, sizeof(ir_rule) * (size_t)(mf->n_rules + 1));
    for (int i = 0; i < mf->n_rules; i++) {
        const m_rule *m = &mf->rules[i];
        ir_rule *r = &f->rules[i];
        r->code = m->code;
        r->severity = m->severity;
        r->src = m;
        r->missing = (ir_missing)m->missing; /* the same values, in order */
        r->left = (ir_side)m->missing_left;
        r->right = (ir_side)m->missing_right;
        c->zero = rule_zero(r, -1);
        r->when = m->when ? lower_expr(c, m->when, SRC_CUR) : NULL;
        if (r->missing == IR_MISS_SIDES) {
            c->sides = m->check;
            c->side_zero[0] = rule_zero(r, 0);
            c->side_zero[1] = rule_zero(r, 1);
        }
        r->check = m->check ? lower_check(c, m) : NULL;
        c->sides = NULL;
        if (r->check)
            r->check = apply_missing(c, r, r->check);
        if (!r->check) {
            if (m->check)
                continue; /* reported */
            r->check = mk_const(c, 1, 0);
            r->check->is_bool = 1;
        }
        uint32_t tf = (tree_flags(r->when) | tree_flags(r->check)) & (RG_RULE_PREVIOUS | RG_RULE_CHILDREN);
        /* a rule reading a computed field that reads another form needs
         * that form joined too */
        for (int k = 0; k < f->n_fields; k++)
            if (cross[k] && (deps_on(r->when, k) || deps_on(r->check, k)))
                tf |= RG_RULE_CROSS_FORM;
        r->flags = m->flags | tf;
        /* WELL_FORMED marks the rule that reports malformed values (a check
         * of well_formed itself), not every rule guarded by it */
        if (r->check->op == IR_WELL_FORMED)
            r->flags |= RG_RULE_WELL_FORMED;
    }
    c->zero = 0;
    qsort(f->rules, (size_t)f->n_rules, sizeof *f->rules, cmp_rule);

    /* What each computed field and rule reads, and how far back: the
     * evaluation order follows this period's reads only, so the depths are
     * taken again until none grows (sema rejects circles through
     * previous(); a running total's own previous value counts as the
     * length of its window: W - 1 more periods back than what it sums). */
    int *depth = arena_alloc(c->a, sizeof(int) * (size_t)(f->n_fields + 1));
    for (int k = 0; k < f->n_computed; k++) {
        ir_field *x = &f->fields[f->computed[k]];
        int cap = 0;
        ir_collect_reads(c->a, x->expr, index, &x->reads, &x->n_reads, &cap);
    }
    for (int round = 0, grew = 1; grew && round <= f->n_computed + 1; round++) {
        grew = 0;
        for (int k = 0; k < f->n_computed; k++) {
            int fi = f->computed[k];
            ir_field *x = &f->fields[fi];
            int d = prev_depth(f, x->expr, depth, x->running ? fi : -1);
            if (x->running && x->running_of)
                d = max_i(d, prev_depth(f, x->running_of, depth, fi) + (x->running > 0 ? x->running - 1 : 1));
            if (d > depth[fi]) {
                depth[fi] = d;
                grew = 1;
            }
        }
    }
    for (int k = 0; k < f->n_computed; k++) {
        ir_field *x = &f->fields[f->computed[k]];
        x->prev_depth = depth[f->computed[k]];
        f->prev_depth = max_i(f->prev_depth, x->prev_depth);
    }
    for (int i = 0; i < f->n_rules; i++) {
        ir_rule *r = &f->rules[i];
        int cap = 0;
        lower_values(c, f, r);
        ir_collect_reads(c->a, r->when, index, &r->reads, &r->n_reads, &cap);
        ir_collect_reads(c->a, r->check, index, &r->reads, &r->n_reads, &cap);
        f->prev_depth = max_i(f->prev_depth, max_i(prev_depth(f, r->when, depth, -1), prev_depth(f, r->check, depth, -1)));
        for (int k = 0; k < r->n_values; k++) {
            ir_collect_reads(c->a, r->values[k].expr, index, &r->reads, &r->n_reads, &cap);
            f->prev_depth = max_i(f->prev_depth, prev_depth(f, r->values[k].expr, depth, -1));
        }
        if (per_unit_rule(f, r))
            r->flags |= RG_RULE_PER_UNIT;
    }
    lower_hiers(c->a, c->r, mf, f);
}

int lower_regime(arena *a, const m_regime *r, const src_manager *sm, ir_regime *out)
{
    memset(out, 0, sizeof *out);
    lctx c = {.a = a, .r = r, .sm = sm, .other = -1};
    out->name = r->name;
    out->src = r;
    out->n_forms = r->n_forms;
    out->forms = arena_alloc(a, sizeof(ir_form) * (size_t)(r->n_forms + 1));
    for (int i = 0; i < r->n_forms; i++)
        lower_form(&c, &r->forms[i], i, &out->forms[i]);
    return c.errors ? -1 : 0;
}

/* ---- one expression of a row, for the XForms ---- */

static ir_expr *lower_row(arena *a, const m_regime *r, const ir_form *f, const ast_expr *e, const m_field *ratio)
{
    ir_form copy = *f; /* only read: lctx wants a mutable one */
    lctx c = {.a = a, .r = r, .form = f->src, .form_index = f->index, .out = &copy, .other = -1, .quiet = 1};
    ir_expr *v = ratio ? lower_ratio(&c, ratio, SRC_CUR) : lower_expr(&c, e, SRC_CUR);
    return c.quiet_errors ? NULL : v;
}

ir_expr *lower_row_expr(arena *a, const m_regime *r, const ir_form *f, const ast_expr *e)
{
    return e ? lower_row(a, r, f, e, NULL) : NULL;
}

ir_expr *lower_row_ratio(arena *a, const m_regime *r, const ir_form *f, const m_field *ratio)
{
    return ratio ? lower_row(a, r, f, NULL, ratio) : NULL;
}
