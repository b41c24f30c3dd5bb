/*
 * xml.c — XML submission instances: parse safely, validate against the
 * form's XSD, convert the rows for the CSV scan (see xml.h).
 *
 * Why through CSV text: the scan (scan.c) owns the value parsers, the
 * batches, the kernels, the report and the roll-up feed; handing it the rows
 * as CSV gives an XML instance exactly the semantics of the same data in a
 * CSV file, with no second implementation to drift. Each record is put on
 * the line of its <row> element (blank lines in between are skipped by the
 * scan), so violations point into the XML file.
 *
 * Hostile documents: no XML_PARSE_NOENT (entities are never substituted),
 * no XML_PARSE_DTDLOAD / DTDATTR / DTDVALID (no DTD is read), NONET, no
 * XML_PARSE_HUGE (libxml2's limits on text and names stay on). On top, the
 * SAX handlers refuse any entity declaration and any external DTD as soon as
 * the parser meets it, before anything could be expanded, and any element
 * nested deeper than RT_XML_MAX_DEPTH; the file itself is capped at
 * RT_XML_MAX_BYTES. A billion-laughs or external-entity document therefore
 * stops at its first <!ENTITY>.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "xml.h"

#if LIBXML_VERSION >= 21200
typedef const xmlError *rt_xml_err_t;
#else
typedef xmlErrorPtr rt_xml_err_t;
#endif

int rt_xml_is_xml(const char *path)
{
    size_t n = path ? strlen(path) : 0;
    return n > 4 && path[n - 4] == '.' && (path[n - 3] | 32) == 'x' && (path[n - 2] | 32) == 'm' &&
           (path[n - 1] | 32) == 'l';
}

char *rt_xml_xsd_path(const rt_regime *rg, const rg_form *form)
{
    const char *so = rg && rg->path ? rg->path : "";
    const char *slash = strrchr(so, '/');
    size_t dn = slash ? (size_t)(slash - so) : 1;
    const char *dir = slash ? so : ".";
    char *p = rt_xmalloc(dn + strlen(form->code) + 16);
    memcpy(p, dir, dn);
    sprintf(p + dn, "/forms/%s.xsd", form->code);
    return p;
}

/* ---- reading the file ------------------------------------------------------ */

static char *slurp(const char *path, size_t *len, rt_error *err)
{
    int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
    if (fd < 0) {
        rt_err(err, 2, TR("cannot open '%s': %s", "không mở được '%s': %s"), path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = rt_xmalloc(cap);
    for (;;) {
        if (n == cap) {
            if (cap > RT_XML_MAX_BYTES) break;
            cap *= 2;
            buf = rt_xrealloc(buf, cap);
        }
        ssize_t k = read(fd, buf + n, cap - n);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) {
            rt_err(err, 2, TR("cannot read '%s': %s", "không đọc được '%s': %s"), path, strerror(errno));
            free(buf);
            if (fd) close(fd);
            return NULL;
        }
        if (k == 0) break;
        n += (size_t)k;
    }
    if (fd) close(fd);
    if (n > RT_XML_MAX_BYTES) {
        rt_err(err, 2, TR("%s: the XML instance is larger than %zu MB; split the submission",
                          "%s: tệp XML lớn hơn %zu MB; hãy chia nhỏ tệp nộp"),
               path, RT_XML_MAX_BYTES >> 20);
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

/* ---- parsing ------------------------------------------------------------------ */

/* The line of the first start tag with more than RT_XML_MAX_ATTRS attributes,
 * or 0. A linear scan of the bytes: libxml2 would spend quadratic time on
 * such a tag before any callback could stop it. */
static long crowded_tag(const char *p, size_t n)
{
    const char *end = p + n;
    long line = 1;
    while (p < end) {
        const char *lt = memchr(p, '<', (size_t)(end - p));
        if (!lt) break;
        for (const char *q = p; q < lt; q++) line += *q == '\n';
        p = lt + 1;
        if (p >= end) break;
        const char *skip = NULL;
        if (end - p >= 3 && !memcmp(p, "!--", 3)) skip = "-->";
        else if (end - p >= 8 && !memcmp(p, "![CDATA[", 8)) skip = "]]>";
        else if (*p == '?') skip = "?>";
        if (skip) {
            const char *e = memmem(p, (size_t)(end - p), skip, strlen(skip));
            const char *stop = e ? e : end;
            for (const char *q = p; q < stop; q++) line += *q == '\n';
            p = e ? e + strlen(skip) : end;
            continue;
        }
        if (*p == '!' || *p == '/') continue;
        long at = line;
        unsigned attrs = 0;
        char quote = 0;
        for (; p < end; p++) {
            char c = *p;
            line += c == '\n';
            if (quote) {
                if (c == quote) quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '=') {
                if (++attrs > RT_XML_MAX_ATTRS) return at;
            } else if (c == '>') {
                p++;
                break;
            }
        }
    }
    return 0;
}

enum { REFUSE_NONE, REFUSE_ENTITY, REFUSE_DTD, REFUSE_DEPTH };

typedef struct pstate {
    int refused;
    char what[256];
    long refused_line;
    char error[512];
    long error_line;
    char generic[512]; /* what libxml2 sent to its global handler */
    startElementNsSAX2Func start;
    internalSubsetSAXFunc subset;
} pstate;

/* libxml2 (2.9) reports a failed encoding conversion through its global
 * "generic" handler, which prints to stderr; it is kept here instead, for
 * the message. */
static void on_generic_error(void *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void on_generic_error(void *ctx, const char *fmt, ...)
{
    pstate *s = ctx;
    size_t n = strlen(s->generic);
    if (n + 1 >= sizeof s->generic) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->generic + n, sizeof s->generic - n, fmt, ap);
    va_end(ap);
}

static pstate *state_of(void *ctx) { return ((xmlParserCtxtPtr)ctx)->_private; }

static void refuse(xmlParserCtxtPtr ctxt, int why, const char *what)
{
    pstate *s = ctxt->_private;
    if (!s->refused) {
        s->refused = why;
        snprintf(s->what, sizeof s->what, "%s", what ? what : "");
        s->refused_line = xmlSAX2GetLineNumber(ctxt);
    }
    xmlStopParser(ctxt);
}

/* Any <!ENTITY>: refused before it can be used. */
static void on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *pub, const xmlChar *sys,
                           xmlChar *content)
{
    (void)type, (void)pub, (void)sys, (void)content;
    refuse(ctx, REFUSE_ENTITY, (const char *)name);
}

static void on_internal_subset(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
    if (ext || sys) {
        refuse(ctx, REFUSE_DTD, sys ? (const char *)sys : (const char *)ext);
        return;
    }
    state_of(ctx)->subset(ctx, name, ext, sys);
}

static void on_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri, int nns,
                     const xmlChar **ns, int nattr, int ndef, const xmlChar **attrs)
{
    xmlParserCtxtPtr ctxt = ctx;
    if (ctxt->nameNr >= RT_XML_MAX_DEPTH) {
        refuse(ctxt, REFUSE_DEPTH, (const char *)local);
        return;
    }
    state_of(ctx)->start(ctx, local, prefix, uri, nns, ns, nattr, ndef, attrs);
}

static void on_parse_error(void *ctx, rt_xml_err_t e)
{
    pstate *s = state_of(ctx);
    if (!e || e->level < XML_ERR_ERROR || s->error[0]) return;
    snprintf(s->error, sizeof s->error, "%s", e->message ? e->message : "?");
    size_t n = strlen(s->error);
    while (n && (s->error[n - 1] == '\n' || s->error[n - 1] == '.')) s->error[--n] = 0;
    for (char *q = s->error; *q; q++)
        if (*q == '\n') *q = ' '; /* one line: "... encoding !\nBytes: 0xFF ..." */
    s->error_line = e->line;
}

static xmlDocPtr parse(const char *path, const char *buf, size_t len, rt_error *err)
{
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        rt_err(err, 2, TR("%s: out of memory", "%s: hết bộ nhớ"), path);
        return NULL;
    }
    pstate s;
    memset(&s, 0, sizeof s);
    ctxt->_private = &s;
    s.start = ctxt->sax->startElementNs;
    s.subset = ctxt->sax->internalSubset;
    ctxt->sax->startElementNs = on_start;
    ctxt->sax->internalSubset = on_internal_subset;
    ctxt->sax->entityDecl = on_entity_decl;
    ctxt->sax->serror = on_parse_error;
    ctxt->sax->warning = NULL;
    ctxt->sax->error = NULL;
    ctxt->vctxt.error = NULL;
    ctxt->vctxt.warning = NULL;
    /* Deliberately absent: XML_PARSE_NOENT, XML_PARSE_DTDLOAD, XML_PARSE_DTDATTR,
     * XML_PARSE_DTDVALID, XML_PARSE_HUGE, XML_PARSE_XINCLUDE. */
    int opts = XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA | XML_PARSE_NOWARNING;
    const char *name = strcmp(path, "-") ? path : "<stdin>";
    xmlSetGenericErrorFunc(&s, on_generic_error);
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, buf, (int)len, name, NULL, opts);
    xmlSetGenericErrorFunc(NULL, NULL); /* back to libxml2's default */
    int well_formed = ctxt->wellFormed;
    xmlFreeParserCtxt(ctxt);
    if (s.refused) {
        xmlFreeDoc(doc);
        switch (s.refused) {
        case REFUSE_ENTITY:
            rt_err(err, 2, TR("%s:%ld: the document declares the entity '%s'; XML submissions may not declare entities (<!ENTITY ...>): entity expansion and external entities are refused",
                              "%s:%ld: tài liệu khai báo thực thể '%s'; tệp XML nộp không được khai báo thực thể (<!ENTITY ...>): việc mở rộng thực thể và thực thể bên ngoài bị từ chối"),
                   name, s.refused_line, s.what);
            break;
        case REFUSE_DTD:
            rt_err(err, 2, TR("%s:%ld: the document refers to an external DTD ('%s'); XML submissions may not: remove the <!DOCTYPE> line",
                              "%s:%ld: tài liệu tham chiếu DTD bên ngoài ('%s'); tệp XML nộp không được làm vậy: hãy xóa dòng <!DOCTYPE>"),
                   name, s.refused_line, s.what);
            break;
        default:
            rt_err(err, 2, TR("%s:%ld: element <%s> is nested more than %d levels deep; a submission instance is a few levels deep",
                              "%s:%ld: phần tử <%s> lồng sâu hơn %d cấp; tệp nộp chỉ có vài cấp"),
                   name, s.refused_line, s.what, RT_XML_MAX_DEPTH);
        }
        return NULL;
    }
    if (!doc || !well_formed) {
        xmlFreeDoc(doc);
        const char *bytes = strstr(s.error, "Bytes: ");
        const char *conv = strstr(s.generic, "input conversion failed");
        const char *cbytes = conv ? strstr(conv, "bytes ") : NULL;
        if (cbytes) {
            char b[64];
            snprintf(b, sizeof b, "%s", cbytes + 6);
            b[strcspn(b, "\n")] = 0;
            rt_err(err, 2, TR("%s:%ld: the bytes do not match the encoding the document declares (bytes %s); save the file as UTF-8",
                              "%s:%ld: các byte không khớp với bảng mã tài liệu khai báo (các byte %s); hãy lưu tệp dưới dạng UTF-8"),
                   name, s.error_line, b);
        } else if (strstr(s.error, "not proper UTF-8") && bytes)
            /* the usual cause: a file saved in Windows-1258 or TCVN3 */
            rt_err(err, 2, TR("%s:%ld: invalid UTF-8 (bytes %s); save the file as UTF-8 (not Windows-1258 or TCVN3)",
                              "%s:%ld: UTF-8 không hợp lệ (các byte %s); hãy lưu tệp dưới dạng UTF-8 (không phải Windows-1258 hay TCVN3)"),
                   name, s.error_line, bytes + 7);
        else
            rt_err(err, 2, TR("%s:%ld: not well-formed XML: %s", "%s:%ld: XML không đúng cú pháp: %s"), name,
                   s.error_line, s.error[0] ? s.error : TR("cannot parse", "không phân tích được"));
        return NULL;
    }
    /* Belt and braces: no entity may have survived in the internal subset. */
    if (doc->intSubset && (doc->intSubset->entities || doc->intSubset->pentities)) {
        xmlFreeDoc(doc);
        rt_err(err, 2, TR("%s: the document declares entities; XML submissions may not declare entities",
                          "%s: tài liệu khai báo thực thể; tệp XML nộp không được khai báo thực thể"),
               name);
        return NULL;
    }
    return doc;
}

/* ---- the instance --------------------------------------------------------------- */

static int is_blank(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* The text of a value element; blanks trimmed unless the field is text. */
static char *value_of(xmlNodePtr n, int trim, size_t *len)
{
    xmlChar *c = xmlNodeGetContent(n);
    const char *s = c ? (const char *)c : "";
    size_t l = strlen(s);
    if (trim) {
        while (l && is_blank((unsigned char)s[l - 1])) l--;
        while (l && is_blank((unsigned char)*s)) s++, l--;
    }
    char *v = rt_xstrndup(s, l);
    xmlFree(c);
    *len = l;
    return v;
}

static int name_is(xmlNodePtr n, const char *s) { return n && n->name && !strcmp((const char *)n->name, s); }

/* The names the emitter chose (compiler/emit_xml.c): base, base_, ... the
 * first no top-level field uses. */
static char *fresh(const rg_form *f, const uint8_t *top, const char *base)
{
    rt_buf b = {0};
    rt_buf_str(&b, base);
    for (;;) {
        int taken = 0;
        rt_buf_ch(&b, 0);
        b.n--;
        for (uint32_t i = 0; i < f->n_fields; i++)
            if (top[i] && !strcmp(f->fields[i].code, b.p)) taken = 1;
        if (!taken) break;
        rt_buf_ch(&b, '_');
    }
    rt_buf_ch(&b, 0);
    return b.p;
}

typedef struct vstate {
    rt_xml_data *x;
    const char *path;
} vstate;

/* Appends s, shown by its start and its end when it is longer than 200
 * bytes (cut on UTF-8 boundaries): libxml2 quotes the offending value in
 * its messages, and a value may be megabytes long. */
static void put_shown(rt_buf *b, const char *s, size_t n)
{
    if (n <= 200) {
        rt_buf_put(b, s, n);
        return;
    }
    size_t h = 96, t = n - 32;
    while (h > 0 && ((unsigned char)s[h] & 0xC0) == 0x80) h--;
    while (t < n && ((unsigned char)s[t] & 0xC0) == 0x80) t++;
    rt_buf_put(b, s, h);
    rt_buf_printf(b, TR("...(%zu bytes)...", "...(%zu byte)..."), n);
    rt_buf_put(b, s + t, n - t);
}

static void on_schema_error(void *ctx, rt_xml_err_t e)
{
    vstate *v = ctx;
    rt_xml_data *x = v->x;
    if (!e || e->level < XML_ERR_ERROR) return;
    /* libxml2's echo of an enumeration failure under xs:unique: noise */
    if (e->message && strstr(e->message, "No precomputed value available")) return;
    xmlNodePtr n = e->node;
    uint32_t row = 0;
    long line = e->line;
    if (n) {
        if (n->type == XML_ATTRIBUTE_NODE) n = n->parent;
        if (n && n->type == XML_ELEMENT_NODE) line = xmlGetLineNo(n);
        for (xmlNodePtr p = n; p; p = p->parent)
            if (p->type == XML_ELEMENT_NODE && p->_private) {
                row = (uint32_t)(uintptr_t)p->_private;
                break;
            }
    }
    if (row) x->bad[row] = 1;
    else x->instance_bad = 1;
    x->n_issues_all++;
    if (x->n_issues >= RT_XML_MAX_ISSUES) return;
    const char *m = e->message ? e->message : "?";
    size_t l = strlen(m);
    while (l && (m[l - 1] == '\n' || m[l - 1] == ' ')) l--;
    if (l && m[l - 1] == '.') l--;
    rt_xml_issue *is = &x->issues[x->n_issues++];
    is->row = row;
    is->line = line > 0 ? (uint32_t)line : 0;
    /* each quoted value ('...') of the message, shortened */
    rt_buf mb = {0};
    for (size_t i = 0; i < l;) {
        const char *q = memchr(m + i, '\'', l - i);
        const char *q2 = q ? memchr(q + 1, '\'', (size_t)(m + l - q - 1)) : NULL;
        if (!q2) {
            rt_buf_put(&mb, m + i, l - i);
            break;
        }
        rt_buf_put(&mb, m + i, (size_t)(q - (m + i)) + 1);
        put_shown(&mb, q + 1, (size_t)(q2 - q - 1));
        rt_buf_ch(&mb, '\'');
        i = (size_t)(q2 - m) + 1;
    }
    is->msg = rt_xstrndup(mb.p ? mb.p : "", mb.n);
    rt_buf_free(&mb);
}

static void schema_msg(void *ctx, rt_xml_err_t e)
{
    char *buf = ctx;
    if (e && e->message && !buf[0]) {
        snprintf(buf, 512, "%s", e->message);
        size_t n = strlen(buf);
        while (n && buf[n - 1] == '\n') buf[--n] = 0;
    }
}

static int validate(xmlDocPtr doc, const char *xsd, const char *path, rt_xml_data *x, rt_error *err)
{
    char why[512] = "";
    if (access(xsd, R_OK) != 0) {
        rt_err(err, 2, TR("%s: cannot read the XSD of the form, '%s': %s; XML instances are checked against it first (`regc build` writes it beside the library)",
                          "%s: không đọc được lược đồ XSD của biểu, '%s': %s; tệp XML được kiểm tra theo lược đồ này trước (`regc build` ghi nó cạnh thư viện)"),
               path, xsd, strerror(errno));
        return -1;
    }
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(xsd);
    if (pc) xmlSchemaSetParserStructuredErrors(pc, schema_msg, why);
    xmlSchemaPtr schema = pc ? xmlSchemaParse(pc) : NULL;
    xmlSchemaFreeParserCtxt(pc);
    if (!schema) {
        rt_err(err, 2, TR("%s: the XSD '%s' does not compile: %s", "%s: lược đồ XSD '%s' không biên dịch được: %s"),
               path, xsd, why[0] ? why : "?");
        return -1;
    }
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    vstate v = {x, path};
    int rc = 0;
    if (!vc) {
        rt_err(err, 2, TR("%s: out of memory", "%s: hết bộ nhớ"), path);
        rc = -1;
    } else {
        xmlSchemaSetValidStructuredErrors(vc, on_schema_error, &v);
        if (xmlSchemaValidateDoc(vc, doc) < 0 && !x->n_issues_all) {
            rt_err(err, 2, TR("%s: the XSD validation failed", "%s: kiểm tra theo lược đồ XSD thất bại"), path);
            rc = -1;
        }
        xmlSchemaFreeValidCtxt(vc);
    }
    xmlSchemaFree(schema);
    return rc;
}

/* The slot of field k among the keys (unit, period, dimensions), or -1. */
static int key_slot(const rg_form *f, uint32_t k)
{
    if ((int32_t)k == f->unit_field) return 0;
    if ((int32_t)k == f->period_field) return 1;
    for (uint32_t d = 0; d < f->n_dims; d++)
        if ((uint32_t)f->dims[d] == k) return 2 + (int)d;
    return -1;
}

static int is_input(const rg_field *f) { return !(f->flags & (RG_FIELD_COMPUTED | RG_FIELD_RATIO)); }

/* Appends the values of one row as a CSV record, on line `line` or after. */
static void put_record(rt_xml_data *x, const rg_form *f, char **vals, const uint32_t *lens, uint32_t line,
                       uint32_t *cur)
{
    while (*cur < line) {
        rt_buf_ch(&x->csv, '\n');
        (*cur)++;
    }
    int first = 1;
    for (uint32_t k = 0; k < f->n_fields; k++) {
        if (!is_input(&f->fields[k])) continue;
        if (!first) rt_buf_ch(&x->csv, ',');
        first = 0;
        const char *v = vals[k] ? vals[k] : "";
        rt_buf_csv(&x->csv, v, lens[k]);
        for (uint32_t i = 0; i < lens[k]; i++) *cur += v[i] == '\n';
    }
    rt_buf_ch(&x->csv, '\n');
    (*cur)++;
}

int rt_xml_read(const rg_regime_desc *d, const rg_form *f, const char *xsd, const char *path, rt_xml_data *x,
                rt_error *err)
{
    memset(x, 0, sizeof *x);
    const char *name = strcmp(path, "-") ? path : "<stdin>";
    size_t len;
    char *buf = slurp(path, &len, err);
    if (!buf) return -1;
    /* A NUL byte: not a text file (libxml2 would say "premature end of
     * data"). UTF-16 documents hold NULs and start with a BOM or "<\0". */
    const char *nul = memchr(buf, 0, len);
    int utf16 = len >= 2 && (!memcmp(buf, "\xFF\xFE", 2) || !memcmp(buf, "\xFE\xFF", 2) || !buf[0] || !buf[1]);
    if (nul && !utf16) {
        long line = 1;
        for (const char *q = buf; q < nul; q++) line += *q == '\n';
        rt_err(err, 2, TR("%s:%ld: NUL byte in the document; this is not a text XML file (re-export it as UTF-8)",
                          "%s:%ld: có byte NUL trong tài liệu; đây không phải tệp XML dạng văn bản (hãy xuất lại dưới dạng UTF-8)"),
               name, line);
        free(buf);
        return -1;
    }
    long crowded = crowded_tag(buf, len);
    if (crowded) {
        rt_err(err, 2, TR("%s:%ld: an element has more than %d attributes; a submission instance has a few",
                          "%s:%ld: một phần tử có hơn %d thuộc tính; tệp nộp chỉ có vài thuộc tính"),
               name, crowded, RT_XML_MAX_ATTRS);
        free(buf);
        return -1;
    }
    xmlInitParser();
    xmlDocPtr doc = parse(path, buf, len, err);
    free(buf);
    if (!doc) return -1;

    int rc = -1;
    uint8_t *top = rt_xcalloc(f->n_fields + 1, 1);
    char *row_name = NULL;
    char **vals = rt_xcalloc(f->n_fields + 1, sizeof *vals);
    char **topv = rt_xcalloc(f->n_fields + 1, sizeof *topv);
    uint32_t *lens = rt_xcalloc(f->n_fields + 1, sizeof *lens);
    uint32_t *toplen = rt_xcalloc(f->n_fields + 1, sizeof *toplen);
    rt_strmap codes;
    rt_strmap_init(&codes, f->n_fields * 2 + 4);
    for (uint32_t k = 0; k < f->n_fields; k++) {
        /* without dimensions every field sits at the top, else the keys and
         * the per-unit fields, given once and copied onto every row */
        top[k] = f->n_dims == 0 ||
                 (f->fields[k].flags & (RG_FIELD_KEY_UNIT | RG_FIELD_KEY_PERIOD | RG_FIELD_PER_UNIT));
        rt_strmap_put(&codes, f->fields[k].code, (uint32_t)strlen(f->fields[k].code), k);
    }
    /* ODK's meta block is no field: it is skipped like any unknown element */
    row_name = fresh(f, top, "row");

    /* ---- the root: this form, this version ---- */
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root) {
        rt_err(err, 2, TR("%s: the document has no root element", "%s: tài liệu không có phần tử gốc"), name);
        goto out;
    }
    if (!strcmp((const char *)root->name, f->code) && root->ns) {
        /* the right name in a namespace (xmlns="..." or a prefix): the
         * form's XSD and XForm put the instance in no namespace */
        rt_err(err, 2, TR("%s:%ld: the root element <%s> is in the namespace '%s', so this is not an instance of form '%s' (its instances are in no namespace, as in its XSD and XForm): remove the xmlns declaration",
                          "%s:%ld: phần tử gốc <%s> thuộc không gian tên '%s', nên đây không phải dữ liệu của biểu '%s' (dữ liệu của biểu không thuộc không gian tên nào, như trong XSD và XForm): hãy bỏ khai báo xmlns"),
               name, xmlGetLineNo(root), (const char *)root->name,
               root->ns->href ? (const char *)root->ns->href : "", f->code);
        goto out;
    }
    if (strcmp((const char *)root->name, f->code) || root->ns) {
        rt_err(err, 2, TR("%s:%ld: the root element is <%s%s%s>, not <%s>: this is not an instance of form '%s' (choose the form with --form)",
                          "%s:%ld: phần tử gốc là <%s%s%s>, không phải <%s>: đây không phải dữ liệu của biểu '%s' (chọn biểu bằng --form)"),
               name, xmlGetLineNo(root), root->ns && root->ns->prefix ? (const char *)root->ns->prefix : "",
               root->ns && root->ns->prefix ? ":" : "", (const char *)root->name, f->code, f->code);
        goto out;
    }
    /* the attribute as written: xmlGetNoNsProp would also take a default
     * from the document's internal DTD, which the XSD never sees (no
     * DTDATTR), so the two checks would judge different documents */
    xmlChar *version = NULL;
    for (xmlAttrPtr a = root->properties; a; a = a->next)
        if (!a->ns && !strcmp((const char *)a->name, "version")) {
            version = xmlNodeListGetString(doc, a->children, 1);
            if (!version)
                version = xmlStrdup((const xmlChar *)""); /* version="" */
            break;
        }
    const char *want = d && d->version ? d->version : NULL;
    if (want && version && strcmp((const char *)version, want)) {
        rt_err(err, 2, TR("%s:%ld: the instance is version %s of form '%s' but the library is version %s of regime '%s'; validate it with the library of its version",
                          "%s:%ld: dữ liệu theo phiên bản %s của biểu '%s' nhưng thư viện là phiên bản %s của chế độ '%s'; hãy kiểm tra bằng thư viện đúng phiên bản"),
               name, xmlGetLineNo(root), (const char *)version, f->code, want, d->name ? d->name : "?");
        xmlFree(version);
        goto out;
    }
    xmlFree(version);

    /* ---- number the rows, then validate ---- */
    uint32_t n_rows = 0;
    if (f->n_dims == 0) {
        n_rows = 1;
        root->_private = (void *)(uintptr_t)1;
    } else {
        for (xmlNodePtr c = root->children; c; c = c->next)
            if (c->type == XML_ELEMENT_NODE && name_is(c, row_name) && !c->ns)
                c->_private = (void *)(uintptr_t)++n_rows;
    }
    /* One row per combination of the dimensions: more rows are duplicates,
     * and libxml2 would spend quadratic time finding them (xs:unique). */
    uint64_t combos = 1;
    for (uint32_t k = 0; k < f->n_dims && d; k++) {
        int32_t cl = f->fields[f->dims[k]].codelist;
        uint64_t n = cl >= 0 && (uint32_t)cl < d->n_codelists ? d->codelists[cl].n_codes : RT_XML_MAX_ROWS;
        combos = combos * (n ? n : 1);
        if (combos > RT_XML_MAX_ROWS) combos = RT_XML_MAX_ROWS;
    }
    if (f->n_dims && (n_rows > combos || n_rows > RT_XML_MAX_ROWS)) {
        rt_err(err, 2, TR("%s: %u <%s> rows, but an instance of form '%s' holds at most %llu (one per combination of its dimensions%s); split the submission or send it as CSV",
                          "%s: có %u dòng <%s>, nhưng một bản dữ liệu của biểu '%s' có tối đa %llu dòng (mỗi tổ hợp phân tổ một dòng%s); hãy chia nhỏ hoặc nộp dạng CSV"),
               name, n_rows, row_name, f->code, (unsigned long long)(combos < RT_XML_MAX_ROWS ? combos : RT_XML_MAX_ROWS),
               combos < RT_XML_MAX_ROWS ? "" : TR(", and no more than the limit", ", và không quá giới hạn"));
        goto out;
    }
    x->n_rows = n_rows;
    x->n_keys = 2 + f->n_dims;
    x->line = rt_xcalloc(n_rows + 1, sizeof *x->line);
    x->bad = rt_xcalloc(n_rows + 1, 1);
    x->keys = rt_xcalloc((size_t)(n_rows + 1) * x->n_keys, sizeof *x->keys);
    x->issues = rt_xcalloc(RT_XML_MAX_ISSUES, sizeof *x->issues);
    x->line[0] = (uint32_t)xmlGetLineNo(root);
    if (validate(doc, xsd, name, x, err)) goto out;

    /* ---- the header, then the rows as records ---- */
    int first = 1;
    for (uint32_t k = 0; k < f->n_fields; k++) {
        if (!is_input(&f->fields[k])) continue;
        if (!first) rt_buf_ch(&x->csv, ',');
        first = 0;
        rt_buf_csv(&x->csv, f->fields[k].code, strlen(f->fields[k].code));
    }
    rt_buf_ch(&x->csv, '\n');
    uint32_t cur = 2;
    /* values at the top: the keys (and every field without dimensions) */
    for (xmlNodePtr c = root->children; c; c = c->next) {
        uint32_t k;
        if (c->type != XML_ELEMENT_NODE || c->ns ||
            !rt_strmap_get(&codes, (const char *)c->name, (uint32_t)strlen((const char *)c->name), &k))
            continue;
        if (!top[k] || topv[k]) continue; /* a repeated element: the XSD said so */
        size_t l;
        topv[k] = value_of(c, f->fields[k].type != RG_T_TEXT, &l);
        toplen[k] = (uint32_t)l;
    }
    for (uint32_t k = 0; k < f->n_fields; k++) {
        int s = key_slot(f, k);
        if (s >= 0 && topv[k]) x->keys[s] = rt_xstrndup(topv[k], toplen[k]);
    }
    uint32_t r = 0;
    for (xmlNodePtr c = f->n_dims ? root->children : root; c; c = f->n_dims ? c->next : NULL) {
        if (!c->_private || c->type != XML_ELEMENT_NODE) continue;
        r = (uint32_t)(uintptr_t)c->_private;
        for (uint32_t k = 0; k < f->n_fields; k++) {
            vals[k] = top[k] ? topv[k] : NULL;
            lens[k] = top[k] ? toplen[k] : 0;
        }
        if (f->n_dims) {
            for (xmlNodePtr e = c->children; e; e = e->next) {
                uint32_t k;
                if (e->type != XML_ELEMENT_NODE || e->ns ||
                    !rt_strmap_get(&codes, (const char *)e->name, (uint32_t)strlen((const char *)e->name), &k))
                    continue;
                if (top[k] || vals[k]) continue;
                size_t l;
                vals[k] = value_of(e, f->fields[k].type != RG_T_TEXT, &l);
                lens[k] = (uint32_t)l;
            }
        }
        long line = xmlGetLineNo(c);
        x->line[r] = line > 0 ? (uint32_t)line : cur;
        for (uint32_t k = 0; k < f->n_fields; k++) {
            int s = key_slot(f, k);
            if (s >= 0) x->keys[(size_t)r * x->n_keys + (uint32_t)s] = vals[k] ? rt_xstrndup(vals[k], lens[k]) : NULL;
        }
        put_record(x, f, vals, lens, x->line[r], &cur);
        for (uint32_t k = 0; k < f->n_fields; k++) {
            if (!top[k]) free(vals[k]);
            vals[k] = NULL;
        }
    }
    rc = 0;
out:
    for (uint32_t k = 0; k < f->n_fields; k++) free(topv[k]);
    free(topv);
    free(toplen);
    free(vals);
    free(lens);
    free(top);
    free(row_name);
    rt_strmap_free(&codes);
    xmlFreeDoc(doc);
    if (rc) rt_xml_data_free(x);
    return rc;
}

void rt_xml_data_free(rt_xml_data *x)
{
    if (x->keys)
        for (size_t i = 0; i < (size_t)(x->n_rows + 1) * x->n_keys; i++) free(x->keys[i]);
    for (uint32_t i = 0; i < x->n_issues; i++) free(x->issues[i].msg);
    free(x->keys);
    free(x->issues);
    free(x->line);
    free(x->bad);
    rt_buf_free(&x->csv);
    memset(x, 0, sizeof *x);
}

/* ---- scanning ------------------------------------------------------------------- */

/* One report entry per schema violation, in the shape report.c gives rule
 * failures: rule XSD, severity error, the keys of the row. */
static void issue_entry(const rt_report *r, rt_buf *b, const rt_xml_data *x, const rt_xml_issue *is)
{
    const rg_form *f = r->form;
    char *const *keys = x->keys + (size_t)is->row * x->n_keys;
    char *const *top = x->keys;
    uint32_t hdr[3] = {is->row, is->line, 0};
    size_t at = b->n;
    rt_buf_put(b, hdr, sizeof hdr);
    /* unit and period live at the top of the instance */
    uint32_t nk = x->n_keys;
    const char **kv = rt_xcalloc(nk + 1, sizeof *kv);
    for (uint32_t k = 0; k < nk; k++) kv[k] = k < 2 ? top[k] : keys[k];
    static const char *const code = "XSD";
    switch (r->fmt) {
    case RT_FMT_CSV:
        for (uint32_t k = 0; k < nk; k++) {
            if ((k == 0 && f->unit_field < 0) || (k == 1 && f->period_field < 0)) continue;
            rt_buf_ch(b, ',');
            if (kv[k]) rt_buf_csv(b, kv[k], strlen(kv[k]));
        }
        rt_buf_str(b, ",XSD,error\n");
        break;
    case RT_FMT_TEXT: {
        int first = 1;
        rt_buf_str(b, " (");
        for (uint32_t k = 0; k < nk; k++) {
            int32_t fi = k == 0 ? f->unit_field : k == 1 ? f->period_field : f->dims[k - 2];
            if (fi < 0) continue;
            if (!first) rt_buf_str(b, ", ");
            first = 0;
            rt_buf_str(b, f->fields[fi].code);
            rt_buf_ch(b, ' ');
            if (kv[k] && *kv[k]) put_shown(b, kv[k], strlen(kv[k]));
            else rt_buf_str(b, TR("(empty)", "(trống)"));
        }
        rt_buf_str(b, "): ");
        rt_buf_str(b, TR("error", "lỗi"));
        rt_buf_ch(b, ' ');
        rt_buf_str(b, code);
        rt_buf_str(b, ": ");
        rt_buf_str(b, is->msg);
        rt_buf_ch(b, '\n');
        break;
    }
    case RT_FMT_JSON:
        for (uint32_t k = 0; k < 2; k++) {
            int32_t fi = k == 0 ? f->unit_field : f->period_field;
            if (fi < 0) continue;
            rt_buf_ch(b, ',');
            rt_buf_json(b, f->fields[fi].code, strlen(f->fields[fi].code));
            rt_buf_ch(b, ':');
            rt_buf_json(b, kv[k] ? kv[k] : "", kv[k] ? strlen(kv[k]) : 0);
        }
        rt_buf_str(b, ",\"dims\":{");
        for (uint32_t dd = 0; dd < f->n_dims && 2 + dd < nk; dd++) {
            const char *dc = f->fields[f->dims[dd]].code, *v = kv[2 + dd];
            if (dd) rt_buf_ch(b, ',');
            rt_buf_json(b, dc, strlen(dc));
            rt_buf_ch(b, ':');
            rt_buf_json(b, v ? v : "", v ? strlen(v) : 0);
        }
        rt_buf_str(b, "},\"rule\":\"XSD\",\"severity\":\"error\",\"message\":");
        rt_buf_json(b, is->msg, strlen(is->msg));
        rt_buf_ch(b, '}');
        break;
    }
    uint32_t n = (uint32_t)(b->n - at - sizeof hdr);
    memcpy(b->p + at + 8, &n, 4);
    free(kv);
}

typedef struct bctx {
    const rt_scan_cfg *orig;
    const rt_xml_data *x;
    uint32_t next;       /* rows seen so far */
    uint64_t extra_err;  /* rows valid for the kernels but not for the XSD */
    uint64_t *valid;
    uint32_t *slot, *combo;
    uint8_t *pos;
    uint32_t cap;
} bctx;

/* Batches come in row order (one thread): rows the XSD refused are not
 * valid, whatever the kernels say. */
static void on_batch(void *ctx, const rg_batch *b, const uint64_t *valid)
{
    bctx *c = ctx;
    uint32_t n = b->n_rows, nw = (n + 63) / 64;
    if (n > c->cap) {
        c->cap = n;
        c->valid = rt_xrealloc(c->valid, ((size_t)n + 63) / 64 * sizeof *c->valid);
        c->slot = rt_xrealloc(c->slot, (size_t)n * sizeof *c->slot);
        c->combo = rt_xrealloc(c->combo, (size_t)n * sizeof *c->combo);
        c->pos = rt_xrealloc(c->pos, n);
    }
    memcpy(c->valid, valid, nw * sizeof *c->valid);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t row = c->next + i + 1;
        int bad = c->x->instance_bad || (row <= c->x->n_rows && c->x->bad[row]);
        uint64_t bit = 1ull << (i & 63);
        if (bad && (c->valid[i >> 6] & bit)) {
            c->valid[i >> 6] &= ~bit;
            c->extra_err++;
        }
    }
    c->next += n;
    if (c->orig->acc) rt_acc_batch(c->orig->acc, b, c->valid, c->slot, c->pos, c->combo);
    if (c->orig->on_batch) c->orig->on_batch(c->orig->on_batch_ctx, b, c->valid);
}

/* A file descriptor holding the CSV text: memory when possible. */
static int csv_fd(const rt_buf *csv, char *path, size_t n, rt_error *err)
{
    int fd = -1;
#ifdef MFD_CLOEXEC
    fd = memfd_create("regrt-xml", MFD_CLOEXEC);
#endif
    if (fd < 0) {
        const char *tmp = getenv("TMPDIR");
        char tpl[4096];
        snprintf(tpl, sizeof tpl, "%s/regrt-xml-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        fd = mkstemp(tpl);
        if (fd >= 0) unlink(tpl);
    }
    if (fd < 0) {
        rt_err(err, 2, TR("cannot create a temporary file: %s", "không tạo được tệp tạm: %s"), strerror(errno));
        return -1;
    }
    size_t off = 0;
    while (off < csv->n) {
        ssize_t k = write(fd, csv->p + off, csv->n - off);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            rt_err(err, 2, TR("cannot write a temporary file: %s", "không ghi được tệp tạm: %s"), strerror(errno));
            close(fd);
            return -1;
        }
        off += (size_t)k;
    }
    snprintf(path, n, "/proc/self/fd/%d", fd);
    return fd;
}

int rt_xml_scan(const rt_scan_cfg *cfg, const char *path, rt_scan_stats *st, rt_error *err)
{
    char *xsd = rt_xml_xsd_path(cfg->rg, cfg->form);
    rt_xml_data x;
    int rc = rt_xml_read(cfg->rg ? cfg->rg->desc : NULL, cfg->form, xsd, path, &x, err);
    free(xsd);
    if (rc) return -1;
    if (cfg->report && x.n_issues) {
        rt_buf b = {0};
        for (uint32_t i = 0; i < x.n_issues; i++) issue_entry(cfg->report, &b, &x, &x.issues[i]);
        rt_report_commit(cfg->report, b.p, b.n, 0, 0);
        rt_buf_free(&b);
    }
    if (x.n_issues_all > x.n_issues)
        rt_warn(TR("%s: %llu schema violations in all; the first %u are reported",
                   "%s: tổng cộng %llu lỗi theo lược đồ XSD; chỉ báo cáo %u lỗi đầu"),
                path, (unsigned long long)x.n_issues_all, x.n_issues);
    char fdpath[64];
    int fd = csv_fd(&x.csv, fdpath, sizeof fdpath, err);
    if (fd < 0) {
        rt_xml_data_free(&x);
        return -1;
    }
    bctx c;
    memset(&c, 0, sizeof c);
    c.orig = cfg;
    c.x = &x;
    rt_scan_cfg mine = *cfg;
    mine.threads = 1; /* batches in row order, for on_batch */
    mine.acc = NULL;
    mine.on_batch = on_batch;
    mine.on_batch_ctx = &c;
    rc = rt_scan_file(&mine, fdpath, st, err);
    close(fd);
    if (rc == 0) {
        st->rows_err += c.extra_err;
        /* schema violations and no row to count them on: the instance is in error */
        /* counted as one row read, so that rows read = valid + with errors */
        if ((x.instance_bad || x.n_issues_all) && x.n_rows == 0) st->rows++, st->rows_err++;
    } else if (err->msg[0] && strstr(err->msg, fdpath)) {
        /* a failure of the scan on our own text: name the XML file */
        rt_error e2 = *err;
        rt_err(err, e2.status, "%s: %s", path, e2.msg);
    }
    free(c.valid);
    free(c.slot);
    free(c.combo);
    free(c.pos);
    rt_xml_data_free(&x);
    return rc;
}
