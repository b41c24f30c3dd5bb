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
        int hier = 0; /* a hierarchy's rule: selected by rt_hier_select */
        for (uint32_t h = 0; r == f->n_rules && h < f->n_hierarchies; h++)
            for (uint32_t k = 0; k < f->hierarchies[h].pivot->n_rules; k++) {
                const char *c = f->hierarchies[h].pivot->rules[k].code;
                hier |= strlen(c) == n && !memcmp(c, s, n);
            }
        if (n && r == f->n_rules && !hier) {
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
        if (n && !hier) on[r] = 1;
        s += n;
        if (*s == ',') s++;
    }
    return 0;
}

/* ---- hooks --------------------------------------------------------------------- */

typedef struct xscratch {
    void *prev, *kids;
    uint64_t *rep; /* per-unit representatives of the batch (perunit.c) */
} xscratch;

static const rg_column *ext_before(void *ctx, const rg_batch *b, void **scratch)
{
    rt_ext *x = ctx;
    xscratch *s = *scratch;
    if (!s) *scratch = s = rt_xcalloc(1, sizeof *s);
    if (x->rebase) rt_rebase_units(x->rebase, b);
    if (x->pu) {
        if (!s->rep) s->rep = rt_xcalloc(64, sizeof *s->rep);
        rt_pu_rep(x->pu, b, s->rep);
    }
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
    free(s->rep);
    free(s);
}

static const uint64_t *ext_once(void *ctx, const rg_batch *b, void **scratch)
{
    (void)ctx;
    (void)b;
    xscratch *s = *scratch;
    return s ? s->rep : NULL;
}

static void on_pu(void *ctx, const rg_batch *b, const uint64_t *valid)
{
    (void)valid;
    rt_pu_collect(((rt_ext *)ctx)->pu, b);
}

/* The per-unit index: one single-threaded pass (rows are numbered in
 * order), every rule off. */
static int pu_pass(rt_ext *x, const rt_scan_cfg *base, const rt_opts *o, rt_error *err)
{
    rt_scan_cfg c = *base;
    uint8_t *off = rt_xcalloc(base->form->n_rules ? base->form->n_rules : 1, 1);
    c.rule_on = off;
    c.report = NULL;
    c.acc = NULL;
    c.on_batch = on_pu;
    c.on_batch_ctx = x;
    c.before = NULL;
    c.after = NULL;
    c.ext_free = NULL;
    c.ext_ctx = NULL;
    c.cross = NULL;
    c.dups = NULL;
    c.threads = 1;
    rt_scan_stats st;
    memset(&st, 0, sizeof st);
    st.rule_fail = rt_xcalloc(base->form->n_rules ? base->form->n_rules : 1, sizeof *st.rule_fail);
    const char **names = rt_xcalloc((size_t)o->n_data + 1, sizeof *names);
    int quiet = rt_quiet, rc = 0;
    rt_quiet = 1;
    for (int i = 0; i < o->n_data && !rc; i++) {
        names[i] = !strcmp(o->data[i], "-") ? "<stdin>" : o->data[i];
        rt_pu_file(x->pu, (uint32_t)i);
        if (rt_scan_file(&c, rt_ext_path(x, o, i), &st, err)) rc = -1;
    }
    rt_quiet = quiet;
    if (!rc && rt_pu_check(x->pu, names, err)) rc = -1;
    free(names);
    free(st.rule_fail);
    free(off);
    return rc;
}

static void on_prev(void *ctx, const rg_batch *b, const uint64_t *valid)
{
    (void)valid;
    rt_prev_collect(((rt_ext *)ctx)->prev_next, b);
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
    rt_buf off = {0};
    for (uint32_t r = 0; r < f->n_rules; r++) {
        const rg_rule *ru = &f->rules[r];
        if (!rule_on[r] || !(ru->flags & RG_RULE_CHILDREN)) continue;
        if (cfg->units) {
            need_kids = 1;
        } else {
            rule_on[r] = 0;
            if (off.n) rt_buf_str(&off, ", ");
            rt_buf_str(&off, ru->code);
        }
    }
    /* from the descriptor's read sets: a selected rule, one of its message
     * values, or a computed field (always computed) reads previous() */
    need_prev = rt_prev_needed(f, rule_on);
    if (off.n) {
        rt_buf_ch(&off, 0);
        rt_warn(TR("rule(s) %s compare units with the sum of their children and are skipped; add --units UNITS.csv to run them",
                   "quy tắc %s so sánh đơn vị với tổng các đơn vị cấp dưới nên bị bỏ qua; thêm --units UNITS.csv để kiểm tra"),
                off.p);
    }
    rt_buf_free(&off);
    if (!rebase && (o->rebase || o->apportion || o->rebase_date || o->left_out)) {
        rt_err(err, 2, TR("--rebase, --apportion, --rebase-date and --left-out are options of `regrt rollup`",
                          "--rebase, --apportion, --rebase-date và --left-out là tùy chọn của `regrt rollup`"));
        return -1;
    }
    if ((o->apportion || o->rebase_date || o->left_out) && !o->rebase) {
        rt_err(err, 2, TR("--apportion, --rebase-date and --left-out need --rebase MERGES.csv",
                          "--apportion, --rebase-date và --left-out cần --rebase MERGES.csv"));
        return -1;
    }
    x->pu = rt_pu_new(cfg->rg->desc, f);
    if (x->pu && o->apportion) {
        /* a part of a split row is no row of the old unit's: which part
         * carries the unit's own figures cannot be said */
        rt_err(err, 2, TR("--apportion cannot split the rows of form '%s': its per-unit fields are figures of the old "
                          "unit, reported once, not shares of it; roll it up without --apportion (partial merges are "
                          "then reported and left out)",
                          "--apportion không thể chia các dòng của biểu '%s': các trường theo đơn vị của nó là số liệu "
                          "của đơn vị cũ, báo cáo một lần, không phải phần được chia; hãy tổng hợp không dùng "
                          "--apportion (các trường hợp sáp nhập một phần khi đó được báo cáo và loại ra)"),
               f->code);
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
    if (!need_prev && !need_kids && !x->rebase && !x->pu) return 0; /* the plain scan */
    if (need_prev || need_kids || x->pu)
        for (int i = 0; i < o->n_data; i++)
            if (!strcmp(o->data[i], "-")) {
                if (spool_stdin(x, err)) return -1;
                break;
            }
    if (x->pu) {
        if (pu_pass(x, cfg, o, err)) return -1;
        if (cfg->acc) rt_acc_per_unit(cfg->acc, x->pu);
        cfg->once = ext_once;
    }
    if (need_prev) {
        /* one pass per period back: pass k indexes the rows with the
         * computed columns of pass k-1's join (previous() of a computed
         * field that itself reads previous()) */
        uint32_t depth = f->prev_depth ? f->prev_depth : 1;
        for (uint32_t k = 0; k < depth; k++) {
            x->prev_next = rt_prev_new(cfg->rg, f, rule_on);
            int rc = first_pass(x, cfg, rule_on, o, on_prev, err);
            rt_prev_free(x->prev);
            x->prev = x->prev_next;
            x->prev_next = NULL;
            if (rc) return -1;
            x->prev_ready = 1;
            /* a running total that never resets reads back to its series'
             * first period: as many more passes as the longest series has
             * periods after its first (known from the first index) */
            if (!k && f->prev_series) depth += rt_prev_span(x->prev);
        }
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
    rt_prev_free(x->prev_next);
    rt_kids_free(x->kids);
    rt_rebase_free(x->rebase);
    rt_pu_free(x->pu);
    if (x->spool_fd >= 0) close(x->spool_fd);
    free(x->spool_path);
    memset(x, 0, sizeof *x);
    x->spool_fd = -1;
}

/* ---- message values ------------------------------------------------------------------- */

/* A value of type `type` at `scale` as a message shows it: scaled
 * decimals, dates, codes, periods. */
static void typed_text(const rg_regime_desc *d, const rg_form *f, uint32_t type, int32_t scale, int32_t codelist,
                       int64_t v, rt_buf *b)
{
    char buf[48];
    switch (type) {
    case RG_T_DATE:
        rt_date_format(v, buf);
        rt_buf_str(b, buf);
        return;
    case RG_T_BOOL:
        rt_buf_str(b, v ? TR("yes", "có") : TR("no", "không"));
        return;
    case RG_T_CODE:
        if (codelist >= 0 && (uint32_t)codelist < d->n_codelists && v >= 0 && (uint32_t)v < d->codelists[codelist].n_codes) {
            rt_buf_str(b, d->codelists[codelist].codes[v].code);
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
    if (scale > 0) {
        size_t n = rt_format_scaled(v, scale, buf);
        rt_buf_put(b, buf, n);
    } else {
        rt_buf_i64(b, v);
    }
    if (type == RG_T_PERCENT) rt_buf_ch(b, '%');
}

void rt_value_text(const rg_regime_desc *d, const rg_form *f, int k, int64_t v, rt_buf *b)
{
    const rg_field *fd = &f->fields[k];
    typed_text(d, f, fd->type, fd->scale, fd->codelist, v, b);
}

int rt_rule_result(const rg_regime_desc *d, const rg_form *f, const rt_row *row, uint32_t rule, rt_buf *imbalance)
{
    const rg_rule *ru = &f->rules[rule];
    int64_t out[64];
    uint64_t present = 0;
    if (row->batch && f->message && ru->n_values <= 64) {
        rg_batch bt = *row->batch;
        bt.children = row->children;
        bt.children_rows = row->children ? row->children[f->n_fields].present : NULL;
        if (f->message(&bt, rule, row->index, out, &present) < 0) present = 0;
    }
    int32_t k = ru->imbalance;
    if (imbalance && k >= 0 && k < 64 && (present >> k & 1))
        typed_text(d, f, ru->values[k].type, ru->values[k].scale, ru->values[k].codelist, out[k], imbalance);
    k = ru->verdict;
    if (k < 0 || k >= 64 || !(present >> k & 1)) return -1;
    return out[k] != 0;
}

int rt_placeholder(const rg_regime_desc *d, const rg_form *f, const rt_row *row, uint32_t rule, const char *s,
                   size_t n, rt_buf *b)
{
    const rg_rule *ru = &f->rules[rule];
    uint32_t k;
    for (k = 0; k < ru->n_values; k++)
        if (strlen(ru->values[k].name) == n && !memcmp(ru->values[k].name, s, n)) break;
    if (k == ru->n_values || ru->values[k].field >= 0) return 0; /* literal, or the raw text */
    const rg_value *v = &ru->values[k];
    int64_t out[64];
    uint64_t present = 0;
    if (row->batch && f->message && k < 64) {
        /* the batch validate saw, with the children's sums of this row */
        rg_batch bt = *row->batch;
        bt.children = row->children;
        bt.children_rows = row->children ? row->children[f->n_fields].present : NULL;
        if (f->message(&bt, rule, row->index, out, &present) < 0) present = 0;
    }
    if (present >> k & 1) typed_text(d, f, v->type, v->scale, v->codelist, out[k], b);
    else rt_buf_str(b, TR("(empty)", "(trống)"));
    return 1;
}
