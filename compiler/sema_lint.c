/* sema_lint.c — what a complete regime must declare (Decree 09/2019/NĐ-CP,
 * art. 7), unused declarations, languages, and the in-spec tests' shape. */
#include <stdlib.h>
#include <string.h>

#include "sema_int.h"

static void add_lang(sema *s, const char *lang)
{
    if (!lang)
        return;
    for (int i = 0; i < s->r->n_langs; i++)
        if (!strcmp(s->r->langs[i], lang))
            return;
    s->r->langs = realloc(s->r->langs, sizeof(char *) * (size_t)(s->r->n_langs + 1));
    s->r->langs[s->r->n_langs++] = lang;
}

static void langs_of(sema *s, const ast_texts *t)
{
    if (t)
        AST_EACH(ast_text *, x, t->items) add_lang(s, x->lang);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int has_lang(const ast_texts *t, const char *lang)
{
    return m_text(t, lang) != NULL;
}

void sema_lint(sema *s)
{
    m_regime *r = s->r;
    /* languages: those of the regime's label, else every one used */
    if (r->label)
        langs_of(s, r->label);
    if (!r->n_langs)
        for (int fi = 0; fi < r->n_forms; fi++)
            for (int i = 0; i < r->forms[fi].n_fields; i++)
                langs_of(s, r->forms[fi].fields[i].label);
    if (r->n_langs > 1)
        qsort(r->langs, (size_t)r->n_langs, sizeof(char *), cmp_str);

    if (r->decl) {
        src_loc at = r->decl->name.loc;
        int has[AST_I_HOLIDAYS + 1] = {0};
        AST_EACH(ast_item *, it, r->decl->u.regime.items) has[it->kind] = 1;
        static const struct { ast_item_kind k; const char *code; } need[] = {
            {AST_I_LABEL, "W0901"},     {AST_I_CONTENT, "W0902"},  {AST_I_SUBMITTED, "W0903"},
            {AST_I_RECEIVED, "W0904"},  {AST_I_METHOD, "W0905"},   {AST_I_DEADLINE, "W0906"},
            {AST_I_FREQUENCY, "W0907"}, {AST_I_CUTOFF, "W0908"},   {AST_I_OUTLINE, "W0909"},
            {AST_I_GUIDANCE, "W0911"},  {AST_I_VERSION, "W0912"},  {AST_I_KIND, "W0913"},
        };
        int hinted = 0;
        for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
            if (!has[need[i].k]) {
                if (need[i].k == AST_I_FREQUENCY && has[AST_I_KIND] && r->kind == RG_KIND_ADHOC)
                    continue; /* ad hoc reports have no frequency */
                if (need[i].k == AST_I_CUTOFF && r->kind == RG_KIND_ADHOC)
                    continue;
                diag(s->d, need[i].code, at);
                if (!hinted++)
                    diag_hint(s->d, "H0900");
            }
        if (!r->n_forms) {
            diag(s->d, "W0910", at);
            if (!hinted++)
                diag_hint(s->d, "H0900");
        }
        /* every submitting tier should have a deadline */
        for (int i = 0; i < r->n_submitters; i++) {
            int found = 0;
            for (int k = 0; k < r->n_deadlines; k++)
                found |= r->deadlines[k].tier == r->submitters[i];
            if (!found && r->n_deadlines)
                diag(s->d, "W0401", at, r->tiers[r->submitters[i]].name);
        }
        /* labels and messages in every language of the regime */
        for (int fi = 0; fi < r->n_forms; fi++) {
            m_form *f = &r->forms[fi];
            for (int i = 0; i < f->n_fields; i++) {
                m_field *fd = &f->fields[i];
                if (!fd->decl)
                    continue;
                for (int l = 0; l < r->n_langs; l++)
                    if (!has_lang(fd->label, r->langs[l])) {
                        diag(s->d, "W0101", fd->loc, fd->code, r->langs[l]);
                        break;
                    }
            }
            for (int i = 0; i < f->n_rules; i++) {
                m_rule *ru = &f->rules[i];
                if (!ru->message)
                    continue;
                for (int l = 0; l < r->n_langs; l++)
                    if (!has_lang(ru->message, r->langs[l])) {
                        diag(s->d, "W0305", ru->loc, ru->code, r->langs[l]);
                        break;
                    }
            }
        }
        if (r->frequency) {
            for (int fi = 0; fi < r->n_forms; fi++)
                (void)fi;
        }
    }
    /* code lists declared in the root files but never used */
    for (int i = 0; i < r->n_codelists; i++) {
        m_codelist *cl = &r->codelists[i];
        int in_root = 0;
        for (int k = 0; k < s->c->n_roots; k++)
            in_root |= s->c->files[k]->file_id == cl->loc.file;
        if (!cl->used && in_root && r->decl) /* a module alone uses nothing */
            diag(s->d, "W0100", cl->loc, cl->name);
    }
}

/* The shape of each test: its form, columns, rows and expectations. */
void sema_tests(sema *s)
{
    for (int t = 0; t < s->r->n_tests; t++) {
        ast_decl *d = s->r->tests[t];
        int rows = 0;
        AST_EACH(ast_data *, data, d->u.test.data) {
            sym *fs = sema_lookup(s, data->form.text, AST_D_FORM);
            if (!fs) {
                diag(s->d, "E0108", data->form.loc, data->form.text);
                continue;
            }
            m_form *f = &s->r->forms[fs->index];
            AST_EACH(ast_name *, col, data->columns) {
                if (m_form_field(f, col->text) < 0) {
                    diag(s->d, "E0600", col->loc, col->text, f->code);
                    const char **c = malloc(sizeof *c * (size_t)f->n_fields);
                    for (int k = 0; k < f->n_fields; k++)
                        c[k] = f->fields[k].code;
                    sema_suggest(s, col->text, c, f->n_fields);
                    free(c);
                } else if (f->fields[m_form_field(f, col->text)].flags & (RG_FIELD_COMPUTED | RG_FIELD_RATIO)) {
                    diag(s->d, "E0604", col->loc, col->text);
                }
            }
            for (int r = 0; r < data->rows.n; r++) {
                ast_list *vals = data->rows.items[r];
                if (vals->n != data->columns.n)
                    diag(s->d, "E0601", *(src_loc *)data->row_locs.items[r], vals->n, data->columns.n);
            }
            rows += data->rows.n;
        }
        AST_EACH(ast_expect *, x, d->u.test.expects) {
            if (x->kind == AST_X_ROLLUP) {
                sym *rs = sema_lookup(s, x->rollup.text, AST_D_ROLLUP);
                if (!rs || rs->index < 0) {
                    diag(s->d, "E0605", x->rollup.loc, x->rollup.text);
                    continue;
                }
                m_rollup *ru = &s->r->rollups[rs->index];
                m_form *f = &s->r->forms[ru->form];
                if (m_tier_index(s->r, x->level.text) < 0)
                    diag(s->d, "E0105", x->level.loc, x->level.text);
                if (x->keys.n != 2 + f->n_dims)
                    diag(s->d, "E0606", x->loc, x->keys.n, 2 + f->n_dims);
                int ok = m_form_field(f, x->measure.text) >= 0 ||
                         (ru->count_column && !strcmp(ru->count_column, x->measure.text));
                if (!ok)
                    diag(s->d, "E0600", x->measure.loc, x->measure.text, f->code);
                continue;
            }
            if (x->row < 1 || x->row > rows)
                diag(s->d, "E0603", x->loc, (long long)x->row, rows);
            AST_EACH(ast_name *, code, x->codes) {
                int found = 0;
                for (int fi = 0; fi < s->r->n_forms; fi++)
                    for (int i = 0; i < s->r->forms[fi].n_rules; i++)
                        found |= !strcmp(s->r->forms[fi].rules[i].code, code->text);
                if (!found)
                    diag(s->d, "E0602", code->loc, code->text);
            }
        }
        if (!d->u.test.expects.n)
            diag(s->d, "W0600", d->name.loc, d->name.text);
    }
}
