/*
 * calendar.c — cut-off windows, holidays and deadlines.
 *
 * Holidays are data (a CSV date,name_vi,name_en), never code: Vietnamese
 * public holidays follow the lunar calendar and are decided each year.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "rt.h"

struct rt_holidays {
    size_t n;
    int64_t *day; /* sorted, unique */
    char **vi, **en;
    size_t n_work;
    int64_t *work; /* Saturdays or Sundays worked to make up a swapped day, sorted */
};

rt_holidays *rt_holidays_none(void) { return rt_xcalloc(1, sizeof(rt_holidays)); }

void rt_holidays_free(rt_holidays *h)
{
    if (!h) return;
    for (size_t i = 0; i < h->n; i++) {
        free(h->vi[i]);
        free(h->en[i]);
    }
    free(h->day);
    free(h->vi);
    free(h->en);
    free(h->work);
    free(h);
}

size_t rt_holidays_count(const rt_holidays *h) { return h ? h->n : 0; }

static long find_day(const rt_holidays *h, int64_t day)
{
    size_t lo = 0, hi = h ? h->n : 0;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (h->day[mid] < day) lo = mid + 1;
        else hi = mid;
    }
    return h && lo < h->n && h->day[lo] == day ? (long)lo : -1;
}

int rt_holidays_is(const rt_holidays *h, int64_t day) { return find_day(h, day) >= 0; }

const char *rt_holidays_name(const rt_holidays *h, int64_t day)
{
    long i = find_day(h, day);
    if (i < 0) return NULL;
    return rt_cur_lang == RT_LANG_VI && h->vi[i][0] ? h->vi[i] : h->en[i];
}

/* Reads a CSV whose first column named `date` holds YYYY-MM-DD days; names
 * (name_vi, name_en) are kept when `names` is set. Days come back sorted and
 * unique. */
static int read_days(const char *path, int names, rt_holidays *h, int64_t **days, size_t *count,
                     rt_error *err)
{
    rt_csv *c = rt_csv_open(path, err);
    if (!c) return -1;
    size_t cap = 0, n = 0;
    int64_t *d = NULL;
    int col_date = -1, col_vi = -1, col_en = -1, r;
    if ((r = rt_csv_next(c, err)) <= 0) {
        if (r == 0)
            rt_err(err, 2, TR("%s: empty file; expected a header date,name_vi,name_en",
                              "%s: tệp rỗng; cần dòng tiêu đề date,name_vi,name_en"),
                   path);
        goto fail;
    }
    for (uint32_t i = 0; i < rt_csv_nfields(c); i++) {
        const char *f = rt_csv_field(c, i, NULL);
        if (!strcmp(f, "date")) col_date = (int)i;
        else if (!strcmp(f, "name_vi")) col_vi = (int)i;
        else if (!strcmp(f, "name_en")) col_en = (int)i;
    }
    if (col_date < 0) {
        rt_err(err, 2, TR("%s:1: no 'date' column; expected a header date,name_vi,name_en",
                          "%s:1: không có cột 'date'; cần dòng tiêu đề date,name_vi,name_en"),
               path);
        goto fail;
    }
    while ((r = rt_csv_next(c, err)) > 0) {
        uint32_t len;
        const char *ds = rt_csv_field(c, (uint32_t)col_date, &len);
        int64_t day;
        if (rt_date_parse(ds, len, &day)) {
            rt_err(err, 2, TR("%s:%llu: '%s' is not a date; write YYYY-MM-DD",
                              "%s:%llu: '%s' không phải ngày; hãy viết YYYY-MM-DD"),
                   path, (unsigned long long)rt_csv_line(c), ds);
            goto fail;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            d = rt_xrealloc(d, cap * sizeof *d);
            if (names) {
                h->vi = rt_xrealloc(h->vi, cap * sizeof *h->vi);
                h->en = rt_xrealloc(h->en, cap * sizeof *h->en);
            }
        }
        d[n] = day;
        if (names) {
            const char *vi = col_vi >= 0 ? rt_csv_field(c, (uint32_t)col_vi, NULL) : "";
            const char *en = col_en >= 0 ? rt_csv_field(c, (uint32_t)col_en, NULL) : "";
            if (!en[0]) en = vi;
            h->vi[n] = rt_xstrndup(vi, strlen(vi));
            h->en[n] = rt_xstrndup(en, strlen(en));
        }
        n++;
        if (names) h->n = n; /* keeps the names owned if we fail below */
    }
    if (r < 0) goto fail;
    rt_csv_close(c);
    /* Insertion sort (files are small and usually sorted), then drop repeats:
     * a day is a holiday or not. */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && d[j - 1] > d[j]; j--) {
            int64_t t = d[j];
            d[j] = d[j - 1];
            d[j - 1] = t;
            if (names) {
                char *x = h->vi[j];
                h->vi[j] = h->vi[j - 1];
                h->vi[j - 1] = x;
                x = h->en[j];
                h->en[j] = h->en[j - 1];
                h->en[j - 1] = x;
            }
        }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m && d[m - 1] == d[i]) {
            if (names) {
                free(h->vi[i]);
                free(h->en[i]);
            }
            continue;
        }
        d[m] = d[i];
        if (names) {
            h->vi[m] = h->vi[i];
            h->en[m] = h->en[i];
        }
        m++;
    }
    if (names) h->n = m;
    *days = d;
    *count = m;
    return 0;
fail:
    rt_csv_close(c);
    if (names) h->day = d; /* freed with h */
    else free(d);
    return -1;
}

rt_holidays *rt_holidays_load(const char *path, rt_error *err)
{
    rt_holidays *h = rt_holidays_none();
    if (read_days(path, 1, h, &h->day, &h->n, err)) {
        rt_holidays_free(h);
        return NULL;
    }
    /* Days worked to make up a swapped day off sit beside the holidays:
     * X_holidays*.csv -> X_makeup_workdays*.csv. */
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *hol = strstr(base, "holidays");
    if (hol) {
        size_t pre = (size_t)(hol - path), post = strlen(hol + 8);
        char *mk = rt_xmalloc(pre + 16 + post + 1);
        memcpy(mk, path, pre);
        memcpy(mk + pre, "makeup_workdays", 15);
        memcpy(mk + pre + 15, hol + 8, post + 1);
        if (access(mk, R_OK) == 0 && read_days(mk, 0, NULL, &h->work, &h->n_work, err)) {
            free(mk);
            rt_holidays_free(h);
            return NULL;
        }
        free(mk);
    }
    return h;
}

static int is_workday(const rt_holidays *h, int64_t d)
{
    if (h && h->n_work) {
        size_t lo = 0, hi = h->n_work;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (h->work[mid] < d) lo = mid + 1;
            else hi = mid;
        }
        if (lo < h->n_work && h->work[lo] == d) return 1;
    }
    return rt_weekday(d) < 5 && !rt_holidays_is(h, d);
}

static int64_t month_day(int64_t mo, int d)
{
    int64_t y = mo >= 0 ? mo / 12 : (mo - 11) / 12;
    return rt_days_from_civil((int)y, (int)(mo - y * 12) + 1, d);
}

int rt_cutoff_window(uint32_t kind, int32_t day, uint32_t freq, int64_t p, int64_t *start,
                     int64_t *end)
{
    int64_t f, l;
    if (rt_period_months(freq, p, &f, &l)) return -1;
    switch (kind) {
    case RG_CUTOFF_CALENDAR:
        *start = month_day(f, 1);
        *end = month_day(l + 1, 1) - 1;
        return 0;
    case RG_CUTOFF_DECREE09:
        day = 15;
        /* fall through */
    case RG_CUTOFF_DAY:
        if (day < 1 || day > 28) return -1;
        *start = month_day(f - 1, day);
        *end = month_day(l, day) - 1;
        return 0;
    default:
        return -1;
    }
}

int64_t rt_deadline(int64_t after, int32_t days, int working, const rt_holidays *h)
{
    if (!working) return after + days;
    int64_t d = after;
    for (int32_t n = 0; n < days;) {
        d++;
        if (is_workday(h, d)) n++;
    }
    return d;
}

/* The years a holiday file covers: from the year of its first day to the
 * year of its last one (a year with no day listed inside that span would be
 * a gap in the file, not a year without holidays: Vietnam has several every
 * year). No calendar (no days): no range, and nothing is checked. */
int rt_holidays_range(const rt_holidays *h, int *y0, int *y1)
{
    if (!h || !h->n) return -1;
    char t[16];
    rt_date_format(h->day[0], t);
    *y0 = atoi(t);
    rt_date_format(h->day[h->n - 1], t);
    *y1 = atoi(t);
    return 0;
}

int rt_deadline_for(const rt_opts *o, const rt_holidays *h, const char *hpath, int64_t after,
                    const rg_deadline *dl, const char *tier, const char *period, int64_t *due, rt_error *err)
{
    *due = rt_deadline(after, dl->days, (int)dl->working, h);
    int y0, y1;
    if (!dl->working || rt_holidays_range(h, &y0, &y1)) return 0;
    char t[16];
    int64_t lo, hi;
    snprintf(t, sizeof t, "%04d-01-01", y0);
    rt_date_parse(t, 10, &lo);
    snprintf(t, sizeof t, "%04d-12-31", y1);
    rt_date_parse(t, 10, &hi);
    if (after + 1 >= lo && *due <= hi) return 0;
    static int warned;
    if (o->allow_unknown_holidays) {
        if (!warned++)
            rt_warn(TR("the deadline of %s for %s counts days outside the holiday calendar %s (it covers %d-%d): weekends only are skipped there (--allow-unknown-holidays)",
                       "hạn gửi kỳ %s của cấp %s tính qua những ngày ngoài lịch ngày lễ %s (lịch có các năm %d-%d): ở đó chỉ bỏ qua cuối tuần (--allow-unknown-holidays)"),
                    period, tier, hpath ? hpath : "", y0, y1);
        return 0;
    }
    rt_err(err, 2, TR("the deadline of %s for %s counts working days outside the holiday calendar %s, which covers %d-%d only; add that year's official days off to the file (or --holidays FILE), or pass --allow-unknown-holidays to skip weekends only",
                      "hạn gửi kỳ %s của cấp %s tính theo ngày làm việc ngoài lịch ngày lễ %s, lịch chỉ có các năm %d-%d; hãy thêm ngày nghỉ chính thức của năm đó vào tệp (hoặc --holidays TỆP), hoặc dùng --allow-unknown-holidays để chỉ bỏ qua cuối tuần"),
           period, tier, hpath ? hpath : "", y0, y1);
    return -1;
}

static int readable(const char *p) { return access(p, R_OK) == 0; }

/* File names tried for calendar `name`: vn_public -> vn_public_holidays.csv,
 * vn_holidays.csv (the part before the first '_'), vn_public.csv. */
static int candidate(const char *name, int k, char *out, size_t n)
{
    size_t pre = strcspn(name, "_");
    switch (k) {
    case 0: snprintf(out, n, "%s_holidays.csv", name); return 1;
    case 1:
        if (!name[pre]) return 0;
        snprintf(out, n, "%.*s_holidays.csv", (int)pre, name);
        return 1;
    case 2: snprintf(out, n, "%s.csv", name); return 1;
    default: return 0;
    }
}

/* DIR/data/FILE for the first candidate file name of calendar `name` that
 * is readable (exact: `name` is the file name itself). */
static char *find_in(const char *dir, size_t dlen, const char *name, int exact)
{
    char file[256], buf[PATH_MAX + 300];
    for (int k = 0; k < 3; k++) {
        if (exact) {
            if (k) break;
            snprintf(file, sizeof file, "%s", name);
        } else if (!candidate(name, k, file, sizeof file))
            continue;
        snprintf(buf, sizeof buf, "%.*s/data/%s", (int)dlen, dir, file);
        if (readable(buf)) {
            char real[PATH_MAX];
            const char *p = realpath(buf, real) ? real : buf;
            return rt_xstrndup(p, strlen(p));
        }
    }
    return NULL;
}

/* Looks in $REGIME_PATH (colon-separated, like PATH), then in the stdlib
 * beside regrt: build/bin, build/san/bin (the source tree), PREFIX/bin. */
static char *search_data(const char *name, int exact, const char *argv0)
{
    char *found;
    const char *rp = getenv("REGIME_PATH");
    if (rp && *rp) {
        const char *s = rp;
        while (*s) {
            size_t n = strcspn(s, ":");
            if (n && (found = find_in(s, n, name, exact))) return found;
            s += n;
            if (*s == ':') s++;
        }
    }
    char exe[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k <= 0 && argv0) {
        if (!realpath(argv0, exe)) return NULL;
        k = (ssize_t)strlen(exe);
    }
    if (k <= 0) return NULL;
    exe[k] = 0;
    char *dir = dirname(exe);
    static const char *rel[] = {"../../stdlib", "../../../stdlib", "../share/regime/stdlib"};
    for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
        char d[PATH_MAX + 64];
        snprintf(d, sizeof d, "%s/%s", dir, rel[i]);
        if ((found = find_in(d, strlen(d), name, exact))) return found;
    }
    return NULL;
}

char *rt_holidays_path(const char *explicit_path, const char *name, const char *argv0)
{
    if (explicit_path) return rt_xstrndup(explicit_path, strlen(explicit_path));
    if (!name || !*name || strchr(name, '/')) return NULL;
    return search_data(name, 0, argv0);
}

char *rt_data_file_path(const char *file, const char *argv0)
{
    if (!file || !*file || strchr(file, '/')) return NULL;
    return search_data(file, 1, argv0);
}

/* ---- holidays of a regime, and the `calendar` command ------------------------------- */

rt_holidays *rt_holidays_for(const rt_opts *o, const rg_regime_desc *d, char **path_out, rt_error *err)
{
    int working = 0;
    for (uint32_t k = 0; k < d->n_deadlines; k++) working |= d->deadlines[k].working != 0;
    char *path = rt_holidays_path(o->holidays, d->holidays, o->argv0);
    *path_out = path;
    if (path) return rt_holidays_load(path, err);
    if (working && d->holidays)
        rt_warn(TR("no holiday calendar '%s' found (looked in $REGIME_PATH/data and the stdlib next to regrt); working days skip weekends only; use --holidays FILE",
                   "không tìm thấy lịch ngày lễ '%s' (đã tìm trong $REGIME_PATH/data và stdlib cạnh regrt); ngày làm việc chỉ bỏ qua thứ Bảy, Chủ nhật; dùng --holidays FILE"),
                d->holidays);
    return rt_holidays_none();
}

static const char *cutoff_text(uint32_t kind)
{
    switch (kind) {
    case RG_CUTOFF_CALENDAR: return TR("calendar periods", "kỳ theo lịch");
    case RG_CUTOFF_DECREE09:
        return TR("Decree 09 (from the 15th of the month before to the 14th)",
                  "Nghị định 09 (từ ngày 15 tháng trước đến ngày 14)");
    case RG_CUTOFF_DAY: return TR("fixed day of the month", "ngày cố định trong tháng");
    default: return "?";
    }
}

int rt_cmd_calendar(const rt_opts *o, rt_error *err)
{
    if (rt_paths_check(o, NULL, err)) return 2;
    rt_regime *rg = rt_regime_open(o->lib, err);
    if (!rg) return 2;
    const rg_regime_desc *d = rt_regime_desc(rg);
    int rc = 2;
    char *hpath = NULL;
    rt_holidays *h = NULL;
    uint32_t freq = d->frequency;
    if (o->form || freq == RG_F_NONE) {
        int fi = o->form ? rt_regime_form(rg, o->form) : (d->n_forms ? 0 : -1);
        if (fi < 0) {
            rt_err(err, 2, TR("no form '%s' in regime '%s'", "không có biểu '%s' trong chế độ '%s'"),
                   o->form ? o->form : "", d->name);
            goto done;
        }
        freq = d->forms[fi].frequency;
    }
    if (o->year < 1 || o->year > 9998) {
        rt_err(err, 2, TR("--year: give a year such as 2025", "--year: hãy cho một năm, ví dụ 2025"));
        goto done;
    }
    int64_t first, last;
    switch (freq) {
    case RG_F_MONTHLY: first = (int64_t)o->year * 12; last = first + 11; break;
    case RG_F_QUARTERLY: first = (int64_t)o->year * 4; last = first + 3; break;
    case RG_F_HALF_YEARLY: first = (int64_t)o->year * 2; last = first + 1; break;
    case RG_F_NINE_MONTHS:
    case RG_F_YEARLY: first = last = o->year; break;
    default:
        rt_err(err, 2, TR("regime '%s' has no reporting frequency", "chế độ '%s' không có tần suất báo cáo"), d->name);
        goto done;
    }
    h = rt_holidays_for(o, d, &hpath, err);
    if (!h) goto done;
    rt_out out;
    if (rt_out_open(&out, o->output, err)) goto done;
    rt_buf b = {0};
    char s1[16], s2[16], lab[16];
    if (o->format == RT_FMT_CSV) {
        rt_buf_str(&b, "period,cutoff_start,cutoff_end");
        for (uint32_t k = 0; k < d->n_deadlines; k++)
            rt_buf_printf(&b, ",deadline_%s", d->tiers[d->deadlines[k].tier].name);
        rt_buf_ch(&b, '\n');
    } else if (o->format == RT_FMT_JSON) {
        rt_buf_str(&b, "{\"regime\":");
        rt_buf_json(&b, d->name, strlen(d->name));
        rt_buf_printf(&b, ",\"year\":%d,\"frequency\":\"%s\",\"holidays\":", o->year, rt_freq_name(freq));
        if (hpath) rt_buf_json(&b, hpath, strlen(hpath));
        else rt_buf_str(&b, "null");
        rt_buf_str(&b, ",\"periods\":[");
    } else {
        rt_buf_printf(&b, TR("%s %s: %s periods of %d; cut-off: %s\n", "%s %s: các kỳ %s của năm %d; chốt số liệu: %s\n"),
                      d->name, d->version ? d->version : "", rt_freq_name(freq), o->year,
                      cutoff_text(d->cutoff));
        for (uint32_t k = 0; k < d->n_deadlines; k++) {
            const rg_deadline *dl = &d->deadlines[k];
            rt_buf_printf(&b, TR("deadline %-10s %d %s after the cut-off\n", "hạn gửi %-10s %d %s sau ngày chốt số liệu\n"),
                          d->tiers[dl->tier].name, dl->days,
                          dl->working ? TR("working days", "ngày làm việc") : TR("days", "ngày"));
        }
        rt_buf_printf(&b, TR("holidays: %s (%zu days)\n\n", "ngày lễ: %s (%zu ngày)\n\n"),
                      hpath ? hpath : TR("none", "không có"), rt_holidays_count(h));
        rt_buf_printf(&b, "%-8s  %-24s", TR("period", "kỳ"), TR("cut-off window", "thời gian chốt số liệu"));
        for (uint32_t k = 0; k < d->n_deadlines; k++)
            rt_buf_printf(&b, "  %-10s", d->tiers[d->deadlines[k].tier].name);
        while (b.n && b.p[b.n - 1] == ' ') b.n--;
        rt_buf_ch(&b, '\n');
    }
    for (int64_t p = first; p <= last; p++) {
        int64_t ws, we;
        if (rt_cutoff_window(d->cutoff, d->cutoff_day, freq, p, &ws, &we)) {
            rt_err(err, 2, TR("regime '%s' has an invalid cut-off rule", "chế độ '%s' có quy tắc chốt số liệu không hợp lệ"),
                   d->name);
            rt_buf_free(&b);
            rt_out_abort(&out);
            goto done;
        }
        rt_period_format(freq, p, lab);
        rt_date_format(ws, s1);
        rt_date_format(we, s2);
        if (o->format == RT_FMT_CSV) rt_buf_printf(&b, "%s,%s,%s", lab, s1, s2);
        else if (o->format == RT_FMT_JSON)
            rt_buf_printf(&b, "%s\n{\"period\":\"%s\",\"cutoff_start\":\"%s\",\"cutoff_end\":\"%s\",\"deadlines\":{",
                          p == first ? "" : ",", lab, s1, s2);
        else rt_buf_printf(&b, "%-8s  %s .. %s", lab, s1, s2);
        for (uint32_t k = 0; k < d->n_deadlines; k++) {
            const rg_deadline *dl = &d->deadlines[k];
            int64_t due;
            if (rt_deadline_for(o, h, hpath, we, dl, d->tiers[dl->tier].name, lab, &due, err)) {
                rt_buf_free(&b);
                rt_out_abort(&out);
                goto done;
            }
            rt_date_format(due, s1);
            if (o->format == RT_FMT_CSV) rt_buf_printf(&b, ",%s", s1);
            else if (o->format == RT_FMT_JSON)
                rt_buf_printf(&b, "%s\"%s\":\"%s\"", k ? "," : "", d->tiers[dl->tier].name, s1);
            else rt_buf_printf(&b, "  %-10s", s1);
        }
        if (o->format == RT_FMT_JSON) rt_buf_str(&b, "}}");
        else {
            while (b.n && b.p[b.n - 1] == ' ') b.n--;
            rt_buf_ch(&b, '\n');
        }
    }
    if (o->format == RT_FMT_JSON) rt_buf_str(&b, "\n]}\n");
    rt_out_put(&out, b.p, b.n);
    rt_buf_free(&b);
    rc = rt_out_close(&out, err) ? 2 : 0;
done:
    rt_holidays_free(h);
    free(hpath);
    rt_regime_close(rg);
    return rc;
}
