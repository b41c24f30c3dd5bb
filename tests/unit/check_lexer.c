/* Unit tests of the lexer (grammar/lexer.l, compiler/lex.c): tokens,
 * locations, strings and escapes, numbers, dates and periods, comments,
 * and one diagnostic per lexical slip. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "parser.h"
#include "lexer.h"

typedef struct tok {
    int kind;
    src_loc loc;
    YYSTYPE val;
} tok;

typedef struct lexed {
    arena a;
    src_manager sm;
    diag_ctx d;
    parse_ctx p;
    tok t[256];
    int n;
} lexed;

/* Scans `text` to the end; tokens in l->t, diagnostics in l->d. */
static lexed *lex(const char *text)
{
    lexed *l = calloc(1, sizeof *l);
    arena_init(&l->a);
    src_init(&l->sm);
    diag_init(&l->d, &l->sm, DIAG_EN);
    int id = src_add(&l->sm, "t.regime", text, strlen(text));
    parse_ctx *p = &l->p;
    p->arena = &l->a;
    p->diag = &l->d;
    p->src = src_get(&l->sm, id);
    p->file_id = id;
    p->file = arena_alloc(&l->a, sizeof(ast_file));
    p->line = 1;
    p->col = 1;
    yyscan_t sc;
    ck_assert_int_eq(yylex_init_extra(p, &sc), 0);
    YY_BUFFER_STATE b = yy_scan_bytes(p->src->text, (int)p->src->len, sc);
    for (;;) {
        tok t;
        memset(&t, 0, sizeof t);
        t.kind = yylex(&t.val, &t.loc, sc);
        if (t.kind == 0 || l->n == 256)
            break;
        l->t[l->n++] = t;
    }
    yy_delete_buffer(b, sc);
    yylex_destroy(sc);
    rt_buf_free(&p->sbuf);
    return l;
}

static void done(lexed *l)
{
    diag_free(&l->d);
    src_free(&l->sm);
    arena_free(&l->a);
    free(l);
}

static int count_code(const lexed *l, const char *code)
{
    int n = 0;
    for (int i = 0; i < l->d.n; i++)
        n += !strcmp(l->d.items[i].code, code);
    return n;
}

#define LOC(t, l0, c0, l1, c1)                                                                                 \
    do {                                                                                                       \
        ck_assert_int_eq((t).loc.line, l0);                                                                    \
        ck_assert_int_eq((t).loc.col, c0);                                                                     \
        ck_assert_int_eq((t).loc.end_line, l1);                                                                \
        ck_assert_int_eq((t).loc.end_col, c1);                                                                 \
    } while (0)

START_TEST(keywords_and_names)
{
    lexed *l = lex("form bieu06 { field received_1: count }");
    ck_assert_int_eq(l->n, 8);
    ck_assert_int_eq(l->t[0].kind, KW_FORM);
    ck_assert_int_eq(l->t[1].kind, IDENT);
    ck_assert_str_eq(l->t[1].val.str, "bieu06");
    ck_assert_int_eq(l->t[2].kind, '{');
    ck_assert_int_eq(l->t[3].kind, KW_FIELD);
    ck_assert_int_eq(l->t[4].kind, IDENT);
    ck_assert_str_eq(l->t[4].val.str, "received_1");
    ck_assert_int_eq(l->t[5].kind, ':');
    ck_assert_int_eq(l->t[6].kind, IDENT); /* type names are names */
    ck_assert_int_eq(l->t[7].kind, '}');
    /* a keyword is a whole word: `format` is a name */
    lexed *m = lex("format forms");
    ck_assert_int_eq(m->t[0].kind, IDENT);
    ck_assert_int_eq(m->t[1].kind, IDENT);
    ck_assert_int_eq(l->d.n + m->d.n, 0);
    done(l);
    done(m);
}
END_TEST

START_TEST(locations)
{
    /* columns are bytes; a Vietnamese string is longer in bytes than letters */
    lexed *l = lex("label vi \"Tiếp nhận\" x\n  y\r\n\tz");
    ck_assert_int_eq(l->n, 6);
    LOC(l->t[0], 1, 1, 1, 5);
    LOC(l->t[1], 1, 7, 1, 8);
    LOC(l->t[2], 1, 10, 1, 24); /* "Tiếp nhận" is 15 bytes with its quotes */
    LOC(l->t[3], 1, 26, 1, 26);
    LOC(l->t[4], 2, 3, 2, 3);
    LOC(l->t[5], 3, 2, 3, 2);
    done(l);
}
END_TEST

START_TEST(strings_and_escapes)
{
    lexed *l = lex("\"a\\\"b\\\\c\\nd\\te\" \"{x} \\{y\\}\" \"\"");
    ck_assert_int_eq(l->n, 3);
    ck_assert_int_eq(l->t[0].kind, STRING);
    ck_assert_str_eq(l->t[0].val.str, "a\"b\\c\nd\te");
    /* \{ keeps its backslash so messages tell a brace from a placeholder */
    ck_assert_str_eq(l->t[1].val.str, "{x} \\{y\\}");
    ck_assert_str_eq(l->t[2].val.str, "");
    ck_assert_int_eq(l->d.n, 0);
    done(l);
}
END_TEST

START_TEST(string_errors)
{
    lexed *l = lex("\"bad \\q escape\" \"open\nnext");
    ck_assert_int_eq(count_code(l, "E0004"), 1);
    ck_assert_int_eq(count_code(l, "E0003"), 1);
    ck_assert_int_eq(l->t[0].kind, STRING);
    ck_assert_str_eq(l->t[0].val.str, "bad q escape"); /* the character is kept */
    ck_assert_int_eq(l->t[1].kind, STRING);            /* the open string still ends */
    ck_assert_int_eq(l->t[2].kind, IDENT);
    done(l);
    lexed *m = lex("\"Ti\xe9p\" \"ok\"");
    ck_assert_int_eq(count_code(m, "E0008"), 1);
    done(m);
    lexed *e = lex("\"unterminated at the end");
    ck_assert_int_eq(count_code(e, "E0003"), 1);
    ck_assert_int_eq(e->n, 1);
    done(e);
}
END_TEST

START_TEST(numbers)
{
    lexed *l = lex("42 1.50 0.000001 90% 12.5% 999999999999999999");
    ck_assert_int_eq(l->n, 6);
    ck_assert_int_eq(l->t[0].kind, NUMBER);
    ck_assert_int_eq(l->t[0].val.num.value, 42);
    ck_assert_int_eq(l->t[0].val.num.scale, 0);
    ck_assert_int_eq(l->t[1].val.num.value, 150);
    ck_assert_int_eq(l->t[1].val.num.scale, 2);
    ck_assert_str_eq(l->t[1].val.num.text, "1.50");
    ck_assert_int_eq(l->t[2].val.num.value, 1);
    ck_assert_int_eq(l->t[2].val.num.scale, 6);
    ck_assert_int_eq(l->t[3].kind, PERCENT);
    ck_assert_int_eq(l->t[3].val.num.value, 90);
    ck_assert_int_eq(l->t[4].kind, PERCENT);
    ck_assert_int_eq(l->t[4].val.num.value, 125);
    ck_assert_int_eq(l->t[4].val.num.scale, 1);
    ck_assert(l->t[5].val.num.value == INT64_C(999999999999999999));
    ck_assert_int_eq(l->d.n, 0);
    done(l);
}
END_TEST

START_TEST(number_errors)
{
    lexed *l = lex("123456789012345678901234 1.1234567890123456789 01A");
    ck_assert_int_eq(count_code(l, "E0005"), 2);
    ck_assert_int_eq(count_code(l, "E0007"), 1);
    ck_assert_int_eq(l->t[0].kind, NUMBER);
    ck_assert_int_eq(l->t[0].val.num.value, 0);
    ck_assert_int_eq(l->t[2].kind, IDENT);
    done(l);
}
END_TEST

START_TEST(dates_and_periods)
{
    lexed *l = lex("1970-01-01 2025-07-01 2024-02-29 2025-01 2025-Q1 2025-h2 2025-9M");
    ck_assert_int_eq(l->n, 7);
    ck_assert_int_eq(l->t[0].kind, DATE);
    ck_assert_int_eq(l->t[0].val.date, 0);
    ck_assert_int_eq(l->t[1].val.date, 20270);
    ck_assert_int_eq(l->t[2].val.date, 19782);
    ck_assert_int_eq(l->t[3].kind, PERIOD);
    ck_assert_str_eq(l->t[3].val.str, "2025-01");
    ck_assert_str_eq(l->t[4].val.str, "2025-Q1");
    ck_assert_str_eq(l->t[5].val.str, "2025-h2");
    ck_assert_str_eq(l->t[6].val.str, "2025-9M");
    ck_assert_int_eq(l->d.n, 0);
    done(l);
    lexed *m = lex("2025-02-29 2025-13-01 2025-00-10");
    ck_assert_int_eq(count_code(m, "E0006"), 3);
    done(m);
    /* dates before 1970 are dates (a birth date), not the error value */
    lexed *e = lex("1969-12-30 1950-01-01 2000-02-29 1900-02-29");
    ck_assert_int_eq(count_code(e, "E0006"), 1);
    ck_assert_int_eq(e->t[0].val.date, -2);
    ck_assert_int_eq(e->t[1].val.date, -7305);
    ck_assert_int_eq(e->t[2].val.date, 11016);
    done(e);
}
END_TEST

START_TEST(operators)
{
    lexed *l = lex("<= >= != <> == = < > + - * / ( ) , : . { }");
    int want[] = {LE, GE, NE, NE, '=', '=', '<', '>', '+', '-', '*', '/', '(', ')', ',', ':', '.', '{', '}'};
    ck_assert_int_eq(l->n, (int)(sizeof want / sizeof want[0]));
    for (int i = 0; i < l->n; i++)
        ck_assert_int_eq(l->t[i].kind, want[i]);
    done(l);
}
END_TEST

START_TEST(comments_are_kept)
{
    lexed *l = lex("# header\nform f # trailing\r\n  # indented\n");
    ck_assert_int_eq(l->n, 2);
    ast_list *cs = &l->p.file->comments;
    ck_assert_int_eq(cs->n, 3);
    ast_comment *c0 = cs->items[0], *c1 = cs->items[1], *c2 = cs->items[2];
    ck_assert_str_eq(c0->text, " header");
    ck_assert_int_eq(c0->own_line, 1);
    ck_assert_str_eq(c1->text, " trailing"); /* without the \r of a CRLF line */
    ck_assert_int_eq(c1->own_line, 0);
    ck_assert_int_eq(c2->own_line, 1);
    ck_assert_int_eq(c2->loc.line, 3);
    done(l);
}
END_TEST

START_TEST(one_error_per_slip)
{
    /* a name with accents is one name, with a hint spelling it in ASCII */
    lexed *l = lex("field tiếp_nhận: count");
    ck_assert_int_eq(l->n, 4);
    ck_assert_int_eq(l->t[1].kind, IDENT);
    ck_assert_int_eq(count_code(l, "E0016"), 1);
    ck_assert_int_eq(l->d.items[0].n_hints, 1);
    ck_assert_ptr_nonnull(strstr(l->d.items[0].hints[0], "tiep_nhan"));
    done(l);
    /* decomposed Vietnamese (combining marks) too */
    lexed *nfd = lex("ca\xcc\x81");
    ck_assert_int_eq(nfd->n, 1);
    ck_assert_int_eq(count_code(nfd, "E0016"), 1);
    done(nfd);
    /* “typographic quotes” are still one string */
    lexed *q = lex("label \xe2\x80\x9cT\xc3\xaan\xe2\x80\x9d x");
    ck_assert_int_eq(q->n, 3);
    ck_assert_int_eq(q->t[1].kind, STRING);
    ck_assert_str_eq(q->t[1].val.str, "T\xc3\xaan");
    ck_assert_int_eq(count_code(q, "E0017"), 1);
    done(q);
    /* a look-alike operator is read as the operator */
    lexed *g = lex("a \xe2\x89\xa5 b");
    ck_assert_int_eq(g->n, 3);
    ck_assert_int_eq(g->t[1].kind, GE);
    ck_assert_int_eq(count_code(g, "E0002"), 1);
    done(g);
}
END_TEST

START_TEST(nul_and_invalid_runs)
{
    static const char text[] = "a \0\0\0\0 b \xff\xfe\xfd c";
    lexed *l = calloc(1, sizeof *l);
    arena_init(&l->a);
    src_init(&l->sm);
    diag_init(&l->d, &l->sm, DIAG_EN);
    int id = src_add(&l->sm, "t.regime", text, sizeof text - 1);
    ast_file *f = parse_file(&l->a, &l->d, id);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(count_code(l, "E0002"), 1);
    ck_assert_int_eq(count_code(l, "E0008"), 1);
    diag_item *bad = NULL;
    for (int i = 0; i < l->d.n; i++)
        if (!strcmp(l->d.items[i].code, "E0008"))
            bad = &l->d.items[i];
    ck_assert_int_eq(bad->loc.col, 10);
    ck_assert_int_eq(bad->loc.end_col, 12);
    done(l);
}
END_TEST

START_TEST(byte_order_mark)
{
    lexed *l = calloc(1, sizeof *l);
    arena_init(&l->a);
    src_init(&l->sm);
    diag_init(&l->d, &l->sm, DIAG_EN);
    const char *text = "\xef\xbb\xbfimport decree09x\n";
    int id = src_add(&l->sm, "t.regime", text, strlen(text));
    ast_file *f = parse_file(&l->a, &l->d, id);
    ck_assert_int_eq(l->d.n, 0);
    ck_assert_int_eq(f->decls.n, 1);
    ast_decl *d = f->decls.items[0];
    ck_assert_int_eq(d->kind, AST_D_IMPORT);
    ck_assert_int_eq(d->loc.col, 4); /* columns stay byte offsets of the line */
    done(l);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("lexer");
    TCase *t = tcase_create("core");
    tcase_add_test(t, keywords_and_names);
    tcase_add_test(t, locations);
    tcase_add_test(t, strings_and_escapes);
    tcase_add_test(t, string_errors);
    tcase_add_test(t, numbers);
    tcase_add_test(t, number_errors);
    tcase_add_test(t, dates_and_periods);
    tcase_add_test(t, operators);
    tcase_add_test(t, comments_are_kept);
    tcase_add_test(t, one_error_per_slip);
    tcase_add_test(t, nul_and_invalid_runs);
    tcase_add_test(t, byte_order_mark);
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
