/*
 * perunit.c — fields reported once per unit and period (`per unit`,
 * RG_FIELD_PER_UNIT) in a form with dimensions.
 *
 * Every row of a unit and period carries the unit's figures (a CSV repeats
 * them; an XML instance gives them once and xml.c copies them onto its
 * rows), so the kernels read them like any column. What this file adds:
 *
 *   - a first pass (ext.c) indexes each (unit, period): the per-unit values
 *     of its first row and the smallest dimension values of its rows. Two
 *     rows that give different values are refused, with both places: which
 *     one is right cannot be known (rt_pu_check);
 *   - the representative row of a unit and period, the one with the
 *     smallest dimension values: a PER_UNIT rule is reported on it only
 *     (rt_pu_rep; scan.c);
 *   - the roll-up takes the per-unit figures once per unit and sub-period,
 *     from the first valid row it meets (rt_pu_take; rollup.c).
 *
 * The index holds one entry per unit and period, never one per row.
 */
#include <stdlib.h>

#include "ext.h"

typedef struct pu_ent {
    uint64_t key;  /* 0 = empty slot */
    uint64_t row;  /* the first row: file << 40 | row */
    int64_t period;
    uint32_t vals; /* offset of its values and dimensions in p->data */
    uint32_t taken; /* the roll-up took its figures (rollup.c, under its lock) */
} pu_ent;

struct rt_pu {
    const rg_regime_desc *desc;
    const rg_form *form;
    uint32_t *fields; /* per-unit input columns */
    uint32_t n_fields;
    pu_ent *t;
    uint64_t mask, n;
    int64_t *data;    /* per entry: n_fields values, n_fields states, n_dims dims */
    size_t data_n, data_cap;
    uint32_t stride;
    /* the first conflict */
    int conflict;
    uint64_t c_first, c_second;
    uint32_t c_field;
    int64_t c_v1, c_v2, c_period;
    int c_s1, c_s2;
    char *c_unit;
    uint64_t n_conflicts;
    /* the first pass: file and rows read so far */
    uint32_t file;
    uint64_t rows;
};

static inline uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    h *= 0xff51afd7ed558ccdull;
    return h ^ (h >> 33);
}

static inline int bit(const uint64_t *w, uint32_t i) { return (int)(w[i >> 6] >> (i & 63) & 1); }

rt_pu *rt_pu_new(const rg_regime_desc *d, const rg_form *f)
{
    if (!f->n_dims || f->unit_field < 0 || f->period_field < 0) return NULL;
    uint32_t n = 0;
    for (uint32_t k = 0; k < f->n_fields; k++)
        n += (f->fields[k].flags & (RG_FIELD_PER_UNIT | RG_FIELD_COMPUTED | RG_FIELD_RATIO)) == RG_FIELD_PER_UNIT;
    if (!n) return NULL;
    rt_pu *p = rt_xcalloc(1, sizeof *p);
    p->desc = d;
    p->form = f;
    p->fields = rt_xcalloc(n, sizeof *p->fields);
    for (uint32_t k = 0; k < f->n_fields; k++)
        if ((f->fields[k].flags & (RG_FIELD_PER_UNIT | RG_FIELD_COMPUTED | RG_FIELD_RATIO)) == RG_FIELD_PER_UNIT)
            p->fields[p->n_fields++] = k;
    p->stride = 2 * n + f->n_dims;
    p->mask = (1u << 12) - 1;
    p->t = rt_xcalloc(p->mask + 1, sizeof *p->t);
    return p;
}

void rt_pu_free(rt_pu *p)
{
    if (!p) return;
    free(p->fields);
    free(p->t);
    free(p->data);
    free(p->c_unit);
    free(p);
}

/* The key of row i: its unit as written and its period; 0 when it has
 * neither (such a row is malformed and reported as it is). */
static uint64_t row_key(const rt_pu *p, const rg_batch *b, uint32_t i, int64_t *period)
{
    const rg_column *uc = &b->cols[p->form->unit_field], *pc = &b->cols[p->form->period_field];
    if (!bit(pc->present, i) || !uc->str || !uc->len || !uc->len[i]) return 0;
    uint64_t h = 0x243f6a8885a308d3ull;
    const char *s = uc->str[i];
    for (uint32_t k = 0; k < uc->len[i]; k++) h = mix(h, (unsigned char)s[k]);
    h = mix(h, (uint64_t)pc->v[i]);
    *period = pc->v[i];
    return h ? h : 1;
}

static pu_ent *find(const rt_pu *p, uint64_t key)
{
    for (uint64_t s = key & p->mask;; s = (s + 1) & p->mask) {
        if (p->t[s].key == key) return &p->t[s];
        if (!p->t[s].key) return NULL;
    }
}

static void grow(rt_pu *p)
{
    uint64_t cap = (p->mask + 1) * 2;
    pu_ent *t = rt_xcalloc(cap, sizeof *t);
    for (uint64_t s = 0; s <= p->mask; s++) {
        if (!p->t[s].key) continue;
        uint64_t k = p->t[s].key & (cap - 1);
        while (t[k].key) k = (k + 1) & (cap - 1);
        t[k] = p->t[s];
    }
    free(p->t);
    p->t = t;
    p->mask = cap - 1;
}

/* A value's state: 0 empty, 1 present, 2 malformed. */
static inline int state(const rg_column *c, uint32_t i)
{
    return bit(c->present, i) ? 1 : c->malformed && bit(c->malformed, i) ? 2 : 0;
}

static inline int64_t value(const rg_field *fd, const rg_column *c, uint32_t i)
{
    if (fd->type != RG_T_TEXT) return c->v[i];
    uint64_t h = 0x13198a2e03707344ull;
    if (c->str && c->len)
        for (uint32_t k = 0; k < c->len[i]; k++) h = mix(h, (unsigned char)c->str[i][k]);
    return (int64_t)h;
}

static inline int64_t dim_of(const rg_column *c, uint32_t i)
{
    return bit(c->present, i) ? c->v[i] : c->malformed && bit(c->malformed, i) ? -3 : -2;
}

void rt_pu_file(rt_pu *p, uint32_t file)
{
    p->file = file;
    p->rows = 0;
}

void rt_pu_collect(rt_pu *p, const rg_batch *b)
{
    const rg_form *f = p->form;
    for (uint32_t i = 0; i < b->n_rows; i++) {
        uint64_t where = (uint64_t)p->file << 40 | (p->rows + i + 1);
        int64_t period;
        uint64_t key = row_key(p, b, i, &period);
        if (!key) continue;
        pu_ent *e = find(p, key);
        if (!e) {
            if ((p->n + 1) * 2 > p->mask + 1) grow(p);
            uint64_t s = key & p->mask;
            while (p->t[s].key) s = (s + 1) & p->mask;
            e = &p->t[s];
            e->key = key;
            e->row = where;
            e->period = period;
            if (p->data_n + p->stride > p->data_cap) {
                p->data_cap = p->data_cap ? p->data_cap * 2 : 1024 * (size_t)p->stride;
                p->data = rt_xrealloc(p->data, p->data_cap * sizeof *p->data);
            }
            if (p->data_n > UINT32_MAX - p->stride) continue; /* beyond any real submission */
            e->vals = (uint32_t)p->data_n;
            int64_t *d = p->data + p->data_n;
            p->data_n += p->stride;
            for (uint32_t k = 0; k < p->n_fields; k++) {
                const rg_column *c = &b->cols[p->fields[k]];
                d[p->n_fields + k] = state(c, i);
                d[k] = d[p->n_fields + k] == 1 ? value(&f->fields[p->fields[k]], c, i) : 0;
            }
            for (uint32_t k = 0; k < f->n_dims; k++) d[2 * p->n_fields + k] = dim_of(&b->cols[f->dims[k]], i);
            p->n++;
            continue;
        }
        int64_t *d = p->data + e->vals;
        for (uint32_t k = 0; k < p->n_fields; k++) {
            const rg_column *c = &b->cols[p->fields[k]];
            int s = state(c, i);
            int64_t v = s == 1 ? value(&f->fields[p->fields[k]], c, i) : 0;
            /* two malformed values are both reported as malformed */
            if (s == d[p->n_fields + k] && (s != 1 || v == d[k])) continue;
            if (!p->n_conflicts++) {
                p->conflict = 1;
                p->c_first = e->row;
                p->c_second = where;
                p->c_field = p->fields[k];
                p->c_v1 = d[k];
                p->c_s1 = (int)d[p->n_fields + k];
                p->c_v2 = v;
                p->c_s2 = s;
                p->c_period = period;
                const rg_column *uc = &b->cols[f->unit_field];
                p->c_unit = rt_xstrndup(uc->str[i], uc->len[i]);
            }
            break;
        }
        /* the representative row: the smallest dimension values */
        int64_t *dm = d + 2 * p->n_fields;
        for (uint32_t k = 0; k < f->n_dims; k++) {
            int64_t x = dim_of(&b->cols[f->dims[k]], i);
            if (x == dm[k]) continue;
            if (x < dm[k])
                for (uint32_t j = k; j < f->n_dims; j++) dm[j] = dim_of(&b->cols[f->dims[j]], i);
            break;
        }
    }
    p->rows += b->n_rows;
}

static void say_value(const rt_pu *p, int s, int64_t v, rt_buf *b)
{
    const rg_field *fd = &p->form->fields[p->c_field];
    if (s == 0) rt_buf_str(b, TR("empty", "để trống"));
    else if (s == 2) rt_buf_str(b, TR("malformed", "không hợp lệ"));
    else if (fd->type == RG_T_TEXT) rt_buf_str(b, TR("a text", "một đoạn chữ"));
    else rt_value_text(p->desc, p->form, (int)p->c_field, v, b);
}

int rt_pu_check(const rt_pu *p, const char *const *files, rt_error *err)
{
    if (!p || !p->conflict) return 0;
    rt_buf a = {0}, b = {0};
    say_value(p, p->c_s1, p->c_v1, &a);
    say_value(p, p->c_s2, p->c_v2, &b);
    rt_buf_ch(&a, 0);
    rt_buf_ch(&b, 0);
    char per[32];
    size_t pn = rt_period_format(p->form->frequency, p->c_period, per);
    per[pn] = 0;
    const char *f1 = files ? files[p->c_first >> 40] : "", *f2 = files ? files[p->c_second >> 40] : "";
    rt_err(err, 2,
           TR("%s row %llu and %s row %llu give unit '%s', period %s, two values of `%s`, which is reported once per "
              "unit and period: %s and %s (%llu such conflict(s)); give the same value on every row of the unit",
              "%s dòng %llu và %s dòng %llu ghi cho đơn vị '%s', kỳ %s hai giá trị của `%s`, trường chỉ báo cáo một lần "
              "cho mỗi đơn vị và kỳ: %s và %s (%llu chỗ mâu thuẫn); hãy ghi cùng một giá trị trên mọi dòng của đơn vị"),
           f1, (unsigned long long)(p->c_first & ((1ull << 40) - 1)), f2,
           (unsigned long long)(p->c_second & ((1ull << 40) - 1)), p->c_unit ? p->c_unit : "", per,
           p->form->fields[p->c_field].code, a.p, b.p, (unsigned long long)p->n_conflicts);
    rt_buf_free(&a);
    rt_buf_free(&b);
    return -1;
}

void rt_pu_rep(const rt_pu *p, const rg_batch *b, uint64_t *rep)
{
    const rg_form *f = p->form;
    uint32_t nw = (b->n_rows + 63) / 64;
    memset(rep, 0, nw * sizeof *rep);
    for (uint32_t i = 0; i < b->n_rows; i++) {
        int64_t period;
        uint64_t key = row_key(p, b, i, &period);
        const pu_ent *e = key ? find(p, key) : NULL;
        int is = 1;
        if (e) {
            const int64_t *dm = p->data + e->vals + 2 * p->n_fields;
            for (uint32_t k = 0; k < f->n_dims && is; k++) is = dim_of(&b->cols[f->dims[k]], i) == dm[k];
        }
        if (is) rep[i >> 6] |= 1ull << (i & 63);
    }
}

int rt_pu_take(rt_pu *p, const rg_batch *b, uint32_t i)
{
    int64_t period;
    uint64_t key = row_key(p, b, i, &period);
    pu_ent *e = key ? find(p, key) : NULL;
    if (!e || e->taken) return 0;
    e->taken = 1;
    return 1;
}

int rt_batch_per_unit(const rg_regime_desc *d, const rg_form *f, const rg_batch *b, uint64_t *rep, rt_error *err)
{
    rt_pu *p = rt_pu_new(d, f);
    uint32_t nw = (b->n_rows + 63) / 64;
    if (!p) {
        for (uint32_t w = 0; w < nw; w++)
            rep[w] = w + 1 < nw || !(b->n_rows & 63) ? ~0ull : (1ull << (b->n_rows & 63)) - 1;
        return 0;
    }
    rt_pu_file(p, 0);
    rt_pu_collect(p, b);
    const char *names[] = {"data"};
    int rc = rt_pu_check(p, names, err);
    if (!rc) rt_pu_rep(p, b, rep);
    rt_pu_free(p);
    return rc;
}

/* ---- a host scanning one file itself (the server's submissions) ---- */

static const rg_column *pu_before(void *ctx, const rg_batch *b, void **scratch)
{
    if (!*scratch) *scratch = rt_xcalloc(64, sizeof(uint64_t));
    rt_pu_rep(ctx, b, *scratch);
    return NULL;
}

static const uint64_t *pu_once(void *ctx, const rg_batch *b, void **scratch)
{
    (void)ctx;
    (void)b;
    return *scratch;
}

static void pu_scratch_free(void *ctx, void *scratch)
{
    (void)ctx;
    free(scratch);
}

static void pu_on_batch(void *ctx, const rg_batch *b, const uint64_t *valid)
{
    (void)valid;
    rt_pu_collect(ctx, b);
}

int rt_pu_prepare(rt_scan_cfg *cfg, const char *path, const char *name, rt_pu **out, rt_error *err)
{
    *out = NULL;
    rt_pu *p = rt_pu_new(cfg->rg->desc, cfg->form);
    if (!p) return 0;
    rt_scan_cfg c;
    memset(&c, 0, sizeof c);
    c.rg = cfg->rg;
    c.form = cfg->form;
    c.units = cfg->units;
    uint8_t *off = rt_xcalloc(cfg->form->n_rules ? cfg->form->n_rules : 1, 1);
    c.rule_on = off;
    c.threads = 1;
    c.on_batch = pu_on_batch;
    c.on_batch_ctx = p;
    rt_scan_stats st;
    memset(&st, 0, sizeof st);
    st.rule_fail = rt_xcalloc(cfg->form->n_rules ? cfg->form->n_rules : 1, sizeof *st.rule_fail);
    int quiet = rt_quiet;
    rt_quiet = 1;
    rt_pu_file(p, 0);
    int rc = rt_scan_file(&c, path, &st, err);
    rt_quiet = quiet;
    const char *names[] = {name};
    if (!rc) rc = rt_pu_check(p, names, err);
    free(st.rule_fail);
    free(off);
    if (rc) {
        rt_pu_free(p);
        return -1;
    }
    cfg->before = pu_before;
    cfg->once = pu_once;
    cfg->ext_free = pu_scratch_free;
    cfg->ext_ctx = p;
    *out = p;
    return 0;
}
