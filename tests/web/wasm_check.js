#!/usr/bin/env node
/*
 * wasm_check.js — the WebAssembly kernels give the native library's verdicts.
 *
 *   node tests/web/wasm_check.js REGC REGRT TMPDIR SPEC...
 *
 * For each example spec: `regc build` natively and for wasm32; for each CSV
 * beside the spec that a form accepts, and for mutated copies of it (a figure
 * off by one, a value emptied, a value made unreadable, on every row), runs
 * `regrt validate --format json` and runtime/web/regime.js over the .wasm,
 * and compares every (row, rule, message) of the rules a page runs (all but
 * those needing the previous period, children, other forms or the unit
 * table). Messages carry the kernels' computed values and ratios, so those
 * are compared too. Exit 1 on any difference.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');
const RegimeWasm = require('../../runtime/web/regime.js');

const [regc, regrt, tmp, ...specs] = process.argv.slice(2);
let failures = 0, compared = 0, violations = 0;

function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') q = false; else cell += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell.length || row.length) { row.push(cell); rows.push(row); }
  return rows;
}
const csvCell = (s) => /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
const toCsv = (rows) => rows.map((r) => r.map(csvCell).join(',')).join('\n') + '\n';

function native(lib, file, form, lang) {
  const args = ['validate', lib, file, '--format', 'json', '--lang', lang, '--threads', '1', '-q'];
  if (form) args.push('--form', form);
  const r = spawnSync(regrt, args, { encoding: 'utf8' });
  if (r.status === 2) return null;
  return JSON.parse(r.stdout);
}

function mutations(table, form) {
  const header = table[0], body = table.slice(1).filter((r) => r.length > 1 || r[0] !== '');
  const out = [];
  const fieldOf = (h) => form.fields.find((f) => f.code === h);
  const numeric = header.map((h, j) => { const f = fieldOf(h); return f && ['count', 'integer', 'decimal', 'money', 'percent', 'ratio'].includes(f.type) && !(f.flags & 0x1e) ? j : -1; }).filter((j) => j >= 0);
  if (!numeric.length) return out;
  for (let m = 0; m < 3; m++) {
    const rows = body.map((r, i) => {
      const c = r.slice();
      const j = numeric[(i + m) % numeric.length];
      if (m === 0) c[j] = /^-?[0-9]+$/.test(c[j]) ? String(BigInt(c[j]) + 1n) : '1';
      else if (m === 1) c[j] = '';
      else c[j] = i % 2 ? 'x' + c[j] : '1.5';
      return c;
    });
    out.push([header, ...rows]);
  }
  return out;
}

async function compare(kern, desc, lib, file, label) {
  const text = fs.readFileSync(file, 'utf8');
  const table = parseCsv(text);
  let nat = null, formIndex = -1;
  for (const f of [null, ...desc.forms.map((x) => x.code)]) {
    nat = native(lib, file, f, 'vi');
    if (nat) { formIndex = desc.forms.findIndex((x) => x.code === nat.form); break; }
  }
  if (!nat) return false;
  const form = desc.forms[formIndex];
  const local = new Set(kern.localRules(formIndex).map((r) => form.rules[r].code));
  const header = table[0];
  for (const lang of ['vi', 'en']) {
    const n = lang === 'vi' ? nat : native(lib, file, form.code, lang);
    const rows = table.slice(1).filter((r) => r.length > 1 || r[0] !== '').map((r) => Object.fromEntries(header.map((h, j) => [h, r[j] === undefined ? '' : r[j]])));
    const res = kern.validate(formIndex, rows, { lang });
    const want = n.violations.filter((v) => local.has(v.rule)).map((v) => `${v.row} ${v.rule} ${v.message}`).sort();
    const got = [];
    res.forEach((r, i) => r.fail.forEach((f) => got.push(`${i + 1} ${f.rule} ${f.message}`)));
    got.sort();
    compared += rows.length;
    if (lang === 'vi') console.log(`${label}: form ${form.code}, ${rows.length} rows, ${want.length} violations of the rules a page runs`);
    violations += want.length;
    if (JSON.stringify(want) !== JSON.stringify(got)) {
      failures++;
      console.log(`FAIL: ${label} (${lang}): the wasm kernels disagree with regrt`);
      const w = new Set(want), g = new Set(got);
      want.filter((x) => !g.has(x)).slice(0, 5).forEach((x) => console.log('  native only: ' + x));
      got.filter((x) => !w.has(x)).slice(0, 5).forEach((x) => console.log('  wasm only:   ' + x));
    }
  }
  return { table, form };
}

(async () => {
  for (const spec of specs) {
    const name = path.basename(spec, '.regime');
    const nd = path.join(tmp, name + '-native'), wd = path.join(tmp, name + '-wasm');
    execFileSync(regc, ['build', spec, '-o', nd], { stdio: ['ignore', 'ignore', 'inherit'] });
    execFileSync(regc, ['build', spec, '--target', 'wasm32-unknown-unknown', '-o', wd], { stdio: ['ignore', 'ignore', 'inherit'] });
    const jf = fs.readdirSync(wd).find((f) => f.endsWith('.wasm.json'));
    const desc = JSON.parse(fs.readFileSync(path.join(wd, jf), 'utf8'));
    const kern = await RegimeWasm.load(fs.readFileSync(path.join(wd, desc.wasm)), desc);
    const dir = path.dirname(spec);
    for (const csv of fs.readdirSync(dir).filter((f) => f.endsWith('.csv')).sort()) {
      const r = await compare(kern, desc, nd, path.join(dir, csv), `${name}/${csv}`);
      if (!r) continue;
      const ms = mutations(r.table, r.form);
      for (let m = 0; m < ms.length; m++) {
        const mf = path.join(tmp, `${name}-${csv}-m${m}.csv`);
        fs.writeFileSync(mf, toCsv(ms[m]));
        await compare(kern, desc, nd, mf, `${name}/${csv} mutation ${m}`);
      }
    }
  }
  console.log(`wasm_check: ${compared} rows compared, ${violations} violations, ${failures} differences`);
  if (!compared || !violations) { console.log('FAIL: nothing was compared'); process.exit(1); }
  process.exit(failures ? 1 : 0);
})().catch((e) => { console.log('FAIL: ' + (e && e.stack || e)); process.exit(1); });
