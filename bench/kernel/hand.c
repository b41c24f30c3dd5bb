/*
 * hand.c — the tthc validate kernel written by hand in C, the reference
 * point of the kernel micro-benchmark: the same columns (regime.h
 * batches), the same rules and the same output bits as the kernel `regc
 * build` generates, written the way a careful engineer would (one pass,
 * bitmap words of 64 rows, no overflow checks because the inputs are
 * 9-digit counts). Compiled with -O2.
 *
 * Fail words are in the descriptor's rule order: C1, V1..V8.
 */
#include <stdint.h>
#include <string.h>

#include "regime.h"

enum { F_UNIT, F_PERIOD, F_DOMAIN, F_CARRIED, F_NEW_ONLINE, F_NEW_DIRECT, F_RECEIVED, F_EARLY,
       F_ONTIME, F_LATE, F_RESOLVED, F_PENDING_DUE, F_PENDING_OVERDUE, F_PENDING };
enum { R_C1, R_V1, R_V2, R_V3, R_V4, R_V5, R_V6, R_V7, R_V8, N_RULES };

int hand_validate(const rg_batch *b, uint64_t *const *fail, uint64_t *overflow);

int hand_validate(const rg_batch *b, uint64_t *const *fail, uint64_t *overflow)
{
    const uint32_t n = b->n_rows, nw = (n + 63) / 64;
    const rg_column *c = b->cols;
    const int64_t *ca = c[F_CARRIED].v, *on = c[F_NEW_ONLINE].v, *di = c[F_NEW_DIRECT].v,
                  *rec = c[F_RECEIVED].v, *ea = c[F_EARLY].v, *ot = c[F_ONTIME].v, *la = c[F_LATE].v,
                  *res = c[F_RESOLVED].v, *pd = c[F_PENDING_DUE].v, *po = c[F_PENDING_OVERDUE].v,
                  *pe = c[F_PENDING].v, *unit = c[F_UNIT].v, *dom = c[F_DOMAIN].v;
    const int64_t *ppe = b->prev ? b->prev[F_PENDING].v : NULL;
    for (uint32_t w = 0; w < nw; w++) {
        uint32_t base = w * 64, cnt = n - base < 64 ? n - base : 64;
        uint64_t wf = b->well_formed[w], pu = c[F_UNIT].present[w], pdm = c[F_DOMAIN].present[w];
        uint64_t pca = c[F_CARRIED].present[w], ppp = ppe ? b->prev[F_PENDING].present[w] : 0;
        uint64_t v1 = 0, v2 = 0, v3 = 0, v4 = 0, v6 = 0, v7 = 0, v8 = 0, c1 = 0;
        for (uint32_t j = 0; j < cnt; j++) {
            uint32_t i = base + j;
            v1 |= (uint64_t)(rec[i] != ca[i] + on[i] + di[i]) << j;
            v2 |= (uint64_t)(res[i] != ea[i] + ot[i] + la[i]) << j;
            v3 |= (uint64_t)(pe[i] != pd[i] + po[i]) << j;
            v4 |= (uint64_t)(rec[i] != res[i] + pe[i]) << j;
            v8 |= (uint64_t)((ea[i] + ot[i]) * 2 < res[i]) << j;
            v6 |= (uint64_t)(dom[i] < 0) << j;
            v7 |= (uint64_t)(unit[i] < 0) << j;
            if (ppe)
                c1 |= (uint64_t)(ca[i] != ppe[i]) << j;
        }
        uint64_t live = cnt == 64 ? ~0ull : (1ull << cnt) - 1;
        fail[R_V1][w] = v1 & wf;
        fail[R_V2][w] = v2 & wf;
        fail[R_V3][w] = v3 & wf;
        fail[R_V4][w] = v4 & wf;
        fail[R_V5][w] = ~wf & live;
        fail[R_V6][w] = (v6 | ~pdm) & live;
        fail[R_V7][w] = (v7 | ~pu) & live;
        fail[R_V8][w] = v8 & wf;
        fail[R_C1][w] = c1 & pca & ppp;
        overflow[w] = 0;
    }
    return 0;
}
