/* model.c — small queries on the checked model. */
#include <string.h>

#include "model.h"

const char *m_placeholder(const char *text, const char *p, const char **end)
{
    while ((p = strchr(p, '{'))) {
        if (p > text && p[-1] == '\\') {
            p++;
            continue;
        }
        *end = strchr(p, '}');
        return p;
    }
    *end = NULL;
    return NULL;
}

const char *m_text(const ast_texts *t, const char *lang)
{
    if (!t)
        return NULL;
    for (int i = 0; i < t->items.n; i++) {
        const ast_text *x = t->items.items[i];
        if ((x->lang && lang && !strcmp(x->lang, lang)) || (!x->lang && !lang))
            return x->text;
    }
    return NULL;
}

int m_form_field(const m_form *f, const char *code)
{
    if (!f)
        return -1;
    for (int i = 0; i < f->n_fields; i++)
        if (!strcmp(f->fields[i].code, code))
            return i;
    return -1;
}

int m_tier_index(const m_regime *r, const char *name)
{
    for (int i = 0; i < r->n_tiers; i++)
        if (!strcmp(r->tiers[i].name, name))
            return i;
    return -1;
}

int m_freq_window(rg_freq f, rg_freq reset)
{
    /* periods per year; nine months is no partition of the year */
    static const int per_year[] = {[RG_F_MONTHLY] = 12, [RG_F_QUARTERLY] = 4, [RG_F_HALF_YEARLY] = 2,
                                   [RG_F_NINE_MONTHS] = 0, [RG_F_YEARLY] = 1};
    if (f < RG_F_MONTHLY || f > RG_F_YEARLY || reset < RG_F_MONTHLY || reset > RG_F_YEARLY)
        return 0;
    int a = per_year[f], b = per_year[reset];
    if (!a || !b || a <= b || a % b)
        return 0;
    return a / b;
}
