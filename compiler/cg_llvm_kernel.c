/*
 * cg_llvm_kernel.c — the four kernels of a form (contracts in regime.h).
 *
 * validate walks the batch one bitmap word (64 rows) at a time. Per word it
 * loads each column's presence word once; the inner loop evaluates every
 * computed field and rule of one row in a single basic block and ORs each
 * outcome bit into a word, so the loop body is a set of independent `or`
 * reductions that the loop vectoriser widens. Per-word stores write every
 * fail and overflow word, which is also how they are "cleared first".
 *
 * A NULL bitmap (a host that has no presence or well_formed words) is
 * replaced by a constant word read with stride 0, which keeps the loop
 * free of branches; a NULL prev selects a second copy of the loop in which
 * previous/children values are simply missing.
 *
 * accumulate scatters rows into groups, so it stays a scalar loop; combine
 * and finalize are straight-line code over one group.
 */
#include <stdlib.h>
#include <string.h>

#include "cg_llvm_int.h"

static LLVMValueRef gep1(cg *c, LLVMTypeRef t, LLVMValueRef p, LLVMValueRef i)
{
    return LLVMBuildGEP2(c->b, t, p, &i, 1, "");
}

static LLVMValueRef load(cg *c, LLVMTypeRef t, LLVMValueRef p) { return LLVMBuildLoad2(c->b, t, p, ""); }

static LLVMValueRef load_member(cg *c, LLVMTypeRef st, LLVMValueRef p, unsigned k, LLVMTypeRef t)
{
    return load(c, t, LLVMBuildStructGEP2(c->b, st, p, k, ""));
}

/* &cols[f] */
static LLVMValueRef col_at(cg *c, LLVMValueRef cols, int f) { return gep1(c, c->t_column, cols, cg_i64(c, f)); }

/* A bitmap pointer that may be NULL: (pointer or `dflt`, stride 1 or 0). */
static void nullable_words(cg *c, LLVMValueRef p, LLVMValueRef dflt, LLVMValueRef *out, LLVMValueRef *stride)
{
    LLVMValueRef isnull = LLVMBuildIsNull(c->b, p, "");
    *out = LLVMBuildSelect(c->b, isnull, dflt, p, "");
    *stride = LLVMBuildSelect(c->b, isnull, cg_i64(c, 0), cg_i64(c, 1), "");
}

static LLVMValueRef word_at(cg *c, LLVMValueRef base, LLVMValueRef stride, LLVMValueRef w)
{
    return gep1(c, c->i64, base, LLVMBuildMul(c->b, w, stride, ""));
}

static void mark_used(const ir_expr *e, char *cur, char *prev, char *child)
{
    if (!e)
        return;
    if (e->op == IR_FIELD && e->field >= 0)
        cur[e->field] = 1;
    if (e->op == IR_PREV && e->field >= 0)
        prev[e->field] = 1;
    if (e->op == IR_CHILD && e->field >= 0)
        child[e->field] = 1;
    mark_used(e->a, cur, prev, child);
    mark_used(e->b, cur, prev, child);
    mark_used(e->c, cur, prev, child);
}

static LLVMValueRef new_fn(cg *c, const char *form, const char *what, LLVMTypeRef ty)
{
    char name[256];
    snprintf(name, sizeof name, "%s.%s", form, what);
    LLVMValueRef fn = LLVMAddFunction(c->mod, name, ty);
    LLVMSetLinkage(fn, LLVMInternalLinkage);
    unsigned k = LLVMGetEnumAttributeKindForName("nounwind", 8);
    LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(c->ctx, k, 0));
    return fn;
}

/* ---- validate ---- */

typedef struct vstate {
    const ir_form *f;
    LLVMValueRef fn;
    int r0, r1, first;                          /* rules [r0, r1); the first part? */
    char *used_cur, *used_prev, *used_child, *is_computed;
    char *need;                                 /* per computed field: evaluated here */
    LLVMValueRef n64, nw, cols, prev, children;
    LLVMValueRef *vptr, *pptr, *pstride;       /* cur columns */
    LLVMValueRef wfptr, wfstride, ovptr, ovstride;
    LLVMValueRef *failp;                        /* per rule */
    LLVMValueRef *cpptr, *cpstride;             /* computed presence words */
    LLVMBasicBlockRef exit_bb;
    LLVMValueRef exit_phi;
    /* IR_OTHER reads: (form, field) slots, loaded once in the entry */
    int n_oth;
    int *oth_form, *oth_field;
    LLVMValueRef *oth_vptr, *oth_vstride, *oth_vnull, *oth_pptr, *oth_pstride;
    /* IR_EXISTS and absent-reads-0 leaves: which row bitmaps are read,
     * and their words' pointers and strides (NULL bitmap: all ones) */
    int x_prev, x_child, x_oth;
    LLVMValueRef xprev_ptr, xprev_stride, xchild_ptr, xchild_stride;
    LLVMValueRef *oth_xptr, *oth_xstride, *oth_xnone;
} vstate;

/* Which sources' row bitmaps an expression reads (IR_EXISTS, or a leaf
 * whose absent row reads 0). */
static void mark_exists(const ir_expr *e, int *prev, int *child, int *oth)
{
    if (!e)
        return;
    const ir_expr *l = e->op == IR_EXISTS ? e->a : e->zero == IR_ZERO_ABSENT ? e : NULL;
    if (l) {
        *prev |= l->op == IR_PREV;
        *child |= l->op == IR_CHILD;
        *oth |= l->op == IR_OTHER;
    }
    if (e->op == IR_EXISTS)
        return;
    mark_exists(e->a, prev, child, oth);
    mark_exists(e->b, prev, child, oth);
    mark_exists(e->c, prev, child, oth);
}

/* pointer and stride of a row bitmap that may be NULL (then all ones) */
static void rows_words(cg *c, LLVMValueRef p, LLVMValueRef *out, LLVMValueRef *stride)
{
    nullable_words(c, p, c->g_ones_word, out, stride);
}

static void mark_other(const ir_expr *e, vstate *st)
{
    if (!e)
        return;
    if (e->op == IR_OTHER) {
        int k = 0;
        while (k < st->n_oth && (st->oth_form[k] != e->form || st->oth_field[k] != e->field))
            k++;
        if (k == st->n_oth) {
            st->oth_form = realloc(st->oth_form, sizeof(int) * (size_t)(k + 1));
            st->oth_field = realloc(st->oth_field, sizeof(int) * (size_t)(k + 1));
            st->oth_form[k] = e->form;
            st->oth_field[k] = e->field;
            st->n_oth++;
        }
    }
    mark_other(e->a, st);
    mark_other(e->b, st);
    mark_other(e->c, st);
}

/* The value and presence pointers of the used columns of `cols` (prev or
 * children, known not NULL). */
static void load_cols(cg *c, vstate *st, LLVMValueRef cols, const char *used, int nf, LLVMValueRef **vptr,
                      LLVMValueRef **pptr, LLVMValueRef **pstride)
{
    (void)st;
    *vptr = calloc((size_t)nf + 1, sizeof **vptr);
    *pptr = calloc((size_t)nf + 1, sizeof **pptr);
    *pstride = calloc((size_t)nf + 1, sizeof **pstride);
    for (int i = 0; i < nf; i++) {
        if (!used[i])
            continue;
        LLVMValueRef col = col_at(c, cols, i);
        (*vptr)[i] = load_member(c, c->t_column, col, 0, c->ptr);
        nullable_words(c, load_member(c, c->t_column, col, 3, c->ptr), c->g_zero_word, &(*pptr)[i], &(*pstride)[i]);
    }
}

/* The word loop, from the current block to st->exit_bb; has_prev and
 * has_child: that copy of the loop reads batch->prev / batch->children
 * (not NULL there). */
static void emit_word_loop(cg *c, vstate *st, int has_prev, int has_child)
{
    const ir_form *f = st->f;
    int nf = f->n_fields, nr = f->n_rules, nc = f->n_computed;
    LLVMBuilderRef B = c->b;
    LLVMValueRef *prev_vptr = NULL, *prev_pptr = NULL, *prev_pstride = NULL;
    LLVMValueRef *child_vptr = NULL, *child_pptr = NULL, *child_pstride = NULL;
    if (has_prev)
        load_cols(c, st, st->prev, st->used_prev, nf + f->n_lags, &prev_vptr, &prev_pptr, &prev_pstride);
    if (has_child)
        load_cols(c, st, st->children, st->used_child, nf, &child_vptr, &child_pptr, &child_pstride);
    LLVMBasicBlockRef pre = LLVMGetInsertBlock(B);
    LLVMBasicBlockRef wl_head = LLVMAppendBasicBlockInContext(c->ctx, st->fn, has_prev || has_child ? "word.p" : "word");
    LLVMBasicBlockRef wl_body = LLVMAppendBasicBlockInContext(c->ctx, st->fn, "block");
    LLVMBasicBlockRef il_body = LLVMAppendBasicBlockInContext(c->ctx, st->fn, "row");
    LLVMBasicBlockRef il_exit = LLVMAppendBasicBlockInContext(c->ctx, st->fn, "store");
    LLVMBuildBr(B, wl_head);

    LLVMPositionBuilderAtEnd(B, wl_head);
    LLVMValueRef w = LLVMBuildPhi(B, c->i64, "w"), any = LLVMBuildPhi(B, c->i64, "any");
    LLVMValueRef zero = cg_i64(c, 0);
    LLVMAddIncoming(w, &zero, &pre, 1);
    LLVMAddIncoming(any, &zero, &pre, 1);
    LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntULT, w, st->nw, ""), wl_body, st->exit_bb);
    LLVMAddIncoming(st->exit_phi, &any, &wl_head, 1);

    LLVMPositionBuilderAtEnd(B, wl_body);
    LLVMValueRef base = LLVMBuildShl(B, w, cg_i64(c, 6), "base");
    LLVMValueRef rem = LLVMBuildSub(B, st->n64, base, "");
    LLVMValueRef cnt = LLVMBuildSelect(B, LLVMBuildICmp(B, LLVMIntULT, rem, cg_i64(c, 64), ""), rem, cg_i64(c, 64), "cnt");
    /* prev has the form's lags after its fields (previous(x, k)) */
    int np = nf + f->n_lags;
    LLVMValueRef *pword = calloc((size_t)nf + 1, sizeof *pword), *prev_pword = calloc((size_t)np + 1, sizeof *prev_pword);
    LLVMValueRef *child_pword = calloc((size_t)nf + 1, sizeof *child_pword);
    for (int i = 0; i < nf; i++) {
        if (st->used_cur[i] && !st->is_computed[i])
            pword[i] = load(c, c->i64, word_at(c, st->pptr[i], st->pstride[i], w));
        if (has_child && st->used_child[i])
            child_pword[i] = load(c, c->i64, word_at(c, child_pptr[i], child_pstride[i], w));
    }
    for (int i = 0; i < np; i++)
        if (has_prev && st->used_prev[i])
            prev_pword[i] = load(c, c->i64, word_at(c, prev_pptr[i], prev_pstride[i], w));
    LLVMValueRef wfw = load(c, c->i64, word_at(c, st->wfptr, st->wfstride, w));
    LLVMValueRef *oth_pword = calloc((size_t)st->n_oth + 1, sizeof *oth_pword);
    for (int k = 0; k < st->n_oth; k++)
        oth_pword[k] = load(c, c->i64, word_at(c, st->oth_pptr[k], st->oth_pstride[k], w));
    LLVMValueRef x_prev_word = has_prev && st->x_prev ? load(c, c->i64, word_at(c, st->xprev_ptr, st->xprev_stride, w)) : NULL;
    LLVMValueRef x_child_word = has_child && st->x_child ? load(c, c->i64, word_at(c, st->xchild_ptr, st->xchild_stride, w)) : NULL;
    LLVMValueRef *oth_xword = calloc((size_t)st->n_oth + 1, sizeof *oth_xword);
    for (int k = 0; k < st->n_oth && st->x_oth; k++)
        oth_xword[k] = load(c, c->i64, word_at(c, st->oth_xptr[k], st->oth_xstride[k], w));
    LLVMBuildBr(B, il_body);

    /* one row */
    LLVMPositionBuilderAtEnd(B, il_body);
    LLVMValueRef j = LLVMBuildPhi(B, c->i64, "j");
    LLVMValueRef *acc = calloc((size_t)nr + 1, sizeof *acc), *cacc = calloc((size_t)nc + 1, sizeof *cacc);
    LLVMValueRef *nacc = calloc((size_t)nr + 1, sizeof *nacc), *ncacc = calloc((size_t)nc + 1, sizeof *ncacc);
    for (int r = st->r0; r < st->r1; r++)
        acc[r] = LLVMBuildPhi(B, c->i64, "");
    for (int k = 0; k < nc && st->first; k++)
        cacc[k] = LLVMBuildPhi(B, c->i64, "");
    LLVMValueRef oacc = LLVMBuildPhi(B, c->i64, "");
    LLVMValueRef row = LLVMBuildAdd(B, base, j, "i");

    cg_row rw = {.f = f, .row = row, .j = j, .wf_word = wfw, .vptr = st->vptr, .pword = pword,
                 .prev_vptr = has_prev ? prev_vptr : NULL, .prev_pword = prev_pword,
                 .child_vptr = has_child ? child_vptr : NULL, .child_pword = child_pword};
    rw.cur_v = calloc((size_t)nf + 1, sizeof(LLVMValueRef));
    rw.cur_p = calloc((size_t)nf + 1, sizeof(LLVMValueRef));
    rw.prev_v = calloc((size_t)np + 1, sizeof(LLVMValueRef));
    rw.prev_p = calloc((size_t)np + 1, sizeof(LLVMValueRef));
    rw.child_v = calloc((size_t)nf + 1, sizeof(LLVMValueRef));
    rw.child_p = calloc((size_t)nf + 1, sizeof(LLVMValueRef));
    rw.n_oth = st->n_oth;
    rw.oth_form = st->oth_form;
    rw.oth_field = st->oth_field;
    rw.oth_vptr = st->oth_vptr;
    rw.oth_vstride = st->oth_vstride;
    rw.oth_vnull = st->oth_vnull;
    rw.oth_pword = oth_pword;
    rw.x_prev_word = x_prev_word;
    rw.x_child_word = x_child_word;
    rw.oth_xword = oth_xword;
    rw.oth_xnone = st->oth_xnone;
    rw.oth_v = calloc((size_t)st->n_oth + 1, sizeof(LLVMValueRef));
    rw.oth_p = calloc((size_t)st->n_oth + 1, sizeof(LLVMValueRef));
    LLVMValueRef rowo = cg_false(c);
    for (int k = 0; k < nc; k++) {
        if (!st->need[k])
            continue;
        int fi = f->computed[k];
        cg_val v = cg_expr(c, &rw, f->fields[fi].expr);
        LLVMValueRef p = LLVMBuildAnd(B, v.p, LLVMBuildNot(B, v.o, ""), "");
        LLVMValueRef val = LLVMBuildSelect(B, p, v.v, cg_i64(c, 0), "");
        if (st->first)
            LLVMBuildStore(B, val, gep1(c, c->i64, st->vptr[fi], row));
        rw.cur_v[fi] = val;
        rw.cur_p[fi] = p;
        rowo = LLVMBuildOr(B, rowo, v.o, "");
        if (st->first)
            ncacc[k] = LLVMBuildOr(B, cacc[k], LLVMBuildShl(B, LLVMBuildZExt(B, p, c->i64, ""), j, ""), "");
    }
    for (int r = st->r0; r < st->r1; r++) {
        const ir_rule *ru = &f->rules[r];
        LLVMValueRef ev = cg_true(c), o = cg_false(c);
        if (ru->when) {
            cg_val g = cg_expr(c, &rw, ru->when);
            o = g.o;
            LLVMValueRef gt = LLVMBuildICmp(B, LLVMIntNE, g.v, cg_i64(c, 0), "");
            ev = LLVMBuildAnd(B, LLVMBuildAnd(B, g.p, gt, ""), LLVMBuildNot(B, g.o, ""), "");
        }
        cg_val k = cg_expr(c, &rw, ru->check);
        LLVMValueRef holds = LLVMBuildICmp(B, LLVMIntNE, k.v, cg_i64(c, 0), "");
        LLVMValueRef bad = ru->missing == IR_MISS_FAIL
                               ? LLVMBuildOr(B, LLVMBuildNot(B, k.p, ""), LLVMBuildNot(B, holds, ""), "")
                               : LLVMBuildAnd(B, k.p, LLVMBuildNot(B, holds, ""), "");
        bad = LLVMBuildAnd(B, LLVMBuildAnd(B, ev, LLVMBuildNot(B, k.o, ""), ""), bad, "");
        o = LLVMBuildOr(B, o, LLVMBuildAnd(B, ev, k.o, ""), "");
        rowo = LLVMBuildOr(B, rowo, o, "");
        nacc[r] = LLVMBuildOr(B, acc[r], LLVMBuildShl(B, LLVMBuildZExt(B, bad, c->i64, ""), j, ""), "");
    }
    LLVMValueRef noacc = LLVMBuildOr(B, oacc, LLVMBuildShl(B, LLVMBuildZExt(B, rowo, c->i64, ""), j, ""), "");
    LLVMValueRef j1 = LLVMBuildAdd(B, j, cg_i64(c, 1), "");
    LLVMBasicBlockRef row_end = LLVMGetInsertBlock(B);
    LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntULT, j1, cnt, ""), il_body, il_exit);
    LLVMAddIncoming(j, (LLVMValueRef[]){zero, j1}, (LLVMBasicBlockRef[]){wl_body, row_end}, 2);
    for (int r = st->r0; r < st->r1; r++)
        LLVMAddIncoming(acc[r], (LLVMValueRef[]){zero, nacc[r]}, (LLVMBasicBlockRef[]){wl_body, row_end}, 2);
    for (int k = 0; k < nc && st->first; k++)
        LLVMAddIncoming(cacc[k], (LLVMValueRef[]){zero, ncacc[k]}, (LLVMBasicBlockRef[]){wl_body, row_end}, 2);
    LLVMAddIncoming(oacc, (LLVMValueRef[]){zero, noacc}, (LLVMBasicBlockRef[]){wl_body, row_end}, 2);

    LLVMPositionBuilderAtEnd(B, il_exit);
    for (int r = st->r0; r < st->r1; r++)
        LLVMBuildStore(B, nacc[r], gep1(c, c->i64, st->failp[r], w));
    for (int k = 0; k < nc && st->first; k++)
        LLVMBuildStore(B, ncacc[k], word_at(c, st->cpptr[k], st->cpstride[k], w));
    LLVMValueRef ovw = word_at(c, st->ovptr, st->ovstride, w);
    LLVMBuildStore(B, st->first ? noacc : LLVMBuildOr(B, load(c, c->i64, ovw), noacc, ""), ovw);
    LLVMValueRef any1 = LLVMBuildOr(B, any, noacc, "");
    LLVMValueRef w1 = LLVMBuildAdd(B, w, cg_i64(c, 1), "");
    LLVMBuildBr(B, wl_head);
    LLVMAddIncoming(w, &w1, &il_exit, 1);
    LLVMAddIncoming(any, &any1, &il_exit, 1);

    free(rw.cur_v);
    free(rw.cur_p);
    free(rw.prev_v);
    free(rw.prev_p);
    free(rw.child_v);
    free(rw.child_p);
    free(child_pword);
    free(child_vptr);
    free(child_pptr);
    free(child_pstride);
    free(rw.oth_v);
    free(rw.oth_p);
    free(oth_pword);
    free(oth_xword);
    free(acc);
    free(cacc);
    free(nacc);
    free(ncacc);
    free(pword);
    free(prev_pword);
    free(prev_vptr);
    free(prev_pptr);
    free(prev_pstride);
}

/* One validate function over rules [r0, r1). The first part (`first`)
 * computes every computed field and stores it into its column, stores the
 * overflow words and is the whole kernel when the form is not split; a
 * later part recomputes, without storing, only the computed fields its own
 * rules read, and ORs its overflow bits into the words the first wrote. */
static LLVMValueRef emit_validate_part(cg *c, const ir_form *f, const char *name, int r0, int r1, int first)
{
    LLVMBuilderRef B = c->b;
    int nf = f->n_fields, nr = f->n_rules, nc = f->n_computed;
    vstate st = {.f = f, .r0 = r0, .r1 = r1, .first = first};
    st.fn = new_fn(c, f->code, name, c->fn_validate);
    LLVMValueRef batch = LLVMGetParam(st.fn, 0), fail = LLVMGetParam(st.fn, 1), ovf = LLVMGetParam(st.fn, 2);
    LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(c->ctx, st.fn, "entry");
    LLVMPositionBuilderAtEnd(B, entry);
    st.used_cur = calloc((size_t)nf + 1, 1);
    st.used_prev = calloc((size_t)(nf + f->n_lags) + 1, 1);
    st.used_child = calloc((size_t)nf + 1, 1);
    st.is_computed = calloc((size_t)nf + 1, 1);
    st.need = calloc((size_t)nc + 1, 1);
    for (int r = r0; r < r1; r++) {
        mark_used(f->rules[r].when, st.used_cur, st.used_prev, st.used_child);
        mark_used(f->rules[r].check, st.used_cur, st.used_prev, st.used_child);
    }
    /* computed fields are in dependency order: walking them backwards
     * marks every one a needed one reads */
    for (int k = nc - 1; k >= 0; k--) {
        int fi = f->computed[k];
        st.is_computed[fi] = 1;
        if (!first && !st.used_cur[fi])
            continue;
        st.need[k] = 1;
        st.used_cur[fi] = 1;
        mark_used(f->fields[fi].expr, st.used_cur, st.used_prev, st.used_child);
    }
    int uses_prev = 0, uses_child = 0;
    for (int i = 0; i < nf; i++) {
        uses_prev |= st.used_prev[i];
        uses_child |= st.used_child[i];
    }
    for (int i = nf; i < nf + f->n_lags; i++)
        uses_prev |= st.used_prev[i];
    for (int k = 0; k < nc; k++)
        if (st.need[k])
            mark_other(f->fields[f->computed[k]].expr, &st);
    for (int r = r0; r < r1; r++) {
        mark_other(f->rules[r].when, &st);
        mark_other(f->rules[r].check, &st);
        mark_exists(f->rules[r].when, &st.x_prev, &st.x_child, &st.x_oth);
        mark_exists(f->rules[r].check, &st.x_prev, &st.x_child, &st.x_oth);
    }
    for (int k = 0; k < nc; k++)
        mark_exists(f->fields[f->computed[k]].expr, &st.x_prev, &st.x_child, &st.x_oth);
    st.x_prev &= uses_prev;
    st.x_child &= uses_child;

    /* Everything the loop needs is loaded once, here: the batch does not
     * change during the call, and hoisting by hand spares the optimiser
     * from proving that the stores into fail words do not alias it. */
    st.n64 = LLVMBuildZExt(B, load_member(c, c->t_batch, batch, 0, c->i32), c->i64, "n");
    st.cols = load_member(c, c->t_batch, batch, 1, c->ptr);
    st.prev = load_member(c, c->t_batch, batch, 2, c->ptr);
    st.children = uses_child ? load_member(c, c->t_batch, batch, 5, c->ptr) : NULL;
    LLVMValueRef wf = load_member(c, c->t_batch, batch, 3, c->ptr);
    st.nw = LLVMBuildLShr(B, LLVMBuildAdd(B, st.n64, cg_i64(c, 63), ""), cg_i64(c, 6), "nw");
    nullable_words(c, wf, c->g_ones_word, &st.wfptr, &st.wfstride);
    LLVMValueRef dummy = LLVMBuildAlloca(B, c->i64, "sink");
    if (!first)
        LLVMBuildStore(B, cg_i64(c, 0), dummy);
    nullable_words(c, ovf, dummy, &st.ovptr, &st.ovstride);
    st.vptr = calloc((size_t)nf + 1, sizeof(LLVMValueRef));
    st.pptr = calloc((size_t)nf + 1, sizeof(LLVMValueRef));
    st.pstride = calloc((size_t)nf + 1, sizeof(LLVMValueRef));
    for (int i = 0; i < nf; i++) {
        if (!st.used_cur[i])
            continue;
        LLVMValueRef col = col_at(c, st.cols, i);
        st.vptr[i] = load_member(c, c->t_column, col, 0, c->ptr);
        nullable_words(c, load_member(c, c->t_column, col, 3, c->ptr), st.is_computed[i] ? dummy : c->g_zero_word,
                       &st.pptr[i], &st.pstride[i]);
    }
    st.cpptr = calloc((size_t)nc + 1, sizeof(LLVMValueRef));
    st.cpstride = calloc((size_t)nc + 1, sizeof(LLVMValueRef));
    for (int k = 0; k < nc; k++) {
        st.cpptr[k] = st.pptr[f->computed[k]];
        st.cpstride[k] = st.pstride[f->computed[k]];
    }
    /* other[form] (NULL other or NULL other[form]: a zeroed column, never
     * present; a NULL v reads a constant word and is never present) */
    st.oth_vptr = calloc((size_t)st.n_oth + 1, sizeof(LLVMValueRef));
    st.oth_vstride = calloc((size_t)st.n_oth + 1, sizeof(LLVMValueRef));
    st.oth_vnull = calloc((size_t)st.n_oth + 1, sizeof(LLVMValueRef));
    st.oth_pptr = calloc((size_t)st.n_oth + 1, sizeof(LLVMValueRef));
    st.oth_pstride = calloc((size_t)st.n_oth + 1, sizeof(LLVMValueRef));
    if (st.n_oth) {
        LLVMValueRef other = load_member(c, c->t_batch, batch, 4, c->ptr);
        LLVMValueRef null_slot = LLVMBuildAlloca(B, c->ptr, "nullslot");
        LLVMBuildStore(B, LLVMConstNull(c->ptr), null_slot);
        LLVMValueRef zcol = LLVMBuildAlloca(B, c->t_column, "nullcol");
        LLVMBuildStore(B, LLVMConstNull(c->t_column), zcol);
        LLVMValueRef no_other = LLVMBuildIsNull(B, other, "");
        for (int k = 0; k < st.n_oth; k++) {
            LLVMValueRef slot = LLVMBuildSelect(B, no_other, null_slot, gep1(c, c->ptr, other, cg_i64(c, st.oth_form[k])), "");
            LLVMValueRef ocols = load(c, c->ptr, slot);
            LLVMValueRef col = LLVMBuildSelect(B, LLVMBuildIsNull(B, ocols, ""), zcol,
                                               col_at(c, ocols, st.oth_field[k]), "");
            LLVMValueRef v = load_member(c, c->t_column, col, 0, c->ptr);
            st.oth_vnull[k] = LLVMBuildIsNull(B, v, "");
            nullable_words(c, v, c->g_zero_word, &st.oth_vptr[k], &st.oth_vstride[k]);
            nullable_words(c, load_member(c, c->t_column, col, 3, c->ptr), c->g_zero_word, &st.oth_pptr[k],
                           &st.oth_pstride[k]);
        }
    }
    if (st.x_prev)
        rows_words(c, load_member(c, c->t_batch, batch, 6, c->ptr), &st.xprev_ptr, &st.xprev_stride);
    if (st.x_child)
        rows_words(c, load_member(c, c->t_batch, batch, 7, c->ptr), &st.xchild_ptr, &st.xchild_stride);
    st.oth_xptr = calloc((size_t)st.n_oth + 1, sizeof(LLVMValueRef));
    st.oth_xstride = calloc((size_t)st.n_oth + 1, sizeof(LLVMValueRef));
    st.oth_xnone = calloc((size_t)st.n_oth + 1, sizeof(LLVMValueRef));
    if (st.x_oth && st.n_oth) {
        /* other NULL or other[form] NULL: no row; other_rows NULL or its
         * entry NULL: every row of a joined form */
        LLVMValueRef other = load_member(c, c->t_batch, batch, 4, c->ptr);
        LLVMValueRef xrows = load_member(c, c->t_batch, batch, 8, c->ptr);
        LLVMValueRef null_slot = LLVMBuildAlloca(B, c->ptr, "nullslot2");
        LLVMBuildStore(B, LLVMConstNull(c->ptr), null_slot);
        LLVMValueRef no_other = LLVMBuildIsNull(B, other, ""), no_rows = LLVMBuildIsNull(B, xrows, "");
        for (int k = 0; k < st.n_oth; k++) {
            LLVMValueRef slot = LLVMBuildSelect(B, no_other, null_slot, gep1(c, c->ptr, other, cg_i64(c, st.oth_form[k])), "");
            st.oth_xnone[k] = LLVMBuildIsNull(B, load(c, c->ptr, slot), "");
            LLVMValueRef xs = LLVMBuildSelect(B, no_rows, null_slot, gep1(c, c->ptr, xrows, cg_i64(c, st.oth_form[k])), "");
            rows_words(c, load(c, c->ptr, xs), &st.oth_xptr[k], &st.oth_xstride[k]);
        }
    }
    st.failp = calloc((size_t)nr + 1, sizeof(LLVMValueRef));
    for (int r = r0; r < r1; r++)
        st.failp[r] = load(c, c->ptr, gep1(c, c->ptr, fail, cg_i64(c, r)));

    LLVMBasicBlockRef exit_bb = LLVMAppendBasicBlockInContext(c->ctx, st.fn, "done");
    st.exit_bb = exit_bb;
    LLVMPositionBuilderAtEnd(B, exit_bb);
    st.exit_phi = LLVMBuildPhi(B, c->i64, "anyovf");
    LLVMValueRef ret = LLVMBuildSelect(B, LLVMBuildICmp(B, LLVMIntNE, st.exit_phi, cg_i64(c, 0), ""), cg_i32(c, -1),
                                       cg_i32(c, 0), "");
    LLVMBuildRet(B, ret);
    LLVMPositionBuilderAtEnd(B, entry);
    /* one copy of the loop per joined/not joined prev and children */
    if (uses_prev) {
        LLVMBasicBlockRef with = LLVMAppendBasicBlockInContext(c->ctx, st.fn, "with_prev");
        LLVMBasicBlockRef without = LLVMAppendBasicBlockInContext(c->ctx, st.fn, "without_prev");
        LLVMBuildCondBr(B, LLVMBuildIsNull(B, st.prev, ""), without, with);
        for (int hp = 1; hp >= 0; hp--) {
            LLVMPositionBuilderAtEnd(B, hp ? with : without);
            if (uses_child) {
                LLVMBasicBlockRef wc = LLVMAppendBasicBlockInContext(c->ctx, st.fn, "with_children");
                LLVMBasicBlockRef nc2 = LLVMAppendBasicBlockInContext(c->ctx, st.fn, "without_children");
                LLVMBuildCondBr(B, LLVMBuildIsNull(B, st.children, ""), nc2, wc);
                LLVMPositionBuilderAtEnd(B, wc);
                emit_word_loop(c, &st, hp, 1);
                LLVMPositionBuilderAtEnd(B, nc2);
            }
            emit_word_loop(c, &st, hp, 0);
        }
    } else if (uses_child) {
        LLVMBasicBlockRef wc = LLVMAppendBasicBlockInContext(c->ctx, st.fn, "with_children");
        LLVMBasicBlockRef nc2 = LLVMAppendBasicBlockInContext(c->ctx, st.fn, "without_children");
        LLVMBuildCondBr(B, LLVMBuildIsNull(B, st.children, ""), nc2, wc);
        LLVMPositionBuilderAtEnd(B, wc);
        emit_word_loop(c, &st, 0, 1);
        LLVMPositionBuilderAtEnd(B, nc2);
        emit_word_loop(c, &st, 0, 0);
    } else {
        emit_word_loop(c, &st, 0, 0);
    }
    free(st.used_cur);
    free(st.used_prev);
    free(st.used_child);
    free(st.is_computed);
    free(st.need);
    free(st.vptr);
    free(st.pptr);
    free(st.pstride);
    free(st.cpptr);
    free(st.cpstride);
    free(st.oth_form);
    free(st.oth_field);
    free(st.oth_vptr);
    free(st.oth_vstride);
    free(st.oth_vnull);
    free(st.oth_pptr);
    free(st.oth_pstride);
    free(st.oth_xptr);
    free(st.oth_xstride);
    free(st.oth_xnone);
    free(st.failp);
    return st.fn;
}

/* IR nodes of an expression: the measure of a rule's code size. */
static long expr_nodes(const ir_expr *e)
{
    return e ? 1 + expr_nodes(e->a) + expr_nodes(e->b) + expr_nodes(e->c) : 0;
}

/* Rules per validate function: LLVM's passes and back end are superlinear
 * in the size of one function (the row loop is one basic block holding
 * every rule), so a form whose rules hold more IR nodes than this is
 * split into parts of about this size, each its own function with its
 * own word loop, called in turn by the kernel. Forms under the bound (the
 * benchmark's, every example) keep one function, the same code as before
 * the split existed. */
#define CG_PART_NODES 2000

/* The parts of a form's rules: start[k] is part k's first rule, start[np]
 * = n_rules; returns np (1: the form is not split). */
static int rule_parts(cg *c, const ir_form *f, int **startp)
{
    int nr = f->n_rules;
    int *start = malloc(sizeof(int) * ((size_t)nr + 2));
    int np = 0;
    long size = 0;
    long limit = c->o->part_nodes > 0 ? c->o->part_nodes : CG_PART_NODES;
    start[np++] = 0;
    for (int r = 0; r < nr; r++) {
        long n = 1 + expr_nodes(f->rules[r].when) + expr_nodes(f->rules[r].check);
        if (size > 0 && size + n > limit) {
            start[np++] = r;
            size = 0;
        }
        size += n;
    }
    start[np] = nr;
    *startp = start;
    return np;
}

static LLVMValueRef emit_validate(cg *c, const ir_form *f, int np, const int *start)
{
    int nr = f->n_rules;
    if (np == 1)
        return emit_validate_part(c, f, "validate", 0, nr, 1);
    LLVMValueRef *parts = malloc(sizeof *parts * (size_t)np);
    unsigned noinline = LLVMGetEnumAttributeKindForName("noinline", 8);
    for (int k = 0; k < np; k++) {
        char name[64];
        snprintf(name, sizeof name, "validate.%d", k);
        parts[k] = emit_validate_part(c, f, name, start[k], start[k + 1], k == 0);
        /* inlined back, the parts would make the one big function again */
        LLVMAddAttributeAtIndex(parts[k], LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(c->ctx, noinline, 0));
    }
    LLVMBuilderRef B = c->b;
    LLVMValueRef fn = new_fn(c, f->code, "validate", c->fn_validate);
    LLVMPositionBuilderAtEnd(B, LLVMAppendBasicBlockInContext(c->ctx, fn, "entry"));
    LLVMValueRef args[3] = {LLVMGetParam(fn, 0), LLVMGetParam(fn, 1), LLVMGetParam(fn, 2)};
    LLVMValueRef ret = cg_i32(c, 0);
    for (int k = 0; k < np; k++)
        ret = LLVMBuildOr(B, ret, LLVMBuildCall2(B, c->fn_validate, parts[k], args, 3, ""), "");
    LLVMBuildRet(B, ret);
    free(parts);
    return fn;
}

/* ---- accumulate ---- */

static LLVMValueRef sadd(cg *c, LLVMValueRef a, LLVMValueRef b, LLVMValueRef *ovf)
{
    LLVMValueRef args[2] = {a, b};
    LLVMValueRef r = cg_intrinsic(c, "llvm.sadd.with.overflow", c->i64, args, 2);
    *ovf = LLVMBuildExtractValue(c->b, r, 1, "");
    return LLVMBuildExtractValue(c->b, r, 0, "");
}

/* present bit of row i of a column whose words may be NULL */
static LLVMValueRef row_bit(cg *c, LLVMValueRef words, LLVMValueRef stride, LLVMValueRef i)
{
    LLVMValueRef w = load(c, c->i64, word_at(c, words, stride, LLVMBuildLShr(c->b, i, cg_i64(c, 6), "")));
    return cg_bit(c, w, LLVMBuildAnd(c->b, i, cg_i64(c, 63), ""));
}

static LLVMValueRef emit_accumulate(cg *c, const ir_form *f)
{
    LLVMBuilderRef B = c->b;
    int nf = f->n_fields;
    LLVMValueRef fn = new_fn(c, f->code, "accumulate", c->fn_accumulate);
    LLVMValueRef batch = LLVMGetParam(fn, 0), slot = LLVMGetParam(fn, 1), pos = LLVMGetParam(fn, 2),
                 accp = LLVMGetParam(fn, 3);
    LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(c->ctx, fn, "entry");
    LLVMBasicBlockRef loop = LLVMAppendBasicBlockInContext(c->ctx, fn, "row");
    LLVMBasicBlockRef body = LLVMAppendBasicBlockInContext(c->ctx, fn, "add");
    LLVMBasicBlockRef latch = LLVMAppendBasicBlockInContext(c->ctx, fn, "next");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(c->ctx, fn, "done");
    LLVMPositionBuilderAtEnd(B, entry);
    LLVMValueRef n = LLVMBuildZExt(B, load_member(c, c->t_batch, batch, 0, c->i32), c->i64, "n");
    LLVMValueRef cols = load_member(c, c->t_batch, batch, 1, c->ptr);
    LLVMValueRef *vptr = calloc((size_t)nf + 1, sizeof *vptr), *pptr = calloc((size_t)nf + 1, sizeof *pptr),
                 *pst = calloc((size_t)nf + 1, sizeof *pst);
    for (int i = 0; i < nf; i++) {
        const ir_field *x = &f->fields[i];
        int need = x->acc >= 0;
        for (int k = 0; k < nf && !need; k++)
            need = f->fields[k].acc_kind == IR_ACC_WEIGHTED && f->fields[k].weight == i;
        if (!need)
            continue;
        LLVMValueRef col = col_at(c, cols, i);
        vptr[i] = load_member(c, c->t_column, col, 0, c->ptr);
        nullable_words(c, load_member(c, c->t_column, col, 3, c->ptr), c->g_zero_word, &pptr[i], &pst[i]);
    }
    /* pos NULL: every row is both the first and the last sub-period */
    LLVMValueRef three = LLVMBuildAlloca(B, c->i8, "three");
    LLVMBuildStore(B, LLVMConstInt(c->i8, 3, 0), three);
    LLVMValueRef posp, posst;
    LLVMValueRef isnull = LLVMBuildIsNull(B, pos, "");
    posp = LLVMBuildSelect(B, isnull, three, pos, "");
    posst = LLVMBuildSelect(B, isnull, cg_i64(c, 0), cg_i64(c, 1), "");
    LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntEQ, n, cg_i64(c, 0), ""), done, loop);

    LLVMPositionBuilderAtEnd(B, loop);
    LLVMValueRef i = LLVMBuildPhi(B, c->i64, "i"), ret = LLVMBuildPhi(B, c->i1, "ovf");
    LLVMValueRef s = load(c, c->i32, gep1(c, c->i32, slot, i));
    LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntEQ, s, cg_i32(c, -1), ""), latch, body);

    LLVMPositionBuilderAtEnd(B, body);
    LLVMValueRef g = gep1(c, c->i64, accp, LLVMBuildMul(B, LLVMBuildZExt(B, s, c->i64, ""), cg_i64(c, f->n_acc), ""));
    LLVMValueRef pp = load(c, c->i8, gep1(c, c->i8, posp, LLVMBuildMul(B, i, posst, "")));
    LLVMValueRef first = LLVMBuildTrunc(B, pp, c->i1, "");
    LLVMValueRef last = LLVMBuildTrunc(B, LLVMBuildLShr(B, pp, LLVMConstInt(c->i8, 1, 0), ""), c->i1, "");
    /* the sub-period's index in the target period, and index + 1 for the
     * stocks' selection words (0 = no row yet) */
    LLVMValueRef idx = LLVMBuildZExt(B, LLVMBuildLShr(B, pp, LLVMConstInt(c->i8, 2, 0), ""), c->i64, "idx");
    LLVMValueRef nsel = LLVMBuildAdd(B, idx, cg_i64(c, 1), "");
    LLVMValueRef zero = cg_i64(c, 0);
    LLVMValueRef o = cg_false(c);
    for (int fi = 0; fi < nf; fi++) {
        const ir_field *x = &f->fields[fi];
        if (x->acc < 0)
            continue;
        LLVMValueRef v = load(c, c->i64, gep1(c, c->i64, vptr[fi], i));
        LLVMValueRef pv = row_bit(c, pptr[fi], pst[fi], i);
        if (x->acc_kind == IR_ACC_WEIGHTED)
            pv = LLVMBuildAnd(B, pv, row_bit(c, pptr[x->weight], pst[x->weight], i), "");
        /* item: the row is one of the field's items (its value counts, or
         * its empty value makes the aggregate empty); repl: a stock's row
         * of a later (closing) or earlier (opening) sub-period replaces
         * what the group held */
        LLVMValueRef item = cg_true(c), repl = NULL;
        if (x->time_agg == RG_TIME_OPENING_STRICT)
            item = first;
        else if (x->time_agg == RG_TIME_CLOSING_STRICT)
            item = last;
        else if (x->acc_sel >= 0) {
            LLVMValueRef selp = gep1(c, c->i64, g, cg_i64(c, x->acc_sel));
            LLVMValueRef sel = load(c, c->i64, selp);
            if (x->time_agg == RG_TIME_CLOSING)
                repl = LLVMBuildICmp(B, LLVMIntUGT, nsel, sel, "");
            else
                repl = LLVMBuildOr(B, LLVMBuildICmp(B, LLVMIntEQ, sel, zero, ""),
                                   LLVMBuildICmp(B, LLVMIntULT, nsel, sel, ""), "");
            item = LLVMBuildOr(B, repl, LLVMBuildICmp(B, LLVMIntEQ, nsel, sel, ""), "");
            LLVMBuildStore(B, LLVMBuildSelect(B, repl, nsel, sel, ""), selp);
        }
        LLVMValueRef take = LLVMBuildAnd(B, item, pv, "");
        LLVMValueRef w0p = gep1(c, c->i64, g, cg_i64(c, x->acc)), w1p = gep1(c, c->i64, g, cg_i64(c, x->acc + 1));
        LLVMValueRef add0 = v, add1 = NULL, ov0, ov1 = cg_false(c), ovm = cg_false(c);
        switch (x->acc_kind) {
        case IR_ACC_COUNT:
            add0 = cg_i64(c, 1);
            break;
        case IR_ACC_AVERAGE:
            add1 = cg_i64(c, 1);
            break;
        case IR_ACC_WEIGHTED: {
            LLVMValueRef wv = load(c, c->i64, gep1(c, c->i64, vptr[x->weight], i));
            add0 = cg_mul_ovf(c, v, wv, &ovm);
            add1 = wv;
            break;
        }
        default:
            break;
        }
        LLVMValueRef old0 = load(c, c->i64, w0p);
        if (repl)
            old0 = LLVMBuildSelect(B, repl, zero, old0, "");
        LLVMValueRef s0 = sadd(c, old0, add0, &ov0);
        LLVMValueRef old1 = NULL, s1 = NULL;
        if (add1) {
            old1 = load(c, c->i64, w1p);
            if (repl)
                old1 = LLVMBuildSelect(B, repl, zero, old1, "");
            s1 = sadd(c, old1, add1, &ov1);
        }
        LLVMValueRef bad = LLVMBuildOr(B, LLVMBuildOr(B, ov0, ov1, ""), ovm, "");
        bad = LLVMBuildAnd(B, take, bad, "");
        LLVMValueRef ok = LLVMBuildAnd(B, take, LLVMBuildNot(B, bad, ""), "");
        LLVMBuildStore(B, LLVMBuildSelect(B, ok, s0, old0, ""), w0p);
        if (add1)
            LLVMBuildStore(B, LLVMBuildSelect(B, ok, s1, old1, ""), w1p);
        int extra[2] = {x->acc_null, x->acc_nv};
        for (int k = 0; k < 2; k++) {
            if (extra[k] < 0)
                continue;
            LLVMValueRef ep = gep1(c, c->i64, g, cg_i64(c, extra[k]));
            LLVMValueRef ev = load(c, c->i64, ep);
            if (repl)
                ev = LLVMBuildSelect(B, repl, zero, ev, "");
            LLVMValueRef inc = k == 0 ? LLVMBuildAnd(B, item, LLVMBuildNot(B, pv, ""), "") : ok;
            LLVMBuildStore(B, LLVMBuildAdd(B, ev, LLVMBuildZExt(B, inc, c->i64, ""), ""), ep);
        }
        o = LLVMBuildOr(B, o, bad, "");
    }
    int na = f->n_acc;
    LLVMValueRef mp = gep1(c, c->i64, g, cg_i64(c, RG_ACC_MASK(na)));
    LLVMValueRef bitv = LLVMBuildShl(B, cg_i64(c, 1), LLVMBuildAnd(B, idx, cg_i64(c, 63), ""), "");
    LLVMBuildStore(B, LLVMBuildOr(B, load(c, c->i64, mp), bitv, ""), mp);
    LLVMValueRef fp = gep1(c, c->i64, g, cg_i64(c, RG_ACC_FIRST(na)));
    LLVMBuildStore(B, LLVMBuildAdd(B, load(c, c->i64, fp), LLVMBuildZExt(B, first, c->i64, ""), ""), fp);
    LLVMValueRef lp = gep1(c, c->i64, g, cg_i64(c, RG_ACC_LAST(na)));
    LLVMBuildStore(B, LLVMBuildAdd(B, load(c, c->i64, lp), LLVMBuildZExt(B, last, c->i64, ""), ""), lp);
    LLVMValueRef cp = gep1(c, c->i64, g, cg_i64(c, f->n_acc - 1));
    LLVMValueRef cnt = LLVMBuildAdd(B, load(c, c->i64, cp), cg_i64(c, 1), "");
    cnt = LLVMBuildSelect(B, o, LLVMBuildOr(B, cnt, cg_i64(c, IR_ACC_OVERFLOW), ""), cnt, "");
    LLVMBuildStore(B, cnt, cp);
    LLVMValueRef ret_body = LLVMBuildOr(B, ret, o, "");
    LLVMBuildBr(B, latch);

    LLVMPositionBuilderAtEnd(B, latch);
    LLVMValueRef ret2 = LLVMBuildPhi(B, c->i1, "");
    LLVMAddIncoming(ret2, (LLVMValueRef[]){ret, ret_body}, (LLVMBasicBlockRef[]){loop, body}, 2);
    LLVMValueRef i1 = LLVMBuildAdd(B, i, cg_i64(c, 1), "");
    LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntULT, i1, n, ""), loop, done);
    LLVMAddIncoming(i, (LLVMValueRef[]){cg_i64(c, 0), i1}, (LLVMBasicBlockRef[]){entry, latch}, 2);
    LLVMAddIncoming(ret, (LLVMValueRef[]){cg_false(c), ret2}, (LLVMBasicBlockRef[]){entry, latch}, 2);

    LLVMPositionBuilderAtEnd(B, done);
    LLVMValueRef rf = LLVMBuildPhi(B, c->i1, "");
    LLVMAddIncoming(rf, (LLVMValueRef[]){cg_false(c), ret2}, (LLVMBasicBlockRef[]){entry, latch}, 2);
    LLVMBuildRet(B, LLVMBuildSelect(B, rf, cg_i32(c, -1), cg_i32(c, 0), ""));
    free(vptr);
    free(pptr);
    free(pst);
    return fn;
}

/* ---- combine ---- */

static LLVMValueRef emit_combine(cg *c, const ir_form *f)
{
    LLVMBuilderRef B = c->b;
    LLVMValueRef fn = new_fn(c, f->code, "combine", c->fn_combine);
    LLVMValueRef dst = LLVMGetParam(fn, 0), src = LLVMGetParam(fn, 1);
    LLVMPositionBuilderAtEnd(B, LLVMAppendBasicBlockInContext(c->ctx, fn, "entry"));
    int last = f->n_acc - 1;
    LLVMValueRef dcp = gep1(c, c->i64, dst, cg_i64(c, last)), scp = gep1(c, c->i64, src, cg_i64(c, last));
    LLVMValueRef dc = load(c, c->i64, dcp), sc = load(c, c->i64, scp);
    LLVMValueRef nd = LLVMBuildAnd(B, dc, cg_i64(c, INT64_MAX), ""), ns = LLVMBuildAnd(B, sc, cg_i64(c, INT64_MAX), "");
    LLVMValueRef o = cg_false(c);
    for (int fi = 0; fi < f->n_fields; fi++) {
        const ir_field *x = &f->fields[fi];
        if (x->acc < 0)
            continue;
        int nwords = x->acc_kind == IR_ACC_AVERAGE || x->acc_kind == IR_ACC_WEIGHTED ? 2 : 1;
        LLVMValueRef dp[2], sp[2], dv[2], sv[2], r[2], ov[2];
        for (int k = 0; k < nwords; k++) {
            dp[k] = gep1(c, c->i64, dst, cg_i64(c, x->acc + k));
            sp[k] = gep1(c, c->i64, src, cg_i64(c, x->acc + k));
            dv[k] = load(c, c->i64, dp[k]);
            sv[k] = load(c, c->i64, sp[k]);
        }
        /* counts of empty values and of values add up; a stock's source
         * is the earliest of the units' (0 = none) */
        int extra[2] = {x->acc_null, x->acc_nv};
        LLVMValueRef snv = NULL, dnv = NULL;
        for (int k = 0; k < 2; k++) {
            if (extra[k] < 0)
                continue;
            LLVMValueRef ep = gep1(c, c->i64, dst, cg_i64(c, extra[k]));
            LLVMValueRef ed = load(c, c->i64, ep), es = load(c, c->i64, gep1(c, c->i64, src, cg_i64(c, extra[k])));
            if (k == 1)
                dnv = ed, snv = es;
            LLVMBuildStore(B, LLVMBuildAdd(B, ed, es, ""), ep);
        }
        if (x->acc_sel >= 0) {
            LLVMValueRef ep = gep1(c, c->i64, dst, cg_i64(c, x->acc_sel));
            LLVMValueRef ed = load(c, c->i64, ep), es = load(c, c->i64, gep1(c, c->i64, src, cg_i64(c, x->acc_sel)));
            LLVMValueRef takes = LLVMBuildOr(B, LLVMBuildICmp(B, LLVMIntEQ, ed, cg_i64(c, 0), ""),
                                             LLVMBuildAnd(B, LLVMBuildICmp(B, LLVMIntNE, es, cg_i64(c, 0), ""),
                                                          LLVMBuildICmp(B, LLVMIntULT, es, ed, ""), ""), "");
            LLVMBuildStore(B, LLVMBuildSelect(B, takes, es, ed, ""), ep);
        }
        if (x->acc_kind == IR_ACC_SUM && (x->unit_agg == RG_UNITS_MIN || x->unit_agg == RG_UNITS_MAX)) {
            /* only a side with a value takes part */
            LLVMValueRef better = LLVMBuildICmp(B, x->unit_agg == RG_UNITS_MIN ? LLVMIntSLT : LLVMIntSGT, sv[0], dv[0], "");
            LLVMValueRef take = LLVMBuildOr(B, LLVMBuildICmp(B, LLVMIntEQ, dnv, cg_i64(c, 0), ""), better, "");
            take = LLVMBuildAnd(B, take, LLVMBuildICmp(B, LLVMIntNE, snv, cg_i64(c, 0), ""), "");
            LLVMBuildStore(B, LLVMBuildSelect(B, take, sv[0], dv[0], ""), dp[0]);
            continue;
        }
        LLVMValueRef bad = cg_false(c);
        for (int k = 0; k < nwords; k++) {
            r[k] = sadd(c, dv[k], sv[k], &ov[k]);
            bad = LLVMBuildOr(B, bad, ov[k], "");
        }
        for (int k = 0; k < nwords; k++)
            LLVMBuildStore(B, LLVMBuildSelect(B, bad, dv[k], r[k], ""), dp[k]);
        o = LLVMBuildOr(B, o, bad, "");
    }
    /* the sub-periods seen, the rows of the first and of the last */
    {
        int na = f->n_acc;
        LLVMValueRef mp = gep1(c, c->i64, dst, cg_i64(c, RG_ACC_MASK(na)));
        LLVMBuildStore(B, LLVMBuildOr(B, load(c, c->i64, mp), load(c, c->i64, gep1(c, c->i64, src, cg_i64(c, RG_ACC_MASK(na)))), ""), mp);
        for (int w = RG_ACC_FIRST(na); w <= RG_ACC_LAST(na); w++) {
            LLVMValueRef wp = gep1(c, c->i64, dst, cg_i64(c, w));
            LLVMBuildStore(B, LLVMBuildAdd(B, load(c, c->i64, wp), load(c, c->i64, gep1(c, c->i64, src, cg_i64(c, w))), ""), wp);
        }
    }
    LLVMValueRef flags = LLVMBuildAnd(B, LLVMBuildOr(B, dc, sc, ""), cg_i64(c, IR_ACC_OVERFLOW), "");
    LLVMValueRef cnt = LLVMBuildOr(B, LLVMBuildAdd(B, nd, ns, ""), flags, "");
    cnt = LLVMBuildOr(B, cnt, LLVMBuildSelect(B, o, cg_i64(c, IR_ACC_OVERFLOW), cg_i64(c, 0), ""), "");
    LLVMBuildStore(B, cnt, dcp);
    LLVMBuildRet(B, LLVMBuildSelect(B, o, cg_i32(c, -1), cg_i32(c, 0), ""));
    return fn;
}

/* ---- finalize ---- */

static LLVMValueRef emit_finalize(cg *c, const ir_form *f)
{
    LLVMBuilderRef B = c->b;
    LLVMValueRef fn = new_fn(c, f->code, "finalize", c->fn_finalize);
    LLVMValueRef accp = LLVMGetParam(fn, 0), out = LLVMGetParam(fn, 1), pres = LLVMGetParam(fn, 2);
    LLVMPositionBuilderAtEnd(B, LLVMAppendBasicBlockInContext(c->ctx, fn, "entry"));
    LLVMValueRef cnt = load(c, c->i64, gep1(c, c->i64, accp, cg_i64(c, f->n_acc - 1)));
    LLVMValueRef good = LLVMBuildICmp(B, LLVMIntSGE, cnt, cg_i64(c, 0), "");
    cg_row rw = {.f = f, .acc = accp};
    LLVMValueRef pw = cg_i64(c, 0);
    for (int k = 0; k < f->n_outputs; k++) {
        const ir_output *o = &f->outputs[k];
        ir_expr leaf = {.op = IR_ACC, .field = o->field};
        cg_val v = cg_expr(c, &rw, o->expr ? o->expr : &leaf);
        LLVMValueRef p = LLVMBuildAnd(B, LLVMBuildAnd(B, v.p, LLVMBuildNot(B, v.o, ""), ""), good, "");
        LLVMBuildStore(B, LLVMBuildSelect(B, p, v.v, cg_i64(c, 0), ""), gep1(c, c->i64, out, cg_i64(c, k)));
        if (k < 64)
            pw = LLVMBuildOr(B, pw, LLVMBuildShl(B, LLVMBuildZExt(B, p, c->i64, ""), cg_i64(c, k), ""), "");
    }
    LLVMBuildStore(B, pw, pres);
    LLVMBuildRetVoid(B);
    return fn;
}

/* ---- message ---- */

/* i1 rg.cell(cols, field, row, out): whether cols[field] has a value at
 * row (any pointer may be NULL), stored into *out. Emitted once. */
static LLVMValueRef cell_fn(cg *c, LLVMTypeRef *ty, int big)
{
    *ty = LLVMFunctionType(c->i1, (LLVMTypeRef[]){c->ptr, c->i64, c->i64, c->ptr}, 4, 0);
    const char *name = big ? "rg.cell.big" : "rg.cell";
    LLVMValueRef fn = LLVMGetNamedFunction(c->mod, name);
    if (fn)
        return fn;
    fn = LLVMAddFunction(c->mod, name, *ty);
    LLVMSetLinkage(fn, LLVMInternalLinkage);
    if (big) {
        /* inlined into thousands of reads, its branches would make the
         * message kernel of a big form thousands of blocks */
        unsigned k = LLVMGetEnumAttributeKindForName("noinline", 8);
        LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(c->ctx, k, 0));
    }
    LLVMBuilderRef B = c->b;
    LLVMValueRef cols = LLVMGetParam(fn, 0), field = LLVMGetParam(fn, 1), row = LLVMGetParam(fn, 2),
                 out = LLVMGetParam(fn, 3);
    LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(c->ctx, fn, "entry");
    LLVMBasicBlockRef has_cols = LLVMAppendBasicBlockInContext(c->ctx, fn, "cols");
    LLVMBasicBlockRef has_pres = LLVMAppendBasicBlockInContext(c->ctx, fn, "present");
    LLVMBasicBlockRef has_bit = LLVMAppendBasicBlockInContext(c->ctx, fn, "bit");
    LLVMBasicBlockRef has_v = LLVMAppendBasicBlockInContext(c->ctx, fn, "value");
    LLVMBasicBlockRef none = LLVMAppendBasicBlockInContext(c->ctx, fn, "none");
    LLVMPositionBuilderAtEnd(B, entry);
    LLVMBuildCondBr(B, LLVMBuildIsNull(B, cols, ""), none, has_cols);
    LLVMPositionBuilderAtEnd(B, has_cols);
    LLVMValueRef col = gep1(c, c->t_column, cols, field);
    LLVMValueRef pr = load_member(c, c->t_column, col, 3, c->ptr);
    LLVMBuildCondBr(B, LLVMBuildIsNull(B, pr, ""), none, has_pres);
    LLVMPositionBuilderAtEnd(B, has_pres);
    LLVMValueRef w = load(c, c->i64, gep1(c, c->i64, pr, LLVMBuildLShr(B, row, cg_i64(c, 6), "")));
    LLVMValueRef bit = cg_bit(c, w, LLVMBuildAnd(B, row, cg_i64(c, 63), ""));
    LLVMBuildCondBr(B, bit, has_bit, none);
    LLVMPositionBuilderAtEnd(B, has_bit);
    LLVMValueRef vp = load_member(c, c->t_column, col, 0, c->ptr);
    LLVMBuildCondBr(B, LLVMBuildIsNull(B, vp, ""), none, has_v);
    LLVMPositionBuilderAtEnd(B, has_v);
    LLVMBuildStore(B, load(c, c->i64, gep1(c, c->i64, vp, row)), out);
    LLVMBuildRet(B, cg_true(c));
    LLVMPositionBuilderAtEnd(B, none);
    LLVMBuildStore(B, cg_i64(c, 0), out);
    LLVMBuildRet(B, cg_false(c));
    return fn;
}

/* Past this many reads in a form's rules, the message kernel calls a
 * cell reader that is never inlined. */
#define CG_MESSAGE_INLINE_READS 256

/* The placeholders' values of one rule for one row (rg_message_fn): a cold
 * path, called for failing rows only, so every read is a call. */
static LLVMValueRef emit_message_part(cg *c, const ir_form *f, const char *name, int r0, int r1)
{
    LLVMBuilderRef B = c->b;
    LLVMTypeRef cell_ty;
    long n_reads = 0;
    for (int r = 0; r < f->n_rules; r++)
        n_reads += f->rules[r].n_reads;
    LLVMValueRef cell = cell_fn(c, &cell_ty, n_reads > CG_MESSAGE_INLINE_READS);
    LLVMValueRef fn = new_fn(c, f->code, name, c->fn_message);
    LLVMValueRef batch = LLVMGetParam(fn, 0), rule = LLVMGetParam(fn, 1), row32 = LLVMGetParam(fn, 2),
                 out = LLVMGetParam(fn, 3), pres = LLVMGetParam(fn, 4);
    LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(c->ctx, fn, "entry");
    LLVMBasicBlockRef bad = LLVMAppendBasicBlockInContext(c->ctx, fn, "no_rule");
    LLVMPositionBuilderAtEnd(B, entry);
    LLVMValueRef row = LLVMBuildZExt(B, row32, c->i64, "row");
    LLVMValueRef cols = load_member(c, c->t_batch, batch, 1, c->ptr);
    LLVMValueRef prev = load_member(c, c->t_batch, batch, 2, c->ptr);
    LLVMValueRef wf = load_member(c, c->t_batch, batch, 3, c->ptr);
    LLVMValueRef other = load_member(c, c->t_batch, batch, 4, c->ptr);
    LLVMValueRef children = load_member(c, c->t_batch, batch, 5, c->ptr);
    LLVMValueRef j = LLVMBuildAnd(B, row, cg_i64(c, 63), "j");
    LLVMValueRef wi = LLVMBuildLShr(B, row, cg_i64(c, 6), "");
    /* the row bitmaps' words of this row: all zeros when the source is
     * NULL, all ones when the source is there but the bitmap NULL */
    LLVMValueRef xw[2];
    for (int s = 0; s < 2; s++) {
        LLVMValueRef src = s ? children : prev, xp, xs;
        rows_words(c, load_member(c, c->t_batch, batch, 6 + (unsigned)s, c->ptr), &xp, &xs);
        xw[s] = LLVMBuildSelect(B, LLVMBuildIsNull(B, src, ""), cg_i64(c, 0), load(c, c->i64, word_at(c, xp, xs, wi)), "");
    }
    LLVMValueRef xrows = load_member(c, c->t_batch, batch, 8, c->ptr);
    LLVMValueRef wfp, wfs;
    nullable_words(c, wf, c->g_ones_word, &wfp, &wfs);
    LLVMValueRef wfw = load(c, c->i64, word_at(c, wfp, wfs, LLVMBuildLShr(B, row, cg_i64(c, 6), "")));
    LLVMValueRef slot = LLVMBuildAlloca(B, c->i64, "cell");
    LLVMValueRef sw = LLVMBuildSwitch(B, rule, bad, (unsigned)(r1 - r0));
    int nf = f->n_fields;
    for (int r = r0; r < r1; r++) {
        const ir_rule *ru = &f->rules[r];
        LLVMBasicBlockRef bb = LLVMAppendBasicBlockInContext(c->ctx, fn, ru->code);
        LLVMAddCase(sw, cg_i32(c, r), bb);
        LLVMPositionBuilderAtEnd(B, bb);
        cg_row rw = {.f = f, .row = row, .j = j, .wf_word = wfw, .x_prev_word = xw[0], .x_child_word = xw[1]};
        rw.oth_xword = calloc((size_t)ru->n_reads + 1, sizeof(LLVMValueRef));
        rw.oth_xnone = calloc((size_t)ru->n_reads + 1, sizeof(LLVMValueRef));
        rw.cur_v = calloc((size_t)nf + 1, sizeof(LLVMValueRef));
        rw.cur_p = calloc((size_t)nf + 1, sizeof(LLVMValueRef));
        rw.prev_v = calloc((size_t)(nf + f->n_lags) + 1, sizeof(LLVMValueRef));
        rw.prev_p = calloc((size_t)(nf + f->n_lags) + 1, sizeof(LLVMValueRef));
        rw.child_v = calloc((size_t)nf + 1, sizeof(LLVMValueRef));
        rw.child_p = calloc((size_t)nf + 1, sizeof(LLVMValueRef));
        int *oth_form = calloc((size_t)ru->n_reads + 1, sizeof(int)), *oth_field = calloc((size_t)ru->n_reads + 1, sizeof(int));
        rw.oth_v = calloc((size_t)ru->n_reads + 1, sizeof(LLVMValueRef));
        rw.oth_p = calloc((size_t)ru->n_reads + 1, sizeof(LLVMValueRef));
        rw.oth_vnull = calloc((size_t)ru->n_reads + 1, sizeof(LLVMValueRef));
        rw.oth_form = oth_form;
        rw.oth_field = oth_field;
        /* every column the values read, loaded before they are computed */
        for (int k = 0; k < ru->n_reads; k++) {
            const ir_read *rd = &ru->reads[k];
            LLVMValueRef src = rd->role == RG_READ_ROW ? cols : rd->role == RG_READ_PREVIOUS ? prev
                             : rd->role == RG_READ_CHILDREN ? children : NULL;
            if (rd->role == RG_READ_OTHER) {
                LLVMValueRef slotp = LLVMBuildSelect(B, LLVMBuildIsNull(B, other, ""), c->g_zero_word,
                                                     gep1(c, c->ptr, other, cg_i64(c, rd->form)), "");
                /* g_zero_word reads as a NULL pointer: no form joined */
                src = load(c, c->ptr, slotp);
            }
            LLVMValueRef p = LLVMBuildCall2(B, cell_ty, cell, (LLVMValueRef[]){src, cg_i64(c, rd->field), row, slot}, 4, "");
            LLVMValueRef v = load(c, c->i64, slot);
            if (rd->role == RG_READ_ROW) {
                rw.cur_v[rd->field] = v;
                rw.cur_p[rd->field] = p;
            } else if (rd->role == RG_READ_PREVIOUS) {
                rw.prev_v[rd->field] = v;
                rw.prev_p[rd->field] = p;
            } else if (rd->role == RG_READ_CHILDREN) {
                rw.child_v[rd->field] = v;
                rw.child_p[rd->field] = p;
            } else {
                oth_form[rw.n_oth] = rd->form;
                oth_field[rw.n_oth] = rd->field;
                LLVMValueRef xs = LLVMBuildSelect(B, LLVMBuildIsNull(B, xrows, ""), c->g_zero_word,
                                                  gep1(c, c->ptr, xrows, cg_i64(c, rd->form)), "");
                LLVMValueRef xp, xst;
                rows_words(c, load(c, c->ptr, xs), &xp, &xst);
                rw.oth_xword[rw.n_oth] = load(c, c->i64, word_at(c, xp, xst, wi));
                rw.oth_xnone[rw.n_oth] = LLVMBuildIsNull(B, src, "");
                rw.oth_v[rw.n_oth] = v;
                rw.oth_p[rw.n_oth] = p;
                rw.n_oth++;
            }
        }
        /* columns not listed read as missing (the value is never trusted) */
        for (int i = 0; i < nf; i++) {
            if (!rw.cur_v[i]) {
                rw.cur_v[i] = cg_i64(c, 0);
                rw.cur_p[i] = cg_false(c);
            }
            if (!rw.prev_v[i]) {
                rw.prev_v[i] = cg_i64(c, 0);
                rw.prev_p[i] = cg_false(c);
            }
            if (!rw.child_v[i]) {
                rw.child_v[i] = cg_i64(c, 0);
                rw.child_p[i] = cg_false(c);
            }
        }
        for (int i = nf; i < nf + f->n_lags; i++)
            if (!rw.prev_v[i]) {
                rw.prev_v[i] = cg_i64(c, 0);
                rw.prev_p[i] = cg_false(c);
            }
        LLVMValueRef pw = cg_i64(c, 0);
        for (int k = 0; k < ru->n_values && k < 64; k++) {
            const ir_value *v = &ru->values[k];
            if (!v->expr)
                continue;
            cg_val x = cg_expr(c, &rw, v->expr);
            LLVMValueRef p = LLVMBuildAnd(B, x.p, LLVMBuildNot(B, x.o, ""), "");
            LLVMBuildStore(B, LLVMBuildSelect(B, p, x.v, cg_i64(c, 0), ""), gep1(c, c->i64, out, cg_i64(c, k)));
            pw = LLVMBuildOr(B, pw, LLVMBuildShl(B, LLVMBuildZExt(B, p, c->i64, ""), cg_i64(c, k), ""), "");
        }
        LLVMBuildStore(B, pw, pres);
        LLVMBuildRet(B, cg_i32(c, 0));
        free(rw.cur_v);
        free(rw.cur_p);
        free(rw.prev_v);
        free(rw.prev_p);
        free(rw.child_v);
        free(rw.child_p);
        free(rw.oth_v);
        free(rw.oth_p);
        free(rw.oth_vnull);
        free(rw.oth_xword);
        free(rw.oth_xnone);
        free(oth_form);
        free(oth_field);
    }
    LLVMPositionBuilderAtEnd(B, bad);
    LLVMBuildRet(B, cg_i32(c, -1));
    return fn;
}

/* The message kernel of a split form: part k (the same rules as validate's
 * part k) is chosen by comparing the rule with the parts' bounds. */
static LLVMValueRef emit_message(cg *c, const ir_form *f, int np, const int *start)
{
    if (np == 1)
        return emit_message_part(c, f, "message", 0, f->n_rules);
    LLVMBuilderRef B = c->b;
    LLVMValueRef *parts = malloc(sizeof *parts * (size_t)np);
    unsigned noinline = LLVMGetEnumAttributeKindForName("noinline", 8);
    for (int k = 0; k < np; k++) {
        char name[64];
        snprintf(name, sizeof name, "message.%d", k);
        parts[k] = emit_message_part(c, f, name, start[k], start[k + 1]);
        LLVMAddAttributeAtIndex(parts[k], LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(c->ctx, noinline, 0));
    }
    LLVMValueRef fn = new_fn(c, f->code, "message", c->fn_message);
    LLVMValueRef args[5];
    for (unsigned i = 0; i < 5; i++)
        args[i] = LLVMGetParam(fn, i);
    LLVMPositionBuilderAtEnd(B, LLVMAppendBasicBlockInContext(c->ctx, fn, "entry"));
    /* rules at or past start[np] fall into the last part, which answers -1 */
    for (int k = 0; k < np; k++) {
        LLVMBasicBlockRef call = LLVMAppendBasicBlockInContext(c->ctx, fn, "part");
        LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(c->ctx, fn, "next");
        LLVMValueRef in = k == np - 1 ? cg_true(c) : LLVMBuildICmp(B, LLVMIntULT, args[1], cg_i32(c, start[k + 1]), "");
        LLVMBuildCondBr(B, in, call, next);
        LLVMPositionBuilderAtEnd(B, call);
        LLVMBuildRet(B, LLVMBuildCall2(B, c->fn_message, parts[k], args, 5, ""));
        LLVMPositionBuilderAtEnd(B, next);
    }
    LLVMBuildRet(B, cg_i32(c, -1));
    free(parts);
    return fn;
}

void cg_kernels(cg *c, const ir_form *f, LLVMValueRef out[CG_N_KERNELS])
{
    int *start;
    int np = rule_parts(c, f, &start);
    out[0] = emit_validate(c, f, np, start);
    out[1] = emit_accumulate(c, f);
    out[2] = emit_combine(c, f);
    out[3] = emit_finalize(c, f);
    out[4] = emit_message(c, f, np, start);
    free(start);
}

void cg_pivot_kernels(cg *c, const ir_form *f, LLVMValueRef out[CG_N_KERNELS])
{
    int *start;
    int np = rule_parts(c, f, &start);
    out[0] = emit_validate(c, f, np, start);
    out[1] = out[2] = out[3] = NULL;
    out[4] = emit_message(c, f, np, start);
    free(start);
}
