#!/usr/bin/env python3
"""Writes one month of Biểu 06 with its "Tổng số" row for every commune of
the stdlib's 2025-07-01 unit list (3,321 communes): a row per domain that had
case files, and the TONG row, their sum. Every 50th commune's total row is
off by one in `received` and `pending` (so that its own row stays balanced):
67 communes whose total row regrt must report, twice each (T1.received,
T1.pending). Deterministic: the same bytes every run.

    gen_month.py UNITS.csv 2025-08 > bieu06_2025-08.csv
"""
import csv
import sys

DOMAINS = ["D01", "D02", "D03", "D04", "D05", "D06"]


def main():
    units, period = sys.argv[1], sys.argv[2]
    communes = [r["commune_code"] for r in csv.DictReader(open(units, encoding="utf-8")) if r["commune_code"]]
    seed = 12345
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["unit", "period", "linh_vuc", "received", "online", "resolved", "pending"])
    for i, c in enumerate(communes):
        rows = []
        for d in DOMAINS:
            seed = (seed * 1103515245 + 12345) % 2147483648
            if seed % 5 == 0:
                continue  # no case files in this domain: the row is left out
            received = seed % 97
            online = received * (seed % 7) // 10
            pending = received * (seed % 3) // 10
            rows.append([c, period, d, received, online, received - pending, pending])
        total = [c, period, "TONG"] + [sum(r[k] for r in rows) for k in range(3, 7)]
        if i % 50 == 0:
            total[3] += 1  # received
            total[6] += 1  # pending: received = resolved + pending still holds
        out.writerow(total)
        out.writerows(rows)


if __name__ == "__main__":
    main()
