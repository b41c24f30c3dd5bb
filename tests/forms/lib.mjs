// lib.mjs — what both engine drivers share: reading a generated XForm, the
// rows the suite fills in (good and broken), and the comparison of an
// engine's verdicts and submissions with `regrt validate` and the XSD.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, basename } from 'node:path';
import { JSDOM } from 'jsdom';

const XF = 'http://www.w3.org/2002/xforms';
const JR = 'http://openrosa.org/javarosa';

// ---- the form, read from the XForm itself ----

export function readForm(path) {
  const text = readFileSync(path, 'utf8');
  const doc = new new JSDOM('').window.DOMParser().parseFromString(text, 'application/xml');
  const model = doc.getElementsByTagNameNS(XF, 'model')[0];
  const primary = [...model.getElementsByTagNameNS(XF, 'instance')].find((i) => !i.getAttribute('id'));
  const rootEl = [...primary.children][0];
  const root = rootEl.localName;
  const binds = new Map();
  for (const b of model.getElementsByTagNameNS(XF, 'bind')) {
    binds.set(b.getAttribute('nodeset'), {
      type: b.getAttribute('type'),
      required: b.getAttribute('required') === 'true()',
      readonly: b.getAttribute('readonly') === 'true()',
      calculate: b.getAttribute('calculate'),
      constraint: b.getAttribute('constraint') || '',
      relevant: b.getAttribute('relevant'),
    });
  }
  const items = new Map();
  const body = doc.getElementsByTagName('h:body')[0];
  for (const s of body.getElementsByTagNameNS(XF, 'select1'))
    items.set(s.getAttribute('ref'), [...s.getElementsByTagNameNS(XF, 'value')].map((v) => v.textContent));
  const repeat = body.getElementsByTagNameNS(XF, 'repeat')[0];
  const rowPath = repeat ? repeat.getAttribute('nodeset') : null;
  const field = (path) => ({ path, name: basename(path), ...binds.get(path), items: items.get(path) });
  const top = [], row = [];
  for (const c of rootEl.children) {
    const p = `/${root}/${c.localName}`;
    if (p === rowPath) for (const r of c.children) row.push(field(`${p}/${r.localName}`));
    else if (binds.has(p)) top.push(field(p));
  }
  const server = new Set();
  const sc = [...model.getElementsByTagNameNS(XF, 'instance')].find((i) => i.getAttribute('id') === 'server_checks');
  if (sc) for (const c of sc.getElementsByTagNameNS(XF, 'code')) server.add(c.textContent);
  const langs = [...model.getElementsByTagNameNS(XF, 'translation')].map((t) => t.getAttribute('lang'));
  // Per-unit fields (`per unit`) sit at the top of a form with rows: asked
  // once. A rule on them alone is a check or a note at the top, which regrt
  // reports once per unit and period, on the row with the smallest
  // dimension codes (docs/RUNTIME.md): its top-level findings belong there.
  const perUnit = new Set();
  if (rowPath) {
    const note = (f) => /^(warn|info)_/.test(f.name);
    const fields = top.filter((f) => !isKey(f) && !note(f)).map((f) => f.path);
    for (const f of top) {
      if (isKey(f)) continue;
      if (!note(f)) perUnit.add(f.path);
      else if (fields.some((p) => new RegExp(`${p}(?![\\w.-])`).test(f.relevant || ''))) perUnit.add(f.path);
    }
  }
  return { path, text, root, rowPath, rowName: rowPath && basename(rowPath), top, row, server, langs, perUnit };
}

// The rows an engine's finding at node `ref` stands for: its own row in the
// repeat; for a per-unit rule at the top, the row regrt reports it on; for
// the other top nodes (the keys) every row.
export function findingRows(form, c, ref, code) {
  const m = form.rowPath && new RegExp(`^${form.rowPath}\\[(\\d+)\\]`).exec(ref);
  if (m) return [Number(m[1])];
  if (!c.rows.length) return [1];
  if (code && form.perUnit.has(ref)) {
    const dims = form.row.filter((f) => f.items && f.required);
    const rank = (r) => dims.map((d) => d.items.indexOf(r[d.name]));
    let best = 0;
    c.rows.forEach((r, i) => {
      const a = rank(r), b = rank(c.rows[best]);
      const k = a.findIndex((x, j) => x !== b[j]);
      if (k >= 0 && a[k] < b[k]) best = i;
    });
    return [best + 1];
  }
  return c.rows.map((_, i) => i + 1);
}

// ---- the rows filled in ----

const PERIODS = ['2025-01', '2025-Q1', '2025-H1', '2025-9M', '2025'];

function periodFor(f) {
  const m = /regex\(\., '(.*)'\)/.exec(f.constraint);
  const re = m ? new RegExp(m[1]) : /^/;
  return PERIODS.find((p) => re.test(p)) || '2025-01';
}

function dateFor(f) {
  const m = /decimal-date-time\(\.\) >= decimal-date-time\('([0-9-]+)'\)/.exec(f.constraint);
  return m ? m[1] : '2025-01-15';
}

// The unit and period of a valid sample of the same form, when there is one.
export function sampleKeys(dirs, root) {
  for (const d of dirs) {
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d)) {
      if (!f.endsWith('.xml')) continue;
      const t = readFileSync(join(d, f), 'utf8');
      if (!new RegExp(`<${root}[ >]`).test(t)) continue;
      const u = /<unit>([^<]*)<\/unit>/.exec(t), p = /<period>([^<]*)<\/period>/.exec(t);
      if (!u || !p) continue;
      // the values of the form (its per-unit fields), then of its first row
      const values = {};
      const row = /<row>([\s\S]*?)<\/row>/.exec(t);
      for (const m of t.replace(/<row>[\s\S]*?<\/row>/g, '').matchAll(/<([A-Za-z_][\w.-]*)>([^<]+)<\/\1>/g)) values[m[1]] = m[2];
      for (const m of (row ? row[1] : '').matchAll(/<([A-Za-z_][\w.-]*)>([^<]+)<\/\1>/g)) values[m[1]] = m[2];
      return { unit: u[1], period: p[1], values };
    }
  }
  return null;
}

const numeric = (f) => f.type === 'int' || f.type === 'decimal';
const input = (f) => !f.calculate && !f.readonly;
const isKey = (f) => f.name === 'unit' || f.name === 'period';

function baseline(form, f, keys) {
  if (f.name === 'unit') return keys?.unit ?? '00001';
  if (f.name === 'period') return keys?.period ?? periodFor(f);
  const v = keys?.values?.[f.name];
  if (v !== undefined && (!f.items || f.items.includes(v))) return v;
  if (f.items) return f.items[0];
  if (numeric(f)) return '0';
  if (f.type === 'date') return dateFor(f);
  return 'x';
}

// The combinations of the dimensions (the required selects of the row).
function dimCombos(form) {
  const dims = form.row.filter((f) => f.items && f.required);
  let combos = [[]];
  for (const d of dims) combos = combos.flatMap((c) => d.items.map((v) => [...c, [d.name, v]]));
  return combos.map((c) => Object.fromEntries(c));
}

// A case: values of the top fields and of each row; `about` says what it tries.
export function cases(form, keys, nrows = 3) {
  const top = Object.fromEntries(form.top.filter(input).map((f) => [f.name, baseline(form, f, keys)]));
  const combos = form.rowPath ? dimCombos(form) : [];
  const n = form.rowPath ? Math.min(nrows, combos.length) : 0;
  const dims = new Set(combos.length ? Object.keys(combos[0]) : []);
  const rows = [];
  for (let i = 0; i < n; i++) {
    const r = {};
    for (const f of form.row.filter(input)) r[f.name] = dims.has(f.name) ? combos[i][f.name] : baseline(form, f, keys);
    rows.push(r);
  }
  const good = { top, rows };
  const clone = (c) => JSON.parse(JSON.stringify(c));
  const out = [{ about: 'good', ...clone(good) }];
  // fields that a rule can read, in the row (or at the top without rows)
  const pool = (form.rowPath ? form.row : form.top).filter((f) => input(f) && !isKey(f) && !dims.has(f.name));
  const target = form.rowPath ? Math.min(1, n - 1) : -1; // the second row
  const put = (c, row, name, v) => { if (row < 0) c.top[name] = v; else c.rows[row][name] = v; };
  for (const f of pool) {
    let v = null;
    if (numeric(f)) v = '7';
    else if (f.items && f.items.length > 1) v = f.items[f.items.length - 1];
    if (v === null) continue;
    const c = clone(good);
    put(c, target, f.name, v);
    out.push({ about: `${f.name}=${v} in ${target < 0 ? 'the form' : `row ${target + 1}`}`, ...c });
    if (numeric(f) && f.type === 'decimal') {
      const d = clone(good);
      put(d, target, f.name, '12');
      out.push({ about: `${f.name}=12 in ${target < 0 ? 'the form' : `row ${target + 1}`}`, ...d });
    }
  }
  // per-unit fields of a form with rows: asked once, at the top
  if (form.rowPath && n) {
    for (const f of form.top.filter((g) => input(g) && !isKey(g) && numeric(g))) {
      for (const v of ['0', '7']) {
        const c = clone(good);
        put(c, -1, f.name, v);
        out.push({ about: `${f.name}=${v} once for the unit`, ...c });
      }
    }
  }
  // several fields at once: every numeric field of the broken row
  {
    const c = clone(good);
    let k = 0;
    for (const f of pool) if (numeric(f)) put(c, target, f.name, String(3 + (k++ % 5)));
    if (k > 1) out.push({ about: `figures 3..7 in ${target < 0 ? 'the form' : `row ${target + 1}`}`, ...c });
  }
  // the first row broken, the others not
  const firstNum = pool.find(numeric);
  if (form.rowPath && n > 1 && firstNum) {
    const c = clone(good);
    put(c, 0, firstNum.name, '7');
    out.push({ about: `${firstNum.name}=7 in row 1`, ...c });
  }
  // a value outside its range
  const neg = pool.find((f) => numeric(f) && /\. >= 0/.test(f.constraint));
  if (neg) {
    const c = clone(good);
    put(c, target, neg.name, '-1');
    out.push({ about: `${neg.name}=-1 (out of range)`, ...c, malformed: true });
  }
  // two rows with the same dimensions
  if (form.rowPath && n > 1 && dims.size) {
    const c = clone(good);
    for (const d of dims) c.rows[1][d] = c.rows[0][d];
    out.push({ about: 'rows 1 and 2 with the same dimensions', ...c, malformed: true });
  }
  return out;
}

// ---- regrt and the XSD ----

// The libraries are private builds: unsigned (--allow-unsigned). The cases
// are one unit and period each, so a form with per-unit fields is checked
// one case at a time: together, their different per-unit values would be
// (rightly) refused as two values of one unit and period.
export function runRegrt(regrt, lib, form, lang, files, oneByOne = false) {
  if (oneByOne && files.length > 1) {
    const by = new Map();
    for (const f of files) by.set(f, runRegrt(regrt, lib, form, lang, [f]).get(f));
    return by;
  }
  const r = spawnSync(regrt, ['validate', lib, '--allow-unsigned', '--form', form, '--lang', lang, '--format', 'json', ...files],
                      { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`regrt validate failed (${r.status}): ${r.stderr}`);
  const j = JSON.parse(r.stdout);
  const by = new Map(files.map((f) => [f, []]));
  for (const v of j.violations) by.get(v.file)?.push(v);
  return by;
}

// xmllint --schema: the files that do not validate, with the reason.
export function runXsd(xsd, files) {
  const r = spawnSync('xmllint', ['--noout', '--schema', xsd, ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0 && r.status !== 3) throw new Error(`xmllint failed (${r.status}): ${r.stderr}`);
  const bad = new Map();
  for (const line of r.stderr.split('\n')) {
    const m = /^(.*?):\d+: .*?: (.*)$/.exec(line);
    if (m && files.includes(m[1])) bad.set(m[1], (bad.get(m[1]) ? bad.get(m[1]) + '; ' : '') + m[2]);
    const f = /^(.*) fails to validate$/.exec(line);
    if (f && !bad.has(f[1])) bad.set(f[1], 'fails to validate');
  }
  return bad;
}

// ---- comparison ----

// The findings of an engine: { row, code, severity, message } for rule
// failures, { row, kind: 'form', message } for the form's own checks.
export function splitMessage(text, codes) {
  const out = [];
  for (const line of (text ?? '').split('\n')) {
    const t = line.trim();
    if (!t) continue;
    const m = /^(\S+?): (.*)$/s.exec(t);
    if (m && codes.has(m[1])) out.push({ code: m[1], message: m[2] });
    else out.push({ code: null, message: t });
  }
  return out;
}

const key = (v) => `row ${v.row} ${v.severity} ${v.code}: ${v.message}`;

const same = (a, b) => a === b;

// Compares one case; returns a list of problems (empty when the engine and
// regrt agree and the submission is sound).
export function compare(form, c, engine, regrtEntries, xsdError) {
  const problems = [];
  const rules = regrtEntries.filter((v) => v.rule !== 'XSD' && !form.server.has(v.rule) && v.severity !== 'note');
  const xsdEntries = regrtEntries.filter((v) => v.rule === 'XSD');
  const want = rules.map((v) => ({ row: v.row, code: v.rule, severity: v.severity, message: v.message }));
  const got = engine.findings.filter((v) => v.code);
  const formChecks = engine.findings.filter((v) => !v.code);
  // A malformed value is missing for regrt's rules (they skip); in the form
  // its own constraint is what stops it, and the rules reading it may fail
  // too: for such a case only the verdicts are compared.
  const unmatched = c.malformed ? [] : [...got];
  for (const w of c.malformed ? [] : want) {
    const i = unmatched.findIndex((g) => g.row === w.row && g.code === w.code && g.severity === w.severity && same(w.message, g.message));
    if (i >= 0) unmatched.splice(i, 1);
    else problems.push(`regrt reports ${key(w)}; the engine does not`);
  }
  for (const g of unmatched) problems.push(`the engine reports ${key(g)}; regrt does not`);
  if (c.malformed) {
    if (!formChecks.length && !got.length) problems.push('the engine accepts a malformed value');
    if (!xsdError && !xsdEntries.length && !rules.length) problems.push('the XSD and regrt accept a malformed value');
  } else {
    if (formChecks.length) problems.push(`the engine rejects a well-formed row: ${formChecks.map((v) => `row ${v.row}: ${v.message}`).join('; ')}`);
    if (xsdError) problems.push(`the submission does not validate against the XSD: ${xsdError}`);
    if (xsdEntries.length) problems.push(`regrt rejects the submission: ${xsdEntries.map((v) => v.message).join('; ')}`);
  }
  const errors = engine.findings.some((v) => !v.code || v.severity === 'error');
  const regrtErrors = regrtEntries.some((v) => v.severity === 'error' && !form.server.has(v.rule));
  if (errors !== (regrtErrors || !!xsdError)) problems.push(`verdicts differ: engine ${errors ? 'rejects' : 'accepts'}, regrt/XSD ${regrtErrors || xsdError ? 'reject' : 'accept'}`);
  return problems;
}

export function writeCase(dir, name, xml) {
  mkdirSync(dir, { recursive: true });
  const p = join(dir, name);
  writeFileSync(p, xml);
  return p;
}
