/*
 * cg_llvm_expr.c — per-row code for IR expressions (semantics in ir.h; the
 * reference is eval.c, bit for bit).
 *
 * Everything is straight-line: both sides of an `if` are computed and
 * selected, divisions guard their divisor with a select, and a missing
 * operand's value is never trusted. One row is therefore one basic block,
 * which is what lets the loop vectoriser work on the kernels.
 *
 * Overflow of + and - is detected with the sign trick
 * ((a ^ r) & (b ^ r)) < 0 rather than llvm.sadd.with.overflow: it is the
 * same predicate, but the vectoriser of LLVM 19 cannot widen intrinsics
 * returning {i64, i1}, and the kernels must vectorise. Products by a
 * positive constant (rescaling) compare against the constant's range, the
 * rest use llvm.smul.with.overflow.
 */
#include <string.h>

#include "cg_llvm_int.h"

LLVMValueRef cg_i64(cg *c, int64_t v) { return LLVMConstInt(c->i64, (unsigned long long)v, 1); }
LLVMValueRef cg_i32(cg *c, int64_t v) { return LLVMConstInt(c->i32, (unsigned long long)v, 1); }
LLVMValueRef cg_true(cg *c) { return LLVMConstInt(c->i1, 1, 0); }
LLVMValueRef cg_false(cg *c) { return LLVMConstInt(c->i1, 0, 0); }

static LLVMValueRef i128c(cg *c, __int128 v)
{
    uint64_t w[2] = {(uint64_t)v, (uint64_t)((unsigned __int128)v >> 64)};
    return LLVMConstIntOfArbitraryPrecision(c->i128, 2, w);
}

LLVMValueRef cg_intrinsic(cg *c, const char *name, LLVMTypeRef t, LLVMValueRef *args, unsigned n)
{
    unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
    LLVMTypeRef tys[1] = {t};
    LLVMValueRef fn = LLVMGetIntrinsicDeclaration(c->mod, id, tys, 1);
    LLVMTypeRef fty = LLVMIntrinsicGetType(c->ctx, id, tys, 1);
    return LLVMBuildCall2(c->b, fty, fn, args, n, "");
}

LLVMValueRef cg_add_ovf(cg *c, LLVMValueRef a, LLVMValueRef b, LLVMValueRef *ovf)
{
    LLVMBuilderRef B = c->b;
    LLVMValueRef r = LLVMBuildAdd(B, a, b, "");
    LLVMValueRef x = LLVMBuildAnd(B, LLVMBuildXor(B, a, r, ""), LLVMBuildXor(B, b, r, ""), "");
    *ovf = LLVMBuildICmp(B, LLVMIntSLT, x, cg_i64(c, 0), "");
    return r;
}

LLVMValueRef cg_sub_ovf(cg *c, LLVMValueRef a, LLVMValueRef b, LLVMValueRef *ovf)
{
    LLVMBuilderRef B = c->b;
    LLVMValueRef r = LLVMBuildSub(B, a, b, "");
    LLVMValueRef x = LLVMBuildAnd(B, LLVMBuildXor(B, a, b, ""), LLVMBuildXor(B, a, r, ""), "");
    *ovf = LLVMBuildICmp(B, LLVMIntSLT, x, cg_i64(c, 0), "");
    return r;
}

/* a * k for a constant k > 0: overflow iff a is outside [MIN/k, MAX/k] */
static LLVMValueRef mul_const_ovf(cg *c, LLVMValueRef a, int64_t k, LLVMValueRef *ovf)
{
    LLVMBuilderRef B = c->b;
    LLVMValueRef hi = LLVMBuildICmp(B, LLVMIntSGT, a, cg_i64(c, INT64_MAX / k), "");
    LLVMValueRef lo = LLVMBuildICmp(B, LLVMIntSLT, a, cg_i64(c, INT64_MIN / k), "");
    *ovf = LLVMBuildOr(B, hi, lo, "");
    return LLVMBuildMul(B, a, cg_i64(c, k), "");
}

LLVMValueRef cg_mul_ovf(cg *c, LLVMValueRef a, LLVMValueRef b, LLVMValueRef *ovf)
{
    if (LLVMIsAConstantInt(b) && LLVMConstIntGetSExtValue(b) > 0)
        return mul_const_ovf(c, a, LLVMConstIntGetSExtValue(b), ovf);
    if (LLVMIsAConstantInt(a) && LLVMConstIntGetSExtValue(a) > 0)
        return mul_const_ovf(c, b, LLVMConstIntGetSExtValue(a), ovf);
    LLVMValueRef args[2] = {a, b};
    LLVMValueRef r = cg_intrinsic(c, "llvm.smul.with.overflow", c->i64, args, 2);
    *ovf = LLVMBuildExtractValue(c->b, r, 1, "");
    return LLVMBuildExtractValue(c->b, r, 0, "");
}

LLVMValueRef cg_bit(cg *c, LLVMValueRef word, LLVMValueRef j)
{
    return LLVMBuildTrunc(c->b, LLVMBuildLShr(c->b, word, j, ""), c->i1, "");
}

static LLVMValueRef abs_of(cg *c, LLVMValueRef x)
{
    LLVMTypeRef t = LLVMTypeOf(x);
    LLVMValueRef neg = LLVMBuildICmp(c->b, LLVMIntSLT, x, LLVMConstNull(t), "");
    return LLVMBuildSelect(c->b, neg, LLVMBuildNeg(c->b, x, ""), x, "");
}

/* q + sign(n)*sign(d) when |r| >= |d| - |r| (half away from zero) */
static LLVMValueRef round_fix(cg *c, LLVMValueRef q, LLVMValueRef r, LLVMValueRef ad, LLVMValueRef neg)
{
    LLVMBuilderRef B = c->b;
    LLVMTypeRef t = LLVMTypeOf(q);
    LLVMValueRef ar = abs_of(c, r);
    LLVMValueRef up = LLVMBuildICmp(B, LLVMIntSGE, ar, LLVMBuildSub(B, ad, ar, ""), "");
    LLVMValueRef step = LLVMBuildSelect(B, neg, LLVMConstAllOnes(t), LLVMConstInt(t, 1, 0), "");
    return LLVMBuildAdd(B, q, LLVMBuildSelect(B, up, step, LLVMConstNull(t), ""), "");
}

LLVMValueRef cg_div_round128(cg *c, LLVMValueRef n, LLVMValueRef d, LLVMValueRef *ovf)
{
    LLVMBuilderRef B = c->b;
    LLVMValueRef q = LLVMBuildSDiv(B, n, d, ""), r = LLVMBuildSRem(B, n, d, "");
    LLVMValueRef neg = LLVMBuildXor(B, LLVMBuildICmp(B, LLVMIntSLT, n, i128c(c, 0), ""),
                                    LLVMBuildICmp(B, LLVMIntSLT, d, i128c(c, 0), ""), "");
    q = round_fix(c, q, r, abs_of(c, d), neg);
    LLVMValueRef hi = LLVMBuildICmp(B, LLVMIntSGT, q, i128c(c, INT64_MAX), "");
    LLVMValueRef lo = LLVMBuildICmp(B, LLVMIntSLT, q, i128c(c, INT64_MIN), "");
    *ovf = LLVMBuildOr(B, hi, lo, "");
    return LLVMBuildTrunc(B, q, c->i64, "");
}

/* x / 10^k rounded half away from zero (k > 0) */
static LLVMValueRef scale_down(cg *c, LLVMValueRef x, int k)
{
    int64_t p = ir_pow10(k > 18 ? 18 : k);
    LLVMBuilderRef B = c->b;
    LLVMValueRef q = LLVMBuildSDiv(B, x, cg_i64(c, p), ""), r = LLVMBuildSRem(B, x, cg_i64(c, p), "");
    LLVMValueRef neg = LLVMBuildICmp(B, LLVMIntSLT, x, cg_i64(c, 0), "");
    return round_fix(c, q, r, cg_i64(c, p), neg);
}

/* x * 10^k exactly (k > 0) */
static LLVMValueRef scale_up(cg *c, LLVMValueRef x, int k, LLVMValueRef *ovf)
{
    if (k > 18) {
        *ovf = LLVMBuildICmp(c->b, LLVMIntNE, x, cg_i64(c, 0), "");
        return cg_i64(c, 0);
    }
    return mul_const_ovf(c, x, ir_pow10(k), ovf);
}

static cg_val mkv(LLVMValueRef v, LLVMValueRef p, LLVMValueRef o)
{
    cg_val r = {v, p, o};
    return r;
}

static LLVMValueRef is_true(cg *c, LLVMValueRef v) { return LLVMBuildICmp(c->b, LLVMIntNE, v, cg_i64(c, 0), ""); }
static LLVMValueRef zx(cg *c, LLVMValueRef b) { return LLVMBuildZExt(c->b, b, c->i64, ""); }

static int oth_slot(const cg_row *r, const ir_expr *e)
{
    int k = 0;
    while (k < r->n_oth && (r->oth_form[k] != e->form || r->oth_field[k] != e->field))
        k++;
    return k;
}

/* i1: the row leaf `e` reads from exists (IR_EXISTS; eval_exists) */
static LLVMValueRef exists_of(cg *c, cg_row *r, const ir_expr *e)
{
    switch (e->op) {
    case IR_PREV:
        return r->x_prev_word ? cg_bit(c, r->x_prev_word, r->j) : cg_false(c);
    case IR_CHILD:
        return r->x_child_word ? cg_bit(c, r->x_child_word, r->j) : cg_false(c);
    case IR_OTHER: {
        int k = oth_slot(r, e);
        if (k == r->n_oth || !r->oth_xword || !r->oth_xword[k])
            return cg_false(c);
        return LLVMBuildAnd(c->b, cg_bit(c, r->oth_xword[k], r->j), LLVMBuildNot(c->b, r->oth_xnone[k], ""), "");
    }
    default:
        return cg_true(c);
    }
}

/* the leaf's missing-value substitution (ir_zero) */
static cg_val leaf_zero(cg *c, cg_row *r, const ir_expr *e, LLVMValueRef v, LLVMValueRef p)
{
    if (e->zero == IR_ZERO_MISSING) {
        v = LLVMBuildSelect(c->b, p, v, cg_i64(c, 0), "");
        p = cg_true(c);
    } else if (e->zero == IR_ZERO_ABSENT) {
        LLVMValueRef x = exists_of(c, r, e);
        v = LLVMBuildSelect(c->b, x, v, cg_i64(c, 0), "");
        p = LLVMBuildOr(c->b, p, LLVMBuildNot(c->b, x, ""), "");
    }
    return mkv(v, p, cg_false(c));
}

static cg_val read_field(cg *c, cg_row *r, const ir_expr *e)
{
    int f = e->field;
    LLVMValueRef v, p;
    /* this row, the previous period or the children's sums: a value
     * already loaded (or computed) for this row, else a load, else missing */
    LLVMValueRef *cv = e->op == IR_FIELD ? r->cur_v : e->op == IR_PREV ? r->prev_v : r->child_v;
    LLVMValueRef *cp = e->op == IR_FIELD ? r->cur_p : e->op == IR_PREV ? r->prev_p : r->child_p;
    LLVMValueRef *vp = e->op == IR_FIELD ? r->vptr : e->op == IR_PREV ? r->prev_vptr : r->child_vptr;
    LLVMValueRef *pw = e->op == IR_FIELD ? r->pword : e->op == IR_PREV ? r->prev_pword : r->child_pword;
    if (cv && cv[f]) {
        v = cv[f];
        p = cp[f];
    } else if (!vp || !cv) {
        v = cg_i64(c, 0);
        p = cg_false(c);
    } else {
        LLVMValueRef gep = LLVMBuildGEP2(c->b, c->i64, vp[f], &r->row, 1, "");
        cv[f] = LLVMBuildLoad2(c->b, c->i64, gep, "");
        cp[f] = cg_bit(c, pw[f], r->j);
        v = cv[f];
        p = cp[f];
    }
    if (e->is_bool)
        v = zx(c, is_true(c, v));
    return leaf_zero(c, r, e, v, p);
}

/* another form's joined column (batch->other[form][field]) */
static cg_val read_other(cg *c, cg_row *r, const ir_expr *e)
{
    int k = oth_slot(r, e);
    if (k == r->n_oth) {
        cg_fail(c, "internal: a cross-form read outside validate");
        return mkv(cg_i64(c, 0), cg_false(c), cg_false(c));
    }
    if (!r->oth_v[k]) {
        LLVMValueRef at = LLVMBuildMul(c->b, r->row, r->oth_vstride[k], "");
        LLVMValueRef gep = LLVMBuildGEP2(c->b, c->i64, r->oth_vptr[k], &at, 1, "");
        r->oth_v[k] = LLVMBuildLoad2(c->b, c->i64, gep, "");
        r->oth_p[k] = LLVMBuildAnd(c->b, cg_bit(c, r->oth_pword[k], r->j), LLVMBuildNot(c->b, r->oth_vnull[k], ""), "");
    }
    LLVMValueRef v = r->oth_v[k], p = r->oth_p[k];
    if (e->is_bool)
        v = zx(c, is_true(c, v));
    return leaf_zero(c, r, e, v, p);
}

/* finalize: an aggregated field of the group */
static cg_val read_acc(cg *c, cg_row *r, int field)
{
    const ir_field *x = &r->f->fields[field];
    LLVMValueRef g = LLVMBuildGEP2(c->b, c->i64, r->acc, (LLVMValueRef[]){cg_i64(c, x->acc)}, 1, "");
    LLVMValueRef w0 = LLVMBuildLoad2(c->b, c->i64, g, "");
    /* an item with an empty value makes the aggregate empty; min and max
     * of no value are empty */
    LLVMValueRef has = cg_true(c);
    if (x->acc_null >= 0) {
        LLVMValueRef gn = LLVMBuildGEP2(c->b, c->i64, r->acc, (LLVMValueRef[]){cg_i64(c, x->acc_null)}, 1, "");
        has = LLVMBuildICmp(c->b, LLVMIntEQ, LLVMBuildLoad2(c->b, c->i64, gn, ""), cg_i64(c, 0), "");
    }
    if (x->acc_nv >= 0) {
        LLVMValueRef gv = LLVMBuildGEP2(c->b, c->i64, r->acc, (LLVMValueRef[]){cg_i64(c, x->acc_nv)}, 1, "");
        has = LLVMBuildAnd(c->b, has, LLVMBuildICmp(c->b, LLVMIntNE, LLVMBuildLoad2(c->b, c->i64, gv, ""), cg_i64(c, 0), ""), "");
    }
    if (x->acc_kind == IR_ACC_SUM || x->acc_kind == IR_ACC_COUNT)
        return mkv(w0, has, cg_false(c));
    LLVMValueRef g1 = LLVMBuildGEP2(c->b, c->i64, r->acc, (LLVMValueRef[]){cg_i64(c, x->acc + 1)}, 1, "");
    LLVMValueRef w1 = LLVMBuildLoad2(c->b, c->i64, g1, "");
    LLVMValueRef nz = LLVMBuildICmp(c->b, LLVMIntNE, w1, cg_i64(c, 0), "");
    LLVMValueRef d = LLVMBuildSelect(c->b, nz, w1, cg_i64(c, 1), "");
    LLVMValueRef ovf;
    LLVMValueRef q = cg_div_round128(c, LLVMBuildSExt(c->b, w0, c->i128, ""), LLVMBuildSExt(c->b, d, c->i128, ""), &ovf);
    return mkv(q, LLVMBuildAnd(c->b, has, LLVMBuildAnd(c->b, nz, LLVMBuildNot(c->b, ovf, ""), ""), ""), cg_false(c));
}

static LLVMValueRef cmp_pred(cg *c, ir_cmp k, LLVMValueRef a, LLVMValueRef b)
{
    static const LLVMIntPredicate preds[] = {LLVMIntEQ, LLVMIntEQ, LLVMIntNE, LLVMIntSLT,
                                             LLVMIntSLE, LLVMIntSGT, LLVMIntSGE};
    return LLVMBuildICmp(c->b, preds[k], a, b, "");
}

cg_val cg_expr(cg *c, cg_row *r, const ir_expr *e)
{
    LLVMBuilderRef B = c->b;
    LLVMValueRef F = cg_false(c), T = cg_true(c), ovf;
    switch (e->op) {
    case IR_CONST:
        return mkv(cg_i64(c, e->value), T, F);
    case IR_MISSING:
        return mkv(cg_i64(c, 0), F, F);
    case IR_FIELD: case IR_PREV: case IR_CHILD:
        return read_field(c, r, e);
    case IR_OTHER:
        return read_other(c, r, e);
    case IR_ACC:
        return read_acc(c, r, e->field);
    case IR_WELL_FORMED:
        return mkv(zx(c, cg_bit(c, r->wf_word, r->j)), T, F);
    case IR_EXISTS:
        return mkv(zx(c, exists_of(c, r, e->a)), T, F);
    default:
        break;
    }
    cg_val a = cg_expr(c, r, e->a);
    switch (e->op) {
    case IR_NEG: case IR_ABS: {
        LLVMValueRef isMin = LLVMBuildICmp(B, LLVMIntEQ, a.v, cg_i64(c, INT64_MIN), "");
        LLVMValueRef v = e->op == IR_NEG ? LLVMBuildNeg(B, a.v, "") : abs_of(c, a.v);
        return mkv(v, a.p, LLVMBuildOr(B, a.o, LLVMBuildAnd(B, a.p, isMin, ""), ""));
    }
    case IR_RESCALE: {
        int k = e->scale - e->a->scale;
        if (k >= 0) {
            LLVMValueRef v = k ? scale_up(c, a.v, k, &ovf) : a.v;
            if (!k)
                return a;
            return mkv(v, a.p, LLVMBuildOr(B, a.o, LLVMBuildAnd(B, a.p, ovf, ""), ""));
        }
        return mkv(scale_down(c, a.v, -k), a.p, a.o);
    }
    case IR_NOT:
        return mkv(zx(c, LLVMBuildNot(B, is_true(c, a.v), "")), a.p, a.o);
    case IR_PRESENT:
        return mkv(zx(c, a.p), T, a.o);
    case IR_PSTART: {
        /* the first period of its window: a mod value = 0 (value > 0, from
         * lower.c; a missing period's garbage is never looked at) */
        if (e->value <= 0)
            return mkv(cg_i64(c, 0), a.p, a.o);
        LLVMValueRef m = LLVMBuildSRem(B, a.v, cg_i64(c, e->value), "");
        return mkv(zx(c, LLVMBuildICmp(B, LLVMIntEQ, m, cg_i64(c, 0), "")), a.p, a.o);
    }
    case IR_IN: {
        LLVMValueRef in = e->set ? F : LLVMBuildICmp(B, LLVMIntSGE, a.v, cg_i64(c, 0), "");
        for (int i = 0; i < e->n_set; i++)
            in = LLVMBuildOr(B, in, LLVMBuildICmp(B, LLVMIntEQ, a.v, cg_i64(c, e->set[i]), ""), "");
        return mkv(zx(c, in), a.p, a.o);
    }
    case IR_IF: {
        cg_val x = cg_expr(c, r, e->b), y = cg_expr(c, r, e->c);
        LLVMValueRef k = is_true(c, a.v);
        LLVMValueRef v = LLVMBuildSelect(B, k, x.v, y.v, "");
        LLVMValueRef p = LLVMBuildAnd(B, a.p, LLVMBuildSelect(B, k, x.p, y.p, ""), "");
        LLVMValueRef o = LLVMBuildOr(B, a.o, LLVMBuildAnd(B, a.p, LLVMBuildSelect(B, k, x.o, y.o, ""), ""), "");
        return mkv(v, p, o);
    }
    case IR_COALESCE: {
        cg_val y = cg_expr(c, r, e->b);
        LLVMValueRef v = LLVMBuildSelect(B, a.p, a.v, y.v, "");
        LLVMValueRef p = LLVMBuildOr(B, a.p, y.p, "");
        LLVMValueRef o = LLVMBuildOr(B, a.o, LLVMBuildAnd(B, LLVMBuildNot(B, a.p, ""), y.o, ""), "");
        return mkv(v, p, o);
    }
    default:
        break;
    }
    cg_val b = cg_expr(c, r, e->b);
    LLVMValueRef p = LLVMBuildAnd(B, a.p, b.p, ""), o = LLVMBuildOr(B, a.o, b.o, ""), v;
    switch (e->op) {
    case IR_ADD: case IR_SUB: case IR_MUL:
        v = e->op == IR_ADD ? cg_add_ovf(c, a.v, b.v, &ovf)
          : e->op == IR_SUB ? cg_sub_ovf(c, a.v, b.v, &ovf) : cg_mul_ovf(c, a.v, b.v, &ovf);
        return mkv(v, p, LLVMBuildOr(B, o, LLVMBuildAnd(B, p, ovf, ""), ""));
    case IR_MIN: case IR_MAX:
        v = LLVMBuildSelect(B, LLVMBuildICmp(B, e->op == IR_MIN ? LLVMIntSLT : LLVMIntSGT, a.v, b.v, ""), a.v, b.v, "");
        return mkv(v, p, o);
    case IR_AND: case IR_OR: {
        LLVMValueRef x = is_true(c, a.v), y = is_true(c, b.v);
        return mkv(zx(c, e->op == IR_AND ? LLVMBuildAnd(B, x, y, "") : LLVMBuildOr(B, x, y, "")), p, o);
    }
    case IR_DIV: {
        /* a/10^sa / (b/10^sb) at scale s = a*10^(s+sb-sa) / b, in i128 */
        p = LLVMBuildAnd(B, p, is_true(c, b.v), "");
        int k2 = e->scale + e->b->scale - e->a->scale;
        LLVMValueRef n = LLVMBuildSExt(B, a.v, c->i128, ""), d = LLVMBuildSExt(B, b.v, c->i128, "");
        LLVMValueRef big = F;
        int k = k2 >= 0 ? k2 : -k2;
        if (k) {
            const __int128 lim = (__int128)((((unsigned __int128)1 << 127) - 1) / 10);
            __int128 pk = 1;
            int fits = 1;
            for (int i = 0; i < k; i++) {
                if (pk > lim) {
                    fits = 0;
                    break;
                }
                pk *= 10;
            }
            LLVMValueRef x = k2 >= 0 ? a.v : b.v;
            if (!fits) {
                big = LLVMBuildICmp(B, LLVMIntNE, x, cg_i64(c, 0), "");
                pk = 1;
            } else {
                __int128 max = (((unsigned __int128)1 << 127) - 1) / pk;
                LLVMValueRef xs = LLVMBuildSExt(B, x, c->i128, "");
                big = LLVMBuildOr(B, LLVMBuildICmp(B, LLVMIntSGT, xs, i128c(c, max), ""),
                                  LLVMBuildICmp(B, LLVMIntSLT, xs, i128c(c, -max), ""), "");
            }
            LLVMValueRef m = LLVMBuildMul(B, k2 >= 0 ? n : d, i128c(c, pk), "");
            if (k2 >= 0)
                n = m;
            else
                d = m;
        }
        /* never divide by zero, even for rows whose result is dropped */
        LLVMValueRef dz = LLVMBuildICmp(B, LLVMIntEQ, d, i128c(c, 0), "");
        d = LLVMBuildSelect(B, LLVMBuildOr(B, dz, big, ""), i128c(c, 1), d, "");
        LLVMValueRef fit;
        v = cg_div_round128(c, n, d, &fit);
        LLVMValueRef bad = LLVMBuildOr(B, big, fit, "");
        v = LLVMBuildSelect(B, p, v, cg_i64(c, 0), "");
        return mkv(v, p, LLVMBuildOr(B, o, LLVMBuildAnd(B, p, bad, ""), ""));
    }
    case IR_CMP: {
        LLVMValueRef res;
        if (e->c) {
            cg_val t = cg_expr(c, r, e->c);
            p = LLVMBuildAnd(B, p, t.p, "");
            o = LLVMBuildOr(B, o, t.o, "");
            LLVMValueRef d = LLVMBuildSub(B, LLVMBuildSExt(B, a.v, c->i128, ""), LLVMBuildSExt(B, b.v, c->i128, ""), "");
            LLVMValueRef tt = LLVMBuildSExt(B, t.v, c->i128, ""), nt = LLVMBuildNeg(B, tt, "");
            LLVMValueRef le = LLVMBuildICmp(B, LLVMIntSLE, d, tt, ""), ge = LLVMBuildICmp(B, LLVMIntSGE, d, nt, "");
            switch (e->cmp) {
            case IR_EQ: res = LLVMBuildAnd(B, le, ge, ""); break;
            case IR_NE: res = LLVMBuildNot(B, LLVMBuildAnd(B, le, ge, ""), ""); break;
            case IR_LT: res = LLVMBuildICmp(B, LLVMIntSLT, d, tt, ""); break;
            case IR_LE: res = le; break;
            case IR_GT: res = LLVMBuildICmp(B, LLVMIntSGT, d, nt, ""); break;
            default: res = ge; break;
            }
        } else {
            res = cmp_pred(c, e->cmp, a.v, b.v);
        }
        return mkv(zx(c, res), p, o);
    }
    default:
        cg_fail(c, "unknown IR operator");
        return mkv(cg_i64(c, 0), F, F);
    }
}
