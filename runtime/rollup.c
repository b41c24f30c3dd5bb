/*
 * rollup.c — accumulating valid rows into groups and rolling them up tiers.
 *
 * The kernels address groups as acc + slot * n_acc, so groups live in one
 * array. They are numbered in order of first use: a (period, dims) block
 * holds, per unit, the number of its group (0 = none yet). Memory thus
 * follows the groups that receive rows, however many units the list has,
 * and rows of one commune and month land next to each other. The array is
 * an anonymous mapping grown with mremap (no copy) and advised to use huge
 * pages: on virtual machines the first touch of each 4 KiB page costs
 * microseconds. Parents are groups of the same blocks, made when a child
 * is rolled into them, bottom tier first.
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "crossform.h"
#include "ext.h"

struct rt_acc {
    const rt_regime *rg;
    const rg_regime_desc *desc;
    const rg_form *form;
    const rg_rollup *ru;
    const rt_units *units;
    uint32_t n_acc, n_units, n_combos, n_dims;
    uint32_t *dim_card;  /* values per dimension, the last one = empty */
    /* Totals across dimensions (rg_rollup.totals): a totalled dimension has
     * one more value, dim_card[k] = its total (RG_TOTAL_CODE), and combos
     * are numbered with dim_mul[k] values per dimension (= dim_card[k]
     * when no total needs it). */
    uint32_t *dim_mul, *dim_stride; /* ... and combo = sum of value * stride */
    uint64_t total_dims;  /* the dimensions some total collapses */
    /* `total over d by H` (rg_rollup.htotals): per dimension, NULL or per
     * value 1 when a hierarchy computes that code (its sent rows are left
     * out, skip_htot, counted per hierarchy name in the summary) */
    uint8_t **hcode;
    uint64_t skip_htot;
    int32_t unit_field, period_field;
    int unit_tier;
    uint32_t unit_lo, unit_hi;
    uint32_t src_freq, dst_freq;
    pthread_mutex_t mu;
    uint32_t n_periods;
    int64_t *period_num;
    int32_t *src_map; /* source period -> 0 unknown, -1 none, ((pidx << 8) | pos) + 1 */
    uint8_t *nsub;    /* per period index: sub-periods of the target period */
    int64_t *src_first; /* per period index: its first source period */
    int64_t src_map_n;
    int64_t *acc;     /* n_groups * n_acc words */
    /* Completeness (bottom-tier units with rows) of the parent groups, which
     * roll_up numbers from n_leaf on; a leaf group counts its own unit. */
    uint32_t *pcount;
    uint32_t n_leaf, pcount_cap;
    size_t acc_bytes;
    uint32_t n_groups, cap_groups;
    /* per period index, per combo: unit -> group + 1 (0 = none yet). Each
     * pointer and entry is written once, under the lock, and may be read
     * without it (atomic loads): most rows find their group lock-free. */
    uint32_t ***blk;
    uint32_t *gcount; /* per unit, after roll_up: groups that are not empty */
    uint64_t skip_unit, skip_period, skip_dim, skip_full, rows_in;
    /* --period 2025-Q3: rows of other output periods are left out (and
     * counted) as they come, not accumulated. -1 = every period. */
    int64_t only_period;
    uint64_t skip_filter;
    int full; /* the slot space is exhausted */
    /* Duplicates: a (unit, sub-period, dimensions) key seen twice. The
     * repeated row is not added and the unit's whole group (its roll-up
     * period) is left out: which of the rows is right cannot be known. */
    int merging;         /* re-basing: rows of several old units share a group */
    const struct rt_rebase *rebase; /* ... and the provenance columns */
    uint8_t *poison;     /* per group: 1 = holds a duplicated key */
    uint32_t poison_cap;
    uint64_t dup_rows;   /* repeated rows */
    uint64_t dup_groups, dup_group_rows; /* groups left out, and their rows */
    struct dupkey { uint32_t unit, combo; int64_t period; } *dups;
    uint32_t n_dups;     /* keys kept for the report (at most DUP_KEEP) */
    uint32_t *expect;    /* per unit: units of the form's tier at or below it */
    /* Per-unit fields (perunit.c): their figures go, once per unit and
     * sub-period, into the unit's own group of the extra combination
     * unit_combo (the last; UINT32_MAX when the form has none), written
     * with empty dimension columns. pu_mask: the outputs of per-unit
     * fields, shown on that row only; the others on the dimension rows. */
    uint32_t unit_combo;
    /* With a total over every dimension (`total over` all of them), the
     * per-unit figures are written on that total row instead (grand: its
     * combo), taken from the unit's group; UINT32_MAX otherwise. */
    uint32_t grand;
    uint64_t pu_mask;
    rt_pu *pu;
};

#define DUP_KEEP 20

/* REGRT_HUGEPAGES=0 turns the huge-page hint off (for measurements). */
static int want_huge(void)
{
    const char *e = getenv("REGRT_HUGEPAGES");
    return !(e && *e == '0');
}

static void *map_grow(void *old, size_t old_bytes, size_t new_bytes)
{
    void *p;
    if (!old) p = mmap(NULL, new_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    else p = mremap(old, old_bytes, new_bytes, MREMAP_MAYMOVE);
    if (p == MAP_FAILED) return NULL;
#ifdef MADV_HUGEPAGE
    /* Used blocks are contiguous megabytes of groups: huge pages cut the
     * page faults of first touch by 512, which dominates on virtual machines
     * where each fresh 4 KiB page costs microseconds. Only a hint. */
    if (want_huge()) madvise(p, new_bytes, MADV_HUGEPAGE);
#endif
    return p;
}

#define MAX_PERIODS 65536u

static inline void *load_ptr(void *const *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }

/* The table of block (pidx, combo), or NULL; lock-free. */
static inline uint32_t *block_tab(const rt_acc *a, uint32_t pidx, uint32_t combo)
{
    uint32_t **pp = load_ptr((void *const *)&a->blk[pidx]);
    return pp ? load_ptr((void *const *)&pp[combo]) : NULL;
}

static inline uint32_t ucount_of(const rt_acc *a, uint32_t k) { return k < a->n_leaf ? 1 : a->pcount[k - a->n_leaf]; }

static void ucount_add(rt_acc *a, uint32_t pk, uint32_t v)
{
    uint32_t i = pk - a->n_leaf;
    if (i >= a->pcount_cap) {
        uint32_t cap = a->pcount_cap ? a->pcount_cap : 4096;
        while (cap <= i) cap *= 2;
        a->pcount = rt_xrealloc(a->pcount, (size_t)cap * sizeof *a->pcount);
        memset(a->pcount + a->pcount_cap, 0, (size_t)(cap - a->pcount_cap) * sizeof *a->pcount);
        a->pcount_cap = cap;
    }
    a->pcount[i] += v;
}

/* A new zeroed group; its number, or UINT32_MAX when memory or numbers run out. */
static uint32_t new_group(rt_acc *a)
{
    if (a->n_groups == a->cap_groups) {
        uint64_t cap = a->cap_groups ? (uint64_t)a->cap_groups * 2 : 65536;
        if (cap >= UINT32_MAX) cap = UINT32_MAX - 1;
        if (cap <= a->n_groups) return UINT32_MAX;
        size_t ab = (size_t)cap * a->n_acc * sizeof(int64_t);
        int64_t *acc = map_grow(a->acc, a->acc_bytes, ab);
        if (!acc) return UINT32_MAX;
        a->acc = acc;
        a->acc_bytes = ab;
        a->cap_groups = (uint32_t)cap;
    }
    return a->n_groups++;
}

/* The group of unit g in block (pidx, combo), made when missing. Under the lock. */
static uint32_t group_of(rt_acc *a, uint32_t pidx, uint32_t combo, uint32_t g)
{
    uint32_t **pp = a->blk[pidx];
    if (!pp) {
        pp = rt_xcalloc(a->n_combos, sizeof *pp);
        __atomic_store_n(&a->blk[pidx], pp, __ATOMIC_RELEASE);
    }
    uint32_t *tab = pp[combo];
    if (!tab) {
        tab = rt_xcalloc(a->n_units, sizeof *tab);
        __atomic_store_n(&pp[combo], tab, __ATOMIC_RELEASE);
    }
    if (tab[g]) return tab[g] - 1;
    uint32_t k = new_group(a);
    if (k == UINT32_MAX) return k;
    __atomic_store_n(&tab[g], k + 1, __ATOMIC_RELEASE);
    return k;
}

static int64_t max_period(uint32_t freq)
{
    switch (freq) {
    case RG_F_MONTHLY: return 10000 * 12;
    case RG_F_QUARTERLY: return 10000 * 4;
    case RG_F_HALF_YEARLY: return 10000 * 2;
    default: return 10000;
    }
}

/* Whether some period of `from` falls inside one of `to`. */
static int freq_compatible(uint32_t from, uint32_t to)
{
    int64_t first = rt_period_parse(from, "2000-01", 7), t;
    uint8_t pos;
    if (first < 0) first = rt_period_parse(from, "2000-Q1", 7);
    if (first < 0) first = rt_period_parse(from, "2000-H1", 7);
    if (first < 0) first = rt_period_parse(from, "2000-9M", 7);
    if (first < 0) first = rt_period_parse(from, "2000", 4);
    return first >= 0 && rt_period_map(from, first, to, &t, &pos) == 0;
}

rt_acc *rt_acc_new(const rt_regime *rg, const rg_rollup *ru, const rt_units *u, uint32_t dst_freq,
                   rt_error *err)
{
    const rg_regime_desc *d = rg->desc;
    const rg_form *f = &d->forms[ru->form];
    if (f->unit_field < 0 || f->period_field < 0) {
        rt_err(err, 2, TR("form '%s' has no unit or no period field, so it cannot be rolled up",
                          "biểu '%s' không có trường đơn vị hoặc kỳ nên không tổng hợp được"),
               f->code);
        return NULL;
    }
    if (!freq_compatible(f->frequency, dst_freq)) {
        rt_err(err, 2, TR("cannot roll %s data of form '%s' up into %s periods; choose a coarser period",
                          "không thể tổng hợp số liệu %s của biểu '%s' thành kỳ %s; hãy chọn kỳ dài hơn"),
               rt_freq_name(f->frequency), f->code, rt_freq_name(dst_freq));
        return NULL;
    }
    rt_acc *a = rt_xcalloc(1, sizeof *a);
    a->rg = rg;
    a->desc = d;
    a->form = f;
    a->ru = ru;
    a->units = u;
    a->n_acc = f->n_acc;
    a->n_units = rt_units_total(u);
    a->unit_tier = f->unit_tier;
    a->unit_lo = rt_units_base(u, f->unit_tier);
    a->unit_hi = a->unit_lo + rt_units_count(u, f->unit_tier);
    a->unit_field = f->unit_field;
    a->period_field = f->period_field;
    a->src_freq = f->frequency;
    a->dst_freq = dst_freq;
    a->n_dims = f->n_dims;
    a->dim_card = rt_xcalloc(f->n_dims ? f->n_dims : 1, sizeof *a->dim_card);
    a->dim_mul = rt_xcalloc(f->n_dims ? f->n_dims : 1, sizeof *a->dim_mul);
    for (uint32_t t = 0; t < ru->n_totals; t++) a->total_dims |= ru->totals[t];
    uint64_t combos = 1;
    for (uint32_t k = 0; k < f->n_dims; k++) {
        const rg_field *fd = &f->fields[f->dims[k]];
        if (fd->type == RG_T_CODE) a->dim_card[k] = d->codelists[fd->codelist].n_codes + 1;
        else if (fd->type == RG_T_BOOL) a->dim_card[k] = 3;
        else {
            rt_err(err, 2, TR("dimension '%s' of form '%s' is not a code list or a yes/no field; the roll-up cannot group by it",
                              "chiều '%s' của biểu '%s' không phải danh mục mã hay trường có/không; không thể tổng hợp theo chiều này"),
                   fd->code, f->code);
            free(a->dim_card);
            free(a->dim_mul);
            free(a);
            return NULL;
        }
        a->dim_mul[k] = a->dim_card[k] + (k < 64 && (a->total_dims >> k & 1));
        combos *= a->dim_mul[k];
    }
    if (combos > ((uint64_t)1 << 24) || !a->n_units) {
        rt_err(err, 2, TR("the roll-up of form '%s' cannot group %llu units by %llu combinations of dimension values",
                          "tổng hợp biểu '%s' không thể nhóm %llu đơn vị theo %llu tổ hợp giá trị chiều"),
               f->code, (unsigned long long)a->n_units, (unsigned long long)combos);
        free(a->dim_card);
        free(a->dim_mul);
        free(a);
        return NULL;
    }
    a->n_combos = (uint32_t)combos;
    a->dim_stride = rt_xcalloc(f->n_dims ? f->n_dims : 1, sizeof *a->dim_stride);
    if (ru->n_htotals) {
        a->hcode = rt_xcalloc(f->n_dims ? f->n_dims : 1, sizeof *a->hcode);
        for (uint32_t t = 0; t < ru->n_htotals; t++) {
            const rg_rollup_htotal *h = &ru->htotals[t];
            if (h->dim >= f->n_dims || (uint32_t)h->code + 1 >= a->dim_card[h->dim]) continue; /* load.c */
            if (!a->hcode[h->dim]) a->hcode[h->dim] = rt_xcalloc(a->dim_card[h->dim], 1);
            a->hcode[h->dim][h->code] = 1;
        }
    }
    for (uint32_t k = f->n_dims, st = 1; k-- > 0; st *= a->dim_mul[k]) a->dim_stride[k] = st;
    a->unit_combo = UINT32_MAX;
    for (uint32_t o = 0; o < f->n_outputs && o < 64; o++) {
        int32_t fi = f->outputs[o].field;
        if (fi >= 0 && (f->fields[fi].flags & RG_FIELD_PER_UNIT)) a->pu_mask |= 1ull << o;
    }
    a->grand = UINT32_MAX;
    if (a->pu_mask && f->n_dims) {
        a->unit_combo = a->n_combos++;
        uint64_t all = f->n_dims >= 64 ? ~0ull : (1ull << f->n_dims) - 1;
        for (uint32_t t = 0; t < ru->n_totals; t++)
            if ((ru->totals[t] & all) == all) {
                a->grand = 0;
                for (uint32_t k = 0; k < f->n_dims && k < 64; k++) a->grand += a->dim_card[k] * a->dim_stride[k];
            }
    }
    a->src_map_n = max_period(f->frequency);
    a->src_map = rt_xcalloc((size_t)a->src_map_n, sizeof *a->src_map);
    a->only_period = -1;
    a->nsub = rt_xcalloc(MAX_PERIODS, sizeof *a->nsub);
    a->src_first = rt_xcalloc(MAX_PERIODS, sizeof *a->src_first);
    pthread_mutex_init(&a->mu, NULL);
    a->blk = rt_xcalloc(MAX_PERIODS, sizeof *a->blk);
    a->period_num = rt_xcalloc(MAX_PERIODS, sizeof *a->period_num);
    return a;
}

void rt_acc_free(rt_acc *a)
{
    if (!a) return;
    if (a->acc) munmap(a->acc, a->acc_bytes);
    free(a->pcount);
    pthread_mutex_destroy(&a->mu);
    for (uint32_t p = 0; a->blk && p < a->n_periods; p++) {
        for (uint32_t c = 0; a->blk[p] && c < a->n_combos; c++) free(a->blk[p][c]);
        free(a->blk[p]);
    }
    free(a->blk);
    free(a->gcount);
    free(a->period_num);
    free(a->src_map);
    free(a->nsub);
    free(a->src_first);
    free(a->poison);
    free(a->dups);
    free(a->expect);
    free(a->dim_card);
    free(a->dim_mul);
    free(a->dim_stride);
    for (uint32_t k = 0; a->hcode && k < a->n_dims; k++) free(a->hcode[k]);
    free(a->hcode);
    free(a);
}

/* Index of the target period of source period p, registering it. Under the lock. */
static int32_t period_slot(rt_acc *a, int64_t p)
{
    if (p < 0 || p >= a->src_map_n) return -1;
    int32_t e = a->src_map[p];
    if (e) return e;
    int64_t t;
    uint8_t pos;
    if (rt_period_map(a->src_freq, p, a->dst_freq, &t, &pos)) {
        __atomic_store_n(&a->src_map[p], -1, __ATOMIC_RELEASE);
        return -1;
    }
    if (a->only_period >= 0 && t != a->only_period) {
        __atomic_store_n(&a->src_map[p], -3, __ATOMIC_RELEASE);
        return -3;
    }
    uint32_t i;
    for (i = 0; i < a->n_periods; i++)
        if (a->period_num[i] == t) break;
    if (i == a->n_periods) {
        if (i == MAX_PERIODS) {
            a->full = 1;
            return -2;
        }
        a->period_num[i] = t;
        int64_t f, l, tf, tl;
        if (!rt_period_months(a->src_freq, p, &f, &l) && !rt_period_months(a->dst_freq, t, &tf, &tl))
            a->nsub[i] = (uint8_t)((tl - tf + 1) / (l - f + 1));
        a->src_first[i] = p - (pos >> 2);
        a->n_periods++;
    }
    e = (int32_t)(((i << 8) | pos) + 1);
    __atomic_store_n(&a->src_map[p], e, __ATOMIC_RELEASE);
    return e;
}

void rt_acc_per_unit(rt_acc *a, rt_pu *p)
{
    if (a->unit_combo != UINT32_MAX) a->pu = p;
}

void rt_acc_rebasing(rt_acc *a, const struct rt_rebase *r)
{
    a->merging = 1;
    a->rebase = r;
}

/* Rows whose (unit, sub-period, dimensions) is already in their group: the
 * sub-period's bit of the group's mask (set here as well as by the kernel,
 * for two rows of one batch). They are not added; the group is marked.
 * Under the lock; returns the number of such rows. */
static uint32_t find_dups(rt_acc *a, const rg_batch *b, uint32_t *slot, const uint8_t *pos, const uint32_t *combo)
{
    const uint32_t na = a->n_acc, n = b->n_rows;
    uint32_t nd = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t k = slot[i];
        if (k == UINT32_MAX) continue;
        int64_t *mask = &a->acc[(size_t)k * na + RG_ACC_MASK(na)];
        int64_t bit = (int64_t)(1ull << (pos[i] >> 2));
        if (!(*mask & bit)) {
            *mask |= bit;
            continue;
        }
        slot[i] = UINT32_MAX;
        nd++;
        a->dup_rows++;
        if (k >= a->poison_cap) {
            uint32_t cap = a->poison_cap ? a->poison_cap : 1024;
            while (cap <= k) cap *= 2;
            a->poison = rt_xrealloc(a->poison, cap);
            memset(a->poison + a->poison_cap, 0, cap - a->poison_cap);
            a->poison_cap = cap;
        }
        a->poison[k] = 1;
        if (a->n_dups < DUP_KEEP) {
            if (!a->dups) a->dups = rt_xcalloc(DUP_KEEP, sizeof *a->dups);
            struct dupkey *d = &a->dups[a->n_dups++];
            d->unit = (uint32_t)b->cols[a->unit_field].v[i];
            d->combo = combo[i];
            d->period = b->cols[a->period_field].v[i];
        }
    }
    return nd;
}

void rt_acc_batch(rt_acc *a, const rg_batch *b, const uint64_t *valid, uint32_t *slot, uint8_t *pos,
                  uint32_t *combo)
{
    const uint32_t n = b->n_rows;
    const rg_column *uc = &b->cols[a->unit_field], *pc = &b->cols[a->period_field];
    uint64_t sk_unit = 0, sk_dim = 0, sk_period = 0, sk_full = 0, sk_filter = 0, sk_htot = 0, in = 0;
    uint32_t misses = 0;
    int64_t last_p = -1;
    int32_t e = 0;
    /* Outside the lock: unit, dimensions, period and, when it exists
     * already, the group. combo[i] keeps UINT32_MAX for rows to skip and the
     * combination for rows whose group must be made under the lock. */
    for (uint32_t i = 0; i < n; i++) {
        uint64_t bit = 1ull << (i & 63);
        slot[i] = UINT32_MAX;
        combo[i] = UINT32_MAX;
        if (!(valid[i >> 6] & bit)) continue;
        int64_t u = uc->v[i];
        if (!(uc->present[i >> 6] & bit) || u < a->unit_lo || u >= a->unit_hi) {
            sk_unit++;
            continue;
        }
        if (!(pc->present[i >> 6] & bit) || pc->v[i] < 0 || pc->v[i] >= a->src_map_n) {
            sk_period++;
            continue;
        }
        uint32_t cb = 0;
        int ok = 1;
        for (uint32_t k = 0; k < a->n_dims; k++) {
            const rg_column *dc = &b->cols[a->form->dims[k]];
            uint32_t card = a->dim_card[k], x;
            if (!(dc->present[i >> 6] & bit)) x = card - 1;
            else if (dc->v[i] < 0 || dc->v[i] >= card - 1) {
                ok = 0;
                break;
            } else x = (uint32_t)dc->v[i];
            if (a->hcode && a->hcode[k] && a->hcode[k][x]) ok = -1; /* the roll-up computes this code */
            cb = cb * a->dim_mul[k] + x;
        }
        if (ok <= 0) {
            if (ok) sk_htot++;
            else sk_dim++;
            continue;
        }
        if (pc->v[i] != last_p) {
            last_p = pc->v[i];
            e = __atomic_load_n(&a->src_map[last_p], __ATOMIC_ACQUIRE);
        }
        if (e < 0) {
            if (e == -3) sk_filter++;
            else sk_period++;
            continue;
        }
        combo[i] = cb;
        if (e > 0) {
            pos[i] = (uint8_t)((e - 1) & 255);
            const uint32_t *tab = block_tab(a, (uint32_t)(e - 1) >> 8, cb);
            uint32_t g = tab ? __atomic_load_n(&tab[u], __ATOMIC_ACQUIRE) : 0;
            if (g) {
                slot[i] = g - 1;
                in++;
                continue;
            }
        }
        misses++;
    }
    pthread_mutex_lock(&a->mu);
    if (misses) {
        last_p = -1;
        for (uint32_t i = 0; i < n; i++) {
            if (slot[i] != UINT32_MAX || combo[i] == UINT32_MAX) continue;
            if (pc->v[i] != last_p) {
                last_p = pc->v[i];
                e = period_slot(a, last_p);
            }
            if (e < 0) {
                if (e == -2) sk_full++;
                else if (e == -3) sk_filter++;
                else sk_period++;
                continue;
            }
            pos[i] = (uint8_t)((e - 1) & 255);
            uint32_t k = group_of(a, (uint32_t)(e - 1) >> 8, combo[i], (uint32_t)uc->v[i]);
            if (k == UINT32_MAX) {
                a->full = 1;
                sk_full++;
            } else {
                in++;
            }
            slot[i] = k;
        }
    }
    if (!a->merging) in -= find_dups(a, b, slot, pos, combo);
    a->form->accumulate(b, slot, pos, a->acc);
    if (a->pu) {
        /* the per-unit figures: once per unit and sub-period, from the
         * first of its rows that went in */
        uint32_t any = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (slot[i] == UINT32_MAX || !rt_pu_take(a->pu, b, i)) {
                slot[i] = UINT32_MAX;
                continue;
            }
            int32_t e2 = a->src_map[pc->v[i]];
            uint32_t k = group_of(a, (uint32_t)(e2 - 1) >> 8, a->unit_combo, (uint32_t)uc->v[i]);
            if (k == UINT32_MAX) a->full = 1;
            slot[i] = k;
            any += k != UINT32_MAX;
        }
        if (any) {
            find_dups(a, b, slot, pos, combo);
            a->form->accumulate(b, slot, pos, a->acc);
        }
    }
    a->skip_unit += sk_unit;
    a->skip_dim += sk_dim;
    a->skip_htot += sk_htot;
    a->skip_period += sk_period;
    a->skip_full += sk_full;
    a->skip_filter += sk_filter;
    a->rows_in += in;
    pthread_mutex_unlock(&a->mu);
}

/* ---- roll-up and output ----------------------------------------------------------- */

typedef struct label {
    const char *s;
    uint32_t n;
} label;

static int cmp_label(const void *x, const void *y, void *ctx)
{
    const label *l = ctx;
    const label *a = &l[*(const uint32_t *)x], *b = &l[*(const uint32_t *)y];
    uint32_t n = a->n < b->n ? a->n : b->n;
    int c = memcmp(a->s, b->s, n);
    return c ? c : (a->n > b->n) - (a->n < b->n);
}

typedef struct rt_rollup_filter {
    int max_level;     /* index into ru->levels, inclusive */
    int64_t period;    /* -1 = every period */
    int full;          /* --layout full: unit_name, parent_code, `period` */
} rt_rollup_filter;

/* ---- totals across dimensions ----------------------------------------------------- */

/* Value of dimension k in combo c. */
static inline uint32_t combo_at(const rt_acc *a, uint32_t c, uint32_t k)
{
    return c / a->dim_stride[k] % a->dim_mul[k];
}

/* Whether combo c is a total's: some dimension holds its total value (the
 * unit's own row of per-unit fields is none). */
static int combo_is_total(const rt_acc *a, uint32_t c)
{
    if (c == a->unit_combo) return 0;
    for (uint32_t k = 0; k < a->n_dims && k < 64; k++)
        if ((a->total_dims >> k & 1) && combo_at(a, c, k) == a->dim_card[k]) return 1;
    return 0;
}

/* The combo of total `mask` that combo c goes into: the dimensions of the
 * mask at their total value, the others as in c. */
static uint32_t combo_total(const rt_acc *a, uint32_t c, uint64_t mask)
{
    for (uint32_t k = 0; k < a->n_dims && k < 64; k++)
        if (mask >> k & 1) c += (a->dim_card[k] - combo_at(a, c, k)) * a->dim_stride[k];
    return c;
}

/* The combos a total combo c adds up (its members): each totalled
 * dimension over its codes and the empty value, never over another total.
 * member_first gives the first, member_next steps (0 at the end). */
static uint32_t member_first(const rt_acc *a, uint32_t c)
{
    for (uint32_t k = 0; k < a->n_dims && k < 64; k++)
        if ((a->total_dims >> k & 1) && combo_at(a, c, k) == a->dim_card[k]) c -= a->dim_card[k] * a->dim_stride[k];
    return c;
}

static int member_next(const rt_acc *a, uint32_t c, uint32_t *m)
{
    for (uint32_t k = a->n_dims; k-- > 0;) {
        if (k >= 64 || !(a->total_dims >> k & 1) || combo_at(a, c, k) != a->dim_card[k]) continue;
        uint32_t x = combo_at(a, *m, k);
        if (x + 1 < a->dim_card[k]) {
            *m += a->dim_stride[k];
            return 1;
        }
        *m -= x * a->dim_stride[k];
    }
    return 0;
}

/* What the missing-value modes need of a total row (unit g, period p,
 * total combo c): its items are those of the rows it adds up, so `mult`
 * member combos have rows in the period (each expects the unit's items
 * once) and `units` is the sum of their units with a stock. */
typedef struct texp {
    uint64_t mult, units;
} texp;

/* Whether combo c holds a code a hierarchy computes (`total over d by H`). */
static int combo_is_htotal(const rt_acc *a, uint32_t c)
{
    for (uint32_t k = 0; a->hcode && k < a->n_dims; k++)
        if (a->hcode[k] && combo_at(a, c, k) < a->dim_card[k] && a->hcode[k][combo_at(a, c, k)]) return 1;
    return 0;
}

/* The items of combo c: those of its leaf combos, a computed code of a
 * hierarchy expanded to its parts (which are never computed codes). */
static void leaf_expect(const rt_acc *a, uint32_t p, uint32_t c, uint32_t g, texp *te)
{
    const rg_rollup *ru = a->ru;
    for (uint32_t j = 0; a->hcode && j < ru->n_htotals; j++) {
        const rg_rollup_htotal *h = &ru->htotals[j];
        uint32_t x = combo_at(a, c, h->dim);
        if (x != (uint32_t)h->code) continue;
        for (uint32_t q = 0; q < h->n_parts; q++)
            leaf_expect(a, p, c - x * a->dim_stride[h->dim] + (uint32_t)h->parts[q] * a->dim_stride[h->dim], g, te);
        return;
    }
    const uint32_t na = a->n_acc;
    const uint32_t *tab = block_tab(a, p, c);
    if (!tab) return;
    te->mult++;
    uint32_t gi = tab[g];
    if (gi && a->acc[(size_t)(gi - 1) * na + na - 1] > 0) te->units += ucount_of(a, gi - 1);
}

static void total_expect(const rt_acc *a, uint32_t p, uint32_t c, uint32_t g, texp *te)
{
    te->mult = te->units = 0;
    if (!a->total_dims || !combo_is_total(a, c)) {
        leaf_expect(a, p, c, g, te);
        return;
    }
    uint32_t m = member_first(a, c);
    do leaf_expect(a, p, m, g, te);
    while (member_next(a, c, &m));
}

/* The groups of the codes hierarchies compute (`total over d by H`): each
 * form-tier unit's group of a part code combined into the group of the
 * total code, dimension by dimension (so that a code computed over two
 * dimensions gets its parts' computed groups). The parts are leaves, never
 * computed codes, and the sent rows of computed codes were left out as
 * they came: nothing is added twice. */
static int make_htotals(rt_acc *a)
{
    const rg_rollup *ru = a->ru;
    const uint32_t na = a->n_acc;
    for (uint32_t k = 0; k < a->n_dims; k++) {
        if (!a->hcode[k]) continue;
        for (uint32_t p = 0; p < a->n_periods; p++)
            for (uint32_t c = 0; c < a->n_combos; c++) {
                const uint32_t *tab = block_tab(a, p, c);
                if (!tab || c == a->unit_combo || combo_is_total(a, c)) continue;
                uint32_t x = combo_at(a, c, k);
                for (uint32_t j = 0; j < ru->n_htotals; j++) {
                    const rg_rollup_htotal *h = &ru->htotals[j];
                    int part = 0;
                    for (uint32_t q = 0; h->dim == k && q < h->n_parts; q++) part |= (uint32_t)h->parts[q] == x;
                    if (!part) continue;
                    uint32_t tc = c - x * a->dim_stride[k] + (uint32_t)h->code * a->dim_stride[k];
                    for (uint32_t g = a->unit_lo; g < a->unit_hi; g++) {
                        tab = block_tab(a, p, c); /* group_of may have made blocks */
                        uint32_t gi = tab[g];
                        if (!gi) continue;
                        uint32_t s = gi - 1;
                        int64_t cnt = a->acc[(size_t)s * na + na - 1];
                        if (cnt == 0 || (s < a->poison_cap && a->poison[s])) continue;
                        uint32_t tk = group_of(a, p, tc, g);
                        if (tk == UINT32_MAX) {
                            a->full = 1;
                            return -1;
                        }
                        int64_t *dst = a->acc + (size_t)tk * na, *src = a->acc + (size_t)s * na;
                        if (cnt < 0 || dst[na - 1] < 0) dst[na - 1] = INT64_MIN; /* overflow is contagious */
                        else a->form->combine(dst, src);
                    }
                }
            }
    }
    return 0;
}

/* The total groups of the form's tier: each unit's group of every
 * (period, combo) combined into the group of each total it belongs to,
 * with the form's own combine kernel — before roll_up, which then rolls
 * the total groups up the tiers like any other. Built from the unit's
 * own groups only, never from another total, so nothing is added twice.
 * A group left out for a repeated key (DUP1) is left out of the totals
 * as of its parents. Returns -1 when groups ran out. */
static int make_totals(rt_acc *a)
{
    const rg_rollup *ru = a->ru;
    const uint32_t na = a->n_acc;
    for (uint32_t p = 0; p < a->n_periods; p++)
        for (uint32_t c = 0; c < a->n_combos; c++) {
            const uint32_t *tab = block_tab(a, p, c);
            /* the unit's own row (per-unit fields) is no value of the dimensions */
            if (!tab || c == a->unit_combo || combo_is_total(a, c)) continue;
            for (uint32_t g = a->unit_lo; g < a->unit_hi; g++) {
                uint32_t gi = tab[g];
                if (!gi) continue;
                uint32_t k = gi - 1;
                int64_t cnt = a->acc[(size_t)k * na + na - 1];
                if (cnt == 0 || (k < a->poison_cap && a->poison[k])) continue;
                for (uint32_t t = 0; t < ru->n_totals; t++) {
                    uint32_t tk = group_of(a, p, combo_total(a, c, ru->totals[t]), g);
                    if (tk == UINT32_MAX) {
                        a->full = 1;
                        return -1;
                    }
                    /* group_of may have moved a->acc: take the pointers now */
                    int64_t *dst = a->acc + (size_t)tk * na, *src = a->acc + (size_t)k * na;
                    if (cnt < 0 || dst[na - 1] < 0) dst[na - 1] = INT64_MIN; /* overflow is contagious */
                    else a->form->combine(dst, src);
                }
            }
        }
    return 0;
}

/* Children into parents, bottom tier first, block by block. Returns -1
 * when groups ran out (a->full). */
static int roll_up(rt_acc *a)
{
    const rt_units *u = a->units;
    const int32_t *parent = rt_units_parents(u);
    /* the units expected below each unit: those of the form's tier */
    a->expect = rt_xcalloc(a->n_units, sizeof *a->expect);
    for (uint32_t g = a->unit_lo; g < a->unit_hi; g++)
        for (int32_t p = (int32_t)g; p >= 0; p = parent[p]) a->expect[p]++;
    a->gcount = rt_xcalloc(a->n_units, sizeof *a->gcount);
    if (a->hcode && make_htotals(a)) return -1;
    if (a->ru->n_totals && make_totals(a)) return -1;
    a->n_leaf = a->n_groups; /* every group so far is a form-tier unit's */
    const uint32_t na = a->n_acc;
    for (uint32_t pidx = 0; pidx < a->n_periods; pidx++)
        for (uint32_t combo = 0; combo < a->n_combos; combo++) {
            uint32_t *tab = block_tab(a, pidx, combo);
            if (!tab) continue;
            for (int t = a->unit_tier; t >= 0; t--) {
                uint32_t lo = rt_units_base(u, t), hi = lo + rt_units_count(u, t);
                for (uint32_t g = lo; g < hi; g++) {
                    uint32_t gi = tab[g];
                    if (!gi) continue;
                    uint32_t k = gi - 1;
                    int64_t cnt = a->acc[(size_t)k * na + na - 1];
                    if (cnt != 0 && k < a->poison_cap && a->poison[k]) {
                        /* a duplicated key: the unit's group is left out */
                        a->dup_groups++;
                        a->dup_group_rows += (uint64_t)(cnt & INT64_MAX);
                        a->acc[(size_t)k * na + na - 1] = 0;
                        continue;
                    }
                    if (cnt == 0) continue;
                    a->gcount[g]++;
                    int32_t par = parent[g];
                    if (par < 0) continue;
                    uint32_t pk = tab[par] ? tab[par] - 1 : group_of(a, pidx, combo, (uint32_t)par);
                    if (pk == UINT32_MAX) {
                        a->full = 1;
                        return -1;
                    }
                    /* group_of may have moved a->acc: take the pointers now */
                    int64_t *dst = a->acc + (size_t)pk * na, *src = a->acc + (size_t)k * na;
                    if (cnt < 0 || dst[na - 1] < 0) dst[na - 1] = INT64_MIN; /* overflow is contagious */
                    else a->form->combine(dst, src);
                    ucount_add(a, pk, ucount_of(a, k));
                }
            }
        }
    return 0;
}

/* Labels are copied into fixed 32-byte cells so that the writer can move
 * them with constant-size copies; longer ones take the slow path. */
typedef struct cell {
    char s[32];
    uint32_t n;
} cell;

static void cell_set(cell *c, const char *s, size_t n)
{
    memset(c->s, 0, sizeof c->s);
    memcpy(c->s, s, n < sizeof c->s ? n : sizeof c->s);
    c->n = (uint32_t)n;
}

static inline char *put_cell(char *w, const cell *c, const char *full)
{
    if (c->n <= 16) memcpy(w, c->s, 16);
    else if (c->n <= 32) memcpy(w, c->s, 32);
    else memcpy(w, full, c->n);
    return w + c->n;
}

static const char digits2[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

static const uint64_t pow10[20] = {1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull,
    10000000ull, 100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
    10000000000000ull, 100000000000000ull, 1000000000000000ull, 10000000000000000ull,
    100000000000000000ull, 1000000000000000000ull, 10000000000000000000ull};

/* The n lowest decimal digits of v (zero-padded) at w, two at a time. */
static inline void put_digits(char *w, uint64_t v, unsigned n)
{
    char *e = w + n;
    while (n >= 2) {
        e -= 2;
        memcpy(e, digits2 + 2 * (v % 100), 2);
        v /= 100;
        n -= 2;
    }
    if (n) *--e = (char)('0' + v % 10);
}

/* Decimal digits of v at w; returns the end. Counts are mostly small. */
static inline char *put_u64(char *w, uint64_t v)
{
    if (v < 10) {
        *w = (char)('0' + v);
        return w + 1;
    }
    if (v < 100) {
        memcpy(w, digits2 + 2 * v, 2);
        return w + 2;
    }
    if (v < 1000) {
        *w = (char)('0' + v / 100);
        memcpy(w + 1, digits2 + 2 * (v % 100), 2);
        return w + 3;
    }
    unsigned n = 4;
    while (n < 20 && v >= pow10[n]) n++;
    put_digits(w, v, n);
    return w + n;
}

/* value / 10^scale as <int>.<scale digits>. */
static inline char *put_scaled(char *w, int64_t v, int scale)
{
    if (scale > 18) return w + rt_format_scaled(v, scale, w);
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    if (v < 0) *w++ = '-';
    w = put_u64(w, u / pow10[scale]);
    *w++ = '.';
    put_digits(w, u % pow10[scale], (unsigned)scale);
    return w + scale;
}

/* Everything the writer needs, prepared once. */
typedef struct wctx {
    rt_acc *a;
    const rt_rollup_filter *flt;
    cell *plab;
    label *pl;
    uint32_t *porder;
    cell *clab;
    char **cfull;
    uint32_t *ulist, *ucnt;
    size_t fixed;
} wctx;

/* The writer goes straight into the output's buffer. One thread writes:
 * a second one would need its share buffered in fresh memory, which costs
 * more than the formatting it saves where first-touch page faults are
 * expensive (virtual machines). */
typedef struct sink {
    rt_out *o;
    uint64_t overflowed;
} sink;

static char *sink_room(sink *k, size_t need)
{
    rt_out *o = k->o;
    if (o->cap - o->n < need) rt_out_flush(o);
    if (o->cap < need) {
        o->buf = rt_xrealloc(o->buf, need);
        o->cap = need;
    }
    return o->buf + o->n;
}

static void sink_done(sink *k, const char *w) { k->o->n = (size_t)(w - k->o->buf); }

/* The missing-value modes (regime.h rg_missing_mode) on one finalized
 * group: which cells are produced. An item is a (unit, sub-period) report;
 * a stock's items are units (the strict ones: units whose calendar-first
 * or -last sub-period is there). The kernels already made a cell empty
 * when an item had an empty value, and counted absent items as 0. */
static uint64_t apply_modes(const rt_acc *a, const int64_t *grp, uint32_t p, uint32_t g, uint32_t nunits,
                            const texp *te, const uint8_t *mode, const uint8_t *tagg, int64_t *out, uint64_t present,
                            uint64_t *produced)
{
    uint64_t made = 0;
    const uint32_t na = a->n_acc, nout = a->form->n_outputs;
    uint64_t rows = (uint64_t)(grp[na - 1] & INT64_MAX);
    /* a total row expects the items of each row it adds up (te) */
    uint64_t eu = (a->expect ? a->expect[g] : 1) * (te ? te->mult : 1), ns = a->nsub[p] ? a->nsub[p] : 1;
    for (uint32_t o = 0; o < nout && o < 64; o++) {
        uint64_t found, expected = eu;
        switch (tagg[o]) {
        case RG_TIME_OPENING: case RG_TIME_CLOSING: found = te ? te->units : nunits; break;
        case RG_TIME_OPENING_STRICT: found = (uint64_t)grp[RG_ACC_FIRST(na)]; break;
        case RG_TIME_CLOSING_STRICT: found = (uint64_t)grp[RG_ACC_LAST(na)]; break;
        default: found = rows; expected = eu * ns; break;
        }
        int absent = found < expected, pk = (int)(present >> o & 1), keep = pk, made_o = 1;
        switch (mode[o]) {
        case RG_MISS_NON_NULL: keep = made_o = pk && !absent; break;
        case RG_MISS_ALWAYS_NULL: keep = pk && !absent; break;
        case RG_MISS_NON_ZERO: keep = pk && out[o] != 0; made_o = !pk || out[o] != 0; break;
        case RG_MISS_PARTIAL_NULL: keep = pk && rows && !absent; made_o = rows != 0; break;
        case RG_MISS_PARTIAL_ZERO: keep = pk && rows; made_o = rows != 0; break;
        default: break; /* always_zero: as the kernel made it */
        }
        if (!keep) present &= ~(1ull << o);
        if (made_o) made |= 1ull << o;
    }
    *produced = made;
    return present;
}

/* The missing-value mode and time aggregation of each output, once per
 * roll-up: what finalize_group applies. */
typedef struct gmodes {
    uint8_t mode[64], tagg[64];
    int always, all_non, plain;
} gmodes;

static void group_modes(const rt_acc *a, gmodes *m)
{
    const rg_form *f = a->form;
    const rg_rollup *ru = a->ru;
    m->always = 0;
    m->all_non = m->plain = 1;
    for (uint32_t o = 0; o < f->n_outputs && o < 64; o++) {
        uint8_t md = (uint8_t)(ru->missing_of ? ru->missing_of[o] : ru->missing);
        if (!md) md = RG_MISS_PARTIAL_ZERO;
        m->mode[o] = md;
        m->always |= md == RG_MISS_ALWAYS_NULL || md == RG_MISS_ALWAYS_ZERO;
        m->all_non &= md == RG_MISS_NON_NULL || md == RG_MISS_NON_ZERO;
        /* partial_zero and always_zero keep what the kernel made of a group with rows */
        m->plain &= md == RG_MISS_PARTIAL_ZERO || md == RG_MISS_ALWAYS_ZERO;
        int32_t fi = f->outputs[o].field;
        m->tagg[o] = (uint8_t)(fi >= 0 ? f->fields[fi].time_agg : RG_TIME_SUM);
    }
}

/* One group as the roll-up reports it (the writer and rt_rollup_group):
 * its outputs with the missing-value modes applied, which are present, and
 * the units in it (group s of unit g, period index p, combo c; grp = its
 * words, or zeros for an empty group). Returns 0 when the data point is
 * not produced. */
static int finalize_one(const rt_acc *a, const gmodes *m, const int64_t *grp, uint32_t p, uint32_t c, uint32_t g,
                        uint32_t s, int64_t *out, uint64_t *present, uint32_t *nunits);

static int finalize_group(const rt_acc *a, const gmodes *m, const int64_t *grp, uint32_t p, uint32_t c, uint32_t g,
                          uint32_t s, int64_t *out, uint64_t *present, uint32_t *nunits)
{
    int made = finalize_one(a, m, grp, p, c, g, s, out, present, nunits);
    if (c != a->grand || a->grand == UINT32_MAX) return made;
    /* the total over every dimension: the per-unit figures of the unit's
     * own group, counted once, beside the totals of the other figures */
    const uint32_t *tab = a->blk[p] ? a->blk[p][a->unit_combo] : NULL;
    uint32_t gi = tab ? tab[g] : 0;
    if (!gi || a->acc[(size_t)(gi - 1) * a->n_acc + a->n_acc - 1] <= 0) return made;
    int64_t uo[64];
    uint64_t up = 0;
    uint32_t un = 0;
    int umade = finalize_one(a, m, a->acc + (size_t)(gi - 1) * a->n_acc, p, a->unit_combo, g, gi - 1, uo, &up, &un);
    for (uint32_t o = 0; o < a->form->n_outputs && o < 64; o++)
        if (a->pu_mask >> o & 1) out[o] = uo[o];
    *present = (*present & ~a->pu_mask) | (umade ? up & a->pu_mask : 0);
    if (!made) *nunits = un;
    return made || umade;
}

static int finalize_one(const rt_acc *a, const gmodes *m, const int64_t *grp, uint32_t p, uint32_t c, uint32_t g,
                        uint32_t s, int64_t *out, uint64_t *present, uint32_t *nunits)
{
    const uint32_t na = a->n_acc;
    *present = 0;
    a->form->finalize(grp, out, present);
    *nunits = grp[na - 1] ? ucount_of(a, s) : 0;
    /* per-unit figures on the unit's row only, the others on the rows of
     * the dimensions */
    uint64_t mask = a->unit_combo == UINT32_MAX ? ~0ull : c == a->unit_combo ? a->pu_mask : ~a->pu_mask;
    *present &= mask;
    if (!m->plain) {
        uint64_t produced;
        texp te;
        int tot = (a->total_dims && combo_is_total(a, c)) || (a->hcode && combo_is_htotal(a, c));
        if (tot) total_expect(a, p, c, g, &te);
        *present = apply_modes(a, grp, p, g, *nunits, tot ? &te : NULL, m->mode, m->tagg, out, *present, &produced);
        *present &= mask;
        if (m->all_non && !(produced & mask)) return 0;
    }
    return 1;
}

/* The coverage columns: sub-periods with a row, then per stock the
 * sub-period its figure came from (the earliest of the units'). */
static char *put_coverage(const rt_acc *a, char *w, const int64_t *grp, uint32_t p)
{
    const rg_form *f = a->form;
    *w++ = ',';
    w = put_u64(w, (uint64_t)__builtin_popcountll((uint64_t)grp[RG_ACC_MASK(a->n_acc)]));
    for (uint32_t o = 0; o < f->n_outputs; o++) {
        if (f->outputs[o].acc_from < 0) continue;
        *w++ = ',';
        int64_t sel = grp[f->outputs[o].acc_from];
        if (sel > 0) w += rt_period_format(a->src_freq, a->src_first[p] + sel - 1, w);
    }
    return w;
}

static int level_of_rollup(const rg_rollup *ru, int tier)
{
    for (uint32_t k = 0; k < ru->n_levels; k++)
        if (ru->levels[k] == tier) return 1;
    return 0;
}

/* Lines of level lv for the units sorted[from, to). */
static void emit(const wctx *x, sink *k, int lv, uint32_t from, uint32_t to)
{
    rt_acc *a = x->a;
    const rg_form *f = a->form;
    const rg_rollup *ru = a->ru;
    const uint32_t na = a->n_acc, nout = f->n_outputs, nc = a->n_combos;
    int t = ru->levels[lv];
    const char *ln = a->desc->tiers[t].name;
    cell lname;
    cell_set(&lname, ln, strlen(ln));
    const uint32_t *sorted = rt_units_sorted(a->units, t);
    int64_t out[64];
    int32_t scale[64];
    for (uint32_t o = 0; o < nout && o < 64; o++) scale[o] = f->outputs[o].scale;
    gmodes gm;
    group_modes(a, &gm);
    const int always = gm.always;
    int64_t *zero = always ? rt_xcalloc(na, sizeof *zero) : NULL;
    for (uint32_t ui = from; ui < to; ui++) {
        uint32_t g = sorted[ui];
        if (!a->gcount[g] && !always) continue;
        const char *code = rt_units_code(a->units, g);
        cell ucell;
        cell_set(&ucell, code, strlen(code));
        rt_buf ux = {0}; /* --layout full: ",name,parent code", once per unit */
        if (x->flt->full) {
            const char *nm = rt_units_name(a->units, g);
            /* the parent is the unit whose row this one is added into: the
             * nearest unit above it at a level of the roll-up (a commune's
             * province when the roll-up skips districts), none at the top */
            int32_t par = rt_units_parent(a->units, g);
            while (par >= 0 && !level_of_rollup(ru, rt_units_tier(a->units, (uint32_t)par)))
                par = rt_units_parent(a->units, (uint32_t)par);
            const char *pc = par >= 0 ? rt_units_code(a->units, (uint32_t)par) : "";
            rt_buf_ch(&ux, ',');
            rt_buf_csv(&ux, nm, strlen(nm));
            rt_buf_ch(&ux, ',');
            rt_buf_csv(&ux, pc, strlen(pc));
        }
        for (uint32_t pi = 0; pi < a->n_periods; pi++) {
            uint32_t p = x->porder[pi];
            if (x->flt->period >= 0 && a->period_num[p] != x->flt->period) continue;
            const uint32_t *ul = x->ulist + (size_t)p * nc;
            for (uint32_t ci = 0; ci < x->ucnt[p]; ci++) {
                uint32_t c = ul[ci];
                if (c == a->unit_combo && a->grand != UINT32_MAX) continue; /* on the total row */
                uint32_t gi = a->blk[p][c][g];
                if (!gi && !always) continue;
                size_t s = gi ? gi - 1 : 0;
                const int64_t *grp = gi ? a->acc + s * na : zero;
                if (grp[na - 1] == 0 && !always) continue;
                if (grp[na - 1] < 0) {
                    k->overflowed++;
                    continue;
                }
                uint64_t present;
                uint32_t nunits;
                if (!finalize_group(a, &gm, grp, p, c, g, (uint32_t)s, out, &present, &nunits))
                    continue; /* VTL: the data point is not produced */
                char *w = sink_room(k, x->fixed + lname.n + ucell.n + ux.n + x->plab[p].n + x->clab[c].n);
                w = put_cell(w, &lname, ln);
                *w++ = ',';
                w = put_cell(w, &ucell, code);
                if (ux.n) {
                    memcpy(w, ux.p, ux.n);
                    w += ux.n;
                }
                *w++ = ',';
                w = put_cell(w, &x->plab[p], x->pl[p].s);
                w = put_cell(w, &x->clab[c], x->cfull[c]);
                for (uint32_t o = 0; o < nout; o++) {
                    *w++ = ',';
                    if (!(present >> o & 1)) continue;
                    int32_t sc = scale[o];
                    int64_t v = out[o];
                    if (sc > 0) {
                        w = put_scaled(w, v, sc);
                    } else {
                        if (v < 0) *w++ = '-';
                        w = put_u64(w, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
                    }
                }
                if (ru->count_column) {
                    *w++ = ',';
                    w = put_u64(w, nunits);
                }
                if (ru->coverage_column) w = put_coverage(a, w, grp, p);
                if (a->rebase) {
                    /* which old units went into the row (rebase.c) */
                    rt_buf pb = {0};
                    if (t != a->unit_tier ||
                        !rt_rebase_sources(a->rebase, g, a->src_freq, a->src_first[p], a->nsub[p] ? a->nsub[p] : 1, &pb))
                        rt_buf_str(&pb, ",,,");
                    sink_done(k, w);
                    w = sink_room(k, pb.n + 2);
                    memcpy(w, pb.p, pb.n);
                    w += pb.n;
                    rt_buf_free(&pb);
                }
                *w++ = '\n';
                sink_done(k, w);
            }
        }
        rt_buf_free(&ux);
    }
    free(zero);
}

static int write_rollup(rt_acc *a, rt_out *o, const rt_rollup_filter *flt, rt_error *err)
{
    const rg_form *f = a->form;
    const rg_rollup *ru = a->ru;
    const rg_regime_desc *d = a->desc;
    const uint32_t nout = f->n_outputs, nd = a->n_dims;
    rt_buf b = {0};

    rt_buf_str(&b, flt->full ? "level,unit_code,unit_name,parent_code," : "level,unit_code,");
    /* The declared column name describes the declared period; another
     * frequency asked with --period gets a neutral name; --layout full
     * always says `period` (the compact layout is the benchmark's). */
    rt_buf_str(&b, a->dst_freq == ru->period && !flt->full ? ru->period_column : "period");
    for (uint32_t k = 0; k < nd; k++) {
        rt_buf_ch(&b, ',');
        rt_buf_str(&b, f->fields[f->dims[k]].code);
    }
    for (uint32_t k = 0; k < nout; k++) {
        rt_buf_ch(&b, ',');
        rt_buf_str(&b, f->outputs[k].code);
    }
    if (ru->count_column) {
        rt_buf_ch(&b, ',');
        rt_buf_str(&b, ru->count_column);
    }
    if (ru->coverage_column) {
        rt_buf_ch(&b, ',');
        rt_buf_str(&b, ru->coverage_column);
        for (uint32_t k = 0; k < nout; k++) {
            if (f->outputs[k].acc_from < 0) continue;
            rt_buf_ch(&b, ',');
            rt_buf_str(&b, f->outputs[k].code);
            rt_buf_str(&b, "_from");
        }
    }
    if (a->rebase) rt_buf_str(&b, ",merged_units,merged_from,sources");
    rt_buf_ch(&b, '\n');
    rt_out_put(o, b.p, b.n);
    rt_buf_free(&b);

    /* Periods in label order. */
    const uint32_t np = a->n_periods ? a->n_periods : 1;
    cell *plab = rt_xcalloc(np, sizeof *plab);
    label *pl = rt_xcalloc(np, sizeof *pl);
    uint32_t *porder = rt_xcalloc(np, sizeof *porder);
    for (uint32_t p = 0; p < a->n_periods; p++) {
        char t[16];
        size_t n = rt_period_format(a->dst_freq, a->period_num[p], t);
        cell_set(&plab[p], t, n);
        pl[p].s = plab[p].s;
        pl[p].n = (uint32_t)n;
        porder[p] = p;
    }
    qsort_r(porder, a->n_periods, sizeof *porder, cmp_label, pl);

    /* Dimension combinations in label order: each dimension sorted by its
     * code (the empty value first), combined lexicographically. The label
     * of a combination is ",d1,d2..." ready to copy. */
    uint32_t nc = a->n_combos;
    uint32_t *corder = rt_xcalloc(nc, sizeof *corder);
    cell *clab = rt_xcalloc(nc, sizeof *clab);
    char **cfull = rt_xcalloc(nc, sizeof *cfull);
    {
        uint32_t **rank = rt_xcalloc(nd ? nd : 1, sizeof *rank);
        label **vl = rt_xcalloc(nd ? nd : 1, sizeof *vl);
        for (uint32_t k = 0; k < nd; k++) {
            const rg_field *fd = &f->fields[f->dims[k]];
            uint32_t card = a->dim_card[k];
            vl[k] = rt_xcalloc(a->dim_mul[k], sizeof **vl);
            rank[k] = rt_xcalloc(a->dim_mul[k], sizeof **rank);
            for (uint32_t x = 0; x + 1 < card; x++) {
                const char *s = fd->type == RG_T_CODE ? d->codelists[fd->codelist].codes[x].code : (x ? "1" : "0");
                vl[k][x].s = s;
                vl[k][x].n = (uint32_t)strlen(s);
            }
            vl[k][card - 1].s = "";
            vl[k][card - 1].n = 0;
            uint32_t *ord = rt_xcalloc(card, sizeof *ord);
            for (uint32_t x = 0; x < card; x++) ord[x] = x;
            qsort_r(ord, card, sizeof *ord, cmp_label, vl[k]);
            for (uint32_t x = 0; x < card; x++) rank[k][ord[x]] = x;
            free(ord);
            if (a->dim_mul[k] > card) { /* the total, after the values it adds up */
                vl[k][card].s = RG_TOTAL_CODE;
                vl[k][card].n = (uint32_t)strlen(RG_TOTAL_CODE);
                rank[k][card] = card;
            }
        }
        rt_buf lb = {0};
        for (uint32_t c = 0; c < nc; c++) {
            if (c == a->unit_combo) {
                /* the unit's own row: every dimension column empty, after
                 * the rows of the dimensions */
                corder[c] = c;
                lb.n = 0;
                for (uint32_t k = 0; k < nd; k++) rt_buf_ch(&lb, ',');
                cfull[c] = rt_xstrndup(lb.p ? lb.p : "", lb.n);
                cell_set(&clab[c], cfull[c], lb.n);
                continue;
            }
            uint32_t rest = c, xs[64];
            uint64_t kk = 0, mul = 1;
            for (int k = (int)nd - 1; k >= 0; k--) {
                uint32_t x = rest % a->dim_mul[k];
                rest /= a->dim_mul[k];
                if (k < 64) xs[k] = x;
                kk += rank[k][x] * mul;
                mul *= a->dim_mul[k];
            }
            corder[kk] = c;
            lb.n = 0;
            for (uint32_t k = 0; k < nd && k < 64; k++) {
                rt_buf_ch(&lb, ',');
                rt_buf_put(&lb, vl[k][xs[k]].s, vl[k][xs[k]].n);
            }
            cfull[c] = rt_xstrndup(lb.p ? lb.p : "", lb.n);
            cell_set(&clab[c], cfull[c], lb.n);
        }
        rt_buf_free(&lb);
        for (uint32_t k = 0; k < nd; k++) {
            free(vl[k]);
            free(rank[k]);
        }
        free(vl);
        free(rank);
    }
    /* Per period, the used combinations in label order. */
    uint32_t *ulist = rt_xcalloc((size_t)np * nc, sizeof *ulist), *ucnt = rt_xcalloc(np, sizeof *ucnt);
    for (uint32_t p = 0; p < a->n_periods; p++)
        for (uint32_t ci = 0; ci < nc; ci++)
            if (block_tab(a, p, corder[ci])) ulist[(size_t)p * nc + ucnt[p]++] = corder[ci];

    size_t fixed = 64 + 32 + 32 + 32 + 24 * (size_t)nout + 24 + (ru->coverage_column ? 24 + 20 * (size_t)nout : 0);
    wctx x = {a, flt, plab, pl, porder, clab, cfull, ulist, ucnt, fixed};
    sink main_sink = {o, 0};
    for (int lv = 0; lv <= flt->max_level; lv++)
        emit(&x, &main_sink, lv, 0, rt_units_count(a->units, ru->levels[lv]));
    uint64_t overflowed = main_sink.overflowed;
    if (overflowed)
        rt_warn(TR("%llu groups exceeded the 64-bit range and were left out of the roll-up",
                   "%llu nhóm vượt quá phạm vi 64 bit và bị loại khỏi bảng tổng hợp"),
                (unsigned long long)overflowed);
    free(plab);
    free(pl);
    free(porder);
    free(corder);
    free(clab);
    for (uint32_t c = 0; c < nc; c++) free(cfull[c]);
    free(cfull);
    free(ulist);
    free(ucnt);
    (void)err;
    return 0;
}

/* ---- in memory ------------------------------------------------------------------------ */

/* A roll-up of rows a host holds (regrt.h): the same accumulate, roll-up
 * and finalize as rt_cmd_rollup, without files. */
struct rt_rollup_mem {
    rt_regime rg;
    rt_acc *a;
    rt_pu *pu;
};

rt_rollup_mem *rt_rollup_batch(const rg_regime_desc *d, const rg_rollup *ru, const rt_units *u, const rg_batch *b,
                               const uint64_t *valid, rt_error *err)
{
    rt_rollup_mem *m = rt_xcalloc(1, sizeof *m);
    m->rg.desc = d;
    m->rg.memfd = -1;
    m->a = rt_acc_new(&m->rg, ru, u, ru->period, err);
    if (!m->a) {
        free(m);
        return NULL;
    }
    m->pu = rt_pu_new(d, &d->forms[ru->form]);
    if (m->pu) {
        rt_pu_file(m->pu, 0);
        rt_pu_collect(m->pu, b);
        const char *names[] = {"data"};
        if (rt_pu_check(m->pu, names, err)) {
            rt_rollup_mem_free(m);
            return NULL;
        }
        rt_acc_per_unit(m->a, m->pu);
    }
    uint32_t n = b->n_rows;
    uint32_t *slot = rt_xcalloc(n ? n : 1, sizeof *slot), *combo = rt_xcalloc(n ? n : 1, sizeof *combo);
    uint8_t *pos = rt_xcalloc(n ? n : 1, sizeof *pos);
    rt_acc_batch(m->a, b, valid, slot, pos, combo);
    free(slot);
    free(combo);
    free(pos);
    if (m->a->full || roll_up(m->a)) {
        rt_err(err, 2, TR("the roll-up ran out of memory or of group numbers (at most 2^32 groups, 2^31 period x dimension blocks)",
                          "bảng tổng hợp hết bộ nhớ hoặc hết số nhóm (tối đa 2^32 nhóm, 2^31 khối kỳ x chiều)"));
        rt_rollup_mem_free(m);
        return NULL;
    }
    return m;
}

int rt_rollup_group(const rt_rollup_mem *m, int tier, const char *unit, int64_t period, const int64_t *dims,
                    int64_t *out, uint64_t *present, uint32_t *n_units)
{
    const rt_acc *a = m->a;
    *present = 0;
    *n_units = 0;
    int32_t g = rt_units_find(a->units, tier, unit, strlen(unit));
    if (g < 0) return 0;
    uint32_t c = 0;
    for (uint32_t k = 0; k < a->n_dims; k++) {
        uint32_t card = a->dim_card[k], x;
        if (dims[k] == RT_DIM_TOTAL) {
            if (a->dim_mul[k] == card) return 0; /* no total over this dimension */
            x = card;
        } else if (dims[k] >= (int64_t)card - 1) {
            return 0;
        } else {
            x = dims[k] < 0 ? card - 1 : (uint32_t)dims[k];
        }
        c = c * a->dim_mul[k] + x;
    }
    /* every dimension empty: the unit's own row, when it has one */
    int all_empty = 1;
    for (uint32_t k = 0; k < a->n_dims; k++) all_empty &= dims[k] == -1;
    if (all_empty && a->unit_combo != UINT32_MAX) c = a->unit_combo;
    for (uint32_t p = 0; p < a->n_periods; p++) {
        if (a->period_num[p] != period) continue;
        const uint32_t *tab = block_tab(a, p, c);
        uint32_t gi = tab ? tab[g] : 0;
        gmodes gm;
        group_modes(a, &gm);
        if (!tab || (!gi && !gm.always)) return 0;
        int64_t *zero = rt_xcalloc(a->n_acc, sizeof *zero);
        const int64_t *grp = gi ? a->acc + (size_t)(gi - 1) * a->n_acc : zero;
        int rc;
        if (grp[a->n_acc - 1] < 0) rc = -1; /* beyond 64 bits: left out */
        else if (grp[a->n_acc - 1] == 0 && !gm.always) rc = 0; /* empty, or a duplicated key's */
        else rc = finalize_group(a, &gm, grp, p, c, (uint32_t)g, gi ? gi - 1 : 0, out, present, n_units);
        free(zero);
        return rc;
    }
    return 0;
}

void rt_rollup_mem_free(rt_rollup_mem *m)
{
    if (!m) return;
    rt_acc_free(m->a);
    rt_pu_free(m->pu);
    free(m);
}

/* ---- the command ------------------------------------------------------------------------ */

/* Duplicated keys, said whether or not --verbose: a file sent twice must
 * not pass unnoticed. */
static void report_dups(const rt_acc *a)
{
    if (!a->dup_rows) return;
    rt_warn(TR("[DUP1] %llu row(s) repeat the unit, period and dimension values of an earlier row; %llu roll-up group(s) of those units and periods (%llu rows) are left out, since which row is right cannot be known",
               "[DUP1] %llu dòng lặp lại đơn vị, kỳ và giá trị chiều của một dòng trước; %llu nhóm tổng hợp của các đơn vị và kỳ đó (%llu dòng) bị loại vì không biết dòng nào đúng"),
            (unsigned long long)a->dup_rows, (unsigned long long)a->dup_groups,
            (unsigned long long)(a->dup_group_rows + a->dup_rows));
    const rg_form *f = a->form;
    for (uint32_t i = 0; i < a->n_dups; i++) {
        const struct dupkey *d = &a->dups[i];
        char per[16];
        rt_period_format(a->src_freq, d->period, per);
        rt_buf b = {0};
        uint32_t rest = d->combo;
        const char *vals[64];
        for (int k = (int)a->n_dims - 1; k >= 0; k--) {
            uint32_t x = rest % a->dim_mul[k];
            rest /= a->dim_mul[k];
            const rg_field *fd = &f->fields[f->dims[k]];
            const char *v = x + 1 == a->dim_card[k] ? "" : fd->type == RG_T_CODE ? a->desc->codelists[fd->codelist].codes[x].code : (x ? "1" : "0");
            if (k < 64) vals[k] = v;
        }
        for (uint32_t k = 0; k < a->n_dims && k < 64; k++) {
            rt_buf_str(&b, ", ");
            rt_buf_str(&b, f->fields[f->dims[k]].code);
            rt_buf_str(&b, " ");
            rt_buf_str(&b, vals[k]);
        }
        rt_buf_ch(&b, 0);
        rt_warn(TR("[DUP1]   unit %s, period %s%s: sent more than once",
                   "[DUP1]   đơn vị %s, kỳ %s%s: gửi nhiều hơn một lần"),
                rt_units_code(a->units, d->unit), per, b.p ? b.p : "");
        rt_buf_free(&b);
    }
    if (a->dup_rows > a->n_dups)
        rt_warn(TR("[DUP1]   ... (%llu more; `regrt validate` lists every one with its rows)",
                   "[DUP1]   ... (còn %llu; `regrt validate` liệt kê từng dòng)"),
                (unsigned long long)(a->dup_rows - a->n_dups));
}

/* Every row read is accounted for: rolled up, rejected (an error-level rule
 * failed, per rule; a row may fail several) or left out (per reason).
 * Printed whenever a row was not rolled up, or with -v. Returns the rows
 * left out for reasons of the data (not --period), for --strict. */
/* The hierarchies whose totals the roll-up computes, "H1, H2". */
static const char *htot_names(const rt_acc *a, char *buf, size_t n)
{
    size_t w = 0;
    buf[0] = 0;
    for (uint32_t j = 0; j < a->ru->n_htotals; j++) {
        const char *h = a->ru->htotals[j].hierarchy;
        int seen = 0;
        for (uint32_t i = 0; i < j; i++) seen |= !strcmp(a->ru->htotals[i].hierarchy, h);
        if (seen) continue;
        int m = snprintf(buf + w, n - w, "%s%s", w ? ", " : "", h);
        if (m < 0 || (size_t)m >= n - w) break;
        w += (size_t)m;
    }
    return buf;
}

static uint64_t print_summary(const rt_ctx *c, const rt_opts *o, const uint8_t *on, const rt_scan_stats *st,
                              const rt_acc *a)
{
    const rg_form *f = c->form;
    /* Rows of a group left out for a duplicated key were accumulated
     * (rows_in) and then taken out again; repeated rows never were. */
    uint64_t rolled = a->rows_in - a->dup_group_rows;
    uint64_t left = a->skip_unit + a->skip_period + a->skip_dim + a->skip_full + a->dup_rows + a->dup_group_rows +
                    a->skip_htot;
    uint64_t out = st->rows_err + left + a->skip_filter;
    if (out || o->verbose)
        rt_info(TR("regrt: %llu rows read: %llu rolled up into %u period(s), %llu rejected with errors, %llu left out\n",
                   "regrt: đã đọc %llu dòng: %llu dòng được tổng hợp vào %u kỳ, %llu dòng có lỗi bị loại, %llu dòng bị bỏ ra\n"),
                (unsigned long long)st->rows, (unsigned long long)rolled, a->n_periods,
                (unsigned long long)st->rows_err, (unsigned long long)(left + a->skip_filter));
    if (st->rows_err) {
        for (uint32_t r = 0; r < f->n_rules; r++)
            if (on[r] && st->rule_fail[r] && f->rules[r].severity == RG_SEV_ERROR)
                rt_info(TR("  rejected: %llu failed rule %s\n", "  bị loại: %llu dòng không đạt quy tắc %s\n"),
                        (unsigned long long)st->rule_fail[r], f->rules[r].code);
        if (st->rows_overflow)
            rt_info(TR("  rejected: %llu overflowed the 64-bit range\n", "  bị loại: %llu dòng vượt phạm vi 64 bit\n"),
                    (unsigned long long)st->rows_overflow);
    }
    const struct {
        uint64_t n;
        const char *en, *vi;
    } why[] = {
        {a->skip_unit, "unit code not in the units file at tier '%s'", "mã đơn vị không có trong tệp đơn vị ở cấp '%s'"},
        {a->skip_period, "period missing or outside the roll-up", "kỳ trống hoặc ngoài phạm vi tổng hợp"},
        {a->skip_dim, "dimension value not in its list", "giá trị chiều không có trong danh mục"},
        {a->skip_full, "no room for more groups", "hết chỗ cho nhóm mới"},
        {a->dup_rows, "repeat an earlier row's key (DUP1)", "lặp lại khóa của một dòng trước (DUP1)"},
        {a->dup_group_rows, "in a group left out for a repeated key (DUP1)", "thuộc nhóm bị loại vì khóa lặp lại (DUP1)"},
        {a->skip_filter, "outside --period %s", "ngoài --period %s"},
        {a->skip_htot, "total code recomputed by hierarchy %s", "mã tổng được tính lại theo phân cấp %s"},
    };
    for (size_t k = 0; k < sizeof why / sizeof *why; k++) {
        if (!why[k].n) continue;
        char hn[256];
        const char *arg = k == 0 ? c->desc->tiers[a->unit_tier].name : k == 7 ? htot_names(a, hn, sizeof hn) : o->period ? o->period : "";
        rt_buf b = {0};
        rt_buf_printf(&b, TR("  left out: %llu ", "  bị bỏ ra: %llu dòng "), (unsigned long long)why[k].n);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        rt_buf_printf(&b, TR(why[k].en, why[k].vi), arg); /* the literals above: one %s each at most */
#pragma GCC diagnostic pop
        rt_buf_ch(&b, 0);
        rt_info("%s\n", b.p);
        rt_buf_free(&b);
    }
    if (st->rows != rolled + out)
        rt_warn(TR("%llu rows read but %llu accounted for: please report this",
                   "đã đọc %llu dòng nhưng chỉ tính được %llu dòng: hãy báo lỗi này"),
                (unsigned long long)st->rows, (unsigned long long)(rolled + out));
    if (st->rows && !rolled)
        rt_warn(TR("no row was rolled up: the roll-up is empty",
                   "không có dòng nào được tổng hợp: bảng tổng hợp rỗng"));
    /* rows of a computed total code are the spec's doing, not the data's */
    return st->rows_err + left - a->skip_htot + (st->rows != rolled + out);
}

int rt_cmd_rollup(const rt_opts *o, rt_error *err)
{
    rt_ctx c;
    int rc = 2;
    rt_phase("start");
    if (rt_ctx_open(&c, o, 1, err)) return 2;
    rt_phase("load");
    const rg_regime_desc *d = c.desc;
    const rg_rollup *ru = NULL;
    for (uint32_t i = 0; i < d->n_rollups; i++) {
        if (o->rollup ? !strcmp(d->rollups[i].name ? d->rollups[i].name : "", o->rollup)
                      : (o->form ? d->rollups[i].form == c.form_idx : 1)) {
            ru = &d->rollups[i];
            break;
        }
    }
    if (!ru) {
        if (o->rollup)
            rt_err(err, 2, TR("regime '%s' has no roll-up named '%s'", "chế độ '%s' không có bảng tổng hợp tên '%s'"),
                   d->name, o->rollup);
        else
            rt_err(err, 2, TR("regime '%s' declares no roll-up for form '%s'",
                              "chế độ '%s' không khai báo tổng hợp cho biểu '%s'"),
                   d->name, c.form->code);
        rt_ctx_close(&c);
        return 2;
    }
    c.form_idx = ru->form;
    c.form = &d->forms[ru->form];

    rt_rollup_filter flt = {(int)ru->n_levels - 1, -1, o->layout_full};
    int64_t only = -1;
    uint32_t freq = ru->period;
    if (o->to) {
        int lv = -1;
        for (uint32_t k = 0; k < ru->n_levels; k++)
            if (!strcmp(d->tiers[ru->levels[k]].name, o->to)) lv = (int)k;
        if (lv < 0) {
            rt_buf names = {0};
            for (uint32_t k = 0; k < ru->n_levels; k++) {
                if (k) rt_buf_str(&names, ", ");
                rt_buf_str(&names, d->tiers[ru->levels[k]].name);
            }
            rt_buf_ch(&names, 0);
            rt_err(err, 2, TR("--to %s: no such level; the roll-up has: %s", "--to %s: không có cấp này; bảng tổng hợp có: %s"),
                   o->to, names.p);
            rt_buf_free(&names);
            rt_ctx_close(&c);
            return 2;
        }
        flt.max_level = lv;
    }
    if (o->period) {
        uint32_t pf;
        int64_t p;
        if (!rt_freq_parse(o->period, &pf)) {
            freq = pf;
        } else if (!rt_period_parse_any(o->period, &pf, &p)) {
            freq = pf;
            flt.period = p;
            only = p;
        } else {
            rt_err(err, 2, TR("--period %s: expected a frequency (month, quarter, half, 9m, year) or a period such as 2025-Q1, 2025-06, 2025-H1, 2025",
                              "--period %s: cần một tần suất (month, quarter, half, 9m, year) hoặc một kỳ như 2025-Q1, 2025-06, 2025-H1, 2025"),
                   o->period);
            rt_ctx_close(&c);
            return 2;
        }
    }
    rt_acc *a = rt_acc_new(c.rg, ru, c.units, freq, err);
    if (!a) {
        rt_ctx_close(&c);
        return 2;
    }
    a->only_period = only;
    rt_out rout, eout;
    int have_e = 0;
    memset(&eout, 0, sizeof eout);
    if (rt_out_open(&rout, o->output, err)) goto done;
    rt_report rep;
    memset(&rep, 0, sizeof rep);
    if (o->errors) {
        if (rt_out_open(&eout, o->errors, err)) {
            rt_out_abort(&rout);
            goto done;
        }
        have_e = 1;
        rep.fmt = RT_FMT_CSV;
        rep.desc = d;
        rep.form = c.form;
        rep.out = &eout;
        rep.multi_file = o->n_data > 1;
        rt_report_begin(&rep);
    }
    uint8_t *on = rt_xmalloc(c.form->n_rules ? c.form->n_rules : 1);
    rt_ext ext; /* --rules, previous(), children(), --rebase (ext.c) */
    memset(&ext, 0, sizeof ext);
    rt_scan_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.rg = c.rg;
    cfg.form = c.form;
    cfg.units = c.units;
    cfg.rule_on = on;
    cfg.threads = rt_threads(o);
    cfg.report = have_e ? &rep : NULL;
    cfg.acc = a;
    rt_cross *cross = NULL; /* other forms' files, for cross-form rules */
    const rt_opts *oj = o;
    if (rt_select_rules(c.form, o->rules, on, err) || rt_cross_open(&cross, &cfg, on, o, &oj, err) ||
        rt_ext_open(&ext, &cfg, on, oj, 1, err)) {
        rt_out_abort(&rout);
        if (have_e) rt_out_abort(&eout);
        free(on);
        rt_ext_close(&ext);
        rt_cross_close(cross);
        goto done;
    }
    rt_scan_stats st;
    memset(&st, 0, sizeof st);
    st.rule_fail = rt_xcalloc(c.form->n_rules ? c.form->n_rules : 1, sizeof(uint64_t));
    int failed = 0;
    for (int i = 0; i < oj->n_data && !failed; i++) {
        rep.file = oj->data[i];
        if (rt_scan_file(&cfg, rt_ext_path(&ext, oj, i), &st, err)) failed = 1;
    }
    if (!failed && a->full) {
        rt_err(err, 2, TR("the roll-up ran out of memory or of group numbers (at most 2^32 groups, 2^31 period x dimension blocks)",
                          "bảng tổng hợp hết bộ nhớ hoặc hết số nhóm (tối đa 2^32 nhóm, 2^31 khối kỳ x chiều)"));
        failed = 1;
    }
    rt_phase("scan");
    if (!failed && roll_up(a)) {
        rt_err(err, 2, TR("out of memory for the roll-up groups", "không đủ bộ nhớ cho các nhóm tổng hợp"));
        failed = 1;
    }
    if (!failed) report_dups(a);
    if (!failed && o->left_out && ext.rebase && rt_rebase_write_left(ext.rebase, o->left_out, err))
        failed = 1; /* the partial merges left out, as a CSV beside the report */
    if (!failed) {
        rt_phase("roll up");
        write_rollup(a, &rout, &flt, err);
        rt_phase("write");
    }
    if (failed) {
        rt_out_abort(&rout);
        if (have_e) rt_out_abort(&eout);
    } else {
        /* The errors report first: the roll-up, the result, appears only
         * when every output could be written. */
        int bad = have_e ? rt_out_close(&eout, err) : 0;
        if (bad) rt_out_abort(&rout);
        else bad = rt_out_close(&rout, err);
        rt_phase("close");
        if (!bad) {
            rc = print_summary(&c, o, on, &st, a) && o->strict ? 1 : 0;
            rt_ext_report(&ext);
            rt_cross_report(cross, o->verbose);
        }
    }
    free(st.rule_fail);
    free(on);
    rt_ext_close(&ext);
    rt_cross_close(cross);
done:
    rt_acc_free(a);
    rt_ctx_close(&c);
    return rc;
}
