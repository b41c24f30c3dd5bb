/*
 * units.c — the unit table: every administrative unit of every declared tier,
 * read from a units CSV whose columns the regime's tiers name.
 *
 * Each row describes a chain from the top tier down to its deepest non-empty
 * code. An empty code at an optional tier (no district after the 2025 reform)
 * links the unit below directly to the one above; an empty code at the bottom
 * just ends the chain (an island district without communes).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rt.h"

typedef struct tier_units {
    uint32_t n, cap, base;
    char **code;
    uint32_t *len;
    char **name;
    int32_t *parent_tier; /* parent as (tier, local index), -1 = none */
    int32_t *parent_local;
    uint64_t *line;       /* where the unit first appeared */
    rt_strmap map;
    uint32_t *sorted;     /* global indexes sorted by code */
} tier_units;

struct rt_units {
    uint32_t n_tiers, total;
    tier_units *t;
    int32_t *parent; /* global */
    uint16_t *tier_of;
    char **code, **name;
    rt_arena arena;
};

static uint32_t add_unit(rt_units *u, int tier, const char *code, uint32_t len, const char *name,
                         int32_t ptier, int32_t plocal, uint64_t line)
{
    tier_units *t = &u->t[tier];
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->code = rt_xrealloc(t->code, t->cap * sizeof *t->code);
        t->len = rt_xrealloc(t->len, t->cap * sizeof *t->len);
        t->name = rt_xrealloc(t->name, t->cap * sizeof *t->name);
        t->parent_tier = rt_xrealloc(t->parent_tier, t->cap * sizeof *t->parent_tier);
        t->parent_local = rt_xrealloc(t->parent_local, t->cap * sizeof *t->parent_local);
        t->line = rt_xrealloc(t->line, t->cap * sizeof *t->line);
    }
    uint32_t i = t->n++;
    t->code[i] = rt_arena_strndup(&u->arena, code, len);
    t->len[i] = len;
    t->name[i] = rt_arena_strndup(&u->arena, name, strlen(name));
    t->parent_tier[i] = ptier;
    t->parent_local[i] = plocal;
    t->line[i] = line;
    rt_strmap_put(&t->map, t->code[i], len, i);
    return i;
}

static int cmp_code(const void *a, const void *b, void *ctx)
{
    const rt_units *u = ctx;
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    const char *cx = u->code[x], *cy = u->code[y];
    return strcmp(cx, cy);
}

rt_units *rt_units_load(const rg_regime_desc *d, const char *path, rt_error *err)
{
    if (!d->n_tiers) {
        rt_err(err, 2, TR("the regime declares no tiers, so it has no units",
                          "chế độ báo cáo không khai báo cấp nào nên không có đơn vị"));
        return NULL;
    }
    rt_csv *c = rt_csv_open(path, err);
    if (!c) return NULL;
    rt_units *u = rt_xcalloc(1, sizeof *u);
    u->n_tiers = d->n_tiers;
    u->t = rt_xcalloc(d->n_tiers, sizeof *u->t);
    int *col = rt_xmalloc(d->n_tiers * sizeof *col), *ncol = rt_xmalloc(d->n_tiers * sizeof *ncol);
    uint64_t dup_bottom = 0, moved = 0;
    int r;
    for (uint32_t t = 0; t < d->n_tiers; t++) rt_strmap_init(&u->t[t].map, 64);

    if ((r = rt_csv_next(c, err)) <= 0) {
        if (r == 0)
            rt_err(err, 2, TR("%s: the units file is empty; it needs a header line naming the code columns",
                              "%s: tệp đơn vị rỗng; cần dòng tiêu đề ghi tên các cột mã"),
                   path);
        goto fail;
    }
    for (uint32_t t = 0; t < d->n_tiers; t++) {
        const rg_tier *tr = &d->tiers[t];
        col[t] = ncol[t] = -1;
        for (uint32_t i = 0; i < rt_csv_nfields(c); i++) {
            const char *h = rt_csv_field(c, i, NULL);
            if (tr->code_column && !strcmp(h, tr->code_column)) col[t] = (int)i;
            if (tr->name_column && !strcmp(h, tr->name_column)) ncol[t] = (int)i;
        }
        if (tr->root_code) {
            const char *nm = rt_texts_pick(&tr->label);
            add_unit(u, (int)t, tr->root_code, (uint32_t)strlen(tr->root_code), nm, -1, -1, 0);
        } else if (col[t] < 0) {
            rt_err(err, 2, TR("%s:1: no column '%s' (the codes of tier '%s'); the header must name it",
                              "%s:1: không có cột '%s' (mã của cấp '%s'); dòng tiêu đề phải có cột này"),
                   path, tr->code_column, tr->name);
            goto fail;
        }
    }
    while ((r = rt_csv_next(c, err)) > 0) {
        uint64_t line = rt_csv_line(c);
        int32_t ptier = -1, plocal = -1;
        int deepest = -1;
        for (uint32_t t = 0; t < d->n_tiers; t++) {
            if (d->tiers[t].root_code) continue;
            uint32_t len;
            rt_csv_field(c, (uint32_t)col[t], &len);
            if (len) deepest = (int)t;
        }
        for (uint32_t t = 0; t < d->n_tiers && (int)t <= deepest; t++) {
            const rg_tier *tr = &d->tiers[t];
            if (tr->root_code) {
                ptier = (int32_t)t;
                plocal = 0;
                continue;
            }
            uint32_t len;
            const char *code = rt_csv_field(c, (uint32_t)col[t], &len);
            if (!len) {
                if (tr->optional) continue;
                rt_err(err, 2, TR("%s:%llu: column '%s' is empty but a lower tier has a code; tier '%s' is not optional",
                                  "%s:%llu: cột '%s' để trống nhưng cấp dưới có mã; cấp '%s' không được bỏ trống"),
                       path, (unsigned long long)line, tr->code_column, tr->name);
                goto fail;
            }
            uint32_t i;
            tier_units *tu = &u->t[t];
            if (rt_strmap_get(&tu->map, code, len, &i)) {
                if ((int)t == (int)d->n_tiers - 1) {
                    /* The same bottom unit twice: keep the first row. */
                    if (!dup_bottom++)
                        rt_warn(TR("%s:%llu: %s '%s' already appeared on line %llu; keeping the first",
                                   "%s:%llu: %s '%s' đã có ở dòng %llu; giữ dòng đầu tiên"),
                                path, (unsigned long long)line, tr->code_column, code,
                                (unsigned long long)tu->line[i]);
                } else if (tu->parent_tier[i] != ptier || tu->parent_local[i] != plocal) {
                    if (!moved++)
                        rt_warn(TR("%s:%llu: %s '%s' appears under two different parents; keeping the first (line %llu)",
                                   "%s:%llu: %s '%s' thuộc hai đơn vị cấp trên khác nhau; giữ đơn vị đầu tiên (dòng %llu)"),
                                path, (unsigned long long)line, tr->code_column, code,
                                (unsigned long long)tu->line[i]);
                }
            } else {
                const char *nm = ncol[t] >= 0 ? rt_csv_field(c, (uint32_t)ncol[t], NULL) : "";
                i = add_unit(u, (int)t, code, len, nm, ptier, plocal, line);
            }
            ptier = (int32_t)t;
            plocal = (int32_t)i;
        }
    }
    if (r < 0) goto fail;
    if (dup_bottom > 1)
        rt_warn(TR("%s: %llu repeated %s in all", "%s: tổng cộng %llu %s bị lặp"), path,
                (unsigned long long)dup_bottom, d->tiers[d->n_tiers - 1].code_column);
    rt_csv_close(c);
    free(col);
    free(ncol);

    /* Global numbering, top tier first. */
    for (uint32_t t = 0; t < u->n_tiers; t++) {
        u->t[t].base = u->total;
        u->total += u->t[t].n;
    }
    uint32_t n = u->total ? u->total : 1;
    u->parent = rt_xmalloc(n * sizeof *u->parent);
    u->tier_of = rt_xmalloc(n * sizeof *u->tier_of);
    u->code = rt_xmalloc(n * sizeof *u->code);
    u->name = rt_xmalloc(n * sizeof *u->name);
    for (uint32_t t = 0; t < u->n_tiers; t++) {
        tier_units *tu = &u->t[t];
        for (uint32_t i = 0; i < tu->n; i++) {
            uint32_t g = tu->base + i;
            u->tier_of[g] = (uint16_t)t;
            u->code[g] = tu->code[i];
            u->name[g] = tu->name[i];
            u->parent[g] = tu->parent_tier[i] < 0
                               ? -1
                               : (int32_t)(u->t[tu->parent_tier[i]].base + (uint32_t)tu->parent_local[i]);
        }
    }
    for (uint32_t t = 0; t < u->n_tiers; t++) {
        tier_units *tu = &u->t[t];
        tu->sorted = rt_xmalloc((tu->n ? tu->n : 1) * sizeof *tu->sorted);
        for (uint32_t i = 0; i < tu->n; i++) tu->sorted[i] = tu->base + i;
        qsort_r(tu->sorted, tu->n, sizeof *tu->sorted, cmp_code, u);
    }
    return u;
fail:
    rt_csv_close(c);
    free(col);
    free(ncol);
    rt_units_free(u);
    return NULL;
}

void rt_units_free(rt_units *u)
{
    if (!u) return;
    for (uint32_t t = 0; t < u->n_tiers; t++) {
        tier_units *tu = &u->t[t];
        free(tu->code);
        free(tu->len);
        free(tu->name);
        free(tu->parent_tier);
        free(tu->parent_local);
        free(tu->line);
        free(tu->sorted);
        rt_strmap_free(&tu->map);
    }
    free(u->t);
    free(u->parent);
    free(u->tier_of);
    free(u->code);
    free(u->name);
    rt_arena_free(&u->arena);
    free(u);
}

uint32_t rt_units_total(const rt_units *u) { return u->total; }
uint32_t rt_units_count(const rt_units *u, int tier)
{
    return tier >= 0 && (uint32_t)tier < u->n_tiers ? u->t[tier].n : 0;
}
uint32_t rt_units_base(const rt_units *u, int tier)
{
    return tier >= 0 && (uint32_t)tier < u->n_tiers ? u->t[tier].base : 0;
}

int32_t rt_units_find(const rt_units *u, int tier, const char *code, size_t len)
{
    uint32_t i;
    if (tier < 0 || (uint32_t)tier >= u->n_tiers) return -1;
    if (!rt_strmap_get(&u->t[tier].map, code, (uint32_t)len, &i)) return -1;
    return (int32_t)(u->t[tier].base + i);
}

const char *rt_units_code(const rt_units *u, uint32_t g) { return g < u->total ? u->code[g] : ""; }
const char *rt_units_name(const rt_units *u, uint32_t g) { return g < u->total ? u->name[g] : ""; }
int rt_units_tier(const rt_units *u, uint32_t g) { return g < u->total ? u->tier_of[g] : -1; }
int32_t rt_units_parent(const rt_units *u, uint32_t g) { return g < u->total ? u->parent[g] : -1; }
const int32_t *rt_units_parents(const rt_units *u) { return u->parent; }
const uint32_t *rt_units_sorted(const rt_units *u, int tier)
{
    return tier >= 0 && (uint32_t)tier < u->n_tiers ? u->t[tier].sorted : NULL;
}

/* ---- the default units file ------------------------------------------------------------ */

/* The value of "key": "..." in a small JSON file (manifest.json is written
 * by regc with one key per line; escapes \" and \\ are undone). */
static char *json_string_of(const char *path, const char *key)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char line[PATH_MAX + 256];
    size_t kl = strlen(key);
    char *out = NULL;
    while (!out && fgets(line, sizeof line, f)) {
        char *s = strstr(line, key);
        if (!s || s == line || s[-1] != '"' || s[kl] != '"') continue;
        s += kl + 1;
        while (*s == ' ' || *s == ':') s++;
        if (*s++ != '"') continue;
        rt_buf b = {0};
        for (; *s && *s != '"'; s++) {
            if (*s == '\\' && s[1]) s++;
            rt_buf_ch(&b, *s);
        }
        rt_buf_ch(&b, 0);
        out = b.p;
    }
    fclose(f);
    return out;
}

char *rt_units_default(const char *lib, const char *argv0)
{
    struct stat st;
    if (!lib || stat(lib, &st)) return NULL;
    rt_buf m = {0};
    if (S_ISDIR(st.st_mode)) rt_buf_str(&m, lib);
    else {
        const char *s = strrchr(lib, '/');
        if (s) rt_buf_put(&m, lib, (size_t)(s - lib));
        else rt_buf_ch(&m, '.');
    }
    size_t dirlen = m.n;
    rt_buf_str(&m, "/manifest.json");
    rt_buf_ch(&m, 0);
    char *path = json_string_of(m.p, "units_file");
    if (path && path[0] != '/') {
        /* the build's own copy, relative to the manifest's folder */
        rt_buf r = {0};
        rt_buf_put(&r, m.p, dirlen);
        rt_buf_ch(&r, '/');
        rt_buf_str(&r, path);
        rt_buf_ch(&r, 0);
        free(path);
        path = r.p;
    }
    rt_buf_free(&m);
    if (!path || access(path, R_OK) == 0) return path;
    /* Moved or installed elsewhere: the same file name in the data folders
     * searched for holiday calendars ($REGIME_PATH, the stdlib beside regrt). */
    const char *base = strrchr(path, '/');
    char *alt = rt_data_file_path(base ? base + 1 : path, argv0);
    if (alt) {
        free(path);
        return alt;
    }
    return path; /* reported as missing when it is opened */
}
