/* cg_llvm_int.h — state shared by the cg_llvm*.c files (internal). */
#ifndef CG_LLVM_INT_H
#define CG_LLVM_INT_H

#include <llvm-c/Core.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>

#include "cg_llvm.h"

typedef struct cg {
    LLVMContextRef ctx;
    LLVMModuleRef mod;
    LLVMBuilderRef b;
    LLVMTargetDataRef td;
    const ir_regime *ir;
    const cg_opts *o;
    LLVMTypeRef i1, i8, i32, i64, i128, ptr, vd;
    /* regime.h structs */
    LLVMTypeRef t_text, t_texts, t_code, t_codelist, t_tier, t_deadline, t_field, t_rule,
        t_column, t_batch, t_output, t_form, t_rollup, t_desc, t_read, t_value, t_hier, t_hier_total, t_lag, t_rollup_htotal;
    LLVMTypeRef fn_validate, fn_accumulate, fn_combine, fn_finalize, fn_message;
    LLVMValueRef g_zero_word, g_ones_word; /* targets of NULL bitmaps */
    char *error;                            /* first error, malloc'd */
} cg;

/* One evaluated expression: i64 value, i1 present, i1 overflow. */
typedef struct cg_val {
    LLVMValueRef v, p, o;
} cg_val;

/* Where the leaves of an expression come from. */
typedef struct cg_row {
    const ir_form *f;
    /* row mode: per-field value/presence of the current row (NULL: not
     * loaded yet, loaded on demand from the pointers below) */
    LLVMValueRef *cur_v, *cur_p, *prev_v, *prev_p, *child_v, *child_p;
    LLVMValueRef *vptr, *pword;      /* cols[f].v, present word of this block */
    LLVMValueRef *prev_vptr, *prev_pword; /* NULL when prev is NULL */
    LLVMValueRef *child_vptr, *child_pword; /* NULL when children is NULL */
    LLVMValueRef row, j, wf_word;    /* row index (i64), bit in block, well_formed word */
    /* other forms' columns (IR_OTHER), one slot per (form, field) read:
     * value pointer and stride (0 when NULL), presence word of this block,
     * whether v is NULL (then never present); loaded on demand per row */
    int n_oth;
    const int *oth_form, *oth_field;
    LLVMValueRef *oth_vptr, *oth_vstride, *oth_vnull, *oth_pword, *oth_v, *oth_p;
    /* IR_EXISTS (absent rows): the prev_rows / children_rows word of this
     * block (NULL: no such row), and per other slot the other_rows word and
     * whether that form is not joined at all (NULL words: no row) */
    LLVMValueRef x_prev_word, x_child_word;
    LLVMValueRef *oth_xword, *oth_xnone;
    /* finalize mode: the accumulator group */
    LLVMValueRef acc;
} cg_row;

void cg_types(cg *c);
LLVMValueRef cg_i64(cg *c, int64_t v);
LLVMValueRef cg_i32(cg *c, int64_t v);
LLVMValueRef cg_true(cg *c);
LLVMValueRef cg_false(cg *c);
void cg_fail(cg *c, const char *msg);

cg_val cg_expr(cg *c, cg_row *r, const ir_expr *e);
/* n / d rounded half away from zero, both i128; d != 0. *ovf: no i64 fit. */
LLVMValueRef cg_div_round128(cg *c, LLVMValueRef n, LLVMValueRef d, LLVMValueRef *ovf);
LLVMValueRef cg_intrinsic(cg *c, const char *name, LLVMTypeRef t, LLVMValueRef *args, unsigned n);
/* value and overflow of a + b / a - b / a * b (i64) */
LLVMValueRef cg_add_ovf(cg *c, LLVMValueRef a, LLVMValueRef b, LLVMValueRef *ovf);
LLVMValueRef cg_sub_ovf(cg *c, LLVMValueRef a, LLVMValueRef b, LLVMValueRef *ovf);
LLVMValueRef cg_mul_ovf(cg *c, LLVMValueRef a, LLVMValueRef b, LLVMValueRef *ovf);
/* present bit j of a bitmap word, as i1 */
LLVMValueRef cg_bit(cg *c, LLVMValueRef word, LLVMValueRef j);

/* Emits the kernels of a form: validate, accumulate, combine, finalize,
 * message. */
#define CG_N_KERNELS 5
void cg_kernels(cg *c, const ir_form *f, LLVMValueRef out[CG_N_KERNELS]);
/* A hierarchy's pivot form: validate and message only (the others NULL). */
void cg_pivot_kernels(cg *c, const ir_form *f, LLVMValueRef out[CG_N_KERNELS]);
/* Emits the descriptor and the ABI version; kernels[i] are form i's. */
void cg_descriptor(cg *c, LLVMValueRef (*kernels)[CG_N_KERNELS]);

#endif
