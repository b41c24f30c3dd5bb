/*
 * status.c — `regrt status`: for each period and each unit of the form's
 * tier, whether it reported.
 *
 * The submissions carry no timestamps, so lateness is judged against the
 * as-of date: a unit with at least one row for the period is "reported"; a
 * unit without rows is "late" once the period's deadline for its tier is
 * before --as-of, and "missing" (still expected) before that.
 */
#include <stdlib.h>

#include "scan.h"

typedef struct status_ctx {
    pthread_mutex_t mu;
    const rg_form *form;
    uint32_t lo, n_units;
    uint32_t n_periods, cap;
    int64_t *period;
    uint32_t **rows, **valid; /* per period, per unit of the tier */
} status_ctx;

static uint32_t period_index(status_ctx *s, int64_t p)
{
    for (uint32_t i = 0; i < s->n_periods; i++)
        if (s->period[i] == p) return i;
    if (s->n_periods == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->period = rt_xrealloc(s->period, s->cap * sizeof *s->period);
        s->rows = rt_xrealloc(s->rows, s->cap * sizeof *s->rows);
        s->valid = rt_xrealloc(s->valid, s->cap * sizeof *s->valid);
    }
    uint32_t i = s->n_periods++;
    s->period[i] = p;
    s->rows[i] = rt_xcalloc(s->n_units ? s->n_units : 1, sizeof(uint32_t));
    s->valid[i] = rt_xcalloc(s->n_units ? s->n_units : 1, sizeof(uint32_t));
    return i;
}

static void on_batch(void *ctx, const rg_batch *b, const uint64_t *valid)
{
    status_ctx *s = ctx;
    const rg_column *uc = &b->cols[s->form->unit_field], *pc = &b->cols[s->form->period_field];
    pthread_mutex_lock(&s->mu);
    for (uint32_t i = 0; i < b->n_rows; i++) {
        uint64_t bit = 1ull << (i & 63);
        if (!(uc->present[i >> 6] & bit) || !(pc->present[i >> 6] & bit)) continue;
        int64_t u = uc->v[i];
        if (u < s->lo || u >= (int64_t)s->lo + s->n_units) continue;
        uint32_t p = period_index(s, pc->v[i]);
        s->rows[p][u - s->lo]++;
        if (valid[i >> 6] & bit) s->valid[p][u - s->lo]++;
    }
    pthread_mutex_unlock(&s->mu);
}

static int cmp_period(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int rt_cmd_status(const rt_opts *o, rt_error *err)
{
    rt_ctx c;
    int rc = 2;
    status_ctx s;
    memset(&s, 0, sizeof s);
    pthread_mutex_init(&s.mu, NULL);
    rt_holidays *h = NULL;
    char *hpath = NULL;
    if (rt_ctx_open(&c, o, 1, err)) goto out;
    const rg_form *f = c.form;
    const rg_regime_desc *d = c.desc;
    int64_t asof;
    if (!o->as_of || rt_date_parse(o->as_of, strlen(o->as_of), &asof)) {
        rt_err(err, 2, TR("--as-of: give the date to judge deadlines against, as YYYY-MM-DD",
                          "--as-of: hãy cho ngày để đối chiếu hạn gửi, dạng YYYY-MM-DD"));
        goto out;
    }
    if (f->unit_field < 0 || f->period_field < 0) {
        rt_err(err, 2, TR("form '%s' has no unit or no period field", "biểu '%s' không có trường đơn vị hoặc kỳ"), f->code);
        goto out;
    }
    s.form = f;
    s.lo = rt_units_base(c.units, f->unit_tier);
    s.n_units = rt_units_count(c.units, f->unit_tier);
    if (o->period) {
        int64_t p = rt_period_parse(f->frequency, o->period, strlen(o->period));
        if (p < 0) {
            rt_err(err, 2, TR("--period %s: not a %s period of form '%s'",
                              "--period %s: không phải kỳ %s của biểu '%s'"),
                   o->period, rt_freq_name(f->frequency), f->code);
            goto out;
        }
        period_index(&s, p);
    }
    h = rt_holidays_for(o, d, &hpath, err);
    if (!h) goto out;

    uint8_t *on = rt_xmalloc(f->n_rules ? f->n_rules : 1);
    for (uint32_t r = 0; r < f->n_rules; r++) on[r] = 1;
    rt_scan_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.rg = c.rg;
    cfg.form = f;
    cfg.units = c.units;
    cfg.rule_on = on;
    cfg.threads = rt_threads(o);
    cfg.on_batch = on_batch;
    cfg.on_batch_ctx = &s;
    rt_scan_stats st;
    memset(&st, 0, sizeof st);
    st.rule_fail = rt_xcalloc(f->n_rules ? f->n_rules : 1, sizeof(uint64_t));
    int failed = 0;
    /* a unit that sent a period twice is said, with both places (dups.c) */
    cfg.dups = rt_dups_new();
    for (int i = 0; i < o->n_data && !failed; i++) {
        cfg.dup_file = (uint32_t)i;
        if (rt_scan_file(&cfg, o->data[i], &st, err)) failed = 1;
    }
    if (!failed) rt_dups_report(cfg.dups, (const char *const *)o->data);
    rt_dups_free(cfg.dups);
    free(st.rule_fail);
    free(on);
    if (failed) goto out;

    /* Deadline of the form's tier: the declared one, else the cut-off itself. */
    const rg_deadline *dl = NULL;
    for (uint32_t k = 0; k < d->n_deadlines; k++)
        if (d->deadlines[k].tier == f->unit_tier) dl = &d->deadlines[k];
    /* Periods in order; remember where each one's counters are. */
    int64_t *order = rt_xmalloc((s.n_periods ? s.n_periods : 1) * 2 * sizeof *order);
    for (uint32_t i = 0; i < s.n_periods; i++) {
        order[2 * i] = s.period[i];
        order[2 * i + 1] = i;
    }
    qsort(order, s.n_periods, 2 * sizeof *order, cmp_period);

    rt_out out;
    if (rt_out_open(&out, o->output, err)) {
        free(order);
        goto out;
    }
    rt_buf b = {0};
    const uint32_t *sorted = rt_units_sorted(c.units, f->unit_tier);
    uint64_t n_late = 0;
    if (o->format == RT_FMT_CSV) rt_buf_str(&b, "period,unit_code,unit_name,status,deadline,rows,valid_rows\n");
    else if (o->format == RT_FMT_JSON) {
        rt_buf_str(&b, "{\"regime\":");
        rt_buf_json(&b, d->name, strlen(d->name));
        rt_buf_printf(&b, ",\"form\":\"%s\",\"as_of\":\"%s\",\"periods\":[", f->code, o->as_of);
    }
    for (uint32_t pi = 0; pi < s.n_periods; pi++) {
        int64_t p = order[2 * pi];
        uint32_t ix = (uint32_t)order[2 * pi + 1];
        char lab[16], dls[16];
        int64_t ws, we, due;
        rt_period_format(f->frequency, p, lab);
        if (rt_cutoff_window(d->cutoff, d->cutoff_day, f->frequency, p, &ws, &we)) we = ws = 0;
        due = dl ? rt_deadline(we, dl->days, (int)dl->working, h) : we;
        rt_date_format(due, dls);
        uint32_t nrep = 0, nlate = 0, nmiss = 0;
        if (o->format == RT_FMT_JSON)
            rt_buf_printf(&b, "%s\n{\"period\":\"%s\",\"deadline\":\"%s\",\"units\":[", pi ? "," : "", lab, dls);
        for (uint32_t k = 0; k < s.n_units; k++) {
            uint32_t g = sorted[k], li = g - s.lo;
            uint32_t rows = s.rows[ix][li], val = s.valid[ix][li];
            const char *stt = rows ? "reported" : due < asof ? "late" : "missing";
            if (rows) nrep++;
            else if (due < asof) nlate++;
            else nmiss++;
            const char *code = rt_units_code(c.units, g), *name = rt_units_name(c.units, g);
            if (o->format == RT_FMT_CSV) {
                rt_buf_printf(&b, "%s,", lab);
                rt_buf_csv(&b, code, strlen(code));
                rt_buf_ch(&b, ',');
                rt_buf_csv(&b, name, strlen(name));
                rt_buf_printf(&b, ",%s,%s,%u,%u\n", stt, dls, rows, val);
            } else if (o->format == RT_FMT_JSON) {
                rt_buf_str(&b, k ? ",{\"unit\":" : "{\"unit\":");
                rt_buf_json(&b, code, strlen(code));
                rt_buf_printf(&b, ",\"status\":\"%s\",\"rows\":%u,\"valid_rows\":%u}", stt, rows, val);
            } else if (!rows) {
                rt_buf_printf(&b, "%s  %-8s %s %s", lab,
                              due < asof ? TR("late", "trễ hạn") : TR("missing", "chưa nộp"), code, name);
                rt_buf_printf(&b, TR(" (deadline %s)\n", " (hạn %s)\n"), dls);
            }
        }
        if (o->format == RT_FMT_JSON)
            rt_buf_printf(&b, "],\"reported\":%u,\"missing\":%u,\"late\":%u}", nrep, nmiss, nlate);
        else
            rt_info(TR("regrt: %s: %u reported, %u missing, %u late (deadline %s, as of %s)\n",
                       "regrt: %s: %u đã nộp, %u chưa nộp, %u trễ hạn (hạn %s, tính đến %s)\n"),
                    lab, nrep, nmiss, nlate, dls, o->as_of);
        n_late += nlate;
        if (b.n > (1u << 20)) {
            rt_out_put(&out, b.p, b.n);
            b.n = 0;
        }
    }
    if (o->format == RT_FMT_JSON) rt_buf_str(&b, "\n]}\n");
    rt_out_put(&out, b.p, b.n);
    rt_buf_free(&b);
    free(order);
    if (rt_out_close(&out, err) == 0) rc = n_late ? 1 : 0;
out:
    for (uint32_t i = 0; i < s.n_periods; i++) {
        free(s.rows[i]);
        free(s.valid[i]);
    }
    free(s.rows);
    free(s.valid);
    free(s.period);
    pthread_mutex_destroy(&s.mu);
    rt_holidays_free(h);
    free(hpath);
    rt_ctx_close(&c);
    return rc;
}
