/*
 * scan.c — streaming CSV submissions through the compiled kernels.
 *
 * Memory is bounded by the block size, never by the file: a reader (under a
 * lock) hands out blocks of whole records read with read(); each worker
 * parses its block into columnar batches of RT_BATCH rows, runs the kernels,
 * and commits its violations in block order. Row and line numbers are only
 * known at commit (a block does not know how many rows precede it), so
 * workers write entries relative to their block and the commit adds the base.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "scan.h"

#define RT_BATCH 4096u
#define RT_WORDS (RT_BATCH / 64u)
#define RT_BLOCK ((size_t)1 << 20)
/* A single record longer than this is refused: it is almost always an
 * unbalanced quote swallowing the rest of the file. */
#define RT_MAX_RECORD ((size_t)64 << 20)
#define RT_RING 16u

enum conv { CV_NONE, CV_COUNT, CV_INTEGER, CV_DECIMAL, CV_BOOL, CV_DATE, CV_TEXT, CV_CODE,
            CV_UNIT, CV_PERIOD };

enum { F_NONE = 0, F_CSV, F_READ, F_TOO_LONG };

typedef struct result {
    uint64_t seq;
    uint32_t nrows, nlines;
    rt_buf entries;
    int fatal;
    rt_csv_fail f;
    uint32_t fatal_line;
    int read_errno;
    uint32_t bad_width, bw_line, bw_fields; /* first record of the wrong width */
    int no_final_newline;
    uint32_t last_line;
} result;

typedef struct scan scan;

typedef struct worker {
    scan *s;
    char *buf;
    size_t cap;
    int64_t *v;
    const char **str;
    uint32_t *len;
    uint64_t *present, *malformed, *well_formed, *fail, **failp, *overflow, *valid;
    uint32_t *line, *slot;
    uint8_t *pos, *bad_width;
    rg_column *cols;
    rt_span *spans;
    rt_span *row_raw;
    uint8_t *row_mal;
    uint16_t *row_rules;
    /* Rows of a commune come together: remember the last unit looked up. */
    char ucache[32];
    uint32_t ucache_len;
    int64_t ucache_v;
    rt_scan_stats st;
} worker;

struct scan {
    const rt_scan_cfg *cfg;
    const rg_form *form;
    const rt_regime *rg;
    uint32_t nf, ncsv, nr;
    int32_t *colmap;
    uint8_t *conv;
    const char *path;
    int fd;
    /* reader */
    pthread_mutex_t rmu;
    char *carry;
    size_t carry_n, carry_cap;
    int eof;
    uint64_t next_seq;
    /* commit */
    pthread_mutex_t cmu;
    pthread_cond_t ccv;
    uint64_t commit_seq, rows_done, lines_done, bad_width_seen, bw_warned;
    result *ring[RT_RING];
    int stop;
    rt_error err;
};

/* ---- reader --------------------------------------------------------------- */

static void carry_set(scan *s, const char *p, size_t n)
{
    if (n > s->carry_cap) {
        s->carry_cap = n * 2;
        s->carry = rt_xrealloc(s->carry, s->carry_cap);
    }
    memmove(s->carry, p, n);
    s->carry_n = n;
}

/* End of the last whole record in buf[0, n): after the last LF that is not
 * inside quotes. The block starts at a record boundary. */
static size_t record_boundary(const char *buf, size_t n)
{
    if (!memchr(buf, '"', n)) {
        const char *p = memrchr(buf, '\n', n);
        return p ? (size_t)(p - buf) + 1 : 0;
    }
    size_t last = 0;
    int inq = 0;
    for (size_t i = 0; i < n; i++) {
        char c = buf[i];
        if (c == '"') inq = !inq;
        else if (c == '\n' && !inq) last = i + 1;
    }
    return last;
}

/*
 * Fills w->buf with the next block of whole records. Returns 1 (block ready,
 * *len bytes ending in LF, *seq its number), 0 at the end. A read error is a
 * block too, flagged, so that it is reported in order.
 */
static int next_block(scan *s, worker *w, size_t *len, uint64_t *seq, result *res)
{
    pthread_mutex_lock(&s->rmu);
    if (s->stop || (s->eof && !s->carry_n)) {
        pthread_mutex_unlock(&s->rmu);
        return 0;
    }
    size_t want = RT_BLOCK, n;
    if (w->cap < s->carry_n + want + 2) {
        w->cap = s->carry_n + want + 2;
        w->buf = rt_xrealloc(w->buf, w->cap);
    }
    memcpy(w->buf, s->carry, s->carry_n);
    n = s->carry_n;
    s->carry_n = 0;
    size_t boundary;
    for (;;) {
        while (!s->eof && n < want) {
            ssize_t k = read(s->fd, w->buf + n, w->cap - 2 - n);
            if (k < 0) {
                if (errno == EINTR) continue;
                res->fatal = F_READ;
                res->read_errno = errno;
                s->eof = 1;
                break;
            }
            if (k == 0) s->eof = 1;
            n += (size_t)k;
        }
        if (s->eof) {
            boundary = n;
            break;
        }
        boundary = record_boundary(w->buf, n);
        if (boundary) break;
        if (w->cap > RT_MAX_RECORD) {
            res->fatal = F_TOO_LONG;
            boundary = n;
            s->eof = 1;
            break;
        }
        /* One record longer than the block: read more. */
        want = w->cap * 2;
        w->cap = want + 2;
        w->buf = rt_xrealloc(w->buf, w->cap);
    }
    carry_set(s, w->buf + boundary, n - boundary);
    *seq = s->next_seq++;
    pthread_mutex_unlock(&s->rmu);
    if (boundary && w->buf[boundary - 1] != '\n') {
        /* The file does not end with LF: add the sentinel the tokenizer
         * needs; the row is kept (and reported if incomplete). */
        w->buf[boundary++] = '\n';
        res->no_final_newline = 1;
    }
    *len = boundary;
    return boundary || res->fatal ? 1 : 0;
}

/* ---- parsing a record into the batch ------------------------------------------ */

static inline int parse_count9(const char *s, uint32_t l, int maxd, int64_t *out)
{
    /* The common case (counts of a few digits) without a call. */
    if (l == 0 || (maxd > 0 && l > (uint32_t)maxd) || l > 18)
        return rt_parse_count(s, l, maxd, out);
    int64_t v = 0;
    for (uint32_t i = 0; i < l; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9) return -1;
        v = v * 10 + (int64_t)d;
    }
    *out = v;
    return 0;
}

static void fill_row(scan *s, worker *w, uint32_t i, int nfields)
{
    const uint32_t B = RT_BATCH, W = RT_WORDS;
    const uint64_t bit = 1ull << (i & 63);
    const uint32_t wi = i >> 6;
    const rg_form *form = s->form;
    int wf = (uint32_t)nfields == s->ncsv;
    static char nul[1];
    static const rt_span empty = {nul, 0};
    w->bad_width[i] = !wf;
    for (uint32_t j = 0; j < s->ncsv; j++) {
        int32_t k = s->colmap[j];
        if (k < 0) continue;
        const rt_span *sp = (int)j < nfields ? &w->spans[j] : &empty;
        const char *p = sp->p;
        uint32_t l = sp->n;
        const rg_field *fd = &form->fields[k];
        size_t at = (size_t)k * B + i;
        w->str[at] = p;
        w->len[at] = l;
        w->v[at] = 0;
        if (l == 0) {
            if (fd->flags & RG_FIELD_REQUIRED) {
                w->malformed[(size_t)k * W + wi] |= bit;
                wf = 0;
            }
            continue;
        }
        int64_t v = 0;
        int bad = 0;
        switch (s->conv[k]) {
        case CV_COUNT:
            bad = parse_count9(p, l, fd->max_digits, &v);
            break;
        case CV_INTEGER:
            bad = rt_parse_integer(p, l, fd->max_digits, &v);
            break;
        case CV_DECIMAL:
            bad = rt_parse_decimal(p, l, fd->scale, fd->max_digits, &v);
            if (bad && fd->type == RG_T_PERCENT && p[l - 1] == '%')
                bad = rt_parse_decimal(p, l - 1, fd->scale, fd->max_digits, &v);
            break;
        case CV_BOOL:
            bad = rt_parse_bool(p, l, &v);
            break;
        case CV_DATE:
            bad = rt_date_parse(p, l, &v);
            break;
        case CV_TEXT:
            break;
        case CV_CODE:
            v = rt_codelist_find(s->rg, fd->codelist, p, l);
            break;
        case CV_UNIT:
            if (l == w->ucache_len && !memcmp(p, w->ucache, l)) {
                v = w->ucache_v;
            } else {
                v = s->cfg->units ? rt_units_find(s->cfg->units, form->unit_tier, p, l) : -1;
                if (l <= sizeof w->ucache) {
                    memcpy(w->ucache, p, l);
                    w->ucache_len = l;
                    w->ucache_v = v;
                }
            }
            break;
        case CV_PERIOD:
            v = rt_period_parse(form->frequency, p, l);
            bad = v < 0;
            break;
        default:
            continue;
        }
        if (!bad && (((fd->flags & RG_FIELD_HAS_MIN) && v < fd->min) ||
                     ((fd->flags & RG_FIELD_HAS_MAX) && v > fd->max)))
            bad = 1;
        if (bad) {
            w->malformed[(size_t)k * W + wi] |= bit;
            w->v[at] = 0;
            wf = 0;
        } else {
            w->v[at] = v;
            w->present[(size_t)k * W + wi] |= bit;
        }
    }
    if (wf) w->well_formed[wi] |= bit;
}

static void batch_reset(scan *s, worker *w)
{
    size_t words = (size_t)s->nf * RT_WORDS;
    memset(w->present, 0, words * sizeof(uint64_t));
    memset(w->malformed, 0, words * sizeof(uint64_t));
    memset(w->well_formed, 0, RT_WORDS * sizeof(uint64_t));
}

static void run_batch(scan *s, worker *w, uint32_t n, uint32_t row0, result *res)
{
    const rg_form *form = s->form;
    const rt_scan_cfg *cfg = s->cfg;
    const uint32_t nw = (n + 63) / 64;
    rg_batch b = {n, w->cols, NULL, w->well_formed};
    int rc = 0;
    memset(w->overflow, 0, RT_WORDS * sizeof(uint64_t));
    if (form->validate && s->nr) rc = form->validate(&b, w->failp, w->overflow);
    w->st.rows += n;
    for (uint32_t wi = 0; wi < nw; wi++) {
        uint64_t live = wi + 1 < nw || (n & 63) == 0 ? ~0ull : (1ull << (n & 63)) - 1;
        uint64_t ovf = rc < 0 ? w->overflow[wi] & live : 0;
        uint64_t any = ovf, err = ovf, warn = 0;
        for (uint32_t r = 0; r < s->nr; r++) {
            uint64_t m = w->failp[r][wi] & live;
            if (!cfg->rule_on[r]) m = 0;
            /* Rows that overflowed have no rule bits by contract; be sure. */
            m &= ~ovf;
            w->failp[r][wi] = m;
            if (!m) continue;
            any |= m;
            if (form->rules[r].severity == RG_SEV_ERROR) err |= m;
            else warn |= m;
            w->st.rule_fail[r] += (uint64_t)__builtin_popcountll(m);
        }
        w->valid[wi] = ~err & live;
        w->st.rows_err += (uint64_t)__builtin_popcountll(err);
        w->st.rows_warn += (uint64_t)__builtin_popcountll(warn);
        w->st.rows_overflow += (uint64_t)__builtin_popcountll(ovf);
        if (!any || !cfg->report) continue;
        while (any) {
            uint32_t i = wi * 64 + (uint32_t)__builtin_ctzll(any);
            uint64_t bit = any & (0 - any);
            any &= any - 1;
            rt_row row;
            uint32_t nrul = 0;
            for (uint32_t r = 0; r < s->nr; r++)
                if (w->failp[r][wi] & bit) w->row_rules[nrul++] = (uint16_t)r;
            for (uint32_t k = 0; k < s->nf; k++) {
                size_t at = (size_t)k * RT_BATCH + i;
                w->row_raw[k].p = (char *)(uintptr_t)w->str[at];
                w->row_raw[k].n = w->len[at];
                w->row_mal[k] = (w->malformed[(size_t)k * RT_WORDS + wi] & bit) != 0;
            }
            row.rel_row = row0 + i + 1;
            row.rel_line = w->line[i];
            row.raw = w->row_raw;
            row.malformed = w->row_mal;
            row.n_rules = nrul;
            row.rules = w->row_rules;
            row.overflow = (ovf & bit) != 0;
            row.bad_width = w->bad_width[i];
            rt_report_row(cfg->report, &res->entries, &row);
        }
    }
    if (cfg->acc) rt_acc_batch(cfg->acc, &b, w->valid, w->slot, w->pos);
    if (cfg->on_batch) cfg->on_batch(cfg->on_batch_ctx, &b, w->valid);
}

static void process_block(scan *s, worker *w, char *p, char *end, result *res)
{
    uint32_t lines = 0, rows = 0, i = 0;
    batch_reset(s, w);
    while (p < end) {
        uint32_t start = lines + 1;
        rt_csv_fail f;
        int n = rt_csv_record(&p, end, w->spans, (int)s->ncsv + 1, &lines, &f);
        if (n < 0) {
            res->fatal = F_CSV;
            res->f = f;
            res->fatal_line = start + f.line;
            break;
        }
        if (n == 1 && w->spans[0].n == 0) continue; /* blank line */
        if ((uint32_t)n != s->ncsv && !res->bad_width++) {
            res->bw_line = start;
            res->bw_fields = (uint32_t)n;
        }
        w->line[i] = start;
        fill_row(s, w, i, n);
        rows++;
        if (++i == RT_BATCH) {
            run_batch(s, w, i, rows - i, res);
            batch_reset(s, w);
            i = 0;
        }
    }
    if (i && !res->fatal) run_batch(s, w, i, rows - i, res);
    res->nrows = rows;
    res->nlines = lines;
    res->last_line = lines;
    w->st.rows_bad_width += res->bad_width;
}

/* ---- commit ------------------------------------------------------------------ */

static void apply(scan *s, result *r)
{
    if (r->fatal) {
        s->stop = 1;
        char why[512];
        switch (r->fatal) {
        case F_CSV: {
            rt_csv_fail_text(&r->f, why, sizeof why);
            uint64_t line = s->lines_done + r->fatal_line;
            /* The field is a column of the header when there is one. */
            if (r->f.field < s->ncsv && s->colmap[r->f.field] >= 0)
                rt_err(&s->err, 2, TR("%s:%llu: column '%s': %s", "%s:%llu: cột '%s': %s"), s->path,
                       (unsigned long long)line, s->form->fields[s->colmap[r->f.field]].code, why);
            else
                rt_err(&s->err, 2, TR("%s:%llu: field %u: %s", "%s:%llu: trường %u: %s"), s->path,
                       (unsigned long long)line, r->f.field + 1, why);
            break;
        }
        case F_READ:
            rt_err(&s->err, 2, TR("%s: read error after line %llu: %s", "%s: lỗi đọc sau dòng %llu: %s"),
                   s->path, (unsigned long long)s->lines_done, strerror(r->read_errno));
            break;
        default:
            rt_err(&s->err, 2, TR("%s:%llu: a record longer than %zu MB; probably an unbalanced quote (\") starts here",
                                  "%s:%llu: một bản ghi dài hơn %zu MB; có lẽ một dấu nháy kép (\") không được đóng bắt đầu từ đây"),
                   s->path, (unsigned long long)s->lines_done + 1, RT_MAX_RECORD >> 20);
        }
        return;
    }
    if (s->cfg->report && r->entries.n)
        rt_report_commit(s->cfg->report, r->entries.p, r->entries.n, s->rows_done, s->lines_done);
    s->bad_width_seen += r->bad_width;
    if (r->bad_width && s->bw_warned++ < 3)
        rt_warn(TR("%s:%llu: the row has %u fields but the header has %u; its values are treated as malformed",
                   "%s:%llu: dòng có %u trường nhưng tiêu đề có %u; các giá trị của dòng bị coi là sai định dạng"),
                s->path, (unsigned long long)(s->lines_done + r->bw_line), r->bw_fields, s->ncsv);
    if (r->no_final_newline && r->nrows && r->bad_width)
        rt_warn(TR("%s:%llu: the file ends in the middle of a row (no final newline); it may be truncated",
                   "%s:%llu: tệp kết thúc giữa một dòng (không có ký tự xuống dòng cuối); tệp có thể bị cắt cụt"),
                s->path, (unsigned long long)(s->lines_done + r->last_line));
    s->rows_done += r->nrows;
    s->lines_done += r->nlines;
}

static void commit(scan *s, result *res)
{
    pthread_mutex_lock(&s->cmu);
    while (res->seq >= s->commit_seq + RT_RING && !s->stop) pthread_cond_wait(&s->ccv, &s->cmu);
    if (s->stop) {
        rt_buf_free(&res->entries);
        free(res);
    } else {
        s->ring[res->seq % RT_RING] = res;
        result *r;
        while ((r = s->ring[s->commit_seq % RT_RING]) && r->seq == s->commit_seq) {
            s->ring[s->commit_seq % RT_RING] = NULL;
            if (!s->stop) apply(s, r);
            rt_buf_free(&r->entries);
            free(r);
            s->commit_seq++;
        }
    }
    pthread_cond_broadcast(&s->ccv);
    pthread_mutex_unlock(&s->cmu);
}

/* ---- workers ------------------------------------------------------------------- */

static void worker_init(scan *s, worker *w)
{
    const size_t B = RT_BATCH, W = RT_WORDS, nf = s->nf;
    memset(w, 0, sizeof *w);
    w->s = s;
    w->v = rt_xcalloc(nf * B, sizeof *w->v);
    w->str = rt_xmalloc(nf * B * sizeof *w->str);
    w->len = rt_xcalloc(nf * B, sizeof *w->len);
    for (size_t k = 0; k < nf * B; k++) w->str[k] = "";
    w->present = rt_xcalloc(nf * W, sizeof(uint64_t));
    w->malformed = rt_xcalloc(nf * W, sizeof(uint64_t));
    w->well_formed = rt_xcalloc(W, sizeof(uint64_t));
    w->overflow = rt_xcalloc(W, sizeof(uint64_t));
    w->valid = rt_xcalloc(W, sizeof(uint64_t));
    w->fail = rt_xcalloc((s->nr ? s->nr : 1) * W, sizeof(uint64_t));
    w->failp = rt_xmalloc((s->nr ? s->nr : 1) * sizeof *w->failp);
    for (uint32_t r = 0; r < s->nr; r++) w->failp[r] = w->fail + (size_t)r * W;
    w->line = rt_xcalloc(B, sizeof *w->line);
    w->slot = rt_xcalloc(B, sizeof *w->slot);
    w->pos = rt_xcalloc(B, 1);
    w->bad_width = rt_xcalloc(B, 1);
    w->cols = rt_xcalloc(nf, sizeof *w->cols);
    for (size_t k = 0; k < nf; k++) {
        w->cols[k].v = w->v + k * B;
        w->cols[k].str = w->str + k * B;
        w->cols[k].len = w->len + k * B;
        w->cols[k].present = w->present + k * W;
        w->cols[k].malformed = w->malformed + k * W;
    }
    w->spans = rt_xcalloc(s->ncsv + 2, sizeof *w->spans);
    w->row_raw = rt_xcalloc(nf, sizeof *w->row_raw);
    w->row_mal = rt_xcalloc(nf, 1);
    w->row_rules = rt_xcalloc(s->nr ? s->nr : 1, sizeof *w->row_rules);
    w->st.rule_fail = rt_xcalloc(s->nr ? s->nr : 1, sizeof(uint64_t));
    w->ucache_len = UINT32_MAX;
}

static void worker_free(worker *w)
{
    free(w->buf);
    free(w->v);
    free(w->str);
    free(w->len);
    free(w->present);
    free(w->malformed);
    free(w->well_formed);
    free(w->overflow);
    free(w->valid);
    free(w->fail);
    free(w->failp);
    free(w->line);
    free(w->slot);
    free(w->pos);
    free(w->bad_width);
    free(w->cols);
    free(w->spans);
    free(w->row_raw);
    free(w->row_mal);
    free(w->row_rules);
    free(w->st.rule_fail);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    scan *s = w->s;
    for (;;) {
        result *res = rt_xcalloc(1, sizeof *res);
        size_t len;
        if (!next_block(s, w, &len, &res->seq, res)) {
            free(res);
            break;
        }
        if (!res->fatal) process_block(s, w, w->buf, w->buf + len, res);
        commit(s, res);
    }
    return NULL;
}

/* ---- header ---------------------------------------------------------------------- */

static int map_header(scan *s, rt_span *h, uint32_t n, rt_error *err)
{
    const rg_form *form = s->form;
    s->ncsv = n;
    s->colmap = rt_xmalloc((n ? n : 1) * sizeof *s->colmap);
    uint8_t *seen = rt_xcalloc(s->nf, 1);
    rt_buf unknown = {0}, missing = {0};
    int rc = 0;
    for (uint32_t j = 0; j < n; j++) {
        s->colmap[j] = -1;
        for (uint32_t k = 0; k < s->nf; k++) {
            const char *code = form->fields[k].code;
            if (strlen(code) != h[j].n || memcmp(code, h[j].p, h[j].n)) continue;
            if (seen[k]) {
                rt_err(err, 2, TR("%s:1: column '%s' appears twice in the header; keep one",
                                  "%s:1: cột '%s' xuất hiện hai lần trong dòng tiêu đề; hãy giữ một cột"),
                       s->path, code);
                rc = -1;
                goto out;
            }
            seen[k] = 1;
            if (form->fields[k].flags & (RG_FIELD_COMPUTED | RG_FIELD_RATIO)) {
                rt_warn(TR("%s: column '%s' is computed by the regime; its values are ignored",
                           "%s: cột '%s' do chế độ báo cáo tính; giá trị trong tệp bị bỏ qua"),
                        s->path, code);
                break;
            }
            s->colmap[j] = (int32_t)k;
            break;
        }
        if (s->colmap[j] < 0 && !(j < n && h[j].n == 0 && j + 1 == n)) {
            int known = 0;
            for (uint32_t k = 0; k < s->nf; k++)
                if (strlen(form->fields[k].code) == h[j].n && !memcmp(form->fields[k].code, h[j].p, h[j].n))
                    known = 1;
            if (!known) {
                if (unknown.n) rt_buf_str(&unknown, ", ");
                rt_buf_put(&unknown, h[j].p, h[j].n);
            }
        }
    }
    for (uint32_t k = 0; k < s->nf; k++) {
        const rg_field *fd = &form->fields[k];
        if (seen[k] || (fd->flags & (RG_FIELD_COMPUTED | RG_FIELD_RATIO))) continue;
        if (fd->flags & (RG_FIELD_REQUIRED | RG_FIELD_KEY_UNIT | RG_FIELD_KEY_PERIOD | RG_FIELD_DIMENSION)) {
            if (missing.n) rt_buf_str(&missing, ", ");
            rt_buf_str(&missing, fd->code);
        }
    }
    if (missing.n) {
        rt_buf_ch(&missing, 0);
        rt_err(err, 2, TR("%s:1: missing column(s) %s; the header of form '%s' must name them (columns may come in any order)",
                          "%s:1: thiếu cột %s; dòng tiêu đề của biểu '%s' phải có các cột này (thứ tự tùy ý)"),
               s->path, missing.p, form->code);
        rc = -1;
        goto out;
    }
    if (unknown.n) {
        rt_buf_ch(&unknown, 0);
        rt_warn(TR("%s:1: unknown column(s) ignored: %s (form '%s')",
                   "%s:1: bỏ qua cột không thuộc biểu: %s (biểu '%s')"),
                s->path, unknown.p, form->code);
    }
out:
    free(seen);
    rt_buf_free(&unknown);
    rt_buf_free(&missing);
    return rc;
}

/* Reads the first block, takes the header record off it and puts the rest
 * back in front of the carry. */
static int read_header(scan *s, worker *w, rt_error *err)
{
    result res;
    size_t len;
    uint64_t seq;
    memset(&res, 0, sizeof res);
    if (!next_block(s, w, &len, &seq, &res) || (res.fatal == F_NONE && len == 0)) {
        rt_err(err, 2, TR("%s: the file is empty; a submission starts with a header line naming its columns",
                          "%s: tệp rỗng; tệp nộp phải bắt đầu bằng dòng tiêu đề ghi tên các cột"),
               s->path);
        return -1;
    }
    if (res.fatal == F_TOO_LONG) {
        rt_err(err, 2, TR("%s:1: the header line is longer than %zu MB; this is not a submission CSV",
                          "%s:1: dòng tiêu đề dài hơn %zu MB; đây không phải tệp CSV nộp báo cáo"),
               s->path, RT_MAX_RECORD >> 20);
        return -1;
    }
    if (res.fatal == F_READ) {
        rt_err(err, 2, TR("cannot read '%s': %s", "không đọc được '%s': %s"), s->path,
               strerror(res.read_errno));
        return -1;
    }
    char *p = w->buf, *end = w->buf + len;
    if (len >= 3 && !memcmp(p, RT_BOM, 3)) p += 3;
    uint32_t lines = 0;
    int n;
    rt_csv_fail f;
    rt_span *h = rt_xmalloc(RT_CSV_MAX_FIELDS * sizeof *h);
    do {
        uint32_t start = lines + 1;
        n = rt_csv_record(&p, end, h, RT_CSV_MAX_FIELDS, &lines, &f);
        if (n < 0) {
            char why[512];
            rt_csv_fail_text(&f, why, sizeof why);
            rt_err(err, 2, TR("%s:%u: header: %s", "%s:%u: dòng tiêu đề: %s"), s->path, start + f.line, why);
            free(h);
            return -1;
        }
    } while (n == 1 && h[0].n == 0 && p < end);
    if (n > RT_CSV_MAX_FIELDS) {
        rt_err(err, 2, TR("%s:1: %d columns; at most %d are supported", "%s:1: %d cột; chỉ hỗ trợ tối đa %d"),
               s->path, n, RT_CSV_MAX_FIELDS);
        free(h);
        return -1;
    }
    /* The header must survive the buffer: copy the names. */
    rt_buf names = {0};
    for (int j = 0; j < n; j++) rt_buf_put(&names, h[j].p, h[j].n);
    size_t off = 0;
    for (int j = 0; j < n; j++) {
        h[j].p = names.p + off;
        off += h[j].n;
    }
    int rc = map_header(s, h, (uint32_t)n, err);
    rt_buf_free(&names);
    free(h);
    if (rc) return -1;
    /* Push the rest back: it goes before what the reader already carries. */
    size_t rest = (size_t)(end - p);
    if (res.no_final_newline && rest) rest--; /* our sentinel */
    char *tmp = rt_xmalloc(rest + s->carry_n + 1);
    memcpy(tmp, p, rest);
    memcpy(tmp + rest, s->carry, s->carry_n);
    carry_set(s, tmp, rest + s->carry_n);
    free(tmp);
    if (s->carry_n == 0 && res.no_final_newline) s->eof = 1;
    s->next_seq = 0;
    s->lines_done = lines;
    return 0;
}

static uint8_t conv_of(const rg_field *f)
{
    if (f->flags & (RG_FIELD_COMPUTED | RG_FIELD_RATIO)) return CV_NONE;
    switch (f->type) {
    case RG_T_COUNT: return CV_COUNT;
    case RG_T_INTEGER: return CV_INTEGER;
    case RG_T_DECIMAL:
    case RG_T_MONEY:
    case RG_T_PERCENT:
    case RG_T_RATIO: return CV_DECIMAL;
    case RG_T_BOOL: return CV_BOOL;
    case RG_T_DATE: return CV_DATE;
    case RG_T_TEXT: return CV_TEXT;
    case RG_T_CODE: return CV_CODE;
    case RG_T_UNIT: return CV_UNIT;
    case RG_T_PERIOD: return CV_PERIOD;
    default: return CV_NONE;
    }
}

int rt_scan_file(const rt_scan_cfg *cfg, const char *path, rt_scan_stats *st, rt_error *err)
{
    scan s;
    memset(&s, 0, sizeof s);
    s.cfg = cfg;
    s.form = cfg->form;
    s.rg = cfg->rg;
    s.nf = cfg->form->n_fields;
    s.nr = cfg->form->n_rules;
    s.path = path;
    s.conv = rt_xmalloc(s.nf);
    for (uint32_t k = 0; k < s.nf; k++) s.conv[k] = conv_of(&s.form->fields[k]);
    if (!strcmp(path, "-")) {
        s.fd = 0;
        s.path = "<stdin>";
    } else {
        s.fd = open(path, O_RDONLY | O_CLOEXEC);
        if (s.fd < 0) {
            rt_err(err, 2, TR("cannot open '%s': %s", "không mở được '%s': %s"), path, strerror(errno));
            free(s.conv);
            return -1;
        }
#ifdef POSIX_FADV_SEQUENTIAL
        posix_fadvise(s.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    }
    pthread_mutex_init(&s.rmu, NULL);
    pthread_mutex_init(&s.cmu, NULL);
    pthread_cond_init(&s.ccv, NULL);

    int nt = cfg->threads > 0 ? cfg->threads : 1;
    worker *ws = rt_xcalloc((size_t)nt, sizeof *ws);
    int rc = 0;
    /* The header decides the column map every worker needs. */
    s.ncsv = 0;
    {
        worker hw;
        memset(&hw, 0, sizeof hw);
        rc = read_header(&s, &hw, err);
        free(hw.buf);
    }
    if (rc == 0) {
        pthread_t *th = rt_xcalloc((size_t)nt, sizeof *th);
        for (int t = 0; t < nt; t++) worker_init(&s, &ws[t]);
        for (int t = 1; t < nt; t++)
            if (pthread_create(&th[t], NULL, worker_main, &ws[t]) != 0) th[t] = 0;
        worker_main(&ws[0]);
        for (int t = 1; t < nt; t++)
            if (th[t]) pthread_join(th[t], NULL);
        free(th);
        for (int t = 0; t < nt; t++) {
            st->rows += ws[t].st.rows;
            st->rows_err += ws[t].st.rows_err;
            st->rows_warn += ws[t].st.rows_warn;
            st->rows_bad_width += ws[t].st.rows_bad_width;
            st->rows_overflow += ws[t].st.rows_overflow;
            for (uint32_t r = 0; r < s.nr; r++) st->rule_fail[r] += ws[t].st.rule_fail[r];
            worker_free(&ws[t]);
        }
        if (s.stop && s.err.status) {
            *err = s.err;
            rc = -1;
        }
        if (s.bad_width_seen > s.bw_warned)
            rt_warn(TR("%s: %llu rows in all have the wrong number of fields",
                       "%s: tổng cộng %llu dòng có số trường sai"),
                    s.path, (unsigned long long)s.bad_width_seen);
    }
    for (int i = 0; i < (int)RT_RING; i++)
        if (s.ring[i]) {
            rt_buf_free(&s.ring[i]->entries);
            free(s.ring[i]);
        }
    free(ws);
    free(s.carry);
    free(s.colmap);
    free(s.conv);
    pthread_mutex_destroy(&s.rmu);
    pthread_mutex_destroy(&s.cmu);
    pthread_cond_destroy(&s.ccv);
    if (s.fd > 0) close(s.fd);
    return rc;
}
