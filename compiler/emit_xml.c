/*
 * emit_xml.c — `regc build` writes, for every form, DIR/forms/<form>.xform.xml
 * (ODK XForms) and DIR/forms/<form>.xsd (the submission instance).
 *
 * This file plans each form once (the instance shape, the XPath of every
 * bind, what becomes of every rule), hands the plan to the two writers
 * (emit_xform.c, emit_xsd.c), checks what they wrote with libxml2 itself
 * (the XForm parses, every XPath in it compiles, the XSD compiles) and
 * only then replaces the files, atomically. A failure there is a bug of
 * ours, reported as an internal error rather than shipped.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>

#include "emit_int.h"
#include "emit_xml.h"

/* Forms with more fields have their XSD parsed, not compiled (emit_form). */
#define XML_SCHEMA_CHECK_MAX 400
#include "lower.h"

/* ---- plan ---- */

int xml_is_input(const m_field *f) { return !(f->flags & (RG_FIELD_COMPUTED | RG_FIELD_RATIO)); }

int xml_is_required(const m_field *f)
{
    return xml_is_input(f) &&
           (f->flags & (RG_FIELD_REQUIRED | RG_FIELD_KEY_UNIT | RG_FIELD_KEY_PERIOD | RG_FIELD_DIMENSION));
}

const char *xml_text(const xml_form *x, const ast_texts *t, const char *lang, const char *dflt)
{
    const char *s = m_text(t, lang);
    if (!s && x->n_langs)
        s = m_text(t, x->langs[0]);
    if (!s && t && t->items.n)
        s = ((const ast_text *)t->items.items[0])->text;
    return s ? s : dflt;
}

static int name_taken(const xml_form *x, const char *name, int top_only)
{
    const m_form *f = x->f;
    for (int i = 0; i < f->n_fields; i++)
        if ((!top_only || !x->in_row || !x->in_row[i]) && !strcmp(f->fields[i].code, name))
            return 1;
    for (int i = 0; x->rules && i < f->n_rules; i++)
        if (x->rules[i].note && !strcmp(x->rules[i].note, name))
            return 1;
    return 0;
}

/* A name no field uses: base, base_, base__ ... */
static const char *fresh_name(xml_form *x, const char *base, int top_only)
{
    const char *n = base;
    while (name_taken(x, n, top_only))
        n = arena_printf(x->a, "%s_", n);
    return n;
}

/* Input fields an expression reads, through computed fields. */
static void mark_inputs(const xml_form *x, const ast_expr *e, char *mark, int depth)
{
    if (!e || depth > 64)
        return;
    switch (e->kind) {
    case AST_E_NAME:
        if (e->ref && e->ref->kind == REF_FIELD) {
            const m_field *f = &x->f->fields[e->ref->index];
            if (xml_is_input(f))
                mark[e->ref->index] = 1;
            else
                mark_inputs(x, f->expr, mark, depth + 1);
        }
        return;
    case AST_E_UNARY: mark_inputs(x, e->u.unary.operand, mark, depth + 1); return;
    case AST_E_BINARY:
        mark_inputs(x, e->u.binary.lhs, mark, depth + 1);
        mark_inputs(x, e->u.binary.rhs, mark, depth + 1);
        return;
    case AST_E_CALL:
        for (int i = 0; i < e->u.call.args.n; i++)
            mark_inputs(x, e->u.call.args.items[i], mark, depth + 1);
        return;
    case AST_E_IN: mark_inputs(x, e->u.in.operand, mark, depth + 1); return;
    default: return;
    }
}

static const char *server_reason(const m_rule *r)
{
    if (r->flags & RG_RULE_PREVIOUS)
        return "previous-period";
    if (r->flags & RG_RULE_CHILDREN)
        return "children";
    if (r->flags & RG_RULE_CROSS_FORM)
        return "cross-form";
    if (r->flags & RG_RULE_UNITS)
        return "unit-list";
    if (r->flags & RG_RULE_WELL_FORMED)
        return "whole-row";
    return NULL;
}

static char *ncname(arena *a, const char *prefix, const char *code)
{
    char *s = arena_printf(a, "%s%s", prefix, code);
    for (char *p = s + strlen(prefix); *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
              ch == '-' || ch == '.'))
            *p = '_';
    }
    return s;
}

static void plan_rules(xml_form *x)
{
    const m_form *f = x->f;
    char *used = arena_alloc(x->a, (size_t)f->n_fields + 1);
    char *mark = arena_alloc(x->a, (size_t)f->n_fields + 1);
    x->rules = arena_alloc(x->a, sizeof(xml_rule) * (size_t)(f->n_rules + 1));
    for (int ri = 0; ri < f->n_rules; ri++) {
        const m_rule *r = &f->rules[ri];
        xml_rule *xr = &x->rules[ri];
        xr->rule = r;
        xr->field = -1;
        xr->reason = server_reason(r);
        memset(mark, 0, (size_t)f->n_fields);
        mark_inputs(x, r->when, mark, 0);
        mark_inputs(x, r->check, mark, 0);
        /* a rule that reads a figure of the rows is checked in each row:
         * its bind is one of the row's inputs, never a per-unit one (asked
         * once, outside the repeat), which is read by its absolute path */
        int row_read = 0;
        for (int i = 0; i < f->n_fields; i++)
            row_read |= mark[i] && x->in_row[i];
        if (row_read)
            for (int i = 0; i < f->n_fields; i++)
                if (!x->in_row[i])
                    mark[i] = 0;
        /* the bind that carries it: the last input read that carries no
         * other rule yet, else the last input read */
        int last = -1, free_last = -1;
        for (int i = 0; i < f->n_fields; i++)
            if (mark[i]) {
                last = i;
                if (!used[i])
                    free_last = i;
            }
        if (!xr->reason && last < 0)
            xr->reason = "no-field";
        int at = r->severity == RG_SEV_ERROR && free_last >= 0 ? free_last : last;
        if (!xr->reason) {
            const char *why = NULL;
            xr->pass = xml_xpath_rule(x, r, x->in_row[at], &why);
            if (!xr->pass)
                xr->reason = why;
        }
        if (xr->reason) {
            xr->kind = XML_RULE_SERVER;
            continue;
        }
        if (r->severity == RG_SEV_ERROR) {
            xr->kind = XML_RULE_CONSTRAINT;
            xr->field = free_last >= 0 ? free_last : last;
            used[xr->field] = 1;
        } else {
            /* a constraint would block the submission: show a note instead */
            xr->kind = XML_RULE_NOTE;
            xr->field = last;
        }
    }
    /* note names once every rule is known, so they are unique */
    for (int ri = 0; ri < f->n_rules; ri++) {
        xml_rule *xr = &x->rules[ri];
        if (xr->kind != XML_RULE_NOTE)
            continue;
        const char *base = ncname(x->a, xr->rule->severity == RG_SEV_WARNING ? "warn_" : "info_", xr->rule->code);
        xr->note = fresh_name(x, base, 0);
        xr->path = x->in_row[xr->field] ? arena_printf(x->a, "/%s/%s/%s", x->root, x->row, xr->note)
                                          : arena_printf(x->a, "/%s/%s", x->root, xr->note);
    }
}

typedef struct lang_set {
    const char **l;
    int n;
} lang_set;

static void lang_add(lang_set *s, const char *lang)
{
    if (!lang)
        return;
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->l[i], lang))
            return;
    const char **l = realloc(s->l, sizeof *l * (size_t)(s->n + 1));
    if (!l)
        abort();
    s->l = l;
    s->l[s->n++] = lang;
}

static void langs_of(lang_set *s, const ast_texts *t)
{
    if (t)
        AST_EACH(ast_text *, x, t->items) lang_add(s, x->lang);
}

static int cmp_lang(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

void xml_plan(xml_form *x, arena *a, const m_regime *r, const ir_regime *ir, int fi, const src_manager *sm)
{
    const m_form *f = &r->forms[fi];
    memset(x, 0, sizeof *x);
    x->ir = ir && fi < ir->n_forms ? &ir->forms[fi] : NULL;
    x->a = a;
    x->r = r;
    x->f = f;
    x->form_index = fi;
    x->sm = sm;
    x->root = f->code;

    /* languages: the regime's, and every one a text of the form uses; the
     * form's first label language is the default, the others sorted */
    const char *def = NULL;
    if (f->label && f->label->items.n)
        def = ((const ast_text *)f->label->items.items[0])->lang;
    if (!def && r->n_langs)
        def = r->langs[0];
    if (!def)
        def = "en";
    lang_set ls = {0};
    for (int i = 0; i < r->n_langs; i++)
        lang_add(&ls, r->langs[i]);
    langs_of(&ls, f->label);
    for (int i = 0; i < f->n_fields; i++) {
        langs_of(&ls, f->fields[i].label);
        langs_of(&ls, f->fields[i].hint);
        if (f->fields[i].type.kind == TY_CODE && f->fields[i].type.list)
            for (int k = 0; k < f->fields[i].type.list->n_codes; k++)
                langs_of(&ls, f->fields[i].type.list->codes[k].label);
    }
    for (int i = 0; i < f->n_rules; i++)
        langs_of(&ls, f->rules[i].message);
    if (ls.n > 1)
        qsort(ls.l, (size_t)ls.n, sizeof *ls.l, cmp_lang);
    x->langs = arena_alloc(a, sizeof(char *) * (size_t)(ls.n + 1));
    x->langs[x->n_langs++] = def;
    for (int i = 0; i < ls.n; i++)
        if (strcmp(ls.l[i], def))
            x->langs[x->n_langs++] = ls.l[i];
    free(ls.l);

    x->in_row = arena_alloc(a, (size_t)f->n_fields + 1);
    x->path = arena_alloc(a, sizeof(char *) * (size_t)(f->n_fields + 1));
    if (f->n_dims > 0) {
        for (int i = 0; i < f->n_fields; i++)
            x->in_row[i] = !(f->fields[i].flags & (RG_FIELD_KEY_UNIT | RG_FIELD_KEY_PERIOD | RG_FIELD_PER_UNIT));
        x->row = fresh_name(x, "row", 1);
    }
    x->meta = fresh_name(x, "meta", 1);
    for (int i = 0; i < f->n_fields; i++)
        x->path[i] = x->in_row[i] ? arena_printf(a, "/%s/%s/%s", x->root, x->row, f->fields[i].code)
                                  : arena_printf(a, "/%s/%s", x->root, f->fields[i].code);

    plan_rules(x);

    /* the nodes of the instance, in order: fields, then notes */
    x->top = arena_alloc(a, sizeof(xml_node) * (size_t)(f->n_fields + f->n_rules + 1));
    x->rows = arena_alloc(a, sizeof(xml_node) * (size_t)(f->n_fields + f->n_rules + 1));
    for (int i = 0; i < f->n_fields; i++) {
        xml_node n = {0, i};
        if (x->in_row[i])
            x->rows[x->n_rows++] = n;
        else
            x->top[x->n_top++] = n;
    }
    for (int i = 0; i < f->n_rules; i++) {
        if (x->rules[i].kind != XML_RULE_NOTE)
            continue;
        xml_node n = {1, i};
        if (x->in_row[x->rules[i].field])
            x->rows[x->n_rows++] = n;
        else
            x->top[x->n_top++] = n;
    }
}

/* ---- self-checks and files ---- */

static void quiet(void *ctx, xmlErrorPtr e)
{
    char *buf = ctx;
    if (buf && !buf[0] && e && e->message)
        snprintf(buf, 256, "%s", e->message);
}

typedef struct saved_err {
    xmlStructuredErrorFunc fn;
    void *ctx;
} saved_err;

static saved_err silence(char *buf)
{
    saved_err s = {xmlStructuredError, xmlStructuredErrorContext};
    xmlSetStructuredErrorFunc(buf, quiet);
    return s;
}

static void restore(saved_err s) { xmlSetStructuredErrorFunc(s.ctx, s.fn); }

/* Every XPath attribute of the XForm must compile. Returns the first that
 * does not, or NULL. */
static const char *bad_xpath(xmlDocPtr doc, char *why)
{
    static const char *const attrs[] = {"constraint", "calculate", "relevant", "nodeset", "ref", "value"};
    xmlNodePtr n = xmlDocGetRootElement(doc);
    while (n) {
        if (n->type == XML_ELEMENT_NODE) {
            for (xmlAttrPtr a = n->properties; a; a = a->next) {
                int want = 0;
                for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++)
                    if (!strcmp((const char *)a->name, attrs[i]))
                        want = 1;
                if (!want)
                    continue;
                xmlChar *v = xmlNodeListGetString(doc, a->children, 1);
                xmlXPathCompExprPtr c = v ? xmlXPathCompile(v) : NULL;
                if (!c) {
                    static char keep[512];
                    snprintf(keep, sizeof keep, "%s=\"%s\"", (const char *)a->name, v ? (const char *)v : "");
                    xmlFree(v);
                    if (!why[0])
                        snprintf(why, 256, "does not compile");
                    return keep;
                }
                xmlXPathFreeCompExpr(c);
                xmlFree(v);
            }
        }
        /* depth-first walk */
        if (n->children && n->type == XML_ELEMENT_NODE) {
            n = n->children;
            continue;
        }
        while (n && !n->next)
            n = n->parent && n->parent->type == XML_ELEMENT_NODE ? n->parent : NULL;
        if (n)
            n = n->next;
    }
    return NULL;
}

static void strip_newline(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
        s[--n] = 0;
}

/* Writes path atomically: PATH.tmp, then rename. */
static int write_file(const char *path, const void *data, size_t n, diag_ctx *d, src_loc loc)
{
    char *tmp = malloc(strlen(path) + 8);
    if (!tmp)
        abort();
    sprintf(tmp, "%s.tmp", path);
    FILE *fp = fopen(tmp, "wb");
    int ok = fp && fwrite(data, 1, n, fp) == n;
    int saved = errno;
    if (fp && fclose(fp) != 0 && ok) {
        ok = 0;
        saved = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = 0;
        saved = errno;
    }
    if (!ok) {
        unlink(tmp);
        diag(d, "E0801", loc, path, strerror(saved));
    }
    free(tmp);
    return ok ? 0 : -1;
}

static int make_dir(const char *path, diag_ctx *d, src_loc loc)
{
    /* the parents first, as mkdir -p */
    char *p = malloc(strlen(path) + 1);
    if (!p)
        abort();
    strcpy(p, path);
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = 0;
            mkdir(p, 0777);
            *s = '/';
        }
    free(p);
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        diag(d, "E0800", loc, path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        diag(d, "E0800", loc, path, strerror(ENOTDIR));
        return -1;
    }
    return 0;
}

static int emit_form(const m_regime *r, const ir_regime *ir, int fi, const char *dir, diag_ctx *d)
{
    const m_form *f = &r->forms[fi];
    src_loc loc = f->decl ? f->decl->loc : (src_loc){-1, 0, 0, 0, 0};
    arena a;
    arena_init(&a);
    xml_form x;
    xml_plan(&x, &a, r, ir, fi, d ? d->sm : NULL);
    int rc = -1;
    xmlBufferPtr xf = xmlBufferCreate(), xs = xmlBufferCreate();
    char *path = NULL;
    char why[256] = "";
    if (!xf || !xs)
        abort();
    path = malloc(strlen(dir) + strlen(f->code) + 32);
    if (!path)
        abort();

    /* the XForm: written, parsed back, every XPath compiled */
    sprintf(path, "%s/forms/%s.xform.xml", dir, f->code);
    if (xml_write_xform(&x, xf) != 0) {
        diag(d, "E0802", loc, path);
        goto out;
    }
    saved_err s = silence(why);
    xmlDocPtr doc = xmlReadMemory((const char *)xmlBufferContent(xf), xmlBufferLength(xf), path, NULL,
                                  XML_PARSE_NONET);
    const char *bad = doc ? bad_xpath(doc, why) : NULL;
    restore(s);
    xmlFreeDoc(doc);
    strip_newline(why);
    if (!doc) {
        diag(d, "E0802", loc, path);
        goto out;
    }
    if (bad) {
        diag(d, "E0803", loc, f->code, bad, why);
        goto out;
    }

    /* the XSD: written and compiled */
    if (xml_write_xsd(&x, xs) != 0) {
        diag(d, "E0802", loc, path);
        goto out;
    }
    why[0] = 0;
    s = silence(why);
    /* Compiling the XSD checks it; but libxml2 builds the automaton of an
     * xs:sequence of n optional elements in O(n^2) (every element may
     * follow every earlier one): 2.6 s for 1,000 cells, a minute for 5,000.
     * Past XML_SCHEMA_CHECK_MAX fields the XSD (written by the same code
     * as the small ones that are compiled) is only parsed as XML. */
    int ok_xsd;
    if (f->n_fields <= XML_SCHEMA_CHECK_MAX) {
        xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt((const char *)xmlBufferContent(xs), xmlBufferLength(xs));
        xmlSchemaSetParserStructuredErrors(pc, quiet, why);
        xmlSchemaPtr schema = pc ? xmlSchemaParse(pc) : NULL;
        ok_xsd = schema != NULL;
        xmlSchemaFree(schema);
        xmlSchemaFreeParserCtxt(pc);
    } else {
        xmlDocPtr xd = xmlReadMemory((const char *)xmlBufferContent(xs), xmlBufferLength(xs), path, NULL, XML_PARSE_NONET);
        ok_xsd = xd != NULL;
        xmlFreeDoc(xd);
    }
    restore(s);
    strip_newline(why);
    if (!ok_xsd) {
        diag(d, "E0804", loc, f->code, why);
        goto out;
    }

    if (write_file(path, xmlBufferContent(xf), (size_t)xmlBufferLength(xf), d, loc) != 0)
        goto out;
    sprintf(path, "%s/forms/%s.xsd", dir, f->code);
    if (write_file(path, xmlBufferContent(xs), (size_t)xmlBufferLength(xs), d, loc) != 0)
        goto out;
    rc = 0;
out:
    free(path);
    xmlBufferFree(xf);
    xmlBufferFree(xs);
    arena_free(&a);
    return rc;
}

int emit_forms(const m_regime *r, const char *dir, diag_ctx *d)
{
    src_loc none = {-1, 0, 0, 0, 0};
    src_loc loc = r->decl ? r->decl->loc : none;
    char *forms = malloc(strlen(dir) + 8);
    if (!forms)
        abort();
    sprintf(forms, "%s/forms", dir);
    xmlInitParser();
    int rc = make_dir(dir, d, loc) || make_dir(forms, d, loc) ? -1 : 0;
    free(forms);
    /* The XPath of the forms is written from the IR the kernels are
     * compiled from. A spec lower.c refuses (regc build stops before the
     * forms then) still gets forms, with the rules it could not lower
     * listed as server-side checks ("not-compiled"). */
    arena ia;
    arena_init(&ia);
    ir_regime ir;
    lower_regime(&ia, r, d ? d->sm : NULL, &ir);
    for (int i = 0; rc == 0 && i < r->n_forms; i++)
        if (emit_form(r, &ir, i, dir, d) != 0)
            rc = -1;
    arena_free(&ia);
    return rc;
}
