/*
 * emit_int.h — shared by the form emitters: the plan of one form's XForm
 * and XSD (emit_xml.c), the XPath translation of expressions (xpath.c), the
 * XForm writer (emit_xform.c) and the XSD writer (emit_xsd.c).
 *
 * The plan fixes, once for both documents, the shape of the submission
 * instance: the root element (the form code), the key fields at the top,
 * one repeated row element holding the dimensions and the figures (only
 * when the form has dimensions), notes for warning rules, and the ODK meta
 * block. Both writers walk the same node lists, so the XForm instance and
 * the XSD cannot disagree.
 */
#ifndef EMIT_INT_H
#define EMIT_INT_H

#include <stddef.h>

#include "arena.h"
#include "core.h"
#include "ir.h"
#include "model.h"
#include "srcloc.h"

/* A growable string (XPath text, never XML: XML goes through xmlTextWriter):
 * the shared core's buffer, kept NUL-terminated by the xml_sb_ calls. */
typedef rt_buf xml_sb;

void xml_sb_put(xml_sb *b, const char *s);
void xml_sb_printf(xml_sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Moves the text into the arena and empties b. */
char *xml_sb_take(xml_sb *b, arena *a);

/* What happens to a rule in the XForm. */
typedef enum xml_rule_kind {
    XML_RULE_CONSTRAINT, /* error rule: part of a bind's constraint */
    XML_RULE_NOTE,       /* warning/info rule: a note shown while it fails */
    XML_RULE_SERVER      /* not expressible in XPath: listed as a server-side check */
} xml_rule_kind;

typedef struct xml_rule {
    const m_rule *rule;
    xml_rule_kind kind;
    int field;          /* CONSTRAINT: the field whose bind carries it; NOTE: the
                           field beside which the note sits */
    const char *pass;   /* XPath true when the rule passes (CONSTRAINT, NOTE) */
    const char *note;   /* NOTE: name of its instance node */
    const char *path;   /* NOTE: absolute path of its instance node */
    const char *reason; /* SERVER: why ("previous-period", "children", ...) */
} xml_rule;

/* A node of the instance: a field or a note (index into rules). */
typedef struct xml_node {
    int is_note;
    int index;
} xml_node;

typedef struct xml_form {
    arena *a;
    const m_regime *r;
    const m_form *f;
    int form_index;
    const ir_form *ir;       /* the form lowered (lower.c): every XPath of a
                                rule, calculation or relevance is written
                                from it; NULL when lowering failed */
    const src_manager *sm;   /* for the source text of server-side checks; may be NULL */
    const char **langs;      /* translations, default first */
    int n_langs;
    const char *root;        /* instance root element: the form code */
    const char *row;         /* repeated row element, NULL when no dimensions */
    const char *meta;        /* ODK meta block ("meta") */
    const char **path;       /* per field: absolute path in the instance */
    char *in_row;            /* per field: 1 when inside the row */
    xml_rule *rules;         /* per rule of the form, same order */
    xml_node *top, *rows;    /* children of the root / of the row, in order */
    int n_top, n_rows;
} xml_form;

/* Builds the plan of form `fi`; everything is allocated in `a`. */
void xml_plan(xml_form *x, arena *a, const m_regime *r, const ir_regime *ir, int fi, const src_manager *sm);

/* The text of a label in `lang`, falling back to the default language, any
 * language, then `dflt`. */
const char *xml_text(const xml_form *x, const ast_texts *t, const char *lang, const char *dflt);

/* Whether a field is read from the submission (not computed). */
int xml_is_input(const m_field *f);
/* Whether a field must be non-empty in the submission. */
int xml_is_required(const m_field *f);
/* Whether a type is a number (integer, count, decimal, money, percent, ratio). */
int xml_is_numeric(ty_kind k);
/* Bounds of an integer or count field from its range and max digits. */
void xml_int_bounds(const m_field *f, int64_t *lo, int *has_lo, int64_t *hi, int *has_hi);
/* The XForms data type of a field's bind: int, decimal, date, string, select1. */
const char *xml_xform_type(const m_field *f);

/* ---- XPath (xpath.c) ---- */

/* The XPath true when rule r passes, following the native semantics:
 * the guard, the missing-value mode, the tolerance; evaluated at a node of
 * the row when from_row. NULL when XPath cannot
 * express it, with *reason set. */
const char *xml_xpath_rule(const xml_form *x, const m_rule *r, int from_row, const char **reason);
/* The calculate of a computed field or ratio ('' when a value is missing),
 * or NULL with *reason. */
const char *xml_xpath_calculate(const xml_form *x, int field, const char **reason);
/* A field's `relevant when` (false when an operand is missing), or NULL. */
const char *xml_xpath_relevant(const xml_form *x, int field, const char **reason);
/* The value constraint of field `field` (type, range, digits) applied to
 * `self` (an XPath: "." or a path), or NULL when it has none. */
const char *xml_xpath_range(const xml_form *x, int field, const char *self);
/* The XPath of placeholder `name` of rule r's message, as regrt writes it
 * in `lang` (an input as typed, a computed value with its decimals, an
 * empty value as "(empty)"), or NULL when only the server knows it. */
const char *xml_xpath_message_value(const xml_form *x, const m_rule *r, const char *name, int from_row,
                                    const char *lang);
/* How an XPath evaluated at a node reaches field `field`: `../code` from a
 * node of the row (ODK XForms 1.0 reads absolute paths inside a repeat as
 * the first row, not the current one), else its absolute path. */
const char *xml_ref(const xml_form *x, int field, int from_row);
/* A string literal in XPath 1.0 ('a', "it's", or concat(...)). */
char *xml_xpath_string(arena *a, const char *s);

/* Fixed-point text of v / 10^scale ("-12.50"). buf holds 64 bytes. */
void xml_format_scaled(int64_t v, int scale, char *buf);
/* YYYY-MM-DD of a day number since 1970-01-01. buf holds 64 bytes. */
void xml_format_date(int64_t days, char *buf);
/* XSD regular expression of the period labels of a frequency. */
const char *xml_period_pattern(rg_freq freq);

/* ---- writers ---- */

/* Both write the whole document into a libxml2 buffer; 0 on success,
 * -1 on a writer failure. */
struct _xmlBuffer;
int xml_write_xform(const xml_form *x, struct _xmlBuffer *out);
int xml_write_xsd(const xml_form *x, struct _xmlBuffer *out);

/* ---- the xmlTextWriter helpers both emitters use ---- */

#include <libxml/xmlwriter.h>

/* libxml2 strings are unsigned chars; BAD_CAST would cast const away. */
#define XC(s) ((const xmlChar *)(s))

typedef struct wr {
    xmlTextWriterPtr w;
    const xml_form *x;
    int err; /* set by the first failed write; the emitter then gives up */
} wr;

static inline void chk(wr *w, int rc)
{
    if (rc < 0)
        w->err = 1;
}

static inline void start(wr *w, const char *name) { chk(w, xmlTextWriterStartElement(w->w, XC(name))); }
static inline void end(wr *w) { chk(w, xmlTextWriterEndElement(w->w)); }
static inline void attr(wr *w, const char *name, const char *v)
{
    chk(w, xmlTextWriterWriteAttribute(w->w, XC(name), XC(v)));
}
static inline void text(wr *w, const char *s) { chk(w, xmlTextWriterWriteString(w->w, XC(s))); }

#endif
