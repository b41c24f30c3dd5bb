/*
 * api.c — the server's own API beside OpenRosa, for supervisors: the
 * submissions, their original XML, the accepted reports as CSV, roll-ups
 * and reporting status from arrival times (docs/SERVER.md).
 *
 * Scope: a supervisor sees the units of its subtree (its unit and every unit
 * below it); an admin sees everything. Roll-ups are computed by libregrt's
 * own `regrt rollup` (rt_cmd_rollup) over the CSV export, so the server and
 * the command line give the same figures by construction; the e2e test
 * checks it from the outside.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

#include "srv.h"
#include "xml.h"

static const char *scope_of(const srv_req *r)
{
    return r->acct && r->acct->role == SRV_ROLE_SUPERVISOR ? r->acct->unit : "";
}

static int bad_request(srv_resp *o, const char *msg)
{
    o->status = 400;
    o->body.n = 0;
    rt_buf_str(&o->body, msg);
    rt_buf_ch(&o->body, '\n');
    o->ctype = "text/plain; charset=utf-8";
    return 0;
}

static srv_form_ref *need_form(srv_req *r, srv_resp *o)
{
    const char *code = srv_arg(r, "form");
    srv_form_ref *fr = code ? srv_find_form(r->s, code) : NULL;
    if (!fr) {
        rt_buf b = {0};
        rt_buf_str(&b, TR("give ?form=CODE, one of: ", "hãy cho ?form=MÃ, một trong: "));
        for (int i = 0; i < r->s->n_forms; i++) {
            if (i) rt_buf_str(&b, ", ");
            rt_buf_str(&b, r->s->forms[i].reg->desc->forms[r->s->forms[i].form].code);
        }
        rt_buf_ch(&b, 0);
        bad_request(o, b.p);
        rt_buf_free(&b);
    }
    return fr;
}

static int slurp_into(const char *path, rt_buf *b)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    char tmp[65536];
    ssize_t k;
    while ((k = read(fd, tmp, sizeof tmp)) > 0) rt_buf_put(b, tmp, (size_t)k);
    close(fd);
    return k < 0 ? -1 : 0;
}

/* ---- /api/submissions ----------------------------------------------------------- */

static int h_list(srv_req *r, srv_resp *o)
{
    srv_form_ref *fr = need_form(r, o);
    if (!fr) return 0;
    const char *period = srv_arg(r, "period");
    const char *form = fr->reg->desc->forms[fr->form].code;
    srv_param p[2] = {{form, (size_t)-1, 0}, {period ? period : "", (size_t)-1, 0}};
    srv_rows rows;
    rt_error err;
    if (srv_db_exec(r->s->db,
                    "SELECT seq, instance_id, unit, period, account, received, status, is_current, errors, warnings "
                    "FROM submission WHERE form = $1 AND ($2 = '' OR period = $2) ORDER BY seq",
                    p, 2, &rows, &err)) {
        o->status = 503;
        rt_buf_str(&o->body, err.msg);
        return 0;
    }
    rt_buf_str(&o->body, "seq,instance_id,unit,period,account,received,status,current,errors,warnings\n");
    const char *root = scope_of(r);
    for (uint32_t i = 0; i < rows.n_rows; i++) {
        if (!srv_unit_within(fr->reg, srv_cell(&rows, i, 2), root)) continue;
        for (uint32_t c = 0; c < rows.n_cols; c++) {
            if (c) rt_buf_ch(&o->body, ',');
            const char *v = srv_cell(&rows, i, c);
            rt_buf_csv(&o->body, v, strlen(v));
        }
        rt_buf_ch(&o->body, '\n');
    }
    srv_rows_free(&rows);
    o->status = 200;
    o->ctype = "text/csv; charset=utf-8";
    return 0;
}

/* /api/submissions/SEQ.xml: the original document; /api/submissions/SEQ.txt:
 * the messages it got. */
static int h_one(srv_req *r, srv_resp *o)
{
    const char *tail = r->url + strlen("/api/submissions/");
    char seq[24];
    size_t n = strspn(tail, "0123456789");
    int xml = !strcmp(tail + n, ".xml"), txt = !strcmp(tail + n, ".txt");
    if (!n || n >= sizeof seq || (!xml && !txt)) {
        o->status = 404;
        rt_buf_str(&o->body, TR("no such submission\n", "không có bản nộp này\n"));
        return 0;
    }
    memcpy(seq, tail, n);
    seq[n] = 0;
    srv_param p[1] = {{seq, (size_t)-1, 0}};
    srv_rows rows;
    rt_error err;
    if (srv_db_exec(r->s->db, "SELECT form, unit, xml, messages FROM submission WHERE seq = $1", p, 1, &rows, &err)) {
        o->status = 503;
        rt_buf_str(&o->body, err.msg);
        return 0;
    }
    srv_form_ref *fr = rows.n_rows ? srv_find_form(r->s, srv_cell(&rows, 0, 0)) : NULL;
    if (!fr || !srv_unit_within(fr->reg, srv_cell(&rows, 0, 1), scope_of(r))) {
        o->status = 404;
        rt_buf_str(&o->body, TR("no such submission\n", "không có bản nộp này\n"));
    } else {
        o->status = 200;
        rt_buf_put(&o->body, rows.v[xml ? 2 : 3] ? rows.v[xml ? 2 : 3] : "", rows.len[xml ? 2 : 3]);
        o->ctype = xml ? "text/xml" : "text/plain; charset=utf-8";
    }
    srv_rows_free(&rows);
    return 0;
}

/* ---- export of the accepted reports as CSV ------------------------------------------ */

/*
 * The current accepted report of every unit in scope (for one period or
 * all), as the rows of a CSV submission: each document is read again by
 * rt_xml_read (the same conversion `regrt validate` applies to XML), the
 * header is written once and blank lines are dropped. Returns 0, or -1 with
 * a message in o.
 */
static int export_csv(srv_req *r, srv_form_ref *fr, const char *period, rt_buf *csv, uint32_t *n_docs, srv_resp *o)
{
    const rg_form *f = &fr->reg->desc->forms[fr->form];
    srv_param p[2] = {{f->code, (size_t)-1, 0}, {period ? period : "", (size_t)-1, 0}};
    srv_rows rows;
    rt_error err;
    memset(&err, 0, sizeof err);
    if (srv_db_exec(r->s->db,
                    "SELECT seq, unit, xml FROM submission WHERE form = $1 AND ($2 = '' OR period = $2) AND "
                    "is_current = 1 AND status = 'accepted' ORDER BY unit, period, seq",
                    p, 2, &rows, &err)) {
        o->status = 503;
        rt_buf_str(&o->body, err.msg);
        return -1;
    }
    char *xsd = rt_xml_xsd_path(fr->reg->rg, f);
    const char *root = scope_of(r);
    int header = 0, rc = 0;
    *n_docs = 0;
    char path[512];
    snprintf(path, sizeof path, "%s/export-%ld-%llu.xml", r->s->spool, (long)getpid(),
             (unsigned long long)++r->s->tmp_seq);
    for (uint32_t i = 0; i < rows.n_rows && !rc; i++) {
        if (!srv_unit_within(fr->reg, srv_cell(&rows, i, 1), root)) continue;
        if (srv_write_file(path, rows.v[i * rows.n_cols + 2], rows.len[i * rows.n_cols + 2])) {
            rc = -1;
            o->status = 503;
            rt_buf_printf(&o->body, "spool: %s\n", strerror(errno));
            break;
        }
        rt_xml_data x;
        if (rt_xml_read(fr->reg->desc, f, xsd, path, &x, &err)) {
            /* an accepted document that no longer reads: never silently dropped */
            rc = -1;
            o->status = 500;
            rt_buf_printf(&o->body, "submission %s: %s\n", srv_cell(&rows, i, 0), err.msg);
            break;
        }
        (*n_docs)++;
        const char *s = x.csv.p, *end = x.csv.p + x.csv.n;
        int first = 1;
        while (s < end) {
            const char *nl = memchr(s, '\n', (size_t)(end - s));
            const char *e = nl ? nl + 1 : end;
            if (e - s > 1 || (e - s == 1 && *s != '\n')) {
                if (!first || !header) rt_buf_put(csv, s, (size_t)(e - s));
                if (first) header = 1;
                first = 0;
            }
            s = e;
        }
        rt_xml_data_free(&x);
    }
    unlink(path);
    free(xsd);
    srv_rows_free(&rows);
    if (!rc && !header) {
        /* no report: the header alone, from the form */
        rt_buf_str(csv, "");
        for (uint32_t k = 0, n = 0; k < f->n_fields; k++) {
            if (f->fields[k].flags & (RG_FIELD_COMPUTED | RG_FIELD_RATIO)) continue;
            if (n++) rt_buf_ch(csv, ',');
            rt_buf_str(csv, f->fields[k].code);
        }
        rt_buf_ch(csv, '\n');
    }
    return rc;
}

static int h_export(srv_req *r, srv_resp *o)
{
    srv_form_ref *fr = need_form(r, o);
    if (!fr) return 0;
    uint32_t n;
    if (export_csv(r, fr, srv_arg(r, "period"), &o->body, &n, o)) return 0;
    o->status = 200;
    o->ctype = "text/csv; charset=utf-8";
    return 0;
}

/* ---- roll-up ---------------------------------------------------------------------------- */

static int h_rollup(srv_req *r, srv_resp *o)
{
    srv_form_ref *fr = need_form(r, o);
    if (!fr) return 0;
    const rg_form *f = &fr->reg->desc->forms[fr->form];
    /* ?layout=full: unit names, parent codes, one period column name */
    const char *layout = srv_arg(r, "layout");
    if (layout && strcmp(layout, "compact") && strcmp(layout, "full")) return bad_request(o, "layout: compact or full");
    rt_buf csv = {0};
    uint32_t n;
    /* ?of=PERIOD restricts the reports read (the default: all of them) */
    if (export_csv(r, fr, srv_arg(r, "of"), &csv, &n, o)) {
        rt_buf_free(&csv);
        return 0;
    }
    char in[512], out[512];
    unsigned long long seq = ++r->s->tmp_seq;
    snprintf(in, sizeof in, "%s/rollup-%ld-%llu.csv", r->s->spool, (long)getpid(), seq);
    snprintf(out, sizeof out, "%s/rollup-%ld-%llu.out", r->s->spool, (long)getpid(), seq);
    if (srv_write_file(in, csv.p ? csv.p : "", csv.n)) {
        rt_buf_free(&csv);
        o->status = 503;
        rt_buf_printf(&o->body, "spool: %s\n", strerror(errno));
        return 0;
    }
    rt_buf_free(&csv);
    rt_opts opt;
    memset(&opt, 0, sizeof opt);
    const char *data[1] = {in};
    opt.lib = fr->reg->dir;
    opt.data = data;
    opt.n_data = 1;
    opt.units = fr->reg->units_path;
    opt.form = f->code;
    opt.output = out;
    opt.period = srv_arg(r, "period");
    opt.to = srv_arg(r, "to");
    opt.rollup = srv_arg(r, "rollup");
    opt.layout_full = layout && !strcmp(layout, "full");
    opt.threads = 1;
    const char *fmt = srv_arg(r, "format");
    opt.format = fmt && !strcmp(fmt, "json") ? RT_FMT_JSON : fmt && !strcmp(fmt, "text") ? RT_FMT_TEXT : RT_FMT_CSV;
    rt_error err;
    memset(&err, 0, sizeof err);
    rt_set_quiet(1);
    int rc = rt_cmd_rollup(&opt, &err);
    rt_set_quiet(0);
    if (rc == 2) {
        bad_request(o, err.msg);
    } else if (slurp_into(out, &o->body)) {
        o->status = 500;
        rt_buf_printf(&o->body, "%s\n", strerror(errno));
    } else {
        o->status = 200;
        o->ctype = opt.format == RT_FMT_JSON ? "application/json" : opt.format == RT_FMT_CSV ? "text/csv; charset=utf-8"
                                                                                            : "text/plain; charset=utf-8";
    }
    unlink(in);
    unlink(out);
    return 0;
}

/* ---- status from arrival times ------------------------------------------------------------ */

static int64_t local_day(const char *iso, int offset_hours)
{
    /* YYYY-MM-DDTHH:MM:SSZ, in UTC; the day where the unit is */
    int64_t day;
    if (strlen(iso) < 19 || rt_date_parse(iso, 10, &day)) return -1;
    int hh = (iso[11] - '0') * 10 + (iso[12] - '0');
    int64_t h = hh + offset_hours;
    if (h >= 24) day++;
    else if (h < 0) day--;
    return day;
}

static int is_working(const srv_regime *g, int64_t d) { return rt_weekday(d) < 5 && !rt_holidays_is(g->holidays, d); }

static int h_status(srv_req *r, srv_resp *o)
{
    srv_form_ref *fr = need_form(r, o);
    if (!fr) return 0;
    const rg_regime_desc *d = fr->reg->desc;
    const rg_form *f = &d->forms[fr->form];
    const char *ps = srv_arg(r, "period");
    int64_t p = ps ? rt_period_parse(f->frequency, ps, strlen(ps)) : -1;
    if (p < 0) {
        char m[256];
        snprintf(m, sizeof m, TR("give ?period=P, a %s period of form '%s'", "hãy cho ?period=KỲ, một kỳ %s của biểu '%s'"),
                 rt_freq_name(f->frequency), f->code);
        return bad_request(o, m);
    }
    char lab[16], dls[16], now[32], asof_s[16];
    rt_period_format(f->frequency, p, lab);
    srv_now(now);
    int64_t asof = local_day(now, 7);
    const char *asof_arg = srv_arg(r, "as_of");
    if (asof_arg && rt_date_parse(asof_arg, strlen(asof_arg), &asof))
        return bad_request(o, TR("as_of: give a date YYYY-MM-DD", "as_of: hãy cho ngày YYYY-MM-DD"));
    rt_date_format(asof, asof_s);
    /* ?tier=NAME: the units of a tier above the form's (a province's batch
     * of forwarded reports counts as arrived when its last one arrived) */
    int tier = f->unit_tier;
    const char *tn = srv_arg(r, "tier");
    if (tn) {
        tier = rt_regime_tier(fr->reg->rg, tn);
        if (tier < 0 || rt_units_count(fr->reg->units, tier) == 0)
            return bad_request(o, TR("tier: not a tier of the regime with units in the unit list",
                                     "tier: không phải cấp của chế độ có đơn vị trong danh sách"));
    }
    const rg_deadline *dl = NULL;
    for (uint32_t k = 0; k < d->n_deadlines; k++)
        if ((int)d->deadlines[k].tier == tier) dl = &d->deadlines[k];
    int64_t ws, we;
    if (rt_cutoff_window(d->cutoff, d->cutoff_day, f->frequency, p, &ws, &we)) we = ws = 0;
    int64_t due = dl ? rt_deadline(we, dl->days, (int)dl->working, fr->reg->holidays) : we;
    rt_date_format(due, dls);

    /* first arrival of an accepted report of each unit (a later correction
     * does not make an on-time report late) */
    srv_param prm[2] = {{f->code, (size_t)-1, 0}, {lab, (size_t)-1, 0}};
    srv_rows rows;
    rt_error err;
    if (srv_db_exec(r->s->db,
                    "SELECT unit, MIN(received) FROM submission WHERE form = $1 AND period = $2 AND status IN "
                    "('accepted', 'superseded') GROUP BY unit",
                    prm, 2, &rows, &err)) {
        o->status = 503;
        rt_buf_str(&o->body, err.msg);
        return 0;
    }
    rt_strmap arrived;
    rt_strmap_init(&arrived, rows.n_rows * 2 + 4);
    const rt_units *u = fr->reg->units;
    if (tier == f->unit_tier) {
        for (uint32_t i = 0; i < rows.n_rows; i++)
            rt_strmap_put(&arrived, srv_cell(&rows, i, 0), (uint32_t)strlen(srv_cell(&rows, i, 0)), i);
    } else {
        /* the latest of the first arrivals below each unit of the tier */
        for (uint32_t i = 0; i < rows.n_rows; i++) {
            const char *code = srv_cell(&rows, i, 0);
            int32_t g = rt_units_find(u, f->unit_tier, code, strlen(code));
            while (g >= 0 && rt_units_tier(u, (uint32_t)g) != tier) g = rt_units_parent(u, (uint32_t)g);
            if (g < 0) continue;
            const char *up = rt_units_code(u, (uint32_t)g);
            uint32_t prev;
            if (rt_strmap_get(&arrived, up, (uint32_t)strlen(up), &prev)) {
                if (strcmp(srv_cell(&rows, i, 1), srv_cell(&rows, prev, 1)) > 0)
                    for (uint32_t sl = 0; sl < arrived.cap; sl++)
                        if (arrived.slots[sl].key && arrived.slots[sl].val == prev &&
                            !strcmp(arrived.slots[sl].key, up))
                            arrived.slots[sl].val = i;
            } else {
                rt_strmap_put(&arrived, up, (uint32_t)strlen(up), i);
            }
        }
    }

    const char *fmt = srv_arg(r, "format");
    int csv = fmt && !strcmp(fmt, "csv"), json = fmt && !strcmp(fmt, "json");
    rt_buf *b = &o->body;
    if (csv) rt_buf_str(b, "period,unit_code,unit_name,status,deadline,received,working_days_late\n");
    else if (json) {
        rt_buf_str(b, "{\"regime\":");
        rt_buf_json(b, d->name, strlen(d->name));
        rt_buf_printf(b, ",\"form\":\"%s\",\"as_of\":\"%s\",\"periods\":[\n{\"period\":\"%s\",\"deadline\":\"%s\",\"units\":[",
                      f->code, asof_s, lab, dls);
    }
    const uint32_t *sorted = rt_units_sorted(u, tier);
    uint32_t nu = rt_units_count(u, tier), n_on = 0, n_late = 0, n_miss = 0, shown = 0;
    const char *root = scope_of(r);
    for (uint32_t k = 0; k < nu; k++) {
        uint32_t g = sorted[k];
        const char *code = rt_units_code(u, g), *name = rt_units_name(u, g);
        if (!srv_unit_within(fr->reg, code, root)) continue;
        uint32_t ix;
        const char *st = "missing", *recv = "";
        int64_t late = -1;
        if (rt_strmap_get(&arrived, code, (uint32_t)strlen(code), &ix)) {
            recv = srv_cell(&rows, ix, 1);
            int64_t day = local_day(recv, 7);
            late = 0;
            for (int64_t x = due + 1; x <= day; x++) late += is_working(fr->reg, x);
            st = day <= due ? "on_time" : "late";
            if (day <= due) late = 0;
        }
        if (!strcmp(st, "on_time")) n_on++;
        else if (!strcmp(st, "late")) n_late++;
        else n_miss++;
        if (csv) {
            rt_buf_printf(b, "%s,", lab);
            rt_buf_csv(b, code, strlen(code));
            rt_buf_ch(b, ',');
            rt_buf_csv(b, name, strlen(name));
            rt_buf_printf(b, ",%s,%s,%s,", st, dls, recv);
            if (late >= 0) rt_buf_printf(b, "%lld", (long long)late);
            rt_buf_ch(b, '\n');
        } else if (json) {
            rt_buf_str(b, shown ? ",{\"unit\":" : "{\"unit\":");
            rt_buf_json(b, code, strlen(code));
            rt_buf_printf(b, ",\"status\":\"%s\",\"received\":", st);
            if (*recv) rt_buf_json(b, recv, strlen(recv));
            else rt_buf_str(b, "null");
            rt_buf_printf(b, ",\"working_days_late\":%lld}", (long long)(late > 0 ? late : 0));
        } else if (strcmp(st, "on_time")) {
            rt_buf_printf(b, "%s  %-8s %s %s", lab, !strcmp(st, "late") ? TR("late", "trễ hạn") : TR("missing", "chưa nộp"),
                          code, name);
            if (late > 0)
                rt_buf_printf(b, TR(" (received %s, %lld working day(s) after the deadline %s)\n",
                                    " (nhận %s, trễ %lld ngày làm việc so với hạn %s)\n"),
                              recv, (long long)late, dls);
            else
                rt_buf_printf(b, TR(" (deadline %s)\n", " (hạn %s)\n"), dls);
        }
        shown++;
    }
    if (json)
        rt_buf_printf(b, "],\"on_time\":%u,\"late\":%u,\"missing\":%u}\n]}\n", n_on, n_late, n_miss);
    else if (!csv)
        rt_buf_printf(b, TR("%s: %u on time, %u late, %u missing (deadline %s, as of %s)\n",
                            "%s: %u đúng hạn, %u trễ hạn, %u chưa nộp (hạn %s, tính đến %s)\n"),
                      lab, n_on, n_late, n_miss, dls, asof_s);
    rt_strmap_free(&arrived);
    srv_rows_free(&rows);
    o->status = 200;
    o->ctype = json ? "application/json" : csv ? "text/csv; charset=utf-8" : "text/plain; charset=utf-8";
    return 0;
}

const srv_route srv_routes_api[] = {
    {"GET", "/api/submissions", SRV_AUTH_SUPERVISOR, h_list},
    {"GET", "/api/submissions/", SRV_AUTH_SUPERVISOR, h_one},
    {"GET", "/api/export", SRV_AUTH_SUPERVISOR, h_export},
    {"GET", "/api/rollup", SRV_AUTH_SUPERVISOR, h_rollup},
    {"GET", "/api/status", SRV_AUTH_SUPERVISOR, h_status},
    {NULL, NULL, 0, NULL},
};
