#!/usr/bin/env python3
"""gen_big.py — big regime specs, to measure how regc scales.

    python3 bench/gen_big.py codes  N DIR   # a code list of N codes read from CSV (regc check)
    python3 bench/gen_big.py fields N DIR   # one form with N count fields, a rule total = sum of all (regc build)
    python3 bench/gen_big.py rules  N DIR   # one form, N rules over 100 fields (regc build)
    python3 bench/gen_big.py sums   N DIR   # N rules, each a + chain of 999 fields (regc build)

Each writes DIR/big.regime (and DIR/codes.csv for `codes`); the regime imports
the standard library, so run regc with REGIME_PATH=stdlib from the
repository's root, e.g.

    python3 bench/gen_big.py fields 5000 /tmp/f5k
    REGIME_PATH=stdlib /usr/bin/time -v build/bin/regc build /tmp/f5k/big.regime -o /tmp/f5k/out

Figures and commands: docs/BENCHMARKS.md ("Compile time of big regimes").
Only the Python standard library is used; the output depends only on the
arguments.
"""
import os
import sys

HEAD = """import decree09
import vn_tiers

regime big {
  version "1.0.0"
  label vi "Chế độ lớn" en "A big regime"
  kind periodic
  frequency monthly
  cutoff decree09
  content vi "Số liệu" en "Figures"
  submitted by commune
  received by province
  method electronic
  deadline commune 2 working days after cutoff
  outline vi "Đề cương" en "Outline"
  guidance vi "Hướng dẫn" en "Guidance"
  tiers vn_2025_07
  holidays vn_public
}
"""


def form_head(out, dim=None):
    out.append("form big {")
    out.append('  label vi "Biểu lớn" en "Big form"')
    out.append("  reported by commune")
    out.append("  period month")
    if dim:
        out.append(f"  dimension kind: code in {dim}")
        out.append('    label vi "Loại" en "Kind"')


def fields(out, n):
    # A compiled form rolls up at most 64 columns: the first 60 fields are
    # summed over units, the others are checked only (`over units none`).
    for i in range(1, n + 1):
        out.append(f"  field f{i}: count of items")
        out.append(f'    label vi "Ô {i}" en "Cell {i}"')
        if i > 60:
            out.append("    over units none")


def nested_sum(terms):
    """sum() takes at most 64 arguments: sums of sums for longer totals."""
    while len(terms) > 64:
        terms = ["sum(" + ", ".join(terms[k:k + 64]) + ")" for k in range(0, len(terms), 64)]
    return "sum(" + ", ".join(terms) + ")"


def rule(out, code, check, sev="error"):
    out.append(f"  rule {code} {sev}")
    out.append("    when well_formed")
    out.append(f"    check {check}")
    out.append(f'    message vi "Quy tắc {code} không đạt" en "Rule {code} fails"')


def gen_codes(n, d):
    with open(os.path.join(d, "codes.csv"), "w", encoding="utf-8") as f:
        f.write("code,label_vi,label_en\n")
        for i in range(n):
            f.write(f"C{i:07d},Mã {i},Code {i}\n")
    out = [HEAD, 'codelist kinds from "codes.csv" {', '  label vi "Loại" en "Kind"', "}", ""]
    form_head(out, "kinds")
    fields(out, 2)
    rule(out, "V1", "f2 <= f1")
    out.append("}")
    return out


ROLLUP = """
rollup monthly for big {
  levels commune, province, national
  period month
}"""


def gen_fields(n, d):
    out = [HEAD]
    form_head(out)
    fields(out, n)
    out.append("  field total: count of items")
    out.append('    label vi "Tổng" en "Total"')
    out.append("    over units none")
    rule(out, "V1", "total = " + nested_sum([f"f{i}" for i in range(1, n + 1)]))
    out.append("}")
    out.append(ROLLUP)
    return out


def gen_rules(n, d):
    out = [HEAD]
    form_head(out)
    fields(out, 100)
    for i in range(1, n + 1):
        a, b = i % 100 + 1, (i * 7) % 100 + 1
        if a == b:
            b = a % 100 + 1
        rule(out, f"R{i}", f"f{a} + {i} >= f{b}")
    out.append("}")
    return out


def gen_sums(n, d):
    out = [HEAD]
    form_head(out)
    fields(out, 1000)
    for i in range(1, n + 1):
        total = (i - 1) % 1000 + 1
        terms = [f"f{k}" for k in range(1, 1001) if k != total][:999]
        rule(out, f"S{i}", f"f{total} <= " + " + ".join(terms))
    out.append("}")
    return out


def main():
    kinds = {"codes": gen_codes, "fields": gen_fields, "rules": gen_rules, "sums": gen_sums}
    if len(sys.argv) != 4 or sys.argv[1] not in kinds or not sys.argv[2].isdigit():
        sys.stderr.write(__doc__)
        return 2
    n, d = int(sys.argv[2]), sys.argv[3]
    os.makedirs(d, exist_ok=True)
    out = kinds[sys.argv[1]](n, d)
    with open(os.path.join(d, "big.regime"), "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
