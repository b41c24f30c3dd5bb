/* Unit tests of the runtime's joins (ext.c, rebase.c): rule selection and
 * the apportioning of partial merges. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ext.h"

START_TEST(apportion_by_hand)
{
    int64_t part[4];
    const int64_t s64[] = {600000, 400000};
    /* 16 births, 60/40: 9.6 and 6.4 -> 10 and 6 */
    rt_apportion(s64, 2, 16, part);
    ck_assert_int_eq(part[0], 10);
    ck_assert_int_eq(part[1], 6);
    /* 13: 7.8 and 5.2 -> 8 and 5; 5: 3 and 2 */
    rt_apportion(s64, 2, 13, part);
    ck_assert_int_eq(part[0], 8);
    ck_assert_int_eq(part[1], 5);
    rt_apportion(s64, 2, 5, part);
    ck_assert_int_eq(part[0], 3);
    ck_assert_int_eq(part[1], 2);
    /* thirds: 10 -> 4, 3, 3 (equal remainders: the first one) */
    const int64_t thirds[] = {333334, 333333, 333333};
    rt_apportion(thirds, 3, 10, part);
    ck_assert_int_eq(part[0] + part[1] + part[2], 10);
    ck_assert_int_eq(part[0], 4);
    /* a share of 0 gets nothing; negative values split as their magnitude */
    const int64_t z[] = {0, 1000000};
    rt_apportion(z, 2, 7, part);
    ck_assert_int_eq(part[0], 0);
    ck_assert_int_eq(part[1], 7);
    rt_apportion(s64, 2, -16, part);
    ck_assert_int_eq(part[0], -10);
    ck_assert_int_eq(part[1], -6);
}
END_TEST

START_TEST(apportion_adds_up)
{
    srand(7);
    int64_t share[8], part[8];
    for (int it = 0; it < 20000; it++) {
        uint32_t n = 1 + (uint32_t)(rand() % 8);
        int64_t left = 1000000;
        for (uint32_t j = 0; j + 1 < n; j++) {
            share[j] = left ? rand() % (left + 1) : 0;
            left -= share[j];
        }
        share[n - 1] = left;
        int64_t v = it % 3 == 0 ? (int64_t)rand() * rand() : rand() % 1000 - 500;
        if (it == 1) v = INT64_MAX;
        if (it == 2) v = INT64_MIN + 1;
        rt_apportion(share, n, v, part);
        __int128 sum = 0;
        for (uint32_t j = 0; j < n; j++) {
            sum += part[j];
            /* each part within one unit of its exact share */
            __int128 exact = (__int128)v * share[j];
            __int128 d = (__int128)part[j] * 1000000 - exact;
            ck_assert_msg(d > -1000000 && d < 1000000, "part %u of %lld off by more than 1", j, (long long)v);
        }
        ck_assert_msg(sum == v, "parts of %lld add up to something else", (long long)v);
    }
}
END_TEST

START_TEST(select_rules)
{
    rg_rule rules[3];
    memset(rules, 0, sizeof rules);
    rules[0].code = "C1";
    rules[1].code = "V1";
    rules[2].code = "V10";
    rg_form f;
    memset(&f, 0, sizeof f);
    f.code = "bieu06";
    f.n_rules = 3;
    f.rules = rules;
    uint8_t on[3];
    rt_error e;
    memset(&e, 0, sizeof e);
    ck_assert_int_eq(rt_select_rules(&f, NULL, on, &e), 0);
    ck_assert(on[0] && on[1] && on[2]);
    ck_assert_int_eq(rt_select_rules(&f, "V1,V10", on, &e), 0);
    ck_assert(!on[0] && on[1] && on[2]);
    ck_assert_int_eq(rt_select_rules(&f, "V1,,", on, &e), 0);
    ck_assert(!on[0] && on[1] && !on[2]);
    ck_assert_int_eq(rt_select_rules(&f, "V2", on, &e), -1);
    ck_assert_int_eq(e.status, 2);
    ck_assert_msg(strstr(e.msg, "its rules are C1,V1,V10") != NULL, "%s", e.msg);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rt_ext");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, apportion_by_hand);
    tcase_add_test(tc, apportion_adds_up);
    tcase_add_test(tc, select_rules);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
