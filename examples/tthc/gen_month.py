#!/usr/bin/env python3
"""gen_month.py — one month of Biểu 06 submissions for every real commune.

Reads a unit list (stdlib/data/vn_admin_units_2025-03-01.csv by default) and
writes to stdout, in the submission format of examples/tthc/tthc.regime,

    unit,period,domain,carried,new_online,new_direct,received,early,ontime,
    late,resolved,pending_due,pending_overdue,pending

a few rows (one per domain of procedures the commune handled) for each
commune, with figures that satisfy every rule of the regime, and then a
handful of deliberate errors, one or two per rule, so that a demo shows each
rule firing. The list of injected errors goes to stderr (or to --log FILE).

Deterministic: the same arguments give the same bytes (a fixed-seed PRNG,
no clock, no hash randomisation). Python 3 standard library only.

Usage: gen_month.py [--units FILE] [--month YYYY-MM] [--seed N] [--log FILE]
"""
import argparse
import csv
import random
import sys

HEADER = ("unit,period,domain,carried,new_online,new_direct,received,early,ontime,"
          "late,resolved,pending_due,pending_overdue,pending")
DOMAINS = ["D%02d" % i for i in range(1, 41)]
# Domains most communes handle every month (civil status, certification,
# land, justice, labour and social affairs), then the rest.
COMMON = ["D02", "D03", "D04", "D01", "D07"]


def communes(path):
    seen = set()
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            c = r["commune_code"]
            if c and c not in seen:  # island districts have no commune
                seen.add(c)
                yield c


def row(rng, unit, period, domain):
    """One balanced row: every relation of Biểu 06 holds."""
    big = domain in ("D02", "D03")  # civil status, certification: busy
    carried = rng.randint(0, 6)
    new_online = rng.randint(0, 40 if big else 8)
    new_direct = rng.randint(0, 30 if big else 6)
    received = carried + new_online + new_direct
    resolved = received - rng.randint(0, min(received, 5))
    late = 1 if resolved >= 3 and rng.random() < 0.15 else 0
    early = rng.randint(0, resolved - late)
    ontime = resolved - late - early
    pending = received - resolved
    pending_overdue = rng.randint(0, 1) if pending and rng.random() < 0.1 else 0
    pending_due = pending - pending_overdue
    return [unit, period, domain, carried, new_online, new_direct, received, early, ontime,
            late, resolved, pending_due, pending_overdue, pending]


# Deliberate errors: each breaks exactly one rule of a balanced row.
def _v1(r): r[4] += 1                       # online +1, total received kept
def _v2(r): r[7] += 1                       # early +1, total resolved kept
def _v3(r): r[12] += 1                      # overdue +1, total pending kept
def _v4(r): r[11] += 3; r[13] += 3          # pending (and its parts) +3
def _v5a(r): r[7] = "-3"                    # negative
def _v5b(r): r[9] = "1.5"                   # not a whole number
def _v5c(r): r[3] = ""                      # empty
def _v5d(r): r[4] = "1234567890"            # 10 digits
def _v6(r): r[2] = "D41"                    # not a domain
def _v6b(r): r[2] = "d02"                   # codes are case-sensitive
def _v7(r): r[0] = "99999"                  # not a commune
def _v7b(r): r[0] = r[0][:4]                # a commune code with a digit lost


def _v8(r):                                 # 1 of 4 resolved on time
    r[3:14] = [0, 4, 0, 4, 0, 1, 3, 4, 0, 0, 0]


INJECT = [
    ("V1", "total received does not add up", _v1),
    ("V2", "total resolved does not add up", _v2),
    ("V3", "total pending does not add up", _v3),
    ("V4", "received is not resolved + pending", _v4),
    ("V5", "negative figure -3", _v5a),
    ("V5", "decimal figure 1.5", _v5b),
    ("V5", "empty figure", _v5c),
    ("V5", "figure with 10 digits", _v5d),
    ("V6", "domain D41 is not in the list", _v6),
    ("V6", "domain d02 (codes are case-sensitive)", _v6b),
    ("V7", "unit 99999 is not a commune", _v7),
    ("V7", "unit code with a digit missing", _v7b),
    ("V8", "on-time share 1 of 4 (warning)", _v8),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--units", default="stdlib/data/vn_admin_units_2025-03-01.csv")
    ap.add_argument("--month", default="2025-05")
    ap.add_argument("--seed", type=int, default=20190124)  # Decree 09 was signed 24/01/2019
    ap.add_argument("--log", help="write the list of injected errors here instead of stderr")
    a = ap.parse_args()
    if len(a.month) != 7 or a.month[4] != "-" or not (a.month[:4] + a.month[5:]).isdigit():
        ap.error("--month must look like 2025-05")
    rng = random.Random(a.seed)
    rows = []
    for unit in communes(a.units):
        k = rng.randint(2, 5)
        doms = COMMON[:k]
        extra = rng.sample(DOMAINS, rng.randint(0, 3))
        for d in sorted(set(doms) | set(extra)):
            rows.append(row(rng, unit, a.month, d))
    # Spread the errors through the file, at fixed positions.
    log = open(a.log, "w", encoding="utf-8") if a.log else sys.stderr
    step = max(1, len(rows) // (len(INJECT) + 1))
    for i, (rule, what, fn) in enumerate(INJECT):
        n = step * (i + 1)
        fn(rows[n - 1])
        print("row %d (line %d): %s -> %s" % (n, n + 1, what, rule), file=log)
    if a.log:
        log.close()
    out = sys.stdout
    out.write(HEADER + "\n")
    for r in rows:
        out.write(",".join(str(x) for x in r) + "\n")


if __name__ == "__main__":
    main()
