/* Unit tests of the shared core's decimals (core_dec.c) and buffers (core_buf.c). */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "regrt.h"
#include "core.h"

static int cnt(const char *s, int maxd, int64_t *v) { return rt_parse_count(s, strlen(s), maxd, v); }
static int intg(const char *s, int64_t *v) { return rt_parse_integer(s, strlen(s), 0, v); }
static int dec(const char *s, int scale, int64_t *v) { return rt_parse_decimal(s, strlen(s), scale, 0, v); }

START_TEST(counts_bench_contract)
{
    int64_t v;
    /* ^[0-9]{1,9}$ with leading zeros allowed (bench README 1.2) */
    ck_assert_int_eq(cnt("0", 9, &v), 0);
    ck_assert_int_eq(v, 0);
    ck_assert_int_eq(cnt("007", 9, &v), 0);
    ck_assert_int_eq(v, 7);
    ck_assert_int_eq(cnt("999999999", 9, &v), 0);
    ck_assert_int_eq(v, 999999999);
    static const char *bad[] = {"", "-3", "-0", "+5", " 7", "7 ", "1.5", "1e3", "abc", "1234567890", "12.0", "0x1"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) ck_assert_msg(cnt(bad[i], 9, &v) == -1, "'%s' accepted", bad[i]);
}
END_TEST

START_TEST(counts_without_limit)
{
    int64_t v;
    ck_assert_int_eq(cnt("9223372036854775807", 0, &v), 0);
    ck_assert_int_eq(v, INT64_MAX);
    ck_assert_int_eq(cnt("9223372036854775808", 0, &v), -1);
    ck_assert_int_eq(cnt("000000000000000000000001", 0, &v), 0);
    ck_assert_int_eq(v, 1);
    /* bound as a decimal in the XForm: ODK's engine writes 18 as 18.0 */
    ck_assert_int_eq(cnt("18.0", 0, &v), 0);
    ck_assert_int_eq(v, 18);
    ck_assert_int_eq(cnt("18.00", 12, &v), 0);
    ck_assert_int_eq(v, 18);
    ck_assert_int_eq(cnt("123456789012.0", 12, &v), 0);
    ck_assert_int_eq(v, 123456789012);
    ck_assert_int_eq(rt_parse_integer("-18.0", 5, 0, &v), 0);
    ck_assert_int_eq(v, -18);
    static const char *bad[] = {"18.5", "18.", ".0", "1.0.0", "18.0.0", "-1.0", "18.01"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) ck_assert_msg(cnt(bad[i], 0, &v) == -1, "'%s' accepted", bad[i]);
    ck_assert_int_eq(rt_parse_decimal("99.0", 4, 1, 2, &v), 0);
    ck_assert_int_eq(v, 990);
}
END_TEST

START_TEST(integers)
{
    int64_t v;
    ck_assert_int_eq(intg("-42", &v), 0);
    ck_assert_int_eq(v, -42);
    ck_assert_int_eq(intg("-9223372036854775808", &v), 0);
    ck_assert_int_eq(v, INT64_MIN);
    ck_assert_int_eq(intg("-9223372036854775809", &v), -1);
    ck_assert_int_eq(intg("-", &v), -1);
    ck_assert_int_eq(intg("+1", &v), -1);
    ck_assert_int_eq(rt_parse_integer("12345", 5, 4, &v), -1); /* max_digits */
}
END_TEST

START_TEST(decimals_exact)
{
    int64_t v;
    ck_assert_int_eq(dec("12.5", 2, &v), 0);
    ck_assert_int_eq(v, 1250);
    ck_assert_int_eq(dec("-0.05", 2, &v), 0);
    ck_assert_int_eq(v, -5);
    ck_assert_int_eq(dec("3", 4, &v), 0);
    ck_assert_int_eq(v, 30000);
    ck_assert_int_eq(dec("1.230", 2, &v), 0); /* extra zeros are exact */
    ck_assert_int_eq(v, 123);
    ck_assert_int_eq(dec("1.235", 2, &v), -1); /* would need rounding */
    ck_assert_int_eq(dec(".5", 2, &v), -1);
    ck_assert_int_eq(dec("5.", 2, &v), -1);
    ck_assert_int_eq(dec("1,5", 2, &v), -1);
    ck_assert_int_eq(dec("92233720368547758.08", 2, &v), -1);
    ck_assert_int_eq(dec("92233720368547758.07", 2, &v), 0);
    ck_assert_int_eq(v, INT64_MAX);
}
END_TEST

START_TEST(booleans)
{
    int64_t v;
    ck_assert_int_eq(rt_parse_bool("1", 1, &v), 0);
    ck_assert_int_eq(v, 1);
    ck_assert_int_eq(rt_parse_bool("false", 5, &v), 0);
    ck_assert_int_eq(v, 0);
    ck_assert_int_eq(rt_parse_bool("yes", 3, &v), -1);
}
END_TEST

START_TEST(scaled_output)
{
    char b[40];
    b[rt_format_scaled(9167, 4, b)] = 0;
    ck_assert_str_eq(b, "0.9167");
    b[rt_format_scaled(10000, 4, b)] = 0;
    ck_assert_str_eq(b, "1.0000");
    b[rt_format_scaled(313, 4, b)] = 0;
    ck_assert_str_eq(b, "0.0313");
    b[rt_format_scaled(-5, 2, b)] = 0;
    ck_assert_str_eq(b, "-0.05");
    b[rt_format_scaled(INT64_MIN, 0, b)] = 0;
    ck_assert_str_eq(b, "-9223372036854775808");
}
END_TEST

/* The shared core's checked arithmetic: an overflow is refused, never
 * wrapped into a plausible (negative) number. */
START_TEST(checked_arithmetic)
{
    int64_t v = 7;
    ck_assert_int_eq(rt_add_i64(INT64_MAX, 1, &v), -1);
    ck_assert_int_eq(v, 7);
    ck_assert_int_eq(rt_add_i64(INT64_MIN, -1, &v), -1);
    ck_assert_int_eq(rt_add_i64(40, 2, &v), 0);
    ck_assert_int_eq(v, 42);
    ck_assert_int_eq(rt_mul_i64(INT64_MAX / 2 + 1, 2, &v), -1);
    ck_assert_int_eq(rt_dec_rescale(12345, 2, 4, &v), 0);
    ck_assert_int_eq(v, 1234500);
    ck_assert_int_eq(rt_dec_rescale(1234500, 4, 2, &v), 0);
    ck_assert_int_eq(v, 12345);
    ck_assert_int_eq(rt_dec_rescale(1234501, 4, 2, &v), -1); /* decimals would be lost */
    ck_assert_int_eq(rt_dec_rescale(INT64_MAX / 10, 0, 2, &v), -1);
    ck_assert_int_eq(rt_dec_rescale(5, 0, 19, &v), -1);
    ck_assert_int_eq(rt_dec_cmp(150, 2, 15, 1), 0);
    ck_assert_int_eq(rt_dec_cmp(INT64_MAX, 0, INT64_MAX, 18), 1);
    ck_assert_int_eq(rt_dec_cmp(-1, 0, 1, 18), -1);
    /* 20 decimals apart (a percent of scale 18): no 128-bit overflow */
    ck_assert_int_eq(rt_dec_cmp(INT64_MAX, 0, INT64_MAX, 20), 1);
    ck_assert_int_eq(rt_dec_cmp(-INT64_MAX, 0, INT64_MAX, 20), -1);
    ck_assert_int_eq(rt_dec_cmp(5, 0, 500000000000000000LL, 17), 0);
    ck_assert_int_eq(rt_dec_cmp(0, 0, 1, 25), -1);
    ck_assert_int_eq(rt_dec_cmp(0, 0, -1, 25), 1);
    ck_assert_int_eq(rt_dec_cmp(1, 2, 10, 3), 0);
}
END_TEST

START_TEST(spec_literals)
{
    int64_t v;
    int sc;
    ck_assert_int_eq(rt_dec_parse_literal("12.50", 5, &v, &sc), 0);
    ck_assert_int_eq(v, 1250);
    ck_assert_int_eq(sc, 2);
    ck_assert_int_eq(rt_dec_parse_literal("9223372036854775807", 19, &v, &sc), 0);
    ck_assert_int_eq(rt_dec_parse_literal("9223372036854775808", 19, &v, &sc), -1);
    ck_assert_int_eq(rt_dec_parse_literal("92233720368547758.08", 20, &v, &sc), -1);
    ck_assert_int_eq(rt_dec_parse_literal("0.0000000000000000001", 21, &v, &sc), -1); /* 19 decimals */
    ck_assert_int_eq(rt_dec_parse_literal(".5", 2, &v, &sc), -1);
    ck_assert_int_eq(rt_dec_parse_literal("5.", 2, &v, &sc), -1);
    ck_assert_int_eq(rt_dec_parse_literal("-5", 2, &v, &sc), -1);
    char b[48];
    ck_assert_str_eq(rt_dec_str(-5, 2, b), "-0.05");
}
END_TEST

START_TEST(buffers)
{
    rt_buf b = {0};
    ck_assert_str_eq(rt_buf_cstr(&b), "");
    for (int i = 0; i < 1000; i++)
        rt_buf_printf(&b, "%d,", i);
    ck_assert_int_eq((int)b.n, 3890);
    char *s = rt_buf_take(&b);
    ck_assert_int_eq((int)strlen(s), 3890);
    ck_assert_ptr_null(b.p);
    free(s);
    s = rt_xasprintf("%s-%04d", "x", 7);
    ck_assert_str_eq(s, "x-0007");
    free(s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("rt_values");
    TCase *t = tcase_create("core");
    tcase_add_test(t, counts_bench_contract);
    tcase_add_test(t, counts_without_limit);
    tcase_add_test(t, integers);
    tcase_add_test(t, decimals_exact);
    tcase_add_test(t, booleans);
    tcase_add_test(t, scaled_output);
    tcase_add_test(t, checked_arithmetic);
    tcase_add_test(t, spec_literals);
    tcase_add_test(t, buffers);
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
