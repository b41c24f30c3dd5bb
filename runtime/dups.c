/*
 * dups.c — repeated keys in the submissions of a run: two rows with the
 * same unit, period and dimension values (a row sent twice, a file given
 * twice). `regrt validate` and `regrt status` report each repeated key with
 * both places and the code DUP1; `regrt rollup` leaves them out of the
 * totals (rollup.c, with the groups' sub-period masks).
 *
 * Workers hash each row's key (the raw text of the unit and of each
 * dimension value, the period number) into the block's result; the commit
 * adds the hashes in row order, so the first place of a key is its first
 * row in the run whatever the number of threads. The table keeps 16 bytes
 * per row (64-bit hash, file and row); two different keys with one hash
 * (about 1 in 10^7 for 10^6 rows... of 2^64) would be reported as a repeat.
 */
#include <stdlib.h>

#include "scan.h"

typedef struct dup_ent {
    uint64_t h;     /* 0 = empty slot (a hash of 0 is stored as 1) */
    uint64_t where; /* file << 40 | row */
    uint64_t line;
} dup_ent;

typedef struct dup_pair {
    uint64_t first, first_line, second, second_line;
} dup_pair;

struct rt_dupset {
    dup_ent *t;
    uint64_t mask, n;
    dup_pair *pairs; /* the first DUP_SHOW repeats */
    uint64_t n_pairs, n_rep;
};

#define DUP_SHOW 50

rt_dupset *rt_dups_new(void)
{
    rt_dupset *d = rt_xcalloc(1, sizeof *d);
    d->mask = (1u << 16) - 1;
    d->t = rt_xcalloc(d->mask + 1, sizeof *d->t);
    d->pairs = rt_xcalloc(DUP_SHOW, sizeof *d->pairs);
    return d;
}

void rt_dups_free(rt_dupset *d)
{
    if (!d) return;
    free(d->t);
    free(d->pairs);
    free(d);
}

static inline uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h *= 0xff51afd7ed558ccdull;
    return h ^ (h >> 33);
}

uint64_t rt_dups_key(const rg_form *f, const rg_batch *b, uint32_t i)
{
    const rg_column *uc = &b->cols[f->unit_field], *pc = &b->cols[f->period_field];
    uint64_t h = 0x5bd1e995u;
    h = mix(h, uc->str && uc->len ? rt_hash(uc->str[i], uc->len[i]) : (uint64_t)uc->v[i]);
    int pp = (int)(pc->present[i >> 6] >> (i & 63) & 1);
    h = mix(h, pp ? (uint64_t)pc->v[i] : ~0ull);
    for (uint32_t k = 0; k < f->n_dims; k++) {
        const rg_column *dc = &b->cols[f->dims[k]];
        h = mix(h, dc->str && dc->len ? rt_hash(dc->str[i], dc->len[i]) : (uint64_t)dc->v[i]);
    }
    return h ? h : 1;
}

static void grow(rt_dupset *d)
{
    uint64_t cap = (d->mask + 1) * 2;
    dup_ent *t = rt_xcalloc(cap, sizeof *t);
    for (uint64_t j = 0; j <= d->mask; j++) {
        if (!d->t[j].h) continue;
        uint64_t s = d->t[j].h & (cap - 1);
        while (t[s].h) s = (s + 1) & (cap - 1);
        t[s] = d->t[j];
    }
    free(d->t);
    d->t = t;
    d->mask = cap - 1;
}

void rt_dups_add(rt_dupset *d, uint64_t h, uint32_t file, uint64_t row, uint64_t line)
{
    if (d->n * 2 >= d->mask) grow(d);
    uint64_t s = h & d->mask;
    uint64_t where = (uint64_t)file << 40 | row;
    while (d->t[s].h) {
        if (d->t[s].h == h) {
            if (d->n_pairs < DUP_SHOW)
                d->pairs[d->n_pairs++] = (dup_pair){d->t[s].where, d->t[s].line, where, line};
            d->n_rep++;
            return;
        }
        s = (s + 1) & d->mask;
    }
    d->t[s] = (dup_ent){h, where, line};
    d->n++;
}

uint64_t rt_dups_count(const rt_dupset *d) { return d ? d->n_rep : 0; }

uint64_t rt_dups_report(const rt_dupset *d, const char *const *files)
{
    if (!d || !d->n_rep) return 0;
    rt_warn(TR("[DUP1] %llu row(s) repeat the unit, period and dimension values of an earlier row: a row or a file sent twice; a roll-up leaves them out",
               "[DUP1] %llu dòng lặp lại đơn vị, kỳ và giá trị chiều của một dòng trước: một dòng hoặc một tệp gửi hai lần; bảng tổng hợp sẽ loại chúng"),
            (unsigned long long)d->n_rep);
    for (uint64_t k = 0; k < d->n_pairs; k++) {
        const dup_pair *p = &d->pairs[k];
        rt_warn(TR("[DUP1]   %s:%llu (row %llu) repeats %s:%llu (row %llu)",
                   "[DUP1]   %s:%llu (dòng %llu) lặp lại %s:%llu (dòng %llu)"),
                files[p->second >> 40], (unsigned long long)p->second_line,
                (unsigned long long)(p->second & ((1ull << 40) - 1)), files[p->first >> 40],
                (unsigned long long)p->first_line, (unsigned long long)(p->first & ((1ull << 40) - 1)));
    }
    if (d->n_rep > d->n_pairs)
        rt_warn(TR("[DUP1]   ... and %llu more", "[DUP1]   ... và %llu dòng nữa"),
                (unsigned long long)(d->n_rep - d->n_pairs));
    return d->n_rep;
}
