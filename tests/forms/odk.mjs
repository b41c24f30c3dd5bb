// odk.mjs — every generated XForm in ODK's own engine (@getodk/xforms-engine,
// the engine of ODK Web Forms), driven with good and broken rows; its
// verdicts and submissions compared with `regrt validate` and the XSD.
//
//   node odk.mjs OUT REGRT LIBDIR[=SAMPLEDIR,...] ...
//
// Exit 1 when any case differs; every difference is printed.
import { JSDOM } from 'jsdom';
import { readdirSync } from 'node:fs';
import { join, basename } from 'node:path';
import { readForm, sampleKeys, cases, runRegrt, runXsd, compare, splitMessage, writeCase, findingRows } from './lib.mjs';

// The engine's bundle wants a DOM and, in Node, the CommonJS globals of its
// WebAssembly loader (tree-sitter): give it jsdom's and a module object.
const dom = new JSDOM('<!DOCTYPE html><html><body></body></html>');
globalThis.window ??= dom.window;
globalThis.document ??= dom.window.document;
for (const k of ['DOMParser', 'XMLSerializer', 'Node', 'Element', 'Document', 'XPathResult', 'NodeFilter'])
  if (!(k in globalThis)) globalThis[k] = dom.window[k];
globalThis.__dirname = new URL('./node_modules/@getodk/xforms-engine/dist', import.meta.url).pathname;
globalThis.module = { exports: {} };
const { createInstance } = await import('@getodk/xforms-engine');

const [out, regrt, ...libs] = process.argv.slice(2);

function walk(n, f) {
  f(n);
  for (const c of n.currentState.children ?? []) walk(c, f);
}

// Fills one case into a fresh instance; returns the findings and the
// serialised submission.
async function run(form, c, lang) {
  const inst = await createInstance(form.text, { instance: { stateFactory: (o) => o } });
  const root = inst.root;
  const l = root.languages.find((x) => x.language === lang);
  if (l) root.setLanguage(l);
  const nodes = new Map();
  const index = () => { nodes.clear(); walk(root, (n) => nodes.set(n.currentState.reference, n)); };
  index();
  if (form.rowPath) {
    const range = nodes.get(form.rowPath);
    const have = range.currentState.children.length;
    if (have < c.rows.length) range.addInstances(undefined, c.rows.length - have);
    index();
  }
  const set = (ref, v) => {
    const n = nodes.get(ref);
    if (!n) throw new Error(`${form.root}: no node ${ref}`);
    if (n.nodeType === 'select') n.selectValue(v);
    else n.setValue(v);
  };
  for (const [k, v] of Object.entries(c.top)) set(`/${form.root}/${k}`, v);
  c.rows.forEach((r, i) => {
    for (const [k, v] of Object.entries(r)) set(`${form.rowPath}[${i + 1}]/${k}`, v);
  });
  const codes = new Set([...form.top, ...form.row].length ? allCodes(form) : []);
  const findings = [];
  walk(root, (n) => {
    const ref = n.currentState.reference;
    const v = n.validationState?.violation;
    if (v) {
      const text = v.message ? v.message.asString : `${v.condition} (${basename(ref)})`;
      for (const m of splitMessage(text, codes))
        for (const row of findingRows(form, c, ref, m.code)) findings.push({ row, severity: 'error', ...m });
    }
    const name = basename(ref.replace(/\[\d+\]/g, ''));
    if (n.nodeType === 'note' && /^(warn|info)_/.test(name) && n.currentState.relevant) {
      const sev = name.startsWith('warn_') ? 'warning' : 'info';
      for (const m of splitMessage(n.currentState.label?.asString, codes))
        for (const row of findingRows(form, c, ref, m.code)) findings.push({ row, severity: sev, ...m });
    }
  });
  return { findings, xml: root.instanceState.instanceXML };
}

// The rule codes of the form: every code named in a message of its itext.
function allCodes(form) {
  const s = new Set();
  for (const m of form.text.matchAll(/(?:'|>)([A-Za-z][A-Za-z0-9_]*): /g)) s.add(m[1]);
  return s;
}

let failures = 0, total = 0, nforms = 0;
const t0 = Date.now();
for (const arg of libs) {
  const [lib, samples = ''] = arg.split('=');
  const dirs = samples.split(',').filter(Boolean);
  const fdir = join(lib, 'forms');
  for (const file of readdirSync(fdir).filter((f) => f.endsWith('.xform.xml')).sort()) {
    const form = readForm(join(fdir, file));
    nforms++;
    const keys = sampleKeys(dirs, form.root);
    const list = cases(form, keys);
    const work = join(out, basename(lib), form.root);
    const runs = [];
    for (let i = 0; i < list.length; i++) {
      // the languages in turn: every message is compared in both
      const lang = form.langs[i % form.langs.length];
      let r;
      try {
        r = await run(form, list[i], lang);
      } catch (e) {
        console.log(`FAIL odk ${form.root} [${list[i].about}]: the engine failed: ${e.stack || e}`);
        failures++;
        continue;
      }
      runs.push({ c: list[i], lang, ...r, file: writeCase(work, `case${String(i).padStart(2, '0')}.xml`, r.xml) });
    }
    const xsd = runXsd(join(fdir, `${form.root}.xsd`), runs.map((r) => r.file));
    for (const lang of form.langs) {
      const mine = runs.filter((r) => r.lang === lang);
      if (!mine.length) continue;
      const rg = runRegrt(regrt, lib, form.root, lang === 'vi' ? 'vi' : 'en', mine.map((r) => r.file), form.perUnit.size > 0);
      for (const r of mine) {
        total++;
        const problems = compare(form, r.c, r, rg.get(r.file), xsd.get(r.file));
        if (process.env.FORMS_VERBOSE)
          console.log(`ok? ${!problems.length} ${form.root} [${r.c.about}] ${lang}: engine ${JSON.stringify(r.findings)} regrt ${JSON.stringify(rg.get(r.file).map((v) => [v.row, v.rule, v.message]))} xsd ${xsd.get(r.file) ?? 'valid'}`);
        if (problems.length) {
          failures++;
          console.log(`FAIL odk ${basename(lib)}/${form.root} [${r.c.about}] (${lang}, ${r.file}):`);
          for (const p of problems) console.log(`  ${p}`);
        }
      }
    }
  }
}
console.log(`odk: ${nforms} forms, ${total} cases, ${failures} failed (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
process.exit(failures || !total ? 1 : 0);
