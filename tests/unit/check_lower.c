/* Unit tests of the lowering (lower.c): scales made explicit, tolerance,
 * missing modes, previous(), codes, accumulator layout and outputs. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "lower.h"

static const char *const head =
    "regime r {\n  version \"1.2.3\"\n  frequency monthly\n  submitted by unit\n  tiers t\n}\n"
    "tiers t {\n  level top\n    code \"VN\"\n  level unit\n    within top\n    column \"u\"\n}\n"
    "codelist c {\n  code A\n  code B\n  code C\n}\n"
    "form f {\n  reported by unit\n  period month\n"
    "  dimension k: code in c\n"
    "  field x: count\n    label en \"X\"\n"
    "  field y: decimal(2)\n    label en \"Y\"\n"
    "  field s: count\n    label en \"S\"\n    stock closing\n"
    "  field o: count\n    label en \"O\"\n    stock opening\n";

typedef struct lowered {
    compile_ctx c;
    ir_regime ir;
    const ir_form *f;
} lowered;

static void lower_text(lowered *l, const char *members)
{
    char *text = NULL;
    if (asprintf(&text, "%s%s}\n", head, members) < 0)
        abort();
    driver_init(&l->c, DIAG_EN);
    driver_load_text(&l->c, "t.regime", text, strlen(text));
    free(text);
    m_regime *r = driver_check(&l->c);
    if (!r) {
        diag_print_text(&l->c.diag, stderr, 0);
        ck_abort_msg("the spec does not check");
    }
    ck_assert_int_eq(lower_regime(&l->c.arena, r, &l->c.sm, &l->ir), 0);
    ck_assert_int_eq(l->ir.n_forms, 1);
    l->f = &l->ir.forms[0];
}

static const ir_rule *rule(const lowered *l, const char *code)
{
    for (int i = 0; i < l->f->n_rules; i++)
        if (!strcmp(l->f->rules[i].code, code))
            return &l->f->rules[i];
    ck_abort_msg("no rule %s", code);
    return NULL;
}

static const char *print(const ir_expr *e)
{
    static char buf[1024];
    ir_print_expr(e, buf, sizeof buf);
    return buf;
}

START_TEST(fields_and_layout)
{
    lowered l;
    lower_text(&l, "  ratio q = y / x\n    decimals 3\n  rule R1 error\n    check x >= 0\n    message en \"m\"\n");
    const ir_form *f = l.f;
    /* unit, period, k, x, y, s, o: the ratio is an output, not a column */
    ck_assert_int_eq(f->n_fields, 7);
    ck_assert_str_eq(f->fields[3].code, "x");
    ck_assert_int_eq(f->fields[4].scale, 2);
    ck_assert_int_eq(f->fields[3].acc, 0);
    ck_assert_int_eq(f->fields[4].acc, 1);
    ck_assert_int_eq(f->fields[5].acc, 2);
    ck_assert_int_eq(f->fields[6].acc, 3);
    /* four sums, then per field its count of empty values and (stocks s, o)
     * its sub-period, then mask, first, last and rows */
    ck_assert_int_eq(f->fields[3].acc_null, 4);
    ck_assert_int_eq(f->fields[5].acc_sel, 7);
    ck_assert_int_eq(f->fields[6].acc_sel, 9);
    ck_assert_int_eq(f->n_acc, 14);
    ck_assert_int_eq(f->n_outputs, 5);
    ck_assert_int_eq(f->outputs[4].field, -1);
    ck_assert_int_eq(f->outputs[4].scale, 3);
    ck_assert_str_eq(print(f->outputs[4].expr), "(div@3 (acc 4) (acc 3))");
    driver_free(&l.c);
}
END_TEST

START_TEST(scales_are_explicit)
{
    lowered l;
    lower_text(&l, "  rule R1 error\n    check x = y\n    message en \"m\"\n"
                   "  rule R2 error\n    check x * y > 1.5\n    message en \"m\"\n"
                   "  rule R3 error\n    check y = x + 0.25\n    tolerance 0.1\n    message en \"m\"\n");
    ck_assert_str_eq(print(rule(&l, "R1")->check), "(cmp eq (rescale@2 (field 3)) (field 4))");
    ck_assert_str_eq(print(rule(&l, "R2")->check), "(cmp gt (mul (field 3) (field 4)) 150@2)");
    ck_assert_str_eq(print(rule(&l, "R3")->check),
                     "(cmp eq (field 4) (add (rescale@2 (field 3)) 25@2) 10@2)");
    driver_free(&l.c);
}
END_TEST

START_TEST(missing_modes_previous_codes)
{
    lowered l;
    lower_text(&l, "  rule R1 error\n    check x + s > 0\n    missing zero\n    message en \"m\"\n"
                   "  rule R2 error\n    check k in (A, C)\n    missing fail\n    message en \"m\"\n"
                   "  rule R3 warning\n    check o = previous(s)\n    message en \"m\"\n"
                   "  rule R4 error\n    when well_formed\n    check k in c\n    message en \"m\"\n");
    const ir_rule *r1 = rule(&l, "R1"), *r2 = rule(&l, "R2"), *r3 = rule(&l, "R3"), *r4 = rule(&l, "R4");
    ck_assert_int_eq(r1->missing, IR_MISS_ZERO);
    ck_assert_str_eq(print(r1->check), "(cmp gt (add (field0 3) (field0 5)) 0@0)");
    ck_assert_int_eq(r2->missing, IR_MISS_FAIL);
    ck_assert_str_eq(print(r2->check), "(in (field 2) #0 #2)");
    ck_assert_str_eq(print(r3->check), "(cmp eq (field 6) (prev 5))");
    ck_assert(r3->flags & RG_RULE_PREVIOUS);
    ck_assert_str_eq(print(r4->when), "(well_formed)");
    ck_assert_str_eq(print(r4->check), "(in (field 2))");
    ck_assert(!(r4->flags & RG_RULE_WELL_FORMED));
    /* sorted by code */
    for (int i = 1; i < l.f->n_rules; i++)
        ck_assert(strcmp(l.f->rules[i - 1].code, l.f->rules[i].code) < 0);
    driver_free(&l.c);
}
END_TEST

/* form.field: IR_OTHER reads of the other form's columns (ratios have none),
 * its computed fields inlined over them, `missing zero` marks them, and
 * the rule gets RG_RULE_CROSS_FORM. */
START_TEST(cross_form_reads)
{
    static const char *const text =
        "regime r {\n  version \"1.0.0\"\n  frequency monthly\n  submitted by unit\n  tiers t\n}\n"
        "tiers t {\n  level top\n    code \"VN\"\n  level unit\n    within top\n    column \"u\"\n}\n"
        "form f {\n  reported by unit\n  period month\n  field x: count\n    label en \"X\"\n"
        "  rule A error\n    when g.p\n    check x >= g.q\n    message en \"a\"\n"
        "  rule B error\n    check x >= g.cq\n    missing zero\n    message en \"b\"\n"
        "  rule C error\n    check x >= 1\n    message en \"c\"\n}\n"
        "form g {\n  reported by unit\n  period month\n  field p: bool\n    label en \"P\"\n"
        "  ratio h = q / q\n    label en \"H\"\n    decimals 2\n"
        "  field q: count\n    label en \"Q\"\n"
        "  computed cq = q * 2\n    label en \"CQ\"\n}\n";
    lowered l;
    driver_init(&l.c, DIAG_EN);
    driver_load_text(&l.c, "t.regime", text, strlen(text));
    m_regime *r = driver_check(&l.c);
    if (!r) {
        diag_print_text(&l.c.diag, stderr, 0);
        ck_abort_msg("the spec does not check");
    }
    ck_assert_int_eq(lower_regime(&l.c.arena, r, &l.c.sm, &l.ir), 0);
    ck_assert_int_eq(l.ir.n_forms, 2);
    l.f = &l.ir.forms[0];
    /* g's columns: unit 0, period 1, p 2, q 3 (the ratio h has none), cq 4 */
    ck_assert_str_eq(print(rule(&l, "A")->when), "(other 1.2)");
    ck_assert_str_eq(print(rule(&l, "A")->check), "(cmp ge (field 2) (other 1.3))");
    ck_assert_str_eq(print(rule(&l, "B")->check), "(cmp ge (field0 2) (mul (other0 1.3) 2@0))");
    ck_assert(rule(&l, "A")->flags & RG_RULE_CROSS_FORM);
    ck_assert(rule(&l, "B")->flags & RG_RULE_CROSS_FORM);
    ck_assert(!(rule(&l, "C")->flags & RG_RULE_CROSS_FORM));
    driver_free(&l.c);
}
END_TEST

START_TEST(period_numbers)
{
    ck_assert_int_eq(lower_period_number("2025-01"), 2025 * 12);
    ck_assert_int_eq(lower_period_number("2025-12"), 2025 * 12 + 11);
    ck_assert_int_eq(lower_period_number("2025-Q3"), 2025 * 4 + 2);
    ck_assert_int_eq(lower_period_number("2025-H2"), 2025 * 2 + 1);
    ck_assert_int_eq(lower_period_number("2025"), 2025);
    ck_assert_int_eq(lower_period_number("2025-13"), -1);
    ck_assert_int_eq(lower_period_number("25-01"), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lower");
    TCase *t = tcase_create("lower");
    tcase_add_test(t, fields_and_layout);
    tcase_add_test(t, scales_are_explicit);
    tcase_add_test(t, missing_modes_previous_codes);
    tcase_add_test(t, period_numbers);
    tcase_add_test(t, cross_form_reads);
    suite_add_tcase(s, t);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
