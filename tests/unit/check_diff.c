/* Unit tests of the semantic diff (diff.c): versions, the table of kinds,
 * and the implications that let a changed check or guard count as relaxed. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "driver.h"

/* A small regime around one rule; `check`, `when`, `extra` vary. */
static char *spec_x(const char *xname, const char *version, const char *rule, const char *extra)
{
    char *s = NULL;
    if (asprintf(&s,
                 "regime r {\n  version \"%s\"\n  frequency monthly\n  submitted by unit\n  tiers t\n}\n"
                 "tiers t {\n  level top\n    code \"VN\"\n  level unit\n    within top\n    column \"u\"\n}\n"
                 "codelist c {\n  code A\n  code B\n  code C\n}\n"
                 "form f {\n  reported by unit\n  period month\n"
                 "  field %s: count\n    label en \"X\"\n  field y: decimal(2)\n    label en \"Y\"\n"
                 "  field k: code in c\n    label en \"K\"\n%s"
                 "  rule R error\n%s\n    message en \"m\"\n}\n",
                 version, xname, extra, rule) < 0)
        abort();
    return s;
}

static char *spec(const char *version, const char *rule, const char *extra)
{
    return spec_x("x", version, rule, extra);
}

typedef struct pair {
    compile_ctx a, b;
    diff_result d;
} pair;

static void run(pair *p, const char *old_text, const char *new_text)
{
    driver_init(&p->a, DIAG_EN);
    driver_init(&p->b, DIAG_EN);
    driver_load_text(&p->a, "old.regime", old_text, strlen(old_text));
    driver_load_text(&p->b, "new.regime", new_text, strlen(new_text));
    ck_assert_msg(driver_check(&p->a) != NULL, "old does not check");
    if (!driver_check(&p->b)) {
        diag_print_text(&p->b.diag, stderr, 0);
        ck_abort_msg("new does not check");
    }
    diff_models(&p->a, &p->b, &p->d);
}

static void done(pair *p)
{
    diff_free(&p->d);
    driver_free(&p->a);
    driver_free(&p->b);
}

/* The kinds found, space-separated, in order. */
static void kinds_of(const pair *p, char *buf, size_t n)
{
    buf[0] = 0;
    for (int i = 0; i < p->d.n; i++) {
        strncat(buf, p->d.v[i].kind, n - strlen(buf) - 2);
        if (i + 1 < p->d.n)
            strcat(buf, " ");
    }
}

static void expect_rule_change(const char *old_rule, const char *new_rule, const char *kinds)
{
    char *o = spec("1.0.0", old_rule, ""), *n = spec("1.0.0", new_rule, "");
    pair p;
    run(&p, o, n);
    char got[512];
    kinds_of(&p, got, sizeof got);
    ck_assert_msg(!strcmp(got, kinds), "%s -> %s: got '%s', want '%s'", old_rule, new_rule, got, kinds);
    done(&p);
    free(o);
    free(n);
}

START_TEST(identical_versions)
{
    char *s = spec("1.0.0", "    check x >= 0", "");
    pair p;
    run(&p, s, s);
    ck_assert_int_eq(p.d.n, 0);
    ck_assert(!diff_fails(&p.d));
    done(&p);
    free(s);
}
END_TEST

START_TEST(bounds)
{
    expect_rule_change("    check x <= 10", "    check x <= 20", "check-relaxed");
    expect_rule_change("    check x <= 20", "    check x <= 10", "check-stricter");
    expect_rule_change("    check x < 10", "    check x <= 10", "check-relaxed");
    expect_rule_change("    check x = 5", "    check x <= 5", "check-relaxed");
    expect_rule_change("    check 5 >= x", "    check x < 9", "check-relaxed");
    expect_rule_change("    check y >= 1.5", "    check y >= 1.25", "check-relaxed");
    expect_rule_change("    check y >= 1.5", "    check y > 1.5", "check-stricter");
    expect_rule_change("    check x >= 1", "    check x != 0", "check-relaxed");
    expect_rule_change("    check x >= 1", "    check y >= 1", "check-changed");
    expect_rule_change("    check x <= y", "    check x < y", "check-stricter");
    expect_rule_change("    check x < y", "    check y >= x", "check-relaxed");
    expect_rule_change("    check x = y", "    check x >= y", "check-relaxed");
}
END_TEST

START_TEST(logic_and_codes)
{
    expect_rule_change("    check k in (A, B)", "    check k in (A, B, C)", "check-relaxed");
    expect_rule_change("    check k in (A, B, C)", "    check k in (C, A)", "check-stricter");
    expect_rule_change("    check x >= 0 and y >= 0", "    check x >= 0", "check-relaxed");
    expect_rule_change("    check x >= 0", "    check x >= 0 or y = 1", "check-relaxed");
    expect_rule_change("    check x >= 0", "    check x >= 0 and y = 1", "check-stricter");
    expect_rule_change("    check not (x > 5)", "    check not (x > 9)", "check-relaxed");
    expect_rule_change("    check not (x > 9)", "    check not (x > 5)", "check-stricter");
}
END_TEST

START_TEST(guards_tolerance_missing_severity)
{
    expect_rule_change("    check x >= 0", "    when y > 0\n    check x >= 0", "guard-added");
    expect_rule_change("    when y > 0\n    check x >= 0", "    check x >= 0", "guard-removed");
    expect_rule_change("    when y > 0\n    check x >= 0", "    when y > 1\n    check x >= 0", "guard-narrowed");
    expect_rule_change("    when y > 1\n    check x >= 0", "    when y > 0\n    check x >= 0", "guard-widened");
    expect_rule_change("    check x = y\n    tolerance 1", "    check x = y\n    tolerance 0.5", "tolerance-reduced");
    expect_rule_change("    check x = y\n    tolerance 1", "    check x = y", "tolerance-reduced");
    expect_rule_change("    check x = y", "    check x = y\n    tolerance 1%", "tolerance-increased");
    expect_rule_change("    check x = y\n    tolerance 1", "    check x = y\n    tolerance 1.00", "");
    expect_rule_change("    check x >= 0", "    check x >= 0\n    missing zero", "missing-stricter");
    expect_rule_change("    check x >= 0\n    missing fail", "    check x >= 0\n    missing zero", "missing-relaxed");
}
END_TEST

START_TEST(renamed_field_followed)
{
    const char *rule = "    check x >= 0";
    char *o = spec("1.0.0", rule, "");
    /* field x (label "X") renamed xx */
    char *n = spec_x("xx", "2.0.0", "    check xx >= 0", "");
    pair p;
    run(&p, o, n);
    char got[512];
    kinds_of(&p, got, sizeof got);
    ck_assert_str_eq(got, "version-changed field-renamed");
    ck_assert(p.d.major_bump);
    ck_assert(!diff_fails(&p.d));
    ck_assert_int_eq(p.d.n_breaking, 1);
    done(&p);
    free(o);
    free(n);
}
END_TEST

START_TEST(versions)
{
    ck_assert_int_eq(diff_major("1.2.3"), 1);
    ck_assert_int_eq(diff_major("10.0.0"), 10);
    ck_assert_int_eq(diff_major("0.9.1"), 0);
    ck_assert_int_eq(diff_major(NULL), -1);
    ck_assert_int_eq(diff_major("v1"), -1);
    ck_assert_int_eq(diff_major("1x"), -1);
    char *o = spec("1.4.0", "    check x >= 0", ""), *n = spec("1.5.0", "    check x > 0", "");
    pair p;
    run(&p, o, n);
    ck_assert(diff_fails(&p.d));
    ck_assert(!p.d.major_bump);
    done(&p);
    free(o);
    free(n);
}
END_TEST

START_TEST(kind_table)
{
    int n = 0, breaking = 0;
    diff_class cls;
    for (const char *k; (k = diff_kind_name(n, &cls)); n++) {
        breaking += cls == DIFF_BREAKING;
        for (int j = 0; j < n; j++)
            ck_assert_msg(strcmp(k, diff_kind_name(j, NULL)), "kind %s twice", k);
    }
    ck_assert_int_gt(n, 60);
    ck_assert_int_gt(breaking, 30);
    ck_assert_int_gt(n - breaking, 20);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("diff");
    TCase *t = tcase_create("core");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, identical_versions);
    tcase_add_test(t, bounds);
    tcase_add_test(t, logic_and_codes);
    tcase_add_test(t, guards_tolerance_missing_severity);
    tcase_add_test(t, renamed_field_followed);
    tcase_add_test(t, versions);
    tcase_add_test(t, kind_table);
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
