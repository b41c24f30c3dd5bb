/*
 * core_date.c — calendar dates and reporting periods (shared core, core.h).
 *
 * Dates are day numbers since 1970-01-01 (proleptic Gregorian), converted
 * with Howard Hinnant's civil-date algorithms: exact, no time zones, no libc.
 * Every period is reduced to its range of months so that mapping a month into
 * a quarter, a quarter into a year, etc. is one rule instead of a table.
 */
#include "rt.h"

int64_t rt_days_from_civil(int y, int m, int d)
{
    int64_t yy = (int64_t)y - (m <= 2);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    int64_t yoe = yy - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void rt_civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return dm[m - 1];
}

/* n (1..4) digits, no sign: the count parser of core_dec.c. */
static int dig(const char *s, size_t n, int *v)
{
    int64_t x;
    if (rt_parse_count(s, n, 0, &x)) return -1;
    *v = (int)x;
    return 0;
}

int rt_date_parse(const char *s, size_t len, int64_t *days)
{
    int y, m, d;
    if (len != 10 || s[4] != '-' || s[7] != '-') return -1;
    if (dig(s, 4, &y) || dig(s + 5, 2, &m) || dig(s + 8, 2, &d)) return -1;
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return -1;
    *days = rt_days_from_civil(y, m, d);
    return 0;
}

void rt_date_format(int64_t days, char *buf)
{
    int y, m, d;
    rt_civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999) {
        snprintf(buf, 11, "%s", "xxxx-xx-xx");
        return;
    }
    buf[0] = (char)('0' + y / 1000);
    buf[1] = (char)('0' + y / 100 % 10);
    buf[2] = (char)('0' + y / 10 % 10);
    buf[3] = (char)('0' + y % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + d / 10);
    buf[9] = (char)('0' + d % 10);
    buf[10] = 0;
}

int rt_weekday(int64_t days)
{
    /* 1970-01-01 was a Thursday (3 when Monday is 0). */
    int64_t w = (days + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

int64_t rt_period_parse(uint32_t freq, const char *s, size_t len)
{
    int y, x;
    if (len < 4 || dig(s, 4, &y)) return -1;
    switch (freq) {
    case RG_F_MONTHLY:
        if (len != 7 || s[4] != '-' || dig(s + 5, 2, &x) || x < 1 || x > 12) return -1;
        return (int64_t)y * 12 + x - 1;
    case RG_F_QUARTERLY:
        if (len != 7 || s[4] != '-' || s[5] != 'Q' || dig(s + 6, 1, &x) || x < 1 || x > 4)
            return -1;
        return (int64_t)y * 4 + x - 1;
    case RG_F_HALF_YEARLY:
        if (len != 7 || s[4] != '-' || s[5] != 'H' || dig(s + 6, 1, &x) || x < 1 || x > 2)
            return -1;
        return (int64_t)y * 2 + x - 1;
    case RG_F_NINE_MONTHS:
        if (len != 7 || memcmp(s + 4, "-9M", 3)) return -1;
        return y;
    case RG_F_YEARLY:
        if (len != 4) return -1;
        return y;
    default:
        return -1;
    }
}

size_t rt_period_format(uint32_t freq, int64_t p, char *buf)
{
    int n;
    if (p < 0) {
        buf[0] = 0;
        return 0;
    }
    switch (freq) {
    case RG_F_MONTHLY:
        n = snprintf(buf, 16, "%04lld-%02lld", (long long)(p / 12), (long long)(p % 12 + 1));
        break;
    case RG_F_QUARTERLY:
        n = snprintf(buf, 16, "%04lld-Q%lld", (long long)(p / 4), (long long)(p % 4 + 1));
        break;
    case RG_F_HALF_YEARLY:
        n = snprintf(buf, 16, "%04lld-H%lld", (long long)(p / 2), (long long)(p % 2 + 1));
        break;
    case RG_F_NINE_MONTHS:
        n = snprintf(buf, 16, "%04lld-9M", (long long)p);
        break;
    case RG_F_YEARLY:
        n = snprintf(buf, 16, "%04lld", (long long)p);
        break;
    default:
        n = snprintf(buf, 16, "%lld", (long long)p);
    }
    return n < 0 ? 0 : (size_t)n;
}

int rt_period_months(uint32_t freq, int64_t p, int64_t *first, int64_t *last)
{
    if (p < 0) return -1;
    switch (freq) {
    case RG_F_MONTHLY: *first = p; *last = p; return 0;
    case RG_F_QUARTERLY: *first = p * 3; *last = p * 3 + 2; return 0;
    case RG_F_HALF_YEARLY: *first = p * 6; *last = p * 6 + 5; return 0;
    case RG_F_NINE_MONTHS: *first = p * 12; *last = p * 12 + 8; return 0;
    case RG_F_YEARLY: *first = p * 12; *last = p * 12 + 11; return 0;
    default: return -1;
    }
}

static int64_t period_of_month(uint32_t freq, int64_t mo)
{
    switch (freq) {
    case RG_F_MONTHLY: return mo;
    case RG_F_QUARTERLY: return mo / 3;
    case RG_F_HALF_YEARLY: return mo / 6;
    case RG_F_NINE_MONTHS: return mo % 12 < 9 ? mo / 12 : -1;
    case RG_F_YEARLY: return mo / 12;
    default: return -1;
    }
}

int rt_period_map(uint32_t from, int64_t p, uint32_t to, int64_t *target, uint8_t *pos)
{
    int64_t f, l, tf, tl;
    if (rt_period_months(from, p, &f, &l)) return -1;
    int64_t t = period_of_month(to, f);
    if (t < 0 || period_of_month(to, l) != t) return -1;
    rt_period_months(to, t, &tf, &tl);
    *target = t;
    /* the sub-period's index: whole source periods from the target's start */
    int64_t idx = (f - tf) / (l - f + 1);
    if (idx > 63) idx = 63;
    *pos = (uint8_t)((f == tf ? 1 : 0) | (l == tl ? 2 : 0) | (idx << 2));
    return 0;
}

static const struct {
    const char *name;
    uint32_t freq;
} freq_names[] = {
    {"monthly", RG_F_MONTHLY},         {"month", RG_F_MONTHLY},
    {"quarterly", RG_F_QUARTERLY},     {"quarter", RG_F_QUARTERLY},
    {"half-yearly", RG_F_HALF_YEARLY}, {"half-year", RG_F_HALF_YEARLY},
    {"half", RG_F_HALF_YEARLY},        {"nine-months", RG_F_NINE_MONTHS},
    {"9m", RG_F_NINE_MONTHS},          {"yearly", RG_F_YEARLY},
    {"annual", RG_F_YEARLY},           {"year", RG_F_YEARLY},
};

int rt_freq_parse(const char *s, uint32_t *freq)
{
    for (size_t i = 0; i < sizeof freq_names / sizeof *freq_names; i++)
        if (!strcmp(s, freq_names[i].name)) {
            *freq = freq_names[i].freq;
            return 0;
        }
    return -1;
}

const char *rt_freq_name(uint32_t freq)
{
    switch (freq) {
    case RG_F_MONTHLY: return "monthly";
    case RG_F_QUARTERLY: return "quarterly";
    case RG_F_HALF_YEARLY: return "half-yearly";
    case RG_F_NINE_MONTHS: return "nine-months";
    case RG_F_YEARLY: return "yearly";
    default: return "none";
    }
}

int rt_period_parse_any(const char *s, uint32_t *freq, int64_t *p)
{
    static const uint32_t order[] = {RG_F_MONTHLY, RG_F_QUARTERLY, RG_F_HALF_YEARLY,
                                     RG_F_NINE_MONTHS, RG_F_YEARLY};
    size_t len = strlen(s);
    for (size_t i = 0; i < 5; i++) {
        int64_t v = rt_period_parse(order[i], s, len);
        if (v >= 0) {
            *freq = order[i];
            *p = v;
            return 0;
        }
    }
    return -1;
}
