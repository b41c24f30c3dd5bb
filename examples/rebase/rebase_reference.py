#!/usr/bin/env python3
"""rebase_reference.py — the re-basing of examples/rebase, computed by hand
in a few lines, to check `regrt rollup --rebase` against.

Reads the 2025-Q2 submissions of old communes and the merge map of the
stdlib; writes, for every new commune that received an old one,
  new_commune,new_name,births,births_ontime,deaths,marriages,population,sources
summing the old communes that went *fully* into it, and then one line per
*partial* merge that was not added, because a partial merge needs an
apportioning rule (which share of the old commune went where):
  partial,<old code>,<old name>,-> <new code> <new name>

Usage: python3 examples/rebase/rebase_reference.py [DATA.csv [MERGES.csv]]
"""
import csv
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "registrations_2025-Q2.csv")
merges = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
    root, "stdlib", "data", "vn_commune_merges_2025-07-01.csv")
measures = ["births", "births_ontime", "deaths", "marriages", "population"]

rows = {r["unit"]: r for r in csv.DictReader(open(data, encoding="utf-8", newline=""))}
sums, names, sources, partial = {}, {}, {}, []
for m in csv.DictReader(open(merges, encoding="utf-8", newline="")):
    old = m["old_commune_code"]
    if old not in rows:
        continue
    new = m["commune_code"]
    names[new] = m["commune_name"]
    if m["merge_type"] == "partial":
        partial.append((old, m["old_commune_name"], new, m["commune_name"]))
        continue
    acc = sums.setdefault(new, [0] * len(measures))
    for i, k in enumerate(measures):
        acc[i] += int(rows[old][k])
    sources.setdefault(new, []).append(old)

out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["new_commune", "new_name"] + measures + ["sources"])
for new in sorted(names):
    acc = sums.get(new, [0] * len(measures))
    out.writerow([new, names[new]] + acc + [" ".join(sorted(sources.get(new, [])))])
for old, oname, new, nname in sorted(partial):
    out.writerow(["partial", old, oname, "-> " + new + " " + nname])
