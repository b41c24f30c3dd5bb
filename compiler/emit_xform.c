/*
 * emit_xform.c — the ODK XForm of one form, through libxml2's xmlTextWriter.
 *
 *   h:html / h:head / h:title, model (itext, the primary instance whose root
 *   carries id and version, a secondary instance listing the server-side
 *   checks, one bind per node), h:body (input / select1 controls, a group
 *   with a repeat for the rows of a form with dimensions).
 *
 * itext ids follow XLSForm: /form/row/field:label, :hint, :constraintMsg,
 * /form/row/field/CODE:label for the items of a select. Every id exists in
 * every translation: a text missing in a language falls back to the default
 * language. Rule messages become itext values whose placeholders are
 * <output> elements (xml_xpath_message_value); a constraint message has one
 * <output> per check of its bind, empty while that check passes. Inside the
 * repeat every path to the row is relative (../field).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "emit_int.h"

/* Code lists longer than this render as a drop-down (appearance minimal). */
#define XML_LONG_LIST 8

static void leaf(wr *w, const char *name, const char *s)
{
    start(w, name);
    text(w, s);
    end(w);
}
static void empty(wr *w, const char *name)
{
    start(w, name);
    end(w);
}

/* Text with the \{ and \} escapes of message templates resolved. */
static void plain(wr *w, const char *s)
{
    xml_sb b = {0};
    for (const char *p = s; *p; p++) {
        if (p[0] == '\\' && (p[1] == '{' || p[1] == '}'))
            p++;
        char c[2] = {*p, 0};
        xml_sb_put(&b, c);
    }
    text(w, b.p ? b.p : "");
    free(b.p);
}

static const char *itext_ref(const xml_form *x, const char *id)
{
    return arena_printf(x->a, "jr:itext(%s)", xml_xpath_string(x->a, id));
}

/* ---- built-in texts (vi, en; other languages get English) ---- */

static int is_vi(const char *lang) { return lang && !strncmp(lang, "vi", 2); }

static const char *period_format(rg_freq f)
{
    switch (f) {
    case RG_F_MONTHLY: return "YYYY-MM";
    case RG_F_QUARTERLY: return "YYYY-Qn";
    case RG_F_HALF_YEARLY: return "YYYY-Hn";
    case RG_F_NINE_MONTHS: return "YYYY-9M";
    case RG_F_YEARLY: return "YYYY";
    default: return "YYYY-MM";
    }
}

static const char *field_label(const xml_form *x, int i, const char *lang)
{
    const m_field *f = &x->f->fields[i];
    if (f->label)
        return xml_text(x, f->label, lang, f->code);
    if (f->flags & RG_FIELD_KEY_UNIT) {
        const char *tier = "";
        if (x->f->unit_tier >= 0 && x->f->unit_tier < x->r->n_tiers) {
            const m_tier *t = &x->r->tiers[x->f->unit_tier];
            tier = xml_text(x, t->label, lang, t->name);
        }
        return arena_printf(x->a, is_vi(lang) ? "Mã đơn vị báo cáo (%s)" : "Reporting unit code (%s)", tier);
    }
    if (f->flags & RG_FIELD_KEY_PERIOD)
        return is_vi(lang) ? "Kỳ báo cáo" : "Reporting period";
    return f->code;
}

static const char *field_hint(const xml_form *x, int i, const char *lang)
{
    const m_field *f = &x->f->fields[i];
    if (f->hint)
        return xml_text(x, f->hint, lang, "");
    if (f->flags & RG_FIELD_KEY_PERIOD)
        return arena_printf(x->a, is_vi(lang) ? "Dạng %s" : "As %s", period_format(x->f->frequency));
    return NULL;
}

/* What a field's own constraint asks, in words. */
static const char *range_text(const xml_form *x, int i, const char *lang)
{
    const m_field *f = &x->f->fields[i];
    arena *a = x->a;
    int vi = is_vi(lang);
    char lo[64], hi[64];
    int hl = 0, hh = 0;
    switch (f->type.kind) {
    case TY_COUNT:
    case TY_INTEGER: {
        int64_t l, h;
        xml_int_bounds(f, &l, &hl, &h, &hh);
        snprintf(lo, sizeof lo, "%lld", (long long)l);
        snprintf(hi, sizeof hi, "%lld", (long long)h);
        if (hl && hh)
            return arena_printf(a, vi ? "Nhập số nguyên từ %s đến %s" : "Enter a whole number from %s to %s", lo, hi);
        if (hl)
            return arena_printf(a, vi ? "Nhập số nguyên không nhỏ hơn %s" : "Enter a whole number of at least %s", lo);
        if (hh)
            return arena_printf(a, vi ? "Nhập số nguyên không lớn hơn %s" : "Enter a whole number of at most %s", hi);
        return vi ? "Nhập số nguyên" : "Enter a whole number";
    }
    case TY_DECIMAL:
    case TY_MONEY:
    case TY_PERCENT:
    case TY_RATIO: {
        xml_sb b = {0};
        if (f->type.scale == 0)
            xml_sb_put(&b, vi ? "Nhập số không có phần thập phân" : "Enter a number without decimals");
        else
            xml_sb_printf(&b, vi ? "Nhập số có tối đa %d chữ số thập phân" : "Enter a number with at most %d decimal places",
                          f->type.scale);
        if (f->flags & RG_FIELD_HAS_MIN) {
            xml_format_scaled(f->min, f->type.scale, lo);
            xml_sb_printf(&b, vi ? ", không nhỏ hơn %s" : ", at least %s", lo);
        }
        if (f->flags & RG_FIELD_HAS_MAX) {
            xml_format_scaled(f->max, f->type.scale, hi);
            xml_sb_printf(&b, vi ? ", không lớn hơn %s" : ", at most %s", hi);
        }
        if (f->max_digits > 0)
            xml_sb_printf(&b, vi ? ", tối đa %d chữ số" : ", %d digits at most", f->max_digits);
        return xml_sb_take(&b, a);
    }
    case TY_DATE:
        hl = (f->flags & RG_FIELD_HAS_MIN) != 0;
        hh = (f->flags & RG_FIELD_HAS_MAX) != 0;
        xml_format_date(f->min, lo);
        xml_format_date(f->max, hi);
        if (hl && hh)
            return arena_printf(a, vi ? "Nhập ngày từ %s đến %s" : "Enter a date from %s to %s", lo, hi);
        if (hl)
            return arena_printf(a, vi ? "Nhập ngày từ %s trở đi" : "Enter a date on or after %s", lo);
        return arena_printf(a, vi ? "Nhập ngày đến %s" : "Enter a date on or before %s", hi);
    case TY_PERIOD:
        return arena_printf(a, vi ? "Nhập kỳ theo dạng %s" : "Enter the period as %s", period_format(x->f->frequency));
    default: return vi ? "Giá trị không hợp lệ" : "The value is not valid";
    }
}

/* ---- rich texts: rule messages with placeholders ---- */

/* The XPath value of placeholder `name` of rule r's message, or NULL (the
 * text stays as written: previous(x), children(x), only the server knows
 * them). From the rule's IR values, the ones regrt prints (xpath.c). */
static const char *placeholder(const xml_form *x, const m_rule *r, const char *name, int from_row, const char *lang)
{
    return r ? xml_xpath_message_value(x, r, name, from_row, lang) : NULL;
}

/* A message template as one XPath string: concat('V1: ', 'Received (',
 * ../received, ') ...'). */
static const char *message_xpath(const xml_form *x, const m_rule *r, const char *prefix, const char *s,
                                 int from_row, const char *lang)
{
    xml_sb lit = {0}, out = {0};
    int n = 0;
    xml_sb_put(&lit, prefix);
#define FLUSH()                                                                                                  \
    do {                                                                                                         \
        if (lit.n) {                                                                                             \
            xml_sb_printf(&out, "%s%s", n++ ? ", " : "", xml_xpath_string(x->a, lit.p));                         \
            lit.n = 0;                                                                                           \
            lit.p[0] = 0;                                                                                        \
        }                                                                                                        \
    } while (0)
    const char *p = s;
    while (*p) {
        if (p[0] == '\\' && (p[1] == '{' || p[1] == '}')) {
            char c[2] = {p[1], 0};
            xml_sb_put(&lit, c);
            p += 2;
            continue;
        }
        const char *close = p[0] == '{' ? strchr(p, '}') : NULL;
        const char *value = close ? placeholder(x, r, arena_strndup(x->a, p + 1, (size_t)(close - p - 1)), from_row, lang) : NULL;
        if (!value) {
            /* previous(x), children(x): only the server knows them */
            size_t len = close ? (size_t)(close - p + 1) : 1;
            xml_sb_put(&lit, arena_strndup(x->a, p, len));
            p += len;
            continue;
        }
        FLUSH();
        xml_sb_printf(&out, "%s%s", n++ ? ", " : "", value);
        p = close + 1;
    }
    xml_sb_put(&lit, "\n");
    FLUSH();
#undef FLUSH
    free(lit.p);
    char *body = xml_sb_take(&out, x->a);
    return n > 1 ? arena_printf(x->a, "concat(%s)", body) : body;
}

/* Writes a message template; {field} becomes <output value="../field"/>,
 * {imbalance} the difference of the check's two sides. Indentation is off
 * inside: it would add blanks to the text. */
static void rich(wr *w, const m_rule *r, const char *s, int from_row, const char *lang)
{
    const xml_form *x = w->x;
    xml_sb b = {0};
    const char *p = s;
    while (*p) {
        if (p[0] == '\\' && (p[1] == '{' || p[1] == '}')) {
            char c[2] = {p[1], 0};
            xml_sb_put(&b, c);
            p += 2;
            continue;
        }
        const char *close = p[0] == '{' ? strchr(p, '}') : NULL;
        if (!close) {
            char c[2] = {*p++, 0};
            xml_sb_put(&b, c);
            continue;
        }
        char *name = arena_strndup(x->a, p + 1, (size_t)(close - p - 1));
        const char *value = placeholder(x, r, name, from_row, lang);
        if (!value) {
            /* previous(x), children(x): only the server knows them */
            char *lit = arena_strndup(x->a, p, (size_t)(close - p + 1));
            xml_sb_put(&b, lit);
            p = close + 1;
            continue;
        }
        if (b.n) {
            text(w, b.p);
            b.n = 0;
            b.p[0] = 0;
        }
        start(w, "output");
        attr(w, "value", value);
        end(w);
        p = close + 1;
    }
    if (b.n)
        text(w, b.p);
    free(b.p);
}

/* ---- itext ---- */

typedef enum it_kind { IT_LABEL, IT_HINT, IT_CONSTRAINT, IT_ITEM, IT_NOTE, IT_GROUP, IT_BOOL } it_kind;

typedef struct it_entry {
    const char *id;
    it_kind kind;
    int field; /* LABEL, HINT, CONSTRAINT, ITEM, BOOL */
    int index; /* ITEM: code index; NOTE: rule; BOOL: 1 yes / 0 no */
} it_entry;

typedef struct it_list {
    it_entry *e;
    int n, cap;
} it_list;

static void it_add(const xml_form *x, it_list *l, const char *id, it_kind k, int field, int index)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 64;
        it_entry *e = arena_alloc(x->a, sizeof *e * (size_t)cap);
        if (l->n)
            memcpy(e, l->e, sizeof *e * (size_t)l->n);
        l->e = e;
        l->cap = cap;
    }
    l->e[l->n++] = (it_entry){id, k, field, index};
}

/* On the last dimension of a row: no other row has the same codes (the
 * XSD's xs:unique, checked while the form is filled in). */
static const char *unique_of(const xml_form *x, int i)
{
    const m_form *f = x->f;
    if (!x->row || !f->n_dims || f->dims[f->n_dims - 1] != i)
        return NULL;
    xml_sb b = {0};
    xml_sb_printf(&b, "count(/%s/%s[", x->root, x->row);
    for (int d = 0; d < f->n_dims; d++) {
        const char *code = f->fields[f->dims[d]].code;
        xml_sb_printf(&b, "%s%s = current()/../%s", d ? " and " : "", code, code);
    }
    xml_sb_put(&b, "]) <= 1");
    return xml_sb_take(&b, x->a);
}

/* The constraint of field i: its own range, the uniqueness of the row's
 * dimensions and the rules it carries. */
static const char *constraint_of(const xml_form *x, int i)
{
    const char **part = arena_alloc(x->a, sizeof *part * (size_t)(x->f->n_rules + 3));
    int n = 0;
    const char *range = xml_xpath_range(x, i, ".");
    if (range)
        part[n++] = range;
    const char *uniq = unique_of(x, i);
    if (uniq)
        part[n++] = uniq;
    for (int r = 0; r < x->f->n_rules; r++)
        if (x->rules[r].kind == XML_RULE_CONSTRAINT && x->rules[r].field == i)
            part[n++] = x->rules[r].pass;
    if (n <= 1)
        return n ? part[0] : NULL;
    xml_sb b = {0};
    for (int k = 0; k < n; k++)
        xml_sb_printf(&b, "%s(%s)", k ? " and " : "", part[k]);
    return xml_sb_take(&b, x->a);
}

static void collect_field(const xml_form *x, it_list *l, int i)
{
    const m_field *f = &x->f->fields[i];
    const char *p = x->path[i];
    arena *a = x->a;
    it_add(x, l, arena_printf(a, "%s:label", p), IT_LABEL, i, 0);
    if (field_hint(x, i, x->langs[0]))
        it_add(x, l, arena_printf(a, "%s:hint", p), IT_HINT, i, 0);
    if (xml_is_input(f) && constraint_of(x, i))
        it_add(x, l, arena_printf(a, "%s:constraintMsg", p), IT_CONSTRAINT, i, 0);
    if (f->type.kind == TY_CODE && f->type.list && xml_is_input(f))
        for (int k = 0; k < f->type.list->n_codes; k++)
            it_add(x, l, arena_printf(a, "%s/%s:label", p, f->type.list->codes[k].code), IT_ITEM, i, k);
    if (f->type.kind == TY_BOOL && xml_is_input(f)) {
        it_add(x, l, arena_printf(a, "%s/1:label", p), IT_BOOL, i, 1);
        it_add(x, l, arena_printf(a, "%s/0:label", p), IT_BOOL, i, 0);
    }
}

static void collect_nodes(const xml_form *x, it_list *l, const xml_node *nodes, int n)
{
    for (int k = 0; k < n; k++) {
        if (nodes[k].is_note)
            it_add(x, l, arena_printf(x->a, "%s:label", x->rules[nodes[k].index].path), IT_NOTE, -1,
                   nodes[k].index);
        else
            collect_field(x, l, nodes[k].index);
    }
}

static void write_rule_message(wr *w, const m_rule *r, const char *lang, int from_row)
{
    text(w, r->code);
    text(w, ": ");
    rich(w, r, xml_text(w->x, r->message, lang, r->code), from_row, lang);
}

/* One line of a constraint message, shown only while its own check fails:
 * <output value="if(PASS, '', 'the message')"/>. */
static void message_if_failed(wr *w, const char *pass, const char *msg)
{
    start(w, "output");
    attr(w, "value", arena_printf(w->x->a, "if(%s, '', %s)", pass, msg));
    end(w);
}

/* The message of field i's constraint: the message of each part that fails,
 * and of those only, in the language of the translation. */
static void write_constraint_message(wr *w, int i, const char *lang)
{
    const xml_form *x = w->x;
    int row = x->in_row[i];
    const char *self = xml_ref(x, i, row);
    const char *range = xml_xpath_range(x, i, self);
    if (range)
        message_if_failed(w, range, xml_xpath_string(x->a, arena_printf(x->a, "%s\n", range_text(x, i, lang))));
    const char *uniq = unique_of(x, i);
    if (uniq) {
        const m_form *f = x->f;
        xml_sb b = {0};
        for (int d = 0; d < f->n_dims; d++)
            xml_sb_printf(&b, "%s%s", d ? " / " : "", field_label(x, f->dims[d], lang));
        const char *what = xml_sb_take(&b, x->a);
        const char *msg = arena_printf(x->a, is_vi(lang) ? "Đã có một dòng khác cùng %s: mỗi dòng một giá trị\n"
                                                          : "Another row has the same %s: one row per value\n",
                                       what);
        message_if_failed(w, uniq, xml_xpath_string(x->a, msg));
    }
    for (int r = 0; r < x->f->n_rules; r++) {
        const xml_rule *xr = &x->rules[r];
        if (xr->kind != XML_RULE_CONSTRAINT || xr->field != i)
            continue;
        const m_rule *ru = xr->rule;
        message_if_failed(w, xr->pass,
                          message_xpath(x, ru, arena_printf(x->a, "%s: ", ru->code),
                                        xml_text(x, ru->message, lang, ru->code), row, lang));
    }
}

static void write_entry(wr *w, const it_entry *e, const char *lang)
{
    const xml_form *x = w->x;
    start(w, "text");
    attr(w, "id", e->id);
    start(w, "value");
    int mixed = e->kind == IT_CONSTRAINT || e->kind == IT_NOTE;
    if (mixed)
        chk(w, xmlTextWriterSetIndent(w->w, 0));
    switch (e->kind) {
    case IT_LABEL: plain(w, field_label(x, e->field, lang)); break;
    case IT_HINT: plain(w, field_hint(x, e->field, lang)); break;
    case IT_ITEM: {
        const m_code *c = &x->f->fields[e->field].type.list->codes[e->index];
        plain(w, xml_text(x, c->label, lang, c->code));
        break;
    }
    case IT_BOOL:
        text(w, e->index ? (is_vi(lang) ? "Có" : "Yes") : (is_vi(lang) ? "Không" : "No"));
        break;
    case IT_GROUP: {
        /* the labels of the dimensions */
        for (int d = 0; d < x->f->n_dims; d++) {
            if (d)
                text(w, " / ");
            plain(w, field_label(x, x->f->dims[d], lang));
        }
        break;
    }
    case IT_NOTE: {
        const xml_rule *xr = &x->rules[e->index];
        write_rule_message(w, xr->rule, lang, x->in_row[xr->field]);
        break;
    }
    case IT_CONSTRAINT: write_constraint_message(w, e->field, lang); break;
    }
    end(w); /* value */
    if (mixed) {
        /* back to indented output: the line break the writer skipped */
        chk(w, xmlTextWriterWriteRaw(w->w, XC("\n")));
        chk(w, xmlTextWriterSetIndent(w->w, 1));
    }
    end(w); /* text */
}

static void write_itext(wr *w, const it_list *l)
{
    const xml_form *x = w->x;
    start(w, "itext");
    for (int k = 0; k < x->n_langs; k++) {
        start(w, "translation");
        attr(w, "lang", x->langs[k]);
        if (k == 0)
            attr(w, "default", "true()");
        for (int i = 0; i < l->n; i++)
            write_entry(w, &l->e[i], x->langs[k]);
        end(w);
    }
    end(w);
}

/* ---- instance, binds, body ---- */

static void write_instance(wr *w)
{
    const xml_form *x = w->x;
    start(w, "instance");
    start(w, x->root);
    attr(w, "id", x->root);
    attr(w, "version", x->r->version ? x->r->version : "0.0.0");
    for (int k = 0; k < x->n_top; k++)
        empty(w, x->top[k].is_note ? x->rules[x->top[k].index].note : x->f->fields[x->top[k].index].code);
    if (x->row) {
        start(w, x->row);
        for (int k = 0; k < x->n_rows; k++)
            empty(w, x->rows[k].is_note ? x->rules[x->rows[k].index].note : x->f->fields[x->rows[k].index].code);
        end(w);
    }
    start(w, x->meta);
    empty(w, "instanceID");
    end(w);
    end(w);
    end(w);
}

/* The source text of an expression, blanks collapsed. */
static const char *source_of(const xml_form *x, const ast_expr *e)
{
    if (!e || !x->sm || e->loc.file < 0)
        return NULL;
    const src_file *sf = src_get(x->sm, e->loc.file);
    if (!sf || !sf->text)
        return NULL;
    xml_sb b = {0};
    int blank = 0;
    for (int line = e->loc.line; line <= e->loc.end_line; line++) {
        size_t len;
        const char *s = src_line(x->sm, e->loc.file, line, &len);
        if (!s)
            break;
        size_t from = line == e->loc.line ? (size_t)(e->loc.col - 1) : 0;
        size_t to = line == e->loc.end_line ? (size_t)e->loc.end_col : len;
        if (to > len)
            to = len;
        for (size_t i = from; i < to; i++) {
            char c = s[i];
            if (c == ' ' || c == '\t' || c == '\r') {
                blank = 1;
                continue;
            }
            if (blank && b.n)
                xml_sb_put(&b, " ");
            blank = 0;
            char cs[2] = {c, 0};
            xml_sb_put(&b, cs);
        }
        blank = 1;
    }
    return b.n ? xml_sb_take(&b, x->a) : (free(b.p), NULL);
}

static void write_server_checks(wr *w)
{
    const xml_form *x = w->x;
    int n = 0;
    for (int r = 0; r < x->f->n_rules; r++)
        n += x->rules[r].kind == XML_RULE_SERVER;
    if (!n)
        return;
    xml_sb b = {0};
    xml_sb_put(&b, " Checked by the server only (XPath cannot express them):");
    for (int r = 0; r < x->f->n_rules; r++)
        if (x->rules[r].kind == XML_RULE_SERVER)
            xml_sb_printf(&b, " %s (%s)", x->rules[r].rule->code, x->rules[r].reason);
    xml_sb_put(&b, " ");
    chk(w, xmlTextWriterWriteComment(w->w, XC(b.p)));
    free(b.p);
    static const char *const sev[] = {"", "error", "warning", "info"};
    start(w, "instance");
    attr(w, "id", "server_checks");
    start(w, "root");
    for (int r = 0; r < x->f->n_rules; r++) {
        const xml_rule *xr = &x->rules[r];
        if (xr->kind != XML_RULE_SERVER)
            continue;
        start(w, "item");
        leaf(w, "code", xr->rule->code);
        leaf(w, "severity", sev[xr->rule->severity <= 3 ? xr->rule->severity : 0]);
        leaf(w, "reason", xr->reason);
        const char *when = source_of(x, xr->rule->when), *check = source_of(x, xr->rule->check);
        if (when)
            leaf(w, "when", when);
        if (check)
            leaf(w, "check", check);
        end(w);
    }
    end(w);
    end(w);
}

static void write_bind(wr *w, int i)
{
    const xml_form *x = w->x;
    const m_field *f = &x->f->fields[i];
    const char *why = NULL;
    start(w, "bind");
    attr(w, "nodeset", x->path[i]);
    if (xml_is_input(f)) {
        attr(w, "type", xml_xform_type(f));
    } else {
        ty_kind k = f->type.kind;
        attr(w, "type", k == TY_INTEGER || k == TY_COUNT ? "int" : xml_is_numeric(k) ? "decimal" : "string");
    }
    if (xml_is_required(f))
        attr(w, "required", "true()");
    const char *rel = xml_xpath_relevant(x, i, &why);
    if (rel)
        attr(w, "relevant", rel);
    if (xml_is_input(f)) {
        const char *c = constraint_of(x, i);
        if (c) {
            attr(w, "constraint", c);
            attr(w, "jr:constraintMsg", itext_ref(x, arena_printf(x->a, "%s:constraintMsg", x->path[i])));
        }
    } else {
        const char *calc = xml_xpath_calculate(x, i, &why);
        if (calc)
            attr(w, "calculate", calc);
        attr(w, "readonly", "true()");
    }
    end(w);
}

static void write_binds(wr *w, const xml_node *nodes, int n)
{
    const xml_form *x = w->x;
    for (int k = 0; k < n; k++) {
        if (!nodes[k].is_note) {
            write_bind(w, nodes[k].index);
            continue;
        }
        const xml_rule *xr = &x->rules[nodes[k].index];
        start(w, "bind");
        attr(w, "nodeset", xr->path);
        attr(w, "type", "string");
        attr(w, "readonly", "true()");
        attr(w, "relevant", arena_printf(x->a, "not(%s)", xr->pass));
        end(w);
    }
}

static void label_ref(wr *w, const char *id)
{
    start(w, "label");
    attr(w, "ref", itext_ref(w->x, id));
    end(w);
}

static void write_control(wr *w, int i)
{
    const xml_form *x = w->x;
    const m_field *f = &x->f->fields[i];
    const char *p = x->path[i];
    int select = xml_is_input(f) && (f->type.kind == TY_CODE || f->type.kind == TY_BOOL);
    start(w, select ? "select1" : "input");
    attr(w, "ref", p);
    /* a long list as a drop-down, not one radio button per code in every row */
    if (select && f->type.kind == TY_CODE && f->type.list && f->type.list->n_codes > XML_LONG_LIST)
        attr(w, "appearance", "minimal");
    label_ref(w, arena_printf(x->a, "%s:label", p));
    if (field_hint(x, i, x->langs[0])) {
        start(w, "hint");
        attr(w, "ref", itext_ref(x, arena_printf(x->a, "%s:hint", p)));
        end(w);
    }
    if (select && f->type.kind == TY_CODE && f->type.list) {
        for (int k = 0; k < f->type.list->n_codes; k++) {
            const char *code = f->type.list->codes[k].code;
            start(w, "item");
            label_ref(w, arena_printf(x->a, "%s/%s:label", p, code));
            leaf(w, "value", code);
            end(w);
        }
    } else if (select) {
        for (int v = 1; v >= 0; v--) {
            start(w, "item");
            label_ref(w, arena_printf(x->a, "%s/%d:label", p, v));
            leaf(w, "value", v ? "1" : "0");
            end(w);
        }
    }
    end(w);
}

static void write_controls(wr *w, const xml_node *nodes, int n)
{
    const xml_form *x = w->x;
    for (int k = 0; k < n; k++) {
        if (!nodes[k].is_note) {
            write_control(w, nodes[k].index);
            continue;
        }
        const xml_rule *xr = &x->rules[nodes[k].index];
        start(w, "input");
        attr(w, "ref", xr->path);
        label_ref(w, arena_printf(x->a, "%s:label", xr->path));
        end(w);
    }
}

int xml_write_xform(const xml_form *x, xmlBufferPtr out)
{
    wr w = {xmlNewTextWriterMemory(out, 0), x, 0};
    if (!w.w)
        return -1;
    chk(&w, xmlTextWriterSetIndent(w.w, 1));
    chk(&w, xmlTextWriterSetIndentString(w.w, XC("  ")));
    chk(&w, xmlTextWriterStartDocument(w.w, NULL, "UTF-8", NULL));
    chk(&w, xmlTextWriterWriteFormatComment(w.w, " Form %s of regime %s %s, generated by regc: do not edit. ",
                                             x->root, x->r->name ? x->r->name : "?",
                                             x->r->version ? x->r->version : "?"));
    start(&w, "h:html");
    attr(&w, "xmlns", "http://www.w3.org/2002/xforms");
    attr(&w, "xmlns:h", "http://www.w3.org/1999/xhtml");
    attr(&w, "xmlns:ev", "http://www.w3.org/2001/xml-events");
    attr(&w, "xmlns:jr", "http://openrosa.org/javarosa");
    attr(&w, "xmlns:odk", "http://www.opendatakit.org/xforms");
    attr(&w, "xmlns:orx", "http://openrosa.org/xforms");
    attr(&w, "xmlns:xsd", "http://www.w3.org/2001/XMLSchema");
    start(&w, "h:head");
    leaf(&w, "h:title", xml_text(x, x->f->label, x->langs[0], x->root));
    start(&w, "model");
    attr(&w, "odk:xforms-version", "1.0.0");

    it_list l = {0};
    collect_nodes(x, &l, x->top, x->n_top);
    if (x->row)
        it_add(x, &l, arena_printf(x->a, "/%s/%s:label", x->root, x->row), IT_GROUP, -1, 0);
    collect_nodes(x, &l, x->rows, x->n_rows);
    write_itext(&w, &l);

    write_instance(&w);
    write_server_checks(&w);
    write_binds(&w, x->top, x->n_top);
    write_binds(&w, x->rows, x->n_rows);
    start(&w, "bind");
    attr(&w, "nodeset", arena_printf(x->a, "/%s/%s/instanceID", x->root, x->meta));
    attr(&w, "type", "string");
    attr(&w, "readonly", "true()");
    attr(&w, "jr:preload", "uid");
    end(&w);
    end(&w); /* model */
    end(&w); /* h:head */

    start(&w, "h:body");
    write_controls(&w, x->top, x->n_top);
    if (x->row) {
        const char *rp = arena_printf(x->a, "/%s/%s", x->root, x->row);
        start(&w, "group");
        attr(&w, "ref", rp);
        label_ref(&w, arena_printf(x->a, "%s:label", rp));
        start(&w, "repeat");
        attr(&w, "nodeset", rp);
        write_controls(&w, x->rows, x->n_rows);
        end(&w);
        end(&w);
    }
    end(&w); /* h:body */
    end(&w); /* h:html */
    chk(&w, xmlTextWriterEndDocument(w.w));
    xmlFreeTextWriter(w.w);
    return w.err ? -1 : 0;
}
