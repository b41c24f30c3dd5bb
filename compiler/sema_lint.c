/* sema_lint.c — what a complete regime must declare (Decree 09/2019/NĐ-CP,
 * art. 7), unused declarations and the languages of labels and messages. */
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

/* The regime's languages that `t` lacks, as "`en`" or "`en` and `vi`"; NULL
 * when none is missing. */
static const char *missing_langs(sema *s, const ast_texts *t)
{
    const char *out = NULL;
    int n = 0;
    for (int l = 0; l < s->r->n_langs; l++)
        if (!has_lang(t, s->r->langs[l]))
            n++;
    int k = 0;
    for (int l = 0; l < s->r->n_langs; l++) {
        if (has_lang(t, s->r->langs[l]))
            continue;
        k++;
        const char *sep = k == 1 ? "" : k == n ? (s->d->lang == DIAG_VI ? " và " : " and ") : ", ";
        out = arena_printf(s->a, "%s%s`%s`", out ? out : "", sep, s->r->langs[l]);
    }
    return out;
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
            if (!found && r->n_deadlines) {
                /* at the word of `submitted by` that names the tier */
                src_loc where = at;
                AST_EACH(ast_item *, it, r->decl->u.regime.items) {
                    if (it->kind != AST_I_SUBMITTED)
                        continue;
                    AST_EACH(ast_name *, w, it->words) if (!strcmp(w->text, r->tiers[r->submitters[i]].name)) where = w->loc;
                }
                diag(s->d, "W0401", where, r->tiers[r->submitters[i]].name);
            }
        }
        /* labels and messages in every language of the regime */
        for (int fi = 0; fi < r->n_forms; fi++) {
            m_form *f = &r->forms[fi];
            for (int i = 0; i < f->n_fields; i++) {
                m_field *fd = &f->fields[i];
                if (!fd->decl)
                    continue;
                const char *miss = missing_langs(s, fd->label);
                if (miss)
                    diag(s->d, "W0101", fd->loc, fd->code, miss);
            }
            for (int i = 0; i < f->n_rules; i++) {
                m_rule *ru = &f->rules[i];
                if (!ru->message)
                    continue;
                const char *miss = missing_langs(s, ru->message);
                if (miss)
                    diag(s->d, "W0305", ru->loc, ru->code, miss);
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
