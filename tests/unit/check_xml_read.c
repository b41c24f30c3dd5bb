/*
 * check_xml_read.c — reading XML submission instances (runtime/xml.c).
 *
 * The forms come from the specs themselves: each test compiles a spec,
 * writes its XSD with emit_forms() and describes the form to the runtime
 * the way a compiled library would (an rg_form built from the model).
 * Hostile documents (tests/xml/ and generated ones) must be refused with a
 * clear error, status 2, in bounded time.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "driver.h"
#include "emit_xml.h"
#include "xml.h"

#pragma GCC diagnostic ignored "-Wformat-truncation"

typedef struct fixture {
    compile_ctx c;
    m_regime *r;
    char dir[256];
    rg_regime_desc desc;
    rg_form form;
    rg_field *fields;
    rg_codelist *lists;
    char xsd[512];
} fixture;

static void fixture_open(fixture *x, const char *spec, const char *form)
{
    memset(x, 0, sizeof *x);
    driver_init(&x->c, DIAG_EN);
    driver_default_search(&x->c);
    ck_assert_int_eq(driver_load(&x->c, spec), 0);
    x->r = driver_check(&x->c);
    ck_assert_ptr_nonnull(x->r);
    const char *t = getenv("TMPDIR");
    snprintf(x->dir, sizeof x->dir, "%s/check_xml_read.XXXXXX", t && *t ? t : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(x->dir));
    ck_assert_int_eq(emit_forms(x->r, x->dir, &x->c.diag), 0);
    snprintf(x->xsd, sizeof x->xsd, "%s/forms/%s.xsd", x->dir, form);
    const m_form *mf = NULL;
    for (int i = 0; i < x->r->n_forms; i++)
        if (!strcmp(x->r->forms[i].code, form))
            mf = &x->r->forms[i];
    ck_assert_ptr_nonnull(mf);
    /* the form as a compiled library describes it */
    x->fields = calloc((size_t)mf->n_fields, sizeof *x->fields);
    for (int i = 0; i < mf->n_fields; i++) {
        const m_field *f = &mf->fields[i];
        x->fields[i].code = f->code;
        x->fields[i].type = (uint32_t)f->type.kind; /* same order as rg_type */
        x->fields[i].scale = f->type.scale;
        x->fields[i].flags = f->flags;
        x->fields[i].max_digits = f->max_digits;
        x->fields[i].codelist = -1;
        for (int k = 0; k < x->r->n_codelists; k++)
            if (f->type.list == &x->r->codelists[k])
                x->fields[i].codelist = k;
    }
    x->lists = calloc((size_t)x->r->n_codelists + 1, sizeof *x->lists);
    for (int k = 0; k < x->r->n_codelists; k++) {
        x->lists[k].name = x->r->codelists[k].name;
        x->lists[k].n_codes = (uint32_t)x->r->codelists[k].n_codes;
    }
    x->desc.n_codelists = (uint32_t)x->r->n_codelists;
    x->desc.codelists = x->lists;
    x->form.code = mf->code;
    x->form.n_fields = (uint32_t)mf->n_fields;
    x->form.fields = x->fields;
    x->form.unit_field = mf->unit_field;
    x->form.period_field = mf->period_field;
    x->form.n_dims = (uint32_t)mf->n_dims;
    x->form.dims = (const int32_t *)mf->dims;
    x->desc.name = x->r->name;
    x->desc.version = x->r->version;
}

static void fixture_close(fixture *x)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", x->dir);
    ck_assert_int_eq(system(cmd), 0);
    free(x->fields);
    free(x->lists);
    driver_free(&x->c);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads path; returns rt_xml_read's result, with the time it took. */
static int read_xml(fixture *x, const char *path, rt_xml_data *d, rt_error *e, double *secs)
{
    memset(e, 0, sizeof *e);
    double t0 = now();
    int rc = rt_xml_read(&x->desc, &x->form, x->xsd, path, d, e);
    if (secs)
        *secs = now() - t0;
    return rc;
}

static const char *csv_line(const rt_xml_data *d, int line, char *buf, size_t n)
{
    const char *p = d->csv.p, *end = d->csv.p + d->csv.n;
    for (int l = 1; l < line && p < end; l++) {
        p = memchr(p, '\n', (size_t)(end - p));
        p = p ? p + 1 : end;
    }
    const char *e = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
    snprintf(buf, n, "%.*s", (int)((e ? e : end) - p), p);
    return buf;
}

/* ---- good instances ---- */

START_TEST(tthc_rows_on_their_lines)
{
    fixture x;
    fixture_open(&x, "examples/tthc/tthc.regime", "bieu06");
    rt_xml_data d;
    rt_error e;
    ck_assert_int_eq(read_xml(&x, "examples/tthc/xml/valid/bieu06_00001_2025-01.xml", &d, &e, NULL), 0);
    ck_assert_uint_eq(d.n_rows, 2);
    ck_assert_uint_eq(d.n_issues, 0);
    ck_assert_int_eq(d.instance_bad, 0);
    char buf[512];
    ck_assert_str_eq(csv_line(&d, 1, buf, sizeof buf),
                     "unit,period,domain,carried,new_online,new_direct,received,early,ontime,late,resolved,"
                     "pending_due,pending_overdue,pending");
    /* each record on the line of its <row>, computed fields left out */
    ck_assert_uint_eq(d.line[1], 6);
    ck_assert_uint_eq(d.line[2], 22);
    ck_assert_str_eq(csv_line(&d, 6, buf, sizeof buf), "00001,2025-01,D01,2,3,1,6,1,3,0,4,1,1,2");
    ck_assert_str_eq(csv_line(&d, 22, buf, sizeof buf), "00001,2025-01,D02,0,12,30,42,10,25,2,37,5,0,5");
    ck_assert_str_eq(csv_line(&d, 5, buf, sizeof buf), "");
    rt_xml_data_free(&d);
    /* blanks around numbers, codes and periods are the XML's, not the value's */
    ck_assert_int_eq(read_xml(&x, "examples/tthc/xml/valid/bieu06_no_activity.xml", &d, &e, NULL), 0);
    ck_assert_uint_eq(d.n_rows, 0);
    ck_assert_uint_eq(d.n_issues, 0);
    ck_assert_str_eq(d.keys[0], "00004");
    ck_assert_str_eq(d.keys[1], "2025-02");
    rt_xml_data_free(&d);
    fixture_close(&x);
}
END_TEST

START_TEST(form_without_dimensions)
{
    fixture x;
    fixture_open(&x, "tests/golden/forms/survey.regime", "profile");
    rt_xml_data d;
    rt_error e;
    ck_assert_int_eq(read_xml(&x, "tests/golden/forms/survey.samples/valid/profile_full.xml", &d, &e, NULL), 0);
    ck_assert_uint_eq(d.n_rows, 1);
    ck_assert_uint_eq(d.n_issues, 0);
    char buf[512];
    ck_assert_str_eq(csv_line(&d, 1, buf, sizeof buf),
                     "unit,period,name,founded,owner,accredited,rooms,area,budget,spent,coverage,staff_total,"
                     "staff_female,note");
    /* the root is the row; text is kept as written, quoted for CSV */
    ck_assert_uint_eq(d.line[1], 2);
    ck_assert_str_eq(csv_line(&d, 2, buf, sizeof buf),
                     "01,2025-Q3,\"Sở Nội vụ & \"\"Đào tạo\"\"\",2001-05-19,O'K,1,-2,1234.5,1000000,999000,87.25,120,"
                     "64,Đơn vị mới sáp nhập");
    rt_xml_data_free(&d);
    fixture_close(&x);
}
END_TEST

/* ---- schema violations: data, with their row and line ---- */

START_TEST(schema_violations_located)
{
    fixture x;
    fixture_open(&x, "examples/tthc/tthc.regime", "bieu06");
    rt_xml_data d;
    rt_error e;
    ck_assert_int_eq(read_xml(&x, "examples/tthc/xml/invalid/negative_count.xml", &d, &e, NULL), 0);
    ck_assert_uint_eq(d.n_issues, 1);
    ck_assert_uint_eq(d.issues[0].row, 1);
    ck_assert_uint_eq(d.issues[0].line, 8);
    ck_assert_msg(strstr(d.issues[0].msg, "carried") && strstr(d.issues[0].msg, "-3"), "%s", d.issues[0].msg);
    ck_assert_int_eq(d.bad[1], 1);
    ck_assert_int_eq(d.bad[2], 0);
    rt_xml_data_free(&d);

    ck_assert_int_eq(read_xml(&x, "examples/tthc/xml/invalid/duplicate_domain.xml", &d, &e, NULL), 0);
    ck_assert_uint_ge(d.n_issues, 1);
    ck_assert_msg(strstr(d.issues[0].msg, "Duplicate"), "%s", d.issues[0].msg);
    rt_xml_data_free(&d);

    /* outside the rows: the instance itself */
    ck_assert_int_eq(read_xml(&x, "examples/tthc/xml/invalid/bad_period.xml", &d, &e, NULL), 0);
    ck_assert_uint_eq(d.n_issues, 1);
    ck_assert_uint_eq(d.issues[0].row, 0);
    ck_assert_uint_eq(d.issues[0].line, 5);
    ck_assert_int_eq(d.instance_bad, 1);
    rt_xml_data_free(&d);

    /* every invalid sample but the refused ones has at least one violation */
    static const char *const some[] = {"extra_element", "missing_field", "no_id", "plus_sign", "ten_digits",
                                       "unknown_domain"};
    for (size_t i = 0; i < sizeof some / sizeof *some; i++) {
        char p[256];
        snprintf(p, sizeof p, "examples/tthc/xml/invalid/%s.xml", some[i]);
        ck_assert_int_eq(read_xml(&x, p, &d, &e, NULL), 0);
        ck_assert_msg(d.n_issues >= 1, "%s: no violation", p);
        rt_xml_data_free(&d);
    }
    fixture_close(&x);
}
END_TEST

/* ---- unusable documents: status 2, a message that says why ---- */

static void expect_refused(fixture *x, const char *path, const char *words)
{
    rt_xml_data d;
    rt_error e;
    double secs;
    ck_assert_msg(read_xml(x, path, &d, &e, &secs) == -1, "%s was accepted", path);
    ck_assert_int_eq(e.status, 2);
    ck_assert_msg(strstr(e.msg, words), "%s: message '%s' lacks '%s'", path, e.msg, words);
    ck_assert_msg(strstr(e.msg, path) || strstr(e.msg, "<stdin>"), "%s: message '%s' names no file", path, e.msg);
    ck_assert_msg(secs < 5.0, "%s: %.1f s to refuse", path, secs);
}

START_TEST(hostile_documents_refused)
{
    fixture x;
    fixture_open(&x, "examples/tthc/tthc.regime", "bieu06");
    expect_refused(&x, "tests/xml/billion_laughs.xml", "declares the entity 'lol'");
    expect_refused(&x, "tests/xml/quadratic_blowup.xml", "declares the entity 'big'");
    expect_refused(&x, "tests/xml/external_entity.xml", "declares the entity 'xxe'");
    expect_refused(&x, "tests/xml/external_entity_net.xml", "declares the entity 'xxe'");
    expect_refused(&x, "tests/xml/parameter_entity.xml", "declares the entity 'remote'");
    expect_refused(&x, "tests/xml/external_dtd.xml", "external DTD");
    expect_refused(&x, "tests/xml/not_well_formed.xml", "not well-formed");
    expect_refused(&x, "examples/tthc/xml/invalid/wrong_version.xml", "version 0.9.0");
    fixture_close(&x);
}
END_TEST

static char *write_tmp(const char *name, void (*fill)(FILE *))
{
    const char *t = getenv("TMPDIR");
    char *p = malloc(512);
    snprintf(p, 512, "%s/check_xml_read_%d_%s", t && *t ? t : "/tmp", (int)getpid(), name);
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    fill(f);
    ck_assert_int_eq(fclose(f), 0);
    return p;
}

static void fill_deep(FILE *f)
{
    fputs("<bieu06 id=\"bieu06\" version=\"1.0.0\">", f);
    for (int i = 0; i < 100000; i++)
        fputs("<a>", f);
    for (int i = 0; i < 100000; i++)
        fputs("</a>", f);
    fputs("</bieu06>\n", f);
}

static void fill_many_attrs(FILE *f)
{
    fputs("<bieu06 id=\"bieu06\" version=\"1.0.0\"", f);
    for (int i = 0; i < 200000; i++)
        fprintf(f, " a%d=\"1\"", i);
    fputs("><unit>1</unit><period>2025-01</period></bieu06>\n", f);
}

static void fill_huge_attr(FILE *f)
{
    fputs("<bieu06 id=\"bieu06\" version=\"1.0.0\" x=\"", f);
    for (int i = 0; i < (12 << 20) / 64; i++)
        fputs("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", f);
    fputs("\"><unit>1</unit><period>2025-01</period></bieu06>\n", f);
}

static void fill_huge_text(FILE *f)
{
    fputs("<bieu06 id=\"bieu06\" version=\"1.0.0\"><unit>", f);
    for (int i = 0; i < (12 << 20) / 64; i++)
        fputs("0000000000000000000000000000000000000000000000000000000000000000", f);
    fputs("</unit><period>2025-01</period></bieu06>\n", f);
}

static void fill_oversized(FILE *f)
{
    fputs("<bieu06 id=\"bieu06\" version=\"1.0.0\">", f);
    /* a sparse hole: 65 MB of zero bytes, written in no time */
    ck_assert_int_eq(fseek(f, (long)(65 << 20), SEEK_CUR), 0);
    fputs("</bieu06>\n", f);
}

static void fill_rows(FILE *f, int n)
{
    fputs("<bieu06 id=\"bieu06\" version=\"1.0.0\"><unit>1</unit><period>2025-01</period>\n", f);
    for (int i = 0; i < n; i++)
        fprintf(f, "<row><domain>D%02d</domain></row>\n", i % 40 + 1);
    fputs("</bieu06>\n", f);
}

/* 41 rows of a form with 40 domains: one at least is a duplicate */
static void fill_41_rows(FILE *f) { fill_rows(f, 41); }
/* the quadratic case of xs:unique, refused before validation */
static void fill_150k_rows(FILE *f) { fill_rows(f, 150000); }

static void fill_other_root(FILE *f) { fputs("<?xml version=\"1.0\"?>\n<profile id=\"profile\"/>\n", f); }

static void fill_namespaced(FILE *f)
{
    fputs("<?xml version=\"1.0\"?>\n<x:bieu06 xmlns:x=\"http://www.w3.org/2002/xforms\" id=\"bieu06\" "
          "version=\"1.0.0\"/>\n",
          f);
}

static void fill_nested_cdata(FILE *f)
{
    /* '=' inside comments, CDATA and PIs is not an attribute */
    fputs("<?xml version=\"1.0\"?>\n<?pi a=1 b=2?><!-- x=1 y=2 -->\n<bieu06 id=\"bieu06\" version=\"1.0.0\">\n"
          "<unit><![CDATA[00001]]></unit>\n<period>2025-01</period>\n</bieu06>\n",
          f);
}

START_TEST(generated_hostile_documents)
{
    fixture x;
    fixture_open(&x, "examples/tthc/tthc.regime", "bieu06");
    struct {
        const char *name;
        void (*fill)(FILE *);
        const char *words;
    } cases[] = {
        {"deep.xml", fill_deep, "nested more than 64 levels"},
        {"attrs.xml", fill_many_attrs, "more than 256 attributes"},
        {"hugeattr.xml", fill_huge_attr, "not well-formed"},
        {"big.xml", fill_oversized, "larger than 64 MB"},
        {"rows41.xml", fill_41_rows, "holds at most 40 (one per combination of its dimensions)"},
        {"rows150k.xml", fill_150k_rows, "150000 <row> rows"},
        {"other.xml", fill_other_root, "not an instance of form 'bieu06'"},
        {"ns.xml", fill_namespaced, "not an instance of form 'bieu06'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *p = write_tmp(cases[i].name, cases[i].fill);
        expect_refused(&x, p, cases[i].words);
        unlink(p);
        free(p);
    }
    /* a 12 MB value is data, not an attack: read, in bounded time */
    rt_xml_data d;
    rt_error e;
    double secs;
    char *h = write_tmp("hugetext.xml", fill_huge_text);
    ck_assert_int_eq(read_xml(&x, h, &d, &e, &secs), 0);
    ck_assert_msg(secs < 5.0, "%.1f s for a 12 MB value", secs);
    rt_xml_data_free(&d);
    unlink(h);
    free(h);
    /* comments, PIs and CDATA are fine */
    char *p = write_tmp("cdata.xml", fill_nested_cdata);
    ck_assert_int_eq(read_xml(&x, p, &d, &e, NULL), 0);
    ck_assert_str_eq(d.keys[0], "00001");
    rt_xml_data_free(&d);
    unlink(p);
    free(p);
    /* no XSD beside the library: refused, with the way out */
    snprintf(x.xsd, sizeof x.xsd, "%s/forms/nope.xsd", x.dir);
    expect_refused(&x, "examples/tthc/xml/valid/bieu06_no_activity.xml", "regc build");
    fixture_close(&x);
}
END_TEST

START_TEST(xml_paths)
{
    ck_assert_int_eq(rt_xml_is_xml("a.xml"), 1);
    ck_assert_int_eq(rt_xml_is_xml("dir/A.XML"), 1);
    ck_assert_int_eq(rt_xml_is_xml("a.csv"), 0);
    ck_assert_int_eq(rt_xml_is_xml(".xml"), 0);
    ck_assert_int_eq(rt_xml_is_xml("-"), 0);
    ck_assert_int_eq(rt_xml_is_xml("xml"), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xml_read");
    TCase *t = tcase_create("read");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, xml_paths);
    tcase_add_test(t, tthc_rows_on_their_lines);
    tcase_add_test(t, form_without_dimensions);
    tcase_add_test(t, schema_violations_located);
    tcase_add_test(t, hostile_documents_refused);
    tcase_add_test(t, generated_hostile_documents);
    suite_add_tcase(s, t);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
