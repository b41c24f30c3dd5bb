/*
 * crossform.c — `form.field`: a rule of one form reading another form of the
 * same submission (itplan's B2: `when not indicators.has_plan`).
 *
 * The kernels read such a field from batch->other[form] (regime.h, ABI 2):
 * that form's columns, holding for each row the other form's row of the
 * same unit and period and the same values of the dimensions both forms
 * have (by name; a form without dimensions has one row per unit and
 * period). This file builds those columns:
 *
 *   - files: only when a selected rule reads another form, the header of
 *     each DATA file (not stdin) is read; a file whose header names more
 *     fields of another form than of the form being checked, and that
 *     form's unit and period columns, is that form's. It is not checked,
 *     only read for the join;
 *   - first pass: every row of the other form's files is indexed by its key
 *     (period number, raw text of the unit and of the shared dimensions,
 *     as prev.c does: an unknown unit or code still joins with itself), its
 *     values kept as submitted, errors or not;
 *   - the scan (cfg->cross) fills, per batch, the other form's columns row
 *     by row from the index. No row, or more than one row with the key (a
 *     warning counts them), leaves the values missing: the rule is skipped
 *     (`missing fail` fails it, `missing zero` reads 0).
 *
 * A rule reading a form of which no file is given is turned off with a
 * warning, like the unit rules without --units. Forms of different
 * frequencies never match (a warning says so).
 *
 * Memory: per row of the other form, 8 bytes per field and 8 bytes of
 * presence bits per 64 fields, its key (8 bytes + the unit and dimension
 * text) and about 50 bytes of hash table: itplan's indicators (14 fields)
 * cost about 200 bytes per province, a 49,000-row national file about
 * 10 MB. Per worker thread, a batch of each joined form's columns.
 * Nothing here runs when no selected rule reads another form.
 */
#include <stdlib.h>

#include "crossform.h"

typedef struct xform {
    int idx;
    const rg_form *f;
    uint32_t nd;              /* shared dimensions */
    int32_t mine[64], theirs[64];
    int freq_ok;
    const char **files;
    int n_files;
    rt_strmap map;            /* key -> row */
    rt_arena arena;
    int64_t *vals;            /* nf per row */
    uint64_t *pres;           /* nmask per row */
    uint8_t *dupf;            /* the row's key repeats */
    uint32_t nrows, caprows, nmask;
    uint64_t dup, joined, ambiguous;
    pthread_mutex_t mu;
} xform;

struct rt_cross {
    const rt_regime *rg;
    const rg_form *form;
    uint32_t n_forms;
    xform *x;
    int nx;
    uint32_t ncols;           /* columns of every joined form */
    rt_opts o2;
    const char **data;
    uint64_t filled;
};

static inline int bit(const uint64_t *w, uint32_t i) { return w ? (int)(w[i >> 6] >> (i & 63) & 1) : 0; }

/* Whether reads[] read form g, directly or through a computed column of
 * form f (the descriptor lists a computed column's own reads). */
static int reads_form(const rg_form *f, const rg_read *reads, uint32_t n, uint32_t g, int depth)
{
    for (uint32_t k = 0; k < n; k++) {
        const rg_read *r = &reads[k];
        if (r->role == RG_READ_OTHER && (uint32_t)r->form == g) return 1;
        if (r->role != RG_READ_OTHER && depth < 32 && r->field >= 0 && (uint32_t)r->field < f->n_fields &&
            (f->fields[r->field].flags & RG_FIELD_COMPUTED) &&
            reads_form(f, f->fields[r->field].reads, f->fields[r->field].n_reads, g, depth + 1))
            return 1;
    }
    return 0;
}

/* The header's names (first line, BOM, quotes and blanks off), or -1. */
/* The bytes read to find a file's header: room for RT_CSV_MAX_FIELDS
 * names of 100 bytes. */
#define RT_CROSS_HEADER_BYTES ((size_t)RT_CSV_MAX_FIELDS * 100)

static int header_names(const char *path, char *buf, size_t size, const char **names, int max)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return -1;
    size_t n = fread(buf, 1, size - 1, fp);
    fclose(fp);
    buf[n] = 0;
    char *p = buf;
    if (!strncmp(p, RT_BOM, 3)) p += 3;
    char *eol = strpbrk(p, "\r\n");
    if (eol) *eol = 0;
    int k = 0;
    while (k < max) {
        char *e = strchr(p, ',');
        if (e) *e = 0;
        while (*p == ' ' || *p == '"') p++;
        size_t l = strlen(p);
        while (l && (p[l - 1] == ' ' || p[l - 1] == '"')) p[--l] = 0;
        names[k++] = p;
        if (!e) break;
        p = e + 1;
    }
    return k;
}

static int field_of(const rg_form *f, const char *name)
{
    for (uint32_t k = 0; k < f->n_fields; k++)
        if (!strcmp(f->fields[k].code, name)) return (int)k;
    return -1;
}

/* The key of row i: period number, unit text, then the dimensions'. */
static int key_of(const rg_batch *b, int32_t unit_f, int32_t period_f, const int32_t *dims, uint32_t nd, uint32_t i,
                  rt_buf *k)
{
    const rg_column *pc = &b->cols[period_f];
    if (!bit(pc->present, i)) return 0;
    k->n = 0;
    int64_t per = pc->v[i];
    rt_buf_put(k, &per, sizeof per);
    for (uint32_t j = 0; j <= nd; j++) {
        const rg_column *c = &b->cols[j ? dims[j - 1] : unit_f];
        rt_buf_ch(k, '\x1f');
        if (c->str && c->len && c->len[i] && c->str[i]) rt_buf_put(k, c->str[i], c->len[i]);
        else if (bit(c->present, i)) rt_buf_printf(k, "\x1e%lld", (long long)c->v[i]);
    }
    return 1;
}

/* First pass: the other form's rows (called from worker threads). */
static void collect(void *ctx, const rg_batch *b, const uint64_t *valid)
{
    (void)valid;
    xform *x = ctx;
    const rg_form *f = x->f;
    rt_buf k = {0};
    pthread_mutex_lock(&x->mu);
    for (uint32_t i = 0; i < b->n_rows; i++) {
        if (!key_of(b, f->unit_field, f->period_field, x->theirs, x->nd, i, &k)) continue;
        uint32_t r;
        if (rt_strmap_get(&x->map, k.p, (uint32_t)k.n, &r)) {
            if (!x->dupf[r]) x->dup++;
            x->dupf[r] = 1;
            continue;
        }
        if (x->nrows == x->caprows) {
            x->caprows = x->caprows ? x->caprows * 2 : 1024;
            x->vals = rt_xrealloc(x->vals, (size_t)x->caprows * (f->n_fields ? f->n_fields : 1) * sizeof *x->vals);
            x->pres = rt_xrealloc(x->pres, (size_t)x->caprows * x->nmask * sizeof *x->pres);
            x->dupf = rt_xrealloc(x->dupf, x->caprows);
        }
        r = x->nrows++;
        int64_t *v = x->vals + (size_t)r * f->n_fields;
        uint64_t *m = x->pres + (size_t)r * x->nmask;
        memset(m, 0, x->nmask * sizeof *m);
        x->dupf[r] = 0;
        for (uint32_t c = 0; c < f->n_fields; c++) {
            const rg_column *col = &b->cols[c];
            int text = f->fields[c].type == RG_T_TEXT || !col->v;
            v[c] = text ? 0 : col->v[i];
            if (bit(col->present, i)) m[c >> 6] |= 1ull << (c & 63);
        }
        rt_strmap_put(&x->map, rt_arena_strndup(&x->arena, k.p, k.n), (uint32_t)k.n, r);
    }
    pthread_mutex_unlock(&x->mu);
    rt_buf_free(&k);
}

/* A worker's joined columns. */
typedef struct xscratch {
    uint32_t cap, capw;
    const rg_column **other;
    const uint64_t **rows; /* per form index: the rows that have a row of
                              that form (rg_batch.other_rows), or NULL */
    rg_column *cols;
    int64_t *v;
    uint64_t *pres, *rowbits;
    rt_buf key;
} xscratch;

const uint64_t *const *rt_cross_rows(void *scratch)
{
    const xscratch *s = scratch;
    return s ? s->rows : NULL;
}

static void scratch_free(void *p)
{
    xscratch *s = p;
    if (!s) return;
    free(s->other);
    free(s->rows);
    free(s->cols);
    free(s->v);
    free(s->pres);
    free(s->rowbits);
    rt_buf_free(&s->key);
    free(s);
}

static const rg_column *const *fill(void *ctx, const rg_batch *b, void **scratch)
{
    rt_cross *cx = ctx;
    xscratch *s = *scratch;
    const uint32_t n = b->n_rows, nw = (n + 63) / 64, nc = cx->ncols ? cx->ncols : 1;
    if (!s) {
        s = rt_xcalloc(1, sizeof *s);
        s->other = rt_xcalloc(cx->n_forms + 1, sizeof *s->other);
        s->rows = rt_xcalloc(cx->n_forms + 1, sizeof *s->rows);
        s->cols = rt_xcalloc(nc, sizeof *s->cols);
        *scratch = s;
    }
    if (n > s->cap || !s->v) {
        s->cap = n ? n : 1;
        s->capw = nw ? nw : 1;
        free(s->v);
        free(s->pres);
        free(s->rowbits);
        s->v = rt_xcalloc((size_t)s->cap * nc, sizeof *s->v);
        s->pres = rt_xcalloc((size_t)s->capw * nc, sizeof *s->pres);
        s->rowbits = rt_xcalloc((size_t)s->capw * (size_t)(cx->nx ? cx->nx : 1), sizeof *s->rowbits);
        uint32_t c = 0;
        for (int j = 0; j < cx->nx; j++) {
            if (!cx->x[j].freq_ok) continue;
            s->other[cx->x[j].idx] = s->cols + c;
            s->rows[cx->x[j].idx] = s->rowbits + (size_t)j * s->capw;
            for (uint32_t k = 0; k < cx->x[j].f->n_fields; k++, c++) {
                s->cols[c].v = s->v + (size_t)c * s->cap;
                s->cols[c].present = s->pres + (size_t)c * s->capw;
            }
        }
    }
    memset(s->pres, 0, (size_t)s->capw * nc * sizeof *s->pres);
    memset(s->rowbits, 0, (size_t)s->capw * (size_t)(cx->nx ? cx->nx : 1) * sizeof *s->rowbits);
    const rg_form *f = cx->form;
    uint32_t c0 = 0;
    for (int j = 0; j < cx->nx; j++) {
        xform *x = &cx->x[j];
        if (!x->freq_ok) continue;
        uint64_t joined = 0, ambiguous = 0;
        const uint32_t nf = x->f->n_fields;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t r;
            if (!key_of(b, f->unit_field, f->period_field, x->mine, x->nd, i, &s->key) ||
                !rt_strmap_get(&x->map, s->key.p, (uint32_t)s->key.n, &r))
                continue;
            if (x->dupf[r]) {
                ambiguous++;
                continue;
            }
            joined++;
            s->rowbits[(size_t)j * s->capw + (i >> 6)] |= 1ull << (i & 63);
            const int64_t *v = x->vals + (size_t)r * nf;
            const uint64_t *m = x->pres + (size_t)r * x->nmask;
            for (uint32_t k = 0; k < nf; k++) {
                s->v[(size_t)(c0 + k) * s->cap + i] = v[k];
                if (m[k >> 6] >> (k & 63) & 1) s->pres[(size_t)(c0 + k) * s->capw + (i >> 6)] |= 1ull << (i & 63);
            }
        }
        c0 += nf;
        __atomic_fetch_add(&x->joined, joined, __ATOMIC_RELAXED);
        __atomic_fetch_add(&x->ambiguous, ambiguous, __ATOMIC_RELAXED);
    }
    __atomic_fetch_add(&cx->filled, (uint64_t)n, __ATOMIC_RELAXED);
    return s->other;
}

/* The join of form f's rows with form `of` (index g): the dimensions both
 * have, by name; rows of another frequency never match. */
static void xform_init(xform *x, const rg_form *f, const rg_form *of, int g)
{
    x->idx = g;
    x->f = of;
    x->nmask = (of->n_fields + 63) / 64;
    if (!x->nmask) x->nmask = 1;
    x->freq_ok = of->frequency == f->frequency;
    for (uint32_t a = 0; a < f->n_dims && x->nd < 64; a++)
        for (uint32_t b = 0; b < of->n_dims; b++)
            if (!strcmp(f->fields[f->dims[a]].code, of->fields[of->dims[b]].code)) {
                x->mine[x->nd] = f->dims[a];
                x->theirs[x->nd++] = of->dims[b];
            }
    rt_strmap_init(&x->map, 1024);
    pthread_mutex_init(&x->mu, NULL);
}

static const char *freq_name(uint32_t f)
{
    switch (f) {
    case RG_F_MONTHLY: return TR("monthly", "tháng");
    case RG_F_QUARTERLY: return TR("quarterly", "quý");
    case RG_F_HALF_YEARLY: return TR("half-yearly", "6 tháng");
    case RG_F_NINE_MONTHS: return TR("nine-monthly", "9 tháng");
    case RG_F_YEARLY: return TR("yearly", "năm");
    default: return "?";
    }
}

int rt_cross_open(rt_cross **out, rt_scan_cfg *cfg, uint8_t *rule_on, const rt_opts *o, const rt_opts **use,
                  rt_error *err)
{
    *out = NULL;
    *use = o;
    const rg_form *f = cfg->form;
    const rg_regime_desc *d = rt_regime_desc(cfg->rg);
    int any = 0, self = (int)(f - d->forms);
    for (uint32_t g = 0; g < d->n_forms; g++) {
        if ((int)g == self) continue;
        for (uint32_t r = 0; r < f->n_rules && !any; r++)
            any = rule_on[r] && reads_form(f, f->rules[r].reads, f->rules[r].n_reads, g, 0);
        for (uint32_t k = 0; k < f->n_fields && !any; k++)
            any = reads_form(f, f->fields[k].reads, f->fields[k].n_reads, g, 0);
    }
    if (!any) return 0;
    rt_cross *cx = rt_xcalloc(1, sizeof *cx);
    cx->rg = cfg->rg;
    cx->form = f;
    cx->n_forms = d->n_forms;
    cx->x = rt_xcalloc(d->n_forms, sizeof *cx->x);
    cx->data = rt_xcalloc((size_t)o->n_data + 1, sizeof *cx->data);
    cx->o2 = *o;
    cx->o2.data = cx->data;
    cx->o2.n_data = 0;
    *out = cx;
    /* files: by their header */
    int *file_form = rt_xcalloc((size_t)o->n_data + 1, sizeof *file_form);
    char *buf = rt_xmalloc(RT_CROSS_HEADER_BYTES);
    const char **names = rt_xcalloc(RT_CSV_MAX_FIELDS, sizeof *names);
    for (int i = 0; i < o->n_data; i++) {
        file_form[i] = self;
        if (!strcmp(o->data[i], "-")) continue;
        int nn = header_names(o->data[i], buf, RT_CROSS_HEADER_BYTES, names, RT_CSV_MAX_FIELDS);
        if (nn <= 0) continue; /* the scan says why */
        int best = 0;
        for (int k = 0; k < nn; k++) best += field_of(f, names[k]) >= 0;
        for (uint32_t g = 0; g < d->n_forms; g++) {
            const rg_form *of = &d->forms[g];
            if ((int)g == self || of->unit_field < 0 || of->period_field < 0) continue;
            int score = 0, unit = 0, period = 0;
            for (int k = 0; k < nn; k++) {
                int fi = field_of(of, names[k]);
                score += fi >= 0;
                unit |= fi == of->unit_field;
                period |= fi == of->period_field;
            }
            if (unit && period && score > best) {
                best = score;
                file_form[i] = (int)g;
            }
        }
    }
    free(buf);
    free(names);
    int *has = rt_xcalloc(d->n_forms, sizeof *has), *need = rt_xcalloc(d->n_forms, sizeof *need);
    for (int i = 0; i < o->n_data; i++) {
        has[file_form[i]]++;
        if (file_form[i] == self) cx->data[cx->o2.n_data++] = o->data[i];
    }
    /* rules: the forms they read (the descriptor's read sets, through
     * computed columns too); off when one is not given. Forms read by
     * computed columns only are joined when given, else those columns are
     * missing. */
    rt_buf off = {0};
    for (uint32_t r = 0; r < f->n_rules; r++) {
        const rg_rule *ru = &f->rules[r];
        if (!rule_on[r]) continue;
        int absent = 0;
        for (uint32_t g = 0; g < d->n_forms; g++)
            if ((int)g != self && reads_form(f, ru->reads, ru->n_reads, g, 0) && !has[g]) absent = 1;
        if (absent && (ru->flags & RG_RULE_CROSS_FORM)) {
            rule_on[r] = 0;
            if (off.n) rt_buf_str(&off, ", ");
            rt_buf_str(&off, ru->code);
            continue;
        }
        for (uint32_t g = 0; g < d->n_forms; g++)
            if ((int)g != self && reads_form(f, ru->reads, ru->n_reads, g, 0)) need[g] = 1;
    }
    for (uint32_t k = 0; k < f->n_fields; k++)
        for (uint32_t g = 0; g < d->n_forms; g++)
            if ((int)g != self && reads_form(f, f->fields[k].reads, f->fields[k].n_reads, g, 0)) need[g] = 1;
    if (off.n) {
        rt_buf_ch(&off, 0);
        rt_warn(TR("rule(s) %s read another form (form.field) of which no file is given, and are skipped; give that form's file in the same run",
                   "quy tắc %s đọc biểu khác (biểu.chỉ_tiêu) nhưng không có tệp của biểu đó nên bị bỏ qua; hãy đưa tệp của biểu đó vào cùng lần chạy"),
                off.p);
    }
    rt_buf_free(&off);
    int rc = 0;
    for (uint32_t g = 0; g < d->n_forms && !rc; g++) {
        if ((int)g == self || !has[g] || !need[g]) continue;
        xform *x = &cx->x[cx->nx++];
        const rg_form *of = &d->forms[g];
        xform_init(x, f, of, (int)g);
        if (!x->freq_ok) {
            rt_warn(TR("form '%s' is %s and form '%s' %s: their rows never match, so what form '%s' reads of '%s' is missing",
                       "biểu '%s' báo cáo theo %s còn biểu '%s' theo %s: các dòng không ghép được, nên giá trị biểu '%s' đọc từ '%s' là trống"),
                    f->code, freq_name(f->frequency), of->code, freq_name(of->frequency), f->code, of->code);
            continue;
        }
        cx->ncols += of->n_fields;
        rt_scan_cfg c2;
        memset(&c2, 0, sizeof c2);
        c2.rg = cfg->rg;
        c2.form = of;
        c2.units = cfg->units;
        uint8_t *none = rt_xcalloc(of->n_rules ? of->n_rules : 1, 1);
        c2.rule_on = none;
        c2.threads = cfg->threads;
        c2.on_batch = collect;
        c2.on_batch_ctx = x;
        rt_scan_stats st;
        memset(&st, 0, sizeof st);
        st.rule_fail = rt_xcalloc(of->n_rules ? of->n_rules : 1, sizeof(uint64_t));
        for (int i = 0; i < o->n_data && !rc; i++)
            if (file_form[i] == (int)g && rt_scan_file(&c2, o->data[i], &st, err)) rc = -1;
        free(st.rule_fail);
        free(none);
    }
    free(has);
    free(need);
    free(file_form);
    if (rc) return -1;
    if (cx->nx) {
        cfg->cross = fill;
        cfg->cross_free = scratch_free;
        cfg->cross_ctx = cx;
    }
    *use = &cx->o2;
    return 0;
}

void rt_cross_report(const rt_cross *x, int verbose)
{
    if (!x) return;
    for (int j = 0; j < x->nx; j++) {
        const xform *f = &x->x[j];
        if (f->freq_ok && verbose)
            rt_info(TR("regrt: form %s: %u rows indexed, %llu of %llu rows joined with its row\n",
                       "regrt: biểu %s: đã lập chỉ mục %u dòng, %llu trên %llu dòng ghép được với dòng của biểu\n"),
                    f->f->code, f->nrows, (unsigned long long)f->joined, (unsigned long long)x->filled);
        if (f->ambiguous)
            rt_warn(TR("%llu row(s) match more than one row of form '%s' (%llu such keys repeat); what they read of it is missing",
                       "%llu dòng khớp với nhiều hơn một dòng của biểu '%s' (%llu khóa bị lặp); giá trị đọc từ biểu đó là trống"),
                    (unsigned long long)f->ambiguous, f->f->code, (unsigned long long)f->dup);
    }
}

void rt_cross_close(rt_cross *x)
{
    if (!x) return;
    for (int j = 0; j < x->nx; j++) {
        xform *f = &x->x[j];
        rt_strmap_free(&f->map);
        rt_arena_free(&f->arena);
        free(f->vals);
        free(f->pres);
        free(f->dupf);
        pthread_mutex_destroy(&f->mu);
    }
    free(x->x);
    free(x->data);
    free(x);
}

/* ---- in memory (regrt.h: rt_batch_other) ------------------------------------ */

/* The same index (collect) and the same fill as the scan's, over batches a
 * host holds: `regc test` and `regrt validate` join alike by construction. */
typedef struct other_state {
    rt_cross *cx;
    void *scratch;
} other_state;

void rt_batch_other_free(void *state)
{
    other_state *st = state;
    if (!st) return;
    scratch_free(st->scratch);
    rt_cross_close(st->cx);
    free(st);
}

const rg_column *const *rt_batch_other(const rg_regime_desc *d, const rg_form *f, const rg_batch *b,
                                       const rg_batch *const *forms, void **state)
{
    rt_batch_other_free(*state);
    *state = NULL;
    if (!d || !f || !b || f < d->forms || f >= d->forms + d->n_forms) return NULL;
    const uint32_t self = (uint32_t)(f - d->forms);
    rt_cross *cx = rt_xcalloc(1, sizeof *cx);
    cx->form = f;
    cx->n_forms = d->n_forms;
    cx->x = rt_xcalloc(d->n_forms ? d->n_forms : 1, sizeof *cx->x);
    for (uint32_t g = 0; forms && g < d->n_forms; g++) {
        if (g == self || !forms[g]) continue;
        int need = 0;
        for (uint32_t r = 0; r < f->n_rules && !need; r++)
            need = reads_form(f, f->rules[r].reads, f->rules[r].n_reads, g, 0);
        for (uint32_t k = 0; k < f->n_fields && !need; k++)
            need = reads_form(f, f->fields[k].reads, f->fields[k].n_reads, g, 0);
        if (!need) continue;
        xform *x = &cx->x[cx->nx++];
        xform_init(x, f, &d->forms[g], (int)g);
        if (!x->freq_ok) continue;
        cx->ncols += x->f->n_fields;
        collect(x, forms[g], NULL);
    }
    other_state *st = rt_xcalloc(1, sizeof *st);
    st->cx = cx;
    *state = st;
    return fill(cx, b, &st->scratch);
}

const uint64_t *const *rt_batch_other_rows(void *state)
{
    const other_state *st = state;
    return st ? rt_cross_rows(st->scratch) : NULL;
}
