/*
 * status.c — `regrt status`: for each period and each unit of every tier
 * that submits (the form's tier, and every tier with a deadline of its
 * own), whether it reported.
 *
 * The submissions carry no timestamps, so lateness is judged against the
 * as-of date: a unit with at least one valid row for the period is
 * "reported"; one whose rows all failed an error-level rule is "rejected";
 * a unit without rows is "late" once the period's deadline for its tier is
 * before --as-of, and "missing" (still expected) before that. Rows whose
 * unit code is in no submitting tier of the units file are counted per
 * period ("unknown"); every row read is accounted for on stderr.
 */
#include <stdlib.h>

#include "scan.h"

typedef struct status_ctx {
    pthread_mutex_t mu;
    const rg_form *form;
    const rt_units *units;
    uint32_t n_total;  /* units of every tier (global indexes) */
    const uint8_t *submits; /* per tier */
    int64_t only;      /* --period, or -1 */
    uint32_t n_periods, cap;
    int64_t *period;
    uint32_t **rows, **valid; /* per period, per unit (global index) */
    uint64_t *unknown;        /* per period: rows of unit codes in no submitting tier */
    uint64_t no_unit, no_period, other_period, other_tier;
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
        s->unknown = rt_xrealloc(s->unknown, s->cap * sizeof *s->unknown);
    }
    uint32_t i = s->n_periods++;
    s->period[i] = p;
    s->rows[i] = rt_xcalloc(s->n_total ? s->n_total : 1, sizeof(uint32_t));
    s->valid[i] = rt_xcalloc(s->n_total ? s->n_total : 1, sizeof(uint32_t));
    s->unknown[i] = 0;
    return i;
}

static void on_batch(void *ctx, const rg_batch *b, const uint64_t *valid)
{
    status_ctx *s = ctx;
    const rg_column *uc = &b->cols[s->form->unit_field], *pc = &b->cols[s->form->period_field];
    pthread_mutex_lock(&s->mu);
    for (uint32_t i = 0; i < b->n_rows; i++) {
        uint64_t bit = 1ull << (i & 63);
        if (!(pc->present[i >> 6] & bit) || pc->v[i] < 0) {
            s->no_period++;
            continue;
        }
        if (s->only >= 0 && pc->v[i] != s->only) {
            s->other_period++;
            continue;
        }
        uint32_t p = period_index(s, pc->v[i]);
        int64_t u = uc->v[i];
        if (!(uc->present[i >> 6] & bit)) {
            s->no_unit++;
            continue;
        }
        if (u < 0 || u >= s->n_total) {
            s->unknown[p]++;
            continue;
        }
        if (!s->submits[rt_units_tier(s->units, (uint32_t)u)]) {
            s->other_tier++;
            continue;
        }
        s->rows[p][u]++;
        if (valid[i >> 6] & bit) s->valid[p][u]++;
    }
    pthread_mutex_unlock(&s->mu);
}

static int cmp_period(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static const char *status_word(const char *st)
{
    if (!strcmp(st, "late")) return TR("late", "trễ hạn");
    if (!strcmp(st, "missing")) return TR("missing", "chưa nộp");
    if (!strcmp(st, "rejected")) return TR("rejected", "bị loại");
    return TR("reported", "đã nộp");
}

int rt_cmd_status(const rt_opts *o, rt_error *err)
{
    rt_ctx c;
    int rc = 2;
    status_ctx s;
    memset(&s, 0, sizeof s);
    pthread_mutex_init(&s.mu, NULL);
    s.only = -1;
    rt_holidays *h = NULL;
    char *hpath = NULL;
    uint8_t *submits = NULL;
    int64_t *order = NULL;
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
    /* The tiers that submit: the form's, and each one with a deadline. */
    submits = rt_xcalloc(d->n_tiers ? d->n_tiers : 1, 1);
    if (f->unit_tier >= 0 && (uint32_t)f->unit_tier < d->n_tiers) submits[f->unit_tier] = 1;
    for (uint32_t k = 0; k < d->n_deadlines; k++)
        if (d->deadlines[k].tier >= 0 && (uint32_t)d->deadlines[k].tier < d->n_tiers) submits[d->deadlines[k].tier] = 1;
    s.form = f;
    s.units = c.units;
    s.submits = submits;
    s.n_total = rt_units_total(c.units);
    if (o->period) {
        int64_t p = rt_period_parse(f->frequency, o->period, strlen(o->period));
        if (p < 0) {
            rt_err(err, 2, TR("--period %s: not a %s period of form '%s'",
                              "--period %s: không phải kỳ %s của biểu '%s'"),
                   o->period, rt_freq_name(f->frequency), f->code);
            goto out;
        }
        s.only = p;
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
    cfg.units_above = 1; /* a province's own rows: its codes are at its tier */
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

    /* Periods in order; remember where each one's counters are. */
    order = rt_xmalloc((s.n_periods ? s.n_periods : 1) * 2 * sizeof *order);
    for (uint32_t i = 0; i < s.n_periods; i++) {
        order[2 * i] = s.period[i];
        order[2 * i + 1] = i;
    }
    qsort(order, s.n_periods, 2 * sizeof *order, cmp_period);

    rt_out out;
    if (rt_out_open(&out, o->output, err)) goto out;
    rt_buf b = {0};
    uint64_t n_late = 0, n_rej = 0, n_unknown = 0;
    if (o->format == RT_FMT_CSV) rt_buf_str(&b, "period,tier,unit_code,unit_name,status,deadline,rows,valid_rows\n");
    else if (o->format == RT_FMT_JSON) {
        rt_buf_str(&b, "{\"regime\":");
        rt_buf_json(&b, d->name, strlen(d->name));
        rt_buf_printf(&b, ",\"form\":\"%s\",\"as_of\":\"%s\",\"periods\":[", f->code, o->as_of);
    }
    int first_entry = 1;
    for (uint32_t pi = 0; pi < s.n_periods; pi++) {
        int64_t p = order[2 * pi];
        uint32_t ix = (uint32_t)order[2 * pi + 1];
        char lab[16], dls[16];
        int64_t ws, we;
        rt_period_format(f->frequency, p, lab);
        if (rt_cutoff_window(d->cutoff, d->cutoff_day, f->frequency, p, &ws, &we)) we = ws = 0;
        /* Bottom tier first: the order in which reports travel. */
        for (int t = (int)d->n_tiers - 1; t >= 0; t--) {
            if (!submits[t]) continue;
            const char *tname = d->tiers[t].name;
            /* The tier's deadline: the declared one, else the cut-off itself. */
            const rg_deadline *dl = NULL;
            for (uint32_t k = 0; k < d->n_deadlines; k++)
                if (d->deadlines[k].tier == t) dl = &d->deadlines[k];
            int64_t due = we;
            if (dl && rt_deadline_for(o, h, hpath, we, dl, tname, lab, &due, err)) {
                rt_buf_free(&b);
                rt_out_abort(&out);
                goto out;
            }
            rt_date_format(due, dls);
            uint32_t nrep = 0, nlate = 0, nmiss = 0, nrej = 0;
            if (o->format == RT_FMT_JSON) {
                rt_buf_printf(&b, "%s\n{\"period\":\"%s\",\"tier\":\"%s\",\"deadline\":\"%s\",\"units\":[",
                              first_entry ? "" : ",", lab, tname, dls);
                first_entry = 0;
            }
            const uint32_t *sorted = rt_units_sorted(c.units, t);
            uint32_t nu = rt_units_count(c.units, t);
            for (uint32_t k = 0; k < nu; k++) {
                uint32_t g = sorted[k];
                uint32_t rows = s.rows[ix][g], val = s.valid[ix][g];
                const char *stt = val ? "reported" : rows ? "rejected" : due < asof ? "late" : "missing";
                if (val) nrep++;
                else if (rows) nrej++;
                else if (due < asof) nlate++;
                else nmiss++;
                const char *code = rt_units_code(c.units, g), *name = rt_units_name(c.units, g);
                if (o->format == RT_FMT_CSV) {
                    rt_buf_printf(&b, "%s,%s,", lab, tname);
                    rt_buf_csv(&b, code, strlen(code));
                    rt_buf_ch(&b, ',');
                    rt_buf_csv(&b, name, strlen(name));
                    rt_buf_printf(&b, ",%s,%s,%u,%u\n", stt, dls, rows, val);
                } else if (o->format == RT_FMT_JSON) {
                    rt_buf_str(&b, k ? ",{\"unit\":" : "{\"unit\":");
                    rt_buf_json(&b, code, strlen(code));
                    rt_buf_printf(&b, ",\"status\":\"%s\",\"rows\":%u,\"valid_rows\":%u}", stt, rows, val);
                } else if (!val) {
                    rt_buf_printf(&b, "%s  %-8s ", lab, status_word(stt));
                    rt_buf_text(&b, code, strlen(code));
                    rt_buf_ch(&b, ' ');
                    rt_buf_text(&b, name, strlen(name));
                    if (rows)
                        rt_buf_printf(&b, TR(" (%u rows, none valid; deadline %s)\n", " (%u dòng, không dòng nào hợp lệ; hạn %s)\n"),
                                      rows, dls);
                    else rt_buf_printf(&b, TR(" (deadline %s)\n", " (hạn %s)\n"), dls);
                }
            }
            if (o->format == RT_FMT_JSON)
                rt_buf_printf(&b, "],\"reported\":%u,\"rejected\":%u,\"missing\":%u,\"late\":%u}", nrep, nrej, nmiss,
                              nlate);
            rt_info(TR("regrt: %s %s: %u reported, %u rejected, %u missing, %u late (deadline %s, as of %s)\n",
                       "regrt: %s %s: %u đã nộp, %u bị loại, %u chưa nộp, %u trễ hạn (hạn %s, tính đến %s)\n"),
                    lab, tname, nrep, nrej, nmiss, nlate, dls, o->as_of);
            n_late += nlate;
            n_rej += nrej;
            if (b.n > (1u << 20)) {
                rt_out_put(&out, b.p, b.n);
                b.n = 0;
            }
        }
        /* Rows of codes in no submitting tier: shown, never dropped. */
        uint64_t unk = s.unknown[ix];
        n_unknown += unk;
        if (unk) {
            if (o->format == RT_FMT_CSV) rt_buf_printf(&b, "%s,,,,unknown,,%llu,0\n", lab, (unsigned long long)unk);
            else if (o->format == RT_FMT_JSON)
                rt_buf_printf(&b, ",\n{\"period\":\"%s\",\"unknown_unit_rows\":%llu}", lab, (unsigned long long)unk);
            else
                rt_buf_printf(&b, TR("%s  %-8s %llu row(s) with a unit code not in the units file (regrt validate --units lists them)\n",
                                     "%s  %-8s %llu dòng có mã đơn vị không có trong tệp đơn vị (regrt validate --units liệt kê các dòng này)\n"),
                              lab, TR("unknown", "lạ"), (unsigned long long)unk);
        }
    }
    if (o->format == RT_FMT_JSON) rt_buf_str(&b, "\n]}\n");
    rt_out_put(&out, b.p, b.n);
    rt_buf_free(&b);
    uint64_t left = n_unknown + s.no_unit + s.no_period + s.other_tier;
    if (left || s.other_period || o->verbose) {
        rt_info(TR("regrt: %llu rows read: %llu counted for their unit, %llu left out\n",
                   "regrt: đã đọc %llu dòng: %llu dòng được tính cho đơn vị, %llu dòng bị bỏ ra\n"),
                (unsigned long long)st.rows, (unsigned long long)(st.rows - left - s.other_period),
                (unsigned long long)(left + s.other_period));
        if (n_unknown)
            rt_info(TR("  left out: %llu unit code not in the units file\n", "  bị bỏ ra: %llu dòng mã đơn vị không có trong tệp đơn vị\n"),
                    (unsigned long long)n_unknown);
        if (s.no_unit)
            rt_info(TR("  left out: %llu unit code empty\n", "  bị bỏ ra: %llu dòng mã đơn vị trống\n"), (unsigned long long)s.no_unit);
        if (s.no_period)
            rt_info(TR("  left out: %llu period empty or not a period of the form\n", "  bị bỏ ra: %llu dòng kỳ trống hoặc không phải kỳ của biểu\n"),
                    (unsigned long long)s.no_period);
        if (s.other_tier)
            rt_info(TR("  left out: %llu unit of a tier that does not submit this form\n",
                       "  bị bỏ ra: %llu dòng của đơn vị thuộc cấp không nộp biểu này\n"),
                    (unsigned long long)s.other_tier);
        if (s.other_period)
            rt_info(TR("  left out: %llu outside --period %s\n", "  bị bỏ ra: %llu dòng ngoài --period %s\n"),
                    (unsigned long long)s.other_period, o->period);
    }
    if (rt_out_close(&out, err) == 0) rc = n_late || n_rej || (o->strict && left) ? 1 : 0;
out:
    free(order);
    for (uint32_t i = 0; i < s.n_periods; i++) {
        free(s.rows[i]);
        free(s.valid[i]);
    }
    free(s.rows);
    free(s.valid);
    free(s.unknown);
    free(s.period);
    free(submits);
    pthread_mutex_destroy(&s.mu);
    rt_holidays_free(h);
    free(hpath);
    rt_ctx_close(&c);
    return rc;
}
