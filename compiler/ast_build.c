/* ast_build.c — constructors called by the grammar actions. They only
 * build nodes; every check is left to the sema passes. */
#include <string.h>

#include "parse.h"

void ast_list_push(arena *a, ast_list *l, void *item)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 4;
        void **items = arena_alloc(a, (size_t)cap * sizeof *items);
        if (l->n)
            memcpy(items, l->items, (size_t)l->n * sizeof *items);
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n++] = item;
}

ast_list *ast_list_new0(parse_ctx *c) { return arena_alloc(c->arena, sizeof(ast_list)); }

ast_list *ast_list_new1(parse_ctx *c, void *item)
{
    ast_list *l = ast_list_new0(c);
    ast_list_push(c->arena, l, item);
    return l;
}

ast_list *ast_list_add(parse_ctx *c, ast_list *l, void *item)
{
    ast_list_push(c->arena, l, item);
    return l;
}

ast_name ast_name_of(parse_ctx *c, const char *s, src_loc loc)
{
    ast_name n = {arena_strdup(c->arena, s), loc};
    return n;
}

ast_name ast_name_join(parse_ctx *c, ast_name a, ast_name b)
{
    ast_name n = {arena_printf(c->arena, "%s.%s", a.text, b.text), src_span(a.loc, b.loc)};
    return n;
}

ast_name *ast_name_box(parse_ctx *c, ast_name n)
{
    ast_name *p = arena_alloc(c->arena, sizeof *p);
    *p = n;
    return p;
}

ast_texts *ast_texts_new(parse_ctx *c, ast_list *items, src_loc loc)
{
    ast_texts *t = arena_alloc(c->arena, sizeof *t);
    t->items = *items;
    t->loc = loc;
    return t;
}

ast_text *ast_text_new(parse_ctx *c, const char *lang, const char *text, src_loc loc)
{
    ast_text *t = arena_alloc(c->arena, sizeof *t);
    t->lang = lang;
    t->text = text;
    t->loc = loc;
    return t;
}

/* ---- declarations ---- */

ast_decl *ast_decl_new(parse_ctx *c, ast_decl_kind kind, src_loc loc)
{
    ast_decl *d = arena_alloc(c->arena, sizeof *d);
    d->kind = kind;
    d->loc = loc;
    c->cur = d;
    return d;
}

ast_decl *ast_finish_decl(ast_decl *d, ast_name name, src_loc loc)
{
    d->name = name;
    d->loc = loc;
    return d;
}

ast_decl *ast_finish_codelist(ast_decl *d, ast_name name, const char *from, src_loc from_loc, src_loc loc)
{
    d->u.codelist.from = from;
    d->u.codelist.from_loc = from_loc;
    return ast_finish_decl(d, name, loc);
}

ast_decl *ast_finish_rollup(ast_decl *d, ast_name name, ast_name form, src_loc loc)
{
    d->u.rollup.form = form;
    return ast_finish_decl(d, name, loc);
}

ast_decl *ast_finish_test(ast_decl *d, const char *title, src_loc title_loc, src_loc loc)
{
    ast_name n = {title, title_loc};
    return ast_finish_decl(d, n, loc);
}

ast_decl *ast_import(parse_ctx *c, ast_name module, src_loc loc)
{
    ast_decl *d = ast_decl_new(c, AST_D_IMPORT, loc);
    d->name = module;
    return d;
}

ast_decl *ast_type_alias(parse_ctx *c, ast_name name, ast_type *t, src_loc loc)
{
    ast_decl *d = ast_decl_new(c, AST_D_TYPE, loc);
    d->name = name;
    d->u.alias.type = t;
    return d;
}

ast_decl *ast_holidays(parse_ctx *c, ast_name name, const char *from, src_loc from_loc, src_loc loc)
{
    ast_decl *d = ast_decl_new(c, AST_D_HOLIDAYS, loc);
    d->name = name;
    d->u.holidays.from = from;
    d->u.holidays.from_loc = from_loc;
    return d;
}

/* ---- regime header ---- */

ast_decl *ast_regime_add(ast_decl *d, parse_ctx *c, ast_item *it)
{
    ast_list_push(c->arena, &d->u.regime.items, it);
    return d;
}

static ast_item *item_new(parse_ctx *c, ast_item_kind k, src_loc loc)
{
    ast_item *it = arena_alloc(c->arena, sizeof *it);
    it->kind = k;
    it->loc = loc;
    return it;
}

ast_item *ast_item_str(parse_ctx *c, ast_item_kind k, const char *s, src_loc loc)
{
    ast_item *it = item_new(c, k, loc);
    it->str = s;
    return it;
}

ast_item *ast_item_texts(parse_ctx *c, ast_item_kind k, ast_texts *t, src_loc loc)
{
    ast_item *it = item_new(c, k, loc);
    it->texts = t;
    return it;
}

ast_item *ast_item_word(parse_ctx *c, ast_item_kind k, ast_name w, src_loc loc)
{
    ast_item *it = item_new(c, k, loc);
    it->word = w;
    return it;
}

ast_item *ast_item_words(parse_ctx *c, ast_item_kind k, ast_list *words, src_loc loc)
{
    ast_item *it = item_new(c, k, loc);
    it->words = *words;
    return it;
}

ast_item *ast_item_cutoff_day(parse_ctx *c, struct lex_number n, src_loc nloc, src_loc loc)
{
    ast_item *it = item_new(c, AST_I_CUTOFF, loc);
    it->word = ast_name_of(c, "day", nloc);
    it->number = n.scale ? -1 : n.value;
    return it;
}

ast_item *ast_item_deadline(parse_ctx *c, ast_name tier, struct lex_number n, src_loc nloc, int64_t working, src_loc loc)
{
    ast_item *it = item_new(c, AST_I_DEADLINE, loc);
    (void)nloc;
    it->word = tier;
    it->number = n.scale ? -1 : n.value;
    it->working = (int)working;
    return it;
}

/* ---- tiers ---- */

ast_decl *ast_tiers_units(ast_decl *d, const char *path, src_loc loc)
{
    (void)loc;
    d->u.tiers.units = path;
    return d;
}

ast_decl *ast_tiers_level(ast_decl *d, parse_ctx *c, ast_name name, src_loc loc)
{
    ast_level *l = arena_alloc(c->arena, sizeof *l);
    l->name = name;
    l->loc = loc;
    ast_list_push(c->arena, &d->u.tiers.levels, l);
    return d;
}

static ast_level *last_level(parse_ctx *c)
{
    ast_decl *d = c->cur;
    if (!d || d->kind != AST_D_TIERS || d->u.tiers.levels.n == 0)
        return NULL;
    return d->u.tiers.levels.items[d->u.tiers.levels.n - 1];
}

void ast_tiers_label(parse_ctx *c, ast_texts *t, src_loc loc)
{
    ast_level *l = last_level(c);
    (void)loc;
    if (l)
        l->label = t;
    else if (c->cur)
        c->cur->u.tiers.label = t;
}

static ast_level *level_for_attr(parse_ctx *c, src_loc loc)
{
    ast_level *l = last_level(c);
    if (!l)
        diag(c->diag, "E0011", loc);
    return l;
}

void ast_level_within(parse_ctx *c, ast_name parent, src_loc loc)
{
    ast_level *l = level_for_attr(c, loc);
    if (l)
        l->within = parent;
}

void ast_level_column(parse_ctx *c, const char *col, src_loc loc)
{
    ast_level *l = level_for_attr(c, loc);
    if (l)
        l->column = col;
}

void ast_level_names(parse_ctx *c, const char *col, src_loc loc)
{
    ast_level *l = level_for_attr(c, loc);
    if (l)
        l->names = col;
}

void ast_level_code(parse_ctx *c, const char *code, src_loc loc)
{
    ast_level *l = level_for_attr(c, loc);
    if (l)
        l->code = code;
}

void ast_level_optional(parse_ctx *c, src_loc loc)
{
    ast_level *l = level_for_attr(c, loc);
    if (l)
        l->optional = 1;
}

/* ---- code lists ---- */

ast_decl *ast_codelist_label(ast_decl *d, ast_texts *t)
{
    d->u.codelist.label = t;
    return d;
}

ast_decl *ast_codelist_add(ast_decl *d, parse_ctx *c, ast_code *code)
{
    ast_list_push(c->arena, &d->u.codelist.codes, code);
    return d;
}

ast_code *ast_code_new(parse_ctx *c, ast_name code, ast_texts *label, src_loc loc)
{
    ast_code *k = arena_alloc(c->arena, sizeof *k);
    k->code = code.text;
    k->loc = code.loc;
    k->label = label;
    (void)loc;
    return k;
}

/* ---- forms ---- */

ast_decl *ast_form_add(ast_decl *d, parse_ctx *c, ast_member *m)
{
    ast_list_push(c->arena, &d->u.form.members, m);
    return d;
}

/* An attribute belongs to the last field-like member; before any, a label
 * belongs to the form (kept as an AST_M_LABEL member). */
ast_decl *ast_form_attr(ast_decl *d, parse_ctx *c, ast_attr *a)
{
    ast_list *ms = &d->u.form.members;
    ast_member *last = ms->n ? ms->items[ms->n - 1] : NULL;
    if (last && (last->kind == AST_M_FIELD || last->kind == AST_M_DIMENSION ||
                 last->kind == AST_M_COMPUTED || last->kind == AST_M_RATIO)) {
        ast_list_push(c->arena, &last->attrs, a);
        return d;
    }
    if (a->kind == AST_A_LABEL && !(last && last->kind == AST_M_RULE)) {
        ast_member *m = arena_alloc(c->arena, sizeof *m);
        m->kind = AST_M_LABEL;
        m->loc = a->loc;
        m->texts = a->texts;
        ast_list_push(c->arena, ms, m);
        return d;
    }
    if (last && last->kind == AST_M_RULE) {
        ast_list_push(c->arena, &last->rule->extra, a);
        return d;
    }
    diag(c->diag, "E0012", a->loc);
    return d;
}

static ast_member *member_new(parse_ctx *c, ast_member_kind k, ast_name n, src_loc loc)
{
    ast_member *m = arena_alloc(c->arena, sizeof *m);
    m->kind = k;
    m->name = n;
    m->loc = loc;
    return m;
}

ast_member *ast_member_named(parse_ctx *c, ast_member_kind k, ast_name n, src_loc loc)
{
    return member_new(c, k, n, loc);
}

ast_member *ast_member_typed(parse_ctx *c, ast_member_kind k, ast_name n, ast_type *t, src_loc loc)
{
    ast_member *m = member_new(c, k, n, loc);
    m->type = t;
    return m;
}

ast_member *ast_member_expr(parse_ctx *c, ast_member_kind k, ast_name n, ast_expr *e, src_loc loc)
{
    ast_member *m = member_new(c, k, n, loc);
    m->expr = e;
    return m;
}

ast_member *ast_member_rule(parse_ctx *c, ast_name code, ast_name severity, ast_rule *r, src_loc loc)
{
    ast_member *m = member_new(c, AST_M_RULE, code, loc);
    r->code = code.text;
    r->code_loc = code.loc;
    r->severity = severity;
    m->rule = r;
    return m;
}

static ast_attr *attr_new(parse_ctx *c, ast_attr_kind k, src_loc loc)
{
    ast_attr *a = arena_alloc(c->arena, sizeof *a);
    a->kind = k;
    a->loc = loc;
    return a;
}

ast_attr *ast_attr_texts(parse_ctx *c, ast_attr_kind k, ast_texts *t, src_loc loc)
{
    ast_attr *a = attr_new(c, k, loc);
    a->texts = t;
    return a;
}

ast_attr *ast_attr_flag(parse_ctx *c, ast_attr_kind k, src_loc loc) { return attr_new(c, k, loc); }

ast_attr *ast_attr_range(parse_ctx *c, ast_expr *lo, ast_expr *hi, src_loc loc)
{
    ast_attr *a = attr_new(c, AST_A_RANGE, loc);
    a->lo = lo;
    a->hi = hi;
    return a;
}

ast_attr *ast_attr_number(parse_ctx *c, ast_attr_kind k, struct lex_number n, src_loc nloc, src_loc loc)
{
    ast_attr *a = attr_new(c, k, loc);
    a->number = n.scale ? -1 : n.value;
    a->word.loc = nloc;
    return a;
}

ast_attr *ast_attr_word(parse_ctx *c, ast_attr_kind k, ast_name w, src_loc loc)
{
    ast_attr *a = attr_new(c, k, loc);
    a->word = w;
    return a;
}

ast_attr *ast_attr_stock(parse_ctx *c, ast_name kind, ast_name strict, src_loc loc)
{
    ast_attr *a = attr_new(c, AST_A_STOCK, loc);
    a->word = kind;
    a->by = strict; /* "strict": sema checks the word */
    return a;
}

ast_attr *ast_attr_weighted(parse_ctx *c, ast_name agg, ast_name by, src_loc loc)
{
    ast_attr *a = attr_new(c, AST_A_OVER_UNITS, loc);
    a->word = agg;
    a->by = by;
    return a;
}

ast_attr *ast_attr_when(parse_ctx *c, ast_expr *e, src_loc loc)
{
    ast_attr *a = attr_new(c, AST_A_WHEN, loc);
    a->expr = e;
    return a;
}

ast_type *ast_type_new(parse_ctx *c, const char *base, src_loc bloc, int scale, const char *unit, src_loc loc)
{
    ast_type *t = arena_alloc(c->arena, sizeof *t);
    t->base = ast_name_of(c, base, bloc);
    t->scale = scale;
    if (unit)
        t->unit = ast_name_of(c, unit, loc);
    t->loc = loc;
    return t;
}

ast_type *ast_type_scaled(parse_ctx *c, const char *base, src_loc bloc, struct lex_number n, src_loc nloc, src_loc loc)
{
    if (n.scale || n.value > 18) {
        diag(c->diag, "E0013", nloc, n.text);
        n.value = 0;
    }
    return ast_type_new(c, base, bloc, (int)n.value, NULL, loc);
}

ast_type *ast_type_unit(ast_type *t, ast_name unit, src_loc loc)
{
    t->unit = unit;
    t->loc = loc;
    return t;
}

ast_type *ast_type_code(parse_ctx *c, ast_name list, src_loc loc)
{
    ast_type *t = ast_type_new(c, "code", loc, -1, NULL, loc);
    t->codelist = list;
    return t;
}

/* ---- rules: a clause given twice is kept for a diagnostic ---- */

ast_rule *ast_rule_new(parse_ctx *c) { return arena_alloc(c->arena, sizeof(ast_rule)); }

static void rule_dup(ast_rule *r, parse_ctx *c, const char *what, src_loc loc)
{
    (void)r;
    diag(c->diag, "E0014", loc, what);
}

ast_rule *ast_rule_when(ast_rule *r, parse_ctx *c, ast_expr *e, src_loc loc)
{
    loc = src_span(loc, e->loc); /* the keyword to the end of the clause */
    if (r->when)
        rule_dup(r, c, "when", loc);
    r->when = e;
    return r;
}

ast_rule *ast_rule_check(ast_rule *r, parse_ctx *c, ast_expr *e, src_loc loc)
{
    loc = src_span(loc, e->loc); /* the keyword to the end of the clause */
    if (r->check)
        rule_dup(r, c, "check", loc);
    r->check = e;
    return r;
}

ast_rule *ast_rule_tolerance(ast_rule *r, parse_ctx *c, ast_expr *e, ast_expr *of, src_loc loc)
{
    loc = src_span(loc, (of ? of : e)->loc); /* the keyword to the end of the clause */
    if (r->tolerance)
        rule_dup(r, c, "tolerance", loc);
    r->tolerance = e;
    r->tolerance_of = of;
    return r;
}

ast_rule *ast_rule_missing(ast_rule *r, parse_ctx *c, ast_name mode, src_loc loc)
{
    loc = src_span(loc, mode.loc);
    if (r->missing.text)
        rule_dup(r, c, "missing", loc);
    r->missing = mode;
    return r;
}

ast_rule *ast_rule_missing_sides(ast_rule *r, parse_ctx *c, ast_name left_kw, ast_name left, ast_name right_kw,
                                 ast_name right, src_loc loc)
{
    r = ast_rule_missing(r, c, left_kw, src_span(loc, right.loc));
    r->missing_left = left;
    r->missing_right_kw = right_kw;
    r->missing_right = right;
    return r;
}

ast_rule *ast_rule_message(ast_rule *r, parse_ctx *c, ast_texts *t, src_loc loc)
{
    loc = src_span(loc, t->loc);
    if (r->message)
        rule_dup(r, c, "message", loc);
    r->message = t;
    return r;
}

ast_rule *ast_rule_errorcode(ast_rule *r, parse_ctx *c, ast_name code, src_loc loc)
{
    loc = src_span(loc, code.loc);
    if (r->errorcode.text)
        rule_dup(r, c, "errorcode", loc);
    r->errorcode = code;
    return r;
}

ast_rule *ast_rule_errorlevel(ast_rule *r, parse_ctx *c, struct lex_number n, src_loc nloc, src_loc loc)
{
    loc = src_span(loc, nloc);
    if (r->errorlevel)
        rule_dup(r, c, "errorlevel", loc);
    r->errorlevel = n.text;
    r->errorlevel_loc = nloc;
    return r;
}

/* ---- roll-ups ---- */

ast_decl *ast_rollup_levels(ast_decl *d, parse_ctx *c, ast_list *levels, src_loc loc)
{
    if (d->u.rollup.levels.n)
        diag(c->diag, "E0014", loc, "levels");
    d->u.rollup.levels = *levels;
    return d;
}

ast_decl *ast_rollup_period(ast_decl *d, parse_ctx *c, ast_name p, src_loc loc)
{
    if (d->u.rollup.period.text)
        diag(c->diag, "E0014", loc, "period");
    d->u.rollup.period = p;
    return d;
}

ast_decl *ast_rollup_count(ast_decl *d, parse_ctx *c, ast_name n, src_loc loc)
{
    if (d->u.rollup.count.text)
        diag(c->diag, "E0014", loc, "completeness");
    d->u.rollup.count = n;
    return d;
}

ast_decl *ast_rollup_missing(ast_decl *d, parse_ctx *c, ast_name mode, ast_list *fields, src_loc loc)
{
    ast_rollup_miss *m = arena_alloc(c->arena, sizeof *m);
    memset(m, 0, sizeof *m);
    m->mode = mode;
    m->fields = fields;
    m->loc = loc;
    ast_list_push(c->arena, &d->u.rollup.missing, m);
    return d;
}

ast_decl *ast_rollup_coverage(ast_decl *d, parse_ctx *c, ast_name kw, ast_name n, src_loc loc)
{
    if (strcmp(kw.text, "coverage")) {
        diag(c->diag, "E0001", kw.loc, kw.text, "levels, period, completeness, missing, coverage or total");
        return d;
    }
    if (d->u.rollup.coverage.text)
        diag(c->diag, "E0014", loc, "coverage");
    d->u.rollup.coverage = n;
    return d;
}

/* `total over d, e`: `total` is a word of the roll-up only, so that fields
 * and codes named `total` stay names everywhere else. */
ast_decl *ast_rollup_totals(ast_decl *d, parse_ctx *c, ast_name kw, ast_list *dims, src_loc loc)
{
    if (strcmp(kw.text, "total")) {
        diag(c->diag, "E0001", kw.loc, kw.text, "levels, period, completeness, missing, coverage or total");
        return d;
    }
    ast_rollup_total *t = arena_alloc(c->arena, sizeof *t);
    memset(t, 0, sizeof *t);
    t->dims = *dims;
    t->loc = loc;
    ast_list_push(c->arena, &d->u.rollup.totals, t);
    return d;
}

/* `total over d by H`: the totals of hierarchy H's `=` rules, over one
 * dimension. */
ast_decl *ast_rollup_htotals(ast_decl *d, parse_ctx *c, ast_name kw, ast_name dim, ast_name hier, src_loc loc)
{
    ast_list dims = {0};
    ast_list_push(c->arena, &dims, ast_name_box(c, dim));
    ast_rollup_totals(d, c, kw, &dims, loc);
    if (!strcmp(kw.text, "total")) {
        ast_rollup_total *t = d->u.rollup.totals.items[d->u.rollup.totals.n - 1];
        t->by = hier;
    }
    return d;
}

/* ---- tests ---- */

ast_decl *ast_test_data(ast_decl *d, parse_ctx *c, ast_data *data)
{
    /* data_rows is left-recursive: push the block once, on its first row-less
     * reduction, by checking identity. */
    for (int i = 0; i < d->u.test.data.n; i++)
        if (d->u.test.data.items[i] == data)
            return d;
    ast_list_push(c->arena, &d->u.test.data, data);
    return d;
}

ast_decl *ast_test_expect(ast_decl *d, parse_ctx *c, ast_expect *x)
{
    ast_list_push(c->arena, &d->u.test.expects, x);
    return d;
}

ast_data *ast_data_new(parse_ctx *c, ast_name form, ast_list *columns, src_loc loc)
{
    ast_data *d = arena_alloc(c->arena, sizeof *d);
    d->form = form;
    d->columns = *columns;
    d->loc = loc;
    return d;
}

ast_data *ast_data_row(ast_data *d, parse_ctx *c, ast_list *values, src_loc loc, src_loc row_loc)
{
    (void)loc;
    ast_list_push(c->arena, &d->rows, values);
    src_loc *l = arena_alloc(c->arena, sizeof *l);
    *l = row_loc;
    ast_list_push(c->arena, &d->row_locs, l);
    return d;
}

ast_expect *ast_expect_row(parse_ctx *c, struct lex_number row, src_loc rloc, ast_list *codes, src_loc loc)
{
    ast_expect *x = arena_alloc(c->arena, sizeof *x);
    x->kind = codes ? AST_X_FAILS : AST_X_PASSES;
    x->loc = loc;
    x->row = row.scale ? -1 : row.value;
    (void)rloc;
    if (codes)
        x->codes = *codes;
    return x;
}

ast_expect *ast_expect_verdict(parse_ctx *c, struct lex_number row, ast_name code, ast_name verdict, src_loc loc)
{
    ast_expect *x = arena_alloc(c->arena, sizeof *x);
    x->kind = AST_X_VERDICT;
    x->loc = loc;
    x->row = row.scale ? -1 : row.value;
    ast_list_push(c->arena, &x->codes, ast_name_box(c, code));
    x->verdict = verdict;
    return x;
}

ast_expect *ast_expect_value(parse_ctx *c, struct lex_number row, ast_name field, ast_expr *value, src_loc loc)
{
    ast_expect *x = arena_alloc(c->arena, sizeof *x);
    x->kind = AST_X_VALUE;
    x->loc = loc;
    x->row = row.scale ? -1 : row.value;
    x->measure = field;
    x->value = value;
    return x;
}

ast_expect *ast_expect_message(parse_ctx *c, struct lex_number row, ast_texts *message, src_loc loc)
{
    ast_expect *x = arena_alloc(c->arena, sizeof *x);
    x->kind = AST_X_MESSAGE;
    x->loc = loc;
    x->row = row.scale ? -1 : row.value;
    x->message = message;
    return x;
}

ast_expect *ast_expect_rollup(parse_ctx *c, ast_name rollup, ast_name level, ast_list *keys,
                              ast_name measure, ast_expr *value, src_loc loc)
{
    ast_expect *x = arena_alloc(c->arena, sizeof *x);
    x->kind = AST_X_ROLLUP;
    x->loc = loc;
    x->rollup = rollup;
    x->level = level;
    x->keys = *keys;
    x->measure = measure;
    x->value = value;
    return x;
}

/* ---- expressions ---- */

static ast_expr *expr_new(parse_ctx *c, ast_expr_kind k, src_loc loc)
{
    ast_expr *e = arena_alloc(c->arena, sizeof *e);
    e->kind = k;
    e->loc = loc;
    e->depth = 1;
    return e;
}

/* 1 when a node over a subtree of height `below` would be too tall: the
 * error is reported once per file and the caller keeps the subtree, so the
 * tree stays bounded for every pass that recurses on it. */
static int too_deep(parse_ctx *c, int below, src_loc loc)
{
    if (below < PARSE_MAX_EXPR_DEPTH)
        return 0;
    if (!c->too_deep) {
        c->too_deep = 1;
        diag(c->diag, "E0015", loc, PARSE_MAX_EXPR_DEPTH);
        diag_hint(c->diag, "H0015");
    }
    return 1;
}

ast_expr *ast_number(parse_ctx *c, ast_expr_kind k, struct lex_number n, int negate, src_loc loc)
{
    ast_expr *e = expr_new(c, k, loc);
    e->u.num.value = negate ? -n.value : n.value;
    e->u.num.scale = n.scale;
    e->u.num.text = negate ? arena_printf(c->arena, "-%s", n.text) : n.text;
    return e;
}

ast_expr *ast_string(parse_ctx *c, const char *s, src_loc loc)
{
    ast_expr *e = expr_new(c, AST_E_STRING, loc);
    e->u.str = s;
    return e;
}

ast_expr *ast_date(parse_ctx *c, int32_t days, src_loc loc)
{
    ast_expr *e = expr_new(c, AST_E_DATE, loc);
    e->u.date = days;
    return e;
}

ast_expr *ast_period(parse_ctx *c, const char *text, src_loc loc)
{
    ast_expr *e = expr_new(c, AST_E_PERIOD, loc);
    e->u.period.text = text;
    return e;
}

ast_expr *ast_bool(parse_ctx *c, int v, src_loc loc)
{
    ast_expr *e = expr_new(c, AST_E_BOOL, loc);
    e->u.boolean = v;
    return e;
}

ast_expr *ast_missing(parse_ctx *c, src_loc loc) { return expr_new(c, AST_E_MISSING, loc); }

ast_expr *ast_name_expr(parse_ctx *c, ast_name n)
{
    ast_expr *e = expr_new(c, AST_E_NAME, n.loc);
    e->u.name = n;
    return e;
}

ast_expr *ast_unary(parse_ctx *c, ast_op op, ast_expr *x, src_loc loc)
{
    if (too_deep(c, x->depth, loc))
        return x;
    ast_expr *e = expr_new(c, AST_E_UNARY, loc);
    e->depth = x->depth + 1;
    e->u.unary.op = op;
    e->u.unary.operand = x;
    return e;
}

ast_expr *ast_binary(parse_ctx *c, ast_op op, ast_expr *l, ast_expr *r, src_loc loc)
{
    int below = l->depth > r->depth ? l->depth : r->depth;
    if (too_deep(c, below, loc))
        return l->depth >= r->depth ? r : l;
    ast_expr *e = expr_new(c, AST_E_BINARY, loc);
    e->depth = below + 1;
    e->u.binary.op = op;
    e->u.binary.lhs = l;
    e->u.binary.rhs = r;
    return e;
}

ast_expr *ast_call(parse_ctx *c, ast_name callee, ast_list *args, src_loc loc)
{
    int below = 0;
    for (int i = 0; i < args->n; i++) {
        ast_expr *a = args->items[i];
        if (a->depth > below)
            below = a->depth;
    }
    if (too_deep(c, below, loc))
        args->n = 0;
    ast_expr *e = expr_new(c, AST_E_CALL, loc);
    e->depth = args->n ? below + 1 : 1;
    e->u.call.callee = callee;
    e->u.call.args = *args;
    return e;
}

ast_expr *ast_in_list(parse_ctx *c, ast_expr *x, ast_name list, src_loc loc)
{
    if (too_deep(c, x->depth, loc))
        return x;
    ast_expr *e = expr_new(c, AST_E_IN, loc);
    e->depth = x->depth + 1;
    e->u.in.operand = x;
    e->u.in.list = list;
    e->u.in.has_list = 1;
    return e;
}

ast_expr *ast_in_codes(parse_ctx *c, ast_expr *x, ast_list *codes, src_loc loc)
{
    if (too_deep(c, x->depth, loc))
        return x;
    ast_expr *e = expr_new(c, AST_E_IN, loc);
    e->depth = x->depth + 1;
    e->u.in.operand = x;
    e->u.in.codes = *codes;
    return e;
}

ast_expr *ast_paren(ast_expr *e, src_loc loc)
{
    e->loc = loc;
    return e;
}

/* ---- hierarchies ---- */

/* `on` is read as a name (it is no keyword, so a field may be called
 * `on`); anything else in its place is a syntax error. */
static void expect_on(parse_ctx *c, const char *word, src_loc loc)
{
    if (strcmp(word, "on"))
        diag(c->diag, "E0001", loc, word, "`on`");
}

ast_member *ast_member_new(parse_ctx *c, ast_member_kind k, src_loc loc)
{
    ast_name none = {NULL, loc};
    return member_new(c, k, none, loc);
}

ast_member *ast_member_hierarchy(parse_ctx *c, ast_member *m, ast_name name, const char *on_word, src_loc on_loc,
                                 ast_name dim, src_loc loc)
{
    expect_on(c, on_word, on_loc);
    m->name = name;
    m->on = dim;
    m->loc = loc;
    return m;
}

ast_member *ast_hier_fields(ast_member *m, parse_ctx *c, ast_list *fields, src_loc loc)
{
    if (m->fields.n)
        diag(c->diag, "E0014", loc, "for");
    for (int i = 0; i < fields->n; i++)
        ast_list_push(c->arena, &m->fields, fields->items[i]);
    return m;
}

ast_member *ast_hier_missing(ast_member *m, parse_ctx *c, ast_name mode, src_loc loc)
{
    if (m->mode.text)
        diag(c->diag, "E0014", loc, "missing");
    m->mode = mode;
    return m;
}

ast_decl *ast_finish_hierarchy(parse_ctx *c, ast_decl *d, ast_name name, const char *on_word, src_loc on_loc,
                               ast_name list, src_loc loc)
{
    expect_on(c, on_word, on_loc);
    d->u.hierarchy.codelist = list;
    return ast_finish_decl(d, name, loc);
}

ast_decl *ast_hierarchy_label(ast_decl *d, ast_texts *t)
{
    d->u.hierarchy.label = t;
    return d;
}

ast_decl *ast_hierarchy_rule(ast_decl *d, parse_ctx *c, ast_member *rule)
{
    ast_list_push(c->arena, &d->u.hierarchy.rules, rule);
    return d;
}
