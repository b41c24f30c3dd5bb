/* validate.c — `regrt validate`: every violation of every row, and a summary. */
#include <stdlib.h>

#include "crossform.h"
#include "ext.h"
#include "hier.h"

static void summary_text(const rg_form *f, const rt_scan_stats *st, const uint8_t *on, const rt_hier *hier)
{
    rt_info(TR("regrt: %llu rows read, %llu with errors, %llu with warnings\n",
               "regrt: đã đọc %llu dòng, %llu dòng có lỗi, %llu dòng có cảnh báo\n"),
            (unsigned long long)st->rows, (unsigned long long)st->rows_err,
            (unsigned long long)st->rows_warn);
    for (uint32_t r = 0; r < f->n_rules; r++) {
        if (!on[r] || !st->rule_fail[r]) continue;
        const char *sev = f->rules[r].severity == RG_SEV_ERROR     ? TR("error", "lỗi")
                          : f->rules[r].severity == RG_SEV_WARNING ? TR("warning", "cảnh báo")
                                                                   : TR("info", "thông tin");
        rt_info("  %-8s %-9s %llu\n", f->rules[r].code, sev, (unsigned long long)st->rule_fail[r]);
    }
    rt_hier_summary(hier, NULL, NULL);
    if (st->rows_overflow)
        rt_info("  %-8s %-9s %llu\n", "OVERFLOW", TR("error", "lỗi"), (unsigned long long)st->rows_overflow);
}

static void summary_json(rt_out *o, const rg_form *f, const rt_scan_stats *st, const uint8_t *on, const rt_hier *hier)
{
    rt_buf b = {0};
    rt_buf_printf(&b, "%s],\"summary\":{\"rows\":%llu,\"rows_with_errors\":%llu,\"rows_with_warnings\":%llu,\"rules\":{",
                  "\n", (unsigned long long)st->rows, (unsigned long long)st->rows_err,
                  (unsigned long long)st->rows_warn);
    int first = 1;
    for (uint32_t r = 0; r < f->n_rules; r++) {
        if (!on[r]) continue;
        if (!first) rt_buf_ch(&b, ',');
        first = 0;
        rt_buf_json(&b, f->rules[r].code, strlen(f->rules[r].code));
        rt_buf_printf(&b, ":%llu", (unsigned long long)st->rule_fail[r]);
    }
    rt_hier_summary(hier, &b, &first);
    rt_buf_str(&b, "}}}\n");
    rt_out_put(o, b.p, b.n);
    rt_buf_free(&b);
}

/* validate, or (compute) every row's computed fields: the same scan, with
 * the joins the computed fields need and no rule selected. */
static int run(const rt_opts *o, int compute, rt_error *err)
{
    rt_ctx c;
    if (compute && o->format == RT_FMT_JSON) {
        rt_err(err, 2, TR("regrt compute writes CSV: drop --format json", "regrt compute ghi CSV: bỏ --format json"));
        return 2;
    }
    if (compute && o->results) {
        rt_err(err, 2, TR("--results is an option of `regrt validate`", "--results là tùy chọn của `regrt validate`"));
        return 2;
    }
    if (rt_ctx_open(&c, o, 0, err)) return 2;
    const rg_form *f = c.form;
    uint8_t *on = rt_xmalloc(f->n_rules ? f->n_rules : 1);
    int rc = 2;
    if (compute) memset(on, 0, f->n_rules ? f->n_rules : 1);
    else if (rt_select_rules(f, o->rules, on, err)) goto done;
    if (!c.units) {
        rt_buf skipped = {0};
        for (uint32_t r = 0; r < f->n_rules; r++)
            if (on[r] && (f->rules[r].flags & RG_RULE_UNITS)) {
                on[r] = 0;
                if (skipped.n) rt_buf_str(&skipped, ", ");
                rt_buf_str(&skipped, f->rules[r].code);
            }
        if (skipped.n) {
            rt_buf_ch(&skipped, 0);
            rt_warn(TR("rule(s) %s check units against the unit list and are skipped; add --units UNITS.csv to run them",
                       "quy tắc %s đối chiếu đơn vị với danh sách đơn vị nên bị bỏ qua; thêm --units UNITS.csv để kiểm tra"),
                    skipped.p);
        }
        rt_buf_free(&skipped);
    }
    rt_ext ext; /* previous() and children() joins */
    rt_scan_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.rg = c.rg;
    cfg.form = f;
    cfg.units = c.units;
    cfg.rule_on = on;
    cfg.threads = rt_threads(o);
    /* other forms' files (cross-form rules): joined, not checked */
    rt_cross *cross = NULL;
    const rt_opts *oj = o;
    if (rt_cross_open(&cross, &cfg, on, o, &oj, err)) {
        rt_cross_close(cross);
        goto done;
    }
    if (rt_ext_open(&ext, &cfg, on, oj, 0, err)) {
        rt_ext_close(&ext);
        rt_cross_close(cross);
        goto done;
    }
    rt_out out;
    if (rt_out_open(&out, o->output, err)) {
        rt_ext_close(&ext);
        rt_cross_close(cross);
        goto done;
    }
    rt_report rep;
    memset(&rep, 0, sizeof rep);
    rep.fmt = compute ? RT_FMT_CSV : o->format;
    rep.computed = compute;
    rep.desc = c.desc;
    rep.form = f;
    rep.out = &out;
    rep.multi_file = oj->n_data > 1;
    rep.results = o->results;
    rep.rule_on = on;
    rt_report_begin(&rep);
    cfg.report = &rep;
    /* hierarchies: the rows grouped during the scan, checked after it */
    rt_hier *hier = compute ? NULL : rt_hier_new(c.desc, f); /* compute runs no rule */
    rt_hier_select(hier, o->rules);
    rt_hier_attach(hier, &cfg);
    rt_scan_stats st;
    memset(&st, 0, sizeof st);
    st.rule_fail = rt_xcalloc(f->n_rules ? f->n_rules : 1, sizeof(uint64_t));
    int failed = 0;
    /* repeated keys, reported with both places (dups.c) */
    const char **names = rt_xcalloc((size_t)oj->n_data + 1, sizeof *names);
    cfg.dups = rt_dups_new();
    for (int i = 0; i < oj->n_data && !failed; i++) {
        rep.file = !strcmp(oj->data[i], "-") ? "<stdin>" : oj->data[i];
        names[i] = rep.file;
        cfg.dup_file = (uint32_t)i;
        if (rt_scan_file(&cfg, rt_ext_path(&ext, oj, i), &st, err)) failed = 1;
    }
    int hier_err = 0;
    if (!failed) hier_err = rt_hier_report(hier, &rep);
    if (failed) {
        rt_out_abort(&out);
    } else {
        if (o->format == RT_FMT_JSON) summary_json(&out, f, &st, on, hier);
        if (rt_out_close(&out, err) == 0) {
            rc = st.rows_err || st.rows_overflow || hier_err ? 1 : 0;
            if (compute) rc = 0;
            if ((o->format == RT_FMT_TEXT && !compute) || o->verbose) summary_text(f, &st, on, hier);
            if (rt_dups_report(cfg.dups, names)) rc = 1;
            rt_ext_report(&ext);
            rt_cross_report(cross, o->verbose);
        }
    }
    free(st.rule_fail);
    rt_hier_free(hier);
    rt_dups_free(cfg.dups);
    free(names);
    rt_ext_close(&ext);
    rt_cross_close(cross);
done:
    free(on);
    rt_ctx_close(&c);
    return rc;
}

int rt_cmd_validate(const rt_opts *o, rt_error *err) { return run(o, 0, err); }

int rt_cmd_compute(const rt_opts *o, rt_error *err) { return run(o, 1, err); }
