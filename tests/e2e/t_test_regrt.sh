# `regc test` and `regrt` cannot disagree: for every example, the data rows
# of each test block are written as the CSV files a unit would submit and
# run through `regrt validate` (and `regrt rollup`) with the library `regc
# build` makes; every expectation of the test (`expect row N passes|fails`,
# the roll-up values) must hold for regrt's output too, as it holds for
# `regc test` (which runs the same library's kernels, t_examples).
mkdir -p "$tmp/tv"
ok_tv=1
for spec in "$ROOT"/examples/*/*.regime; do
    name=$(basename "$spec" .regime)
    grep -q '^test ' "$spec" || continue
    if ! "$REGC" test "$spec" >"$tmp/tv/$name.test" 2>&1; then
        fail "test vs regrt: regc test $name: $(tail -3 "$tmp/tv/$name.test")"
        continue
    fi
    if ! "$REGC" build "$spec" -o "$tmp/tv/$name" >"$tmp/tv/$name.build" 2>&1; then
        fail "test vs regrt: regc build $name: $(tail -3 "$tmp/tv/$name.build")"
        continue
    fi
    python3 - "$spec" "$tmp/tv/$name" "$tmp/tv/$name.data" "$REGRT" "$ROOT/stdlib" >"$tmp/tv/$name.out" 2>&1 <<'PY'
import csv, os, re, subprocess, sys
from decimal import Decimal
spec, lib, work, regrt, stdlib = sys.argv[1:6]
os.makedirs(work, exist_ok=True)
text = open(spec, encoding='utf-8').read()

def strip_comments(s):
    out = []
    for line in s.split('\n'):
        q = False
        for i, ch in enumerate(line):
            if ch == '"':
                q = not q
            elif ch == '#' and not q:
                line = line[:i]
                break
        out.append(line)
    return '\n'.join(out)
text = strip_comments(text)

# the units file of the regime's tiers (in the spec or the standard library)
tiers = re.search(r'^\s*tiers\s+(\w+)\s*$', text, re.M)
units = None
if tiers:
    for path in [spec] + [os.path.join(stdlib, f) for f in sorted(os.listdir(stdlib)) if f.endswith('.regime')]:
        src = strip_comments(open(path, encoding='utf-8').read())
        m = re.search(r'tiers\s+' + tiers.group(1) + r'\s*\{[^}]*?units\s+"([^"]+)"', src, re.S)
        if m:
            units = os.path.join(os.path.dirname(path), m.group(1))
            break

def tokens(s):
    return re.findall(r'"(?:[^"\\]|\\.)*"|[^\s,()]+', s)

def cell(t):
    if t == 'missing':
        return ''
    if t.startswith('"'):
        return t[1:-1]
    return t

def run(args):
    p = subprocess.run([regrt] + args, capture_output=True, text=True)
    return p

checked = mism = 0
for m in re.finditer(r'^test\s+"([^"]*)"\s*\{(.*?)^\}', text, re.M | re.S):
    title, body = m.group(1), m.group(2)
    rows = []          # (form, {col: text})
    blocks = re.split(r'^\s*(data|expect)\b', body, flags=re.M)
    expects = []
    i = 1
    while i < len(blocks):
        kind, rest = blocks[i], blocks[i + 1]
        i += 2
        if kind == 'data':
            hm = re.match(r'\s*(\w+)\s*\(([^)]*)\)(.*)', rest, re.S)
            form, cols = hm.group(1), [c.strip() for c in hm.group(2).split(',')]
            for r in re.findall(r'\(((?:[^()"]|"(?:[^"\\]|\\.)*")*)\)', hm.group(3)):
                vals = [cell(t) for t in tokens(r)]
                rows.append((form, dict(zip(cols, vals)), cols))
        else:
            expects.append(' '.join(rest.split()))
    forms = []
    for f, _, cols in rows:
        if f not in forms:
            forms.append(f)
    files, index = {}, {}
    for f in forms:
        cols = []
        for g, _, cs in rows:
            if g == f:
                for c in cs:
                    if c not in cols:
                        cols.append(c)
        path = os.path.join(work, '%s-%d-%s.csv' % (re.sub(r'\W', '_', title), m.start(), f))
        n = 0
        with open(path, 'w', newline='', encoding='utf-8') as fp:
            w = csv.writer(fp, lineterminator='\n')
            w.writerow(cols)
            for k, (g, vals, _) in enumerate(rows):
                if g == f:
                    n += 1
                    index[k + 1] = (f, n)
                    w.writerow([vals.get(c, '') for c in cols])
        files[f] = path
    fails = {}
    uarg = ['--units', units] if units else []
    for f in forms:
        others = [files[g] for g in forms if g != f]
        p = run(['validate', lib, '--form', f, '--format', 'csv'] + uarg + [files[f]] + others)
        if p.returncode == 2 and others:
            # no rule of f reads the other forms: their files are not joined
            p = run(['validate', lib, '--form', f, '--format', 'csv'] + uarg + [files[f]])
        if p.returncode not in (0, 1):
            print('regrt validate failed: %s: %s' % (title, p.stderr.strip()))
            mism += 1
            continue
        for rec in csv.DictReader(p.stdout.splitlines()):
            if rec['row_number']:
                fails.setdefault((f, int(rec['row_number'])), set()).add(rec['rule'])
                continue
            # a hierarchy's result: the group's row holding the rule's total
            # code (its keys are the result's), as regc test reports it
            keys = [c for c in rec if c not in ('row_number', 'rule', 'severity', 'file')]
            k = 0
            for (g, vals, _) in rows:
                if g != f:
                    continue
                k += 1
                if all(str(vals.get(c, '')) == rec[c] for c in keys):
                    fails.setdefault((f, k), set()).add(rec['rule'])
    for x in expects:
        xm = re.match(r'row (\d+) (passes|fails (.*))$', x)
        if xm:
            f, n = index[int(xm.group(1))]
            want = set() if xm.group(2) == 'passes' else {c.strip().strip('"') for c in xm.group(3).split(',')}
            got = fails.get((f, n), set())
            checked += 1
            if got != want:
                mism += 1
                print('MISMATCH %s: expect %s: regrt fails %s' % (title, x, sorted(got)))
            continue
        if re.match(r'row \d+ message', x):
            continue
        rm = re.match(r'(\w+) (\w+) (.*) (\w+) = (\S+)$', x)
        if not rm:
            continue
        rollup, level, keys, measure, value = rm.groups()
        keys = [cell(t) for t in tokens(keys)]
        out = os.path.join(work, 'rollup.csv')
        ru_form = re.search(r'^rollup\s+' + rollup + r'\s+for\s+(\w+)', text, re.M).group(1)
        p = run(['rollup', lib, '--rollup', rollup, '-q', '-o', out] + uarg + [files[ru_form]])
        if p.returncode not in (0, 1):
            print('regrt rollup failed: %s: %s' % (title, p.stderr.strip()))
            mism += 1
            continue
        hit = None
        for rec in csv.reader(open(out, encoding='utf-8')):
            if rec and rec[0] == level and rec[1:1 + len(keys)] == keys:
                hit = rec
        head = next(csv.reader(open(out, encoding='utf-8')))
        got = hit[head.index(measure)] if hit and measure in head else None
        checked += 1
        if value == 'missing':
            ok = got in (None, '')
        else:
            wantv = Decimal(value[:-1]) / 100 if value.endswith('%') and not (got or '').endswith('%') else Decimal(value.rstrip('%'))
            ok = got not in (None, '') and Decimal(got.rstrip('%')) == wantv
        if not ok:
            mism += 1
            print('MISMATCH %s: expect %s: regrt gives %s' % (title, x, got))
print('checked %d expectations, %d mismatch(es)' % (checked, mism))
sys.exit(1 if mism or not checked else 0)
PY
    if [ $? -eq 0 ]; then pass; else ok_tv=0; fail "test vs regrt: $name: $(cat "$tmp/tv/$name.out")"; fi
done
[ "$ok_tv" = 1 ] && pass || fail "test vs regrt: some example disagrees"
