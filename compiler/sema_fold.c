/* sema_fold.c — constants and value ranges of expressions.
 *
 * Two questions of the checker need values without data: what constant a
 * bound, a tolerance or round()'s digits is (exact, any scale), and whether
 * a rule's condition is the same for every submission ("can never fail",
 * "never passes"). The second is answered with intervals: every numeric
 * expression gets the range of values it can take, from its constants, the
 * declared `range` and `max digits` of fields and counts being >= 0, and a
 * comparison whose two ranges do not overlap (or are one point) is decided.
 * Only what is proven is reported: an unknown end stays open.
 *
 * Numbers are exact decimals: a constant is an integer and a scale (value *
 * 10^-scale); intervals are kept at FOLD_SCALE decimals. Percentages are
 * their plain value (90% is 0.90). */
#include <string.h>

#include "sema_int.h"

/* ---- exact constants ---- */

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

/* The exact value of a constant expression: *v * 10^-*scale. */
static int const_num(const ast_expr *e, int64_t *v, int *scale)
{
    switch (e->kind) {
    case AST_E_NUMBER: *v = e->u.num.value; *scale = e->u.num.scale; return 1;
    case AST_E_PERCENT: *v = e->u.num.value; *scale = e->u.num.scale + 2; return 1;
    case AST_E_DATE: *v = e->u.date; *scale = 0; return 1;
    case AST_E_UNARY:
        if (e->u.unary.op != AST_OP_NEG || !const_num(e->u.unary.operand, v, scale) || *v == INT64_MIN)
            return 0;
        *v = -*v;
        return 1;
    case AST_E_BINARY: {
        ast_op op = e->u.binary.op;
        int64_t a, b;
        int sa, sb;
        if ((op != AST_OP_ADD && op != AST_OP_SUB && op != AST_OP_MUL) || !const_num(e->u.binary.lhs, &a, &sa) ||
            !const_num(e->u.binary.rhs, &b, &sb))
            return 0;
        if (op == AST_OP_MUL) {
            if (__builtin_mul_overflow(a, b, v) || sa + sb > 18)
                return 0;
            *scale = sa + sb;
            return 1;
        }
        int sc = sa > sb ? sa : sb;
        if (!rescale(a, sa, sc, &a) || !rescale(b, sb, sc, &b))
            return 0;
        if (op == AST_OP_ADD ? __builtin_add_overflow(a, b, v) : __builtin_sub_overflow(a, b, v))
            return 0;
        *scale = sc;
        return 1;
    }
    default: return 0;
    }
}

int sema_const_int(sema *s, ast_expr *e, int scale, int64_t *out)
{
    (void)s;
    int64_t v;
    int sc;
    return const_num(e, &v, &sc) && rescale(v, sc, scale, out);
}

/* ---- ranges ---- */

enum { FOLD_SCALE = 6 };
#define FOLD_ONE INT64_C(1000000)

typedef struct ival {
    int64_t lo, hi;      /* at FOLD_SCALE decimals */
    int has_lo, has_hi;  /* 0: unbounded on that side */
} ival;

static const ival unknown = {0, 0, 0, 0};

static ival point(int64_t v) { return (ival){v, v, 1, 1}; }

static int is_point(ival a) { return a.has_lo && a.has_hi && a.lo == a.hi; }

/* Two expressions that always have the same value: the same tree over the
 * same names (fields are read once per row). */
static int same_expr(const ast_expr *a, const ast_expr *b)
{
    if (a->kind != b->kind)
        return 0;
    switch (a->kind) {
    case AST_E_NUMBER:
    case AST_E_PERCENT: return a->u.num.value == b->u.num.value && a->u.num.scale == b->u.num.scale;
    case AST_E_STRING: return !strcmp(a->u.str, b->u.str);
    case AST_E_DATE: return a->u.date == b->u.date;
    case AST_E_BOOL: return a->u.boolean == b->u.boolean;
    case AST_E_NAME: return !strcmp(a->u.name.text, b->u.name.text);
    case AST_E_UNARY: return a->u.unary.op == b->u.unary.op && same_expr(a->u.unary.operand, b->u.unary.operand);
    case AST_E_BINARY:
        return a->u.binary.op == b->u.binary.op && same_expr(a->u.binary.lhs, b->u.binary.lhs) &&
               same_expr(a->u.binary.rhs, b->u.binary.rhs);
    case AST_E_CALL:
        if (strcmp(a->u.call.callee.text, b->u.call.callee.text) || a->u.call.args.n != b->u.call.args.n)
            return 0;
        for (int i = 0; i < a->u.call.args.n; i++)
            if (!same_expr(a->u.call.args.items[i], b->u.call.args.items[i]))
                return 0;
        return 1;
    default: return 0;
    }
}

static int64_t pow10_i(int n)
{
    int64_t p = 1;
    while (n-- > 0)
        p *= 10;
    return p;
}

/* The values a field can hold, from its type and declaration. */
static ival field_range(sema *s, const m_form *fo, const m_field *f, int depth);

static ival range_of(sema *s, const ast_expr *e, int depth);

static ival add_ival(ival a, ival b, int sub)
{
    ival r = unknown;
    if (sub) {
        ival nb = {0, 0, b.has_hi, b.has_lo};
        if ((b.has_hi && b.hi == INT64_MIN) || (b.has_lo && b.lo == INT64_MIN))
            return unknown;
        nb.lo = -b.hi;
        nb.hi = -b.lo;
        b = nb;
    }
    if (a.has_lo && b.has_lo && !__builtin_add_overflow(a.lo, b.lo, &r.lo))
        r.has_lo = 1;
    if (a.has_hi && b.has_hi && !__builtin_add_overflow(a.hi, b.hi, &r.hi))
        r.has_hi = 1;
    return r;
}

/* floor and ceiling of x / FOLD_ONE, for products at twice the scale */
static int down(__int128 x, int64_t *out)
{
    __int128 q = x / FOLD_ONE;
    if (x % FOLD_ONE && x < 0)
        q--;
    if (q > INT64_MAX || q < INT64_MIN)
        return 0;
    *out = (int64_t)q;
    return 1;
}

static int up(__int128 x, int64_t *out)
{
    __int128 q = x / FOLD_ONE;
    if (x % FOLD_ONE && x > 0)
        q++;
    if (q > INT64_MAX || q < INT64_MIN)
        return 0;
    *out = (int64_t)q;
    return 1;
}

static ival mul_ival(ival a, ival b)
{
    /* only bounded operands: the four corner products */
    if (!(a.has_lo && a.has_hi && b.has_lo && b.has_hi))
        return unknown;
    __int128 c[4] = {(__int128)a.lo * b.lo, (__int128)a.lo * b.hi, (__int128)a.hi * b.lo, (__int128)a.hi * b.hi};
    __int128 mn = c[0], mx = c[0];
    for (int i = 1; i < 4; i++) {
        if (c[i] < mn)
            mn = c[i];
        if (c[i] > mx)
            mx = c[i];
    }
    ival r = unknown;
    r.has_lo = down(mn, &r.lo);
    r.has_hi = up(mx, &r.hi);
    return r;
}

static ival join(ival a, ival b)
{
    ival r = unknown;
    if (a.has_lo && b.has_lo) {
        r.has_lo = 1;
        r.lo = a.lo < b.lo ? a.lo : b.lo;
    }
    if (a.has_hi && b.has_hi) {
        r.has_hi = 1;
        r.hi = a.hi > b.hi ? a.hi : b.hi;
    }
    return r;
}

static ival field_range(sema *s, const m_form *fo, const m_field *f, int depth)
{
    ival r = unknown;
    if (f->type.kind == TY_ERROR)
        return r;
    if ((f->flags & RG_FIELD_COMPUTED) && f->expr)
        return range_of(s, f->expr, depth + 1);
    if (!sema_is_numeric(f->type.kind) && f->type.kind != TY_DATE)
        return r;
    int sc = f->type.kind == TY_DATE ? 0 : sema_arith_scale(&f->type);
    if (f->flags & RG_FIELD_HAS_MIN)
        r.has_lo = rescale(f->min, sc, FOLD_SCALE, &r.lo);
    if (f->flags & RG_FIELD_HAS_MAX)
        r.has_hi = rescale(f->max, sc, FOLD_SCALE, &r.hi);
    if (f->type.kind == TY_COUNT && (!r.has_lo || r.lo < 0)) {
        r.has_lo = 1;
        r.lo = 0;
    }
    if (f->max_digits > 0 && f->max_digits <= 12 && f->type.scale == 0 && f->type.kind != TY_PERCENT) {
        int64_t m = (pow10_i(f->max_digits) - 1) * FOLD_ONE;
        if (!r.has_hi || r.hi > m) {
            r.has_hi = 1;
            r.hi = m;
        }
        if (!r.has_lo || r.lo < -m) {
            r.has_lo = 1;
            r.lo = -m;
        }
    }
    (void)fo;
    return r;
}

static ival range_of(sema *s, const ast_expr *e, int depth)
{
    if (!e || depth > 64)
        return unknown;
    int64_t v;
    int sc;
    if (const_num(e, &v, &sc)) {
        int64_t x;
        return rescale(v, sc, FOLD_SCALE, &x) ? point(x) : unknown;
    }
    switch (e->kind) {
    case AST_E_NAME:
        if (e->ref && (e->ref->kind == REF_FIELD || e->ref->kind == REF_OTHER_FORM) && e->ref->form >= 0 &&
            e->ref->form < s->r->n_forms) {
            const m_form *fo = &s->r->forms[e->ref->form];
            if (e->ref->index >= 0 && e->ref->index < fo->n_fields)
                return field_range(s, fo, &fo->fields[e->ref->index], depth);
        }
        return unknown;
    case AST_E_UNARY:
        if (e->u.unary.op == AST_OP_NEG)
            return add_ival(point(0), range_of(s, e->u.unary.operand, depth + 1), 1);
        return unknown;
    case AST_E_BINARY:
        switch (e->u.binary.op) {
        case AST_OP_ADD:
        case AST_OP_SUB:
            if (e->u.binary.op == AST_OP_SUB && same_expr(e->u.binary.lhs, e->u.binary.rhs))
                return point(0);
            return add_ival(range_of(s, e->u.binary.lhs, depth + 1), range_of(s, e->u.binary.rhs, depth + 1),
                            e->u.binary.op == AST_OP_SUB);
        case AST_OP_MUL:
            return mul_ival(range_of(s, e->u.binary.lhs, depth + 1), range_of(s, e->u.binary.rhs, depth + 1));
        default: return unknown;
        }
    case AST_E_CALL: {
        int n = e->u.call.args.n;
        ast_expr **a = (ast_expr **)e->u.call.args.items;
        sema_fn fn = e->ref ? e->ref->fn : FN_NONE;
        switch (fn) {
        case FN_SUM: {
            ival r = point(0);
            for (int i = 0; i < n; i++)
                r = add_ival(r, range_of(s, a[i], depth + 1), 0);
            return r;
        }
        case FN_MIN:
        case FN_MAX: {
            if (n < 1)
                return unknown;
            ival r = range_of(s, a[0], depth + 1);
            for (int i = 1; i < n; i++) {
                ival x = range_of(s, a[i], depth + 1);
                int mn = fn == FN_MIN;
                /* min: both ends are the smaller ones; an open low end stays open */
                if (mn) {
                    r.has_lo = r.has_lo && x.has_lo;
                    if (r.has_lo)
                        r.lo = r.lo < x.lo ? r.lo : x.lo;
                    if (r.has_hi && x.has_hi)
                        r.hi = r.hi < x.hi ? r.hi : x.hi;
                    else if (x.has_hi) {
                        r.has_hi = 1;
                        r.hi = x.hi;
                    }
                } else {
                    r.has_hi = r.has_hi && x.has_hi;
                    if (r.has_hi)
                        r.hi = r.hi > x.hi ? r.hi : x.hi;
                    if (r.has_lo && x.has_lo)
                        r.lo = r.lo > x.lo ? r.lo : x.lo;
                    else if (x.has_lo) {
                        r.has_lo = 1;
                        r.lo = x.lo;
                    }
                }
            }
            return r;
        }
        case FN_ABS: {
            if (n != 1)
                return unknown;
            ival x = range_of(s, a[0], depth + 1);
            if (x.has_lo && x.lo >= 0)
                return x;
            if (x.has_hi && x.hi <= 0)
                return add_ival(point(0), x, 1);
            ival r = {0, 0, 1, 0};
            if (x.has_lo && x.has_hi && x.lo != INT64_MIN) {
                r.has_hi = 1;
                r.hi = -x.lo > x.hi ? -x.lo : x.hi;
            }
            return r;
        }
        case FN_IF: {
            if (n != 3)
                return unknown;
            int c;
            if (sema_fold_bool(s, a[0], &c))
                return range_of(s, c ? a[1] : a[2], depth + 1);
            return join(range_of(s, a[1], depth + 1), range_of(s, a[2], depth + 1));
        }
        case FN_COALESCE:
            return n == 2 ? join(range_of(s, a[0], depth + 1), range_of(s, a[1], depth + 1)) : unknown;
        case FN_PREVIOUS:
            /* the same field, another period: the same declared range */
            return n == 1 ? range_of(s, a[0], depth + 1) : unknown;
        case FN_CHILDREN: {
            /* a sum of the children's values: only the sign survives */
            ival x = n == 1 ? range_of(s, a[0], depth + 1) : unknown;
            ival r = unknown;
            if (x.has_lo && x.lo >= 0) {
                r.has_lo = 1;
                r.lo = 0;
            }
            if (x.has_hi && x.hi <= 0) {
                r.has_hi = 1;
                r.hi = 0;
            }
            return r;
        }
        case FN_ROUND: {
            int64_t digits;
            if (n != 2 || !sema_const_int(s, a[1], 0, &digits) || digits < 0 || digits >= FOLD_SCALE)
                return unknown;
            /* rounding moves a value by at most half a unit of the last digit */
            int64_t half = 5 * pow10_i(FOLD_SCALE - (int)digits - 1);
            return add_ival(range_of(s, a[0], depth + 1), (ival){-half, half, 1, 1}, 0);
        }
        default: return unknown;
        }
    }
    default: return unknown;
    }
}

static int numeric_operand(const ast_expr *e)
{
    return e->type && (sema_is_numeric(e->type->kind) || e->type->kind == TY_DATE);
}

/* Decides a comparison from the ranges of its sides; 1 when decided. */
static int compare(sema *s, ast_op op, const ast_expr *l, const ast_expr *r, int *v)
{
    if (same_expr(l, r)) {
        *v = op == AST_OP_EQ || op == AST_OP_LE || op == AST_OP_GE;
        return 1;
    }
    if (!numeric_operand(l) || !numeric_operand(r))
        return 0;
    ival a = range_of(s, l, 0), b = range_of(s, r, 0);
    /* a < b for sure: a's top below b's bottom */
    int lt = a.has_hi && b.has_lo && a.hi < b.lo;
    int le = a.has_hi && b.has_lo && a.hi <= b.lo;
    int gt = a.has_lo && b.has_hi && a.lo > b.hi;
    int ge = a.has_lo && b.has_hi && a.lo >= b.hi;
    int eq = is_point(a) && is_point(b) && a.lo == b.lo;
    switch (op) {
    case AST_OP_LT: if (lt || ge) { *v = lt; return 1; } return 0;
    case AST_OP_LE: if (le || gt) { *v = le; return 1; } return 0;
    case AST_OP_GT: if (gt || le) { *v = gt; return 1; } return 0;
    case AST_OP_GE: if (ge || lt) { *v = ge; return 1; } return 0;
    case AST_OP_EQ: if (eq || lt || gt) { *v = eq; return 1; } return 0;
    case AST_OP_NE: if (eq || lt || gt) { *v = !eq; return 1; } return 0;
    default: return 0;
    }
}

int sema_fold_bool(sema *s, const ast_expr *e, int *v)
{
    if (!e || (e->type && e->type->kind == TY_ERROR))
        return 0;
    switch (e->kind) {
    case AST_E_BOOL: *v = e->u.boolean; return 1;
    case AST_E_UNARY: {
        int x;
        if (e->u.unary.op == AST_OP_NOT && sema_fold_bool(s, e->u.unary.operand, &x)) {
            *v = !x;
            return 1;
        }
        return 0;
    }
    case AST_E_BINARY: {
        ast_op op = e->u.binary.op;
        if (op == AST_OP_AND || op == AST_OP_OR) {
            int a, b;
            int ka = sema_fold_bool(s, e->u.binary.lhs, &a), kb = sema_fold_bool(s, e->u.binary.rhs, &b);
            if (ka && kb) {
                *v = op == AST_OP_AND ? a && b : a || b;
                return 1;
            }
            /* one side decides: false and _, true or _ */
            if ((ka && a == (op == AST_OP_OR)) || (kb && b == (op == AST_OP_OR))) {
                *v = op == AST_OP_OR;
                return 1;
            }
            return 0;
        }
        if (op >= AST_OP_EQ && op <= AST_OP_GE)
            return compare(s, op, e->u.binary.lhs, e->u.binary.rhs, v);
        return 0;
    }
    default: return 0;
    }
}
