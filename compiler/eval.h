/*
 * eval.h — the reference evaluator: a tree-walking interpreter over the IR
 * with exactly the contracts of the kernels in regime.h. `regc test` runs
 * spec tests through it, and the differential tests compare it bit for bit
 * with the compiled kernels. It favours obviousness over speed: one row at
 * a time, __builtin_*_overflow and __int128 for the exact arithmetic.
 */
#ifndef EVAL_H
#define EVAL_H

#include <stdint.h>

#include "ir.h"
#include "regime.h"

/* One evaluated expression. */
typedef struct eval_val {
    int64_t v;
    int present;
    int overflow;
} eval_val;

/* Evaluates `e` for row `row` of `b` (acc, for IR_ACC leaves, may be NULL). */
eval_val eval_expr(const ir_form *f, const ir_expr *e, const rg_batch *b, uint32_t row,
                   const int64_t *acc);

/* Whether the row leaf `leaf` reads from exists (IR_EXISTS). */
int eval_exists(const ir_expr *leaf, const rg_batch *b, uint32_t row);

/* The kernels, same contracts as rg_validate_fn etc. */
int eval_validate(const ir_form *f, const rg_batch *b, uint64_t *const *fail, uint64_t *overflow);
int eval_accumulate(const ir_form *f, const rg_batch *b, const uint32_t *slot, const uint8_t *pos,
                    int64_t *acc);
int eval_combine(const ir_form *f, int64_t *dst, const int64_t *src);
void eval_finalize(const ir_form *f, const int64_t *acc, int64_t *out, uint64_t *present);

/* x * 10^k exactly (1 on overflow) and x / 10^k rounded half away from zero. */
int eval_scale_up(int64_t x, int k, int64_t *out);
int64_t eval_scale_down(int64_t x, int k);
/* n / d rounded half away from zero; 1 on overflow (d != 0). */
int eval_div_round128(__int128 n, __int128 d, int64_t *out);

#endif
