/*
 * children.c — children(x): a parent's own figures against the sum of its
 * children.
 *
 * `reported by` names the lowest tier that submits a form. When a selected
 * rule reads children(), rows whose unit is a unit of a tier above (a
 * province in a commune form) are accepted too: they are a parent's own
 * figures. A first pass sums the valid rows of the form's tier (no
 * error-level failure, as in a roll-up) per unit, period and dimension
 * values, and rolls the sums up the hierarchy with the form's own combine
 * kernel. In the scan, after validate, each parent row is evaluated again
 * with batch->children holding the finalized sums of its children (and
 * batch->prev still the previous period, regime.h); the bits of
 * the children() rules are taken from that evaluation for parent rows and
 * cleared for every other row. A parent with no child reporting in that
 * period has children values that are not present (the rule is skipped).
 * Parent rows are never added into the roll-up of the form: they are
 * checked, not counted.
 *
 * Memory: one accumulator group (n_acc words) per unit, period and
 * dimension values with rows, and per ancestor of those: about the size of
 * the roll-up itself at the form's own period.
 */
#include <stdlib.h>

#include "ext.h"

typedef struct gkey {
    uint32_t g, combo;
    int64_t period;
} gkey;

struct rt_kids {
    const rt_regime *rg;
    const rg_form *form;
    const rt_units *units;
    uint32_t nf, nr, na, nw_rules;
    int tier;
    uint32_t lo, hi;
    uint32_t *dim_card;
    int32_t *out_of;   /* per field: its output, or -1 */
    uint8_t *child_rule;
    gkey *keys;        /* per group */
    uint32_t *slots;   /* open addressing: group + 1 */
    uint32_t scap;
    int64_t *acc;
    uint32_t ngroups, capgroups, nleaf;
    int full;
    pthread_mutex_t mu;
    uint64_t leaf_rows, parents, parents_alone;
};

int32_t rt_units_find_above(const rt_units *u, int tier, const char *code, size_t len)
{
    for (int t = tier - 1; t >= 0; t--) {
        int32_t g = rt_units_find(u, t, code, len);
        if (g >= 0) return g;
    }
    return -1;
}

static inline int bit(const uint64_t *w, uint32_t i) { return (int)(w[i >> 6] >> (i & 63) & 1); }

static inline uint64_t hkey(uint32_t g, uint32_t combo, int64_t p)
{
    uint64_t k = ((uint64_t)g * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)combo * 0xC2B2AE3D27D4EB4Full) ^ (uint64_t)p;
    k ^= k >> 31;
    k *= 0xff51afd7ed558ccdull;
    return k ^ (k >> 29);
}

static int64_t find(const rt_kids *k, uint32_t g, uint32_t combo, int64_t p)
{
    if (!k->scap) return -1;
    uint32_t j = (uint32_t)hkey(g, combo, p) & (k->scap - 1);
    for (; k->slots[j]; j = (j + 1) & (k->scap - 1)) {
        const gkey *x = &k->keys[k->slots[j] - 1];
        if (x->g == g && x->combo == combo && x->period == p) return k->slots[j] - 1;
    }
    return -1;
}

/* The group of (g, combo, p), made when missing; UINT32_MAX when out of
 * numbers. Under the lock (or single-threaded). */
static uint32_t group(rt_kids *k, uint32_t g, uint32_t combo, int64_t p)
{
    int64_t have = find(k, g, combo, p);
    if (have >= 0) return (uint32_t)have;
    if (k->ngroups >= UINT32_MAX / 4) {
        k->full = 1;
        return UINT32_MAX;
    }
    if ((uint64_t)(k->ngroups + 1) * 2 > k->scap) {
        uint32_t cap = k->scap ? k->scap * 2 : 1024;
        uint32_t *s = rt_xcalloc(cap, sizeof *s);
        for (uint32_t i = 0; i < k->ngroups; i++) {
            uint32_t j = (uint32_t)hkey(k->keys[i].g, k->keys[i].combo, k->keys[i].period) & (cap - 1);
            while (s[j]) j = (j + 1) & (cap - 1);
            s[j] = i + 1;
        }
        free(k->slots);
        k->slots = s;
        k->scap = cap;
    }
    if (k->ngroups == k->capgroups) {
        uint32_t cap = k->capgroups ? k->capgroups * 2 : 1024;
        k->keys = rt_xrealloc(k->keys, (size_t)cap * sizeof *k->keys);
        k->acc = rt_xrealloc(k->acc, (size_t)cap * k->na * sizeof *k->acc);
        k->capgroups = cap;
    }
    uint32_t i = k->ngroups++;
    k->keys[i] = (gkey){g, combo, p};
    memset(k->acc + (size_t)i * k->na, 0, k->na * sizeof *k->acc);
    uint32_t j = (uint32_t)hkey(g, combo, p) & (k->scap - 1);
    while (k->slots[j]) j = (j + 1) & (k->scap - 1);
    k->slots[j] = i + 1;
    return i;
}

rt_kids *rt_kids_new(const rt_regime *rg, const rg_form *f, const rt_units *u, rt_error *err)
{
    const rg_regime_desc *d = rt_regime_desc(rg);
    if (f->unit_field < 0 || f->period_field < 0 || !f->accumulate || !f->combine || !f->finalize) {
        rt_err(err, 2, TR("form '%s' has no unit or no period field, so its children() rules cannot be checked",
                          "biểu '%s' không có trường đơn vị hoặc kỳ nên không kiểm tra được các quy tắc children()"),
               f->code);
        return NULL;
    }
    rt_kids *k = rt_xcalloc(1, sizeof *k);
    k->rg = rg;
    k->form = f;
    k->units = u;
    k->nf = f->n_fields;
    k->nr = f->n_rules;
    k->na = f->n_acc;
    k->tier = f->unit_tier;
    k->lo = rt_units_base(u, f->unit_tier);
    k->hi = k->lo + rt_units_count(u, f->unit_tier);
    k->dim_card = rt_xcalloc(f->n_dims ? f->n_dims : 1, sizeof *k->dim_card);
    for (uint32_t x = 0; x < f->n_dims; x++) {
        const rg_field *fd = &f->fields[f->dims[x]];
        if (fd->type == RG_T_CODE) k->dim_card[x] = d->codelists[fd->codelist].n_codes + 1;
        else if (fd->type == RG_T_BOOL) k->dim_card[x] = 3;
        else {
            rt_err(err, 2, TR("dimension '%s' of form '%s' is not a code list or a yes/no field; its children cannot be summed",
                              "chiều '%s' của biểu '%s' không phải danh mục mã hay trường có/không; không cộng được số liệu cấp dưới"),
                   fd->code, f->code);
            rt_kids_free(k);
            return NULL;
        }
    }
    k->out_of = rt_xmalloc((k->nf ? k->nf : 1) * sizeof *k->out_of);
    for (uint32_t x = 0; x < k->nf; x++) k->out_of[x] = -1;
    for (uint32_t o = 0; o < f->n_outputs && o < 64; o++)
        if (f->outputs[o].field >= 0 && (uint32_t)f->outputs[o].field < k->nf) k->out_of[f->outputs[o].field] = (int32_t)o;
    k->child_rule = rt_xcalloc(k->nr ? k->nr : 1, 1);
    for (uint32_t r = 0; r < k->nr; r++) k->child_rule[r] = (f->rules[r].flags & RG_RULE_CHILDREN) != 0;
    pthread_mutex_init(&k->mu, NULL);
    return k;
}

void rt_kids_free(rt_kids *k)
{
    if (!k) return;
    free(k->dim_card);
    free(k->out_of);
    free(k->child_rule);
    free(k->keys);
    free(k->slots);
    free(k->acc);
    pthread_mutex_destroy(&k->mu);
    free(k);
}

/* The combination of dimension values of row i (as rollup.c numbers it), or
 * UINT32_MAX when a value is not in its list. */
static uint32_t combo_of(const rt_kids *k, const rg_batch *b, uint32_t i)
{
    uint32_t cb = 0;
    for (uint32_t x = 0; x < k->form->n_dims; x++) {
        const rg_column *dc = &b->cols[k->form->dims[x]];
        uint32_t card = k->dim_card[x], v;
        if (!bit(dc->present, i)) v = card - 1;
        else if (dc->v[i] < 0 || dc->v[i] >= card - 1) return UINT32_MAX;
        else v = (uint32_t)dc->v[i];
        cb = cb * card + v;
    }
    return cb;
}

void rt_kids_collect(rt_kids *k, const rg_batch *b, const uint64_t *valid)
{
    const uint32_t n = b->n_rows;
    const rg_column *uc = &b->cols[k->form->unit_field], *pc = &b->cols[k->form->period_field];
    uint32_t *slot = rt_xmalloc((n ? n : 1) * sizeof *slot);
    uint8_t *pos = rt_xmalloc(n ? n : 1);
    memset(pos, 3, n); /* the period is its own first and last sub-period */
    uint64_t rows = 0;
    pthread_mutex_lock(&k->mu);
    for (uint32_t i = 0; i < n; i++) {
        slot[i] = UINT32_MAX;
        if (!bit(valid, i) || !bit(uc->present, i) || !bit(pc->present, i)) continue;
        int64_t u = uc->v[i];
        if (u < k->lo || u >= k->hi || pc->v[i] < 0) continue;
        uint32_t cb = combo_of(k, b, i);
        if (cb == UINT32_MAX) continue;
        slot[i] = group(k, (uint32_t)u, cb, pc->v[i]);
        if (slot[i] != UINT32_MAX) rows++;
    }
    if (rows) k->form->accumulate(b, slot, pos, k->acc);
    k->leaf_rows += rows;
    pthread_mutex_unlock(&k->mu);
    free(slot);
    free(pos);
}

int rt_kids_rollup(rt_kids *k, rt_error *err)
{
    const int32_t *parent = rt_units_parents(k->units);
    const uint32_t na = k->na;
    k->nleaf = k->ngroups;
    for (uint32_t i = 0; i < k->nleaf; i++) {
        gkey key = k->keys[i];
        int64_t cnt = k->acc[(size_t)i * na + na - 1];
        if (cnt == 0) continue;
        for (int32_t par = parent[key.g]; par >= 0; par = parent[par]) {
            uint32_t pk = group(k, (uint32_t)par, key.combo, key.period);
            if (pk == UINT32_MAX) break;
            int64_t *dst = k->acc + (size_t)pk * na, *src = k->acc + (size_t)i * na;
            if (cnt < 0 || dst[na - 1] < 0) dst[na - 1] = INT64_MIN; /* overflow is contagious */
            else k->form->combine(dst, src);
        }
    }
    if (k->full) {
        rt_err(err, 2, TR("out of memory for the sums of the children", "không đủ bộ nhớ để cộng số liệu của cấp dưới"));
        return -1;
    }
    return 0;
}

/* v at scale `from` as scale `to`, rounded half away from zero. */
static int64_t rescale(int64_t v, int from, int to)
{
    while (from < to) {
        if (v > INT64_MAX / 10 || v < INT64_MIN / 10) return v;
        v *= 10;
        from++;
    }
    while (from > to) {
        int64_t q = v / 10, r = v % 10;
        if (r >= 5) q++;
        else if (r <= -5) q--;
        v = q;
        from--;
    }
    return v;
}

typedef struct kscratch {
    uint32_t cap, capw, nf, nr;
    rg_column *cols;
    int64_t *v, *zero_v;
    uint64_t *pres, *zero_w, *fail, **failp, *ovf, *parent, *rows;
} kscratch;

void rt_kids_scratch_free(void *scratch)
{
    kscratch *s = scratch;
    if (!s) return;
    free(s->cols);
    free(s->v);
    free(s->zero_v);
    free(s->pres);
    free(s->zero_w);
    free(s->fail);
    free(s->failp);
    free(s->ovf);
    free(s->parent);
    free(s->rows);
    free(s);
}

static kscratch *scratch_for(rt_kids *k, void **scratch, uint32_t n)
{
    kscratch *s = *scratch;
    if (!s) {
        s = rt_xcalloc(1, sizeof *s);
        s->nf = k->nf;
        s->nr = k->nr;
        /* one column more than the form's: its `present` marks the rows
         * whose unit has children rows (rg_batch.children_rows, rt_rows) */
        s->cols = rt_xcalloc(k->nf + 1, sizeof *s->cols);
        s->failp = rt_xcalloc(k->nr ? k->nr : 1, sizeof *s->failp);
        *scratch = s;
    }
    if (n > s->cap) {
        uint32_t nw = (n + 63) / 64;
        s->cap = n;
        s->capw = nw;
        free(s->v);
        free(s->zero_v);
        free(s->pres);
        free(s->zero_w);
        free(s->fail);
        free(s->ovf);
        free(s->parent);
        s->v = rt_xcalloc((size_t)n * (k->nf ? k->nf : 1), sizeof *s->v);
        s->zero_v = rt_xcalloc(n, sizeof *s->zero_v);
        s->pres = rt_xcalloc((size_t)nw * (k->nf ? k->nf : 1), sizeof *s->pres);
        s->zero_w = rt_xcalloc(nw, sizeof *s->zero_w);
        s->fail = rt_xcalloc((size_t)nw * (k->nr ? k->nr : 1), sizeof *s->fail);
        s->ovf = rt_xcalloc(nw, sizeof *s->ovf);
        s->parent = rt_xcalloc(nw, sizeof *s->parent);
        free(s->rows);
        s->rows = rt_xcalloc(nw, sizeof *s->rows);
        s->cols[k->nf].v = s->zero_v;
        s->cols[k->nf].present = s->rows;
        s->cols[k->nf].malformed = s->zero_w;
        for (uint32_t x = 0; x < k->nf; x++) {
            s->cols[x].v = k->out_of[x] >= 0 ? s->v + (size_t)x * n : s->zero_v;
            s->cols[x].present = k->out_of[x] >= 0 ? s->pres + (size_t)x * nw : s->zero_w;
            s->cols[x].malformed = s->zero_w;
        }
        for (uint32_t r = 0; r < k->nr; r++) s->failp[r] = s->fail + (size_t)r * nw;
    }
    return s;
}

int rt_kids_after(rt_kids *k, const rg_batch *b, uint64_t *const *fail, uint64_t *overflow,
                  const rg_column **children, void **scratch)
{
    const uint32_t n = b->n_rows, nw = (n + 63) / 64;
    const rg_form *f = k->form;
    const rg_column *uc = &b->cols[f->unit_field], *pc = &b->cols[f->period_field];
    /* From the ordinary evaluation (prev = previous period) the bits of
     * children() rules mean nothing. */
    for (uint32_t r = 0; r < k->nr; r++)
        if (k->child_rule[r]) memset(fail[r], 0, nw * sizeof **fail);
    uint32_t first = UINT32_MAX;
    for (uint32_t i = 0; i < n && first == UINT32_MAX; i++)
        if (bit(uc->present, i) && uc->v[i] >= 0 && uc->v[i] < k->lo) first = i;
    if (first == UINT32_MAX) return 0; /* no parent row: the usual batch */
    kscratch *s = scratch_for(k, scratch, n);
    memset(s->pres, 0, (size_t)s->capw * (k->nf ? k->nf : 1) * sizeof *s->pres);
    memset(s->parent, 0, s->capw * sizeof *s->parent);
    memset(s->rows, 0, s->capw * sizeof *s->rows);
    uint64_t parents = 0, alone = 0;
    const uint32_t na = k->na;
    for (uint32_t i = first; i < n; i++) {
        if (!bit(uc->present, i) || uc->v[i] < 0 || uc->v[i] >= k->lo) continue;
        s->parent[i >> 6] |= 1ull << (i & 63);
        parents++;
        uint32_t cb = combo_of(k, b, i);
        int64_t gi = cb == UINT32_MAX || !bit(pc->present, i) ? -1 : find(k, (uint32_t)uc->v[i], cb, pc->v[i]);
        const int64_t *grp = gi >= 0 ? k->acc + (size_t)gi * na : NULL;
        if (!grp || grp[na - 1] <= 0) {
            alone++;
            continue;
        }
        int64_t out[64];
        uint64_t present = 0;
        s->rows[i >> 6] |= 1ull << (i & 63);
        f->finalize(grp, out, &present);
        for (uint32_t x = 0; x < k->nf; x++) {
            int32_t o = k->out_of[x];
            if (o < 0 || !(present >> o & 1)) continue;
            s->v[(size_t)x * s->cap + i] = rescale(out[o], f->outputs[o].scale, f->fields[x].scale);
            s->pres[(size_t)x * s->capw + (i >> 6)] |= 1ull << (i & 63);
        }
    }
    __atomic_fetch_add(&k->parents, parents, __ATOMIC_RELAXED);
    __atomic_fetch_add(&k->parents_alone, alone, __ATOMIC_RELAXED);
    rg_batch b2 = *b;
    b2.children = s->cols;
    b2.children_rows = s->rows;
    memset(s->ovf, 0, nw * sizeof *s->ovf);
    int rc = f->validate(&b2, s->failp, s->ovf);
    for (uint32_t r = 0; r < k->nr; r++)
        if (k->child_rule[r])
            for (uint32_t w = 0; w < nw; w++) fail[r][w] = s->failp[r][w] & s->parent[w];
    int added = 0;
    if (rc < 0)
        for (uint32_t w = 0; w < nw; w++) {
            uint64_t x = s->ovf[w] & s->parent[w] & ~overflow[w];
            if (x) {
                overflow[w] |= x;
                added = 1;
            }
        }
    *children = s->cols;
    return added ? -1 : 0;
}

void rt_kids_report(const rt_kids *k)
{
    const rg_regime_desc *d = rt_regime_desc(k->rg);
    rt_info(TR("regrt: children: %llu rows of the form's tier (%s) summed; %llu rows of units above it checked against their children, %llu of them with no child reporting\n",
               "regrt: cấp dưới: đã cộng %llu dòng của cấp báo cáo (%s); %llu dòng của đơn vị cấp trên được đối chiếu với tổng cấp dưới, %llu dòng không có đơn vị cấp dưới nào báo cáo\n"),
            (unsigned long long)k->leaf_rows, d->tiers[k->tier].name, (unsigned long long)k->parents,
            (unsigned long long)k->parents_alone);
}
