/* eval.c — reference evaluator over the IR (see eval.h and ir.h for the
 * semantics; cg_llvm_expr.c must compute the very same bits). */
#include <string.h>

#include "eval.h"

int eval_scale_up(int64_t x, int k, int64_t *out)
{
    if (k <= 0) {
        *out = x;
        return 0;
    }
    if (k > 18) {
        *out = 0;
        return x != 0;
    }
    return __builtin_mul_overflow(x, ir_pow10(k), out);
}

int64_t eval_scale_down(int64_t x, int k)
{
    if (k <= 0)
        return x;
    int64_t p = ir_pow10(k > 18 ? 18 : k);
    int64_t q = x / p, r = x % p;
    int64_t ar = r < 0 ? -r : r;
    if (ar >= p - ar)
        q += x < 0 ? -1 : 1;
    return q;
}

int eval_div_round128(__int128 n, __int128 d, int64_t *out)
{
    __int128 q = n / d, r = n % d;
    __int128 ar = r < 0 ? -r : r, ad = d < 0 ? -d : d;
    if (ar >= ad - ar)
        q += (n < 0) != (d < 0) ? -1 : 1;
    if (q > INT64_MAX || q < INT64_MIN) {
        *out = 0;
        return 1;
    }
    *out = (int64_t)q;
    return 0;
}

/* i128 value of x * 10^k, 1 when it does not fit */
/* The kernels add the accumulator's counters (missing items, values seen,
 * first/last sub-period marks) with LLVM's wrapping `add`; the evaluator
 * does the same, without signed overflow in C (random accumulators of the
 * differential test reach the int64 limits). */
static int64_t wrap_add(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a + (uint64_t)b);
}

static int mul_pow10_128(int64_t x, int k, __int128 *out)
{
    __int128 r = x;
    for (int i = 0; i < k; i++)
        if (__builtin_mul_overflow(r, (__int128)10, &r))
            return 1;
    *out = r;
    return 0;
}

static int bit(const uint64_t *words, uint32_t i)
{
    return words ? (int)((words[i >> 6] >> (i & 63)) & 1) : 0;
}

static eval_val val(int64_t v, int p, int o)
{
    eval_val r = {p ? v : 0, p, o};
    return r;
}

static eval_val read_col(const rg_column *col, uint32_t row, int zero)
{
    int p = col ? bit(col->present, row) : 0;
    if (p && col->v)
        return val(col->v[row], 1, 0);
    return zero == IR_ZERO_MISSING ? val(0, 1, 0) : val(0, 0, 0);
}

/* Whether the row a leaf reads from exists (IR_EXISTS, regime.h's
 * prev_rows / children_rows / other_rows): a NULL bitmap means every row
 * when its source is joined, none when it is not. */
static int rows_bit(const void *src, const uint64_t *rows, uint32_t row)
{
    return src ? (rows ? bit(rows, row) : 1) : 0;
}

int eval_exists(const ir_expr *leaf, const rg_batch *b, uint32_t row)
{
    switch (leaf->op) {
    case IR_PREV:
        return rows_bit(b->prev, b->prev_rows, row);
    case IR_CHILD:
        return rows_bit(b->children, b->children_rows, row);
    case IR_OTHER: {
        const rg_column *oc = b->other ? b->other[leaf->form] : NULL;
        return rows_bit(oc, oc && b->other_rows ? b->other_rows[leaf->form] : NULL, row);
    }
    default:
        return 1; /* the row itself */
    }
}

static eval_val read_acc(const ir_form *f, int field, const int64_t *acc)
{
    const ir_field *x = &f->fields[field];
    if (!acc || x->acc < 0)
        return val(0, 0, 0);
    const int64_t *w = acc + x->acc;
    int64_t q;
    /* an item with an empty value makes the aggregate empty; min and max
     * of no value are empty */
    int has = (x->acc_null < 0 || acc[x->acc_null] == 0) && (x->acc_nv < 0 || acc[x->acc_nv] != 0);
    switch (x->acc_kind) {
    case IR_ACC_SUM: case IR_ACC_COUNT:
        return val(w[0], has, 0);
    case IR_ACC_AVERAGE: case IR_ACC_WEIGHTED: {
        if (w[1] == 0 || !has)
            return val(0, 0, 0);
        /* weighted: sum(x*w) has scale x+w, sum(w) scale w: quotient at x */
        int o = eval_div_round128(w[0], w[1], &q);
        return o ? val(0, 0, 0) : val(q, 1, 0);
    }
    default:
        return val(0, 0, 0);
    }
}

eval_val eval_expr(const ir_form *f, const ir_expr *e, const rg_batch *b, uint32_t row, const int64_t *acc)
{
    eval_val a, c, k;
    int64_t r = 0;
    switch (e->op) {
    case IR_CONST:
        return val(e->value, 1, 0);
    case IR_MISSING:
        return val(0, 0, 0);
    case IR_FIELD: case IR_PREV: case IR_CHILD: {
        const rg_column *src = e->op == IR_FIELD ? b->cols : e->op == IR_PREV ? b->prev : b->children;
        const rg_column *col = src ? &src[e->field] : NULL;
        if (e->zero == IR_ZERO_ABSENT && !eval_exists(e, b, row))
            return val(0, 1, 0);
        a = read_col(col, row, e->zero);
        if (e->is_bool)
            a.v = a.v != 0; /* a bool column holding 2 still reads as true */
        return a;
    }
    case IR_OTHER: {
        const rg_column *oc = b->other ? b->other[e->form] : NULL;
        if (e->zero == IR_ZERO_ABSENT && !eval_exists(e, b, row))
            return val(0, 1, 0);
        a = read_col(oc ? &oc[e->field] : NULL, row, e->zero);
        if (e->is_bool)
            a.v = a.v != 0;
        return a;
    }
    case IR_ACC:
        return read_acc(f, e->field, acc);
    case IR_WELL_FORMED:
        return val(b->well_formed ? bit(b->well_formed, row) : 1, 1, 0);
    case IR_EXISTS:
        return val(eval_exists(e->a, b, row), 1, 0);
    default:
        break;
    }
    a = eval_expr(f, e->a, b, row, acc);
    switch (e->op) {
    case IR_NEG: case IR_ABS: {
        int neg = e->op == IR_NEG || a.v < 0;
        int o = a.present && neg && a.v == INT64_MIN;
        return val(neg && !o ? -a.v : a.v, a.present, a.overflow | o);
    }
    case IR_RESCALE: {
        if (e->scale >= e->a->scale) {
            int o = eval_scale_up(a.v, e->scale - e->a->scale, &r);
            return val(r, a.present, a.overflow | (a.present && o));
        }
        return val(eval_scale_down(a.v, e->a->scale - e->scale), a.present, a.overflow);
    }
    case IR_NOT:
        return val(!a.v, a.present, a.overflow);
    case IR_PRESENT:
        return val(a.present, 1, a.overflow);
    case IR_PSTART:
        return val(e->value > 0 && a.v % e->value == 0, a.present, a.overflow);
    case IR_IN: {
        int in = 0;
        if (!e->set)
            in = a.v >= 0;
        for (int i = 0; i < e->n_set; i++)
            in |= a.v == e->set[i];
        return val(in, a.present, a.overflow);
    }
    case IR_IF: {
        eval_val x = eval_expr(f, e->b, b, row, acc), y = eval_expr(f, e->c, b, row, acc);
        eval_val t = a.v ? x : y;
        return val(t.v, a.present && t.present, a.overflow | (a.present && t.overflow));
    }
    case IR_COALESCE:
        c = eval_expr(f, e->b, b, row, acc);
        return a.present ? a : val(c.v, c.present, a.overflow | c.overflow);
    default:
        break;
    }
    c = eval_expr(f, e->b, b, row, acc);
    int p = a.present && c.present, o = a.overflow | c.overflow;
    switch (e->op) {
    case IR_ADD:
        o |= p && __builtin_add_overflow(a.v, c.v, &r);
        return val(r, p, o);
    case IR_SUB:
        o |= p && __builtin_sub_overflow(a.v, c.v, &r);
        return val(r, p, o);
    case IR_MUL:
        o |= p && __builtin_mul_overflow(a.v, c.v, &r);
        return val(r, p, o);
    case IR_MIN:
        return val(a.v < c.v ? a.v : c.v, p, o);
    case IR_MAX:
        return val(a.v > c.v ? a.v : c.v, p, o);
    case IR_AND:
        return val(a.v && c.v, p, o);
    case IR_OR:
        return val(a.v || c.v, p, o);
    case IR_DIV: {
        /* a/10^sa / (b/10^sb) at scale s = a*10^(s+sb-sa) / b */
        p = p && c.v != 0;
        if (!p)
            return val(0, 0, o);
        int k2 = e->scale + e->b->scale - e->a->scale;
        __int128 n = a.v, d = c.v;
        int ov = k2 >= 0 ? mul_pow10_128(a.v, k2, &n) : mul_pow10_128(c.v, -k2, &d);
        if (!ov)
            ov = eval_div_round128(n, d, &r);
        return val(r, 1, o | ov);
    }
    case IR_CMP: {
        int res;
        if (e->c) {
            k = eval_expr(f, e->c, b, row, acc);
            p = p && k.present;
            o |= k.overflow;
            __int128 d = (__int128)a.v - c.v, t = k.v;
            switch (e->cmp) {
            case IR_EQ: res = d <= t && d >= -t; break;
            case IR_NE: res = !(d <= t && d >= -t); break;
            case IR_LT: res = d < t; break;
            case IR_LE: res = d <= t; break;
            case IR_GT: res = d > -t; break;
            default: res = d >= -t; break;
            }
        } else {
            switch (e->cmp) {
            case IR_EQ: res = a.v == c.v; break;
            case IR_NE: res = a.v != c.v; break;
            case IR_LT: res = a.v < c.v; break;
            case IR_LE: res = a.v <= c.v; break;
            case IR_GT: res = a.v > c.v; break;
            default: res = a.v >= c.v; break;
            }
        }
        return val(res, p, o);
    }
    default:
        return val(0, 0, 0);
    }
}

int eval_validate(const ir_form *f, const rg_batch *b, uint64_t *const *fail, uint64_t *overflow)
{
    uint32_t n = b->n_rows, nw = (n + 63) / 64;
    int ret = 0;
    for (int r = 0; r < f->n_rules; r++)
        memset(fail[r], 0, sizeof(uint64_t) * nw);
    if (overflow)
        memset(overflow, 0, sizeof(uint64_t) * nw);
    for (int k = 0; k < f->n_computed; k++) {
        const rg_column *col = &b->cols[f->computed[k]];
        memset(col->present, 0, sizeof(uint64_t) * nw);
    }
    for (uint32_t i = 0; i < n; i++) {
        int row_ovf = 0;
        /* computed fields first, in dependency order, into their columns */
        for (int k = 0; k < f->n_computed; k++) {
            int fi = f->computed[k];
            const rg_column *col = &b->cols[fi];
            eval_val v = eval_expr(f, f->fields[fi].expr, b, i, NULL);
            int p = v.present && !v.overflow;
            row_ovf |= v.overflow;
            col->v[i] = p ? v.v : 0;
            if (p)
                col->present[i >> 6] |= 1ull << (i & 63);
        }
        for (int r = 0; r < f->n_rules; r++) {
            const ir_rule *ru = &f->rules[r];
            int ev = 1, o = 0;
            if (ru->when) {
                eval_val g = eval_expr(f, ru->when, b, i, NULL);
                o = g.overflow;
                ev = g.present && g.v && !g.overflow;
            }
            int bad = 0;
            if (ev) {
                eval_val k = eval_expr(f, ru->check, b, i, NULL);
                if (k.overflow)
                    o = 1;
                else if (ru->missing == IR_MISS_FAIL)
                    bad = !k.present || !k.v;
                else
                    bad = k.present && !k.v;
            }
            row_ovf |= o;
            if (bad)
                fail[r][i >> 6] |= 1ull << (i & 63);
        }
        if (row_ovf) {
            ret = -1;
            if (overflow)
                overflow[i >> 6] |= 1ull << (i & 63);
        }
    }
    return ret;
}

/* wrapping add of the row count that keeps the overflow (sign) bit */
static int64_t count_add(int64_t c, int64_t n) { return (int64_t)((uint64_t)c + (uint64_t)n); }

int eval_accumulate(const ir_form *f, const rg_batch *b, const uint32_t *slot, const uint8_t *pos, int64_t *acc)
{
    int ret = 0, na = f->n_acc;
    for (uint32_t i = 0; i < b->n_rows; i++) {
        if (slot[i] == UINT32_MAX)
            continue;
        int64_t *g = acc + (size_t)slot[i] * (size_t)na;
        int pp = pos ? pos[i] : 3, o = 0;
        int first = pp & 1, last = (pp >> 1) & 1;
        int64_t nsel = (int64_t)(pp >> 2) + 1;
        for (int fi = 0; fi < f->n_fields; fi++) {
            const ir_field *x = &f->fields[fi];
            if (x->acc < 0)
                continue;
            eval_val v = read_col(&b->cols[fi], i, 0), wt = {0, 1, 0};
            if (x->acc_kind == IR_ACC_WEIGHTED)
                wt = read_col(&b->cols[x->weight], i, 0);
            int pv = v.present && wt.present;
            /* item: the row is one of the field's items; repl: a stock's
             * later (closing) or earlier (opening) row replaces the group's */
            int item = 1, repl = 0;
            if (x->time_agg == RG_TIME_OPENING_STRICT)
                item = first;
            else if (x->time_agg == RG_TIME_CLOSING_STRICT)
                item = last;
            else if (x->acc_sel >= 0) {
                int64_t sel = g[x->acc_sel];
                repl = x->time_agg == RG_TIME_CLOSING ? (uint64_t)nsel > (uint64_t)sel
                                                      : sel == 0 || (uint64_t)nsel < (uint64_t)sel;
                item = repl || nsel == sel;
                if (repl)
                    g[x->acc_sel] = nsel;
            }
            int64_t *w = g + x->acc, s, t;
            int nwords = x->acc_kind == IR_ACC_AVERAGE || x->acc_kind == IR_ACC_WEIGHTED ? 2 : 1;
            if (repl) {
                for (int k = 0; k < nwords; k++)
                    w[k] = 0;
                if (x->acc_null >= 0)
                    g[x->acc_null] = 0;
                if (x->acc_nv >= 0)
                    g[x->acc_nv] = 0;
            }
            if (x->acc_null >= 0 && item && !pv)
                g[x->acc_null] = wrap_add(g[x->acc_null], 1);
            if (!item || !pv)
                continue;
            int ok = 0;
            switch (x->acc_kind) {
            case IR_ACC_SUM:
                if (__builtin_add_overflow(w[0], v.v, &s))
                    o = 1;
                else
                    w[0] = s, ok = 1;
                break;
            case IR_ACC_COUNT:
                if (__builtin_add_overflow(w[0], (int64_t)1, &s))
                    o = 1;
                else
                    w[0] = s, ok = 1;
                break;
            case IR_ACC_AVERAGE:
                if (__builtin_add_overflow(w[0], v.v, &s) || __builtin_add_overflow(w[1], (int64_t)1, &t))
                    o = 1;
                else
                    w[0] = s, w[1] = t, ok = 1;
                break;
            case IR_ACC_WEIGHTED: {
                int64_t m;
                if (__builtin_mul_overflow(v.v, wt.v, &m) || __builtin_add_overflow(w[0], m, &s) ||
                    __builtin_add_overflow(w[1], wt.v, &t))
                    o = 1;
                else
                    w[0] = s, w[1] = t, ok = 1;
                break;
            }
            default:
                break;
            }
            if (x->acc_nv >= 0 && ok)
                g[x->acc_nv] = wrap_add(g[x->acc_nv], 1);
        }
        g[RG_ACC_MASK(na)] |= (int64_t)(1ull << ((pp >> 2) & 63));
        g[RG_ACC_FIRST(na)] = wrap_add(g[RG_ACC_FIRST(na)], first);
        g[RG_ACC_LAST(na)] = wrap_add(g[RG_ACC_LAST(na)], last);
        int64_t *cnt = g + na - 1;
        *cnt = count_add(*cnt, 1);
        if (o) {
            *cnt |= IR_ACC_OVERFLOW;
            ret = -1;
        }
    }
    return ret;
}

int eval_combine(const ir_form *f, int64_t *dst, const int64_t *src)
{
    int last = f->n_acc - 1, o = 0;
    int64_t nd = dst[last] & INT64_MAX, ns = src[last] & INT64_MAX;
    for (int fi = 0; fi < f->n_fields; fi++) {
        const ir_field *x = &f->fields[fi];
        if (x->acc < 0)
            continue;
        int w = x->acc, nwords = x->acc_kind == IR_ACC_AVERAGE || x->acc_kind == IR_ACC_WEIGHTED ? 2 : 1;
        int64_t dnv = x->acc_nv >= 0 ? dst[x->acc_nv] : 0, snv = x->acc_nv >= 0 ? src[x->acc_nv] : 0;
        if (x->acc_null >= 0)
            dst[x->acc_null] = wrap_add(dst[x->acc_null], src[x->acc_null]);
        if (x->acc_nv >= 0)
            dst[x->acc_nv] = wrap_add(dst[x->acc_nv], src[x->acc_nv]);
        if (x->acc_sel >= 0 && (dst[x->acc_sel] == 0 ||
                                (src[x->acc_sel] != 0 && (uint64_t)src[x->acc_sel] < (uint64_t)dst[x->acc_sel])))
            dst[x->acc_sel] = src[x->acc_sel];
        if (x->acc_kind == IR_ACC_SUM && (x->unit_agg == RG_UNITS_MIN || x->unit_agg == RG_UNITS_MAX)) {
            /* only a side with a value takes part */
            if (snv == 0)
                continue;
            if (dnv == 0 || (x->unit_agg == RG_UNITS_MIN ? src[w] < dst[w] : src[w] > dst[w]))
                dst[w] = src[w];
            continue;
        }
        int64_t s[2];
        int ok = 1;
        for (int k = 0; k < nwords; k++)
            ok &= !__builtin_add_overflow(dst[w + k], src[w + k], &s[k]);
        if (!ok) {
            o = 1;
            continue;
        }
        for (int k = 0; k < nwords; k++)
            dst[w + k] = s[k];
    }
    dst[RG_ACC_MASK(f->n_acc)] |= src[RG_ACC_MASK(f->n_acc)];
    dst[RG_ACC_FIRST(f->n_acc)] = wrap_add(dst[RG_ACC_FIRST(f->n_acc)], src[RG_ACC_FIRST(f->n_acc)]);
    dst[RG_ACC_LAST(f->n_acc)] = wrap_add(dst[RG_ACC_LAST(f->n_acc)], src[RG_ACC_LAST(f->n_acc)]);
    int64_t flags = (dst[last] | src[last]) & IR_ACC_OVERFLOW;
    dst[last] = count_add(nd, ns) | flags | (o ? IR_ACC_OVERFLOW : 0);
    return o ? -1 : 0;
}

void eval_finalize(const ir_form *f, const int64_t *acc, int64_t *out, uint64_t *present)
{
    uint64_t pw = 0;
    int bad = acc[f->n_acc - 1] < 0; /* overflowed group: nothing is trustworthy */
    for (int k = 0; k < f->n_outputs; k++) {
        const ir_output *o = &f->outputs[k];
        eval_val v;
        if (o->expr)
            v = eval_expr(f, o->expr, NULL, 0, acc);
        else
            v = read_acc(f, o->field, acc);
        int p = v.present && !v.overflow && !bad;
        out[k] = p ? v.v : 0;
        if (p && k < 64)
            pw |= 1ull << k;
    }
    *present = pw;
}
