/* Unit tests of the formatter (fmt.c): stability, comments, the AST
 * comparison, and minimal parentheses checked on random expressions: every
 * printed pair of parentheses is needed (dropping it changes the tree or
 * breaks the parse) and every tree prints back to itself. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "parse.h"

typedef struct env {
    arena a;
    src_manager sm;
    diag_ctx d;
} env;

static void env_init(env *e)
{
    arena_init(&e->a);
    src_init(&e->sm);
    diag_init(&e->d, &e->sm, DIAG_EN);
}

static void env_free(env *e)
{
    diag_free(&e->d);
    src_free(&e->sm);
    arena_free(&e->a);
}

/* Formats `text`; returns the status of fmt_source and the output. */
static int format(const char *text, char **out)
{
    env e;
    env_init(&e);
    int id = src_add(&e.sm, "t.regime", text, strlen(text));
    int st = fmt_source(&e.a, &e.d, id, out);
    if (st == 2)
        diag_print_text(&e.d, stderr, 0);
    env_free(&e);
    return st;
}

/* Parses `text`; NULL on syntax errors. The file lives in e. */
static ast_file *parse(env *e, const char *text)
{
    int id = src_add(&e->sm, "p.regime", text, strlen(text));
    int before = e->d.n_errors;
    ast_file *f = parse_file(&e->a, &e->d, id);
    return e->d.n_errors > before ? NULL : f;
}

START_TEST(formats_and_is_stable)
{
    static const char *const inputs[] = {
        "",
        "# only\n",
        "import   a.b\nimport c\nform f{field x:count required label vi \"X\" en \"Y\"}\n",
        "regime r {version \"1.0.0\" deadline c 1 day after cutoff deadline d 2 working days after cutoff}\n",
        "test \"t\" { data f (unit, period) (\"1\", 2025-01) expect row 1 passes expect q c \"1\" 2025-Q1 x = -1 }\n",
        "tiers t { units \"u.csv\" level a code \"VN\" level b within a column \"b\" optional }\n",
        "codelist c from \"c.csv\" { label en \"C\" }\nholidays h from \"h.csv\"\ntype t = decimal(3) of ha\n",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        char *out = NULL;
        ck_assert_msg(format(inputs[i], &out) == 0, "input %zu", i);
        char *again = NULL;
        ck_assert_int_eq(format(out, &again), 0);
        ck_assert_str_eq(out, again);
        free(out);
        free(again);
    }
}
END_TEST

START_TEST(canonical_layout)
{
    char *out = NULL;
    ck_assert_int_eq(format("form f{field x:count required\nrule R error check x>=0 message \"m\"}", &out), 0);
    ck_assert_str_eq(out, "form f {\n"
                          "  field x: count\n"
                          "    required\n"
                          "  rule R error\n"
                          "    check x >= 0\n"
                          "    message \"m\"\n"
                          "}\n");
    free(out);
}
END_TEST

START_TEST(comments_are_kept)
{
    const char *in = "# head\n\n\n\nform f { # open\n  # own\n  field x: count # t1\n  field yy: count # t2\n"
                     "  # last\n} # close\n# tail\n";
    char *out = NULL;
    ck_assert_int_eq(format(in, &out), 0);
    ck_assert_str_eq(out, "# head\n"
                          "\n"
                          "form f {  # open\n"
                          "  # own\n"
                          "  field x: count   # t1\n"
                          "  field yy: count  # t2\n"
                          "  # last\n"
                          "}  # close\n"
                          "# tail\n");
    free(out);
}
END_TEST

START_TEST(syntax_errors_refused)
{
    char *out = (char *)1;
    ck_assert_int_eq(format("form f { field x count }\n", &out), 1);
    ck_assert_ptr_null(out);
}
END_TEST

START_TEST(ast_equality)
{
    env e;
    env_init(&e);
    ast_file *a = parse(&e, "form f { computed c = a + b }\n");
    ast_file *b = parse(&e, "form f {\n  computed c = (a + b)  \n}\n");
    ast_file *c = parse(&e, "form f { computed c = a - b }\n");
    ast_file *d = parse(&e, "form f { computed c = a + b } # x\n");
    ast_file *g = parse(&e, "form f { computed c = a + b\n label \"L\" }\n");
    ck_assert_ptr_nonnull(a);
    const char *why = NULL;
    ck_assert(fmt_ast_equal(a, b, &why));
    ck_assert(!fmt_ast_equal(a, c, &why));
    ck_assert_str_eq(why, "a declaration differs");
    ck_assert(!fmt_ast_equal(a, d, &why));
    ck_assert_str_eq(why, "the number of comments differs");
    ck_assert(!fmt_ast_equal(a, g, &why));
    env_free(&e);
}
END_TEST

/* ---- random expressions ---- */

static unsigned rng = 12345;
static unsigned next(void)
{
    rng = rng * 1103515245u + 12345u;
    return (rng >> 16) & 0x7fff;
}

/* A random expression, fully parenthesised so the tree is the one drawn. */
static void gen(char *b, size_t n, int depth)
{
    static const char *const bin[] = {"+", "-", "*", "/", "=", "!=", "<", "<=", ">", ">=", "and", "or"};
    static const char *const leaf[] = {"a", "b", "c1", "2", "0.5", "10%", "x.y", "true", "2025-01", "\"s\""};
    unsigned k = depth > 5 ? 0 : next() % 7;
    char l[1024], r[1024];
    switch (k) {
    case 0: case 1: snprintf(b, n, "%s", leaf[next() % 10]); break;
    case 2: gen(l, sizeof l, depth + 1); snprintf(b, n, "(not %s)", l); break;
    case 3: gen(l, sizeof l, depth + 1); snprintf(b, n, "(-%s)", l); break;
    case 4: gen(l, sizeof l, depth + 1); snprintf(b, n, "(%s in %s)", l, next() % 2 ? "lst" : "(A, -1, \"q\")"); break;
    case 5:
        gen(l, sizeof l, depth + 1);
        gen(r, sizeof r, depth + 1);
        snprintf(b, n, "max(%s, %s)", l, r);
        break;
    default:
        gen(l, sizeof l, depth + 1);
        gen(r, sizeof r, depth + 1);
        snprintf(b, n, "(%s %s %s)", l, bin[next() % 12], r);
    }
}

/* The expression of the first line `  computed c = ...` of a formatted file. */
static char *expr_of(const char *out)
{
    const char *p = strstr(out, "computed c = ");
    if (!p)
        return NULL;
    p += strlen("computed c = ");
    const char *e = strchr(p, '\n');
    return strndup(p, (size_t)(e - p));
}

static int same_tree(const char *x, const char *y)
{
    env e;
    env_init(&e);
    char bx[8192], by[8192];
    snprintf(bx, sizeof bx, "form f { computed c = %s }\n", x);
    snprintf(by, sizeof by, "form f { computed c = %s }\n", y);
    ast_file *fx = parse(&e, bx), *fy = parse(&e, by);
    int r = fx && fy && fmt_ast_equal(fx, fy, NULL);
    env_free(&e);
    return r;
}

START_TEST(minimal_parentheses)
{
    int checked_pairs = 0;
    for (int iter = 0; iter < 2000; iter++) {
        char ex[4096], src[8192];
        gen(ex, sizeof ex, 0);
        snprintf(src, sizeof src, "form f { computed c = %s }\n", ex);
        char *out = NULL;
        ck_assert_msg(format(src, &out) == 0, "%s", src);
        char *e = expr_of(out);
        ck_assert_ptr_nonnull(e);
        ck_assert_msg(same_tree(ex, e), "%s -> %s", ex, e);
        /* every grouping pair is needed */
        size_t n = strlen(e);
        for (size_t i = 0; i < n; i++) {
            if (e[i] != '(')
                continue;
            /* a call's or an `in` list's parentheses are syntax, not grouping */
            if (i > 0 && (e[i - 1] == '_' || (e[i - 1] >= 'a' && e[i - 1] <= 'z')))
                continue;
            if (i >= 3 && !strncmp(e + i - 3, "in ", 3))
                continue;
            int depth = 0;
            size_t j = i;
            for (; j < n; j++) {
                depth += e[j] == '(' ? 1 : e[j] == ')' ? -1 : 0;
                if (depth == 0)
                    break;
            }
            char *t = strdup(e);
            t[i] = ' ';
            t[j] = ' ';
            ck_assert_msg(!same_tree(e, t), "needless parentheses in %s", e);
            checked_pairs++;
            free(t);
        }
        free(e);
        free(out);
    }
    ck_assert_int_gt(checked_pairs, 100);
}
END_TEST

START_TEST(strings_round_trip)
{
    char *out = NULL;
    const char *in = "codelist c { label \"q\\\" b\\\\ n\\n t\\t \\{x\\} \\\\{y}\" code \"in\" code 007 code \"a b\" }\n";
    ck_assert_int_eq(format(in, &out), 0);
    ck_assert_ptr_nonnull(strstr(out, "code \"in\"\n"));
    ck_assert_ptr_nonnull(strstr(out, "code 007\n"));
    ck_assert_ptr_nonnull(strstr(out, "code \"a b\"\n"));
    free(out);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("fmt");
    TCase *t = tcase_create("core");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, formats_and_is_stable);
    tcase_add_test(t, canonical_layout);
    tcase_add_test(t, comments_are_kept);
    tcase_add_test(t, syntax_errors_refused);
    tcase_add_test(t, ast_equality);
    tcase_add_test(t, minimal_parentheses);
    tcase_add_test(t, strings_round_trip);
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
