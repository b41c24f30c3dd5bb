#!/usr/bin/env python3
"""lunar_check.py — verify the lunar dates in vn_holidays.csv.

Vietnam's lunar calendar (âm lịch) is computed for the meridian of UTC+7:
a month starts on the civil day (in UTC+7) of the astronomical new moon,
month 11 is the month that contains the winter solstice, and in a year with
13 months the leap month is the first one that contains no principal solar
term (trung khí). This script implements that rule with the standard
low-precision formulas (Jean Meeus, *Astronomical Algorithms*, ch. 25 and
49, as used by most published Vietnamese lunar converters) — it is an
independent computation, not a table copied from anywhere.

It then checks, for 2024–2030, that
  * every row named "Tết Nguyên đán" in vn_holidays.csv carries the lunar
    date written in its name (e.g. "mùng 1 tháng Giêng"), and
  * the Hùng Kings' day is 10th day of the 3rd lunar month.

Usage: python3 stdlib/data/lunar_check.py [stdlib/data/vn_holidays.csv]
Exit 0 when everything matches, 1 otherwise. Only the Python standard
library is used.
"""
import csv
import datetime as dt
import math
import os
import re
import sys

TZ = 7.0  # Vietnam: UTC+7


def jd_from_date(d, m, y):
    a = (14 - m) // 12
    yy = y + 4800 - a
    mm = m + 12 * a - 3
    return d + (153 * mm + 2) // 5 + 365 * yy + yy // 4 - yy // 100 + yy // 400 - 32045


def date_from_jd(jd):
    return dt.date.fromordinal(jd - 1721425)


def new_moon(k):
    """Julian day (TT ~ UT) of the k-th new moon after 1900-01-01."""
    t = k / 1236.85
    t2, t3 = t * t, t * t * t
    dr = math.pi / 180
    jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
    jd1 += 0.00033 * math.sin((166.56 + 132.87 * t - 0.009173 * t2) * dr)
    m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3
    mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3
    f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3
    c1 = (0.1734 - 0.000393 * t) * math.sin(m * dr) + 0.0021 * math.sin(2 * dr * m)
    c1 -= 0.4068 * math.sin(mpr * dr) - 0.0161 * math.sin(dr * 2 * mpr)
    c1 -= 0.0004 * math.sin(dr * 3 * mpr)
    c1 += 0.0104 * math.sin(dr * 2 * f) - 0.0051 * math.sin(dr * (m + mpr))
    c1 -= 0.0074 * math.sin(dr * (m - mpr)) - 0.0004 * math.sin(dr * (2 * f + m))
    c1 -= 0.0004 * math.sin(dr * (2 * f - m)) + 0.0006 * math.sin(dr * (2 * f + mpr))
    c1 += 0.0010 * math.sin(dr * (2 * f - mpr)) + 0.0005 * math.sin(dr * (2 * mpr + m))
    deltat = -0.000278 + 0.000265 * t + 0.000262 * t2
    return jd1 + c1 - deltat


def sun_longitude(jdn):
    """Apparent solar longitude in radians at Julian day jdn (UT)."""
    t = (jdn - 2451545.0) / 36525
    t2 = t * t
    dr = math.pi / 180
    m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2
    l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2
    dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * math.sin(dr * m)
    dl += (0.019993 - 0.000101 * t) * math.sin(dr * 2 * m) + 0.000290 * math.sin(dr * 3 * m)
    lon = (l0 + dl) * dr
    return lon - 2 * math.pi * math.floor(lon / (2 * math.pi))


def new_moon_day(k):
    return int(math.floor(new_moon(k) + 0.5 + TZ / 24))


def sun_sector(day):
    """Which 30-degree sector the sun is in at the start of the civil day."""
    return int(sun_longitude(day - 0.5 - TZ / 24) / math.pi * 6)


def month11_start(year):
    off = jd_from_date(31, 12, year) - 2415021
    k = int(off / 29.530588853)
    nm = new_moon_day(k)
    if sun_sector(nm) >= 9:
        nm = new_moon_day(k - 1)
    return nm


def leap_offset(a11):
    k = int((a11 - 2415021.076998695) / 29.530588853 + 0.5)
    i = 1
    arc = sun_sector(new_moon_day(k + i))
    while True:
        last = arc
        i += 1
        arc = sun_sector(new_moon_day(k + i))
        if arc == last or i >= 14:
            break
    return i - 1


def solar_to_lunar(d):
    """(day, month, lunar year, leap) of the Gregorian date d."""
    day = jd_from_date(d.day, d.month, d.year)
    k = int((day - 2415021.076998695) / 29.530588853)
    start = new_moon_day(k + 1)
    if start > day:
        start = new_moon_day(k)
    a11 = month11_start(d.year)
    b11 = a11
    if a11 >= start:
        lyear = d.year
        a11 = month11_start(d.year - 1)
    else:
        lyear = d.year + 1
        b11 = month11_start(d.year + 1)
    lday = day - start + 1
    diff = (start - a11) // 29
    leap = 0
    lmonth = diff + 11
    if b11 - a11 > 365:
        lo = leap_offset(a11)
        if diff >= lo:
            lmonth = diff + 10
            if diff == lo:
                leap = 1
    if lmonth > 12:
        lmonth -= 12
    if lmonth >= 11 and diff < 4:
        lyear -= 1
    return lday, lmonth, lyear, leap


MONTHS = {"Giêng": 1, "Chạp": 12}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "vn_holidays.csv")
    bad = 0
    # 1. the first day of every lunar year and the Hùng Kings' day
    for year in range(2024, 2031):
        d = dt.date(year, 1, 15)
        while solar_to_lunar(d)[:2] != (1, 1):
            d += dt.timedelta(days=1)
        h = d
        while solar_to_lunar(h)[:2] != (10, 3) or solar_to_lunar(h)[3]:
            h += dt.timedelta(days=1)
        print(f"{year}: Tết (1/1 lunar) = {d.isoformat()} {d.strftime('%a')}, "
              f"Hùng Kings (10/3 lunar) = {h.isoformat()} {h.strftime('%a')}")
    # 2. every lunar date written in the holiday names
    pat = re.compile(r"(\d+|mùng \d+) tháng (Giêng|Chạp)")
    n = 0
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            date = dt.date.fromisoformat(row["date"])
            lday, lmonth, _, leap = solar_to_lunar(date)
            m = pat.search(row["name_vi"])
            if "Giỗ Tổ Hùng Vương" in row["name_vi"] and "bù" not in row["name_vi"]:
                n += 1
                if (lday, lmonth, leap) != (10, 3, 0):
                    print(f"MISMATCH {row['date']}: Hùng Kings' day is not 10/3 lunar "
                          f"(it is {lday}/{lmonth})")
                    bad += 1
            if m:
                n += 1
                want_day = int(m.group(1).replace("mùng ", ""))
                want_month = MONTHS[m.group(2)]
                if (lday, lmonth) != (want_day, want_month):
                    print(f"MISMATCH {row['date']}: name says {want_day}/{want_month}, "
                          f"computed {lday}/{lmonth}")
                    bad += 1
    print(f"checked {n} lunar dates in {os.path.basename(path)}: "
          + ("all match" if not bad else f"{bad} mismatches"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
