/*
 * prev.c — previous(x): the row of the same unit and dimension values one
 * period earlier (by the form's frequency), from the same DATA files.
 *
 * A first pass over the files indexes every row by its series (the raw text
 * of the unit and of each dimension value: an unknown unit or code still
 * joins with itself) and its period number, keeping only the columns that
 * the descriptor says are read in the previous period (rg_read, role
 * PREVIOUS, of the selected rules and of the computed fields). A computed
 * column read in the previous period that itself reads previous() needs its
 * own previous period: ext.c runs rg_form.prev_depth such passes, each with
 * the index of the one before joined. The scan then fills batch->prev row by row from the
 * index: a row whose series has no row in the previous period gets prev
 * values that are not present, so its previous() rules are skipped (or read
 * 0 with `missing zero`, or fail with `missing fail`). A key that appears
 * twice has no single previous row: the next period gets none, and a
 * warning counts such keys. Values are those of the row as submitted,
 * computed fields included, whether or not the row had errors.
 *
 * The form's lags (ABI 5, rg_form.lags) are more columns of batch->prev:
 * previous(x, k) is x of the row k periods earlier, looked up in the same
 * index; lag 0 of the period is the first period of the row's series in
 * the data (running_sum() that never resets starts there), and the
 * longest series (rt_prev_span) says how many passes such a total needs.
 *
 * Memory: per row of the input, 12 bytes of index (twice that with the
 * table's slack), 8 bytes per stored field and 8 bytes of presence bits, plus
 * each distinct series once. tthc's C1 (carried, pending) costs about 50
 * bytes per row: 5 MB for the 49,000 rows of a national month.
 */
#include <stdlib.h>

#include "ext.h"

struct rt_prev {
    const rg_form *form;
    uint32_t nf, nk, nmask, nl;
    int32_t *kf;        /* stored fields */
    int32_t *lagx;      /* per lag: its field's place in kf, -1: not stored
                           (lag 0: the series' first period) */
    int32_t *smin, *smax; /* per series: its first and last period */
    uint32_t scap;
    rt_strmap series;   /* series key -> id */
    rt_arena arena;
    uint32_t n_series;
    uint64_t *ekey;     /* ((series << 20) | period) + 1; 0 = empty */
    uint32_t *erow;     /* row, or UINT32_MAX when the key repeats */
    uint32_t ecap, en;
    int64_t *vals;      /* nk per row */
    uint64_t *pres;     /* nmask per row */
    uint32_t nrows, caprows;
    uint64_t dup, joined, filled, skipped;
    pthread_mutex_t mu;
};

#define PERIOD_BITS 20

static int reads_prev(const rg_read *reads, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++)
        if (reads[k].role == RG_READ_PREVIOUS) return 1;
    return 0;
}

int rt_prev_rule(const rg_rule *r) { return reads_prev(r->reads, r->n_reads); }

int rt_prev_needed(const rg_form *f, const uint8_t *rule_on)
{
    for (uint32_t k = 0; k < f->n_fields; k++)
        if ((f->fields[k].flags & RG_FIELD_COMPUTED) && reads_prev(f->fields[k].reads, f->fields[k].n_reads))
            return 1;
    for (uint32_t r = 0; r < f->n_rules; r++)
        if (rule_on[r] && rt_prev_rule(&f->rules[r])) return 1;
    return 0;
}

/* The columns read in the previous period (the descriptor's read sets of
 * the selected rules and of every computed column, which is always
 * computed), into use[]. */
static void mark_prev(const rg_form *f, const rg_read *reads, uint32_t n, uint8_t *use)
{
    for (uint32_t k = 0; k < n; k++) {
        if (reads[k].role != RG_READ_PREVIOUS || reads[k].field < 0) continue;
        uint32_t x = (uint32_t)reads[k].field;
        if (x < f->n_fields) {
            use[x] = 1;
        } else if (x - f->n_fields < f->n_lags) {
            const rg_lag *l = &f->lags[x - f->n_fields];
            if (l->lag && l->field >= 0 && (uint32_t)l->field < f->n_fields) use[l->field] = 1;
        }
    }
}

rt_prev *rt_prev_new(const rt_regime *rg, const rg_form *f, const uint8_t *rule_on)
{
    (void)rg;
    rt_prev *p = rt_xcalloc(1, sizeof *p);
    p->form = f;
    p->nf = f->n_fields;
    uint8_t *use = rt_xcalloc(f->n_fields ? f->n_fields : 1, 1);
    for (uint32_t r = 0; r < f->n_rules; r++)
        if (rule_on[r]) mark_prev(f, f->rules[r].reads, f->rules[r].n_reads, use);
    for (uint32_t k = 0; k < f->n_fields; k++)
        if (f->fields[k].flags & RG_FIELD_COMPUTED) mark_prev(f, f->fields[k].reads, f->fields[k].n_reads, use);
    p->kf = rt_xcalloc(f->n_fields ? f->n_fields : 1, sizeof *p->kf);
    for (uint32_t k = 0; k < f->n_fields; k++) {
        if (f->fields[k].type == RG_T_TEXT) continue;
        if (use[k]) p->kf[p->nk++] = (int32_t)k;
    }
    free(use);
    p->nl = f->n_lags;
    p->lagx = rt_xcalloc(p->nl ? p->nl : 1, sizeof *p->lagx);
    for (uint32_t l = 0; l < p->nl; l++) {
        p->lagx[l] = -1;
        for (uint32_t x = 0; x < p->nk && f->lags[l].lag; x++)
            if (p->kf[x] == f->lags[l].field) p->lagx[l] = (int32_t)x;
    }
    p->nmask = (p->nk + 63) / 64;
    if (!p->nmask) p->nmask = 1;
    rt_strmap_init(&p->series, 1024);
    p->ecap = 1024;
    p->ekey = rt_xcalloc(p->ecap, sizeof *p->ekey);
    p->erow = rt_xcalloc(p->ecap, sizeof *p->erow);
    pthread_mutex_init(&p->mu, NULL);
    return p;
}

void rt_prev_free(rt_prev *p)
{
    if (!p) return;
    rt_strmap_free(&p->series);
    rt_arena_free(&p->arena);
    free(p->kf);
    free(p->lagx);
    free(p->smin);
    free(p->smax);
    free(p->ekey);
    free(p->erow);
    free(p->vals);
    free(p->pres);
    pthread_mutex_destroy(&p->mu);
    free(p);
}

static inline int bit(const uint64_t *w, uint32_t i) { return (int)(w[i >> 6] >> (i & 63) & 1); }

/* The series key of row i: the unit's raw text, then each dimension's. */
static void series_key(const rg_form *f, const rg_batch *b, uint32_t i, rt_buf *k)
{
    k->n = 0;
    int32_t cols[65];
    uint32_t nc = 0;
    cols[nc++] = f->unit_field;
    for (uint32_t d = 0; d < f->n_dims && nc < 65; d++) cols[nc++] = f->dims[d];
    for (uint32_t j = 0; j < nc; j++) {
        if (j) rt_buf_ch(k, '\x1f');
        const rg_column *c = &b->cols[cols[j]];
        if (c->str && c->len && c->len[i]) rt_buf_put(k, c->str[i], c->len[i]);
        else if (bit(c->present, i)) rt_buf_printf(k, "\x1e%lld", (long long)c->v[i]);
    }
}

static inline uint64_t mix(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    return k;
}

static void grow_table(rt_prev *p)
{
    uint32_t cap = p->ecap * 2;
    uint64_t *k = rt_xcalloc(cap, sizeof *k);
    uint32_t *r = rt_xcalloc(cap, sizeof *r);
    for (uint32_t i = 0; i < p->ecap; i++) {
        if (!p->ekey[i]) continue;
        uint32_t j = (uint32_t)mix(p->ekey[i]) & (cap - 1);
        while (k[j]) j = (j + 1) & (cap - 1);
        k[j] = p->ekey[i];
        r[j] = p->erow[i];
    }
    free(p->ekey);
    free(p->erow);
    p->ekey = k;
    p->erow = r;
    p->ecap = cap;
}

static int64_t lookup(const rt_prev *p, uint64_t key)
{
    uint32_t j = (uint32_t)mix(key) & (p->ecap - 1);
    while (p->ekey[j]) {
        if (p->ekey[j] == key) return p->erow[j] == UINT32_MAX ? -2 : (int64_t)p->erow[j];
        j = (j + 1) & (p->ecap - 1);
    }
    return -1;
}

void rt_prev_collect(rt_prev *p, const rg_batch *b)
{
    const rg_form *f = p->form;
    const rg_column *pc = &b->cols[f->period_field];
    rt_buf k = {0};
    pthread_mutex_lock(&p->mu);
    for (uint32_t i = 0; i < b->n_rows; i++) {
        if (!bit(pc->present, i) || pc->v[i] < 0 || pc->v[i] >= (1 << PERIOD_BITS)) continue;
        series_key(f, b, i, &k);
        uint32_t sid;
        int32_t per = (int32_t)pc->v[i];
        if (!rt_strmap_get(&p->series, k.p ? k.p : "", (uint32_t)k.n, &sid)) {
            sid = p->n_series++;
            char *copy = rt_arena_strndup(&p->arena, k.p ? k.p : "", k.n);
            rt_strmap_put(&p->series, copy, (uint32_t)k.n, sid);
            if (sid >= p->scap) {
                p->scap = p->scap ? p->scap * 2 : 1024;
                p->smin = rt_xrealloc(p->smin, (size_t)p->scap * sizeof *p->smin);
                p->smax = rt_xrealloc(p->smax, (size_t)p->scap * sizeof *p->smax);
            }
            p->smin[sid] = p->smax[sid] = per;
        }
        if (per < p->smin[sid]) p->smin[sid] = per;
        if (per > p->smax[sid]) p->smax[sid] = per;
        uint64_t key = (((uint64_t)sid << PERIOD_BITS) | (uint64_t)pc->v[i]) + 1;
        if ((uint64_t)(p->en + 1) * 4 > (uint64_t)p->ecap * 3) grow_table(p);
        uint32_t j = (uint32_t)mix(key) & (p->ecap - 1);
        while (p->ekey[j] && p->ekey[j] != key) j = (j + 1) & (p->ecap - 1);
        if (p->ekey[j]) {
            if (p->erow[j] != UINT32_MAX) p->dup++;
            p->erow[j] = UINT32_MAX;
            continue;
        }
        if (p->nrows == p->caprows) {
            p->caprows = p->caprows ? p->caprows * 2 : 4096;
            p->vals = rt_xrealloc(p->vals, (size_t)p->caprows * (p->nk ? p->nk : 1) * sizeof *p->vals);
            p->pres = rt_xrealloc(p->pres, (size_t)p->caprows * p->nmask * sizeof *p->pres);
        }
        uint32_t r = p->nrows++;
        int64_t *v = p->vals + (size_t)r * p->nk;
        uint64_t *m = p->pres + (size_t)r * p->nmask;
        memset(m, 0, p->nmask * sizeof *m);
        for (uint32_t x = 0; x < p->nk; x++) {
            const rg_column *c = &b->cols[p->kf[x]];
            v[x] = c->v[i];
            if (bit(c->present, i)) m[x >> 6] |= 1ull << (x & 63);
        }
        p->ekey[j] = key;
        p->erow[j] = r;
        p->en++;
    }
    pthread_mutex_unlock(&p->mu);
    rt_buf_free(&k);
}

/* A worker's prev columns. */
typedef struct pscratch {
    uint32_t cap, capw, nf;
    rg_column *cols;
    int64_t *v, *zero_v;
    uint64_t *pres, *zero_w, *rows;
    rt_buf key;
} pscratch;

void rt_prev_scratch_free(void *scratch)
{
    pscratch *s = scratch;
    if (!s) return;
    free(s->cols);
    free(s->v);
    free(s->zero_v);
    free(s->pres);
    free(s->zero_w);
    free(s->rows);
    rt_buf_free(&s->key);
    free(s);
}

const rg_column *rt_prev_fill(rt_prev *p, const rg_batch *b, void **scratch)
{
    pscratch *s = *scratch;
    const uint32_t n = b->n_rows, nw = (n + 63) / 64;
    /* the prev columns: the fields, then the lags (ABI 5) */
    const uint32_t ncol = p->nf + p->nl, nv = p->nk + p->nl;
    if (!s) {
        s = rt_xcalloc(1, sizeof *s);
        s->nf = p->nf;
        /* one column more than the form's and its lags: its `present`
         * marks the rows that have a previous-period row (rg_batch.prev_rows,
         * rt_rows) */
        s->cols = rt_xcalloc(ncol + 1, sizeof *s->cols);
        *scratch = s;
    }
    if (n > s->cap) {
        s->cap = n;
        s->capw = nw;
        free(s->v);
        free(s->zero_v);
        free(s->pres);
        free(s->zero_w);
        free(s->rows);
        s->rows = rt_xcalloc(nw, sizeof *s->rows);
        s->cols[ncol].present = s->rows;
        s->v = rt_xcalloc((size_t)n * (nv ? nv : 1), sizeof *s->v);
        s->zero_v = rt_xcalloc(n, sizeof *s->zero_v);
        s->pres = rt_xcalloc((size_t)nw * (nv ? nv : 1), sizeof *s->pres);
        s->zero_w = rt_xcalloc(nw, sizeof *s->zero_w);
        for (uint32_t k = 0; k < ncol; k++) {
            s->cols[k].v = s->zero_v;
            s->cols[k].present = s->zero_w;
            s->cols[k].malformed = s->zero_w;
        }
        s->cols[ncol].v = s->zero_v;
        s->cols[ncol].malformed = s->zero_w;
        for (uint32_t x = 0; x < p->nk; x++) {
            s->cols[p->kf[x]].v = s->v + (size_t)x * s->cap;
            s->cols[p->kf[x]].present = s->pres + (size_t)x * s->capw;
        }
        for (uint32_t l = 0; l < p->nl; l++) {
            s->cols[p->nf + l].v = s->v + (size_t)(p->nk + l) * s->cap;
            s->cols[p->nf + l].present = s->pres + (size_t)(p->nk + l) * s->capw;
        }
    }
    memset(s->pres, 0, (size_t)s->capw * (nv ? nv : 1) * sizeof *s->pres);
    memset(s->rows, 0, (size_t)s->capw * sizeof *s->rows);
    const rg_form *f = p->form;
    const rg_column *pc = &b->cols[f->period_field];
    uint64_t joined = 0, skipped = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (!bit(pc->present, i) || pc->v[i] < 1 || pc->v[i] >= (1 << PERIOD_BITS)) continue;
        series_key(f, b, i, &s->key);
        uint32_t sid;
        if (!rt_strmap_get(&p->series, s->key.p ? s->key.p : "", (uint32_t)s->key.n, &sid)) continue;
        for (uint32_t l = 0; l < p->nl; l++) {
            int64_t at, *dst = s->v + (size_t)(p->nk + l) * s->cap + i;
            uint64_t *pw = s->pres + (size_t)(p->nk + l) * s->capw + (i >> 6);
            if (!f->lags[l].lag) { /* the series' first period */
                *dst = p->smin[sid];
                *pw |= 1ull << (i & 63);
                continue;
            }
            if (p->lagx[l] < 0 || pc->v[i] < (int64_t)f->lags[l].lag) continue;
            if ((at = lookup(p, (((uint64_t)sid << PERIOD_BITS) | (uint64_t)(pc->v[i] - f->lags[l].lag)) + 1)) < 0)
                continue; /* no row, or the key repeats: not present */
            uint32_t x = (uint32_t)p->lagx[l];
            *dst = p->vals[(size_t)at * p->nk + x];
            if (p->pres[(size_t)at * p->nmask + (x >> 6)] >> (x & 63) & 1) *pw |= 1ull << (i & 63);
        }
        int64_t r = lookup(p, (((uint64_t)sid << PERIOD_BITS) | (uint64_t)(pc->v[i] - 1)) + 1);
        if (r == -2) skipped++;
        if (r < 0) continue;
        joined++;
        s->rows[i >> 6] |= 1ull << (i & 63);
        const int64_t *v = p->vals + (size_t)r * p->nk;
        const uint64_t *m = p->pres + (size_t)r * p->nmask;
        for (uint32_t x = 0; x < p->nk; x++) {
            s->v[(size_t)x * s->cap + i] = v[x];
            if (m[x >> 6] >> (x & 63) & 1) s->pres[(size_t)x * s->capw + (i >> 6)] |= 1ull << (i & 63);
        }
    }
    __atomic_fetch_add(&p->joined, joined, __ATOMIC_RELAXED);
    __atomic_fetch_add(&p->skipped, skipped, __ATOMIC_RELAXED);
    __atomic_fetch_add(&p->filled, (uint64_t)n, __ATOMIC_RELAXED);
    return s->cols;
}

void rt_prev_reset(rt_prev *p) { p->joined = p->filled = p->skipped = 0; }

uint32_t rt_prev_span(const rt_prev *p)
{
    uint32_t span = 0;
    for (uint32_t s = 0; s < p->n_series; s++)
        if ((uint32_t)(p->smax[s] - p->smin[s]) > span) span = (uint32_t)(p->smax[s] - p->smin[s]);
    return span;
}

void rt_prev_report(const rt_prev *p)
{
    rt_info(TR("regrt: previous period: %u rows indexed (%u series), %llu of %llu rows joined with their previous row\n",
               "regrt: kỳ trước: đã lập chỉ mục %u dòng (%u chuỗi), %llu trên %llu dòng ghép được với dòng kỳ trước\n"),
            p->nrows, p->n_series, (unsigned long long)p->joined, (unsigned long long)p->filled);
}

void rt_prev_warn(const rt_prev *p)
{
    if (p->skipped)
        rt_warn(TR("%llu row(s) have more than one row of the same unit and dimension values in the previous period; their previous() rules are skipped (%llu such keys repeat)",
                   "%llu dòng có nhiều hơn một dòng cùng đơn vị và giá trị chiều ở kỳ trước; các quy tắc previous() của chúng bị bỏ qua (%llu khóa bị lặp)"),
                (unsigned long long)p->skipped, (unsigned long long)p->dup);
}

/* ---- previous() within an in-memory batch (regrt.h) ------------------------------- */

typedef struct batch_prev {
    rt_prev *p;
    void *scratch;
} batch_prev;

const rg_column *rt_batch_previous(const rg_form *f, const rg_batch *b, void **state)
{
    batch_prev *s = *state;
    if (!s) *state = s = rt_xcalloc(1, sizeof *s);
    if (f->unit_field < 0 || f->period_field < 0) return NULL;
    uint8_t *on = rt_xmalloc(f->n_rules ? f->n_rules : 1);
    memset(on, 1, f->n_rules ? f->n_rules : 1);
    rt_prev_free(s->p);
    s->p = rt_prev_new(NULL, f, on);
    free(on);
    rt_prev_collect(s->p, b);
    return rt_prev_fill(s->p, b, &s->scratch);
}

uint32_t rt_batch_previous_rounds(const rg_form *f, const void *state)
{
    const batch_prev *s = state;
    return f->prev_depth + (f->prev_series && s && s->p ? rt_prev_span(s->p) : 0);
}

void rt_batch_previous_free(void *state)
{
    batch_prev *s = state;
    if (!s) return;
    rt_prev_free(s->p);
    rt_prev_scratch_free(s->scratch);
    free(s);
}
