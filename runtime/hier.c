/*
 * hier.c — hierarchies over a dimension's codes (SDMX VTL check_hierarchy):
 * the rows of a form are grouped by unit, period and the other dimensions'
 * values, each group becomes one row of the hierarchy's pivot form
 * (regime.h, rg_hierarchy), and the pivot's compiled kernels decide every
 * result. The grouping comes from the descriptor alone.
 *
 * An item (a code the rules name) is *absent* from a group when no row has
 * that code, *empty* when its row is there with the value empty. A code
 * sent twice in one group is empty: which row is right cannot be known
 * (the repeat itself is reported as DUP1).
 */
#include <pthread.h>
#include <stdlib.h>

#include "ext.h"
#include "hier.h"

typedef struct hgroup {
    char *key;        /* unit \x1f period \x1f other dimensions' codes */
    size_t klen;
    char *unit;       /* the unit as written */
    int64_t period;
    char **dims;      /* per form dimension: its code as written (the
                         hierarchy's own dimension: NULL) */
    uint8_t *state;   /* per item: 0 absent, 1 present, 2 sent twice */
    uint32_t *row;    /* per item: its row in the batch (rt_batch_hierarchies) */
    int64_t *v;       /* per measure and item */
    uint8_t *has;     /* per measure and item: a value */
} hgroup;

typedef struct hone {
    const rg_hierarchy *h;
    int32_t *item_of_code; /* code index -> item, -1 */
    uint32_t n_codes;
    hgroup *g;
    uint32_t n, cap;
    uint32_t *slot;   /* open addressing: group + 1 */
    uint32_t mask;
    uint64_t *fails;  /* per pivot rule: groups failing it */
    uint8_t *on;      /* per pivot rule: run (--rules) */
} hone;

struct rt_hier {
    const rg_regime_desc *d;
    const rg_form *f;
    pthread_mutex_t mu;
    hone *hs;
    uint32_t n;
    void (*chain)(void *, const rg_batch *, const uint64_t *);
    void *chain_ctx;
};

rt_hier *rt_hier_new(const rg_regime_desc *d, const rg_form *f)
{
    if (!f->n_hierarchies || !f->hierarchies) return NULL;
    rt_hier *x = rt_xcalloc(1, sizeof *x);
    x->d = d;
    x->f = f;
    pthread_mutex_init(&x->mu, NULL);
    x->n = f->n_hierarchies;
    x->hs = rt_xcalloc(x->n, sizeof *x->hs);
    for (uint32_t i = 0; i < x->n; i++) {
        hone *o = &x->hs[i];
        o->h = &f->hierarchies[i];
        int32_t cl = f->fields[o->h->dim].codelist;
        o->n_codes = cl >= 0 && (uint32_t)cl < d->n_codelists ? d->codelists[cl].n_codes : 0;
        o->item_of_code = rt_xmalloc(sizeof(int32_t) * (o->n_codes + 1));
        for (uint32_t k = 0; k < o->n_codes; k++) o->item_of_code[k] = -1;
        for (uint32_t k = 0; k < o->h->n_items; k++)
            if (o->h->items[k] >= 0 && (uint32_t)o->h->items[k] < o->n_codes) o->item_of_code[o->h->items[k]] = (int32_t)k;
        o->mask = 1023;
        o->slot = rt_xcalloc(o->mask + 1, sizeof *o->slot);
        o->fails = rt_xcalloc(o->h->pivot->n_rules + 1, sizeof *o->fails);
        o->on = rt_xmalloc(o->h->pivot->n_rules + 1);
        memset(o->on, 1, o->h->pivot->n_rules + 1);
    }
    return x;
}

void rt_hier_free(rt_hier *x)
{
    if (!x) return;
    for (uint32_t i = 0; i < x->n; i++) {
        hone *o = &x->hs[i];
        for (uint32_t g = 0; g < o->n; g++) {
            hgroup *gr = &o->g[g];
            free(gr->key);
            free(gr->unit);
            for (uint32_t k = 0; k < x->f->n_dims; k++) free(gr->dims[k]);
            free(gr->dims);
            free(gr->state);
            free(gr->row);
            free(gr->v);
            free(gr->has);
        }
        free(o->g);
        free(o->slot);
        free(o->item_of_code);
        free(o->fails);
        free(o->on);
    }
    free(x->hs);
    pthread_mutex_destroy(&x->mu);
    free(x);
}

static int bit(const uint64_t *w, uint32_t i) { return w && (w[i >> 6] >> (i & 63) & 1); }

static void grow(hone *o)
{
    uint32_t nm = o->mask * 2 + 1;
    uint32_t *ns = rt_xcalloc(nm + 1, sizeof *ns);
    for (uint32_t g = 0; g < o->n; g++) {
        uint32_t s = (uint32_t)rt_hash(o->g[g].key, o->g[g].klen) & nm;
        while (ns[s]) s = (s + 1) & nm;
        ns[s] = g + 1;
    }
    free(o->slot);
    o->slot = ns;
    o->mask = nm;
}

static hgroup *group_of(rt_hier *x, hone *o, const rt_buf *key, const rg_batch *b, uint32_t i)
{
    uint32_t s = (uint32_t)rt_hash(key->p, key->n) & o->mask;
    while (o->slot[s]) {
        hgroup *g = &o->g[o->slot[s] - 1];
        if (g->klen == key->n && !memcmp(g->key, key->p, key->n)) return g;
        s = (s + 1) & o->mask;
    }
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 64;
        o->g = rt_xrealloc(o->g, sizeof *o->g * o->cap);
    }
    hgroup *g = &o->g[o->n];
    memset(g, 0, sizeof *g);
    g->key = rt_xmalloc(key->n + 1);
    memcpy(g->key, key->p, key->n);
    g->klen = key->n;
    const rg_form *f = x->f;
    const rg_column *uc = &b->cols[f->unit_field];
    g->unit = rt_xmalloc((uc->len ? uc->len[i] : 0) + 1);
    memcpy(g->unit, uc->str ? uc->str[i] : "", uc->len ? uc->len[i] : 0);
    g->unit[uc->len ? uc->len[i] : 0] = 0;
    g->period = b->cols[f->period_field].v[i];
    g->dims = rt_xcalloc(f->n_dims + 1, sizeof *g->dims);
    for (uint32_t k = 0; k < f->n_dims; k++) {
        int32_t dk = f->dims[k];
        if (dk == o->h->dim) continue;
        const rg_column *dc = &b->cols[dk];
        uint32_t n = dc->len ? dc->len[i] : 0;
        g->dims[k] = rt_xmalloc(n + 1);
        memcpy(g->dims[k], dc->str ? dc->str[i] : "", n);
        g->dims[k][n] = 0;
    }
    uint32_t ni = o->h->n_items, nm = o->h->n_measures;
    g->state = rt_xcalloc(ni + 1, 1);
    g->row = rt_xcalloc(ni + 1, sizeof *g->row);
    g->v = rt_xcalloc((size_t)ni * nm + 1, sizeof *g->v);
    g->has = rt_xcalloc((size_t)ni * nm + 1, 1);
    o->slot[s] = ++o->n;
    if (o->n * 2 > o->mask) grow(o);
    return &o->g[o->n - 1];
}

/* on_batch: every row whose keys are readable goes into its group. */
static void on_batch(void *ctx, const rg_batch *b, const uint64_t *valid)
{
    rt_hier *x = ctx;
    const rg_form *f = x->f;
    if (x->chain) x->chain(x->chain_ctx, b, valid);
    rt_buf key = {0};
    pthread_mutex_lock(&x->mu);
    for (uint32_t hi = 0; hi < x->n; hi++) {
        hone *o = &x->hs[hi];
        const rg_hierarchy *h = o->h;
        for (uint32_t i = 0; i < b->n_rows; i++) {
            const rg_column *dc = &b->cols[h->dim];
            if (!bit(dc->present, i) || dc->v[i] < 0 || (uint64_t)dc->v[i] >= o->n_codes) continue;
            int32_t item = o->item_of_code[dc->v[i]];
            if (item < 0) continue;
            const rg_column *uc = &b->cols[f->unit_field], *pc = &b->cols[f->period_field];
            if (!uc->len || !uc->len[i] || !bit(pc->present, i)) continue;
            int other_ok = 1;
            key.n = 0;
            rt_buf_put(&key, uc->str[i], uc->len[i]);
            rt_buf_printf(&key, "\x1f%lld", (long long)pc->v[i]);
            for (uint32_t k = 0; k < f->n_dims; k++) {
                int32_t dk = f->dims[k];
                if (dk == h->dim) continue;
                const rg_column *oc = &b->cols[dk];
                if (!oc->len || !oc->len[i]) other_ok = 0;
                rt_buf_ch(&key, 0x1f);
                if (oc->len) rt_buf_put(&key, oc->str[i], oc->len[i]);
            }
            if (!other_ok) continue;
            hgroup *g = group_of(x, o, &key, b, i);
            uint32_t ni = h->n_items;
            if (g->state[item]) {
                g->state[item] = 2;
                for (uint32_t m = 0; m < h->n_measures; m++) g->has[m * ni + item] = 0;
                continue;
            }
            g->state[item] = 1;
            g->row[item] = i;
            for (uint32_t m = 0; m < h->n_measures; m++) {
                const rg_column *mc = &b->cols[h->measures[m]];
                if (bit(mc->present, i)) {
                    g->v[m * ni + item] = mc->v[i];
                    g->has[m * ni + item] = 1;
                }
            }
        }
    }
    pthread_mutex_unlock(&x->mu);
    rt_buf_free(&key);
}

void rt_hier_attach(rt_hier *x, rt_scan_cfg *cfg)
{
    if (!x) return;
    x->chain = cfg->on_batch;
    x->chain_ctx = cfg->on_batch_ctx;
    cfg->on_batch = on_batch;
    cfg->on_batch_ctx = x;
}

static int cmp_group(const void *a, const void *b)
{
    const hgroup *x = a, *y = b;
    int c = strcmp(x->unit, y->unit);
    if (c) return c;
    if (x->period != y->period) return x->period < y->period ? -1 : 1;
    size_t n = x->klen < y->klen ? x->klen : y->klen;
    c = memcmp(x->key, y->key, n);
    return c ? c : x->klen < y->klen ? -1 : x->klen > y->klen;
}

static const char *sev_code(uint32_t sev)
{
    return sev == RG_SEV_ERROR ? "error" : sev == RG_SEV_WARNING ? "warning" : "info";
}

static const char *sev_word(uint32_t sev)
{
    return sev == RG_SEV_ERROR     ? TR("error", "lỗi")
           : sev == RG_SEV_WARNING ? TR("warning", "cảnh báo")
                                   : TR("info", "thông tin");
}

/* The values the rule read: {"CODE": "value" or null, ...} (JSON), or
 * `CODE=value, ...` (text); several measures are written FIELD.CODE. */
static void values_of(const rt_hier *x, const hone *o, const hgroup *g, uint32_t rule, int json, rt_buf *b)
{
    const rg_hierarchy *h = o->h;
    const rg_form *p = h->pivot;
    uint32_t m = (uint32_t)h->rule_measure[rule];
    const rg_rule *ru = &p->rules[rule];
    if (json) rt_buf_ch(b, '{');
    int first = 1;
    /* the items in the order of the rule's reads */
    for (uint32_t r = 0; r < ru->n_reads; r++) {
        int32_t col = ru->reads[r].field;
        int32_t base = 1 + (int32_t)h->n_items + (int32_t)(m * h->n_items);
        if (col < base || col >= base + (int32_t)h->n_items) continue;
        uint32_t it = (uint32_t)(col - base);
        const char *name = p->fields[col].code; /* FIELD.CODE */
        if (h->n_measures == 1) name = strchr(name, '.') ? strchr(name, '.') + 1 : name;
        if (!first) rt_buf_str(b, json ? "," : ", ");
        first = 0;
        rt_buf tv = {0};
        if (g->has[m * h->n_items + it]) rt_value_text(x->d, p, col, g->v[m * h->n_items + it], &tv);
        if (json) {
            rt_buf_json(b, name, strlen(name));
            rt_buf_ch(b, ':');
            if (tv.n) rt_buf_json(b, tv.p, tv.n);
            else rt_buf_str(b, "null");
        } else {
            rt_buf_str(b, name);
            rt_buf_ch(b, '=');
            if (tv.n) rt_buf_put(b, tv.p, tv.n);
            else rt_buf_str(b, g->state[it] ? TR("(empty)", "(trống)") : TR("(absent)", "(không có)"));
        }
        rt_buf_free(&tv);
    }
    if (json) rt_buf_ch(b, '}');
}

static void dims_csv(const rt_hier *x, const hone *o, const hgroup *g, const char *left, rt_buf *b)
{
    const rg_form *f = x->f;
    for (uint32_t k = 0; k < f->n_dims; k++) {
        rt_buf_ch(b, ',');
        const char *v = f->dims[k] == o->h->dim ? left : g->dims[k];
        rt_buf_csv(b, v, strlen(v));
    }
}

/* One result. v: 1 true, 0 false, -1 null. */
static void write_result(rt_hier *x, const hone *o, const hgroup *g, const rg_batch *pb, uint32_t gi, uint32_t rule,
                         int v, const rt_buf *imb, rt_report *rep)
{
    const rg_form *f = x->f, *p = o->h->pivot;
    const rg_rule *ru = &p->rules[rule];
    const rg_hierarchy *h = o->h;
    int32_t cl = f->fields[h->dim].codelist;
    const char *left = x->d->codelists[cl].codes[h->items[h->rule_left[rule]]].code;
    char per[32];
    rt_period_format(f->frequency, g->period, per);
    /* VTL's check_hierarchy gives errorcode and errorlevel on every result
     * (the 2.1 manual's example) */
    const char *ec = ru->errorcode;
    int32_t el = ru->errorlevel;
    char *msg = v == 0 ? rt_batch_message(x->d, p, pb, gi, rule, NULL, NULL) : NULL;
    const char *bv = v > 0 ? "true" : v == 0 ? "false" : "null";
    rt_buf b = {0};
    switch (rep->fmt) {
    case RT_FMT_CSV:
        if (rep->multi_file) rt_buf_ch(&b, ',');
        rt_buf_ch(&b, ','); /* no row number: a result of a group of rows */
        rt_buf_csv(&b, g->unit, strlen(g->unit));
        rt_buf_ch(&b, ',');
        rt_buf_str(&b, per);
        dims_csv(x, o, g, left, &b);
        rt_buf_ch(&b, ',');
        rt_buf_csv(&b, ru->code, strlen(ru->code));
        if (rep->results) {
            rt_buf_printf(&b, ",%s,", v < 0 ? "" : bv);
            if (imb->n) rt_buf_put(&b, imb->p, imb->n);
            rt_buf_ch(&b, ',');
            if (ec) rt_buf_csv(&b, ec, strlen(ec));
            rt_buf_ch(&b, ',');
            if (el >= 0) rt_buf_printf(&b, "%d", (int)el);
            rt_buf_printf(&b, ",%s,", sev_code(ru->severity));
            rt_buf_csv(&b, msg ? msg : "", msg ? strlen(msg) : 0);
            rt_buf_ch(&b, ',');
            rt_buf tmp = {0};
            values_of(x, o, g, rule, 1, &tmp);
            rt_buf_csv(&b, tmp.p, tmp.n);
            rt_buf_free(&tmp);
        } else {
            rt_buf_printf(&b, ",%s", sev_code(ru->severity));
        }
        rt_buf_ch(&b, '\n');
        break;
    case RT_FMT_TEXT:
        rt_buf_str(&b, TR("hierarchy ", "phân cấp "));
        rt_buf_str(&b, h->name);
        rt_buf_str(&b, " (");
        rt_buf_str(&b, f->fields[f->unit_field].code);
        rt_buf_ch(&b, ' ');
        rt_buf_text(&b, g->unit, strlen(g->unit));
        rt_buf_printf(&b, ", %s %s", f->fields[f->period_field].code, per);
        for (uint32_t k = 0; k < f->n_dims; k++) {
            const char *dv = f->dims[k] == h->dim ? left : g->dims[k];
            rt_buf_printf(&b, ", %s ", f->fields[f->dims[k]].code);
            rt_buf_text(&b, dv, strlen(dv));
        }
        rt_buf_str(&b, "): ");
        if (rep->results) {
            rt_buf_printf(&b, "%s %s", ru->code, bv);
            if (imb->n) {
                rt_buf_str(&b, TR(", imbalance ", ", chênh lệch "));
                rt_buf_put(&b, imb->p, imb->n);
            }
            if (ec) rt_buf_printf(&b, ", errorcode %s", ec);
            if (el >= 0) rt_buf_printf(&b, ", errorlevel %d", (int)el);
            if (v == 0) rt_buf_printf(&b, " %s", sev_word(ru->severity));
            rt_buf_str(&b, " [");
            values_of(x, o, g, rule, 0, &b);
            rt_buf_ch(&b, ']');
            if (msg) {
                rt_buf_str(&b, ": ");
                rt_buf_text(&b, msg, strlen(msg));
            }
        } else {
            rt_buf_printf(&b, "%s %s: ", sev_word(ru->severity), ru->code);
            if (msg) rt_buf_text(&b, msg, strlen(msg));
        }
        rt_buf_ch(&b, '\n');
        break;
    case RT_FMT_JSON:
        rt_buf_str(&b, rep->n_written ? ",\n{" : "\n{");
        rt_buf_str(&b, "\"hierarchy\":");
        rt_buf_json(&b, h->name, strlen(h->name));
        rt_buf_ch(&b, ',');
        rt_buf_json(&b, f->fields[f->unit_field].code, strlen(f->fields[f->unit_field].code));
        rt_buf_ch(&b, ':');
        rt_buf_json(&b, g->unit, strlen(g->unit));
        rt_buf_ch(&b, ',');
        rt_buf_json(&b, f->fields[f->period_field].code, strlen(f->fields[f->period_field].code));
        rt_buf_ch(&b, ':');
        rt_buf_json(&b, per, strlen(per));
        rt_buf_str(&b, ",\"dims\":{");
        for (uint32_t k = 0; k < f->n_dims; k++) {
            const char *dc = f->fields[f->dims[k]].code;
            const char *dv = f->dims[k] == h->dim ? left : g->dims[k];
            if (k) rt_buf_ch(&b, ',');
            rt_buf_json(&b, dc, strlen(dc));
            rt_buf_ch(&b, ':');
            rt_buf_json(&b, dv, strlen(dv));
        }
        rt_buf_ch(&b, '}');
        rt_buf_str(&b, rep->results ? ",\"ruleid\":" : ",\"rule\":");
        rt_buf_json(&b, ru->code, strlen(ru->code));
        if (rep->results) {
            rt_buf_printf(&b, ",\"bool_var\":%s,\"imbalance\":", bv);
            if (imb->n) rt_buf_put(&b, imb->p, imb->n);
            else rt_buf_str(&b, "null");
            rt_buf_str(&b, ",\"errorcode\":");
            if (ec) rt_buf_json(&b, ec, strlen(ec));
            else rt_buf_str(&b, "null");
            if (el >= 0) rt_buf_printf(&b, ",\"errorlevel\":%d", (int)el);
            else rt_buf_str(&b, ",\"errorlevel\":null");
        }
        rt_buf_printf(&b, ",\"severity\":\"%s\",\"message\":", sev_code(ru->severity));
        if (msg) rt_buf_json(&b, msg, strlen(msg));
        else rt_buf_str(&b, "null");
        if (rep->results) {
            rt_buf_str(&b, ",\"values\":");
            values_of(x, o, g, rule, 1, &b);
        }
        rt_buf_ch(&b, '}');
        break;
    }
    rt_out_put(rep->out, b.p, b.n);
    rep->n_written++;
    rt_buf_free(&b);
    free(msg);
}

/* Where the results go: the report, or a host's callback. */
typedef struct hsink {
    rt_report *rep;
    void (*cb)(void *ctx, const rt_hier_result *r, const char *message);
    void *ctx;
    uint32_t hierarchy;
} hsink;

static void deliver(rt_hier *x, const hone *o, const hgroup *g, const rg_batch *pb, uint32_t gi, uint32_t rule, int v,
                    const rt_buf *imb, hsink *k)
{
    if (k->rep) {
        write_result(x, o, g, pb, gi, rule, v, imb, k->rep);
        return;
    }
    uint32_t left = (uint32_t)o->h->rule_left[rule];
    rt_hier_result r = {.hierarchy = k->hierarchy, .rule = rule, .verdict = v,
                        .row = g->state[left] == 1 ? (int32_t)g->row[left] : -1};
    char *msg = v == 0 ? rt_batch_message(x->d, o->h->pivot, pb, gi, rule, NULL, NULL) : NULL;
    k->cb(k->ctx, &r, msg);
    free(msg);
}

/* A hierarchy's pivot batch: one row per group (sorted by key), its period,
 * one "this code has a row" column per item and the items' values per
 * measure, run through the pivot form's validate kernel (which also
 * writes the computed totals). */
typedef struct pivot {
    rg_column *cols;
    uint32_t nf, nw, nr;
    rg_batch b;
    uint64_t **fail; /* per pivot rule, a bit per group */
    uint64_t *ovf;
} pivot;

static void pivot_run(pivot *pv, hone *o)
{
    const rg_hierarchy *h = o->h;
    const rg_form *p = h->pivot;
    uint32_t n = o->n, ni = h->n_items;
    qsort(o->g, n, sizeof *o->g, cmp_group);
    pv->nw = (n + 63) / 64;
    pv->nf = p->n_fields;
    pv->nr = p->n_rules;
    rg_column *cols = pv->cols = rt_xcalloc(pv->nf, sizeof *cols);
    for (uint32_t k = 0; k < pv->nf; k++) {
        cols[k].v = rt_xcalloc(n, sizeof(int64_t));
        cols[k].present = rt_xcalloc(pv->nw, sizeof(uint64_t));
        cols[k].malformed = rt_xcalloc(pv->nw, sizeof(uint64_t));
    }
    for (uint32_t g = 0; g < n; g++) {
        const hgroup *gr = &o->g[g];
        uint64_t b1 = 1ull << (g & 63);
        cols[0].v[g] = gr->period;
        cols[0].present[g >> 6] |= b1;
        for (uint32_t it = 0; it < ni; it++) {
            cols[1 + it].v[g] = gr->state[it] != 0;
            cols[1 + it].present[g >> 6] |= b1;
            for (uint32_t m = 0; m < h->n_measures; m++) {
                uint32_t c = 1 + ni + m * ni + it;
                if (gr->has[m * ni + it]) {
                    cols[c].v[g] = gr->v[m * ni + it];
                    cols[c].present[g >> 6] |= b1;
                }
            }
        }
    }
    memset(&pv->b, 0, sizeof pv->b);
    pv->b.n_rows = n;
    pv->b.cols = cols;
    pv->fail = rt_xcalloc(pv->nr + 1, sizeof *pv->fail);
    for (uint32_t r = 0; r < pv->nr; r++) pv->fail[r] = rt_xcalloc(pv->nw, sizeof(uint64_t));
    pv->ovf = rt_xcalloc(pv->nw, sizeof(uint64_t));
    p->validate(&pv->b, pv->fail, pv->ovf);
}

static void pivot_free(pivot *pv)
{
    for (uint32_t r = 0; r < pv->nr; r++) free(pv->fail[r]);
    free(pv->fail);
    free(pv->ovf);
    for (uint32_t k = 0; k < pv->nf; k++) {
        free(pv->cols[k].v);
        free(pv->cols[k].present);
        free(pv->cols[k].malformed);
    }
    free(pv->cols);
}

/* The results of one hierarchy over every group, in key order. */
static void run_one(rt_hier *x, hone *o, hsink *sink)
{
    int all = sink->rep ? sink->rep->results == RT_RESULTS_ALL : 1;
    const rg_hierarchy *h = o->h;
    const rg_form *p = h->pivot;
    uint32_t n = o->n;
    if (!n || !p->validate) return;
    pivot pv;
    pivot_run(&pv, o);
    uint32_t nr = pv.nr;
    uint64_t **fail = pv.fail, *ovf = pv.ovf;
    const rg_batch b = pv.b;
    for (uint32_t g = 0; g < n; g++)
        for (uint32_t r = 0; r < nr; r++) {
            const rg_rule *ru = &p->rules[r];
            if (!o->on[r]) continue;
            int64_t out[64];
            uint64_t present = 0;
            if (ru->n_values > 64 || p->message(&b, r, g, out, &present) < 0) present = 0;
            int32_t gk = ru->guard;
            if (gk >= 0 && !((present >> gk & 1) && out[gk])) continue; /* no result: VTL's mode */
            int fails = bit(fail[r], g);
            int v = fails ? 0 : ru->verdict >= 0 && (present >> ru->verdict & 1) ? out[ru->verdict] != 0 : -1;
            if (!fails && v == 0) v = -1; /* overflowed: not evaluated */
            if (bit(ovf, g)) v = -1;
            if (fails) o->fails[r]++;
            if (!(fails || all)) continue;
            rt_buf imb = {0};
            int32_t ik = ru->imbalance;
            if (ik >= 0 && (present >> ik & 1)) {
                /* the imbalance as a number of the measure's scale */
                const rg_value *iv = &ru->values[ik];
                char t[48];
                if (iv->scale > 0) {
                    size_t tn = rt_format_scaled(out[ik], iv->scale, t);
                    rt_buf_put(&imb, t, tn);
                } else {
                    rt_buf_i64(&imb, out[ik]);
                }
            }
            deliver(x, o, &o->g[g], &b, g, r, v, &imb, sink);
            rt_buf_free(&imb);
        }
    pivot_free(&pv);
}

int rt_hier_report(rt_hier *x, rt_report *rep)
{
    if (!x) return 0;
    int err = 0;
    for (uint32_t i = 0; i < x->n; i++) {
        hone *o = &x->hs[i];
        hsink sink = {.rep = rep, .hierarchy = i};
        run_one(x, o, &sink);
        for (uint32_t r = 0; r < o->h->pivot->n_rules; r++)
            if (o->fails[r] && o->h->pivot->rules[r].severity == RG_SEV_ERROR) err = 1;
    }
    return err;
}

void rt_hier_counts(const rt_hier *x, uint64_t *errors, uint64_t *warnings)
{
    *errors = *warnings = 0;
    if (!x) return;
    for (uint32_t i = 0; i < x->n; i++) {
        const hone *o = &x->hs[i];
        for (uint32_t r = 0; r < o->h->pivot->n_rules; r++) {
            if (!o->on[r]) continue;
            uint32_t sev = o->h->pivot->rules[r].severity;
            if (sev == RG_SEV_ERROR) *errors += o->fails[r];
            else if (sev == RG_SEV_WARNING) *warnings += o->fails[r];
        }
    }
}

void rt_hier_summary(const rt_hier *x, rt_buf *json, int *first)
{
    if (!x) return;
    for (uint32_t i = 0; i < x->n; i++) {
        const hone *o = &x->hs[i];
        const rg_form *p = o->h->pivot;
        for (uint32_t r = 0; r < p->n_rules; r++) {
            const rg_rule *ru = &p->rules[r];
            if (!o->on[r]) continue;
            if (json) {
                if (!*first) rt_buf_ch(json, ',');
                *first = 0;
                rt_buf_json(json, ru->code, strlen(ru->code));
                rt_buf_printf(json, ":%llu", (unsigned long long)o->fails[r]);
            } else if (o->fails[r] && o->on[r]) {
                rt_info("  %-8s %-9s %llu\n", ru->code, sev_word(ru->severity), (unsigned long long)o->fails[r]);
            }
        }
    }
}

uint32_t rt_batch_hierarchies(const rg_regime_desc *d, const rg_form *f, const rg_batch *b,
                              void (*cb)(void *ctx, const rt_hier_result *r, const char *message), void *ctx)
{
    if (!d || !f || !b || !cb || f->unit_field < 0 || f->period_field < 0) return 0;
    rt_hier *x = rt_hier_new(d, f);
    if (!x) return 0;
    on_batch(x, b, NULL);
    uint32_t n = 0;
    for (uint32_t i = 0; i < x->n; i++) {
        hsink sink = {.cb = cb, .ctx = ctx, .hierarchy = i};
        run_one(x, &x->hs[i], &sink);
        n += x->hs[i].n;
    }
    rt_hier_free(x);
    return n;
}

/* ---- `regrt hierarchy`: the totals the `=` rules compute (VTL's hierarchy
 * operator, output `computed`) ---- */

static int cmp_total_item(const void *a, const void *b)
{
    const rg_hier_total *x = a, *y = b;
    return x->item != y->item ? (x->item < y->item ? -1 : 1) : (x->measure > y->measure) - (x->measure < y->measure);
}

/* One hierarchy: a row per group and computed code that the mode produces
 * for some measure; the measures it does not produce are empty. */
static void compute_one(rt_hier *x, hone *o, rt_out *out)
{
    const rg_hierarchy *h = o->h;
    const rg_form *p = h->pivot, *f = x->f;
    uint32_t n = o->n;
    if (!n || !p->validate || !h->n_totals) return;
    pivot pv;
    pivot_run(&pv, o); /* writes the computed totals */
    const rg_column *cols = pv.cols;
    const uint64_t *ovf = pv.ovf;
    rg_hier_total *tot = rt_xmalloc(sizeof *tot * h->n_totals);
    memcpy(tot, h->totals, sizeof *tot * h->n_totals);
    qsort(tot, h->n_totals, sizeof *tot, cmp_total_item);
    int32_t cl = f->fields[h->dim].codelist;
    rt_buf line = {0};
    char per[32];
    for (uint32_t g = 0; g < n; g++) {
        const hgroup *gr = &o->g[g];
        rt_period_format(f->frequency, gr->period, per);
        for (uint32_t t = 0; t < h->n_totals;) {
            uint32_t e = t;
            int any = 0;
            while (e < h->n_totals && tot[e].item == tot[t].item) {
                any |= bit(cols[tot[e].produced].present, g) && cols[tot[e].produced].v[g];
                e++;
            }
            if (any && !bit(ovf, g)) {
                const char *code = x->d->codelists[cl].codes[h->items[tot[t].item]].code;
                line.n = 0;
                rt_buf_csv(&line, gr->unit, strlen(gr->unit));
                rt_buf_printf(&line, ",%s", per);
                for (uint32_t k = 0; k < f->n_dims; k++) {
                    const char *dv = f->dims[k] == h->dim ? code : gr->dims[k];
                    rt_buf_ch(&line, ',');
                    rt_buf_csv(&line, dv, strlen(dv));
                }
                for (uint32_t m = 0; m < h->n_measures; m++) {
                    rt_buf_ch(&line, ',');
                    for (uint32_t q = t; q < e; q++) {
                        if (tot[q].measure != (int32_t)m) continue;
                        int prod = bit(cols[tot[q].produced].present, g) && cols[tot[q].produced].v[g];
                        if (prod && bit(cols[tot[q].value].present, g))
                            rt_value_text(x->d, p, tot[q].value, cols[tot[q].value].v[g], &line);
                    }
                }
                rt_buf_ch(&line, '\n');
                rt_out_put(out, line.p, line.n);
            }
            t = e;
        }
    }
    rt_buf_free(&line);
    free(tot);
    pivot_free(&pv);
}

int rt_cmd_hierarchy(const rt_opts *o, rt_error *err)
{
    rt_ctx c;
    if (rt_ctx_open(&c, o, 0, err)) return 2;
    const rg_form *f = c.form;
    int rc = 2;
    rt_hier *x = rt_hier_new(c.desc, f);
    uint32_t n_tot = 0;
    for (uint32_t i = 0; x && i < x->n; i++) n_tot += x->hs[i].h->n_totals;
    if (!x || !n_tot) {
        rt_err(err, 2,
               TR("form %s computes no total: it checks no hierarchy with a `=` rule",
                  "biểu %s không tính tổng nào: biểu không kiểm tra phân cấp nào có quy tắc `=`"),
               f->code);
        goto done;
    }
    for (uint32_t i = 1; i < x->n; i++) {
        const rg_hierarchy *a = x->hs[0].h, *b = x->hs[i].h;
        if (a->n_measures != b->n_measures ||
            memcmp(a->measures, b->measures, sizeof *a->measures * a->n_measures)) {
            rt_err(err, 2,
                   TR("form %s checks hierarchies %s and %s over different fields: their totals do not fit one table",
                      "biểu %s kiểm tra phân cấp %s và %s trên các trường khác nhau: tổng của chúng không cùng một bảng"),
                   f->code, a->name, b->name);
            goto done;
        }
    }
    uint8_t *on = rt_xcalloc(f->n_rules ? f->n_rules : 1, 1); /* no rule reported */
    rt_scan_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.rg = c.rg;
    cfg.form = f;
    cfg.units = c.units;
    cfg.rule_on = on;
    cfg.threads = rt_threads(o);
    rt_hier_attach(x, &cfg);
    rt_scan_stats st;
    memset(&st, 0, sizeof st);
    st.rule_fail = rt_xcalloc(f->n_rules ? f->n_rules : 1, sizeof(uint64_t));
    int failed = 0;
    for (int i = 0; i < o->n_data && !failed; i++)
        if (rt_scan_file(&cfg, o->data[i], &st, err)) failed = 1;
    rt_out out;
    if (!failed && !rt_out_open(&out, o->output, err)) {
        rt_buf h = {0};
        rt_buf_str(&h, f->fields[f->unit_field].code);
        rt_buf_ch(&h, ',');
        rt_buf_str(&h, f->fields[f->period_field].code);
        for (uint32_t k = 0; k < f->n_dims; k++) rt_buf_printf(&h, ",%s", f->fields[f->dims[k]].code);
        const rg_hierarchy *h0 = x->hs[0].h;
        for (uint32_t m = 0; m < h0->n_measures; m++) rt_buf_printf(&h, ",%s", f->fields[h0->measures[m]].code);
        rt_buf_ch(&h, '\n');
        rt_out_put(&out, h.p, h.n);
        rt_buf_free(&h);
        for (uint32_t i = 0; i < x->n; i++) compute_one(x, &x->hs[i], &out);
        if (rt_out_close(&out, err) == 0) rc = 0;
        if (o->verbose)
            rt_info(TR("regrt: %llu rows read\n", "regrt: đã đọc %llu dòng\n"), (unsigned long long)st.rows);
    }
    free(st.rule_fail);
    free(on);
done:
    rt_hier_free(x);
    rt_ctx_close(&c);
    return rc;
}

void rt_hier_select(rt_hier *x, const char *list)
{
    if (!x || !list) return;
    for (uint32_t i = 0; i < x->n; i++) {
        hone *o = &x->hs[i];
        for (uint32_t r = 0; r < o->h->pivot->n_rules; r++) {
            const char *c = o->h->pivot->rules[r].code, *s = list;
            size_t cn = strlen(c);
            o->on[r] = 0;
            while (*s) {
                size_t n = strcspn(s, ",");
                if (n == cn && !memcmp(s, c, n)) o->on[r] = 1;
                s += n;
                if (*s == ',') s++;
            }
        }
    }
}
