/* validate.c — `regrt validate`: every violation of every row, and a summary. */
#include <stdlib.h>

#include "scan.h"

/* --rules CODE,CODE: the rules to report; the others are still computed by
 * the kernel (it evaluates all of them) but masked out. */
static int select_rules(const rg_form *f, const char *list, uint8_t *on, rt_error *err)
{
    if (!list) {
        for (uint32_t r = 0; r < f->n_rules; r++) on[r] = 1;
        return 0;
    }
    memset(on, 0, f->n_rules ? f->n_rules : 1);
    const char *s = list;
    while (*s) {
        size_t n = strcspn(s, ",");
        uint32_t r;
        for (r = 0; r < f->n_rules; r++)
            if (strlen(f->rules[r].code) == n && !memcmp(f->rules[r].code, s, n)) break;
        if (n && r == f->n_rules) {
            rt_buf names = {0};
            for (uint32_t k = 0; k < f->n_rules; k++) {
                if (k) rt_buf_str(&names, ",");
                rt_buf_str(&names, f->rules[k].code);
            }
            rt_buf_ch(&names, 0);
            rt_err(err, 2, TR("--rules: form '%s' has no rule '%.*s'; its rules are %s",
                              "--rules: biểu '%s' không có quy tắc '%.*s'; các quy tắc là %s"),
                   f->code, (int)n, s, names.p ? names.p : "");
            rt_buf_free(&names);
            return -1;
        }
        if (n) on[r] = 1;
        s += n;
        if (*s == ',') s++;
    }
    return 0;
}

static void summary_text(const rg_form *f, const rt_scan_stats *st, const uint8_t *on)
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
    if (st->rows_overflow)
        rt_info("  %-8s %-9s %llu\n", "OVERFLOW", TR("error", "lỗi"), (unsigned long long)st->rows_overflow);
}

static void summary_json(rt_out *o, const rg_form *f, const rt_scan_stats *st, const uint8_t *on)
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
    rt_buf_str(&b, "}}}\n");
    rt_out_put(o, b.p, b.n);
    rt_buf_free(&b);
}

int rt_cmd_validate(const rt_opts *o, rt_error *err)
{
    rt_ctx c;
    if (rt_ctx_open(&c, o, 0, err)) return 2;
    const rg_form *f = c.form;
    uint8_t *on = rt_xmalloc(f->n_rules ? f->n_rules : 1);
    int rc = 2;
    if (select_rules(f, o->rules, on, err)) goto done;
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
    rt_out out;
    if (rt_out_open(&out, o->output, err)) goto done;
    rt_report rep;
    memset(&rep, 0, sizeof rep);
    rep.fmt = o->format;
    rep.desc = c.desc;
    rep.form = f;
    rep.out = &out;
    rep.multi_file = o->n_data > 1;
    rt_report_begin(&rep);
    rt_scan_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.rg = c.rg;
    cfg.form = f;
    cfg.units = c.units;
    cfg.rule_on = on;
    cfg.threads = rt_threads(o);
    cfg.report = &rep;
    rt_scan_stats st;
    memset(&st, 0, sizeof st);
    st.rule_fail = rt_xcalloc(f->n_rules ? f->n_rules : 1, sizeof(uint64_t));
    int failed = 0;
    for (int i = 0; i < o->n_data && !failed; i++) {
        rep.file = !strcmp(o->data[i], "-") ? "<stdin>" : o->data[i];
        if (rt_scan_file(&cfg, o->data[i], &st, err)) failed = 1;
    }
    if (failed) {
        rt_out_abort(&out);
    } else {
        if (o->format == RT_FMT_JSON) summary_json(&out, f, &st, on);
        if (rt_out_close(&out, err) == 0) {
            rc = st.rows_err || st.rows_overflow ? 1 : 0;
            if (o->format == RT_FMT_TEXT || o->verbose) summary_text(f, &st, on);
        }
    }
    free(st.rule_fail);
done:
    free(on);
    rt_ctx_close(&c);
    return rc;
}
