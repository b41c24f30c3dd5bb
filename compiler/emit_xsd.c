/*
 * emit_xsd.c — the XML Schema of one form's submission instance, through
 * libxml2's xmlTextWriter.
 *
 * The instance is the XForm's primary instance: the root element (the form
 * code) with id and version attributes pinned to the form and the regime
 * version, the key fields, then one row element per row when the form has
 * dimensions, then ODK's meta block. Each field has a named simple type
 * `field.CODE` that states what its value may be, as close to the native
 * reader (runtime/value.c) as XML Schema allows: counts are
 * xs:nonNegativeInteger with the digits as a pattern plus totalDigits and
 * maxInclusive, decimals xs:decimal with fractionDigits = scale, dates
 * xs:date without a time zone, codes an enumeration, the period a pattern
 * of its frequency. An optional field is a union with the empty string.
 * docs/FORMS.md says what only the native validator checks.
 */
#include <stdio.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "emit_int.h"

static void facet(wr *w, const char *name, const char *value)
{
    start(w, name);
    attr(w, "value", value);
    end(w);
}

static void facet_int(wr *w, const char *name, long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    facet(w, name, buf);
}

static void documentation(wr *w, const ast_texts *t)
{
    const xml_form *x = w->x;
    if (!t || !t->items.n)
        return;
    start(w, "xs:annotation");
    for (int k = 0; k < x->n_langs; k++) {
        const char *s = m_text(t, x->langs[k]);
        if (!s)
            continue;
        start(w, "xs:documentation");
        attr(w, "xml:lang", x->langs[k]);
        text(w, s);
        end(w);
    }
    end(w);
}

/* The restriction holding the non-empty values of field i. */
static void restriction(wr *w, int i)
{
    const xml_form *x = w->x;
    const m_field *f = &x->f->fields[i];
    char buf[64];
    start(w, "xs:restriction");
    if (!xml_is_input(f)) {
        /* computed by the form: the XSD only checks that it is a number */
        ty_kind k = f->type.kind;
        attr(w, "base", k == TY_INTEGER || k == TY_COUNT ? "xs:integer" : xml_is_numeric(k) ? "xs:decimal" : "xs:string");
        end(w);
        return;
    }
    switch (f->type.kind) {
    case TY_COUNT:
    case TY_INTEGER: {
        int count = f->type.kind == TY_COUNT;
        int64_t lo, hi;
        int hl, hh;
        xml_int_bounds(f, &lo, &hl, &hi, &hh);
        /* Without max digits (or beyond 9) the XForm may bind it as a
         * decimal (ODK's int is 32 bits) and ODK's engine writes 18 as
         * 18.0: a whole decimal, which the native reader accepts for such
         * a field too (runtime/value.c). */
        int dec = f->max_digits == 0 || f->max_digits > 9;
        attr(w, "base", dec ? "xs:decimal" : count ? "xs:nonNegativeInteger" : "xs:integer");
        /* the lexical form of the native reader: digits only, no '+' */
        if (f->max_digits > 0)
            snprintf(buf, sizeof buf, "%s[0-9]{1,%d}%s", count ? "" : "-?", f->max_digits, dec ? "(\\.0+)?" : "");
        else
            snprintf(buf, sizeof buf, "%s[0-9]+%s", count ? "" : "-?", dec ? "(\\.0+)?" : "");
        facet(w, "xs:pattern", buf);
        if (hl && !(count && lo == 0 && !dec))
            facet_int(w, "xs:minInclusive", (long long)lo);
        if (hh)
            facet_int(w, "xs:maxInclusive", (long long)hi);
        if (f->max_digits > 0)
            facet_int(w, "xs:totalDigits", f->max_digits);
        if (dec)
            facet_int(w, "xs:fractionDigits", 0);
        break;
    }
    case TY_DECIMAL:
    case TY_MONEY:
    case TY_PERCENT:
    case TY_RATIO:
        attr(w, "base", "xs:decimal");
        facet(w, "xs:pattern", "-?[0-9]+(\\.[0-9]+)?");
        if (f->flags & RG_FIELD_HAS_MIN) {
            xml_format_scaled(f->min, f->type.scale, buf);
            facet(w, "xs:minInclusive", buf);
        }
        if (f->flags & RG_FIELD_HAS_MAX) {
            xml_format_scaled(f->max, f->type.scale, buf);
            facet(w, "xs:maxInclusive", buf);
        }
        if (f->max_digits > 0)
            facet_int(w, "xs:totalDigits", f->max_digits);
        facet_int(w, "xs:fractionDigits", f->type.scale);
        break;
    case TY_BOOL: attr(w, "base", "xs:boolean"); break;
    case TY_DATE:
        attr(w, "base", "xs:date");
        facet(w, "xs:pattern", "[0-9]{4}-[0-9]{2}-[0-9]{2}");
        if (f->flags & RG_FIELD_HAS_MIN) {
            xml_format_date(f->min, buf);
            facet(w, "xs:minInclusive", buf);
        }
        if (f->flags & RG_FIELD_HAS_MAX) {
            xml_format_date(f->max, buf);
            facet(w, "xs:maxInclusive", buf);
        }
        break;
    case TY_CODE:
        attr(w, "base", "xs:token");
        if (f->type.list)
            for (int k = 0; k < f->type.list->n_codes; k++)
                facet(w, "xs:enumeration", f->type.list->codes[k].code);
        break;
    case TY_PERIOD:
        attr(w, "base", "xs:token");
        facet(w, "xs:pattern", xml_period_pattern(x->f->frequency));
        break;
    case TY_UNIT:
        attr(w, "base", "xs:token");
        facet_int(w, "xs:minLength", 1);
        break;
    default: /* text */
        attr(w, "base", "xs:string");
        if (xml_is_required(f))
            facet_int(w, "xs:minLength", 1);
        break;
    }
    end(w);
}

/* Whether the element may be empty or absent: optional fields, computed
 * ones, and any field with `relevant when` (ODK submits a field that is
 * not relevant as an empty element). */
static int may_be_empty(const m_field *f) { return !xml_is_required(f) || f->relevant; }

static void simple_type(wr *w, int i)
{
    const m_field *f = &w->x->f->fields[i];
    start(w, "xs:simpleType");
    attr(w, "name", arena_printf(w->x->a, "field.%s", f->code));
    documentation(w, f->label);
    if (may_be_empty(f)) {
        start(w, "xs:union");
        attr(w, "memberTypes", "empty");
        start(w, "xs:simpleType");
        restriction(w, i);
        end(w);
        end(w);
    } else {
        restriction(w, i);
    }
    end(w);
}

static void element_decls(wr *w, const xml_node *nodes, int n)
{
    const xml_form *x = w->x;
    for (int k = 0; k < n; k++) {
        start(w, "xs:element");
        if (nodes[k].is_note) {
            /* a note of the XForm (a warning rule): no value of its own */
            attr(w, "name", x->rules[nodes[k].index].note);
            attr(w, "type", "xs:string");
            attr(w, "minOccurs", "0");
        } else {
            const m_field *f = &x->f->fields[nodes[k].index];
            attr(w, "name", f->code);
            attr(w, "type", arena_printf(x->a, "field.%s", f->code));
            if (may_be_empty(f))
                attr(w, "minOccurs", "0");
        }
        end(w);
    }
}

int xml_write_xsd(const xml_form *x, xmlBufferPtr out)
{
    wr w = {xmlNewTextWriterMemory(out, 0), x, 0};
    if (!w.w)
        return -1;
    const char *version = x->r->version ? x->r->version : "0.0.0";
    chk(&w, xmlTextWriterSetIndent(w.w, 1));
    chk(&w, xmlTextWriterSetIndentString(w.w, XC("  ")));
    chk(&w, xmlTextWriterStartDocument(w.w, NULL, "UTF-8", NULL));
    chk(&w, xmlTextWriterWriteFormatComment(w.w, " Submission instance of form %s of regime %s %s, generated by regc: do not edit. ",
                                             x->root, x->r->name ? x->r->name : "?", version));
    start(&w, "xs:schema");
    attr(&w, "xmlns:xs", "http://www.w3.org/2001/XMLSchema");
    attr(&w, "elementFormDefault", "unqualified");
    attr(&w, "version", version);

    start(&w, "xs:element");
    attr(&w, "name", x->root);
    documentation(&w, x->f->label);
    start(&w, "xs:complexType");
    start(&w, "xs:sequence");
    element_decls(&w, x->top, x->n_top);
    if (x->row) {
        start(&w, "xs:element");
        attr(&w, "name", x->row);
        attr(&w, "minOccurs", "0");
        attr(&w, "maxOccurs", "unbounded");
        start(&w, "xs:complexType");
        start(&w, "xs:sequence");
        element_decls(&w, x->rows, x->n_rows);
        end(&w);
        end(&w);
        end(&w);
    }
    /* ODK's meta block (instanceID...): any content */
    start(&w, "xs:element");
    attr(&w, "name", x->meta);
    attr(&w, "minOccurs", "0");
    start(&w, "xs:complexType");
    start(&w, "xs:sequence");
    start(&w, "xs:any");
    attr(&w, "processContents", "skip");
    attr(&w, "minOccurs", "0");
    attr(&w, "maxOccurs", "unbounded");
    end(&w);
    end(&w);
    end(&w);
    end(&w);
    end(&w); /* xs:sequence */
    /* the form and the version are pinned */
    static const char *const pinned[] = {"id", "version"};
    for (int k = 0; k < 2; k++) {
        start(&w, "xs:attribute");
        attr(&w, "name", pinned[k]);
        attr(&w, "type", "xs:string");
        attr(&w, "use", "required");
        attr(&w, "fixed", k ? version : x->root);
        end(&w);
    }
    start(&w, "xs:anyAttribute");
    attr(&w, "namespace", "##other");
    attr(&w, "processContents", "skip");
    end(&w);
    end(&w); /* xs:complexType */
    if (x->row && x->f->n_dims) {
        /* one row per combination of the dimensions */
        start(&w, "xs:unique");
        attr(&w, "name", arena_printf(x->a, "%s.%s.key", x->root, x->row));
        start(&w, "xs:selector");
        attr(&w, "xpath", x->row);
        end(&w);
        for (int d = 0; d < x->f->n_dims; d++) {
            start(&w, "xs:field");
            attr(&w, "xpath", x->f->fields[x->f->dims[d]].code);
            end(&w);
        }
        end(&w);
    }
    end(&w); /* xs:element */

    start(&w, "xs:simpleType");
    attr(&w, "name", "empty");
    start(&w, "xs:restriction");
    attr(&w, "base", "xs:string");
    facet(&w, "xs:length", "0");
    end(&w);
    end(&w);
    for (int i = 0; i < x->f->n_fields; i++)
        simple_type(&w, i);
    end(&w); /* xs:schema */
    chk(&w, xmlTextWriterEndDocument(w.w));
    xmlFreeTextWriter(w.w);
    return w.err ? -1 : 0;
}
