// enketo.mjs — the generated XForms in Enketo (enketo-transformer's web build
// and enketo-core, bundled by esbuild) in headless Chromium, driven with the
// same cases as odk.mjs; verdicts, messages and submissions compared with
// `regrt validate` and the XSD.
//
//   node enketo.mjs OUT REGRT LIBDIR[=SAMPLEDIR,...] ...
//
// Keeps OUT/enketo-<form>.png, a screenshot of the first form with a broken
// row, as a test artifact.
import { chromium } from 'playwright-core';
import { build } from 'esbuild';
import * as sass from 'sass';
import { pathToFileURL } from 'node:url';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename } from 'node:path';
import { readForm, sampleKeys, cases, runRegrt, runXsd, compare, splitMessage, writeCase, findingRows } from './lib.mjs';

const [out, regrt, ...libs] = process.argv.slice(2);
const here = new URL('.', import.meta.url).pathname;
const t0 = Date.now();

mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(here, 'enketo/page.js')], bundle: true, format: 'iife', platform: 'browser',
  external: ['libxslt'], outfile: join(out, 'page.bundle.js'), logLevel: 'warning',
});
writeFileSync(join(out, 'page.html'), `<!DOCTYPE html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="page.css"></head><body><div id="main"></div>
<script src="page.bundle.js"></script></body></html>`);
// Enketo's own formhub theme, compiled from enketo-core's Sass (its
// absolute imports of /packages/enketo-core/node_modules/... map to ours).
{
  const nm = join(here, 'node_modules') + '/';
  const css = sass.compile(nm + 'enketo-core/src/sass/formhub/formhub.scss', {
    loadPaths: [nm], quietDeps: true, logger: sass.Logger.silent,
    importers: [{ findFileUrl(url) {
      const m = /^\/packages\/enketo-core\/node_modules\/(.*)$/.exec(url);
      return m ? pathToFileURL(nm + m[1]) : null;
    } }],
  }).css;
  writeFileSync(join(out, 'page.css'), css);
}

const profile = mkdtempSync(join(tmpdir(), 'regime-enketo-'));
// a fresh profile (--user-data-dir) for every run: Playwright passes it itself
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 960, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
let failures = 0, total = 0, nforms = 0, shot = null;
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');

// The instance of a case, as Enketo loads it (instanceStr).
function instanceOf(form, c) {
  const version = new RegExp(`<${form.root} id="${form.root}" version="([^"]*)"`).exec(form.text)[1];
  const leaf = (f, vals) => (vals[f.name] !== undefined ? `<${f.name}>${esc(vals[f.name])}</${f.name}>` : `<${f.name}/>`);
  let x = `<${form.root} id="${form.root}" version="${version}">`;
  for (const f of form.top) x += leaf(f, c.top);
  for (const r of c.rows) x += `<${form.rowName}>${form.row.map((f) => leaf(f, r)).join('')}</${form.rowName}>`;
  return x + `<meta><instanceID>uuid:00000000-0000-4000-8000-000000000000</instanceID></meta></${form.root}>`;
}

try {
  const page = await browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  for (const arg of libs) {
    const [lib, samples = ''] = arg.split('=');
    const dirs = samples.split(',').filter(Boolean);
    const fdir = join(lib, 'forms');
    for (const file of readdirSync(fdir).filter((f) => f.endsWith('.xform.xml')).sort()) {
      const form = readForm(join(fdir, file));
      nforms++;
      const codes = new Set([...form.text.matchAll(/(?:'|>)([A-Za-z][A-Za-z0-9_]*): /g)].map((m) => m[1]));
      const list = cases(form, sampleKeys(dirs, form.root));
      const work = join(out, basename(lib), form.root);
      const runs = [];
      for (let i = 0; i < list.length; i++) {
        const c = list[i];
        const lang = form.langs[i % form.langs.length];
        await page.goto('file://' + join(out, 'page.html'));
        pageErrors.length = 0;
        let res;
        try {
          const loaded = await page.evaluate(([x, inst, l]) => window.regime.load(x, inst, l), [form.text, instanceOf(form, c), lang]);
          if (loaded.errors.length) throw new Error(`load errors: ${loaded.errors.join('; ')}`);
          res = await page.evaluate(() => window.regime.check());
          if (pageErrors.length) throw new Error(pageErrors.join('; '));
        } catch (e) {
          console.log(`FAIL enketo ${form.root} [${c.about}]: ${e.message || e}`);
          failures++;
          continue;
        }
        const findings = [];
        for (const f of res.findings) {
          const sev = f.kind === 'warning' || f.kind === 'info' ? f.kind : 'error';
          const parts = f.kind === 'required' ? [{ code: null, message: `required (${f.name})` }] : splitMessage(f.text, codes);
          for (const m of parts)
            for (const row of f.row ? [f.row] : findingRows(form, c, f.name, m.code)) findings.push({ row, severity: sev, ...m });
        }
        // the artifact: a form with rows, a broken second row, its messages
        if (!shot && form.rowPath && c.about.startsWith('figures') && findings.some((f) => f.row === 2)) {
          shot = join(out, `enketo-${form.root}.png`);
          await page.screenshot({ path: shot, fullPage: true });
        }
        const xml = res.data.replace(/^<\?xml[^>]*>\s*/, '');
        runs.push({ c, lang, findings, file: writeCase(work, `case${String(i).padStart(2, '0')}.xml`, xml) });
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
            console.log(`ok? ${!problems.length} ${form.root} [${r.c.about}] ${lang}: enketo ${JSON.stringify(r.findings)} regrt ${JSON.stringify(rg.get(r.file).map((v) => [v.row, v.rule, v.message]))}`);
          if (problems.length) {
            failures++;
            console.log(`FAIL enketo ${basename(lib)}/${form.root} [${r.c.about}] (${lang}, ${r.file}):`);
            for (const p of problems) console.log(`  ${p}`);
          }
        }
      }
    }
  }
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
if (!shot) {
  console.log('FAIL enketo: no form showed a broken second row, no screenshot taken');
  failures++;
}
console.log(`enketo: ${nforms} forms, ${total} cases, ${failures} failed, screenshot ${shot} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
process.exit(failures || !total ? 1 : 0);
