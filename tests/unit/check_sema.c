/* Unit tests of the semantic passes, one group per pass: declarations and
 * the header (sema_decls.c), expressions (sema_expr.c), constants and
 * ranges (sema_fold.c), rules (sema_rules.c), roll-ups (sema_rollup.c),
 * in-spec tests (sema_tests.c) and the Decree 09 lint (sema_lint.c). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"

typedef struct checked {
    compile_ctx c;
    m_regime *m; /* NULL on errors */
} checked;

static checked *check(const char *text)
{
    checked *k = calloc(1, sizeof *k);
    driver_init(&k->c, DIAG_EN);
    ck_assert_int_eq(driver_load_text(&k->c, "t.regime", text, strlen(text)), 0);
    k->m = driver_check(&k->c);
    return k;
}

static void done(checked *k)
{
    driver_free(&k->c);
    free(k);
}

static int count_code(const checked *k, const char *code)
{
    int n = 0;
    for (int i = 0; i < k->c.diag.n; i++)
        n += !strcmp(k->c.diag.items[i].code, code);
    return n;
}

static const diag_item *first(const checked *k, const char *code)
{
    for (int i = 0; i < k->c.diag.n; i++)
        if (!strcmp(k->c.diag.items[i].code, code))
            return &k->c.diag.items[i];
    return NULL;
}

/* a complete header, so that the lint is quiet */
#define HEADER                                                                                               \
    "tiers admin {\n  level national\n    code \"VN\"\n  level province\n    within national\n"             \
    "    column \"p\"\n  level commune\n    within province\n    column \"c\"\n}\n"                          \
    "regime demo {\n  version \"1.0.0\"\n  label \"Demo\"\n  kind periodic\n  frequency monthly\n"           \
    "  cutoff decree09\n  content \"c\"\n  submitted by commune\n  received by province\n"                   \
    "  method electronic\n  deadline commune 2 working days after cutoff\n  outline \"o\"\n"                \
    "  guidance \"g\"\n  tiers admin\n}\n"

#define FORM(body) "form f {\n  reported by commune\n  period month\n" body "}\n"

/* ---- sema_decls.c ---- */

START_TEST(header_to_model)
{
    checked *k = check(HEADER FORM("  field a: count\n"));
    ck_assert_ptr_nonnull(k->m);
    ck_assert_int_eq(k->c.diag.n, 0);
    m_regime *r = k->m;
    ck_assert_str_eq(r->name, "demo");
    ck_assert_str_eq(r->version, "1.0.0");
    ck_assert_int_eq(r->kind, RG_KIND_PERIODIC);
    ck_assert_int_eq(r->frequency, RG_F_MONTHLY);
    ck_assert_int_eq(r->cutoff, RG_CUTOFF_DECREE09);
    ck_assert_int_eq(r->n_tiers, 3);
    ck_assert_str_eq(r->tiers[0].name, "national"); /* top first */
    ck_assert_int_eq(r->tiers[0].parent, -1);
    ck_assert_int_eq(r->tiers[2].parent, 1);
    ck_assert_str_eq(r->tiers[0].root_code, "VN");
    ck_assert_int_eq(r->n_submitters, 1);
    ck_assert_int_eq(r->submitters[0], 2);
    ck_assert_int_eq(r->recipient, 1);
    ck_assert_int_eq(r->n_deadlines, 1);
    ck_assert_int_eq(r->deadlines[0].days, 2);
    ck_assert_int_eq(r->deadlines[0].working, 1);
    done(k);
}
END_TEST

START_TEST(tiers_declared_out_of_order)
{
    /* levels may be declared in any order; the model is top down */
    checked *k = check("tiers t {\n  level c\n    within b\n    column \"c\"\n  level a\n    code \"VN\"\n"
                       "  level b\n    within a\n    column \"b\"\n}\n"
                       "regime r {\n  tiers t\n  version \"1.0.0\"\n}\n");
    ck_assert_int_eq(count_code(k, "E0402") + count_code(k, "E0407"), 0);
    ck_assert_int_eq(k->c.diag.n_errors, 0);
    done(k);
    checked *cyc = check("tiers t {\n  level a\n    code \"VN\"\n  level b\n    within c\n    column \"b\"\n"
                         "  level c\n    within b\n    column \"c\"\n}\n");
    const diag_item *it = first(cyc, "E0407");
    ck_assert_ptr_nonnull(it);
    ck_assert_int_eq(it->n_hints, 1);
    ck_assert_ptr_nonnull(strstr(it->hints[0], "`b` within `c` within `b`"));
    done(cyc);
}
END_TEST

START_TEST(fields_and_defaults)
{
    checked *k = check("codelist dom {\n  code D01\n}\n" FORM("  dimension d: code in dom\n"
                                                             "  field n: count of persons\n"
                                                             "  field p: percent\n"
                                                             "  field m: money of VND\n"
                                                             "    stock closing\n"
                                                             "  field x: decimal(3)\n"
                                                             "    range 0 to 1.5\n"
                                                             "    over units max\n"
                                                             "  field t: text\n"
                                                             "  field w: percent\n"
                                                             "    over units average by n\n"
                                                             "  ratio r = n / n\n"
                                                             "    relevant when n > 0\n"));
    ck_assert_ptr_nonnull(k->m);
    m_form *f = &k->m->forms[0];
    ck_assert_int_eq(f->n_fields, 10);
    ck_assert_str_eq(f->fields[0].code, "unit"); /* the keys come first */
    ck_assert_str_eq(f->fields[1].code, "period");
    ck_assert_int_eq(f->n_dims, 1);
    ck_assert_int_eq(f->dims[0], 2);
    m_field *n = &f->fields[3], *p = &f->fields[4], *m = &f->fields[5], *x = &f->fields[6], *t = &f->fields[7],
            *w = &f->fields[8], *r = &f->fields[9];
    /* counts are summing flows; percentages average; text is not aggregated */
    ck_assert_int_eq(n->type.kind, TY_COUNT);
    ck_assert_str_eq(n->type.unit, "persons");
    ck_assert_int_eq(n->time_agg, RG_TIME_SUM);
    ck_assert_int_eq(n->unit_agg, RG_UNITS_SUM);
    ck_assert_int_eq(p->time_agg, RG_TIME_AVERAGE);
    ck_assert_int_eq(p->unit_agg, RG_UNITS_AVERAGE);
    ck_assert_int_eq(m->type.kind, TY_MONEY);
    ck_assert_int_eq(m->time_agg, RG_TIME_CLOSING);
    ck_assert_int_eq(x->type.scale, 3);
    ck_assert(x->flags & RG_FIELD_HAS_MIN);
    ck_assert_int_eq(x->max, 1500);
    ck_assert_int_eq(x->unit_agg, RG_UNITS_MAX);
    ck_assert_int_eq(t->time_agg, RG_TIME_NONE);
    ck_assert_int_eq(w->unit_agg, RG_UNITS_WEIGHTED_AVERAGE);
    ck_assert_int_eq(w->weight, 3);
    ck_assert(r->flags & RG_FIELD_RATIO);
    ck_assert_int_eq(r->type.kind, TY_RATIO);
    done(k);
}
END_TEST

START_TEST(declaration_errors)
{
    checked *k = check("codelist a {\n  code X\n  code X\n}\ncodelist a {\n  code Y\n}\n" FORM(
        "  field f1: count\n  field f1: count\n  field u: cout\n  field v: count\n    range 5 to 1\n"
        "  field s: count\n    stock closing\n    flow\n"));
    ck_assert_int_eq(count_code(k, "E0110"), 1);
    ck_assert_int_eq(count_code(k, "E0100"), 1);
    ck_assert_int_eq(count_code(k, "E0111"), 1);
    ck_assert_int_eq(count_code(k, "E0109"), 1);
    ck_assert_int_eq(count_code(k, "E0119"), 1);
    ck_assert_int_eq(count_code(k, "E0141"), 1);
    const diag_item *it = first(k, "E0109");
    ck_assert_str_eq(it->hints[0], "did you mean `count`?");
    done(k);
}
END_TEST

/* ---- sema_expr.c ---- */

START_TEST(types_and_refs)
{
    checked *k = check("codelist dom {\n  code D01\n}\n" FORM("  dimension d: code in dom\n"
                                                             "  field a: count\n"
                                                             "  field b: decimal(2)\n"
                                                             "  field day: date\n"
                                                             "  computed s = a + b\n"
                                                             "  computed q = a / 3\n"
                                                             "  computed g = day - 2025-01-01\n"
                                                             "  computed h = day + 7\n"
                                                             "  rule R1 error\n    check d = D01 and s > 0\n"
                                                             "    message \"{s}\"\n"));
    ck_assert_ptr_nonnull(k->m);
    m_form *f = &k->m->forms[0];
    m_field *s = &f->fields[6], *q = &f->fields[7], *g = &f->fields[8], *h = &f->fields[9];
    ck_assert_int_eq(s->type.kind, TY_DECIMAL);
    ck_assert_int_eq(s->type.scale, 2);
    ck_assert_int_eq(q->type.kind, TY_DECIMAL);
    ck_assert_int_eq(q->type.scale, 6);
    ck_assert_int_eq(g->type.kind, TY_INTEGER);
    ck_assert_str_eq(g->type.unit, "days");
    ck_assert_int_eq(h->type.kind, TY_DATE);
    m_rule *r = &f->rules[0];
    ast_expr *eq = r->check->u.binary.lhs;
    ck_assert_int_eq(eq->u.binary.lhs->ref->kind, REF_FIELD);
    ck_assert_int_eq(eq->u.binary.rhs->ref->kind, REF_CODE);
    ck_assert_int_eq(eq->u.binary.rhs->type->kind, TY_CODE);
    ck_assert_int_eq(r->n_fields, 2); /* d and s */
    done(k);
}
END_TEST

START_TEST(type_and_unit_errors)
{
    checked *k = check("codelist dom {\n  code D01\n}\n" FORM(
        "  dimension d: code in dom\n  field n: count of persons\n  field m: money of VND\n"
        "  field day: date\n"
        "  computed a = n + m\n  computed b = day + n\n  computed c = d + 1\n"
        "  rule R1 error\n    check d = 5\n    message \"x\"\n"
        "  rule R2 error\n    check n\n    message \"x\"\n"
        "  rule R3 error\n    check m > n\n    message \"x\"\n"));
    ck_assert_int_eq(count_code(k, "E0202"), 1);
    ck_assert_int_eq(count_code(k, "E0201"), 2);
    ck_assert_int_eq(count_code(k, "E0203"), 1);
    ck_assert_int_eq(count_code(k, "E0204"), 1);
    ck_assert_int_eq(count_code(k, "E0221"), 1);
    ck_assert_ptr_null(k->m);
    done(k);
}
END_TEST

START_TEST(unknown_names_suggest)
{
    checked *k = check(FORM("  field received: count\n  computed x = recieved + 1\n"
                            "  computed y = avg(received)\n  computed z = prev(received)\n"));
    const diag_item *it = first(k, "E0200");
    ck_assert_ptr_nonnull(it);
    ck_assert_str_eq(it->hints[0], "did you mean `received`?");
    ck_assert_int_eq(count_code(k, "E0208"), 2);
    ck_assert_int_eq(k->c.diag.items[2].n_hints, 1);
    ck_assert_str_eq(k->c.diag.items[2].hints[0], "did you mean `previous`?");
    done(k);
}
END_TEST

START_TEST(computed_fields_and_cycles)
{
    /* typed on first use, whatever the order; a cycle is one error */
    checked *k = check(FORM("  field a: count\n  computed c = b + 1\n  computed b = a * 2\n"));
    ck_assert_ptr_nonnull(k->m);
    ck_assert_int_eq(k->m->forms[0].fields[3].type.kind, TY_INTEGER);
    done(k);
    checked *cyc = check(FORM("  field a: count\n  computed c = b + a\n  computed b = c - a\n"));
    ck_assert_int_eq(count_code(cyc, "E0306"), 1);
    done(cyc);
    /* a chain of computed fields deeper than the bound: an error, no overflow */
    size_t n = 3000;
    char *text = malloc(n * 40 + 200);
    strcpy(text, "form f {\n  reported by commune\n  period month\n  field c0: count\n");
    size_t o = strlen(text);
    /* declared top down, so typing c1 recurses through the whole chain */
    for (size_t i = 1; i <= n; i++)
        o += (size_t)sprintf(text + o, "  computed c%zu = c%zu + 1\n", i, i == n ? (size_t)0 : i + 1);
    strcpy(text + o, "}\n");
    checked *deep = check(text);
    ck_assert_int_eq(count_code(deep, "E0015"), 1);
    done(deep);
    free(text);
}
END_TEST

START_TEST(cross_form_references)
{
    checked *k = check("form plan {\n  reported by commune\n  period month\n  field p: count\n"
                       "  computed p2 = p * 2\n}\n" FORM("  field a: count\n"
                                                         "  rule X1 warning\n    check a <= plan.p2\n"
                                                         "    message \"{a}\"\n"));
    ck_assert_ptr_nonnull(k->m);
    m_rule *r = &k->m->forms[1].rules[0];
    ast_expr *rhs = r->check->u.binary.rhs;
    ck_assert_int_eq(rhs->ref->kind, REF_OTHER_FORM);
    ck_assert_int_eq(rhs->ref->form, 0);
    ck_assert_int_eq(rhs->type->kind, TY_INTEGER); /* the other form's computed field is typed */
    ck_assert(r->flags & RG_RULE_CROSS_FORM);
    done(k);
}
END_TEST

/* ---- sema_fold.c ---- */

START_TEST(provable_rules)
{
    checked *k = check(FORM("  field a: count\n    max digits 3\n  field s: count\n    range 0 to 100\n"
                            "  field p: percent\n    range 0% to 100%\n"
                            "  rule T1 error\n    check a >= 0\n    message \"x\"\n"       /* always */
                            "  rule T2 error\n    check a <= 999\n    message \"x\"\n"     /* max digits */
                            "  rule T3 error\n    check s * 2 + 1 > 0\n    message \"x\"\n" /* arithmetic */
                            "  rule T4 error\n    check a - a = 0\n    message \"x\"\n"     /* same operand */
                            "  rule T5 error\n    check p <= 1\n    message \"x\"\n"        /* 100% is 1 */
                            "  rule F1 error\n    check s > 100\n    message \"x\"\n"
                            "  rule F2 error\n    check 1 + 1 = 3\n    message \"x\"\n"
                            "  rule G1 error\n    when s < 0\n    check a > 1\n    message \"x\"\n"
                            /* not provable: left alone */
                            "  rule N1 error\n    check a >= s\n    message \"x\"\n"
                            "  rule N2 error\n    check a > 0\n    message \"x\"\n"
                            /* a tolerance can make it pass; missing fail can make it fail */
                            "  rule N3 error\n    check s > 100\n    tolerance 1\n    message \"x\"\n"
                            "  rule N4 error\n    check a >= 0\n    missing fail\n    message \"x\"\n"));
    ck_assert_int_eq(count_code(k, "W0300"), 5);
    ck_assert_int_eq(count_code(k, "W0301"), 2);
    ck_assert_int_eq(count_code(k, "W0302"), 1);
    ck_assert_int_eq(k->c.diag.n, 8);
    done(k);
}
END_TEST

START_TEST(constant_bounds)
{
    /* bounds are exact constants, with arithmetic and percentages */
    checked *k = check(FORM("  field a: decimal(2)\n    range -1.5 to 10 * 1000 + 0.25\n"
                            "  field p: percent(1)\n    range 0% to 99.5%\n"
                            "  field d: date\n    range 2025-01-01 to 2025-12-31\n"));
    ck_assert_ptr_nonnull(k->m);
    m_field *a = &k->m->forms[0].fields[2], *p = &k->m->forms[0].fields[3], *d = &k->m->forms[0].fields[4];
    ck_assert_int_eq(a->min, -150);
    ck_assert_int_eq(a->max, 1000025);
    ck_assert_int_eq(p->max, 995); /* at the percent's scale + 2: 0.995 */
    ck_assert_int_eq(d->max - d->min, 364);
    done(k);
    checked *bad = check(FORM("  field a: count\n  field b: count\n    range 0 to a\n"
                              "  rule R1 error\n    check b > 0\n    tolerance a\n    message \"x\"\n"));
    ck_assert_int_eq(count_code(bad, "E0215"), 1);
    ck_assert_int_eq(count_code(bad, "E0213"), 1);
    done(bad);
}
END_TEST

/* ---- sema_rules.c ---- */

START_TEST(rules_to_model)
{
    checked *k = check(HEADER FORM("  field a: count\n  field b: count\n"
                                   "  rule V2 warning\n    when a > 0\n    check b <= a\n    tolerance 2\n"
                                   "    missing zero\n    message \"{b} > {a}\"\n"
                                   "  rule V1 error\n    check b = previous(b)\n    message \"{previous(b)}\"\n"
                                   "  rule V3 info\n    check unit in commune\n    missing fail\n"
                                   "    message \"{unit}\"\n"));
    ck_assert_ptr_nonnull(k->m);
    m_form *f = &k->m->forms[0];
    ck_assert_int_eq(f->n_rules, 3);
    ck_assert_str_eq(f->rules[0].code, "V1"); /* sorted by code */
    ck_assert_str_eq(f->rules[1].code, "V2");
    m_rule *v1 = &f->rules[0], *v2 = &f->rules[1], *v3 = &f->rules[2];
    ck_assert(v1->flags & RG_RULE_PREVIOUS);
    ck_assert_int_eq(v2->severity, RG_SEV_WARNING);
    ck_assert_int_eq(v2->missing, M_MISSING_ZERO);
    ck_assert_ptr_nonnull(v2->tolerance);
    ck_assert_int_eq(v2->n_fields, 2);
    ck_assert_int_eq(v2->fields[0], 2);
    ck_assert_int_eq(v2->fields[1], 3);
    ck_assert_int_eq(v3->severity, RG_SEV_INFO);
    ck_assert_int_eq(v3->missing, M_MISSING_FAIL);
    ck_assert(v3->flags & RG_RULE_UNITS);
    done(k);
}
END_TEST

START_TEST(rule_errors)
{
    checked *k = check(FORM("  field a: count\n"
                            "  rule R1 eror\n    check a > 1\n    message \"x\"\n"
                            "  rule R2 error\n    check a > 1\n    missing zeros\n    message \"{b} {a\"\n"
                            "  rule R3 error\n    message \"x\"\n"
                            "  rule R4 error\n    check a > 1\n")
                       "form g {\n  reported by commune\n  period month\n  field a: count\n"
                       "  rule R1 error\n    check a > 2\n    message \"x\"\n}\n");
    ck_assert_int_eq(count_code(k, "E0302"), 1);
    ck_assert_int_eq(count_code(k, "E0303"), 1);
    ck_assert_int_eq(count_code(k, "E0304"), 1);
    ck_assert_int_eq(count_code(k, "E0308"), 1);
    ck_assert_int_eq(count_code(k, "E0301"), 1);
    ck_assert_int_eq(count_code(k, "E0305"), 1);
    ck_assert_int_eq(count_code(k, "E0300"), 1); /* R1 in both forms: the later one */
    const diag_item *dup = first(k, "E0300");
    ck_assert_int_gt(dup->loc.line, 15);
    done(k);
}
END_TEST

START_TEST(stocks_summed_over_time)
{
    const char *roll = "rollup q for f {\n  levels commune, province\n  period quarter\n}\n";
    char text[4096];
    snprintf(text, sizeof text, "%s%s%s", HEADER,
             FORM("  field carried: count\n  field pending: count\n    stock closing\n"
                  "  field new: count\n  computed total = pending + new\n"
                  "  rule C1 warning\n    check carried = previous(pending)\n    message \"x\"\n"),
             roll);
    checked *k = check(text);
    ck_assert_int_eq(count_code(k, "E0144"), 1); /* carried, not pending: that one says stock */
    ck_assert_int_eq(count_code(k, "W0203"), 1);
    done(k);
    /* without a roll-up over time nothing is summed: nothing to say */
    checked *q = check(HEADER FORM("  field carried: count\n  field pending: count\n"
                                   "  rule C1 warning\n    check carried = previous(pending)\n    message \"x\"\n"));
    ck_assert_int_eq(count_code(q, "E0144"), 0);
    done(q);
}
END_TEST

/* ---- sema_rollup.c ---- */

START_TEST(rollups_to_model)
{
    checked *k = check(HEADER FORM("  field a: count\n")
                       "rollup q for f {\n  levels commune, province, national\n  period quarter\n"
                       "  completeness n_units\n}\n");
    ck_assert_ptr_nonnull(k->m);
    m_rollup *r = &k->m->rollups[0];
    ck_assert_int_eq(r->n_levels, 3);
    ck_assert_int_eq(r->levels[0], 2); /* bottom up, as tier indexes */
    ck_assert_int_eq(r->levels[2], 0);
    ck_assert_int_eq(r->period, RG_F_QUARTERLY);
    ck_assert_str_eq(r->period_column, "quarter");
    ck_assert_str_eq(r->count_column, "n_units");
    done(k);
    checked *bad = check(HEADER FORM("  field a: count\n")
                         "rollup q for f {\n  levels national, commune\n  period month\n  completeness a\n}\n"
                         "rollup r for g {\n}\n");
    ck_assert_int_eq(count_code(bad, "E0411"), 1);
    ck_assert_int_eq(count_code(bad, "E0415"), 1);
    ck_assert_int_eq(count_code(bad, "E0108"), 1);
    done(bad);
}
END_TEST

/* ---- sema_tests.c ---- */

START_TEST(test_shapes)
{
    checked *k = check(HEADER FORM("  field a: count\n  computed b = a + 1\n"
                                   "  rule R1 error\n    check a > 1\n    message \"x\"\n")
                       "rollup q for f {\n  levels commune\n  period quarter\n}\n"
                       "test \"t\" {\n  data f (unit, period, a, b, zz)\n    (\"1\", 2025-01, 1, 2, 3)\n"
                       "    (\"1\", 2025-01, 1)\n  expect row 1 fails R9\n  expect row 3 passes\n"
                       "  expect qq commune \"1\" 2025-Q1 a = 1\n  expect q commune \"1\" a = 1\n}\n"
                       "test \"empty\" {\n}\n");
    ck_assert_int_eq(count_code(k, "E0604"), 1);
    ck_assert_int_eq(count_code(k, "E0600"), 1);
    ck_assert_int_eq(count_code(k, "E0601"), 1);
    ck_assert_int_eq(count_code(k, "E0602"), 1);
    ck_assert_int_eq(count_code(k, "E0603"), 1);
    ck_assert_int_eq(count_code(k, "E0605"), 1);
    ck_assert_int_eq(count_code(k, "E0606"), 1);
    ck_assert_int_eq(count_code(k, "W0600"), 1);
    done(k);
}
END_TEST

/* ---- sema_lint.c ---- */

START_TEST(decree09_lint)
{
    checked *k = check("regime r {\n}\n");
    for (int w = 901; w <= 913; w++) {
        char code[16];
        snprintf(code, sizeof code, "W%04d", w);
        ck_assert_msg(count_code(k, code) == 1, "%s", code);
    }
    ck_assert_int_eq(k->c.diag.n_errors, 0);
    done(k);
    /* an ad hoc report has no frequency nor cut-off */
    checked *a = check("regime r {\n  kind adhoc\n}\n");
    ck_assert_int_eq(count_code(a, "W0907"), 0);
    ck_assert_int_eq(count_code(a, "W0908"), 0);
    done(a);
    /* a module alone: no Decree 09 lint, no unused code list */
    checked *m = check("codelist c {\n  code A\n}\n");
    ck_assert_int_eq(m->c.diag.n, 0);
    done(m);
}
END_TEST

START_TEST(languages)
{
    checked *k = check(HEADER "codelist unused {\n  code A\n}\n"
                       "form f {\n  label vi \"B\" en \"F\"\n  reported by commune\n  period month\n"
                       "  field a: count\n    label vi \"A\"\n  field b: count\n    label vi \"B\" en \"B\"\n"
                       "  rule R1 error\n    check a > 1\n    message en \"x\"\n}\n");
    /* the languages of the regime come from the labels when its own has none */
    ck_assert_int_eq(k->m->n_langs, 2);
    ck_assert_str_eq(k->m->langs[0], "en");
    ck_assert_int_eq(count_code(k, "W0101"), 1);
    ck_assert_int_eq(count_code(k, "W0305"), 1);
    ck_assert_int_eq(count_code(k, "W0100"), 1);
    done(k);
}
END_TEST

START_TEST(diagnostics_sorted_and_json)
{
    checked *k = check(FORM("  field a: count\n  computed x = zz\n"
                            "  rule R1 error\n    check a >= 0\n    message \"{yy}\"\n"));
    diag_sort(&k->c.diag);
    for (int i = 1; i < k->c.diag.n; i++)
        ck_assert_int_le(k->c.diag.items[i - 1].loc.line, k->c.diag.items[i].loc.line);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    diag_print_json(&k->c.diag, f);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "\"code\":\"E0200\""));
    ck_assert_ptr_nonnull(strstr(buf, "\"errors\":2,\"warnings\":1"));
    free(buf);
    done(k);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("sema");
    TCase *t = tcase_create("core");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, header_to_model);
    tcase_add_test(t, tiers_declared_out_of_order);
    tcase_add_test(t, fields_and_defaults);
    tcase_add_test(t, declaration_errors);
    tcase_add_test(t, types_and_refs);
    tcase_add_test(t, type_and_unit_errors);
    tcase_add_test(t, unknown_names_suggest);
    tcase_add_test(t, computed_fields_and_cycles);
    tcase_add_test(t, cross_form_references);
    tcase_add_test(t, provable_rules);
    tcase_add_test(t, constant_bounds);
    tcase_add_test(t, rules_to_model);
    tcase_add_test(t, rule_errors);
    tcase_add_test(t, stocks_summed_over_time);
    tcase_add_test(t, rollups_to_model);
    tcase_add_test(t, test_shapes);
    tcase_add_test(t, decree09_lint);
    tcase_add_test(t, languages);
    tcase_add_test(t, diagnostics_sorted_and_json);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
