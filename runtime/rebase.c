/*
 * rebase.c — `regrt rollup --rebase MERGES.csv [--apportion SHARES.csv]
 * [--rebase-date YYYY-MM-DD]`: figures of units that a reform merged,
 * carried onto the new units.
 *
 * MERGES.csv has the columns of stdlib/data/vn_commune_merges_2025-07-01.csv
 * (province_code,commune_code,commune_name,old_commune_code,
 * old_commune_name,merge_type): one line per old unit and new unit it went
 * into, `full` (the whole old unit) or `partial` (a part of it). --units is
 * the unit list after the reform; the new codes are units of the form's
 * tier in it. The reform takes effect on --rebase-date, by default the date
 * in MERGES.csv's file name.
 *
 * A row is an old unit's when its period ends before the reform; its unit
 * code is then an old code, looked up in the merge map (never in the new
 * list: new codes reuse old ones). Before the kernels the row gets the new
 * unit (so that `unit in commune` holds); after them, its valid figures go
 * into the roll-up:
 *   - full merge: into the new unit, as they are;
 *   - partial merge with shares (--apportion SHARES.csv, columns
 *     old_code,new_code,share; shares of an old unit add up to 1): one part
 *     per new unit, each field summed over units multiplied by its share,
 *     rounded to whole units of the field's last decimal so that the parts
 *     add up exactly to the figure (largest remainder); fields aggregated
 *     otherwise (min, max, averages), codes and dates are copied;
 *   - partial merge without shares: left out of the totals and reported on
 *     stderr, one line per old unit and period with its figures and the new
 *     units whose totals are therefore incomplete;
 *   - an old code that is not in the map: the unit is unknown (rules such as
 *     `unit in commune` fail, and the roll-up leaves the row out).
 * Rows of later periods are left as they are. Nothing is counted twice: a
 * row goes into one new unit, or is split into parts that add up to it.
 */
#include <stdlib.h>

#include "ext.h"

#define SHARE_ONE 1000000 /* shares are read with 6 decimals */

typedef struct old_unit {
    const char *code, *name;
    uint32_t t0, nt;    /* targets */
    uint8_t partial, apportioned;
    int64_t *seen;      /* periods of its valid rows (provenance), unsorted */
    uint32_t n_seen, cap_seen;
} old_unit;

typedef struct target {
    int32_t g;          /* unit of the form's tier, -1 when not in --units */
    const char *code, *name;
    int64_t share;      /* of SHARE_ONE */
} target;

typedef struct left_row {
    uint32_t old;
    int64_t period;
    uint64_t rows;
    int64_t *sum;
    uint8_t *ovf;       /* fields whose sum left int64 (NULL: none) */
} left_row;

struct rt_rebase {
    const rt_regime *rg;
    const rg_form *form;
    const rt_units *units;
    int64_t reform_day;
    char reform_text[16];
    rt_arena arena;
    rt_strmap map; /* old code -> index into olds */
    old_unit *olds;
    uint32_t n_olds;
    target *targets;
    uint32_t n_targets;
    uint8_t *split;    /* per field: apportioned by share (summed over units) */
    uint32_t n_split;
    /* periods: is_old cache */
    int64_t cache_p[8];
    int8_t cache_v[8];
    pthread_mutex_t mu;
    uint64_t rows_rebased, rows_apportioned, parts, rows_left, rows_unmapped, rows_later;
    left_row *left;
    uint32_t n_left, cap_left;
    /* provenance: per unit of --units, the old units that went into it */
    uint32_t *src_start, *src; /* src[src_start[g] .. src_start[g + 1]) */
    uint32_t n_units;
    int left_merged;
};

static inline int bit(const uint64_t *w, uint32_t i) { return (int)(w[i >> 6] >> (i & 63) & 1); }

/* The last YYYY-MM-DD of a file's name. */
static int date_in_name(const char *path, int64_t *day)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    int found = 0;
    for (const char *p = base; strlen(p) >= 10; p++) {
        int64_t d;
        if (p[4] == '-' && p[7] == '-' && rt_date_parse(p, 10, &d) == 0) {
            *day = d;
            found = 1;
        }
    }
    return found;
}

static int col_of(rt_csv *c, const char *name)
{
    for (uint32_t i = 0; i < rt_csv_nfields(c); i++)
        if (!strcmp(rt_csv_field(c, i, NULL), name)) return (int)i;
    return -1;
}

typedef struct pair {
    uint32_t old;
    target t;
    uint8_t partial;
    uint64_t line;
} pair;

static int cmp_pair(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    if (x->old != y->old) return x->old < y->old ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

static int load_map(rt_rebase *r, const char *path, rt_error *err)
{
    rt_csv *c = rt_csv_open(path, err);
    if (!c) return -1;
    int rc = -1, k;
    pair *pairs = NULL;
    uint32_t n = 0, cap = 0;
    uint64_t missing_new = 0;
    const char *first_missing = NULL;
    if ((k = rt_csv_next(c, err)) <= 0) {
        if (k == 0)
            rt_err(err, 2, TR("%s: the merge map is empty", "%s: bảng sáp nhập rỗng"), path);
        goto out;
    }
    static const char *const need[] = {"commune_code", "commune_name", "old_commune_code", "old_commune_name",
                                       "merge_type"};
    int col[5];
    for (int i = 0; i < 5; i++) {
        col[i] = col_of(c, need[i]);
        if (col[i] < 0) {
            rt_err(err, 2, TR("%s:1: no column '%s'; a merge map has the columns province_code,commune_code,commune_name,old_commune_code,old_commune_name,merge_type",
                              "%s:1: không có cột '%s'; bảng sáp nhập có các cột province_code,commune_code,commune_name,old_commune_code,old_commune_name,merge_type"),
                   path, need[i]);
            goto out;
        }
    }
    while ((k = rt_csv_next(c, err)) > 0) {
        uint32_t lnew, lold, ltype;
        const char *nw = rt_csv_field(c, (uint32_t)col[0], &lnew);
        const char *old = rt_csv_field(c, (uint32_t)col[2], &lold);
        const char *type = rt_csv_field(c, (uint32_t)col[4], &ltype);
        uint64_t line = rt_csv_line(c);
        if (!lnew || !lold) {
            rt_err(err, 2, TR("%s:%llu: a new and an old code are needed on every line",
                              "%s:%llu: mỗi dòng cần có mã mới và mã cũ"),
                   path, (unsigned long long)line);
            goto out;
        }
        uint8_t partial;
        if (!strcmp(type, "full")) partial = 0;
        else if (!strcmp(type, "partial")) partial = 1;
        else {
            rt_err(err, 2, TR("%s:%llu: merge_type '%s': expected full or partial",
                              "%s:%llu: merge_type '%s': cần full hoặc partial"),
                   path, (unsigned long long)line, type);
            goto out;
        }
        uint32_t idx;
        if (!rt_strmap_get(&r->map, old, lold, &idx)) {
            if (r->n_olds % 1024 == 0) r->olds = rt_xrealloc(r->olds, (r->n_olds + 1024) * sizeof *r->olds);
            idx = r->n_olds++;
            old_unit *o = &r->olds[idx];
            memset(o, 0, sizeof *o);
            o->code = rt_arena_strndup(&r->arena, old, lold);
            o->name = rt_arena_strndup(&r->arena, rt_csv_field(c, (uint32_t)col[3], NULL),
                                       strlen(rt_csv_field(c, (uint32_t)col[3], NULL)));
            rt_strmap_put(&r->map, o->code, lold, idx);
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            pairs = rt_xrealloc(pairs, cap * sizeof *pairs);
        }
        pair *p = &pairs[n++];
        memset(p, 0, sizeof *p);
        p->old = idx;
        p->partial = partial;
        p->line = line;
        p->t.code = rt_arena_strndup(&r->arena, nw, lnew);
        const char *nn = rt_csv_field(c, (uint32_t)col[1], NULL);
        p->t.name = rt_arena_strndup(&r->arena, nn, strlen(nn));
        p->t.g = rt_units_find(r->units, r->form->unit_tier, nw, lnew);
        if (p->t.g < 0 && !missing_new++) first_missing = p->t.code;
    }
    if (k < 0) goto out;
    if (!n) {
        rt_err(err, 2, TR("%s: the merge map has no line", "%s: bảng sáp nhập không có dòng nào"), path);
        goto out;
    }
    qsort(pairs, n, sizeof *pairs, cmp_pair);
    r->targets = rt_xcalloc(n, sizeof *r->targets);
    for (uint32_t i = 0; i < n;) {
        uint32_t j = i;
        old_unit *o = &r->olds[pairs[i].old];
        o->t0 = r->n_targets;
        uint32_t full = 0, part = 0;
        for (; j < n && pairs[j].old == pairs[i].old; j++) {
            int dup = 0;
            for (uint32_t x = o->t0; x < r->n_targets; x++)
                if (!strcmp(r->targets[x].code, pairs[j].t.code)) dup = 1;
            if (dup) continue;
            r->targets[r->n_targets++] = pairs[j].t;
            if (pairs[j].partial) part++;
            else full++;
        }
        o->nt = r->n_targets - o->t0;
        if (o->nt > 64) {
            rt_err(err, 2, TR("%s: old unit %s went into more than 64 new units", "%s: đơn vị cũ %s được chia cho hơn 64 đơn vị mới"),
                   path, o->code);
            goto out;
        }
        if (full && (part || full > 1)) {
            rt_err(err, 2, TR("%s:%llu: old unit %s went fully into more than one new unit, or both fully and partly; each old unit goes fully into one new unit, or partly into several",
                              "%s:%llu: đơn vị cũ %s được sáp nhập toàn bộ vào nhiều đơn vị mới, hoặc vừa toàn bộ vừa một phần; mỗi đơn vị cũ hoặc nhập toàn bộ vào một đơn vị mới, hoặc nhập một phần vào nhiều đơn vị"),
                   path, (unsigned long long)pairs[i].line, o->code);
            goto out;
        }
        o->partial = part > 0;
        i = j;
    }
    if (missing_new)
        rt_warn(TR("%s: %llu line(s) name a new unit that is not a %s of %s (the first: %s); rows re-based onto it stay unknown units. --units must be the unit list after the reform",
                   "%s: %llu dòng có đơn vị mới không phải là %s trong %s (đầu tiên: %s); các dòng chuyển sang đơn vị này bị coi là đơn vị không xác định. --units phải là danh sách đơn vị sau sắp xếp"),
                path, (unsigned long long)missing_new, rt_regime_desc(r->rg)->tiers[r->form->unit_tier].name,
                "--units", first_missing);
    rc = 0;
out:
    free(pairs);
    rt_csv_close(c);
    return rc;
}

static int load_shares(rt_rebase *r, const char *path, rt_error *err)
{
    rt_csv *c = rt_csv_open(path, err);
    if (!c) return -1;
    int rc = -1, k;
    if ((k = rt_csv_next(c, err)) <= 0) {
        if (k == 0) rt_err(err, 2, TR("%s: the file is empty", "%s: tệp rỗng"), path);
        goto out;
    }
    int co = col_of(c, "old_code"), cn = col_of(c, "new_code"), cs = col_of(c, "share");
    if (co < 0 || cn < 0 || cs < 0) {
        rt_err(err, 2, TR("%s:1: expected the columns old_code,new_code,share",
                          "%s:1: cần các cột old_code,new_code,share"),
               path);
        goto out;
    }
    uint8_t *seen = rt_xcalloc(r->n_targets ? r->n_targets : 1, 1);
    const uint32_t nh = rt_csv_nfields(c);
    while ((k = rt_csv_next(c, err)) > 0) {
        uint32_t lo, ln, ls;
        /* A record wider or narrower than the header (an extra field, a
         * shifted value) is refused: its share could be the wrong column. */
        if (rt_csv_nfields(c) != nh) {
            rt_err(err, 2, TR("%s:%llu: %u field(s), but the header has %u; write old_code,new_code,share",
                              "%s:%llu: %u trường, nhưng dòng tiêu đề có %u; hãy viết old_code,new_code,share"),
                   path, (unsigned long long)rt_csv_line(c), rt_csv_nfields(c), nh);
            goto bad;
        }
        const char *old = rt_csv_field(c, (uint32_t)co, &lo), *nw = rt_csv_field(c, (uint32_t)cn, &ln),
                   *sh = rt_csv_field(c, (uint32_t)cs, &ls);
        unsigned long long line = (unsigned long long)rt_csv_line(c);
        uint32_t idx;
        if (!rt_strmap_get(&r->map, old, lo, &idx)) {
            rt_err(err, 2, TR("%s:%llu: old unit '%s' is not in the merge map", "%s:%llu: đơn vị cũ '%s' không có trong bảng sáp nhập"),
                   path, line, old);
            goto bad;
        }
        old_unit *o = &r->olds[idx];
        uint32_t t;
        for (t = o->t0; t < o->t0 + o->nt; t++)
            if (!strcmp(r->targets[t].code, nw)) break;
        if (t == o->t0 + o->nt) {
            rt_err(err, 2, TR("%s:%llu: old unit %s did not go into %s (the merge map)",
                              "%s:%llu: đơn vị cũ %s không được sáp nhập vào %s (theo bảng sáp nhập)"),
                   path, line, old, nw);
            goto bad;
        }
        if (!o->partial) {
            rt_err(err, 2, TR("%s:%llu: old unit %s went fully into %s: there is nothing to apportion",
                              "%s:%llu: đơn vị cũ %s được sáp nhập toàn bộ vào %s: không có gì để phân bổ"),
                   path, line, old, nw);
            goto bad;
        }
        int64_t v;
        if (rt_parse_decimal(sh, ls, 6, 0, &v) || v < 0 || v > SHARE_ONE) {
            rt_err(err, 2, TR("%s:%llu: share '%s': expected a number from 0 to 1 with at most 6 decimals (0.25)",
                              "%s:%llu: tỷ lệ '%s': cần một số từ 0 đến 1, tối đa 6 chữ số thập phân (0.25)"),
                   path, line, sh);
            goto bad;
        }
        if (seen[t]) {
            rt_err(err, 2, TR("%s:%llu: a second share for %s -> %s", "%s:%llu: tỷ lệ thứ hai cho %s -> %s"), path,
                   line, old, nw);
            goto bad;
        }
        seen[t] = 1;
        r->targets[t].share = v;
        o->apportioned = 1;
    }
    if (k < 0) goto bad;
    for (uint32_t i = 0; i < r->n_olds; i++) {
        old_unit *o = &r->olds[i];
        if (!o->apportioned) continue;
        int64_t sum = 0;
        for (uint32_t t = o->t0; t < o->t0 + o->nt; t++) sum += r->targets[t].share;
        if (sum != SHARE_ONE) {
            char buf[48];
            buf[rt_format_scaled(sum, 6, buf)] = 0;
            rt_err(err, 2, TR("%s: the shares of old unit %s add up to %s, not 1",
                              "%s: tổng tỷ lệ của đơn vị cũ %s là %s, không phải 1"),
                   path, o->code, buf);
            goto bad;
        }
    }
    rc = 0;
bad:
    free(seen);
out:
    rt_csv_close(c);
    return rc;
}

static void index_sources(rt_rebase *r);

rt_rebase *rt_rebase_open(const rt_regime *rg, const rg_form *f, const rt_units *u, const rt_opts *o,
                          rt_error *err)
{
    if (f->unit_field < 0 || f->period_field < 0) {
        rt_err(err, 2, TR("form '%s' has no unit or no period field: nothing to re-base",
                          "biểu '%s' không có trường đơn vị hoặc kỳ: không có gì để chuyển đổi"),
               f->code);
        return NULL;
    }
    rt_rebase *r = rt_xcalloc(1, sizeof *r);
    r->rg = rg;
    r->form = f;
    r->units = u;
    pthread_mutex_init(&r->mu, NULL);
    rt_strmap_init(&r->map, 16384);
    for (int i = 0; i < 8; i++) r->cache_p[i] = -1;
    if (o->rebase_date) {
        if (rt_date_parse(o->rebase_date, strlen(o->rebase_date), &r->reform_day)) {
            rt_err(err, 2, TR("--rebase-date %s: expected a date YYYY-MM-DD", "--rebase-date %s: cần một ngày YYYY-MM-DD"),
                   o->rebase_date);
            goto fail;
        }
    } else if (!date_in_name(o->rebase, &r->reform_day)) {
        rt_err(err, 2, TR("--rebase %s: the file name holds no date of the reform (YYYY-MM-DD); give it with --rebase-date YYYY-MM-DD",
                          "--rebase %s: tên tệp không có ngày sắp xếp (YYYY-MM-DD); hãy cho ngày bằng --rebase-date YYYY-MM-DD"),
               o->rebase);
        goto fail;
    }
    rt_date_format(r->reform_day, r->reform_text);
    if (load_map(r, o->rebase, err)) goto fail;
    if (o->apportion && load_shares(r, o->apportion, err)) goto fail;
    index_sources(r);
    r->split = rt_xcalloc(f->n_fields ? f->n_fields : 1, 1);
    for (uint32_t k = 0; k < f->n_fields; k++) {
        const rg_field *fd = &f->fields[k];
        if (fd->flags & (RG_FIELD_KEY_UNIT | RG_FIELD_KEY_PERIOD | RG_FIELD_DIMENSION | RG_FIELD_COMPUTED)) continue;
        if (fd->unit_agg != RG_UNITS_SUM) continue;
        if (fd->type == RG_T_INTEGER || fd->type == RG_T_COUNT || fd->type == RG_T_DECIMAL || fd->type == RG_T_MONEY) {
            r->split[k] = 1;
            r->n_split++;
        }
    }
    return r;
fail:
    rt_rebase_free(r);
    return NULL;
}

void rt_rebase_free(rt_rebase *r)
{
    if (!r) return;
    for (uint32_t i = 0; i < r->n_left; i++) {
        free(r->left[i].sum);
        free(r->left[i].ovf);
    }
    free(r->left);
    for (uint32_t i = 0; i < r->n_olds; i++) free(r->olds[i].seen);
    free(r->olds);
    free(r->src_start);
    free(r->src);
    free(r->targets);
    free(r->split);
    rt_strmap_free(&r->map);
    rt_arena_free(&r->arena);
    pthread_mutex_destroy(&r->mu);
    free(r);
}

/* Whether period p ends before the reform. */
static int is_old(const rt_rebase *r, int64_t p)
{
    int64_t first, last;
    if (rt_period_months(r->form->frequency, p, &first, &last)) return 0;
    int64_t next = last + 1; /* the month after the period */
    int64_t end = rt_days_from_civil((int)(next / 12), (int)(next % 12) + 1, 1) - 1;
    return end < r->reform_day;
}

/* The old unit of row i (an old period), or -1 when its code is not in the map. */
static int64_t old_of(const rt_rebase *r, const rg_column *uc, uint32_t i)
{
    uint32_t idx;
    if (!uc->str || !uc->len || !uc->len[i]) return -1;
    if (!rt_strmap_get(&r->map, uc->str[i], uc->len[i], &idx)) return -1;
    return idx;
}

/* Per batch: 1 when the row is an old unit's, from the period. */
static int row_old(rt_rebase *r, const rg_column *pc, uint32_t i, int64_t *lp, int *lo)
{
    if (!bit(pc->present, i)) return 0;
    if (pc->v[i] != *lp) {
        *lp = pc->v[i];
        *lo = is_old(r, *lp);
    }
    return *lo;
}

void rt_rebase_units(rt_rebase *r, const rg_batch *b)
{
    const rg_column *uc = &b->cols[r->form->unit_field], *pc = &b->cols[r->form->period_field];
    int64_t lp = -1;
    int lo = 0;
    for (uint32_t i = 0; i < b->n_rows; i++) {
        if (!bit(uc->present, i) || !row_old(r, pc, i, &lp, &lo)) continue;
        int64_t o = old_of(r, uc, i);
        int64_t g = -1;
        if (o >= 0) {
            const old_unit *ou = &r->olds[o];
            for (uint32_t t = ou->t0; t < ou->t0 + ou->nt && g < 0; t++) g = r->targets[t].g;
        }
        uc->v[i] = g;
    }
}

static void add_left(rt_rebase *r, const rg_batch *b, uint32_t i, uint32_t old, int64_t period)
{
    if (r->n_left == r->cap_left) {
        r->cap_left = r->cap_left ? r->cap_left * 2 : 64;
        r->left = rt_xrealloc(r->left, r->cap_left * sizeof *r->left);
    }
    left_row *l = &r->left[r->n_left++];
    l->old = old;
    l->period = period;
    l->rows = 1;
    l->ovf = NULL;
    l->sum = rt_xcalloc(r->form->n_fields ? r->form->n_fields : 1, sizeof *l->sum);
    for (uint32_t k = 0; k < r->form->n_fields; k++)
        if (r->split[k] && bit(b->cols[k].present, i)) l->sum[k] = b->cols[k].v[i];
}

void rt_apportion(const int64_t *share, uint32_t n, int64_t v, int64_t *part)
{
    int neg = v < 0;
    unsigned __int128 a = neg ? (unsigned __int128)(0 - (uint64_t)v) : (unsigned __int128)(uint64_t)v;
    uint64_t rem[64];
    unsigned __int128 given = 0;
    if (n > 64) n = 64;
    for (uint32_t j = 0; j < n; j++) {
        unsigned __int128 x = a * (uint64_t)share[j];
        part[j] = (int64_t)(x / SHARE_ONE);
        rem[j] = (uint64_t)(x % SHARE_ONE);
        given += (unsigned __int128)part[j];
    }
    /* what the floors left, one unit each to the largest remainders (the
     * first of equal ones) */
    uint64_t left = given < a ? (uint64_t)(a - given) : 0;
    while (left-- && n) {
        uint32_t best = 0;
        for (uint32_t j = 1; j < n; j++)
            if (rem[j] > rem[best]) best = j;
        part[best]++;
        rem[best] = 0;
    }
    if (neg)
        for (uint32_t j = 0; j < n; j++) part[j] = -part[j];
}

static void apportion(const target *t, uint32_t nt, int64_t v, int64_t *part)
{
    int64_t share[64];
    for (uint32_t j = 0; j < nt && j < 64; j++) share[j] = t[j].share;
    rt_apportion(share, nt, v, part);
}

/* The old unit sent a valid row for period p (under the lock). */
static void mark_seen(old_unit *o, int64_t p)
{
    for (uint32_t k = o->n_seen; k-- > 0;)
        if (o->seen[k] == p) return;
    if (o->n_seen == o->cap_seen) {
        o->cap_seen = o->cap_seen ? o->cap_seen * 2 : 4;
        o->seen = rt_xrealloc(o->seen, o->cap_seen * sizeof *o->seen);
    }
    o->seen[o->n_seen++] = p;
}

/* Per unit of --units, the old units of the map that went into it. */
static void index_sources(rt_rebase *r)
{
    uint32_t n = rt_units_total(r->units);
    r->n_units = n;
    r->src_start = rt_xcalloc((size_t)n + 2, sizeof *r->src_start);
    for (uint32_t t = 0; t < r->n_targets; t++)
        if (r->targets[t].g >= 0) r->src_start[r->targets[t].g + 2]++;
    for (uint32_t g = 0; g < n; g++) r->src_start[g + 2] += r->src_start[g + 1];
    r->src = rt_xcalloc(r->n_targets ? r->n_targets : 1, sizeof *r->src);
    for (uint32_t o = 0; o < r->n_olds; o++)
        for (uint32_t t = r->olds[o].t0; t < r->olds[o].t0 + r->olds[o].nt; t++)
            if (r->targets[t].g >= 0) r->src[r->src_start[r->targets[t].g + 1]++] = o;
}

int rt_rebase_sources(const rt_rebase *r, uint32_t g, uint32_t freq, int64_t first, uint32_t n, rt_buf *out)
{
    if (!r->src_start || g >= r->n_units) return 0;
    uint32_t a = r->src_start[g], e = r->src_start[g + 1], sent = 0, missing = 0;
    if (a == e) return 0;
    /* the old units count for periods of the old units only */
    int any_old = 0;
    for (uint32_t k = 0; k < n && !any_old; k++) any_old = is_old(r, first + k);
    if (!any_old || freq != r->form->frequency) return 0;
    rt_buf codes = {0}, miss = {0};
    for (uint32_t i = a; i < e; i++) {
        const old_unit *o = &r->olds[r->src[i]];
        int has = 0;
        for (uint32_t k = 0; k < o->n_seen && !has; k++) has = o->seen[k] >= first && o->seen[k] < first + n;
        /* a partial merge without shares sends rows that are left out */
        if (has && o->partial && !o->apportioned) has = 0;
        rt_buf *b = has ? &codes : &miss;
        if (b->n) rt_buf_ch(b, ' ');
        rt_buf_str(b, o->code);
        if (!has && o->partial && !o->apportioned) rt_buf_str(b, TR(" (partial, not apportioned)", " (một phần, chưa phân bổ)"));
        if (has) sent++;
        else missing++;
    }
    rt_buf_printf(out, ",%u,%.*s,", sent, (int)codes.n, codes.p ? codes.p : "");
    if (missing) rt_buf_printf(out, "%s %.*s", TR("incomplete: missing", "thiếu:"), (int)miss.n, miss.p);
    else rt_buf_str(out, TR("complete", "đủ"));
    rt_buf_free(&codes);
    rt_buf_free(&miss);
    return 1;
}

void rt_rebase_batch(rt_rebase *r, rt_acc *acc, const rg_batch *b, const uint64_t *valid)
{
    rt_acc_rebasing(acc, r); /* old units merged share their new unit's group */
    const rg_form *f = r->form;
    const uint32_t n = b->n_rows, nw = (n + 63) / 64, nf = f->n_fields;
    const rg_column *uc = &b->cols[f->unit_field], *pc = &b->cols[f->period_field];
    uint64_t *keep = rt_xmalloc((nw ? nw : 1) * sizeof *keep);
    memcpy(keep, valid, nw * sizeof *keep);
    uint32_t *split_rows = NULL, n_split = 0, n_parts = 0;
    uint64_t rebased = 0, later = 0, unmapped = 0, app = 0, left = 0;
    int64_t lp = -1;
    int lo = 0;
    pthread_mutex_lock(&r->mu);
    for (uint32_t i = 0; i < n; i++) {
        if (!bit(valid, i)) continue;
        if (!bit(uc->present, i) || !row_old(r, pc, i, &lp, &lo)) {
            later++;
            continue;
        }
        int64_t o = old_of(r, uc, i);
        if (o < 0) {
            unmapped++;
            continue;
        }
        old_unit *ou = &r->olds[o];
        mark_seen(ou, pc->v[i]);
        if (!ou->partial) {
            rebased++;
            continue;
        }
        keep[i >> 6] &= ~(1ull << (i & 63));
        if (ou->apportioned) {
            if (!split_rows) split_rows = rt_xmalloc(n * sizeof *split_rows);
            split_rows[n_split++] = i;
            n_parts += ou->nt;
            app++;
        } else {
            add_left(r, b, i, (uint32_t)o, pc->v[i]);
            left++;
        }
    }
    r->rows_rebased += rebased;
    r->rows_later += later;
    r->rows_unmapped += unmapped;
    r->rows_apportioned += app;
    r->parts += n_parts;
    r->rows_left += left;
    pthread_mutex_unlock(&r->mu);

    uint32_t cap = n > n_parts ? n : n_parts;
    uint32_t *slot = rt_xmalloc((cap ? cap : 1) * sizeof *slot), *combo = rt_xmalloc((cap ? cap : 1) * sizeof *combo);
    uint8_t *pos = rt_xmalloc(cap ? cap : 1);
    rt_acc_batch(acc, b, keep, slot, pos, combo);
    if (n_split) {
        /* The parts of the apportioned rows, as a batch of their own. */
        const uint32_t m = n_parts, mw = (m + 63) / 64;
        rg_column *cols = rt_xcalloc(nf, sizeof *cols);
        int64_t *v = rt_xcalloc((size_t)m * nf, sizeof *v);
        uint64_t *pres = rt_xcalloc((size_t)mw * nf, sizeof *pres), *zero = rt_xcalloc(mw, sizeof *zero),
                 *ones = rt_xmalloc(mw * sizeof *ones);
        for (uint32_t w = 0; w < mw; w++) ones[w] = w + 1 < mw || (m & 63) == 0 ? ~0ull : (1ull << (m & 63)) - 1;
        for (uint32_t k = 0; k < nf; k++) {
            cols[k].v = v + (size_t)k * m;
            cols[k].present = pres + (size_t)k * mw;
            cols[k].malformed = zero;
        }
        int64_t part[64];
        uint32_t at = 0;
        for (uint32_t s = 0; s < n_split; s++) {
            uint32_t i = split_rows[s];
            const old_unit *ou = &r->olds[old_of(r, uc, i)];
            const target *t = &r->targets[ou->t0];
            for (uint32_t k = 0; k < nf; k++) {
                const rg_column *c = &b->cols[k];
                int pr = bit(c->present, i);
                if (r->split[k] && pr) apportion(t, ou->nt, c->v[i], part);
                for (uint32_t j = 0; j < ou->nt; j++) {
                    uint32_t row = at + j;
                    int64_t x = r->split[k] && pr ? part[j < 64 ? j : 63] : c->v[i];
                    if ((int32_t)k == f->unit_field) x = t[j].g;
                    v[(size_t)k * m + row] = x;
                    if (pr) pres[(size_t)k * mw + (row >> 6)] |= 1ull << (row & 63);
                }
            }
            at += ou->nt;
        }
        rg_batch sb = {.n_rows = m, .cols = cols, .well_formed = ones};
        if (f->validate && f->n_rules) {
            /* computed fields from the parts' own figures */
            uint64_t *fw = rt_xcalloc((size_t)mw * f->n_rules, sizeof *fw), **fp = rt_xmalloc(f->n_rules * sizeof *fp);
            uint64_t *ovf = rt_xcalloc(mw, sizeof *ovf);
            for (uint32_t q = 0; q < f->n_rules; q++) fp[q] = fw + (size_t)q * mw;
            f->validate(&sb, fp, ovf);
            free(fw);
            free(fp);
            free(ovf);
        }
        rt_acc_batch(acc, &sb, ones, slot, pos, combo);
        free(cols);
        free(v);
        free(pres);
        free(zero);
        free(ones);
    }
    free(slot);
    free(combo);
    free(pos);
    free(keep);
    free(split_rows);
}

static int cmp_left(const void *a, const void *b, void *ctx)
{
    const rt_rebase *r = ctx;
    const left_row *x = a, *y = b;
    int c = strcmp(r->olds[x->old].code, r->olds[y->old].code);
    if (c) return c;
    return (x->period > y->period) - (x->period < y->period);
}

/* One line per old unit and period, its rows (dimension values) summed;
 * once. */
static void merge_left(rt_rebase *r)
{
    const rg_form *f = r->form;
    if (r->left_merged) return;
    r->left_merged = 1;
    if (r->n_left) qsort_r(r->left, r->n_left, sizeof *r->left, cmp_left, r);
    uint32_t out = 0;
    for (uint32_t i = 0; i < r->n_left; i++) {
        if (out && r->left[out - 1].old == r->left[i].old && r->left[out - 1].period == r->left[i].period) {
            left_row *l = &r->left[out - 1];
            l->rows += r->left[i].rows;
            /* a sum too large for int64 is said, never wrapped (core.h) */
            for (uint32_t k = 0; k < f->n_fields; k++)
                if (rt_add_i64(l->sum[k], r->left[i].sum[k], &l->sum[k]) || (r->left[i].ovf && r->left[i].ovf[k])) {
                    if (!l->ovf) l->ovf = rt_xcalloc(f->n_fields, 1);
                    l->ovf[k] = 1;
                }
            free(r->left[i].sum);
            free(r->left[i].ovf);
        } else {
            r->left[out++] = r->left[i];
        }
    }
    r->n_left = out;
}

int rt_rebase_write_left(rt_rebase *r, const char *path, rt_error *err)
{
    const rg_form *f = r->form;
    const rg_regime_desc *d = rt_regime_desc(r->rg);
    merge_left(r);
    rt_out o;
    if (rt_out_open(&o, path, err)) return -1;
    rt_buf b = {0};
    rt_buf_str(&b, "old_code,old_name,period,rows,new_units");
    for (uint32_t k = 0; k < f->n_fields; k++)
        if (r->split[k]) rt_buf_printf(&b, ",%s", f->fields[k].code);
    rt_buf_ch(&b, '\n');
    for (uint32_t i = 0; i < r->n_left; i++) {
        const left_row *l = &r->left[i];
        const old_unit *ou = &r->olds[l->old];
        char per[16];
        rt_period_format(f->frequency, l->period, per);
        rt_buf_csv(&b, ou->code, strlen(ou->code));
        rt_buf_ch(&b, ',');
        rt_buf_csv(&b, ou->name, strlen(ou->name));
        rt_buf_printf(&b, ",%s,%llu,", per, (unsigned long long)l->rows);
        for (uint32_t t = ou->t0; t < ou->t0 + ou->nt; t++) {
            if (t > ou->t0) rt_buf_ch(&b, ' ');
            rt_buf_str(&b, r->targets[t].code);
        }
        for (uint32_t k = 0; k < f->n_fields; k++) {
            if (!r->split[k]) continue;
            rt_buf_ch(&b, ',');
            /* a sum too large for int64 is left empty, never wrapped */
            if (!(l->ovf && l->ovf[k])) rt_value_text(d, f, (int)k, l->sum[k], &b);
        }
        rt_buf_ch(&b, '\n');
    }
    rt_out_put(&o, b.p, b.n);
    rt_buf_free(&b);
    return rt_out_close(&o, err);
}

void rt_rebase_report(rt_rebase *r)
{
    const rg_form *f = r->form;
    const rg_regime_desc *d = rt_regime_desc(r->rg);
    merge_left(r);
    for (uint32_t i = 0; i < r->n_left; i++) {
        const left_row *l = &r->left[i];
        const old_unit *o = &r->olds[l->old];
        rt_buf b = {0};
        char per[16];
        rt_period_format(f->frequency, l->period, per);
        for (uint32_t t = o->t0; t < o->t0 + o->nt; t++) {
            if (t > o->t0) rt_buf_str(&b, ", ");
            rt_buf_printf(&b, "%s %s", r->targets[t].code, r->targets[t].name);
        }
        rt_buf_str(&b, TR("; its figures are left out of their totals:", "; số liệu của đơn vị này không được cộng vào:"));
        int first = 1;
        for (uint32_t k = 0; k < f->n_fields; k++) {
            if (!r->split[k]) continue;
            rt_buf_printf(&b, "%s %s ", first ? "" : ",", f->fields[k].code);
            first = 0;
            if (l->ovf && l->ovf[k])
                rt_buf_str(&b, TR("(too large to add up)", "(quá lớn, không cộng được)"));
            else
                rt_value_text(d, f, (int)k, l->sum[k], &b);
        }
        rt_buf_ch(&b, 0);
        rt_warn(TR("re-basing: %s %s (%s, %llu row(s)) was split between %s",
                   "chuyển đổi: %s %s (%s, %llu dòng) được chia cho %s"),
                o->code, o->name, per, (unsigned long long)l->rows, b.p);
        rt_buf_free(&b);
    }
    if (r->rows_left)
        rt_warn(TR("re-basing: the rows of %u old unit(s) split by a partial merge are left out; give --apportion SHARES.csv (old_code,new_code,share) to share them out",
                   "chuyển đổi: các dòng của %u đơn vị cũ bị chia tách (sáp nhập một phần) không được cộng; dùng --apportion SHARES.csv (old_code,new_code,share) để phân bổ"),
                r->n_left);
    rt_info(TR("regrt: re-basing (reform of %s): %llu rows of old units re-based onto their new unit, %llu apportioned between new units (%llu parts), %llu left out (partial merges without shares), %llu of old codes not in the merge map, %llu rows of later periods as they are\n",
               "regrt: chuyển đổi (sắp xếp ngày %s): %llu dòng của đơn vị cũ chuyển sang đơn vị mới, %llu dòng được phân bổ cho các đơn vị mới (%llu phần), %llu dòng không được cộng (sáp nhập một phần chưa có tỷ lệ), %llu dòng có mã cũ không có trong bảng sáp nhập, %llu dòng của các kỳ sau giữ nguyên\n"),
            r->reform_text, (unsigned long long)r->rows_rebased, (unsigned long long)r->rows_apportioned,
            (unsigned long long)r->parts, (unsigned long long)r->rows_left, (unsigned long long)r->rows_unmapped,
            (unsigned long long)r->rows_later);
}
