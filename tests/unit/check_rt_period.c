/* Unit tests of dates, periods, cut-off windows, holidays and deadlines
 * (period.c, calendar.c). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "regrt.h"

static int64_t day(const char *s)
{
    int64_t d = -999999;
    ck_assert_msg(rt_date_parse(s, strlen(s), &d) == 0, "bad date %s", s);
    return d;
}

static const char *fmt(int64_t d)
{
    static char b[4][16];
    static int k;
    k = (k + 1) & 3;
    rt_date_format(d, b[k]);
    return b[k];
}

START_TEST(civil_dates)
{
    ck_assert_int_eq(rt_days_from_civil(1970, 1, 1), 0);
    ck_assert_int_eq(day("2000-03-01") - day("2000-02-28"), 2); /* 2000 is leap */
    ck_assert_int_eq(day("1900-03-01") - day("1900-02-28"), 1); /* 1900 is not */
    ck_assert_str_eq(fmt(day("2024-02-29")), "2024-02-29");
    for (int64_t d = -800000; d < 800000; d += 997) {
        int y, m, dd;
        rt_civil_from_days(d, &y, &m, &dd);
        ck_assert_int_eq(rt_days_from_civil(y, m, dd), d);
    }
    int64_t x;
    ck_assert_int_eq(rt_date_parse("2025-02-29", 10, &x), -1);
    ck_assert_int_eq(rt_date_parse("2025-13-01", 10, &x), -1);
    ck_assert_int_eq(rt_date_parse("2025-1-01", 9, &x), -1);
    ck_assert_int_eq(rt_date_parse("2025/01/01", 10, &x), -1);
    ck_assert_int_eq(rt_weekday(day("2025-01-01")), 2); /* a Wednesday */
    ck_assert_int_eq(rt_weekday(day("1969-12-29")), 0); /* a Monday, before the epoch */
}
END_TEST

START_TEST(period_labels)
{
    char b[16];
    ck_assert_int_eq(rt_period_parse(RG_F_MONTHLY, "2025-01", 7), 2025 * 12);
    ck_assert_int_eq(rt_period_parse(RG_F_MONTHLY, "2025-13", 7), -1);
    ck_assert_int_eq(rt_period_parse(RG_F_MONTHLY, "2025-1", 6), -1);
    ck_assert_int_eq(rt_period_parse(RG_F_QUARTERLY, "2025-Q4", 7), 2025 * 4 + 3);
    ck_assert_int_eq(rt_period_parse(RG_F_QUARTERLY, "2025-Q5", 7), -1);
    ck_assert_int_eq(rt_period_parse(RG_F_HALF_YEARLY, "2025-H2", 7), 2025 * 2 + 1);
    ck_assert_int_eq(rt_period_parse(RG_F_NINE_MONTHS, "2025-9M", 7), 2025);
    ck_assert_int_eq(rt_period_parse(RG_F_YEARLY, "2025", 4), 2025);
    rt_period_format(RG_F_MONTHLY, 2025 * 12 + 8, b);
    ck_assert_str_eq(b, "2025-09");
    rt_period_format(RG_F_QUARTERLY, 2024 * 4 + 3, b);
    ck_assert_str_eq(b, "2024-Q4");
    rt_period_format(RG_F_HALF_YEARLY, 2025 * 2, b);
    ck_assert_str_eq(b, "2025-H1");
    uint32_t f;
    int64_t p;
    ck_assert_int_eq(rt_period_parse_any("2025-Q2", &f, &p), 0);
    ck_assert_uint_eq(f, RG_F_QUARTERLY);
    ck_assert_int_eq(rt_period_parse_any("2025", &f, &p), 0);
    ck_assert_uint_eq(f, RG_F_YEARLY);
    ck_assert_int_eq(rt_period_parse_any("Q2", &f, &p), -1);
    ck_assert_int_eq(rt_freq_parse("quarter", &f), 0);
    ck_assert_uint_eq(f, RG_F_QUARTERLY);
    ck_assert_int_eq(rt_freq_parse("fortnight", &f), -1);
}
END_TEST

START_TEST(period_mapping)
{
    int64_t t;
    uint8_t pos;
    /* 2025-01 is the first month of 2025-Q1, 2025-03 its last */
    ck_assert_int_eq(rt_period_map(RG_F_MONTHLY, 2025 * 12, RG_F_QUARTERLY, &t, &pos), 0);
    ck_assert_int_eq(t, 2025 * 4);
    ck_assert_uint_eq(pos, 1);
    ck_assert_int_eq(rt_period_map(RG_F_MONTHLY, 2025 * 12 + 1, RG_F_QUARTERLY, &t, &pos), 0);
    ck_assert_uint_eq(pos, 1 << 2); /* the quarter's sub-period 1 */
    ck_assert_int_eq(rt_period_map(RG_F_MONTHLY, 2025 * 12 + 2, RG_F_QUARTERLY, &t, &pos), 0);
    ck_assert_uint_eq(pos, 2 | 2 << 2);
    /* a month is both ends of itself */
    ck_assert_int_eq(rt_period_map(RG_F_MONTHLY, 2025 * 12 + 5, RG_F_MONTHLY, &t, &pos), 0);
    ck_assert_uint_eq(pos, 3);
    /* quarters into years and halves */
    ck_assert_int_eq(rt_period_map(RG_F_QUARTERLY, 2025 * 4 + 3, RG_F_YEARLY, &t, &pos), 0);
    ck_assert_int_eq(t, 2025);
    ck_assert_uint_eq(pos, 2 | 3 << 2);
    ck_assert_int_eq(rt_period_map(RG_F_QUARTERLY, 2025 * 4 + 2, RG_F_HALF_YEARLY, &t, &pos), 0);
    ck_assert_int_eq(t, 2025 * 2 + 1);
    ck_assert_uint_eq(pos, 1);
    /* nine months: January to September only */
    ck_assert_int_eq(rt_period_map(RG_F_MONTHLY, 2025 * 12 + 8, RG_F_NINE_MONTHS, &t, &pos), 0);
    ck_assert_uint_eq(pos, 2 | 8 << 2);
    ck_assert_int_eq(rt_period_map(RG_F_MONTHLY, 2025 * 12 + 9, RG_F_NINE_MONTHS, &t, &pos), -1);
    ck_assert_int_eq(rt_period_map(RG_F_QUARTERLY, 2025 * 4 + 3, RG_F_NINE_MONTHS, &t, &pos), -1);
    /* never finer */
    ck_assert_int_eq(rt_period_map(RG_F_QUARTERLY, 2025 * 4, RG_F_MONTHLY, &t, &pos), -1);
}
END_TEST

static void window(uint32_t kind, int32_t d, uint32_t freq, const char *label, const char *from, const char *to)
{
    int64_t s, e;
    int64_t p = rt_period_parse(freq, label, strlen(label));
    ck_assert_int_ge(p, 0);
    ck_assert_int_eq(rt_cutoff_window(kind, d, freq, p, &s, &e), 0);
    ck_assert_str_eq(fmt(s), from);
    ck_assert_str_eq(fmt(e), to);
}

START_TEST(cutoff_decree09)
{
    /* Decree 09/2019/ND-CP, art. 12 */
    window(RG_CUTOFF_DECREE09, 0, RG_F_MONTHLY, "2025-01", "2024-12-15", "2025-01-14");
    window(RG_CUTOFF_DECREE09, 0, RG_F_MONTHLY, "2025-03", "2025-02-15", "2025-03-14");
    window(RG_CUTOFF_DECREE09, 0, RG_F_QUARTERLY, "2025-Q1", "2024-12-15", "2025-03-14");
    window(RG_CUTOFF_DECREE09, 0, RG_F_QUARTERLY, "2025-Q3", "2025-06-15", "2025-09-14");
    window(RG_CUTOFF_DECREE09, 0, RG_F_HALF_YEARLY, "2025-H1", "2024-12-15", "2025-06-14");
    window(RG_CUTOFF_DECREE09, 0, RG_F_HALF_YEARLY, "2025-H2", "2025-06-15", "2025-12-14");
    window(RG_CUTOFF_DECREE09, 0, RG_F_NINE_MONTHS, "2025-9M", "2024-12-15", "2025-09-14");
    window(RG_CUTOFF_DECREE09, 0, RG_F_YEARLY, "2025", "2024-12-15", "2025-12-14");
}
END_TEST

START_TEST(cutoff_calendar_and_day)
{
    window(RG_CUTOFF_CALENDAR, 0, RG_F_MONTHLY, "2024-02", "2024-02-01", "2024-02-29");
    window(RG_CUTOFF_CALENDAR, 0, RG_F_QUARTERLY, "2025-Q4", "2025-10-01", "2025-12-31");
    window(RG_CUTOFF_CALENDAR, 0, RG_F_YEARLY, "2025", "2025-01-01", "2025-12-31");
    window(RG_CUTOFF_DAY, 20, RG_F_MONTHLY, "2025-03", "2025-02-20", "2025-03-19");
    int64_t s, e;
    ck_assert_int_eq(rt_cutoff_window(RG_CUTOFF_DAY, 31, RG_F_MONTHLY, 2025 * 12, &s, &e), -1);
}
END_TEST

static char holidays_path[64];

static void write_holidays(void)
{
    strcpy(holidays_path, "/tmp/rt_hol_XXXXXX");
    int fd = mkstemp(holidays_path);
    ck_assert_int_ge(fd, 0);
    const char *csv = "date,name_vi,name_en\n"
                      "2025-05-01,Ngày Quốc tế Lao động,International Labour Day\n"
                      "2025-04-30,Ngày Chiến thắng,Reunification Day\n"
                      "2025-05-02,Nghỉ hoán đổi,Swapped day off\n"
                      "2025-05-02,duplicate,duplicate\n";
    ck_assert_int_eq(write(fd, csv, strlen(csv)), (int)strlen(csv));
    close(fd);
}

START_TEST(holidays_and_deadlines)
{
    rt_error err;
    write_holidays();
    rt_holidays *h = rt_holidays_load(holidays_path, &err);
    unlink(holidays_path);
    ck_assert_ptr_nonnull(h);
    ck_assert_uint_eq(rt_holidays_count(h), 3);
    ck_assert(rt_holidays_is(h, day("2025-04-30")));
    ck_assert(!rt_holidays_is(h, day("2025-04-29")));
    rt_set_lang(RT_LANG_VI);
    ck_assert_str_eq(rt_holidays_name(h, day("2025-04-30")), "Ngày Chiến thắng");
    rt_set_lang(RT_LANG_EN);
    ck_assert_str_eq(rt_holidays_name(h, day("2025-04-30")), "Reunification Day");
    /* Tue 29 Apr + 2 working days: 30 Apr, 1 and 2 May off, 3-4 May weekend */
    ck_assert_str_eq(fmt(rt_deadline(day("2025-04-29"), 2, 1, h)), "2025-05-06");
    /* calendar days ignore all that */
    ck_assert_str_eq(fmt(rt_deadline(day("2025-04-29"), 2, 0, h)), "2025-05-01");
    /* Fri 14 Feb + 2 working days, no holiday calendar */
    ck_assert_str_eq(fmt(rt_deadline(day("2025-02-14"), 2, 1, NULL)), "2025-02-18");
    ck_assert_str_eq(fmt(rt_deadline(day("2025-02-14"), 0, 1, NULL)), "2025-02-14");
    rt_holidays_free(h);
}
END_TEST

START_TEST(makeup_workdays_beside_holidays)
{
    /* X_holidays.csv brings X_makeup_workdays.csv along: Saturday
     * 2025-04-26 was worked to make up the day off of 2 May. */
    char dir[] = "/tmp/rt_calXXXXXX", hp[128], mp[128];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(hp, sizeof hp, "%s/vn_holidays.csv", dir);
    snprintf(mp, sizeof mp, "%s/vn_makeup_workdays.csv", dir);
    FILE *f = fopen(hp, "w");
    fputs("date,name_vi,name_en\n2025-05-02,Nghỉ hoán đổi,Swapped day off\n", f);
    fclose(f);
    f = fopen(mp, "w");
    fputs("date,name_vi,name_en\n2025-04-26,Làm bù,Make-up working day\n", f);
    fclose(f);
    rt_error err;
    rt_holidays *h = rt_holidays_load(hp, &err);
    unlink(hp);
    unlink(mp);
    rmdir(dir);
    ck_assert_ptr_nonnull(h);
    /* Thu 24 Apr + 2 working days: Fri 25, Sat 26 (worked) */
    ck_assert_str_eq(fmt(rt_deadline(day("2025-04-24"), 2, 1, h)), "2025-04-26");
    rt_holidays_free(h);
}
END_TEST

START_TEST(holiday_file_errors)
{
    rt_error err;
    char path[] = "/tmp/rt_holbadXXXXXX";
    int fd = mkstemp(path);
    const char *csv = "date,name_vi\n2025-02-30,x\n";
    ck_assert_int_eq(write(fd, csv, strlen(csv)), (int)strlen(csv));
    close(fd);
    ck_assert_ptr_null(rt_holidays_load(path, &err));
    unlink(path);
    ck_assert_int_eq(err.status, 2);
    ck_assert_ptr_nonnull(strstr(err.msg, ":2: '2025-02-30' is not a date"));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("rt_period");
    TCase *t = tcase_create("core");
    tcase_add_test(t, civil_dates);
    tcase_add_test(t, period_labels);
    tcase_add_test(t, period_mapping);
    tcase_add_test(t, cutoff_decree09);
    tcase_add_test(t, cutoff_calendar_and_day);
    tcase_add_test(t, holidays_and_deadlines);
    tcase_add_test(t, makeup_workdays_beside_holidays);
    tcase_add_test(t, holiday_file_errors);
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
