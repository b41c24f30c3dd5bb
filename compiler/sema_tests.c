/* sema_tests.c — the in-spec tests: each data block names a form and its
 * submitted fields, each row has a value per column, each expectation names
 * an existing row and rule codes, or a roll-up, a tier level, the keys of one
 * output row and one of its columns. The outcomes are `regc test`'s job. */
#include <stdlib.h>
#include <string.h>

#include "sema_int.h"

/* The dimension keys of a roll-up expectation: a code of the dimension's
 * list (true/false for a yes/no one), `missing` for the empty value, or
 * RG_TOTAL_CODE when the roll-up has a `total over` the dimension. A key
 * that is none of those could only ever find no group (E0698). */
static void dim_keys(sema *s, const ast_expect *x, const m_form *f, const m_rollup *ru)
{
    for (int d = 0; d < f->n_dims && d + 2 < x->keys.n; d++) {
        const ast_expr *k = x->keys.items[d + 2];
        const m_field *df = &f->fields[f->dims[d]];
        if (k->kind == AST_E_MISSING)
            continue;
        const char *text = k->kind == AST_E_NAME ? k->u.name.text : k->kind == AST_E_STRING ? k->u.str : NULL;
        int ok = 0;
        if (df->type.kind == TY_BOOL)
            ok = k->kind == AST_E_BOOL;
        else if (text && df->type.kind == TY_CODE && df->type.list)
            for (int c = 0; c < df->type.list->n_codes && !ok; c++)
                ok = !strcmp(df->type.list->codes[c].code, text);
        int totalled = 0;
        for (int t = 0; t < ru->n_totals && d < 64; t++)
            totalled |= (int)(ru->totals[t] >> d & 1);
        if (!ok && text && !strcmp(text, RG_TOTAL_CODE) && totalled)
            ok = 1;
        if (ok)
            continue;
        const char *shown = text                           ? text
                            : k->kind == AST_E_BOOL             ? (k->u.boolean ? "true" : "false")
                            : k->kind == AST_E_NUMBER           ? k->u.num.text
                            : k->kind == AST_E_PERIOD           ? k->u.period.text
                                                                : "this key";
        diag(s->d, "E0698", k->loc, shown, df->code);
        if (text && !strcmp(text, RG_TOTAL_CODE))
            diag_hint(s->d, "H0698", df->code, ru->name);
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
                if (sema_field(s, f, col->text) < 0) {
                    diag(s->d, "E0600", col->loc, col->text, f->code);
                    const char **c = malloc(sizeof *c * (size_t)f->n_fields);
                    for (int k = 0; k < f->n_fields; k++)
                        c[k] = f->fields[k].code;
                    sema_suggest(s, col->text, c, f->n_fields);
                    free(c);
                } else if (f->fields[sema_field(s, f, col->text)].flags & (RG_FIELD_COMPUTED | RG_FIELD_RATIO)) {
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
                /* a per-unit field is on the unit's own row: its keys
                 * are the unit and the period (its dimensions are empty) */
                int mi = sema_field(s, f, x->measure.text);
                int per_unit = mi >= 0 && (f->fields[mi].flags & RG_FIELD_PER_UNIT) && x->keys.n == 2;
                if (x->keys.n != 2 + f->n_dims && !per_unit)
                    diag(s->d, "E0606", x->loc, x->keys.n, 2 + f->n_dims);
                dim_keys(s, x, f, ru);
                int ok = sema_field(s, f, x->measure.text) >= 0 ||
                         (ru->count_column && !strcmp(ru->count_column, x->measure.text));
                if (!ok)
                    diag(s->d, "E0600", x->measure.loc, x->measure.text, f->code);
                continue;
            }
            if (x->row < 1 || x->row > rows)
                diag(s->d, "E0603", x->loc, (long long)x->row, rows);
            if (x->kind == AST_X_VALUE && x->row >= 1 && x->row <= rows) {
                /* the form of row N: rows are numbered across the data blocks */
                int64_t before = 0;
                m_form *f = NULL;
                AST_EACH(ast_data *, data, d->u.test.data) {
                    if (!f && x->row <= before + data->rows.n) {
                        sym *fs = sema_lookup(s, data->form.text, AST_D_FORM);
                        f = fs ? &s->r->forms[fs->index] : NULL;
                        if (!fs)
                            break;
                    }
                    before += data->rows.n;
                }
                int fi = f ? sema_field(s, f, x->measure.text) : -1;
                if (f && fi < 0) {
                    diag(s->d, "E0600", x->measure.loc, x->measure.text, f->code);
                } else if (f && ((f->fields[fi].flags & RG_FIELD_RATIO) ||
                                 (f->fields[fi].type.kind != TY_BOOL && !sema_is_numeric(f->fields[fi].type.kind)))) {
                    /* a ratio is recomputed after aggregation: a roll-up expectation tests it */
                    diag(s->d, "E0697", x->measure.loc, x->measure.text);
                    diag_hint(s->d, "H0697");
                } else if (x->value && x->value->kind != AST_E_MISSING && x->value->kind != AST_E_NUMBER &&
                           x->value->kind != AST_E_PERCENT && x->value->kind != AST_E_BOOL) {
                    diag(s->d, "E0697", x->value->loc, x->measure.text);
                    diag_hint(s->d, "H0697");
                }
            }
            if (x->kind == AST_X_VERDICT && strcmp(x->verdict.text, "true") && strcmp(x->verdict.text, "false") &&
                strcmp(x->verdict.text, "null"))
                diag(s->d, "E0699", x->verdict.loc, x->verdict.text);
            AST_EACH(ast_name *, code, x->codes) {
                int found = 0;
                for (int fi = 0; fi < s->r->n_forms; fi++)
                    for (int i = 0; i < s->r->forms[fi].n_rules; i++)
                        found |= !strcmp(s->r->forms[fi].rules[i].code, code->text);
                found = found || sema_hier_rule_named(s, code->text);
                if (!found)
                    diag(s->d, "E0602", code->loc, code->text);
            }
        }
        if (!d->u.test.expects.n)
            diag(s->d, "W0600", d->name.loc, d->name.text);
    }
}
