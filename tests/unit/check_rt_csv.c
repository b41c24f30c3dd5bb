/* Unit tests of the runtime's CSV tokenizer and small-file reader (csv.c). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

/* Parses one record of `text` (a sentinel LF is added when missing). */
static int parse(const char *text, rt_span *f, int max, uint32_t *lines, rt_csv_fail *fail, char **buf)
{
    size_t n = strlen(text);
    *buf = malloc(n + 2);
    memcpy(*buf, text, n);
    if (!n || text[n - 1] != '\n') (*buf)[n++] = '\n';
    char *p = *buf;
    *lines = 0;
    return rt_csv_record(&p, *buf + n, f, max, lines, fail);
}

static int field_is(const rt_span *f, const char *s)
{
    return f->n == strlen(s) && !memcmp(f->p, s, f->n);
}

START_TEST(plain_fields)
{
    rt_span f[8];
    uint32_t lines;
    rt_csv_fail fail;
    char *buf;
    ck_assert_int_eq(parse("a,bc,,d\n", f, 8, &lines, &fail, &buf), 4);
    ck_assert(field_is(&f[0], "a"));
    ck_assert(field_is(&f[1], "bc"));
    ck_assert(field_is(&f[2], ""));
    ck_assert(field_is(&f[3], "d"));
    ck_assert_uint_eq(lines, 1);
    free(buf);
    /* trailing comma: one more empty field */
    ck_assert_int_eq(parse("a,\n", f, 8, &lines, &fail, &buf), 2);
    ck_assert(field_is(&f[1], ""));
    free(buf);
}
END_TEST

START_TEST(crlf_and_lone_cr)
{
    rt_span f[8];
    uint32_t lines;
    rt_csv_fail fail;
    char *buf;
    ck_assert_int_eq(parse("x,y\r\n", f, 8, &lines, &fail, &buf), 2);
    ck_assert(field_is(&f[1], "y"));
    free(buf);
    /* a CR not followed by LF is data */
    ck_assert_int_eq(parse("x\ry,z\n", f, 8, &lines, &fail, &buf), 2);
    ck_assert(field_is(&f[0], "x\ry"));
    free(buf);
}
END_TEST

START_TEST(quoted_fields)
{
    rt_span f[8];
    uint32_t lines;
    rt_csv_fail fail;
    char *buf;
    ck_assert_int_eq(parse("\"a,b\",\"say \"\"hi\"\"\",\"\"\n", f, 8, &lines, &fail, &buf), 3);
    ck_assert(field_is(&f[0], "a,b"));
    ck_assert(field_is(&f[1], "say \"hi\""));
    ck_assert(field_is(&f[2], ""));
    free(buf);
    /* a line break inside quotes belongs to the field */
    ck_assert_int_eq(parse("\"two\nlines\",x\r\n", f, 8, &lines, &fail, &buf), 2);
    ck_assert(field_is(&f[0], "two\nlines"));
    ck_assert_uint_eq(lines, 2);
    free(buf);
    /* quoted field closing the record with CRLF */
    ck_assert_int_eq(parse("1,\"Phường \"\"Phúc\"\" Xá\"\r\n", f, 8, &lines, &fail, &buf), 2);
    ck_assert(field_is(&f[1], "Phường \"Phúc\" Xá"));
    free(buf);
}
END_TEST

START_TEST(more_fields_than_room)
{
    rt_span f[2];
    uint32_t lines;
    rt_csv_fail fail;
    char *buf;
    ck_assert_int_eq(parse("a,b,c,d\n", f, 2, &lines, &fail, &buf), 4);
    ck_assert(field_is(&f[1], "b"));
    free(buf);
}
END_TEST

START_TEST(broken_records)
{
    rt_span f[8];
    uint32_t lines;
    rt_csv_fail fail;
    char *buf;
    ck_assert_int_eq(parse("ab\"c,d\n", f, 8, &lines, &fail, &buf), -1);
    ck_assert_int_eq(fail.status, RT_CSV_EQUOTE);
    ck_assert_uint_eq(fail.field, 0);
    free(buf);
    ck_assert_int_eq(parse("x,\"ab\"c\n", f, 8, &lines, &fail, &buf), -1);
    ck_assert_int_eq(fail.status, RT_CSV_EAFTERQ);
    ck_assert_uint_eq(fail.field, 1);
    free(buf);
    ck_assert_int_eq(parse("x,\"never closed\n", f, 8, &lines, &fail, &buf), -1);
    ck_assert_int_eq(fail.status, RT_CSV_EUNTERM);
    free(buf);
    ck_assert_int_eq(parse("x,caf\xe9\n", f, 8, &lines, &fail, &buf), -1);
    ck_assert_int_eq(fail.status, RT_CSV_EUTF8);
    ck_assert_uint_eq(fail.byte, 0xe9);
    ck_assert_uint_eq(fail.field, 1);
    free(buf);
    /* NUL inside a field */
    {
        char text[] = {'a', ',', 'b', 0, 'c', '\n'};
        char *p = text;
        lines = 0;
        ck_assert_int_eq(rt_csv_record(&p, text + sizeof text, f, 8, &lines, &fail), -1);
        ck_assert_int_eq(fail.status, RT_CSV_ENUL);
    }
    char msg[512];
    fail.status = RT_CSV_EUTF8;
    fail.byte = 0xff;
    rt_csv_fail_text(&fail, msg, sizeof msg);
    ck_assert_ptr_nonnull(strstr(msg, "0xff"));
}
END_TEST

START_TEST(utf8_sequences)
{
    const unsigned char ok2[] = "\xc3\xa1", ok3[] = "\xe1\xbb\x87", ok4[] = "\xf0\x9f\x98\x80";
    ck_assert_int_eq(rt_utf8_len(ok2, ok2 + 2), 2);
    ck_assert_int_eq(rt_utf8_len(ok3, ok3 + 3), 3);
    ck_assert_int_eq(rt_utf8_len(ok4, ok4 + 4), 4);
    const unsigned char overlong[] = "\xc0\xaf", surrogate[] = "\xed\xa0\x80", high[] = "\xf4\x90\x80\x80",
                        cont[] = "\x80", cut[] = "\xe1\xbb";
    ck_assert_int_eq(rt_utf8_len(overlong, overlong + 2), 0);
    ck_assert_int_eq(rt_utf8_len(surrogate, surrogate + 3), 0);
    ck_assert_int_eq(rt_utf8_len(high, high + 4), 0);
    ck_assert_int_eq(rt_utf8_len(cont, cont + 1), 0);
    ck_assert_int_eq(rt_utf8_len(cut, cut + 2), 0);
}
END_TEST

START_TEST(reader_bom_blank_lines)
{
    rt_error err;
    const char data[] = RT_BOM "code,name\r\n\r\n01,\"Hà Nội, TP\"\r\n02,Hà Giang";
    rt_csv *c = rt_csv_open_mem("mem.csv", data, sizeof data - 1, &err);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(rt_csv_next(c, &err), 1);
    ck_assert_str_eq(rt_csv_field(c, 0, NULL), "code");
    ck_assert_int_eq(rt_csv_next(c, &err), 1);
    ck_assert_uint_eq(rt_csv_line(c), 3);
    ck_assert_str_eq(rt_csv_field(c, 1, NULL), "Hà Nội, TP");
    ck_assert_int_eq(rt_csv_next(c, &err), 1);
    ck_assert_str_eq(rt_csv_field(c, 1, NULL), "Hà Giang");
    ck_assert_str_eq(rt_csv_field(c, 7, NULL), "");
    ck_assert_int_eq(rt_csv_next(c, &err), 0);
    rt_csv_close(c);
}
END_TEST

START_TEST(reader_error_names_column)
{
    rt_error err;
    const char data[] = "code,name\n01,ok\n02,b\"ad\n";
    rt_csv *c = rt_csv_open_mem("u.csv", data, sizeof data - 1, &err);
    ck_assert_int_eq(rt_csv_next(c, &err), 1);
    ck_assert_int_eq(rt_csv_next(c, &err), 1);
    ck_assert_int_eq(rt_csv_next(c, &err), -1);
    ck_assert_int_eq(err.status, 2);
    ck_assert_ptr_nonnull(strstr(err.msg, "u.csv:3"));
    ck_assert_ptr_nonnull(strstr(err.msg, "'name'"));
    rt_csv_close(c);
}
END_TEST

START_TEST(reader_missing_file)
{
    rt_error err;
    ck_assert_ptr_null(rt_csv_open("/nonexistent/x.csv", &err));
    ck_assert_int_eq(err.status, 2);
    ck_assert_ptr_nonnull(strstr(err.msg, "/nonexistent/x.csv"));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("rt_csv");
    TCase *t = tcase_create("core");
    tcase_add_test(t, plain_fields);
    tcase_add_test(t, crlf_and_lone_cr);
    tcase_add_test(t, quoted_fields);
    tcase_add_test(t, more_fields_than_room);
    tcase_add_test(t, broken_records);
    tcase_add_test(t, utf8_sequences);
    tcase_add_test(t, reader_bom_blank_lines);
    tcase_add_test(t, reader_error_names_column);
    tcase_add_test(t, reader_missing_file);
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
