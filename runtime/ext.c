/*
 * ext.c — what the selected rules need beyond their row, and the first
 * passes that prepare it (see ext.h).
 *
 * Passes over the DATA files, each the ordinary multi-threaded scan:
 *   1. previous(): index every row (prev.c), when a selected rule reads the
 *      previous period;
 *   2. children(): sum the valid rows of the form's tier (children.c), with
 *      the previous period joined so that rows are valid exactly as in the
 *      final pass, when a selected rule reads the children;
 *   3. the command's own scan, with batch->prev filled from pass 1 and the
 *      children() rules evaluated for parent rows from pass 2.
 * The first passes write nothing (no report, warnings off: the last pass
 * says them once). Standard input is copied to a temporary file first,
 * since it is read more than once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "ext.h"

int rt_select_rules(const rg_form *f, const char *list, uint8_t *on, rt_error *err)
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

/* ---- hooks --------------------------------------------------------------------- */

typedef struct xscratch {
    void *prev, *kids;
} xscratch;

static const rg_column *ext_before(void *ctx, const rg_batch *b, void **scratch)
{
    rt_ext *x = ctx;
    xscratch *s = *scratch;
    if (!s) *scratch = s = rt_xcalloc(1, sizeof *s);
    if (x->rebase) rt_rebase_units(x->rebase, b);
    return x->prev && x->prev_ready ? rt_prev_fill(x->prev, b, &s->prev) : NULL;
}

static int ext_after(void *ctx, const rg_batch *b, uint64_t *const *fail, uint64_t *overflow,
                     const rg_column **children, void **scratch)
{
    rt_ext *x = ctx;
    xscratch *s = *scratch;
    if (!s) *scratch = s = rt_xcalloc(1, sizeof *s);
    return rt_kids_after(x->kids, b, fail, overflow, children, &s->kids);
}

static void ext_free(void *ctx, void *scratch)
{
    (void)ctx;
    xscratch *s = scratch;
    rt_prev_scratch_free(s->prev);
    rt_kids_scratch_free(s->kids);
    free(s);
}

static void on_prev(void *ctx, const rg_batch *b, const uint64_t *valid)
{
    (void)valid;
    rt_prev_collect(((rt_ext *)ctx)->prev, b);
}

static void on_kids(void *ctx, const rg_batch *b, const uint64_t *valid)
{
    rt_kids_collect(((rt_ext *)ctx)->kids, b, valid);
}

static void on_rebase(void *ctx, const rg_batch *b, const uint64_t *valid)
{
    rt_ext *x = ctx;
    if (x->acc) rt_rebase_batch(x->rebase, x->acc, b, valid);
}

/* ---- passes ---------------------------------------------------------------------- */

const char *rt_ext_path(const rt_ext *x, const rt_opts *o, int i)
{
    if (x->spool_path && !strcmp(o->data[i], "-")) return x->spool_path;
    return o->data[i];
}

/* Standard input into an unlinked temporary file, named by /proc/self/fd. */
static int spool_stdin(rt_ext *x, rt_error *err)
{
    const char *tmp = getenv("TMPDIR");
    char tpl[4096];
    snprintf(tpl, sizeof tpl, "%s/regrt-stdin-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(tpl);
    if (fd < 0) {
        rt_err(err, 2, TR("cannot create a temporary file for the standard input: %s",
                          "không tạo được tệp tạm cho đầu vào chuẩn: %s"),
               strerror(errno));
        return -1;
    }
    unlink(tpl);
    char buf[1 << 16];
    for (;;) {
        ssize_t k = read(0, buf, sizeof buf);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) {
            rt_err(err, 2, TR("cannot read the standard input: %s", "không đọc được đầu vào chuẩn: %s"), strerror(errno));
            close(fd);
            return -1;
        }
        if (k == 0) break;
        for (ssize_t off = 0; off < k;) {
            ssize_t w = write(fd, buf + off, (size_t)(k - off));
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) {
                rt_err(err, 2, TR("cannot write a temporary file: %s", "không ghi được tệp tạm: %s"), strerror(errno));
                close(fd);
                return -1;
            }
            off += w;
        }
    }
    x->spool_fd = fd;
    x->spool_path = rt_xmalloc(64);
    snprintf(x->spool_path, 64, "/proc/self/fd/%d", fd);
    return 0;
}

/* One first pass over every file: no report, no roll-up, warnings off. */
static int first_pass(rt_ext *x, const rt_scan_cfg *base, const uint8_t *on, const rt_opts *o,
                      void (*cb)(void *, const rg_batch *, const uint64_t *), rt_error *err)
{
    rt_scan_cfg c = *base;
    c.rule_on = on;
    c.report = NULL;
    c.acc = NULL;
    c.on_batch = cb;
    c.on_batch_ctx = x;
    c.before = ext_before;
    c.after = NULL;
    c.ext_free = ext_free;
    c.ext_ctx = x;
    rt_scan_stats st;
    memset(&st, 0, sizeof st);
    st.rule_fail = rt_xcalloc(base->form->n_rules ? base->form->n_rules : 1, sizeof *st.rule_fail);
    int quiet = rt_quiet, rc = 0;
    rt_quiet = 1;
    for (int i = 0; i < o->n_data && !rc; i++)
        if (rt_scan_file(&c, rt_ext_path(x, o, i), &st, err)) rc = -1;
    rt_quiet = quiet;
    free(st.rule_fail);
    return rc;
}

int rt_ext_open(rt_ext *x, rt_scan_cfg *cfg, uint8_t *rule_on, const rt_opts *o, int rebase, rt_error *err)
{
    memset(x, 0, sizeof *x);
    x->rg = cfg->rg;
    x->form = cfg->form;
    x->units = cfg->units;
    x->verbose = o->verbose;
    x->spool_fd = -1;
    const rg_form *f = cfg->form;
    int need_prev = 0, need_kids = 0;
    rt_buf off = {0}, both = {0};
    for (uint32_t r = 0; r < f->n_rules; r++) {
        const rg_rule *ru = &f->rules[r];
        if (!rule_on[r]) continue;
        if ((ru->flags & RG_RULE_CHILDREN) && (ru->flags & RG_RULE_PREVIOUS)) {
            /* prev holds either the previous period or the children's sums */
            rule_on[r] = 0;
            if (both.n) rt_buf_str(&both, ", ");
            rt_buf_str(&both, ru->code);
        } else if (ru->flags & RG_RULE_CHILDREN) {
            if (cfg->units) {
                need_kids = 1;
            } else {
                rule_on[r] = 0;
                if (off.n) rt_buf_str(&off, ", ");
                rt_buf_str(&off, ru->code);
            }
        } else if (rt_prev_rule(ru)) {
            need_prev = 1;
        }
    }
    if (off.n) {
        rt_buf_ch(&off, 0);
        rt_warn(TR("rule(s) %s compare units with the sum of their children and are skipped; add --units UNITS.csv to run them",
                   "quy tắc %s so sánh đơn vị với tổng các đơn vị cấp dưới nên bị bỏ qua; thêm --units UNITS.csv để kiểm tra"),
                off.p);
    }
    if (both.n) {
        rt_buf_ch(&both, 0);
        rt_warn(TR("rule(s) %s read both previous() and children(), which one evaluation cannot join; they are skipped",
                   "quy tắc %s đọc cả previous() và children(), không thể ghép trong một lần tính; chúng bị bỏ qua"),
                both.p);
    }
    rt_buf_free(&off);
    rt_buf_free(&both);
    if (!rebase && (o->rebase || o->apportion || o->rebase_date)) {
        rt_err(err, 2, TR("--rebase, --apportion and --rebase-date are options of `regrt rollup`",
                          "--rebase, --apportion và --rebase-date là tùy chọn của `regrt rollup`"));
        return -1;
    }
    if ((o->apportion || o->rebase_date) && !o->rebase) {
        rt_err(err, 2, TR("--apportion and --rebase-date need --rebase MERGES.csv",
                          "--apportion và --rebase-date cần --rebase MERGES.csv"));
        return -1;
    }
    if (o->rebase) {
        x->rebase = rt_rebase_open(cfg->rg, f, cfg->units, o, err);
        if (!x->rebase) return -1;
    }
    /* A form with children() rules takes rows of units above its tier
     * (parents' own figures), whichever rules are selected. */
    for (uint32_t r = 0; r < f->n_rules && cfg->units; r++)
        if (f->rules[r].flags & RG_RULE_CHILDREN) cfg->units_above = 1;
    if (!need_prev && !need_kids && !x->rebase) return 0; /* the plain scan */
    if (need_prev || need_kids)
        for (int i = 0; i < o->n_data; i++)
            if (!strcmp(o->data[i], "-")) {
                if (spool_stdin(x, err)) return -1;
                break;
            }
    if (need_prev) {
        x->prev = rt_prev_new(cfg->rg, f, rule_on);
        if (first_pass(x, cfg, rule_on, o, on_prev, err)) return -1;
        x->prev_ready = 1;
    }
    if (need_kids) {
        x->kids = rt_kids_new(cfg->rg, f, cfg->units, err);
        if (!x->kids) return -1;
        uint8_t *on = rt_xmalloc(f->n_rules ? f->n_rules : 1);
        for (uint32_t r = 0; r < f->n_rules; r++) on[r] = rule_on[r] && !(f->rules[r].flags & RG_RULE_CHILDREN);
        int rc = first_pass(x, cfg, on, o, on_kids, err);
        free(on);
        if (rc || rt_kids_rollup(x->kids, err)) return -1;
        if (x->prev) rt_prev_reset(x->prev);
    }
    cfg->before = ext_before;
    cfg->after = x->kids ? ext_after : NULL;
    cfg->ext_free = ext_free;
    cfg->ext_ctx = x;
    if (x->rebase) {
        x->acc = cfg->acc;
        cfg->acc = NULL;
        cfg->on_batch = on_rebase;
        cfg->on_batch_ctx = x;
    }
    return 0;
}

void rt_ext_report(rt_ext *x)
{
    if (x->prev) rt_prev_warn(x->prev);
    if (x->rebase) rt_rebase_report(x->rebase);
    if (!x->verbose) return;
    if (x->prev) rt_prev_report(x->prev);
    if (x->kids) rt_kids_report(x->kids);
}

void rt_ext_close(rt_ext *x)
{
    rt_prev_free(x->prev);
    rt_kids_free(x->kids);
    rt_rebase_free(x->rebase);
    if (x->spool_fd >= 0) close(x->spool_fd);
    free(x->spool_path);
    memset(x, 0, sizeof *x);
    x->spool_fd = -1;
}

/* ---- message values ------------------------------------------------------------------- */

void rt_value_text(const rg_regime_desc *d, const rg_form *f, int k, int64_t v, rt_buf *b)
{
    const rg_field *fd = &f->fields[k];
    char buf[48];
    switch (fd->type) {
    case RG_T_DATE:
        rt_date_format(v, buf);
        rt_buf_str(b, buf);
        return;
    case RG_T_BOOL:
        rt_buf_str(b, v ? TR("yes", "có") : TR("no", "không"));
        return;
    case RG_T_CODE:
        if (fd->codelist >= 0 && v >= 0 && (uint32_t)v < d->codelists[fd->codelist].n_codes) {
            rt_buf_str(b, d->codelists[fd->codelist].codes[v].code);
            return;
        }
        break;
    case RG_T_PERIOD: {
        char p[16];
        rt_period_format(f->frequency, v, p);
        rt_buf_str(b, p);
        return;
    }
    default: break;
    }
    if (fd->scale > 0) {
        size_t n = rt_format_scaled(v, fd->scale, buf);
        rt_buf_put(b, buf, n);
    } else {
        rt_buf_i64(b, v);
    }
    if (fd->type == RG_T_PERCENT) rt_buf_ch(b, '%');
}

static int field_named(const rg_form *f, const char *s, size_t n)
{
    for (uint32_t k = 0; k < f->n_fields; k++)
        if (strlen(f->fields[k].code) == n && !memcmp(f->fields[k].code, s, n)) return (int)k;
    return -1;
}

static void value_or_empty(const rg_regime_desc *d, const rg_form *f, const rg_column *cols, int k, uint32_t i,
                           rt_buf *b)
{
    if (cols && cols[k].present && (cols[k].present[i >> 6] >> (i & 63) & 1))
        rt_value_text(d, f, k, cols[k].v[i], b);
    else
        rt_buf_str(b, TR("(empty)", "(trống)"));
}

/* A ratio of the row: the row alone accumulated and finalized by the form's
 * own kernels, the arithmetic of a roll-up. */
static int ratio_text(const rg_form *f, const rt_row *row, uint32_t o, rt_buf *b)
{
    const rg_batch *bt = row->batch;
    if (!f->accumulate || !f->finalize || f->n_outputs > 64 || !f->n_acc) return 0;
    uint32_t n = bt->n_rows;
    uint32_t *slot = rt_xmalloc(n * sizeof *slot);
    uint8_t *pos = rt_xmalloc(n);
    int64_t *acc = rt_xcalloc(f->n_acc, sizeof *acc), out[64];
    for (uint32_t i = 0; i < n; i++) slot[i] = UINT32_MAX;
    slot[row->index] = 0;
    memset(pos, 3, n);
    uint64_t present = 0;
    if (f->accumulate(bt, slot, pos, acc) == 0) f->finalize(acc, out, &present);
    if (present >> o & 1) {
        char buf[48];
        int32_t sc = f->outputs[o].scale;
        size_t len = sc > 0 ? rt_format_scaled(out[o], sc, buf) : (size_t)snprintf(buf, sizeof buf, "%lld", (long long)out[o]);
        rt_buf_put(b, buf, len);
        if (f->outputs[o].type == RG_T_PERCENT) rt_buf_ch(b, '%');
    } else {
        rt_buf_str(b, TR("(empty)", "(trống)"));
    }
    free(slot);
    free(pos);
    free(acc);
    return 1;
}

/* {imbalance}: the row's own figures less its children's, summed over the
 * fields the rule reads with children() (for `x = children(x)`, x less the
 * children's x), at the finest scale among them. */
static void imbalance_text(const rg_form *f, const rt_row *row, const rg_rule *ru, rt_buf *b)
{
    const rg_column *own = row->batch->cols, *ch = row->children;
    uint32_t i = row->index;
    __int128 sum = 0;
    int scale = 0, any = 0, ok = ch != NULL;
    /* the finest scale first, then the sum at that scale */
    for (int pass = 0; pass < 2 && ok; pass++) {
        const char *p = ru->source;
        while (p && (p = strstr(p, "children(")) != NULL) {
            p += 9;
            size_t n = strcspn(p, ") ");
            int k = field_named(f, p, n);
            p += n;
            if (k < 0) continue;
            if (pass == 0) {
                if (f->fields[k].scale > scale) scale = f->fields[k].scale;
                continue;
            }
            if (!(own[k].present[i >> 6] >> (i & 63) & 1) || !(ch[k].present[i >> 6] >> (i & 63) & 1)) {
                ok = 0;
                break;
            }
            __int128 x = (__int128)own[k].v[i] - ch[k].v[i];
            for (int s = f->fields[k].scale; s < scale; s++) x *= 10;
            sum += x;
            any = 1;
        }
    }
    if (!ok || !any || sum > INT64_MAX || sum < INT64_MIN) {
        rt_buf_str(b, TR("(empty)", "(trống)"));
        return;
    }
    if (scale > 0) {
        char buf[48];
        rt_buf_put(b, buf, rt_format_scaled((int64_t)sum, scale, buf));
    } else {
        rt_buf_i64(b, (int64_t)sum);
    }
}

int rt_placeholder(const rg_regime_desc *d, const rg_form *f, const rt_row *row, uint32_t rule, const char *s,
                   size_t n, rt_buf *b)
{
    if (!row->batch) return 0;
    uint32_t i = row->index;
    int k = field_named(f, s, n);
    if (k >= 0) {
        if (!(f->fields[k].flags & RG_FIELD_COMPUTED)) return 0; /* the raw text, as typed */
        value_or_empty(d, f, row->batch->cols, k, i, b);
        return 1;
    }
    if (n > 10 && !memcmp(s, "previous(", 9) && s[n - 1] == ')' && (k = field_named(f, s + 9, n - 10)) >= 0) {
        value_or_empty(d, f, row->batch->prev, k, i, b);
        return 1;
    }
    if (n > 10 && !memcmp(s, "children(", 9) && s[n - 1] == ')' && (k = field_named(f, s + 9, n - 10)) >= 0) {
        value_or_empty(d, f, row->children, k, i, b);
        return 1;
    }
    if (n == 9 && !memcmp(s, "imbalance", 9) && (f->rules[rule].flags & RG_RULE_CHILDREN)) {
        imbalance_text(f, row, &f->rules[rule], b);
        return 1;
    }
    for (uint32_t o = 0; o < f->n_outputs; o++)
        if (f->outputs[o].field < 0 && strlen(f->outputs[o].code) == n && !memcmp(f->outputs[o].code, s, n))
            return ratio_text(f, row, o, b);
    return 0;
}
