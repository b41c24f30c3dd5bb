/* emit_webjson.c — the descriptor of a wasm32 build as JSON for web pages
 * (emit_webjson.h). Integers that may not fit a JavaScript number exactly
 * (min, max: scaled int64) are written as strings. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "emit_webjson.h"
#include "regime.h"

int webjson_layout_of(const cg_module *m, webjson_layout *l)
{
    unsigned off[5], size;
    memset(l, 0, sizeof *l);
    if (cg_struct_layout(m, "rg_column", l->column_off, 5, &l->column_size) < 0 ||
        cg_struct_layout(m, "rg_batch", l->batch_off, 9, &l->batch_size) < 0 ||
        cg_struct_layout(m, "rg_text", off, 2, &size) < 0)
        return -1;
    l->ptr_size = size / 2; /* rg_text is two pointers */
    return 0;
}

static const char *type_name(int t)
{
    static const char *const names[] = {"",     "integer", "count", "decimal", "money", "percent", "ratio",
                                        "bool", "date",    "text",  "code",    "unit",  "period"};
    return t > 0 && t < (int)(sizeof names / sizeof names[0]) ? names[t] : "unknown";
}

static const char *freq_name(int f)
{
    static const char *const names[] = {"none", "monthly", "quarterly", "half_yearly", "nine_months", "yearly"};
    return f >= 0 && f < (int)(sizeof names / sizeof names[0]) ? names[f] : "none";
}

static void texts(FILE *f, const ast_texts *t)
{
    fputc('{', f);
    for (int i = 0; t && i < t->items.n; i++) {
        const ast_text *x = t->items.items[i];
        if (i)
            fputs(", ", f);
        json_write_string(f, x->lang);
        fputs(": ", f);
        json_write_string(f, x->text);
    }
    fputc('}', f);
}

static int codelist_index(const m_regime *r, const m_codelist *l)
{
    for (int i = 0; l && i < r->n_codelists; i++)
        if (&r->codelists[i] == l || !strcmp(r->codelists[i].name, l->name))
            return i;
    return -1;
}

static void offsets(FILE *f, const char *const *names, const unsigned *off, int n, unsigned size)
{
    fprintf(f, "{\"size\": %u", size);
    for (int i = 0; i < n; i++)
        fprintf(f, ", \"%s\": %u", names[i], off[i]);
    fputc('}', f);
}

static void form_json(FILE *f, const m_regime *r, const ir_form *x, int index)
{
    const m_form *mf = x->src;
    fputs("    {\"code\": ", f);
    json_write_string(f, x->code);
    fprintf(f, ", \"index\": %d,\n     \"label\": ", index);
    texts(f, mf->label);
    fprintf(f, ",\n     \"unit_tier\": %d, \"frequency\": \"%s\"", mf->unit_tier, freq_name(mf->frequency));
    int uf = mf->unit_field >= 0 ? x->field_of[mf->unit_field] : -1;
    int pf = mf->period_field >= 0 ? x->field_of[mf->period_field] : -1;
    fprintf(f, ", \"unit_field\": %d, \"period_field\": %d, \"n_acc\": %d,\n     \"dims\": [", uf, pf, x->n_acc);
    int nd = 0;
    for (int i = 0; i < mf->n_dims; i++)
        if (x->field_of[mf->dims[i]] >= 0)
            fprintf(f, "%s%d", nd++ ? ", " : "", x->field_of[mf->dims[i]]);
    fprintf(f, "],\n     \"exports\": {\"validate\": \"rg_validate_%d\", \"accumulate\": \"rg_accumulate_%d\", "
               "\"combine\": \"rg_combine_%d\", \"finalize\": \"rg_finalize_%d\", \"message\": \"rg_message_%d\"},"
               "\n     \"fields\": [",
            index, index, index, index, index);
    for (int i = 0; i < x->n_fields; i++) {
        const ir_field *fd = &x->fields[i];
        const m_field *m = fd->src;
        fputs(i ? ",\n      {\"code\": " : "\n      {\"code\": ", f);
        json_write_string(f, fd->code);
        fprintf(f, ", \"type\": \"%s\", \"type_id\": %d, \"scale\": %d, \"flags\": %u", type_name(fd->type), fd->type,
                fd->scale, fd->flags);
        if (m->type.unit) {
            fputs(", \"unit\": ", f);
            json_write_string(f, m->type.unit);
        }
        if (fd->flags & RG_FIELD_HAS_MIN)
            fprintf(f, ", \"min\": \"%" PRId64 "\"", m->min);
        if (fd->flags & RG_FIELD_HAS_MAX)
            fprintf(f, ", \"max\": \"%" PRId64 "\"", m->max);
        if (m->max_digits > 0)
            fprintf(f, ", \"max_digits\": %d", m->max_digits);
        int cl = m->type.kind == TY_CODE ? codelist_index(r, m->type.list) : -1;
        if (cl >= 0)
            fprintf(f, ", \"codelist\": %d", cl);
        fputs(", \"label\": ", f);
        texts(f, m->label);
        fputs(", \"hint\": ", f);
        texts(f, m->hint);
        fputc('}', f);
    }
    fputs("],\n     \"rules\": [", f);
    static const char *const sev[] = {"", "error", "warning", "info"};
    for (int i = 0; i < x->n_rules; i++) {
        const ir_rule *ru = &x->rules[i];
        const m_rule *m = ru->src;
        fputs(i ? ",\n      {\"code\": " : "\n      {\"code\": ", f);
        json_write_string(f, ru->code);
        fprintf(f, ", \"severity\": \"%s\", \"flags\": %u, \"fields\": [",
                ru->severity >= 1 && ru->severity <= 3 ? sev[ru->severity] : "error", ru->flags);
        int n = 0;
        for (int j = 0; j < m->n_fields; j++)
            if (m->fields[j] >= 0 && m->fields[j] < mf->n_fields && x->field_of[m->fields[j]] >= 0)
                fprintf(f, "%s%d", n++ ? ", " : "", x->field_of[m->fields[j]]);
        fputs("], \"message\": ", f);
        texts(f, m->message);
        /* the placeholders: field >= 0 the raw text of that column, else
         * value k of the message kernel (regime.h, rg_value) */
        fputs(", \"values\": [", f);
        for (int k = 0; k < ru->n_values; k++) {
            const ir_value *v = &ru->values[k];
            fputs(k ? ", {\"name\": " : "{\"name\": ", f);
            json_write_string(f, v->name);
            fprintf(f, ", \"type\": \"%s\", \"scale\": %d, \"codelist\": %d, \"field\": %d}", type_name(v->type),
                    v->scale, v->codelist, v->field);
        }
        fputs("]}", f);
    }
    fputs("],\n     \"outputs\": [", f);
    for (int i = 0; i < x->n_outputs; i++) {
        const ir_output *o = &x->outputs[i];
        fputs(i ? ",\n      {\"code\": " : "\n      {\"code\": ", f);
        json_write_string(f, o->code);
        fprintf(f, ", \"type\": \"%s\", \"scale\": %d, \"field\": %d, \"label\": ", type_name(o->type), o->scale,
                o->field);
        texts(f, o->src ? o->src->label : NULL);
        fputc('}', f);
    }
    fputs("]}", f);
}

int emit_webjson(const ir_regime *ir, const char *version, const webjson_layout *l, const char *path)
{
    const m_regime *r = ir->src;
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs("{\n  \"regime\": ", f);
    json_write_string(f, ir->name ? ir->name : "regime");
    fputs(",\n  \"version\": ", f);
    json_write_string(f, version ? version : "0.0.0");
    fprintf(f, ",\n  \"abi_version\": %u,\n  \"wasm\": ", REGIME_ABI_VERSION);
    char wasm[512];
    snprintf(wasm, sizeof wasm, "%s.wasm", ir->name ? ir->name : "regime");
    json_write_string(f, wasm);
    static const char *const col[] = {"v", "str", "len", "present", "malformed"};
    static const char *const bat[] = {"n_rows", "cols", "prev", "well_formed", "other", "children",
                                      "prev_rows", "children_rows", "other_rows"};
    fprintf(f, ",\n  \"layout\": {\"pointer\": %u, \"column\": ", l->ptr_size);
    offsets(f, col, l->column_off, 5, l->column_size);
    fputs(", \"batch\": ", f);
    offsets(f, bat, l->batch_off, 9, l->batch_size);
    fputs("},\n  \"label\": ", f);
    texts(f, r->label);
    fputs(",\n  \"tiers\": [", f);
    for (int i = 0; i < r->n_tiers; i++) {
        fputs(i ? ", {\"name\": " : "{\"name\": ", f);
        json_write_string(f, r->tiers[i].name);
        fputs(", \"label\": ", f);
        texts(f, r->tiers[i].label);
        fputc('}', f);
    }
    fputs("],\n  \"codelists\": [", f);
    for (int i = 0; i < r->n_codelists; i++) {
        const m_codelist *cl = &r->codelists[i];
        fputs(i ? ",\n    {\"name\": " : "\n    {\"name\": ", f);
        json_write_string(f, cl->name);
        fputs(", \"label\": ", f);
        texts(f, cl->label);
        fputs(", \"codes\": [", f);
        for (int j = 0; j < cl->n_codes; j++) {
            fputs(j ? ", {\"code\": " : "{\"code\": ", f);
            json_write_string(f, cl->codes[j].code);
            fputs(", \"label\": ", f);
            texts(f, cl->codes[j].label);
            fputc('}', f);
        }
        fputs("]}", f);
    }
    fputs("],\n  \"forms\": [\n", f);
    for (int i = 0; i < ir->n_forms; i++) {
        if (i)
            fputs(",\n", f);
        form_json(f, r, &ir->forms[i], i);
    }
    fputs("\n  ]\n}\n", f);
    int bad = ferror(f) != 0;
    if (fclose(f) != 0)
        bad = 1;
    if (bad && !errno)
        errno = EIO;
    return bad ? -1 : 0;
}
