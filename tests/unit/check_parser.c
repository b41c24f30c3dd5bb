/* Unit tests of the parser (grammar/parser.y, compiler/ast_build.c): the
 * shapes of the trees it builds, precedence, attributes attached to their
 * member, locations, syntax errors and recovery, and the bounds on nesting. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "parse.h"

typedef struct parsed {
    compile_ctx c;
    ast_file *f;
} parsed;

static parsed *parse(const char *text)
{
    parsed *p = calloc(1, sizeof *p);
    driver_init(&p->c, DIAG_EN);
    ck_assert_int_eq(driver_load_text(&p->c, "t.regime", text, strlen(text)), 0);
    p->f = p->c.files[0];
    return p;
}

static void done(parsed *p)
{
    driver_free(&p->c);
    free(p);
}

static int count_code(const parsed *p, const char *code)
{
    int n = 0;
    for (int i = 0; i < p->c.diag.n; i++)
        n += !strcmp(p->c.diag.items[i].code, code);
    return n;
}

static ast_decl *decl(parsed *p, int i)
{
    ck_assert_int_gt(p->f->decls.n, i);
    return p->f->decls.items[i];
}

static ast_member *member(ast_decl *form, int i)
{
    ck_assert_int_gt(form->u.form.members.n, i);
    return form->u.form.members.items[i];
}

/* The expression of `computed x = EXPR` in a one-form spec. */
static ast_expr *expr_of(parsed *p)
{
    ast_member *m = member(decl(p, 0), 0);
    ck_assert_int_eq(m->kind, AST_M_COMPUTED);
    return m->expr;
}

/* Writes an expression tree in prefix form, names and numbers as text. */
static void show(const ast_expr *e, char *buf, size_t cap)
{
    static const char *const ops[] = {"?", "+", "-", "*", "/", "=", "!=", "<", "<=", ">", ">=",
                                      "and", "or", "not", "neg"};
    size_t n = strlen(buf);
    switch (e->kind) {
    case AST_E_NUMBER:
    case AST_E_PERCENT: snprintf(buf + n, cap - n, "%s", e->u.num.text); break;
    case AST_E_NAME: snprintf(buf + n, cap - n, "%s", e->u.name.text); break;
    case AST_E_STRING: snprintf(buf + n, cap - n, "\"%s\"", e->u.str); break;
    case AST_E_BOOL: snprintf(buf + n, cap - n, "%s", e->u.boolean ? "true" : "false"); break;
    case AST_E_DATE: snprintf(buf + n, cap - n, "date%d", e->u.date); break;
    case AST_E_PERIOD: snprintf(buf + n, cap - n, "%s", e->u.period.text); break;
    case AST_E_UNARY:
        snprintf(buf + n, cap - n, "(%s ", ops[e->u.unary.op]);
        show(e->u.unary.operand, buf, cap);
        strncat(buf, ")", cap - strlen(buf) - 1);
        break;
    case AST_E_BINARY:
        snprintf(buf + n, cap - n, "(%s ", ops[e->u.binary.op]);
        show(e->u.binary.lhs, buf, cap);
        strncat(buf, " ", cap - strlen(buf) - 1);
        show(e->u.binary.rhs, buf, cap);
        strncat(buf, ")", cap - strlen(buf) - 1);
        break;
    case AST_E_CALL:
        snprintf(buf + n, cap - n, "%s(", e->u.call.callee.text);
        for (int i = 0; i < e->u.call.args.n; i++) {
            if (i)
                strncat(buf, ", ", cap - strlen(buf) - 1);
            show(e->u.call.args.items[i], buf, cap);
        }
        strncat(buf, ")", cap - strlen(buf) - 1);
        break;
    case AST_E_IN:
        snprintf(buf + n, cap - n, "(in ");
        show(e->u.in.operand, buf, cap);
        if (e->u.in.has_list) {
            n = strlen(buf);
            snprintf(buf + n, cap - n, " %s)", e->u.in.list.text);
        } else {
            for (int i = 0; i < e->u.in.codes.n; i++) {
                strncat(buf, " ", cap - strlen(buf) - 1);
                show(e->u.in.codes.items[i], buf, cap);
            }
            strncat(buf, ")", cap - strlen(buf) - 1);
        }
        break;
    case AST_E_MISSING: snprintf(buf + n, cap - n, "missing"); break;
    }
}

static void expect_expr(const char *src, const char *want)
{
    char text[512], got[1024] = "";
    snprintf(text, sizeof text, "form f {\n  computed x = %s\n}\n", src);
    parsed *p = parse(text);
    ck_assert_msg(p->c.diag.n == 0, "%s: %s", src, p->c.diag.n ? p->c.diag.items[0].message : "");
    show(expr_of(p), got, sizeof got);
    ck_assert_str_eq(got, want);
    done(p);
}

START_TEST(precedence)
{
    expect_expr("a + b * c", "(+ a (* b c))");
    expect_expr("a - b - c", "(- (- a b) c)");
    expect_expr("(a + b) * c", "(* (+ a b) c)");
    expect_expr("-a * b", "(* (neg a) b)");
    expect_expr("a = b + 1 and c > 2 or not d", "(or (and (= a (+ b 1)) (> c 2)) (not d))");
    expect_expr("not a and b", "(and (not a) b)");
    expect_expr("a <= b", "(<= a b)");
    expect_expr("a <> b", "(!= a b)");
    expect_expr("a == b", "(= a b)");
    expect_expr("x in domains and y in (A, \"04\", 7)", "(and (in x domains) (in y A \"04\" 7))");
    expect_expr("round(a / b, 2) + max(a, b) + sum()", "(+ (+ round((/ a b), 2) max(a, b)) sum())");
    expect_expr("plan.planned - previous(carried)", "(- plan.planned previous(carried))");
    expect_expr("90% + 1.50 + true", "(+ (+ 90% 1.50) true)");
    expect_expr("period = 2025-Q1 or day > 2025-07-01", "(or (= period 2025-Q1) (> day date20270))");
}
END_TEST

START_TEST(expression_locations)
{
    parsed *p = parse("form f {\n  computed x = (a +\n    b) * c\n}\n");
    ast_expr *e = expr_of(p);
    ck_assert_int_eq(e->kind, AST_E_BINARY);
    ck_assert_int_eq(e->loc.line, 2);
    ck_assert_int_eq(e->loc.col, 16);
    ck_assert_int_eq(e->loc.end_line, 3);
    ck_assert_int_eq(e->loc.end_col, 10);
    ast_expr *sum = e->u.binary.lhs; /* the parentheses are part of it */
    ck_assert_int_eq(sum->loc.col, 16);
    ck_assert_int_eq(sum->loc.end_col, 6);
    ck_assert_int_eq(e->depth, 3);
    done(p);
}
END_TEST

START_TEST(regime_header)
{
    parsed *p = parse("regime r {\n"
                      "  version \"1.2.3\"\n"
                      "  label vi \"Tên\" en \"Name\"\n"
                      "  kind periodic\n"
                      "  frequency monthly\n"
                      "  cutoff day 20\n"
                      "  submitted by commune, province\n"
                      "  received by national\n"
                      "  method electronic, paper\n"
                      "  deadline commune 2 working days after cutoff\n"
                      "  deadline province 1 day after cutoff\n"
                      "  tiers vn\n"
                      "  holidays vn_public\n"
                      "}\n");
    ck_assert_int_eq(p->c.diag.n, 0);
    ast_decl *d = decl(p, 0);
    ck_assert_int_eq(d->kind, AST_D_REGIME);
    ck_assert_str_eq(d->name.text, "r");
    ast_list *items = &d->u.regime.items;
    ck_assert_int_eq(items->n, 12);
    ast_item *v = items->items[0], *l = items->items[1], *cut = items->items[4], *sub = items->items[5],
             *dl = items->items[8], *dl2 = items->items[9];
    ck_assert_int_eq(v->kind, AST_I_VERSION);
    ck_assert_str_eq(v->str, "1.2.3");
    ck_assert_int_eq(l->texts->items.n, 2);
    ast_text *vi = l->texts->items.items[0];
    ck_assert_str_eq(vi->lang, "vi");
    ck_assert_str_eq(vi->text, "Tên");
    ck_assert_int_eq(cut->kind, AST_I_CUTOFF);
    ck_assert_str_eq(cut->word.text, "day");
    ck_assert_int_eq(cut->number, 20);
    ck_assert_int_eq(sub->kind, AST_I_SUBMITTED);
    ck_assert_int_eq(sub->words.n, 2);
    ck_assert_int_eq(dl->kind, AST_I_DEADLINE);
    ck_assert_str_eq(dl->word.text, "commune");
    ck_assert_int_eq(dl->number, 2);
    ck_assert_int_eq(dl->working, 1);
    ck_assert_int_eq(dl2->working, 0);
    done(p);
}
END_TEST

START_TEST(tiers_and_codelists)
{
    parsed *p = parse("tiers t {\n  label \"T\"\n  units \"u.csv\"\n  level top\n    code \"VN\"\n"
                      "  level low\n    within top\n    column \"c\"\n    names \"n\"\n    optional\n}\n"
                      "codelist d from \"d.csv\" {\n  label en \"D\"\n}\n"
                      "codelist e {\n  code A vi \"a\"\n  code \"01\"\n  code 7\n}\n");
    ck_assert_int_eq(p->c.diag.n, 0);
    ast_decl *t = decl(p, 0);
    ck_assert_int_eq(t->u.tiers.levels.n, 2);
    ck_assert_ptr_nonnull(t->u.tiers.label);
    ck_assert_str_eq(t->u.tiers.units, "u.csv");
    ast_level *top = t->u.tiers.levels.items[0], *low = t->u.tiers.levels.items[1];
    ck_assert_str_eq(top->code, "VN");
    ck_assert_ptr_null(top->within.text);
    ck_assert_str_eq(low->within.text, "top");
    ck_assert_str_eq(low->column, "c");
    ck_assert_str_eq(low->names, "n");
    ck_assert_int_eq(low->optional, 1);
    ast_decl *d = decl(p, 1);
    ck_assert_str_eq(d->u.codelist.from, "d.csv");
    ck_assert_ptr_nonnull(d->u.codelist.label);
    ast_decl *e = decl(p, 2);
    ck_assert_int_eq(e->u.codelist.codes.n, 3);
    ast_code *c0 = e->u.codelist.codes.items[0], *c1 = e->u.codelist.codes.items[1],
             *c2 = e->u.codelist.codes.items[2];
    ck_assert_str_eq(c0->code, "A");
    ck_assert_ptr_nonnull(c0->label);
    ck_assert_str_eq(c1->code, "01");
    ck_assert_str_eq(c2->code, "7");
    done(p);
}
END_TEST

START_TEST(forms_and_attributes)
{
    parsed *p = parse("form f {\n"
                      "  label vi \"Biểu\"\n"
                      "  reported by commune\n"
                      "  period month\n"
                      "  dimension d: code in lists.domains\n"
                      "  field a: decimal(3) of ha\n"
                      "    label en \"A\"\n"
                      "    required\n"
                      "    range 0 to 10.5\n"
                      "    max digits 9\n"
                      "    stock closing\n"
                      "    over units average by b\n"
                      "  field r: ratio(2)\n"
                      "  computed c = a * 2\n"
                      "    decimals 1\n"
                      "    relevant when a > 0\n"
                      "  rule V1 warning\n"
                      "    when a > 0\n"
                      "    check c >= a\n"
                      "    tolerance 0.5\n"
                      "    missing zero\n"
                      "    message vi \"x {a}\"\n"
                      "}\n");
    ck_assert_int_eq(p->c.diag.n, 0);
    ast_decl *f = decl(p, 0);
    ck_assert_int_eq(f->u.form.members.n, 8);
    ck_assert_int_eq(member(f, 0)->kind, AST_M_LABEL);
    ck_assert_int_eq(member(f, 1)->kind, AST_M_REPORTED);
    ck_assert_str_eq(member(f, 1)->name.text, "commune");
    ck_assert_int_eq(member(f, 2)->kind, AST_M_PERIOD);
    ast_member *d = member(f, 3), *a = member(f, 4), *r = member(f, 5), *c = member(f, 6), *rule = member(f, 7);
    ck_assert_int_eq(d->kind, AST_M_DIMENSION);
    ck_assert_str_eq(d->type->codelist.text, "lists.domains");
    ck_assert_str_eq(a->type->base.text, "decimal");
    ck_assert_int_eq(a->type->scale, 3);
    ck_assert_str_eq(a->type->unit.text, "ha");
    ck_assert_int_eq(a->attrs.n, 6); /* the attributes follow their field */
    ast_attr *range = a->attrs.items[2], *digits = a->attrs.items[3], *over = a->attrs.items[5];
    ck_assert_int_eq(range->kind, AST_A_RANGE);
    ck_assert_int_eq(range->hi->u.num.value, 105);
    ck_assert_int_eq(digits->number, 9);
    ck_assert_str_eq(over->word.text, "average");
    ck_assert_str_eq(over->by.text, "b");
    ck_assert_str_eq(r->type->base.text, "ratio");
    ck_assert_int_eq(r->type->scale, 2);
    ck_assert_int_eq(c->kind, AST_M_COMPUTED);
    ck_assert_int_eq(c->attrs.n, 2);
    ck_assert_int_eq(rule->kind, AST_M_RULE);
    ast_rule *ru = rule->rule;
    ck_assert_str_eq(ru->code, "V1");
    ck_assert_str_eq(ru->severity.text, "warning");
    ck_assert_ptr_nonnull(ru->when);
    ck_assert_ptr_nonnull(ru->check);
    ck_assert_ptr_nonnull(ru->tolerance);
    ck_assert_str_eq(ru->missing.text, "zero");
    ck_assert_ptr_nonnull(ru->message);
    done(p);
}
END_TEST

START_TEST(rollups_tests_imports_types)
{
    parsed *p = parse("import lib.common\n"
                      "type money_vnd = money of VND\n"
                      "holidays h from \"h.csv\"\n"
                      "rollup q for f {\n  levels commune, province\n  period quarter\n  completeness n\n}\n"
                      "test \"t\" {\n  data f (unit, period, a)\n    (\"001\", 2025-01, 1)\n    (\"002\", 2025-02, -2)\n"
                      "  expect row 1 passes\n  expect row 2 fails V1, \"V 2\"\n"
                      "  expect q commune \"001\" 2025-Q1 D01 a = missing\n}\n");
    /* the import is not found: that is the driver's report, not the parser's */
    ck_assert_int_eq(count_code(p, "E0500"), 1);
    ck_assert_int_eq(p->c.diag.n, 1);
    ast_decl *imp = decl(p, 0), *ty = decl(p, 1), *h = decl(p, 2), *ru = decl(p, 3), *t = decl(p, 4);
    ck_assert_str_eq(imp->name.text, "lib.common");
    ck_assert_str_eq(ty->u.alias.type->base.text, "money");
    ck_assert_str_eq(h->u.holidays.from, "h.csv");
    ck_assert_int_eq(ru->u.rollup.levels.n, 2);
    ck_assert_str_eq(ru->u.rollup.form.text, "f");
    ck_assert_str_eq(ru->u.rollup.period.text, "quarter");
    ck_assert_str_eq(ru->u.rollup.count.text, "n");
    ck_assert_str_eq(t->name.text, "t");
    ck_assert_int_eq(t->u.test.data.n, 1);
    ast_data *data = t->u.test.data.items[0];
    ck_assert_int_eq(data->columns.n, 3);
    ck_assert_int_eq(data->rows.n, 2);
    ast_list *row2 = data->rows.items[1];
    ast_expr *neg = row2->items[2];
    ck_assert_int_eq(neg->u.num.value, -2);
    ck_assert_int_eq(t->u.test.expects.n, 3);
    ast_expect *x0 = t->u.test.expects.items[0], *x1 = t->u.test.expects.items[1],
               *x2 = t->u.test.expects.items[2];
    ck_assert_int_eq(x0->kind, AST_X_PASSES);
    ck_assert_int_eq(x1->kind, AST_X_FAILS);
    ck_assert_int_eq(x1->codes.n, 2);
    ck_assert_int_eq(x2->kind, AST_X_ROLLUP);
    ck_assert_int_eq(x2->keys.n, 3);
    ck_assert_int_eq(x2->value->kind, AST_E_MISSING);
    done(p);
}
END_TEST

START_TEST(syntax_errors_and_recovery)
{
    parsed *p = parse("form f {\n  field a count\n  field b: count\n}\n"
                      "codelist c {\n  code\n}\n"
                      "form g {\n  rule R1 error\n    check a +\n    message \"m\"\n}\n");
    ck_assert_int_eq(count_code(p, "E0001"), 3);
    /* the members after an error are still read */
    ast_decl *f = decl(p, 0);
    ck_assert_int_eq(f->u.form.members.n, 1);
    ck_assert_str_eq(member(f, 0)->name.text, "b");
    ck_assert_str_eq(p->c.diag.items[0].message, "unexpected name `count`, expected ':'");
    ck_assert_str_eq(p->c.diag.items[2].message, "unexpected `message`, expected an expression");
    ck_assert_int_eq(driver_check(&p->c) == NULL, 1);
    done(p);
}
END_TEST

START_TEST(error_recovery_terminates)
{
    /* tokens that fit nowhere at the top level, then a good declaration */
    parsed *p = parse("import ../x . . ) ( } }\nform ok {\n}\n");
    ck_assert_int_gt(p->c.diag.n, 0);
    ck_assert_int_lt(p->c.diag.n, 5);
    int found = 0;
    AST_EACH(ast_decl *, d, p->f->decls) found |= d->kind == AST_D_FORM && !strcmp(d->name.text, "ok");
    ck_assert(found);
    done(p);
}
END_TEST

START_TEST(structural_errors_keep_the_tree)
{
    /* a clause given twice is reported by the builder; sema still runs */
    parsed *p = parse("form f {\n  reported by commune\n  period month\n  required\n  field a: count\n"
                      "  rule R1 error\n    check a > 0\n    check a > 1\n    message \"m\"\n}\n");
    ck_assert_int_eq(count_code(p, "E0012"), 1);
    ck_assert_int_eq(count_code(p, "E0014"), 1);
    ck_assert_ptr_null(driver_check(&p->c)); /* errors: no model, but checked */
    done(p);
}
END_TEST

START_TEST(nesting_is_bounded)
{
    /* 100 000 terms: one error, and the tree stays within the bound */
    size_t n = 100000;
    char *text = malloc(n * 2 + 64);
    strcpy(text, "form f {\n  computed x = a");
    size_t o = strlen(text);
    for (size_t i = 0; i < n; i++) {
        text[o++] = '+';
        text[o++] = 'a';
    }
    strcpy(text + o, "\n}\n");
    parsed *p = parse(text);
    ck_assert_int_eq(count_code(p, "E0015"), 1);
    ck_assert_int_le(expr_of(p)->depth, PARSE_MAX_EXPR_DEPTH);
    done(p);
    /* 20 000 parentheses overflow the parser's stack: an error, not a crash */
    strcpy(text, "form f {\n  computed x = ");
    o = strlen(text);
    for (int i = 0; i < 20000; i++)
        text[o++] = '(';
    strcpy(text + o, "a\n}\n");
    p = parse(text);
    ck_assert_int_eq(count_code(p, "E0010"), 1);
    done(p);
    /* and 1 000 unary minus signs are one error too */
    strcpy(text, "form f {\n  computed x = ");
    o = strlen(text);
    for (int i = 0; i < 1500; i++)
        text[o++] = '-';
    strcpy(text + o, "a\n}\n");
    p = parse(text);
    ck_assert_int_eq(count_code(p, "E0015"), 1);
    done(p);
    free(text);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("parser");
    TCase *t = tcase_create("core");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, precedence);
    tcase_add_test(t, expression_locations);
    tcase_add_test(t, regime_header);
    tcase_add_test(t, tiers_and_codelists);
    tcase_add_test(t, forms_and_attributes);
    tcase_add_test(t, rollups_tests_imports_types);
    tcase_add_test(t, syntax_errors_and_recovery);
    tcase_add_test(t, error_recovery_terminates);
    tcase_add_test(t, structural_errors_keep_the_tree);
    tcase_add_test(t, nesting_is_bounded);
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
