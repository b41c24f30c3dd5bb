/*
 * report.c — violations as text, CSV or JSON.
 *
 * Workers format the bulk of each entry (values, localized message) in
 * parallel; the in-order commit only prepends the row and line numbers,
 * which depend on every block before. Entries are framed in the worker's
 * buffer as [u32 row][u32 line][u32 length][bytes].
 */
#include <stdlib.h>

#include "ext.h"

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

void rt_report_begin(rt_report *r)
{
    const rg_form *f = r->form;
    rt_buf b = {0};
    r->n_written = 0;
    if (r->fmt == RT_FMT_CSV) {
        if (r->multi_file) rt_buf_str(&b, "file,");
        rt_buf_str(&b, "row_number");
        if (f->unit_field >= 0) {
            rt_buf_ch(&b, ',');
            rt_buf_str(&b, f->fields[f->unit_field].code);
        }
        if (f->period_field >= 0) {
            rt_buf_ch(&b, ',');
            rt_buf_str(&b, f->fields[f->period_field].code);
        }
        for (uint32_t d = 0; d < f->n_dims; d++) {
            rt_buf_ch(&b, ',');
            rt_buf_str(&b, f->fields[f->dims[d]].code);
        }
        if (r->computed) {
            for (uint32_t k = 0; k < f->n_fields; k++)
                if (f->fields[k].flags & RG_FIELD_COMPUTED) {
                    rt_buf_ch(&b, ',');
                    rt_buf_str(&b, f->fields[k].code);
                }
            rt_buf_ch(&b, '\n');
        } else {
            rt_buf_str(&b, r->results ? ",ruleid,bool_var,imbalance,errorcode,errorlevel,severity,message,values\n"
                                      : ",rule,severity\n");
        }
    } else if (r->fmt == RT_FMT_JSON) {
        rt_buf_str(&b, "{\"regime\":");
        rt_buf_json(&b, r->desc->name, strlen(r->desc->name));
        rt_buf_str(&b, ",\"version\":");
        const char *v = r->desc->version ? r->desc->version : "";
        rt_buf_json(&b, v, strlen(v));
        rt_buf_str(&b, ",\"form\":");
        rt_buf_json(&b, f->code, strlen(f->code));
        rt_buf_str(&b, r->results ? ",\"results\":[" : ",\"violations\":[");
    }
    rt_out_put(r->out, b.p, b.n);
    rt_buf_free(&b);
}

/* Data shown in a text report: control characters (C0, DEL, C1) are
 * written as \xNN (C1 as \u0080..\u009f), so that a value holding a
 * terminal escape (ESC ] 0; ... sets the window title, ESC [ 2J clears the
 * screen) never reaches the terminal raw. */
void rt_buf_text(rt_buf *b, const char *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t i = 0, run = 0;
    while (i < n) {
        unsigned char c = (unsigned char)p[i];
        int c1 = c == 0xC2 && i + 1 < n && (unsigned char)p[i + 1] >= 0x80 && (unsigned char)p[i + 1] <= 0x9F;
        if (c >= 0x20 && c != 0x7F && !c1) {
            i++;
            run++;
            continue;
        }
        rt_buf_put(b, p + i - run, run);
        run = 0;
        if (c1) {
            unsigned char d = (unsigned char)p[i + 1];
            char t[7] = {'\\', 'u', '0', '0', hex[d >> 4], hex[d & 15], 0};
            rt_buf_str(b, t);
            i += 2;
        } else {
            char t[5] = {'\\', 'x', hex[c >> 4], hex[c & 15], 0};
            rt_buf_str(b, t);
            i++;
        }
    }
    rt_buf_put(b, p + i - run, run);
}

/* A raw value quoted in a message: one longer than RT_VALUE_SHOWN bytes (a
 * megabyte field, an unbalanced quote that swallowed lines) is shown by its
 * start and its end, cut on UTF-8 boundaries, so that the message stays a
 * readable line. The CSV report and the JSON keys keep values whole. */
#define RT_VALUE_SHOWN 200
static void put_value(rt_buf *b, const char *p, size_t n)
{
    if (n <= RT_VALUE_SHOWN) {
        rt_buf_text(b, p, n);
        return;
    }
    size_t h = 96, t = n - 32;
    while (h > 0 && ((unsigned char)p[h] & 0xC0) == 0x80) h--;
    while (t < n && ((unsigned char)p[t] & 0xC0) == 0x80) t++;
    rt_buf_text(b, p, h);
    rt_buf_printf(b, TR("...(%zu bytes)...", "...(%zu byte)..."), n);
    rt_buf_text(b, p + t, n - t);
}

/* The message of rule `rule` for this row: {field} becomes the row's raw
 * value of that field; unknown placeholders stay as written. */
static void message(const rt_report *r, rt_buf *b, const rt_row *row, uint32_t rule)
{
    const rg_form *f = r->form;
    const rg_rule *ru = &f->rules[rule];
    const char *m = rt_texts_pick(&ru->message);
    if (!*m) m = ru->source ? ru->source : ru->code;
    while (*m) {
        const char *open = strchr(m, '{');
        if (!open) {
            rt_buf_str(b, m);
            break;
        }
        rt_buf_put(b, m, (size_t)(open - m));
        const char *close = strchr(open, '}');
        if (!close) {
            rt_buf_str(b, open);
            break;
        }
        size_t n = (size_t)(close - open - 1);
        if (rt_placeholder(r->desc, f, row, rule, open + 1, n, b)) { /* values the kernels computed */
            m = close + 1;
            continue;
        }
        uint32_t k;
        for (k = 0; k < f->n_fields; k++)
            if (strlen(f->fields[k].code) == n && !memcmp(f->fields[k].code, open + 1, n)) break;
        if (k < f->n_fields) {
            if (row->raw[k].n) put_value(b, row->raw[k].p, row->raw[k].n);
            else rt_buf_str(b, TR("(empty)", "(trống)"));
        } else {
            rt_buf_put(b, open, (size_t)(close - open + 1));
        }
        m = close + 1;
    }
    if (ru->flags & RG_RULE_WELL_FORMED) {
        /* Say which values could not be read: the rule alone cannot. */
        int first = 1;
        for (uint32_t k = 0; k < f->n_fields; k++) {
            if (!row->malformed[k]) continue;
            rt_buf_str(b, first ? " [" : ", ");
            first = 0;
            rt_buf_str(b, f->fields[k].code);
            rt_buf_str(b, "=\"");
            put_value(b, row->raw[k].p, row->raw[k].n);
            rt_buf_ch(b, '"');
        }
        if (!first) rt_buf_ch(b, ']');
        /* A row whose values are the column names: two files joined */
        uint32_t same = 0, other = 0;
        for (uint32_t k = 0; k < f->n_fields; k++) {
            if (!row->raw[k].n) continue;
            if (row->raw[k].n == strlen(f->fields[k].code) && !memcmp(row->raw[k].p, f->fields[k].code, row->raw[k].n))
                same++;
            else
                other++;
        }
        if (same >= 2 && !other)
            rt_buf_str(b, TR(" (the row repeats the header line: were two files joined?)",
                             " (dòng này lặp lại dòng tiêu đề: có phải hai tệp đã bị nối vào nhau?)"));
        if (row->bad_width)
            rt_buf_str(b, TR(" (the row has the wrong number of fields)",
                             " (dòng có số trường sai)"));
    }
}

static void entry_begin(rt_buf *b, const rt_row *row, size_t *at)
{
    uint32_t hdr[3] = {row->rel_row, row->rel_line, 0};
    *at = b->n;
    rt_buf_put(b, hdr, sizeof hdr);
}

static void entry_end(rt_buf *b, size_t at)
{
    uint32_t n = (uint32_t)(b->n - at - 12);
    memcpy(b->p + at + 8, &n, 4);
}

static void keys_text(const rt_report *r, rt_buf *b, const rt_row *row)
{
    const rg_form *f = r->form;
    int first = 1;
    int32_t keys[2] = {f->unit_field, f->period_field};
    rt_buf_str(b, " (");
    for (uint32_t i = 0; i < 2 + f->n_dims; i++) {
        int32_t k = i < 2 ? keys[i] : f->dims[i - 2];
        if (k < 0) continue;
        if (!first) rt_buf_str(b, ", ");
        first = 0;
        rt_buf_str(b, f->fields[k].code);
        rt_buf_ch(b, ' ');
        if (row->raw[k].n) put_value(b, row->raw[k].p, row->raw[k].n);
        else rt_buf_str(b, TR("(empty)", "(trống)"));
    }
    rt_buf_str(b, "):");
}

/* The values the rule read, as typed: `field=value, ...` (text) or a JSON
 * object (JSON, and the CSV's `values` column). */
static void rule_values(const rt_report *r, rt_buf *b, const rt_row *row, uint32_t rule, int json)
{
    const rg_form *f = r->form;
    const rg_rule *ru = &f->rules[rule];
    if (json) rt_buf_ch(b, '{');
    for (uint32_t i = 0; i < ru->n_fields; i++) {
        int32_t k = ru->fields[i];
        if (k < 0 || (uint32_t)k >= f->n_fields) continue;
        const char *c = f->fields[k].code;
        if (i) rt_buf_str(b, json ? "," : ", ");
        if (json) {
            rt_buf_json(b, c, strlen(c));
            rt_buf_ch(b, ':');
            if (row->raw[k].n) rt_buf_json(b, row->raw[k].p, row->raw[k].n);
            else rt_buf_str(b, "null");
        } else {
            rt_buf_str(b, c);
            rt_buf_ch(b, '=');
            if (row->raw[k].n) put_value(b, row->raw[k].p, row->raw[k].n);
            else rt_buf_str(b, TR("(empty)", "(trống)"));
        }
    }
    if (json) rt_buf_ch(b, '}');
}

static int is_number(const rt_buf *s)
{
    if (!s->n) return 0;
    for (size_t i = 0; i < s->n; i++)
        if (!((s->p[i] >= '0' && s->p[i] <= '9') || s->p[i] == '.' || (s->p[i] == '-' && i == 0))) return 0;
    return 1;
}

static void key_columns(const rt_report *r, rt_buf *b, const rt_row *row)
{
    const rg_form *f = r->form;
    if (f->unit_field >= 0) {
        rt_buf_ch(b, ',');
        rt_buf_csv(b, row->raw[f->unit_field].p, row->raw[f->unit_field].n);
    }
    if (f->period_field >= 0) {
        rt_buf_ch(b, ',');
        rt_buf_csv(b, row->raw[f->period_field].p, row->raw[f->period_field].n);
    }
    for (uint32_t d = 0; d < f->n_dims; d++) {
        rt_buf_ch(b, ',');
        rt_buf_csv(b, row->raw[f->dims[d]].p, row->raw[f->dims[d]].n);
    }
}

static void key_json(const rt_report *r, rt_buf *b, const rt_row *row)
{
    const rg_form *f = r->form;
    int32_t keys[2] = {f->unit_field, f->period_field};
    for (int k = 0; k < 2; k++) {
        if (keys[k] < 0) continue;
        rt_buf_ch(b, ',');
        rt_buf_json(b, f->fields[keys[k]].code, strlen(f->fields[keys[k]].code));
        rt_buf_ch(b, ':');
        rt_buf_json(b, row->raw[keys[k]].p, row->raw[keys[k]].n);
    }
    rt_buf_str(b, ",\"dims\":{");
    for (uint32_t d = 0; d < f->n_dims; d++) {
        const char *dc = f->fields[f->dims[d]].code;
        if (d) rt_buf_ch(b, ',');
        rt_buf_json(b, dc, strlen(dc));
        rt_buf_ch(b, ':');
        rt_buf_json(b, row->raw[f->dims[d]].p, row->raw[f->dims[d]].n);
    }
    rt_buf_ch(b, '}');
}

/* One result of `--results invalid|all` (VTL's check_datapoint): the
 * verdict, the imbalance, and for a rule that fails its errorcode,
 * errorlevel and message. A row fails a rule exactly when the validate
 * kernel says so (the counts of the summary); otherwise the message
 * kernel's verdict tells true from null (not evaluated: a missing value, a
 * row that overflowed, a children() rule on a row with no children). */
static void result_entry(const rt_report *r, rt_buf *b, const rt_row *row, uint32_t rule, int fails)
{
    const rg_form *f = r->form;
    const rg_rule *ru = &f->rules[rule];
    rt_buf imb = {0};
    int v = rt_rule_result(r->desc, f, row, rule, &imb);
    if (fails) v = 0;
    else if (v == 0 || row->overflow) v = -1;
    const char *bv = v > 0 ? "true" : v == 0 ? "false" : "null";
    const char *ec = v == 0 && ru->errorcode ? ru->errorcode : NULL;
    int32_t el = v == 0 ? ru->errorlevel : -1;
    size_t at;
    entry_begin(b, row, &at);
    switch (r->fmt) {
    case RT_FMT_CSV: {
        key_columns(r, b, row);
        rt_buf_ch(b, ',');
        rt_buf_csv(b, ru->code, strlen(ru->code));
        rt_buf_printf(b, ",%s,", v < 0 ? "" : bv);
        if (imb.n) rt_buf_put(b, imb.p, imb.n);
        rt_buf_ch(b, ',');
        if (ec) rt_buf_csv(b, ec, strlen(ec));
        rt_buf_ch(b, ',');
        if (el >= 0) rt_buf_printf(b, "%d", (int)el);
        rt_buf_ch(b, ',');
        rt_buf_str(b, sev_code(ru->severity));
        rt_buf_ch(b, ',');
        rt_buf tmp = {0};
        if (v == 0) message(r, &tmp, row, rule);
        rt_buf_csv(b, tmp.p ? tmp.p : "", tmp.n);
        tmp.n = 0;
        rt_buf_ch(b, ',');
        rule_values(r, &tmp, row, rule, 1);
        rt_buf_csv(b, tmp.p, tmp.n);
        rt_buf_free(&tmp);
        rt_buf_ch(b, '\n');
        break;
    }
    case RT_FMT_TEXT:
        keys_text(r, b, row);
        rt_buf_ch(b, ' ');
        rt_buf_str(b, ru->code);
        rt_buf_ch(b, ' ');
        rt_buf_str(b, bv);
        if (imb.n) {
            rt_buf_str(b, TR(", imbalance ", ", chênh lệch "));
            rt_buf_put(b, imb.p, imb.n);
        }
        if (ec) {
            rt_buf_str(b, ", errorcode ");
            rt_buf_str(b, ec);
        }
        if (el >= 0) rt_buf_printf(b, ", errorlevel %d", (int)el);
        if (v == 0) {
            rt_buf_ch(b, ' ');
            rt_buf_str(b, sev_word(ru->severity));
        }
        rt_buf_str(b, " [");
        rule_values(r, b, row, rule, 0);
        rt_buf_ch(b, ']');
        if (v == 0) {
            rt_buf_str(b, ": ");
            message(r, b, row, rule);
        }
        rt_buf_ch(b, '\n');
        break;
    case RT_FMT_JSON: {
        key_json(r, b, row);
        rt_buf_str(b, ",\"ruleid\":");
        rt_buf_json(b, ru->code, strlen(ru->code));
        rt_buf_printf(b, ",\"bool_var\":%s,\"imbalance\":", bv);
        if (!imb.n) rt_buf_str(b, "null");
        else if (is_number(&imb)) rt_buf_put(b, imb.p, imb.n);
        else rt_buf_json(b, imb.p, imb.n);
        rt_buf_str(b, ",\"errorcode\":");
        if (ec) rt_buf_json(b, ec, strlen(ec));
        else rt_buf_str(b, "null");
        if (el >= 0) rt_buf_printf(b, ",\"errorlevel\":%d", (int)el);
        else rt_buf_str(b, ",\"errorlevel\":null");
        rt_buf_str(b, ",\"severity\":\"");
        rt_buf_str(b, sev_code(ru->severity));
        rt_buf_str(b, "\",\"message\":");
        if (v == 0) {
            rt_buf tmp = {0};
            message(r, &tmp, row, rule);
            rt_buf_json(b, tmp.p ? tmp.p : "", tmp.n);
            rt_buf_free(&tmp);
        } else {
            rt_buf_str(b, "null");
        }
        rt_buf_str(b, ",\"values\":");
        rule_values(r, b, row, rule, 1);
        rt_buf_ch(b, '}');
        break;
    }
    }
    entry_end(b, at);
    rt_buf_free(&imb);
}

/* `regrt compute`: the row's keys and each computed field as the kernel
 * computed it, formatted by its type and scale (empty: not computable). */
static void computed_entry(const rt_report *r, rt_buf *b, const rt_row *row)
{
    const rg_form *f = r->form;
    size_t at;
    entry_begin(b, row, &at);
    key_columns(r, b, row);
    for (uint32_t k = 0; k < f->n_fields; k++) {
        if (!(f->fields[k].flags & RG_FIELD_COMPUTED)) continue;
        rt_buf_ch(b, ',');
        const rg_column *c = row->batch ? &row->batch->cols[k] : NULL;
        if (!c || row->overflow || !(c->present[row->index >> 6] >> (row->index & 63) & 1)) continue;
        rt_buf v = {0};
        rt_value_text(r->desc, f, (int)k, c->v[row->index], &v);
        rt_buf_csv(b, v.p ? v.p : "", v.n);
        rt_buf_free(&v);
    }
    rt_buf_ch(b, '\n');
    entry_end(b, at);
}

void rt_report_row(const rt_report *r, rt_buf *b, const rt_row *row)
{
    if (r->computed) {
        computed_entry(r, b, row);
        return;
    }
    if (r->results) {
        const rg_form *f = r->form;
        uint32_t i = 0;
        for (uint32_t rule = 0; rule < f->n_rules; rule++) {
            int fails = i < row->n_rules && row->rules[i] == rule;
            if (fails) i++;
            if (!fails && row->not_rep && (f->rules[rule].flags & RG_RULE_PER_UNIT)) continue;
            if (fails || (r->results == RT_RESULTS_ALL && (!r->rule_on || r->rule_on[rule])))
                result_entry(r, b, row, rule, fails);
        }
        if (!row->overflow) return;
        /* the overflow, as in the errors.csv layout */
        rt_row o = *row;
        o.n_rules = 0;
        rt_report ro = *r;
        ro.results = 0;
        if (r->fmt == RT_FMT_CSV) { /* same columns: an OVERFLOW result */
            size_t at;
            entry_begin(b, row, &at);
            key_columns(r, b, row);
            rt_buf_str(b, ",OVERFLOW,false,,,,error,");
            const char *m = TR("a sum exceeds the 64-bit range; the row is left out",
                               "một tổng vượt quá phạm vi 64 bit; dòng bị loại");
            rt_buf_csv(b, m, strlen(m));
            rt_buf_str(b, ",{}\n");
            entry_end(b, at);
            return;
        }
        rt_report_row(&ro, b, &o);
        return;
    }
    const rg_form *f = r->form;
    size_t at;
    uint32_t n = row->n_rules + (row->overflow ? 1u : 0u);
    for (uint32_t i = 0; i < n; i++) {
        int ovf = i == row->n_rules;
        uint32_t rule = ovf ? 0 : row->rules[i];
        const char *code = ovf ? "OVERFLOW" : f->rules[rule].code;
        uint32_t sev = ovf ? RG_SEV_ERROR : f->rules[rule].severity;
        entry_begin(b, row, &at);
        switch (r->fmt) {
        case RT_FMT_CSV:
            key_columns(r, b, row);
            rt_buf_ch(b, ',');
            rt_buf_str(b, code);
            rt_buf_ch(b, ',');
            rt_buf_str(b, sev_code(sev));
            rt_buf_ch(b, '\n');
            break;
        case RT_FMT_TEXT:
            keys_text(r, b, row);
            rt_buf_ch(b, ' ');
            rt_buf_str(b, sev_word(sev));
            rt_buf_ch(b, ' ');
            rt_buf_str(b, code);
            rt_buf_str(b, ": ");
            if (ovf) rt_buf_str(b, TR("a sum exceeds the 64-bit range; the row is left out",
                                      "một tổng vượt quá phạm vi 64 bit; dòng bị loại"));
            else message(r, b, row, rule);
            rt_buf_ch(b, '\n');
            break;
        case RT_FMT_JSON: {
            key_json(r, b, row);
            rt_buf_str(b, ",\"rule\":");
            rt_buf_json(b, code, strlen(code));
            rt_buf_str(b, ",\"severity\":\"");
            rt_buf_str(b, sev_code(sev));
            rt_buf_str(b, "\",\"message\":");
            rt_buf tmp = {0};
            if (ovf) rt_buf_str(&tmp, TR("a sum exceeds the 64-bit range; the row is left out",
                                         "một tổng vượt quá phạm vi 64 bit; dòng bị loại"));
            else message(r, &tmp, row, rule);
            rt_buf_json(b, tmp.p ? tmp.p : "", tmp.n);
            rt_buf_free(&tmp);
            rt_buf_str(b, "}");
            break;
        }
        }
        entry_end(b, at);
    }
}

void rt_report_commit(rt_report *r, const char *p, size_t n, uint64_t base_row, uint64_t base_line)
{
    const char *end = p + n;
    char num[24];
    while (p < end) {
        uint32_t hdr[3];
        memcpy(hdr, p, sizeof hdr);
        p += sizeof hdr;
        uint64_t row = base_row + hdr[0], line = base_line + hdr[1];
        char *d;
        rt_buf pre = {0};
        switch (r->fmt) {
        case RT_FMT_CSV:
            if (r->multi_file) {
                rt_buf_csv(&pre, r->file, strlen(r->file));
                rt_buf_ch(&pre, ',');
                rt_out_put(r->out, pre.p, pre.n);
            }
            d = rt_u64_digits(row, num + 24);
            rt_out_put(r->out, d, (size_t)(num + 24 - d));
            break;
        case RT_FMT_TEXT:
            rt_buf_text(&pre, r->file, strlen(r->file));
            rt_buf_printf(&pre, TR(":%llu: row %llu", ":%llu: dòng %llu"), (unsigned long long)line,
                          (unsigned long long)row);
            rt_out_put(r->out, pre.p, pre.n);
            break;
        case RT_FMT_JSON:
            rt_buf_str(&pre, r->n_written ? ",\n{\"file\":" : "\n{\"file\":");
            rt_buf_json(&pre, r->file, strlen(r->file));
            rt_buf_printf(&pre, ",\"row\":%llu,\"line\":%llu", (unsigned long long)row,
                          (unsigned long long)line);
            rt_out_put(r->out, pre.p, pre.n);
            break;
        }
        rt_buf_free(&pre);
        rt_out_put(r->out, p, hdr[2]);
        r->n_written++;
        p += hdr[2];
    }
}

char *rt_batch_message(const rg_regime_desc *d, const rg_form *f, const rg_batch *b, uint32_t row, uint32_t rule,
                       const char *const *raw, const uint32_t *raw_len)
{
    if (!d || !f || !b || row >= b->n_rows || rule >= f->n_rules) return NULL;
    static char nul[1];
    rt_span *spans = rt_xcalloc(f->n_fields ? f->n_fields : 1, sizeof *spans);
    uint8_t *mal = rt_xcalloc(f->n_fields ? f->n_fields : 1, 1);
    for (uint32_t k = 0; k < f->n_fields; k++) {
        spans[k].p = raw && raw[k] ? (char *)(uintptr_t)raw[k] : nul;
        spans[k].n = raw && raw[k] && raw_len ? raw_len[k] : 0;
        const uint64_t *m = b->cols[k].malformed;
        mal[k] = m && (m[row >> 6] >> (row & 63) & 1);
    }
    uint16_t r16 = (uint16_t)rule;
    rt_row rw = {.rel_row = row + 1, .raw = spans, .malformed = mal, .n_rules = 1, .rules = &r16,
                 .batch = b, .index = row, .children = b->children};
    rt_report rep = {.fmt = RT_FMT_TEXT, .desc = d, .form = f};
    rt_buf out = {0};
    message(&rep, &out, &rw, rule);
    rt_buf_ch(&out, 0);
    free(spans);
    free(mal);
    return out.p;
}
