/* sema_decls.c — declarations: collection and duplicates, the regime
 * header, tiers, code lists, forms with their fields, and roll-ups. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "sema_int.h"

/* ---- symbols ---- */

static const char *kind_word(ast_decl_kind k)
{
    switch (k) {
    case AST_D_REGIME: return "regime";
    case AST_D_TIERS: return "tiers";
    case AST_D_CODELIST: return "codelist";
    case AST_D_FORM: return "form";
    case AST_D_ROLLUP: return "rollup";
    case AST_D_TYPE: return "type";
    case AST_D_HOLIDAYS: return "holidays";
    case AST_D_HIERARCHY: return "hierarchy";
    default: return "declaration";
    }
}

/* Top-level names share one namespace; an open-addressing table of sym
 * indexes (+1) finds one in constant time. */
static unsigned name_hash(const char *p)
{
    unsigned h = 2166136261u;
    for (; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return h;
}

/* A set of strings for duplicate checks (codes of a list, fields of a
 * form): open addressing over the indexes of the caller's array of keys,
 * so each check is constant time (a million codes: no quadratic scan). */
typedef struct strset {
    int *slot; /* key index + 1; 0 = empty */
    unsigned mask;
    int n;
} strset;

static void strset_init(strset *t, int expect)
{
    unsigned cap = 16;
    while (cap < (unsigned)expect * 2u && cap < (1u << 30))
        cap *= 2;
    t->slot = calloc(cap, sizeof *t->slot);
    if (!t->slot) {
        fputs("regc: out of memory\n", stderr);
        abort();
    }
    t->mask = cap - 1;
    t->n = 0;
}

static void strset_free(strset *t)
{
    free(t->slot);
    memset(t, 0, sizeof *t);
}

/* The index of a key equal to keys[i] already in the set, or -1 after
 * adding i. keys is read through a stride so that it can be the code or
 * field member of an array of structs. */
static int strset_add(strset *t, const void *base, size_t stride, int i)
{
#define KEY(k) (*(const char *const *)((const char *)base + (size_t)(k) * stride))
    if ((unsigned)(t->n + 1) * 2 > t->mask + 1) {
        strset old = *t;
        strset_init(t, (int)(old.mask + 1));
        for (unsigned h = 0; h <= old.mask; h++)
            if (old.slot[h]) {
                unsigned g = name_hash(KEY(old.slot[h] - 1)) & t->mask;
                while (t->slot[g])
                    g = (g + 1) & t->mask;
                t->slot[g] = old.slot[h];
                t->n++;
            }
        free(old.slot);
    }
    unsigned h = name_hash(KEY(i)) & t->mask;
    for (; t->slot[h]; h = (h + 1) & t->mask)
        if (!strcmp(KEY(t->slot[h] - 1), KEY(i)))
            return t->slot[h] - 1;
    t->slot[h] = i + 1;
    t->n++;
    return -1;
#undef KEY
}

static sym *sym_find(sema *s, const char *name)
{
    if (!s->sym_slot)
        return NULL;
    for (unsigned h = name_hash(name) & s->sym_mask; s->sym_slot[h]; h = (h + 1) & s->sym_mask)
        if (!strcmp(s->syms[s->sym_slot[h] - 1].name, name))
            return &s->syms[s->sym_slot[h] - 1];
    return NULL;
}

static void sym_slot_put(sema *s, int index)
{
    unsigned h = name_hash(s->syms[index].name) & s->sym_mask;
    while (s->sym_slot[h])
        h = (h + 1) & s->sym_mask;
    s->sym_slot[h] = index + 1;
}

static void sym_add(sema *s, sym x)
{
    if (s->n_syms == s->cap_syms) {
        s->cap_syms = s->cap_syms ? s->cap_syms * 2 : 32;
        s->syms = realloc(s->syms, sizeof *s->syms * (size_t)s->cap_syms);
    }
    s->syms[s->n_syms++] = x;
    if ((unsigned)s->n_syms * 2 > s->sym_mask) {
        unsigned cap = s->sym_mask ? (s->sym_mask + 1) * 2 : 64;
        free(s->sym_slot);
        s->sym_slot = calloc(cap, sizeof *s->sym_slot);
        s->sym_mask = cap - 1;
        for (int i = 0; i < s->n_syms; i++)
            sym_slot_put(s, i);
    } else {
        sym_slot_put(s, s->n_syms - 1);
    }
}

sym *sema_lookup(sema *s, const char *name, ast_decl_kind kind)
{
    sym *x = sym_find(s, name);
    if (x && x->decl->kind == kind)
        return x;
    /* module-qualified: vn_tiers.vn_2025_03 -> vn_2025_03 */
    const char *dot = strrchr(name, '.');
    if (dot)
        return sema_lookup(s, dot + 1, kind);
    return NULL;
}

/* 1 when the last diagnostic was dropped (past the error limit): no hint
 * to compute for it */
static int dropped(const sema *s) { return s->d->n_errors > s->d->max_errors; }

void sema_suggest(sema *s, const char *word, const char *const *cands, int n)
{
    if (dropped(s))
        return;
    const char *best = diag_closest(word, cands, n);
    if (best)
        diag_hint(s->d, "H0200", best);
}

/* Suggests the closest declaration of a kind. */
void sema_suggest_decl(sema *s, const char *word, ast_decl_kind kind)
{
    if (dropped(s))
        return;
    const char **c = malloc(sizeof *c * (size_t)(s->n_syms + 1));
    int n = 0;
    for (int i = 0; i < s->n_syms; i++)
        if (s->syms[i].decl->kind == kind)
            c[n++] = s->syms[i].name;
    sema_suggest(s, word, c, n);
    free(c);
}

const char *sema_file_dir(sema *s, src_loc loc)
{
    const src_file *f = src_get(&s->c->sm, loc.file);
    if (!f)
        return ".";
    const char *slash = strrchr(f->path, '/');
    return slash ? arena_strndup(s->a, f->path, (size_t)(slash - f->path)) : ".";
}

void sema_collect(sema *s)
{
    for (int fi = 0; fi < s->c->n_files; fi++) {
        ast_file *f = s->c->files[fi];
        AST_EACH(ast_decl *, d, f->decls) {
            if (d->kind == AST_D_IMPORT)
                continue;
            if (d->kind == AST_D_TEST) {
                s->r->tests = realloc(s->r->tests, sizeof(ast_decl *) * (size_t)(s->r->n_tests + 1));
                s->r->tests[s->r->n_tests++] = d;
                continue;
            }
            if (d->kind == AST_D_REGIME) {
                if (s->r->decl) {
                    diag(s->d, "E0101", d->name.loc, d->name.text, s->r->decl->name.text);
                    continue;
                }
                if (fi >= s->c->n_roots) {
                    /* a regime inside an imported module is a modelling error */
                    diag(s->d, "E0131", d->name.loc, d->name.text);
                    continue;
                }
                s->r->decl = d;
                continue;
            }
            sym *prev = sym_find(s, d->name.text);
            if (prev) {
                diag(s->d, "E0100", d->name.loc, kind_word(d->kind), d->name.text);
                const src_file *pf = src_get(&s->c->sm, prev->decl->name.loc.file);
                diag_hint(s->d, "H0100", pf ? pf->path : "?", prev->decl->name.loc.line);
                continue;
            }
            sym_add(s, (sym){d->name.text, d, -1});
        }
    }
}

/* ---- regime header ---- */

rg_freq sema_freq_of(const char *w, int adjective)
{
    static const struct { const char *adj, *noun; rg_freq f; } t[] = {
        {"monthly", "month", RG_F_MONTHLY},
        {"quarterly", "quarter", RG_F_QUARTERLY},
        {"half_yearly", "half_year", RG_F_HALF_YEARLY},
        {"nine_monthly", "nine_months", RG_F_NINE_MONTHS},
        {"yearly", "year", RG_F_YEARLY},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(w, adjective ? t[i].adj : t[i].noun))
            return t[i].f;
    if (adjective && (!strcmp(w, "annual") || !strcmp(w, "nine_months")))
        return !strcmp(w, "annual") ? RG_F_YEARLY : RG_F_NINE_MONTHS;
    if (!adjective && !strcmp(w, "half")) /* the stdlib's word for a half-year */
        return RG_F_HALF_YEARLY;
    return RG_F_NONE;
}

const char *sema_freq_column(rg_freq f)
{
    switch (f) {
    case RG_F_MONTHLY: return "month";
    case RG_F_QUARTERLY: return "quarter";
    case RG_F_HALF_YEARLY: return "half_year";
    case RG_F_NINE_MONTHS: return "nine_months";
    case RG_F_YEARLY: return "year";
    default: return "period";
    }
}

static const char *const freq_adjs[] = {"monthly", "quarterly", "half_yearly", "nine_monthly", "yearly"};
static const char *const freq_nouns[] = {"month", "quarter", "half_year", "nine_months", "year"};

void sema_suggest_period(sema *s, const char *word) { sema_suggest(s, word, freq_nouns, 5); }

static int semver_ok(const char *v)
{
    int parts = 0;
    const char *p = v;
    while (*p) {
        if (*p < '0' || *p > '9')
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
        parts++;
        if (*p == '.')
            p++;
        else if (*p == '-' || *p == '+')
            return parts == 3;
        else if (*p)
            return 0;
    }
    return parts == 3 && p > v && p[-1] != '.';
}

/* Tier words of the header are resolved after the tiers pass. */
void sema_header(sema *s)
{
    m_regime *r = s->r;
    r->recipient = -1;
    r->cutoff = RG_CUTOFF_CALENDAR;
    if (!r->decl)
        return;
    r->name = r->decl->name.text;
    int seen[AST_I_HOLIDAYS + 1] = {0};
    AST_EACH(ast_item *, it, r->decl->u.regime.items) {
        if (seen[it->kind] && it->kind != AST_I_DEADLINE) {
            static const char *const names[] = {"version", "label", "kind", "frequency", "cutoff",
                                                "content", "submitted by", "received by", "method",
                                                "deadline", "outline", "guidance", "tiers", "holidays"};
            diag(s->d, "E0014", it->loc, names[it->kind]);
            continue;
        }
        seen[it->kind] = 1;
        switch (it->kind) {
        case AST_I_VERSION:
            r->version = it->str;
            if (!semver_ok(it->str)) {
                diag(s->d, "E0114", it->loc, it->str);
                diag_hint(s->d, "H0114");
            }
            break;
        case AST_I_LABEL: r->label = it->texts; break;
        case AST_I_CONTENT: r->content = it->texts; break;
        case AST_I_OUTLINE: r->outline = it->texts; break;
        case AST_I_GUIDANCE: r->guidance = it->texts; break;
        case AST_I_KIND: {
            static const char *const kinds[] = {"periodic", "thematic", "adhoc"};
            int k = -1;
            for (int i = 0; i < 3; i++)
                if (!strcmp(it->word.text, kinds[i]))
                    k = i;
            if (k < 0) {
                diag(s->d, "E0103", it->word.loc, it->word.text);
                sema_suggest(s, it->word.text, kinds, 3);
            } else {
                r->kind = (rg_kind)(k + 1);
            }
            break;
        }
        case AST_I_FREQUENCY:
            r->frequency = sema_freq_of(it->word.text, 1);
            if (!r->frequency) {
                diag(s->d, "E0102", it->word.loc, it->word.text);
                sema_suggest(s, it->word.text, freq_adjs, 5);
            }
            break;
        case AST_I_CUTOFF:
            if (!strcmp(it->word.text, "decree09"))
                r->cutoff = RG_CUTOFF_DECREE09;
            else if (!strcmp(it->word.text, "calendar"))
                r->cutoff = RG_CUTOFF_CALENDAR;
            else if (!strcmp(it->word.text, "day")) {
                r->cutoff = RG_CUTOFF_DAY;
                r->cutoff_day = (int)it->number;
                if (it->number < 2 || it->number > 28)
                    diag(s->d, "E0115", it->loc, (long long)it->number);
            } else {
                static const char *const cut[] = {"decree09", "calendar"};
                diag(s->d, "E0104", it->word.loc, it->word.text);
                sema_suggest(s, it->word.text, cut, 2);
            }
            break;
        case AST_I_METHOD: {
            /* Decree 09 art. 11; the codes of the stdlib's `report_methods` */
            static const char *const methods[] = {"paper", "electronic", "reporting_system", "document_system",
                                                  "email", "fax", "post", "direct", "software"};
            char *m = NULL;
            AST_EACH(ast_name *, w, it->words) {
                int ok = 0;
                int nm = (int)(sizeof methods / sizeof methods[0]);
                for (int i = 0; i < nm; i++)
                    ok |= !strcmp(w->text, methods[i]);
                if (!ok) {
                    diag(s->d, "E0132", w->loc, w->text);
                    sema_suggest(s, w->text, methods, nm);
                }
                m = m ? arena_printf(s->a, "%s,%s", m, w->text) : arena_strdup(s->a, w->text);
            }
            r->method = m;
            break;
        }
        case AST_I_TIERS: r->tiers_name = it->word.text; break;
        case AST_I_HOLIDAYS: r->holidays = it->word.text; break;
        default: break; /* tier words: after sema_tiers */
        }
    }
}

/* ---- tiers ---- */

static int level_index(ast_decl *t, const char *name)
{
    for (int i = 0; i < t->u.tiers.levels.n; i++)
        if (!strcmp(((ast_level *)t->u.tiers.levels.items[i])->name.text, name))
            return i;
    return -1;
}

static void check_one_tiers(sema *s, ast_decl *t, int build)
{
    int n = t->u.tiers.levels.n;
    if (n == 0) {
        diag(s->d, "E0403", t->name.loc, t->name.text);
        return;
    }
    int *parent = calloc((size_t)n, sizeof *parent);
    int *children = calloc((size_t)n, sizeof *children);
    int ok = 1, top = -1;
    /* with no level at the top every level is within another: a circle,
     * reported below as levels the top does not reach */
    for (int i = 0; i < n; i++) {
        ast_level *l = t->u.tiers.levels.items[i];
        parent[i] = -1;
        if (level_index(t, l->name.text) != i) {
            diag(s->d, "E0400", l->name.loc, l->name.text);
            ok = 0;
            continue;
        }
        if (l->within.text) {
            int p = level_index(t, l->within.text);
            if (p < 0) {
                diag(s->d, "E0401", l->within.loc, l->within.text, t->name.text);
                const char **c = malloc(sizeof *c * (size_t)n);
                for (int k = 0; k < n; k++)
                    c[k] = ((ast_level *)t->u.tiers.levels.items[k])->name.text;
                sema_suggest(s, l->within.text, c, n);
                free(c);
                ok = 0;
            } else if (p == i) {
                diag(s->d, "E0404", l->within.loc, l->name.text);
                ok = 0;
            } else {
                parent[i] = p;
                if (children[p]++) {
                    int other = -1;
                    for (int k = 0; k < i; k++)
                        if (parent[k] == p)
                            other = k;
                    diag(s->d, "E0402", l->within.loc,
                         other >= 0 ? ((ast_level *)t->u.tiers.levels.items[other])->name.text : "?",
                         l->name.text, l->within.text);
                    diag_hint(s->d, "H0402");
                    ok = 0;
                }
            }
        } else if (top >= 0) {
            diag(s->d, "E0405", l->name.loc, l->name.text,
                 ((ast_level *)t->u.tiers.levels.items[top])->name.text);
            diag_hint(s->d, "H0405");
            ok = 0;
        } else {
            top = i;
        }
        if (!l->column && !l->code)
            diag(s->d, "E0406", l->name.loc, l->name.text), ok = 0;
    }
    /* walking down from the top must visit every level once */
    int *order = calloc((size_t)(n > 0 ? n : 0) + 1, sizeof *order);
    int cnt = 0;
    if (ok) {
        for (int cur = top; cur >= 0 && cnt < n;) {
            order[cnt++] = cur;
            int next = -1;
            for (int k = 0; k < n; k++)
                if (parent[k] == cur)
                    next = k;
            cur = next;
        }
        if (cnt != n) {
            /* the levels not reached hang in a circle of `within` */
            char *seen = calloc((size_t)n, 1);
            for (int k = 0; k < cnt; k++)
                seen[order[k]] = 1;
            int start = 0;
            while (start < n && seen[start])
                start++;
            char *mark = calloc((size_t)n, 1);
            int cur = start;
            while (cur >= 0 && !mark[cur]) {
                mark[cur] = 1;
                cur = parent[cur];
            }
            diag(s->d, "E0407", t->name.loc, t->name.text);
            if (cur >= 0) {
                const char *path = NULL;
                int k = cur;
                do {
                    const char *nm = ((ast_level *)t->u.tiers.levels.items[k])->name.text;
                    path = path ? arena_printf(s->a, "%s within `%s`", path, nm) : arena_printf(s->a, "`%s`", nm);
                    k = parent[k];
                } while (k != cur);
                path = arena_printf(s->a, "%s within `%s`", path,
                                    ((ast_level *)t->u.tiers.levels.items[cur])->name.text);
                diag_hint(s->d, "H0407", path);
            }
            free(seen);
            free(mark);
            ok = 0;
        }
    }
    if (ok && build) {
        s->r->tiers = arena_alloc(s->a, sizeof(m_tier) * (size_t)n);
        s->r->n_tiers = n;
        for (int k = 0; k < n; k++) {
            ast_level *l = t->u.tiers.levels.items[order[k]];
            m_tier *mt = &s->r->tiers[k];
            mt->name = l->name.text;
            mt->label = l->label;
            mt->column = l->column;
            mt->names = l->names;
            mt->root_code = l->code;
            mt->optional = l->optional;
            mt->parent = k - 1;
            mt->loc = l->name.loc;
        }
        if (t->u.tiers.units)
            s->r->units_path = arena_printf(s->a, "%s/%s", sema_file_dir(s, t->loc), t->u.tiers.units);
    }
    free(order);
    free(parent);
    free(children);
}

int sema_tier_of_word(sema *s, const ast_name *w)
{
    int i = m_tier_index(s->r, w->text);
    if (i < 0 && s->r->n_tiers) {
        diag(s->d, "E0105", w->loc, w->text);
        const char **c = malloc(sizeof *c * (size_t)s->r->n_tiers);
        for (int k = 0; k < s->r->n_tiers; k++)
            c[k] = s->r->tiers[k].name;
        sema_suggest(s, w->text, c, s->r->n_tiers);
        free(c);
    }
    return i;
}

static int period_days(rg_freq f)
{
    switch (f) {
    case RG_F_MONTHLY: return 28;
    case RG_F_QUARTERLY: return 90;
    case RG_F_HALF_YEARLY: return 181;
    case RG_F_NINE_MONTHS: return 273;
    case RG_F_YEARLY: return 365;
    default: return 365;
    }
}

void sema_tiers(sema *s)
{
    m_regime *r = s->r;
    ast_decl *chosen = NULL;
    if (r->tiers_name) {
        sym *t = sema_lookup(s, r->tiers_name, AST_D_TIERS);
        if (!t) {
            ast_item *it = NULL;
            AST_EACH(ast_item *, x, r->decl->u.regime.items) if (x->kind == AST_I_TIERS) it = x;
            diag(s->d, "E0106", it->word.loc, r->tiers_name);
            sema_suggest_decl(s, r->tiers_name, AST_D_TIERS);
        } else {
            chosen = t->decl;
        }
    }
    /* every tiers declaration is checked; the chosen one becomes the model's */
    for (int i = 0; i < s->n_syms; i++)
        if (s->syms[i].decl->kind == AST_D_TIERS)
            check_one_tiers(s, s->syms[i].decl, s->syms[i].decl == chosen);
    if (!r->decl)
        return;
    /* header items that name tiers */
    r->submitters = arena_alloc(s->a, sizeof(int) * 16);
    AST_EACH(ast_item *, it, r->decl->u.regime.items) {
        if ((it->kind == AST_I_SUBMITTED || it->kind == AST_I_RECEIVED || it->kind == AST_I_DEADLINE) &&
            !r->tiers_name) {
            diag(s->d, "E0113", it->loc);
            diag_hint(s->d, "H0113");
            s->no_tiers_reported = 1;
            return;
        }
        if (!r->n_tiers)
            continue;
        if (it->kind == AST_I_SUBMITTED) {
            AST_EACH(ast_name *, w, it->words) {
                int t = sema_tier_of_word(s, w);
                if (t >= 0 && r->n_submitters < 16)
                    r->submitters[r->n_submitters++] = t;
            }
        } else if (it->kind == AST_I_RECEIVED) {
            if (it->words.n > 1)
                diag(s->d, "E0133", ((ast_name *)it->words.items[1])->loc);
            r->recipient = sema_tier_of_word(s, it->words.items[0]);
        } else if (it->kind == AST_I_DEADLINE) {
            int t = sema_tier_of_word(s, &it->word);
            if (t < 0)
                continue;
            for (int k = 0; k < r->n_deadlines; k++)
                if (r->deadlines[k].tier == t) {
                    diag(s->d, "E0408", it->word.loc, it->word.text);
                    t = -1;
                }
            if (t < 0)
                continue;
            if (it->number < 0 || it->number > period_days(r->frequency ? r->frequency : RG_F_YEARLY)) {
                diag(s->d, "E0409", it->loc, (long long)it->number,
                     sema_freq_column(r->frequency ? r->frequency : RG_F_YEARLY));
                diag_hint(s->d, "H0409");
                continue;
            }
            m_deadline *nd = arena_alloc(s->a, sizeof *nd * (size_t)(r->n_deadlines + 1));
            if (r->n_deadlines)
                memcpy(nd, r->deadlines, sizeof *nd * (size_t)r->n_deadlines);
            nd[r->n_deadlines] = (m_deadline){t, (int)it->number, it->working, it->loc};
            r->deadlines = nd;
            r->n_deadlines++;
        }
    }
    /* deadlines go down the tiers: a lower tier reports no later than its parent */
    for (int a = 0; a < r->n_deadlines; a++)
        for (int b = 0; b < r->n_deadlines; b++)
            if (r->deadlines[a].tier > r->deadlines[b].tier &&
                r->deadlines[a].days > r->deadlines[b].days) {
                diag(s->d, "W0400", r->deadlines[a].loc, r->tiers[r->deadlines[a].tier].name,
                     r->tiers[r->deadlines[b].tier].name);
            }
    if (r->holidays) {
        sym *h = sema_lookup(s, r->holidays, AST_D_HOLIDAYS);
        if (!h) {
            ast_item *it = NULL;
            AST_EACH(ast_item *, x, r->decl->u.regime.items) if (x->kind == AST_I_HOLIDAYS) it = x;
            diag(s->d, "E0112", it->word.loc, r->holidays);
            sema_suggest_decl(s, r->holidays, AST_D_HOLIDAYS);
        } else {
            r->holidays_path = arena_printf(s->a, "%s/%s", sema_file_dir(s, h->decl->loc),
                                            h->decl->u.holidays.from);
        }
    }
}

/* ---- code lists ---- */

/* Splits one CSV record from *p with the shared tokenizer (core.h), the one
 * that reads submissions; returns the number of fields or -1 when the record
 * is malformed. The data must end with '\n'. Fields are NUL-terminated in
 * place; *line grows by the lines the record took. */
static int csv_record(char **p, char *end, char **fields, int max, int *line)
{
    rt_span sp[32];
    rt_csv_fail f;
    uint32_t lines = 0;
    int n = rt_csv_record(p, end, sp, max < 32 ? max : 32, &lines, &f);
    *line += (int)lines;
    for (int i = 0; i < n && i < max && i < 32; i++) {
        sp[i].p[sp[i].n] = '\0';
        fields[i] = sp[i].p;
    }
    return n;
}

static ast_texts *texts_of(sema *s, const char *const *langs, const char *const *vals, int n, src_loc loc)
{
    ast_texts *t = arena_alloc(s->a, sizeof *t);
    t->loc = loc;
    for (int i = 0; i < n; i++) {
        if (!vals[i] || !*vals[i])
            continue;
        ast_text *x = arena_alloc(s->a, sizeof *x);
        x->lang = langs[i];
        x->text = arena_strdup(s->a, vals[i]);
        x->loc = loc;
        ast_list_push(s->a, &t->items, x);
    }
    return t;
}

/* path relative to the directory of a spec; "dir/x", or "x" beside a spec
 * named without a directory */
static char *path_beside(sema *s, src_loc loc, const char *path)
{
    if (path[0] == '/')
        return arena_strdup(s->a, path);
    const char *dir = sema_file_dir(s, loc);
    return strcmp(dir, ".") ? arena_printf(s->a, "%s/%s", dir, path) : arena_strdup(s->a, path);
}

/* Reads the codes of a list from its CSV file; 0 when the file could not be
 * read or is malformed (reported). */
static int load_codelist_csv(sema *s, ast_decl *d, m_codelist *cl)
{
    const char *path = d->u.codelist.from;
    char *full = path_beside(s, d->loc, path);
    if (s->c->sandbox && (path[0] == '/' || strstr(path, ".."))) {
        diag(s->d, "E0501", d->u.codelist.from_loc, full, strerror(EPERM));
        return 0;
    }
    int id = src_load(&s->c->sm, full);
    if (id < 0) {
        diag(s->d, "E0501", d->u.codelist.from_loc, full, strerror(errno));
        return 0;
    }
    const src_file *f = src_get(&s->c->sm, id);
    /* the tokenizer wants the data to end with a newline */
    char *buf = arena_alloc(s->a, f->len + 2);
    memcpy(buf, f->text, f->len);
    size_t len = f->len;
    if (!len || buf[len - 1] != '\n')
        buf[len++] = '\n';
    buf[len] = '\0';
    char *p = buf, *end = buf + len;
    if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
        p += 3;
    enum { MAXF = 32 };
    char *fields[MAXF];
    int line = 1, next = 1;
    int n = f->len ? csv_record(&p, end, fields, MAXF, &next) : 0;
    if (n <= 0) {
        diag(s->d, "E0125", d->u.codelist.from_loc, full, line, diag_format("P0030", s->d->lang));
        return 0;
    }
    int code_col = -1;
    const char *langs[MAXF];
    int label_col[MAXF], n_labels = 0;
    for (int i = 0; i < n && i < MAXF; i++) {
        if (!strcmp(fields[i], "code"))
            code_col = i;
        else if (!strncmp(fields[i], "label_", 6) && fields[i][6]) {
            langs[n_labels] = arena_strdup(s->a, fields[i] + 6);
            label_col[n_labels++] = i;
        }
    }
    if (code_col < 0) {
        diag(s->d, "E0126", d->u.codelist.from_loc, full);
        diag_hint(s->d, "H0126");
        return 0;
    }
    int cap = 64, ok = 1;
    cl->codes = arena_alloc(s->a, sizeof(m_code) * (size_t)cap);
    strset seen;
    strset_init(&seen, cap);
    while (p < end) {
        line = next;
        n = csv_record(&p, end, fields, MAXF, &next);
        if (n < 0) {
            diag(s->d, "E0125", d->u.codelist.from_loc, full, line, diag_format("P0031", s->d->lang));
            strset_free(&seen);
            return 0;
        }
        if (n == 1 && !fields[0][0])
            continue;
        if (code_col >= n || !fields[code_col][0]) {
            diag(s->d, "E0125", d->u.codelist.from_loc, full, line, diag_format("P0032", s->d->lang));
            ok = 0;
            continue;
        }
        if (cl->n_codes == cap) {
            m_code *nc = arena_alloc(s->a, sizeof(m_code) * (size_t)cap * 2);
            memcpy(nc, cl->codes, sizeof(m_code) * (size_t)cap);
            cl->codes = nc;
            cap *= 2;
        }
        const char *vals[MAXF];
        for (int k = 0; k < n_labels; k++)
            vals[k] = label_col[k] < n ? fields[label_col[k]] : NULL;
        m_code *mc = &cl->codes[cl->n_codes];
        mc->code = arena_strdup(s->a, fields[code_col]);
        mc->label = texts_of(s, langs, vals, n_labels, d->u.codelist.from_loc);
        mc->loc = d->u.codelist.from_loc;
        if (strset_add(&seen, cl->codes, sizeof *cl->codes, cl->n_codes) >= 0) {
            diag(s->d, "E0134", d->u.codelist.from_loc, mc->code, full, line);
            ok = 0;
            continue;
        }
        cl->n_codes++;
    }
    strset_free(&seen);
    return ok;
}

void sema_codelists(sema *s)
{
    int n = 0;
    for (int i = 0; i < s->n_syms; i++)
        n += s->syms[i].decl->kind == AST_D_CODELIST;
    s->r->codelists = arena_alloc(s->a, sizeof(m_codelist) * (size_t)(n + 1));
    for (int i = 0; i < s->n_syms; i++) {
        ast_decl *d = s->syms[i].decl;
        if (d->kind != AST_D_CODELIST)
            continue;
        s->syms[i].index = s->r->n_codelists;
        m_codelist *cl = &s->r->codelists[s->r->n_codelists++];
        cl->name = d->name.text;
        cl->label = d->u.codelist.label;
        cl->loc = d->name.loc;
        cl->decl = d;
        int loaded = 1;
        if (d->u.codelist.from) {
            if (d->u.codelist.codes.n)
                diag(s->d, "E0135", d->name.loc, d->name.text);
            loaded = load_codelist_csv(s, d, cl);
        } else {
            cl->codes = arena_alloc(s->a, sizeof(m_code) * (size_t)(d->u.codelist.codes.n + 1));
            strset seen;
            strset_init(&seen, d->u.codelist.codes.n);
            AST_EACH(ast_code *, k, d->u.codelist.codes) {
                cl->codes[cl->n_codes] = (m_code){k->code, k->label, k->loc};
                int j = strset_add(&seen, cl->codes, sizeof *cl->codes, cl->n_codes);
                if (j >= 0) {
                    diag(s->d, "E0110", k->loc, k->code, d->name.text);
                    diag_hint(s->d, "H0110", cl->codes[j].loc.line);
                    continue;
                }
                cl->n_codes++;
            }
            strset_free(&seen);
        }
        if (cl->n_codes == 0 && loaded)
            diag(s->d, "E0127", d->name.loc, d->name.text);
    }
}

/* ---- forms ---- */

static const char *const type_names[] = {"integer", "count", "decimal", "money", "percent",
                                         "ratio", "bool", "date", "text", "code"};

/* Resolves a written type (following `type` aliases) into t. 0 on error. */
static int resolve_type(sema *s, ast_type *at, sema_type *t, int depth)
{
    const char *b = at->base.text;
    memset(t, 0, sizeof *t);
    static const ty_kind kinds[] = {TY_INTEGER, TY_COUNT, TY_DECIMAL, TY_MONEY, TY_PERCENT,
                                    TY_RATIO, TY_BOOL, TY_DATE, TY_TEXT, TY_CODE};
    int k = -1;
    for (int i = 0; i < 10; i++)
        if (!strcmp(b, type_names[i]))
            k = i;
    if (k < 0) {
        sym *alias = sema_lookup(s, b, AST_D_TYPE);
        if (!alias || depth > 8) {
            diag(s->d, "E0109", at->base.loc, b);
            sema_suggest(s, b, type_names, 10);
            return 0;
        }
        if (!resolve_type(s, alias->decl->u.alias.type, t, depth + 1))
            return 0;
    } else {
        t->kind = kinds[k];
        if (t->kind == TY_DECIMAL || t->kind == TY_MONEY)
            t->scale = t->kind == TY_DECIMAL ? 2 : 0;
        if (t->kind == TY_RATIO)
            t->scale = 4;
    }
    if (at->scale >= 0) {
        if (t->kind != TY_DECIMAL && t->kind != TY_MONEY && t->kind != TY_PERCENT && t->kind != TY_RATIO) {
            diag(s->d, "E0136", at->base.loc, b);
            return 0;
        }
        t->scale = at->scale;
    }
    if (at->unit.text) {
        if (!sema_is_numeric(t->kind) || t->kind == TY_PERCENT || t->kind == TY_RATIO) {
            diag(s->d, "E0137", at->unit.loc, at->unit.text, b);
            return 0;
        }
        t->unit = at->unit.text;
    }
    if (t->kind == TY_CODE) {
        if (!at->codelist.text) {
            if (!t->list) {
                diag(s->d, "E0138", at->base.loc);
                return 0;
            }
        } else {
            sym *cl = sema_lookup(s, at->codelist.text, AST_D_CODELIST);
            if (!cl) {
                diag(s->d, "E0107", at->codelist.loc, at->codelist.text);
                sema_suggest_decl(s, at->codelist.text, AST_D_CODELIST);
                return 0;
            }
            t->list = &s->r->codelists[cl->index];
            t->list->used = 1;
        }
    }
    return 1;
}

static const char *const member_words[] = {"a field", "a dimension", "a computed field", "a ratio"};

static void apply_attrs(sema *s, ast_member *m, m_field *f)
{
    static const char *const attr_names[] = {"label", "hint", "required", "optional", "range",
                                             "max digits", "stock", "flow", "over units",
                                             "decimals", "relevant when", "per"};
    int mk = m->kind == AST_M_FIELD ? 0 : m->kind == AST_M_DIMENSION ? 1 : m->kind == AST_M_COMPUTED ? 2 : 3;
    int seen[AST_A_PER + 1] = {0};
    AST_EACH(ast_attr *, a, m->attrs) {
        if (seen[a->kind]++ && a->kind != AST_A_LABEL && a->kind != AST_A_HINT) {
            diag(s->d, "E0014", a->loc, attr_names[a->kind]);
            continue;
        }
        /* which attributes apply to which members */
        int ok = 1;
        switch (a->kind) {
        case AST_A_REQUIRED: case AST_A_OPTIONAL: case AST_A_RANGE: case AST_A_MAX_DIGITS:
            ok = mk <= 1; break;
        case AST_A_STOCK: case AST_A_FLOW: case AST_A_OVER_UNITS: case AST_A_PER:
            ok = mk == 0 || mk == 2; break;
        case AST_A_DECIMALS:
            ok = mk == 3 || mk == 2; break;
        default: break;
        }
        if (!ok) {
            diag(s->d, "E0116", a->loc, attr_names[a->kind], member_words[mk]);
            continue;
        }
        switch (a->kind) {
        case AST_A_LABEL:
            if (f->label) {
                AST_EACH(ast_text *, t, a->texts->items) ast_list_push(s->a, &f->label->items, t);
            } else {
                f->label = a->texts;
            }
            break;
        case AST_A_HINT: f->hint = a->texts; break;
        case AST_A_REQUIRED:
            if (seen[AST_A_OPTIONAL])
                diag(s->d, "E0129", a->loc, f->code);
            f->flags |= RG_FIELD_REQUIRED;
            break;
        case AST_A_OPTIONAL:
            if (seen[AST_A_REQUIRED])
                diag(s->d, "E0129", a->loc, f->code);
            f->flags &= ~RG_FIELD_REQUIRED;
            break;
        case AST_A_RANGE: {
            if (!sema_is_numeric(f->type.kind) && f->type.kind != TY_DATE) {
                diag(s->d, "E0139", a->loc, f->code);
                break;
            }
            int64_t lo, hi;
            int scale = f->type.kind == TY_DATE ? 0 : sema_arith_scale(&f->type);
            int okl = sema_const_int(s, a->lo, scale, &lo), okh = sema_const_int(s, a->hi, scale, &hi);
            if (!okl)
                diag(s->d, "E0215", a->lo->loc);
            if (!okh)
                diag(s->d, "E0215", a->hi->loc);
            if (okl && okh) {
                if (lo > hi) {
                    diag(s->d, "E0119", a->loc, f->code);
                    break;
                }
                if (f->type.kind == TY_COUNT && lo < 0)
                    diag(s->d, "E0140", a->lo->loc, f->code);
                f->min = lo;
                f->max = hi;
                f->flags |= RG_FIELD_HAS_MIN | RG_FIELD_HAS_MAX;
            }
            break;
        }
        case AST_A_MAX_DIGITS:
            if (a->number < 1 || a->number > 18) {
                diag(s->d, "E0120", a->word.loc);
                break;
            }
            if (!sema_is_numeric(f->type.kind)) {
                diag(s->d, "E0139", a->loc, f->code);
                break;
            }
            f->max_digits = (int)a->number;
            break;
        case AST_A_STOCK: {
            static const char *const stocks[] = {"opening", "closing", "average"};
            static const rg_time_agg aggs[] = {RG_TIME_OPENING, RG_TIME_CLOSING, RG_TIME_AVERAGE};
            int k = -1;
            for (int i = 0; i < 3; i++)
                if (!strcmp(a->word.text, stocks[i]))
                    k = i;
            if (k < 0) {
                diag(s->d, "E0118", a->word.loc, a->word.text);
                if (!strcmp(a->word.text, "sum"))
                    diag_hint(s->d, "H0118");
                else
                    sema_suggest(s, a->word.text, stocks, 3);
                break;
            }
            if (seen[AST_A_FLOW]) {
                diag(s->d, "E0141", a->loc, f->code);
                break;
            }
            f->time_agg = aggs[k];
            if (a->by.text) {
                /* `stock closing strict`: the calendar-last sub-period only */
                if (strcmp(a->by.text, "strict") || k == 2) {
                    diag(s->d, "E0146", a->by.loc, a->word.text, a->by.text);
                    break;
                }
                f->time_agg = k == 0 ? RG_TIME_OPENING_STRICT : RG_TIME_CLOSING_STRICT;
            }
            break;
        }
        case AST_A_FLOW:
            if (seen[AST_A_STOCK]) {
                diag(s->d, "E0141", a->loc, f->code);
                break;
            }
            if (f->type.kind == TY_PERCENT || f->type.kind == TY_RATIO) {
                diag(s->d, "W0201", a->loc, f->code);
                diag_hint(s->d, "H0201");
            }
            f->time_agg = RG_TIME_SUM;
            break;
        case AST_A_OVER_UNITS: {
            static const char *const aggs[] = {"sum", "min", "max", "average", "weighted_average", "count", "none"};
            int k = -1;
            for (int i = 0; i < 7; i++)
                if (!strcmp(a->word.text, aggs[i]))
                    k = i;
            if (!strcmp(a->word.text, "average") && a->by.text)
                k = 4;
            if (k < 0) {
                diag(s->d, "E0117", a->word.loc, a->word.text);
                sema_suggest(s, a->word.text, aggs, 7);
                break;
            }
            f->unit_agg = (rg_unit_agg)(k + 1);
            /* the weight is resolved once every field is known (resolve_weights) */
            if (!a->by.text && k == 4) {
                diag(s->d, "E0145", a->word.loc);
                diag_hint(s->d, "H0145");
            }
            if ((f->type.kind == TY_PERCENT || f->type.kind == TY_RATIO) && k == 0) {
                diag(s->d, "W0201", a->loc, f->code);
                diag_hint(s->d, "H0201");
            }
            break;
        }
        case AST_A_DECIMALS:
            if (a->number < 0 || a->number > 9) {
                diag(s->d, "E0143", a->word.loc);
                break;
            }
            f->type.scale = (int)a->number;
            break;
        case AST_A_WHEN:
            f->relevant = a->expr;
            break;
        case AST_A_PER:
            if (strcmp(a->word.text, "unit")) {
                diag(s->d, "E0199", a->word.loc, a->word.text);
                break;
            }
            f->flags |= RG_FIELD_PER_UNIT;
            break;
        }
    }
}

typedef struct sema_findex {
    int *slot; /* field index + 1; 0 = empty */
    unsigned mask;
} sema_findex;

static void index_fields(sema *s, m_form *form)
{
    sema_findex *x = &s->findex[form - s->r->forms];
    unsigned cap = 16;
    while (cap < (unsigned)form->n_fields * 2)
        cap *= 2;
    x->slot = arena_alloc(s->a, sizeof(int) * cap);
    x->mask = cap - 1;
    for (int i = 0; i < form->n_fields; i++) {
        unsigned h = name_hash(form->fields[i].code) & x->mask;
        while (x->slot[h]) {
            if (!strcmp(form->fields[x->slot[h] - 1].code, form->fields[i].code))
                break; /* a duplicate (E0111): the first one wins */
            h = (h + 1) & x->mask;
        }
        if (!x->slot[h])
            x->slot[h] = i + 1;
    }
}

int sema_field(const sema *s, const m_form *f, const char *code)
{
    if (!f)
        return -1;
    int fi = (int)(f - s->r->forms);
    if (!s->findex || fi < 0 || fi >= s->r->n_forms || !s->findex[fi].slot)
        return m_form_field(f, code); /* while the form is being built */
    const sema_findex *x = &s->findex[fi];
    for (unsigned h = name_hash(code) & x->mask; x->slot[h]; h = (h + 1) & x->mask)
        if (!strcmp(f->fields[x->slot[h] - 1].code, code))
            return x->slot[h] - 1;
    return -1;
}

/* `over units average by F`: F is any numeric field of the form, declared
 * before or after. */
static void resolve_weights(sema *s, m_form *form)
{
    for (int i = 0; i < form->n_fields; i++) {
        m_field *f = &form->fields[i];
        if (!f->decl)
            continue;
        AST_EACH(ast_attr *, a, f->decl->attrs) {
            if (a->kind != AST_A_OVER_UNITS || !a->by.text || f->unit_agg == RG_UNITS_NONE)
                continue;
            int w = sema_field(s, form, a->by.text);
            if (w < 0 || !sema_is_numeric(form->fields[w].type.kind)) {
                diag(s->d, "E0130", a->by.loc, a->by.text);
                if (w < 0) {
                    const char **c = malloc(sizeof *c * (size_t)(form->n_fields + 1));
                    for (int k = 0; k < form->n_fields; k++)
                        c[k] = form->fields[k].code;
                    sema_suggest(s, a->by.text, c, form->n_fields);
                    free(c);
                }
                continue;
            }
            f->weight = w;
        }
    }
}

static m_field *add_field(sema *s, m_form *form, const char *code, src_loc loc)
{
    static const char *const reserved[] = {"well_formed", "imbalance", "previous", "children"};
    for (int i = 0; i < 4; i++)
        if (!strcmp(code, reserved[i]))
            diag(s->d, "E0128", loc, code);
    /* The fields of the form being built, hashed: a form of thousands of
     * cells checks each new code in constant time. Rebuilt whenever another
     * form (or another compilation) is being built. */
    static strset fset;
    static const m_form *fset_form;
    static int fset_n;
    if (fset_form != form || fset_n != form->n_fields || !fset.slot) {
        strset_free(&fset);
        strset_init(&fset, form->n_fields + 16);
        for (int i = 0; i < form->n_fields; i++)
            strset_add(&fset, form->fields, sizeof *form->fields, i);
        fset_form = form;
    }
    form->fields[form->n_fields].code = code;
    int prev = strset_add(&fset, form->fields, sizeof *form->fields, form->n_fields);
    fset_n = form->n_fields + 1;
    if (prev >= 0) {
        diag(s->d, "E0111", loc, code, form->code);
        diag_hint(s->d, "H0111", form->fields[prev].loc.line);
    }
    m_field *f = &form->fields[form->n_fields++];
    memset(f, 0, sizeof *f);
    f->code = code;
    f->loc = loc;
    f->weight = -1;
    return f;
}

static void build_form(sema *s, ast_decl *d, m_form *form)
{
    form->code = d->name.text;
    form->decl = d;
    form->unit_tier = -1;
    form->unit_field = -1;
    form->period_field = -1;
    int n = d->u.form.members.n + 2;
    form->fields = arena_alloc(s->a, sizeof(m_field) * (size_t)n);
    form->dims = arena_alloc(s->a, sizeof(int) * (size_t)n);
    form->rules = arena_alloc(s->a, sizeof(m_rule) * (size_t)n);
    s->form = form;
    /* the keys come first: unit and period */
    ast_member *rep = NULL, *per = NULL;
    AST_EACH(ast_member *, m, d->u.form.members) {
        if (m->kind == AST_M_REPORTED) {
            if (rep)
                diag(s->d, "E0014", m->loc, "reported by");
            rep = m;
        } else if (m->kind == AST_M_PERIOD) {
            if (per)
                diag(s->d, "E0014", m->loc, "period");
            per = m;
        } else if (m->kind == AST_M_LABEL) {
            form->label = m->texts;
        }
    }
    if (!rep) {
        diag(s->d, "E0121", d->name.loc, d->name.text);
        diag_hint(s->d, "H0121");
    } else if (s->r->n_tiers || s->r->tiers_name) {
        form->unit_tier = sema_tier_of_word(s, &rep->name);
    } else if (s->r->decl && !s->no_tiers_reported++) {
        diag(s->d, "E0113", rep->loc);
        diag_hint(s->d, "H0113");
    }
    if (!per) {
        diag(s->d, "E0122", d->name.loc, d->name.text);
    } else {
        form->frequency = sema_freq_of(per->name.text, 0);
        if (!form->frequency) {
            diag(s->d, "E0123", per->name.loc, per->name.text);
            sema_suggest(s, per->name.text, freq_nouns, 5);
        } else if (s->r->frequency && form->frequency != s->r->frequency) {
            diag(s->d, "E0142", per->name.loc, per->name.text, sema_freq_column(s->r->frequency));
        }
    }
    m_field *u = add_field(s, form, "unit", rep ? rep->loc : d->name.loc);
    u->type.kind = TY_UNIT;
    u->flags = RG_FIELD_KEY_UNIT;
    u->time_agg = RG_TIME_NONE;
    u->unit_agg = RG_UNITS_NONE;
    form->unit_field = 0;
    m_field *p = add_field(s, form, "period", per ? per->loc : d->name.loc);
    p->type.kind = TY_PERIOD;
    p->flags = RG_FIELD_KEY_PERIOD | RG_FIELD_REQUIRED;
    p->time_agg = RG_TIME_NONE;
    p->unit_agg = RG_UNITS_NONE;
    form->period_field = 1;
    int seen_field = 0;
    AST_EACH(ast_member *, m, d->u.form.members) {
        if (m->kind == AST_M_FIELD || m->kind == AST_M_DIMENSION || m->kind == AST_M_COMPUTED ||
            m->kind == AST_M_RATIO) {
            if (!strcmp(m->name.text, "unit") || !strcmp(m->name.text, "period")) {
                diag(s->d, "E0128", m->name.loc, m->name.text);
                continue;
            }
            m_field *f = add_field(s, form, m->name.text, m->name.loc);
            f->decl = m;
            if (m->kind == AST_M_DIMENSION && seen_field)
                diag(s->d, "W0202", m->name.loc, m->name.text);
            if (m->kind != AST_M_DIMENSION)
                seen_field = 1;
            if (m->kind == AST_M_FIELD || m->kind == AST_M_DIMENSION) {
                if (!resolve_type(s, m->type, &f->type, 0))
                    f->type.kind = TY_ERROR;
                if (m->kind == AST_M_DIMENSION) {
                    if (f->type.kind != TY_CODE && f->type.kind != TY_ERROR)
                        diag(s->d, "E0124", m->type->loc, m->name.text);
                    f->flags |= RG_FIELD_DIMENSION;
                    form->dims[form->n_dims++] = form->n_fields - 1;
                    f->time_agg = RG_TIME_NONE;
                    f->unit_agg = RG_UNITS_NONE;
                } else {
                    int pct = f->type.kind == TY_PERCENT || f->type.kind == TY_RATIO;
                    int num = sema_is_numeric(f->type.kind);
                    f->time_agg = !num ? RG_TIME_NONE : pct ? RG_TIME_AVERAGE : RG_TIME_SUM;
                    f->unit_agg = !num ? RG_UNITS_NONE : pct ? RG_UNITS_AVERAGE : RG_UNITS_SUM;
                }
            } else {
                f->expr = m->expr;
                f->flags |= m->kind == AST_M_COMPUTED ? RG_FIELD_COMPUTED : RG_FIELD_RATIO;
                f->type.kind = m->kind == AST_M_RATIO ? TY_RATIO : TY_ERROR; /* computed: typed later */
                f->type.scale = 4;
                f->time_agg = m->kind == AST_M_RATIO ? RG_TIME_NONE : RG_TIME_SUM;
                f->unit_agg = m->kind == AST_M_RATIO ? RG_UNITS_NONE : RG_UNITS_SUM;
            }
            apply_attrs(s, m, f);
        }
    }
    index_fields(s, form);
    resolve_weights(s, form);
    s->form = NULL;
}

void sema_forms(sema *s)
{
    int n = 0;
    for (int i = 0; i < s->n_syms; i++)
        n += s->syms[i].decl->kind == AST_D_FORM;
    s->r->forms = arena_alloc(s->a, sizeof(m_form) * (size_t)(n + 1));
    s->findex = arena_alloc(s->a, sizeof *s->findex * (size_t)(n + 1));
    for (int i = 0; i < s->n_syms; i++) {
        ast_decl *d = s->syms[i].decl;
        if (d->kind != AST_D_FORM)
            continue;
        s->syms[i].index = s->r->n_forms;
        build_form(s, d, &s->r->forms[s->r->n_forms++]);
    }
}
