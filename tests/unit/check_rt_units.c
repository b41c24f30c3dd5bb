/* Unit tests of the unit table (units.c) on both Vietnamese unit lists
 * (samples in tests/fixtures/) and on hand-made edge cases. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "regrt.h"

static const rg_tier tiers[] = {
    {"national", {0, 0}, NULL, NULL, "VN", 0},
    {"province", {0, 0}, "province_code", "province_name", NULL, 0},
    {"district", {0, 0}, "district_code", "district_name", NULL, 1},
    {"commune", {0, 0}, "commune_code", "commune_name", NULL, 0},
};

static rg_regime_desc desc(void)
{
    rg_regime_desc d;
    memset(&d, 0, sizeof d);
    d.abi_version = REGIME_ABI_VERSION;
    d.name = "t";
    d.n_tiers = 4;
    d.tiers = tiers;
    return d;
}

static const char *fixture(const char *name)
{
    static char p[512];
    /* Tests run from the repository root (make) or from tests/unit. */
    snprintf(p, sizeof p, "tests/fixtures/%s", name);
    if (access(p, R_OK)) snprintf(p, sizeof p, "../fixtures/%s", name);
    return p;
}

static int32_t find(const rt_units *u, int tier, const char *code)
{
    return rt_units_find(u, tier, code, strlen(code));
}

START_TEST(old_three_level_list)
{
    rg_regime_desc d = desc();
    rt_error err;
    rt_units *u = rt_units_load(&d, fixture("units_2025-03-01_sample.csv"), &err);
    ck_assert_msg(u != NULL, "%s", err.msg);
    ck_assert_uint_eq(rt_units_count(u, 0), 1);
    ck_assert_str_eq(rt_units_code(u, rt_units_base(u, 0)), "VN");
    ck_assert_uint_eq(rt_units_count(u, 1), 3); /* 01, 31 (island district only), 79 */
    int32_t c = find(u, 3, "00004"), dd = find(u, 2, "001"), p = find(u, 1, "01");
    ck_assert_int_ge(c, 0);
    ck_assert_str_eq(rt_units_name(u, (uint32_t)c), "Phường Trúc Bạch");
    ck_assert_int_eq(rt_units_parent(u, (uint32_t)c), dd);
    ck_assert_int_eq(rt_units_parent(u, (uint32_t)dd), p);
    ck_assert_int_eq(rt_units_parent(u, (uint32_t)p), (int32_t)rt_units_base(u, 0));
    ck_assert_int_eq(rt_units_parent(u, rt_units_base(u, 0)), -1);
    ck_assert_int_eq(rt_units_tier(u, (uint32_t)c), 3);
    /* a district without communes (Bạch Long Vĩ) is still a district */
    ck_assert_int_ge(find(u, 2, "318"), 0);
    ck_assert_int_eq(find(u, 3, ""), -1);
    /* codes are text: leading zeros matter, tiers are separate */
    ck_assert_int_eq(find(u, 3, "4"), -1);
    ck_assert_int_eq(find(u, 3, "001"), -1);
    /* sorted by code, byte-wise */
    const uint32_t *s = rt_units_sorted(u, 3);
    for (uint32_t i = 1; i < rt_units_count(u, 3); i++)
        ck_assert_int_lt(strcmp(rt_units_code(u, s[i - 1]), rt_units_code(u, s[i])), 0);
    rt_units_free(u);
}
END_TEST

START_TEST(new_two_level_list)
{
    rg_regime_desc d = desc();
    rt_error err;
    rt_units *u = rt_units_load(&d, fixture("units_2025-07-01_sample.csv"), &err);
    ck_assert_msg(u != NULL, "%s", err.msg);
    ck_assert_uint_eq(rt_units_count(u, 2), 0); /* no district level */
    int32_t c = find(u, 3, "00004");
    ck_assert_int_ge(c, 0);
    ck_assert_str_eq(rt_units_name(u, (uint32_t)c), "Phường Ba Đình"); /* the code was reused */
    /* the optional district is skipped: commune -> province */
    ck_assert_int_eq(rt_units_parent(u, (uint32_t)c), find(u, 1, "01"));
    ck_assert_int_eq(find(u, 3, "00001"), -1);
    rt_units_free(u);
}
END_TEST

static const char *write_tmp(const char *text)
{
    static char path[64];
    strcpy(path, "/tmp/rt_units_XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
    close(fd);
    return path;
}

START_TEST(quoted_bom_crlf_duplicates)
{
    rg_regime_desc d = desc();
    rt_error err;
    rt_set_quiet(1);
    const char *p = write_tmp("\xEF\xBB\xBF" "commune_code,commune_name,district_code,province_code,province_name\r\n"
                              "00001,\"Phường \"\"Phúc\"\" Xá\",001,01,\"Hà Nội, TP\"\r\n"
                              "00001,again,001,01,x\r\n"
                              "26734,Bến Thành,,79,HCM\r\n");
    rt_units *u = rt_units_load(&d, p, &err);
    unlink(p);
    rt_set_quiet(0);
    ck_assert_msg(u != NULL, "%s", err.msg);
    ck_assert_uint_eq(rt_units_count(u, 3), 2);
    ck_assert_str_eq(rt_units_name(u, (uint32_t)find(u, 3, "00001")), "Phường \"Phúc\" Xá");
    ck_assert_str_eq(rt_units_name(u, (uint32_t)find(u, 1, "01")), "Hà Nội, TP");
    ck_assert_int_eq(rt_units_parent(u, (uint32_t)find(u, 3, "26734")), find(u, 1, "79"));
    rt_units_free(u);
}
END_TEST

START_TEST(bad_unit_files)
{
    rg_regime_desc d = desc();
    rt_error err;
    const char *p = write_tmp("province_code,district_code\n01,001\n");
    ck_assert_ptr_null(rt_units_load(&d, p, &err));
    unlink(p);
    ck_assert_int_eq(err.status, 2);
    ck_assert_ptr_nonnull(strstr(err.msg, "no column 'commune_code'"));
    /* a commune under an empty province: the province tier is not optional */
    p = write_tmp("province_code,district_code,commune_code\n,001,00001\n");
    ck_assert_ptr_null(rt_units_load(&d, p, &err));
    unlink(p);
    ck_assert_ptr_nonnull(strstr(err.msg, ":2: column 'province_code' is empty"));
    p = write_tmp("");
    ck_assert_ptr_null(rt_units_load(&d, p, &err));
    unlink(p);
    ck_assert_ptr_nonnull(strstr(err.msg, "empty"));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("rt_units");
    TCase *t = tcase_create("core");
    tcase_add_test(t, old_three_level_list);
    tcase_add_test(t, new_two_level_list);
    tcase_add_test(t, quoted_bom_crlf_duplicates);
    tcase_add_test(t, bad_unit_files);
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
