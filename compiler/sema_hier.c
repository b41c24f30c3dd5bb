/*
 * sema_hier.c — hierarchies over code lists (SDMX VTL's hierarchical
 * rulesets): `hierarchy NAME on LIST { rule ... }` declares rules between
 * the codes of a list (`check TOTAL = MALE + FEMALE`), and a form checks
 * them over the rows of one dimension with `hierarchy NAME on DIM`.
 *
 * A rule's check is a comparison of one code with a signed sum of codes;
 * its `when` may only read `period` (a composition that changes with the
 * reference date). Both are checked here by shape, not typed: the items
 * take the type of each field the form checks (lower_hier.c).
 */
#include <stdlib.h>
#include <string.h>

#include "sema_int.h"

static int code_in(const m_codelist *l, const char *code)
{
    for (int i = 0; l && i < l->n_codes; i++)
        if (!strcmp(l->codes[i].code, code))
            return i;
    return -1;
}

/* A leaf of a check: a code written as a name or a string. */
static const char *leaf_code(const ast_expr *e)
{
    if (e->kind == AST_E_NAME && !strchr(e->u.name.text, '.'))
        return e->u.name.text;
    if (e->kind == AST_E_STRING)
        return e->u.str;
    if (e->kind == AST_E_NUMBER && e->u.num.scale == 0 && e->u.num.text)
        return e->u.num.text;
    return NULL;
}

/* Resolves one code of a check; -2 when the leaf is not a code at all. */
static int item_of(sema *s, const m_hierarchy *h, const ast_expr *e)
{
    const char *c = leaf_code(e);
    if (!c)
        return -2;
    int k = code_in(h->list, c);
    if (k < 0 && h->list) {
        diag(s->d, "E0206", e->loc, c, h->list->name);
        const char **cands = malloc(sizeof *cands * (size_t)(h->list->n_codes + 1));
        for (int i = 0; i < h->list->n_codes; i++)
            cands[i] = h->list->codes[i].code;
        sema_suggest(s, c, cands, h->list->n_codes);
        free(cands);
    }
    return k;
}

/* The right side: `A`, `-A`, `A + B - C`, collected left to right. */
static int collect_sum(sema *s, const m_hierarchy *h, const ast_expr *e, int sign, int *items, int *signs, int *n,
                       int cap)
{
    if (e->kind == AST_E_BINARY && (e->u.binary.op == AST_OP_ADD || e->u.binary.op == AST_OP_SUB)) {
        if (!collect_sum(s, h, e->u.binary.lhs, sign, items, signs, n, cap))
            return 0;
        return collect_sum(s, h, e->u.binary.rhs, e->u.binary.op == AST_OP_SUB ? -sign : sign, items, signs, n, cap);
    }
    if (e->kind == AST_E_UNARY && e->u.unary.op == AST_OP_NEG)
        return collect_sum(s, h, e->u.unary.operand, -sign, items, signs, n, cap);
    int k = item_of(s, h, e);
    if (k == -2 || *n >= cap)
        return 0;
    items[*n] = k;
    signs[*n] = sign;
    (*n)++;
    return 1;
}

static int count_leaves(const ast_expr *e)
{
    if (e->kind == AST_E_BINARY)
        return count_leaves(e->u.binary.lhs) + count_leaves(e->u.binary.rhs);
    if (e->kind == AST_E_UNARY)
        return count_leaves(e->u.unary.operand);
    return 1;
}

/* `when`: and/or/not of `period CMP literal` (a period, a date or a year). */
static int when_ok(const ast_expr *e)
{
    if (e->kind == AST_E_BINARY && (e->u.binary.op == AST_OP_AND || e->u.binary.op == AST_OP_OR))
        return when_ok(e->u.binary.lhs) && when_ok(e->u.binary.rhs);
    if (e->kind == AST_E_UNARY && e->u.unary.op == AST_OP_NOT)
        return when_ok(e->u.unary.operand);
    if (e->kind == AST_E_BOOL)
        return 1;
    if (e->kind != AST_E_BINARY || e->u.binary.op < AST_OP_EQ || e->u.binary.op > AST_OP_GE)
        return 0;
    const ast_expr *a = e->u.binary.lhs, *b = e->u.binary.rhs;
    if (!(a->kind == AST_E_NAME && !strcmp(a->u.name.text, "period")))
        return 0;
    return b->kind == AST_E_PERIOD || b->kind == AST_E_DATE ||
           (b->kind == AST_E_NUMBER && b->u.num.scale == 0 && b->u.num.value >= 1000 && b->u.num.value <= 9999);
}

static void check_placeholders(sema *s, const m_hierarchy *h, const m_hier_rule *r)
{
    AST_EACH(ast_text *, t, r->message->items) {
        const char *p = t->text, *end;
        while ((p = m_placeholder(t->text, p, &end))) {
            if (!end) {
                diag(s->d, "E0308", t->loc, r->code);
                break;
            }
            char *ph = arena_strndup(s->a, p + 1, (size_t)(end - p - 1));
            if (strcmp(ph, "imbalance") && code_in(h->list, ph) < 0)
                diag(s->d, "E0390", t->loc, ph, r->code, h->list ? h->list->name : "?");
            p = end + 1;
        }
    }
}

static void check_hier_rule(sema *s, m_hierarchy *h, ast_member *m, m_hier_rule *hr)
{
    ast_rule *r = m->rule;
    hr->code = r->code;
    hr->decl = r;
    hr->loc = r->code_loc;
    hr->message = r->message;
    hr->left = -1;
    sema_rule_head(s, r, &hr->severity, &hr->errorcode, &hr->errorlevel);
    if (r->missing.text) /* the mode belongs to the form's use of the hierarchy */
        diag(s->d, "E0389", r->missing.loc, r->code);
    if (r->tolerance_of)
        diag(s->d, "E0213", r->tolerance_of->loc);
    if (r->tolerance) {
        if ((r->tolerance->kind != AST_E_NUMBER && r->tolerance->kind != AST_E_PERCENT) ||
            r->tolerance->u.num.scale > 9)
            diag(s->d, "E0213", r->tolerance->loc);
        else
            hr->tolerance = r->tolerance;
    }
    if (r->when) {
        if (!when_ok(r->when)) {
            diag(s->d, "E0391", r->when->loc, r->code);
            diag_hint(s->d, "H0391");
        } else {
            hr->when = r->when;
        }
    }
    if (!r->check) {
        diag(s->d, "E0301", r->code_loc, r->code);
        diag_hint(s->d, "H0396");
        return;
    }
    const ast_expr *c = r->check;
    int shape = c->kind == AST_E_BINARY && c->u.binary.op >= AST_OP_EQ && c->u.binary.op <= AST_OP_GE &&
                c->u.binary.op != AST_OP_NE;
    int left = shape ? item_of(s, h, c->u.binary.lhs) : -2;
    int cap = shape ? count_leaves(c->u.binary.rhs) : 0;
    hr->right = arena_alloc(s->a, sizeof(int) * (size_t)(cap + 1));
    hr->sign = arena_alloc(s->a, sizeof(int) * (size_t)(cap + 1));
    if (!shape || left == -2 ||
        !collect_sum(s, h, c->u.binary.rhs, 1, hr->right, hr->sign, &hr->n_right, cap)) {
        diag(s->d, "E0396", c->loc, r->code);
        diag_hint(s->d, "H0396");
        hr->n_right = 0;
        return;
    }
    hr->left = left;
    hr->cmp = c->u.binary.op;
    if (hr->message)
        check_placeholders(s, h, hr);
}

/* `=` rules define their left code from the right ones; computing a total
 * needs those definitions to be free of cycles. state: 0 new, 1 on the
 * path, 2 done. */
static int find_cycle(const m_hierarchy *h, int code, char *state, int *via)
{
    if (state[code] == 2)
        return -1;
    if (state[code] == 1)
        return code;
    state[code] = 1;
    for (int i = 0; i < h->n_rules; i++) {
        const m_hier_rule *r = &h->rules[i];
        if (r->left != code || r->cmp != AST_OP_EQ)
            continue;
        for (int j = 0; j < r->n_right; j++) {
            if (r->right[j] < 0)
                continue;
            int c = find_cycle(h, r->right[j], state, via);
            if (c >= 0) {
                if (*via < 0)
                    *via = i;
                return c;
            }
        }
    }
    state[code] = 2;
    return -1;
}

static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

static void build_hierarchy(sema *s, ast_decl *d, m_hierarchy *h)
{
    h->name = d->name.text;
    h->decl = d;
    h->label = d->u.hierarchy.label;
    h->codelist = -1;
    const char *ln = d->u.hierarchy.codelist.text;
    sym *cl = sema_lookup(s, ln, AST_D_CODELIST);
    if (!cl || cl->index < 0) {
        diag(s->d, "E0107", d->u.hierarchy.codelist.loc, ln);
        sema_suggest_decl(s, ln, AST_D_CODELIST);
    } else {
        h->codelist = cl->index;
        h->list = &s->r->codelists[cl->index];
        h->list->used = 1;
    }
    h->rules = arena_alloc(s->a, sizeof(m_hier_rule) * (size_t)(d->u.hierarchy.rules.n + 1));
    AST_EACH(ast_member *, m, d->u.hierarchy.rules) {
        m_hier_rule *hr = &h->rules[h->n_rules];
        for (int i = 0; i < h->n_rules; i++)
            if (!strcmp(h->rules[i].code, m->rule->code)) {
                const src_file *f = src_get(&s->c->sm, h->rules[i].loc.file);
                diag(s->d, "E0300", m->rule->code_loc, m->rule->code);
                diag_hint(s->d, "H0100", f ? f->path : "?", h->rules[i].loc.line);
            }
        check_hier_rule(s, h, m, hr);
        h->n_rules++;
    }
    if (!h->list)
        return;
    /* the items: every code a rule names */
    char *seen = arena_alloc(s->a, (size_t)h->list->n_codes + 1);
    for (int i = 0; i < h->n_rules; i++) {
        if (h->rules[i].left >= 0)
            seen[h->rules[i].left] = 1;
        for (int j = 0; j < h->rules[i].n_right; j++)
            if (h->rules[i].right[j] >= 0)
                seen[h->rules[i].right[j]] = 1;
    }
    h->items = arena_alloc(s->a, sizeof(int) * (size_t)(h->list->n_codes + 1));
    for (int k = 0; k < h->list->n_codes; k++)
        if (seen[k])
            h->items[h->n_items++] = k;
    qsort(h->items, (size_t)h->n_items, sizeof(int), cmp_int);
    char *state = arena_alloc(s->a, (size_t)h->list->n_codes + 1);
    for (int k = 0; k < h->list->n_codes; k++) {
        int via = -1;
        int c = find_cycle(h, k, state, &via);
        if (c >= 0) {
            const m_hier_rule *r = via >= 0 ? &h->rules[via] : &h->rules[0];
            diag(s->d, "E0395", r->loc, h->list->codes[c].code, h->name);
            diag_hint(s->d, "H0395");
            return;
        }
    }
}

void sema_hierarchies(sema *s)
{
    int n = 0;
    for (int i = 0; i < s->n_syms; i++)
        n += s->syms[i].decl->kind == AST_D_HIERARCHY;
    s->r->hierarchies = arena_alloc(s->a, sizeof(m_hierarchy) * (size_t)(n + 1));
    for (int i = 0; i < s->n_syms; i++) {
        ast_decl *d = s->syms[i].decl;
        if (d->kind != AST_D_HIERARCHY)
            continue;
        s->syms[i].index = s->r->n_hierarchies;
        build_hierarchy(s, d, &s->r->hierarchies[s->r->n_hierarchies++]);
    }
}

static const char *const miss_modes[] = {"non_null", "non_zero", "partial_null", "partial_zero", "always_null",
                                         "always_zero"};

static int hier_field_ok(const m_field *f)
{
    return !(f->flags & (RG_FIELD_KEY_UNIT | RG_FIELD_KEY_PERIOD | RG_FIELD_DIMENSION | RG_FIELD_RATIO)) &&
           sema_is_numeric(f->type.kind);
}

static void build_use(sema *s, m_form *form, ast_member *m, m_hier_use *u)
{
    u->decl = m;
    u->hier = -1;
    u->dim = -1;
    u->mode = RG_MISS_NON_NULL;
    sym *hs = sema_lookup(s, m->name.text, AST_D_HIERARCHY);
    if (!hs || hs->index < 0) {
        diag(s->d, "E0394", m->name.loc, m->name.text);
        sema_suggest_decl(s, m->name.text, AST_D_HIERARCHY);
    } else {
        u->hier = hs->index;
    }
    const m_hierarchy *h = u->hier >= 0 ? &s->r->hierarchies[u->hier] : NULL;
    int fi = sema_field(s, form, m->on.text);
    if (fi < 0 || !(form->fields[fi].flags & RG_FIELD_DIMENSION) ||
        (h && h->list && form->fields[fi].type.kind == TY_CODE && form->fields[fi].type.list != h->list) ||
        (form->fields[fi].type.kind != TY_CODE && form->fields[fi].type.kind != TY_ERROR)) {
        diag(s->d, "E0393", m->on.loc, m->on.text, h && h->list ? h->list->name : "?", m->name.text);
        diag_hint(s->d, "H0393");
    } else {
        u->dim = fi;
    }
    if (m->mode.text) {
        int k = -1;
        for (int i = 0; i < 6; i++)
            if (!strcmp(m->mode.text, miss_modes[i]))
                k = i;
        if (k < 0) {
            diag(s->d, "E0418", m->mode.loc, m->mode.text);
            sema_suggest(s, m->mode.text, miss_modes, 6);
        } else {
            u->mode = (rg_missing_mode)(k + 1);
        }
    }
    AST_EACH(ast_attr *, a, m->attrs) {
        diag(s->d, "E0307", a->loc);
    }
    u->fields = arena_alloc(s->a, sizeof(int) * (size_t)(form->n_fields + 1));
    if (m->fields.n) {
        AST_EACH(ast_name *, w, m->fields) {
            int k = sema_field(s, form, w->text);
            if (k < 0 || !hier_field_ok(&form->fields[k])) {
                diag(s->d, "E0392", w->loc, w->text, form->code);
                if (k < 0)
                    sema_suggest_field(s, w->text);
                continue;
            }
            int dup = 0;
            for (int i = 0; i < u->n_fields; i++)
                dup |= u->fields[i] == k;
            if (!dup)
                u->fields[u->n_fields++] = k;
        }
    } else {
        for (int k = 0; k < form->n_fields; k++)
            if (hier_field_ok(&form->fields[k]))
                u->fields[u->n_fields++] = k;
        if (!u->n_fields)
            diag(s->d, "E0392", m->loc, m->name.text, form->code);
    }
}

void sema_form_hiers(sema *s)
{
    for (int fi = 0; fi < s->r->n_forms; fi++) {
        m_form *form = &s->r->forms[fi];
        int n = 0;
        AST_EACH(ast_member *, m, form->decl->u.form.members) n += m->kind == AST_M_HIERARCHY;
        if (!n)
            continue;
        s->form = form;
        s->form_index = fi;
        form->hiers = arena_alloc(s->a, sizeof(m_hier_use) * (size_t)n);
        AST_EACH(ast_member *, m, form->decl->u.form.members) {
            if (m->kind != AST_M_HIERARCHY)
                continue;
            build_use(s, form, m, &form->hiers[form->n_hiers++]);
        }
        /* a hierarchy's rule codes name results beside the form's rules */
        for (int i = 0; i < form->n_hiers; i++) {
            const m_hier_use *u = &form->hiers[i];
            if (u->hier < 0)
                continue;
            const m_hierarchy *h = &s->r->hierarchies[u->hier];
            for (int j = 0; j < h->n_rules; j++)
                for (int k = 0; k < form->n_rules; k++)
                    if (!strcmp(form->rules[k].code, h->rules[j].code)) {
                        const src_file *f = src_get(&s->c->sm, form->rules[k].loc.file);
                        diag(s->d, "E0300", h->rules[j].loc, h->rules[j].code);
                        diag_hint(s->d, "H0100", f ? f->path : "?", form->rules[k].loc.line);
                    }
        }
        s->form = NULL;
    }
}

int sema_hier_rule_named(sema *s, const char *code)
{
    for (int fi = 0; fi < s->r->n_forms; fi++) {
        const m_form *f = &s->r->forms[fi];
        for (int i = 0; i < f->n_hiers; i++) {
            const m_hier_use *u = &f->hiers[i];
            if (u->hier < 0)
                continue;
            const m_hierarchy *h = &s->r->hierarchies[u->hier];
            for (int j = 0; j < h->n_rules; j++) {
                const char *rc = h->rules[j].code;
                size_t n = strlen(rc);
                if (u->n_fields == 1 && !strcmp(rc, code))
                    return 1;
                if (u->n_fields > 1 && !strncmp(rc, code, n) && code[n] == '.')
                    for (int k = 0; k < u->n_fields; k++)
                        if (!strcmp(code + n + 1, f->fields[u->fields[k]].code))
                            return 1;
            }
        }
    }
    return 0;
}
