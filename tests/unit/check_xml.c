/*
 * check_xml.c — the form emitters (compiler/emit_xml.c and friends).
 *
 * For every spec: the XForm and the XSD of each form are well-formed, the
 * XSD compiles, the output is the same bytes twice; the XForm round trip:
 * every bind points at an instance node, every itext id referenced exists in
 * every translation, every XPath compiles; sample instances validate (or
 * not) against the XSD.
 *
 * `check_xml --emit SPEC DIR` only writes the forms of SPEC under DIR/forms
 * (the golden suite uses it until `regc build` is available).
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>

#include "driver.h"
#include "emit_xml.h"

/* Paths here are short temporary names: truncation cannot happen, and
 * checking every snprintf would bury what the tests say. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

/* ---- helpers ---- */

/* 0 written, -1 emit_forms failed, 1 the spec does not check. */
static int emit_spec(const char *spec, const char *dir, int print_diags)
{
    compile_ctx c;
    driver_init(&c, DIAG_EN);
    driver_default_search(&c);
    int rc = 1;
    if (driver_load(&c, spec) == 0) {
        m_regime *r = driver_check(&c);
        if (r)
            rc = emit_forms(r, dir, &c.diag);
    }
    if (print_diags || rc)
        diag_print_text(&c.diag, stderr, 0);
    driver_free(&c);
    return rc;
}

/* Every spec of this suite, the examples included, must check and give its
 * forms: one that does not is a failure here, never a skip. */
static void must_emit(const char *spec, const char *dir)
{
    ck_assert_msg(emit_spec(spec, dir, 0) == 0, "%s: the forms could not be written", spec);
}

#define MAX_SPECS 32
static const char *specs[MAX_SPECS];
static char *spec_copies[MAX_SPECS];
static int n_specs;

static void add_spec(const char *path)
{
    if (n_specs < MAX_SPECS && access(path, R_OK) == 0) {
        spec_copies[n_specs] = strdup(path);
        specs[n_specs] = spec_copies[n_specs];
        n_specs++;
    }
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Every example (examples/NAME/X.regime) and every spec of the golden forms
 * suite (tests/golden/forms/X.regime), sorted. */
static void find_specs(void)
{
    char *found[MAX_SPECS];
    int n = 0;
    DIR *dp = opendir("examples");
    struct dirent *e;
    while (dp && (e = readdir(dp))) {
        if (e->d_name[0] == '.')
            continue;
        char d[1024];
        snprintf(d, sizeof d, "examples/%s", e->d_name);
        DIR *sub = opendir(d);
        struct dirent *f;
        while (sub && (f = readdir(sub)) && n < MAX_SPECS) {
            size_t l = strlen(f->d_name);
            if (l > 7 && !strcmp(f->d_name + l - 7, ".regime")) {
                char p[2048];
                snprintf(p, sizeof p, "%s/%s", d, f->d_name);
                found[n++] = strdup(p);
            }
        }
        if (sub)
            closedir(sub);
    }
    if (dp)
        closedir(dp);
    dp = opendir("tests/golden/forms");
    while (dp && (e = readdir(dp)) && n < MAX_SPECS) {
        size_t l = strlen(e->d_name);
        if (l > 7 && !strcmp(e->d_name + l - 7, ".regime")) {
            char p[2048];
            snprintf(p, sizeof p, "tests/golden/forms/%s", e->d_name);
            found[n++] = strdup(p);
        }
    }
    if (dp)
        closedir(dp);
    qsort(found, (size_t)n, sizeof *found, cmp_str);
    for (int i = 0; i < n; i++) {
        add_spec(found[i]);
        free(found[i]);
    }
}

/* ---- temporary directories ---- */

static char *tmpdir_new(void)
{
    const char *t = getenv("TMPDIR");
    char *p = malloc(4096);
    snprintf(p, 4096, "%s/check_xml.XXXXXX", t && *t ? t : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(p));
    return p;
}

static void rm_rf(const char *dir)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    size_t got = fread(b, 1, (size_t)n, f);
    fclose(f);
    b[got] = 0;
    *len = got;
    return b;
}

/* The forms a spec declares: the *.xform.xml files emitted for it. */
static int list_forms(const char *dir, char names[][128], int max)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/forms", dir);
    DIR *dp = opendir(p);
    int n = 0;
    if (!dp)
        return 0;
    struct dirent *e;
    while ((e = readdir(dp)) && n < max) {
        size_t l = strlen(e->d_name);
        if (l > 10 && !strcmp(e->d_name + l - 10, ".xform.xml")) {
            snprintf(names[n], 128, "%.*s", (int)(l - 10), e->d_name);
            n++;
        }
    }
    closedir(dp);
    return n;
}

static void quiet_errors(void *ctx, xmlErrorPtr e)
{
    (void)ctx;
    (void)e;
}

/* ---- determinism, well-formedness, XSD compiles ---- */

START_TEST(same_bytes_twice)
{
    const char *spec = specs[_i];
    char *a = tmpdir_new(), *b = tmpdir_new();
    must_emit(spec, a);
    ck_assert_int_eq(emit_spec(spec, b, 0), 0);
    char names[64][128];
    int n = list_forms(a, names, 64);
    ck_assert_msg(n > 0, "%s: no form written", spec);
    for (int i = 0; i < n; i++) {
        static const char *const ext[] = {".xform.xml", ".xsd"};
        for (int k = 0; k < 2; k++) {
            char pa[4096], pb[4096];
            snprintf(pa, sizeof pa, "%s/forms/%s%s", a, names[i], ext[k]);
            snprintf(pb, sizeof pb, "%s/forms/%s%s", b, names[i], ext[k]);
            size_t la, lb;
            char *x = slurp(pa, &la), *y = slurp(pb, &lb);
            ck_assert_msg(x && y, "%s missing", pa);
            ck_assert_msg(la == lb && !memcmp(x, y, la), "%s: two runs differ", pa);
            free(x);
            free(y);
        }
    }
    rm_rf(a);
    rm_rf(b);
    free(a);
    free(b);
}
END_TEST

START_TEST(well_formed_and_xsd_compiles)
{
    const char *spec = specs[_i];
    char *dir = tmpdir_new();
    must_emit(spec, dir);
    char names[64][128];
    int n = list_forms(dir, names, 64);
    xmlSetStructuredErrorFunc(NULL, quiet_errors);
    for (int i = 0; i < n; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/forms/%s.xform.xml", dir, names[i]);
        xmlDocPtr d = xmlReadFile(p, NULL, XML_PARSE_NONET);
        ck_assert_msg(d != NULL, "%s is not well-formed", p);
        xmlFreeDoc(d);
        snprintf(p, sizeof p, "%s/forms/%s.xsd", dir, names[i]);
        d = xmlReadFile(p, NULL, XML_PARSE_NONET);
        ck_assert_msg(d != NULL, "%s is not well-formed", p);
        xmlFreeDoc(d);
        xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(p);
        xmlSchemaPtr s = xmlSchemaParse(pc);
        ck_assert_msg(s != NULL, "%s does not compile", p);
        xmlSchemaFree(s);
        xmlSchemaFreeParserCtxt(pc);
    }
    xmlSetStructuredErrorFunc(NULL, NULL);
    rm_rf(dir);
    free(dir);
}
END_TEST

/* ---- the XForm round trip ---- */

static xmlNodePtr child_named(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name))
            return c;
    return NULL;
}

/* The instance node at an absolute path (/root/a/b), or NULL. */
static xmlNodePtr resolve(xmlNodePtr root, const char *path)
{
    if (path[0] != '/')
        return NULL;
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", path + 1);
    char *save = NULL, *part = strtok_r(buf, "/", &save);
    if (!part || strcmp(part, (const char *)root->name))
        return NULL;
    xmlNodePtr n = root;
    while ((part = strtok_r(NULL, "/", &save)))
        if (!(n = child_named(n, part)))
            return NULL;
    return n;
}

typedef struct idset {
    char **ids;
    int n, cap;
} idset;

static void ids_add(idset *s, const char *id)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->ids = realloc(s->ids, sizeof *s->ids * (size_t)s->cap);
    }
    s->ids[s->n++] = strdup(id);
}

static int ids_has(const idset *s, const char *id)
{
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->ids[i], id))
            return 1;
    return 0;
}

static void ids_free(idset *s)
{
    for (int i = 0; i < s->n; i++)
        free(s->ids[i]);
    free(s->ids);
}

/* The id of jr:itext('ID') or jr:itext("ID"); NULL for anything else. */
static char *itext_id(const char *v)
{
    if (strncmp(v, "jr:itext(", 9))
        return NULL;
    char q = v[9];
    const char *end = q == '\'' || q == '"' ? strchr(v + 10, q) : NULL;
    return end ? strndup(v + 10, (size_t)(end - v - 10)) : NULL;
}

typedef struct walk {
    const char *file;
    xmlNodePtr instance_root;
    idset refs;
    int binds, xpaths, controls;
} walk;

static void check_xpath(walk *w, xmlNodePtr n, const char *attr, const char *v)
{
    xmlXPathCompExprPtr c = xmlXPathCompile((const xmlChar *)v);
    ck_assert_msg(c != NULL, "%s:%ld: %s=\"%s\" does not compile", w->file, xmlGetLineNo(n), attr, v);
    xmlXPathFreeCompExpr(c);
    w->xpaths++;
}

static void walk_tree(walk *w, xmlNodePtr n, int in_body)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        const char *name = (const char *)n->name;
        int body = in_body || !strcmp(name, "body");
        for (xmlAttrPtr a = n->properties; a; a = a->next) {
            xmlChar *vx = xmlNodeListGetString(n->doc, a->children, 1);
            const char *v = vx ? (const char *)vx : "";
            const char *an = (const char *)a->name;
            char *id = itext_id(v);
            if (id) {
                ids_add(&w->refs, id);
                free(id);
            }
            if (!strcmp(an, "constraint") || !strcmp(an, "calculate") || !strcmp(an, "relevant") ||
                !strcmp(an, "nodeset") || !strcmp(an, "ref") || (!strcmp(an, "value") && !strcmp(name, "output")) ||
                !strcmp(an, "constraintMsg"))
                check_xpath(w, n, an, v);
            if (!strcmp(name, "bind") && !strcmp(an, "nodeset")) {
                ck_assert_msg(resolve(w->instance_root, v) != NULL, "%s:%ld: bind %s points at no instance node",
                              w->file, xmlGetLineNo(n), v);
                w->binds++;
            }
            if (body && (!strcmp(an, "ref") || !strcmp(an, "nodeset")) && v[0] == '/') {
                ck_assert_msg(resolve(w->instance_root, v) != NULL, "%s:%ld: control %s points at no instance node",
                              w->file, xmlGetLineNo(n), v);
                w->controls++;
            }
            if (!strcmp(name, "output") && !strcmp(an, "value") && v[0] == '/' && !strpbrk(v, " ("))
                ck_assert_msg(resolve(w->instance_root, v) != NULL, "%s:%ld: output %s points at no instance node",
                              w->file, xmlGetLineNo(n), v);
            xmlFree(vx);
        }
        walk_tree(w, n->children, body);
    }
}

START_TEST(xform_round_trip)
{
    const char *spec = specs[_i];
    char *dir = tmpdir_new();
    must_emit(spec, dir);
    char names[64][128];
    int n = list_forms(dir, names, 64);
    for (int i = 0; i < n; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/forms/%s.xform.xml", dir, names[i]);
        xmlDocPtr d = xmlReadFile(p, NULL, XML_PARSE_NONET);
        ck_assert_ptr_nonnull(d);
        xmlNodePtr html = xmlDocGetRootElement(d);
        xmlNodePtr model = child_named(child_named(html, "head"), "model");
        ck_assert_msg(model != NULL, "%s: no h:head/model", p);
        ck_assert_ptr_nonnull(child_named(child_named(html, "head"), "title"));
        ck_assert_ptr_nonnull(child_named(html, "body"));
        /* the primary instance: the first without an id; its root is the form */
        xmlNodePtr inst = NULL;
        for (xmlNodePtr c = model->children; c && !inst; c = c->next)
            if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, "instance") &&
                !xmlHasProp(c, (const xmlChar *)"id"))
                inst = c;
        ck_assert_msg(inst != NULL, "%s: no primary instance", p);
        xmlNodePtr root = NULL;
        for (xmlNodePtr c = inst->children; c && !root; c = c->next)
            if (c->type == XML_ELEMENT_NODE)
                root = c;
        ck_assert_ptr_nonnull(root);
        ck_assert_str_eq((const char *)root->name, names[i]);
        xmlChar *id = xmlGetProp(root, (const xmlChar *)"id"), *ver = xmlGetProp(root, (const xmlChar *)"version");
        ck_assert_msg(id && !strcmp((const char *)id, names[i]), "%s: root id", p);
        ck_assert_msg(ver && ver[0], "%s: root has no version", p);
        xmlFree(id);
        xmlFree(ver);

        /* every translation holds the same ids */
        xmlNodePtr itext = child_named(model, "itext");
        ck_assert_msg(itext != NULL, "%s: no itext", p);
        idset langs[16];
        int nl = 0;
        memset(langs, 0, sizeof langs);
        for (xmlNodePtr t = itext->children; t; t = t->next) {
            if (t->type != XML_ELEMENT_NODE || strcmp((const char *)t->name, "translation"))
                continue;
            ck_assert_int_lt(nl, 16);
            for (xmlNodePtr x = t->children; x; x = x->next) {
                if (x->type != XML_ELEMENT_NODE)
                    continue;
                xmlChar *tid = xmlGetProp(x, (const xmlChar *)"id");
                ck_assert_ptr_nonnull(tid);
                ck_assert_msg(!ids_has(&langs[nl], (const char *)tid), "%s: id %s twice", p, tid);
                ids_add(&langs[nl], (const char *)tid);
                xmlFree(tid);
            }
            nl++;
        }
        ck_assert_msg(nl >= 1, "%s: no translation", p);
        for (int l = 1; l < nl; l++) {
            ck_assert_int_eq(langs[l].n, langs[0].n);
            for (int k = 0; k < langs[0].n; k++)
                ck_assert_msg(ids_has(&langs[l], langs[0].ids[k]), "%s: %s missing in translation %d", p,
                              langs[0].ids[k], l + 1);
        }

        /* binds, controls, outputs, itext references, XPath */
        walk w;
        memset(&w, 0, sizeof w);
        w.file = p;
        w.instance_root = root;
        walk_tree(&w, html, 0);
        ck_assert_msg(w.binds > 0, "%s: no bind", p);
        ck_assert_msg(w.controls > 0, "%s: no control", p);
        for (int k = 0; k < w.refs.n; k++)
            for (int l = 0; l < nl; l++)
                ck_assert_msg(ids_has(&langs[l], w.refs.ids[k]), "%s: itext id %s missing in translation %d", p,
                              w.refs.ids[k], l + 1);
        /* every instance node but the meta block has a bind */
        for (xmlNodePtr c = root->children; c; c = c->next) {
            if (c->type != XML_ELEMENT_NODE || !strcmp((const char *)c->name, "meta"))
                continue;
            xmlNodePtr leaf = c;
            for (xmlNodePtr g = c->children; g; g = g->next)
                if (g->type == XML_ELEMENT_NODE)
                    leaf = NULL;
            if (!leaf)
                continue;
            char want[1024];
            snprintf(want, sizeof want, "/%s/%s", names[i], (const char *)c->name);
            int found = 0;
            for (xmlNodePtr b = model->children; b; b = b->next) {
                xmlChar *ns = b->type == XML_ELEMENT_NODE ? xmlGetProp(b, (const xmlChar *)"nodeset") : NULL;
                found |= ns && !strcmp((const char *)ns, want);
                xmlFree(ns);
            }
            ck_assert_msg(found, "%s: node %s has no bind", p, want);
        }
        for (int l = 0; l < nl; l++)
            ids_free(&langs[l]);
        ids_free(&w.refs);
        xmlFreeDoc(d);
    }
    rm_rf(dir);
    free(dir);
}
END_TEST

/* ---- sample instances against the XSD ---- */

/* examples/NAME/X.regime -> examples/NAME/xml; DIR/NAME.regime -> DIR/NAME.samples */
static void samples_dir(const char *spec, char *out, size_t n)
{
    const char *slash = strrchr(spec, '/');
    if (!strncmp(spec, "examples/", 9) && slash)
        snprintf(out, n, "%.*s/xml", (int)(slash - spec), spec);
    else
        snprintf(out, n, "%.*s.samples", (int)(strlen(spec) - 7), spec);
}

static int validate_file(const char *forms, const char *file, char *why, size_t wn)
{
    xmlDocPtr d = xmlReadFile(file, NULL, XML_PARSE_NONET);
    if (!d) {
        snprintf(why, wn, "not well-formed");
        return 0;
    }
    char xsd[4096];
    snprintf(xsd, sizeof xsd, "%s/forms/%s.xsd", forms, (const char *)xmlDocGetRootElement(d)->name);
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(xsd);
    xmlSchemaPtr s = pc ? xmlSchemaParse(pc) : NULL;
    int ok = 0;
    if (!s) {
        snprintf(why, wn, "no XSD %s", xsd);
    } else {
        xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(s);
        xmlSchemaSetValidStructuredErrors(vc, quiet_errors, NULL);
        ok = xmlSchemaValidateDoc(vc, d) == 0;
        snprintf(why, wn, "%s", ok ? "valid" : "invalid");
        xmlSchemaFreeValidCtxt(vc);
    }
    xmlSchemaFree(s);
    xmlSchemaFreeParserCtxt(pc);
    xmlFreeDoc(d);
    return ok;
}

static int run_samples(const char *forms, const char *dir, int want_valid)
{
    DIR *dp = opendir(dir);
    int n = 0;
    if (!dp)
        return 0;
    struct dirent *e;
    while ((e = readdir(dp))) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 4, ".xml"))
            continue;
        char p[4096], why[512];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        int ok = validate_file(forms, p, why, sizeof why);
        ck_assert_msg(ok == want_valid, "%s: expected %s, got %s", p, want_valid ? "valid" : "invalid", why);
        n++;
    }
    closedir(dp);
    return n;
}

START_TEST(samples_against_xsd)
{
    const char *spec = specs[_i];
    char sd[4096], sub[4200];
    samples_dir(spec, sd, sizeof sd);
    char *dir = tmpdir_new();
    must_emit(spec, dir);
    xmlSetStructuredErrorFunc(NULL, quiet_errors);
    snprintf(sub, sizeof sub, "%s/valid", sd);
    int nv = run_samples(dir, sub, 1);
    snprintf(sub, sizeof sub, "%s/invalid", sd);
    int ni = run_samples(dir, sub, 0);
    xmlSetStructuredErrorFunc(NULL, NULL);
    /* the specs of this suite all come with samples */
    if (!strncmp(spec, "tests/", 6) || !strcmp(spec, "examples/tthc/tthc.regime"))
        ck_assert_msg(nv > 0 && ni > 0, "%s: no samples in %s", spec, sd);
    rm_rf(dir);
    free(dir);
}
END_TEST

/* ---- the XPath of rules, on a small spec ---- */

static char *emit_text(const char *spec_text, const char *form, const char *ext)
{
    char *dir = tmpdir_new();
    char sp[4096];
    snprintf(sp, sizeof sp, "%s/t.regime", dir);
    FILE *f = fopen(sp, "w");
    fputs(spec_text, f);
    fclose(f);
    int rc = emit_spec(sp, dir, 0);
    ck_assert_msg(rc == 0, "emit failed");
    char p[4096];
    snprintf(p, sizeof p, "%s/forms/%s%s", dir, form, ext);
    size_t n;
    char *s = slurp(p, &n);
    ck_assert_ptr_nonnull(s);
    rm_rf(dir);
    free(dir);
    return s;
}

static const char *mini =
    "import vn_tiers\n"
    "regime mini {\n  version \"1.2.3\"\n  frequency monthly\n  cutoff calendar\n  tiers vn_2025_07\n}\n"
    "form f {\n  label en \"F\" vi \"Ef\"\n  reported by province\n  period month\n"
    "  field a: integer\n    optional\n  field b: integer\n    optional\n"
    "  field c: decimal(2)\n    optional\n"
    "  rule R1 error\n    check a = b\n    tolerance 2\n    message en \"a {a} b {b} off by {imbalance}\"\n"
    "  rule R2 error\n    when a > 0\n    check c * 2 >= 1.5\n    missing fail\n    message en \"R2\"\n"
    "  rule R3 error\n    check a + b < 10\n    missing zero\n    message en \"R3\"\n"
    "  rule R4 warning\n    check a != 3\n    message en \"R4 {a}\"\n"
    "}\n";

START_TEST(rule_semantics_in_xpath)
{
    char *x = emit_text(mini, "f", ".xform.xml");
    /* tolerance on equality, skip when an operand is missing (R1 on b) */
    ck_assert_msg(strstr(x, "(/f/a = '' or /f/b = '' or (abs(/f/a - /f/b) &lt;= 2))"), "R1");
    /* missing fail: both present and the check (R2 on c, guarded) */
    ck_assert_msg(strstr(x, "/f/a = '' or not(/f/a &gt; 0) or (/f/c != '' and (/f/c * 2) &gt;= 1.50)"), "R2");
    /* missing zero: coalesce, no skip */
    ck_assert_msg(strstr(x, "(coalesce(/f/a, 0) + coalesce(/f/b, 0)) &lt; 10"), "R3");
    /* a warning is a note shown while the rule fails */
    ck_assert_msg(strstr(x, "<bind nodeset=\"/f/warn_R4\" type=\"string\" readonly=\"true()\" relevant=\"not(/f/a = '' or (/f/a != 3))\"/>"), "R4");
    /* the message of R1, shown only while R1 fails, its imbalance as regrt
     * prints it (the rule's IR value: a whole number for integers) */
    ck_assert_msg(strstr(x, "<output value=\"if(/f/a = '' or /f/b = '' or (abs(/f/a - /f/b) &lt;= 2), '', "
                            "concat('R1: a ', if(/f/a = '', '(empty)', /f/a), ' b ', if(/f/b = '', '(empty)', /f/b), "
                            "' off by ', if(/f/a != '' and /f/b != '', round(/f/a - /f/b), '(empty)'), '&#10;'))\"/>"),
                  "msg");
    /* a note's label keeps its outputs */
    ck_assert_msg(strstr(x, "R4: R4 <output value=\"if(/f/a = '', '(empty)', /f/a)\"/>"), "note");
    /* every language of the spec, the form's first label language first */
    ck_assert_msg(strstr(x, "<translation lang=\"en\" default=\"true()\">"), "langs");
    ck_assert_msg(strstr(x, "<translation lang=\"vi\">"), "langs");
    ck_assert_msg(strstr(x, "<f id=\"f\" version=\"1.2.3\">"), "root");
    free(x);
    char *s = emit_text(mini, "f", ".xsd");
    ck_assert_msg(strstr(s, "fixed=\"1.2.3\""), "version pinned");
    ck_assert_msg(strstr(s, "<xs:union memberTypes=\"empty\">"), "optional fields allow empty");
    ck_assert_msg(strstr(s, "<xs:fractionDigits value=\"2\"/>"), "decimals");
    free(s);
}
END_TEST

static const char *rows_spec =
    "import vn_tiers\n"
    "regime mini {\n  version \"1.0.0\"\n  frequency monthly\n  cutoff calendar\n  tiers vn_2025_07\n}\n"
    "codelist k {\n  code K1 en \"a\"\n  code K2 en \"b\"\n  code K3 en \"c\"\n  code K4 en \"d\"\n  code K5 en \"e\"\n  code K6 en \"f\"\n  code K7 en \"g\"\n"
    "  code K8 en \"h\"\n  code K9 en \"i\"\n}\n"
    "form g {\n  label en \"G\"\n  reported by province\n  period month\n"
    "  dimension d: code in k\n"
    "  field a: count\n    optional\n  field b: count\n    optional\n  field m: money\n    optional\n"
    "  rule R1 error\n    check a <= b\n    message en \"a {a} over b {b}\"\n"
    "  rule R2 error\n    check a < 100\n    message en \"a {a} too big\"\n"
    "  rule R3 error\n    when d in (K1, K2)\n    check m / b <= 3\n    message en \"R3\"\n"
    "}\n";

/* Inside the repeat every reference to the row is relative: since ODK
 * XForms 1.0.0 an absolute path there reads the first row. */
START_TEST(repeat_paths_are_relative)
{
    char *x = emit_text(rows_spec, "g", ".xform.xml");
    ck_assert_msg(strstr(x, "<bind nodeset=\"/g/row/b\" type=\"decimal\" constraint=\"(. &gt;= 0 and floor(.) = .) and "
                            "(../a = '' or ../b = '' or (../a &lt;= ../b))\""), "R1 relative");
    ck_assert_msg(!strstr(x, "/g/row/a ") && !strstr(x, "/g/row/a)") && !strstr(x, "/g/row/a,"), "no absolute row path");
    /* each failed rule its own message, only when it fails */
    ck_assert_msg(strstr(x, "<output value=\"if(../a = '' or ../b = '' or (../a &lt;= ../b), '', concat('R1: a ', if(../a = '', '(empty)', ../a), ' over b ', if(../b = '', '(empty)', ../b), '&#10;'))\"/>"), "R1 message");
    /* two rows with the same code: caught in the form */
    ck_assert_msg(strstr(x, "count(/g/row[d = current()/../d]) &lt;= 1"), "unique");
    /* nine codes: a drop-down */
    ck_assert_msg(strstr(x, "<select1 ref=\"/g/row/d\" appearance=\"minimal\">"), "minimal");
    /* from the IR: the code indexes of `in` as codes, the division rounded
     * half away from zero at its scale, as the kernels do */
    ck_assert_msg(strstr(x, "not(selected('K1 K2', ../d))"), "in");
    ck_assert_msg(strstr(x, "if(../m div ../b &lt; 0, 0 - round(0 - (../m div ../b), 6), round(../m div ../b, 6)) &lt;= 3.000000"), "div");
    /* money: a whole number, however the engine spells it (18.0 or 18) */
    ck_assert_msg(strstr(x, "floor(.) = .") && !strstr(x, "contains(., '.')"), "money");
    free(x);
    char *s = emit_text(rows_spec, "g", ".xsd");
    ck_assert_msg(strstr(s, "<xs:pattern value=\"[0-9]+(\\.0+)?\"/>"), "count as a whole decimal");
    free(s);
}
END_TEST

/* Files that cannot be written: a diagnostic, not a crash or a half file. */
START_TEST(unwritable_output)
{
    compile_ctx c;
    driver_init(&c, DIAG_EN);
    driver_default_search(&c);
    ck_assert_int_eq(driver_load(&c, "examples/tthc/tthc.regime"), 0);
    m_regime *r = driver_check(&c);
    ck_assert_ptr_nonnull(r);
    char *dir = tmpdir_new(), p[4096];
    /* the output directory under a regular file */
    snprintf(p, sizeof p, "%s/file", dir);
    FILE *f = fopen(p, "w");
    fclose(f);
    snprintf(p, sizeof p, "%s/file/out", dir);
    ck_assert_int_eq(emit_forms(r, p, &c.diag), -1);
    ck_assert_int_eq(c.diag.n, 1);
    ck_assert_str_eq(c.diag.items[0].code, "E0800");
    /* the temporary file of the XForm cannot be created */
    snprintf(p, sizeof p, "%s/out/forms/bieu06.xform.xml.tmp", dir);
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", p);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(p, sizeof p, "%s/out", dir);
    ck_assert_int_eq(emit_forms(r, p, &c.diag), -1);
    ck_assert_int_eq(c.diag.n, 2);
    ck_assert_str_eq(c.diag.items[1].code, "E0801");
    snprintf(p, sizeof p, "%s/out/forms/bieu06.xform.xml", dir);
    ck_assert_int_ne(access(p, F_OK), 0);
    rm_rf(dir);
    free(dir);
    driver_free(&c);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("xml");
    TCase *t = tcase_create("forms");
    tcase_set_timeout(t, 120);
    tcase_add_loop_test(t, same_bytes_twice, 0, n_specs);
    tcase_add_loop_test(t, well_formed_and_xsd_compiles, 0, n_specs);
    tcase_add_loop_test(t, xform_round_trip, 0, n_specs);
    tcase_add_loop_test(t, samples_against_xsd, 0, n_specs);
    tcase_add_test(t, rule_semantics_in_xpath);
    tcase_add_test(t, repeat_paths_are_relative);
    tcase_add_test(t, unwritable_output);
    suite_add_tcase(s, t);
    return s;
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "--emit"))
        return emit_spec(argv[2], argv[3], 1) ? 1 : 0;
    find_specs();
    SRunner *r = srunner_create(suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    for (int i = 0; i < n_specs; i++)
        free(spec_copies[i]);
    xmlCleanupParser();
    return failed ? 1 : 0;
}
