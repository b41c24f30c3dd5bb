#!/usr/bin/env node
/*
 * pages.test.js — the pages of `regrt serve` in real Chromium, as their
 * users would use them.
 *
 *   node tests/web/pages.test.js REGC REGRT OUTDIR
 *
 * Builds tthc natively and for wasm32 (DIR/tthc/web), makes accounts, has
 * commune 00004 report April 2025 through OpenRosa with the server's clock
 * pinned two working days after the deadline (REGRT_SERVE_NOW), restarts the
 * server on 2025-04-14 and drives Debian's Chromium with playwright-core:
 *   1. a commune officer signs in, sees 2 working days left, opens the
 *      data-entry page, types a broken row, sees rule V1's Vietnamese message
 *      from the WebAssembly kernel before submitting, fixes it, submits, sees
 *      it accepted, and finds it in the history;
 *   2. the same page when the WebAssembly cannot load still submits, and the
 *      server's verdict shows next to the row;
 *   3. sign-out; the province supervisor signs in and sees one commune on
 *      time, one late by 2 working days, one missing; the chart's bars are the
 *      roll-up's numbers; the CSV download is the table; the district filter;
 *   4. a phone-sized viewport; 5. the English switch; 6. CSRF: a submission
 *      without the token is refused.
 * Screenshots of every page go to OUTDIR (build/web/). Exit 1 on a failure.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const os = require('os');
const { execFileSync, spawn } = require('child_process');
const { chromium } = require('playwright-core');

const [regc, regrt, outDir] = process.argv.slice(2);
const ROOT = path.join(__dirname, '..', '..');
let passed = 0, failed = 0;
function check(name, cond, detail) {
  if (cond) passed++;
  else { failed++; console.log(`FAIL: ${name}${detail !== undefined ? ': ' + JSON.stringify(detail) : ''}`); }
}

const GOOD = { carried: '2', new_online: '30', new_direct: '12', received: '44', early: '20', ontime: '21', late: '0',
               resolved: '41', pending_due: '3', pending_overdue: '0', pending: '3' };

(async () => {
  fs.mkdirSync(outDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'regime-web-'));
  const spec = path.join(ROOT, 'examples', 'tthc', 'tthc.regime');
  const env = Object.assign({}, process.env, { REGIME_PATH: path.join(ROOT, 'stdlib') });
  const reg = path.join(tmp, 'regimes');
  execFileSync(regc, ['build', spec, '-o', path.join(reg, 'tthc')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync(regc, ['build', spec, '--target', 'wasm32-unknown-unknown', '-o', path.join(reg, 'tthc', 'web')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const store = path.join(tmp, 'store.db');
  fs.writeFileSync(path.join(tmp, 'accounts.csv'), 'name,role,unit,password,rate\nc00001,reporter,00001,pw-00001,0\n' +
    'c00004,reporter,00004,pw-00004,0\np01,supervisor,01,pw-p01,0\n');
  execFileSync(regrt, ['serve-admin', '--store', store, 'import', path.join(tmp, 'accounts.csv'), '--cost', 'min'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const serve = (now) => new Promise((resolve, reject) => {
    const p = spawn(regrt, ['serve', '--regimes', reg, '--units', path.join(__dirname, 'units.csv'), '--store', store,
      '--listen', '127.0.0.1:0', '--spool', path.join(tmp, 'spool')], { env: Object.assign({}, env, { REGRT_SERVE_NOW: now }) });
    let log = '';
    const t = setTimeout(() => reject(new Error('the server did not start: ' + log)), 60000);
    p.stderr.on('data', (c) => { log += c; const m = /listening on (http:\S+)/.exec(log); if (m) { clearTimeout(t); resolve({ url: m[1], proc: p }); } });
    p.stdout.on('data', (c) => { log += c; const m = /listening on (http:\S+)/.exec(log); if (m) { clearTimeout(t); resolve({ url: m[1], proc: p }); } });
    p.on('exit', (code) => reject(new Error('the server exited with ' + code + ': ' + log)));
  });
  /* SIGTERM: the server must exit with 0 (under ASan: no leak) */
  const stop = (srv) => new Promise((resolve) => {
    srv.proc.removeAllListeners('exit');
    srv.proc.on('exit', (code) => { check('the server stops cleanly', code === 0, code); resolve(); });
    srv.proc.kill('SIGTERM');
  });
  fs.mkdirSync(path.join(tmp, 'spool'), { recursive: true });
  /* commune 00004 reports April 2025 on the 18th, two working days late */
  let srv = await serve('2025-04-18T03:00:00Z');
  const xml = fs.readFileSync(path.join(ROOT, 'examples/tthc/xml/valid/bieu06_00001_2025-01.xml'), 'utf8')
    .replace('<unit>00001</unit>', '<unit>00004</unit>').replace('<period>2025-01</period>', '<period>2025-04</period>');
  const fd = new FormData();
  fd.append('xml_submission_file', new Blob([xml], { type: 'text/xml' }), 'submission.xml');
  const late = await fetch(srv.url + '/submission', { method: 'POST', body: fd,
    headers: { 'X-OpenRosa-Version': '1.0', Authorization: 'Basic ' + Buffer.from('c00004:pw-00004').toString('base64') } });
  check('OpenRosa: 00004\'s late report accepted', late.status === 201, late.status);
  await stop(srv);
  srv = await serve('2025-04-14T02:00:00Z');
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'regime-chromium-'));
  const ctx = await chromium.launchPersistentContext(userDir, {
    executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'] });
  const page = ctx.pages()[0] || await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    /* 1. the commune officer */
    await page.goto(srv.url + '/app/');
    check('not signed in: the sign-in page', page.url().endsWith('/app/login'), page.url());
    await page.screenshot({ path: path.join(outDir, 'login.png'), fullPage: true });
    await page.fill('#name', 'c00001');
    await page.fill('#password', 'wrong');
    await Promise.all([page.waitForNavigation(), page.click('#sign-in')]);
    check('wrong password: refused', (await page.textContent('#login-error').catch(() => '')).includes('Sai tên tài khoản hoặc mật khẩu'));
    await page.fill('#name', 'c00001');
    await page.fill('#password', 'pw-00001');
    await Promise.all([page.waitForNavigation(), page.click('#sign-in')]);
    const cookies = await ctx.cookies();
    const sc = cookies.find((c) => c.name === 'regime_session');
    check('session cookie: HttpOnly, SameSite=Strict', sc && sc.httpOnly && sc.sameSite === 'Strict', sc);
    await page.waitForSelector('.due');
    check('reports due: the form and period', (await page.textContent('.due')).includes('2025-04'));
    check('reports due: 2 working days left', (await page.getAttribute('.due .days', 'data-days')) === '2');
    await page.screenshot({ path: path.join(outDir, 'home.png'), fullPage: true });
    await page.click('.due a.button');
    await page.waitForSelector('#checks[data-wasm]');
    check('entry: the WebAssembly checks are on', (await page.getAttribute('#checks', 'data-wasm')) === 'on');
    await page.selectOption('select[name=domain]', 'D02');
    for (const [k, v] of Object.entries(GOOD)) await page.fill(`input[name=${k}]`, v);
    await page.fill('input[name=received]', '45'); /* broken: 2 + 30 + 12 = 44 */
    const v1 = page.locator('.msg[data-rule=V1]');
    await v1.waitFor({ timeout: 5000 });
    const v1text = await v1.textContent();
    check('entry: V1 in Vietnamese before submitting', v1text.includes('Tổng tiếp nhận (45) khác số chuyển qua (2) + trực tuyến (30) + trực tiếp (12)'), v1text);
    check('entry: the cells V1 reads are marked', (await page.getAttribute('input[name=received]', 'aria-invalid')) === 'true');
    const hist0 = await page.evaluate(async () => (await (await fetch('/app/data/home')).json()).history.length);
    check('entry: nothing was submitted yet', hist0 === 0, hist0);
    await page.screenshot({ path: path.join(outDir, 'entry-error.png'), fullPage: true });
    await page.fill('input[name=received]', '44');
    await page.waitForFunction(() => !document.querySelector('.msg[data-rule]'));
    check('entry: fixed, no message', (await page.locator('.msg').count()) === 0);
    await page.click('#submit');
    await page.waitForSelector('#server-verdict');
    check('entry: the server accepted it', (await page.getAttribute('#server-verdict', 'data-status')) === 'accepted',
          await page.textContent('#verdict'));
    await page.screenshot({ path: path.join(outDir, 'entry-accepted.png'), fullPage: true });
    await page.goto(srv.url + '/app/');
    await page.waitForSelector('#history');
    check('history: the accepted report', (await page.textContent('#history')).includes('Được chấp nhận'));

    /* 2. no WebAssembly: the server's verdict next to the row */
    await page.route('**/*.wasm', (route) => route.abort());
    await page.goto(srv.url + '/app/entry?form=bieu06&period=2025-04');
    await page.waitForSelector('#checks[data-wasm]');
    check('no wasm: the page says the server checks', (await page.getAttribute('#checks', 'data-wasm')) === 'off');
    await page.selectOption('select[name=domain]', 'D04');
    for (const [k, v] of Object.entries(GOOD)) await page.fill(`input[name=${k}]`, v);
    await page.fill('input[name=received]', '45');
    check('no wasm: no instant message', (await page.locator('.msg').count()) === 0);
    await page.click('#submit');
    await page.waitForSelector('#server-verdict');
    check('no wasm: the server rejected it', (await page.getAttribute('#server-verdict', 'data-status')) === 'rejected');
    const sv1 = await page.locator('tr.msgs .msg[data-rule=V1]').textContent().catch(() => '');
    check('no wasm: the server\'s V1 message next to the row', sv1.includes('Tổng tiếp nhận (45)'), sv1);
    await page.screenshot({ path: path.join(outDir, 'entry-server-verdict.png'), fullPage: true });
    await page.unroute('**/*.wasm');
    /* CSRF: a submission without the token is refused */
    const nocsrf = await page.evaluate(async () => (await fetch('/app/submit', { method: 'POST', body: '<x/>' })).status);
    check('CSRF: a submission without the token: 403', nocsrf === 403, nocsrf);

    /* sign out, and the supervisor signs in */
    await Promise.all([page.waitForNavigation(), page.click('#sign-out')]);
    check('signed out: the sign-in page', page.url().endsWith('/app/login'), page.url());
    const after = await page.evaluate(async () => (await fetch('/app/data/home')).status);
    check('signed out: the session is gone', after === 401, after);
    await page.fill('#name', 'p01');
    await page.fill('#password', 'pw-p01');
    await Promise.all([page.waitForNavigation(), page.click('#sign-in')]);
    check('supervisor: the board', page.url().includes('/app/board'), page.url());

    /* 3. the province supervisor */
    await page.goto(srv.url + '/app/board?form=bieu06&period=2025-04');
    await page.waitForSelector('#status');
    const st = Object.fromEntries(await page.$$eval('#status tbody tr', (rs) => rs.map((r) => [r.dataset.unit, [r.dataset.status, r.cells[2].textContent]])));
    check('board: 00001 on time', st['00001'] && st['00001'][0] === 'on_time', st['00001']);
    check('board: 00004 late by 2 working days', st['00004'] && st['00004'][0] === 'late' && st['00004'][1].includes('trễ 2 ngày làm việc'), st['00004']);
    check('board: 00006 missing', st['00006'] && st['00006'][0] === 'missing', st['00006']);
    check('board: completeness', (await page.textContent('#completeness')).includes('2 / 4'));
    await page.waitForSelector('#chart rect');
    const bars = await page.$$eval('#chart rect', (rs) => rs.map((r) => [r.dataset.label, Number(r.dataset.value), Number(r.getAttribute('width'))]));
    const fig = await page.$$eval('#figures tr', (rs) => rs.map((r) => [...r.cells].map((c) => c.textContent)));
    const cols = await page.$$eval('#figures th', (hs) => hs.map((h) => h.dataset.col));
    const head = fig[0], body = fig.slice(1);
    const di = cols.indexOf('domain'), ri = cols.indexOf('received');
    check('board: figures table has domain and received', di >= 0 && ri >= 0, head);
    check('board: one bar per roll-up row', bars.length === body.length && bars.length > 0, [bars.length, body.length]);
    check('board: the bars are the roll-up numbers', bars.every((b, i) => b[0] === body[i][di] && b[1] === Number(body[i][ri])), { bars, body: body.map((r) => [r[di], r[ri]]) });
    const maxv = Math.max(...bars.map((b) => b[1]));
    check('board: bar lengths in proportion', bars.every((b) => Math.abs(b[2] - Math.round((b[1] / maxv) * 560)) <= 1), bars);
    /* the roll-up of D02 is 00001's 44 and 00004's 42 (the late report counts) */
    const d02 = bars.find((b) => b[0] === 'D02');
    check('board: D02 received = 44 + 42', d02 && d02[1] === 86, d02);
    await page.screenshot({ path: path.join(outDir, 'board.png'), fullPage: true });
    const csvHref = await page.getAttribute('a[href*="/rollup"]', 'href');
    const csv = await page.evaluate(async (u) => (await fetch(u)).text(), csvHref);
    const csvRows = csv.trim().split('\n').slice(1).filter((l) => l.startsWith('province,'));
    check('board: the figures CSV is the table', csvRows.length === body.length && csvRows.every((l, i) => l.split(',')[ri] === body[i][ri]), csv.slice(0, 300));
    const stCsv = await page.evaluate(async (u) => (await fetch(u)).text(), await page.getAttribute('a[href*="/status"]', 'href'));
    check('board: the status CSV', stCsv.includes('00004') && stCsv.includes('late'), stCsv.slice(0, 300));
    await page.selectOption('#group', '001');
    await Promise.all([page.waitForNavigation(), page.click('.filters button')]);
    await page.waitForSelector('#status');
    const n001 = await page.$$eval('#status tbody tr', (rs) => rs.map((r) => r.dataset.unit));
    check('board: filter by district 001', JSON.stringify(n001) === JSON.stringify(['00001', '00004', '00006']), n001);

    /* 4. a phone: the board, then the officer's entry page */
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(srv.url + '/app/board?form=bieu06&period=2025-04');
    await page.waitForSelector('#status');
    const swb = await page.evaluate(() => document.documentElement.scrollWidth);
    check('phone: the board fits 390 px', swb <= 392, swb);
    await page.screenshot({ path: path.join(outDir, 'board-phone.png'), fullPage: true });
    await Promise.all([page.waitForNavigation(), page.click('#sign-out')]);
    await page.fill('#name', 'c00001');
    await page.fill('#password', 'pw-00001');
    await Promise.all([page.waitForNavigation(), page.click('#sign-in')]);
    await page.goto(srv.url + '/app/entry?form=bieu06&period=2025-04');
    await page.waitForSelector('#checks[data-wasm]');
    await page.selectOption('select[name=domain]', 'D02');
    for (const [k, v] of Object.entries(GOOD)) await page.fill(`input[name=${k}]`, v);
    await page.fill('input[name=received]', '7');
    await page.locator('.msg[data-rule=V1]').waitFor({ timeout: 5000 }).catch(() => {});
    const sw = await page.evaluate(() => document.documentElement.scrollWidth);
    check('phone: the entry page fits 390 px', sw <= 392, sw);
    check('phone: V1 shown', (await page.locator('.msg[data-rule=V1]').count()) === 1);
    await page.screenshot({ path: path.join(outDir, 'entry-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });

    /* 5. English */
    await page.goto(srv.url + '/app/');
    await page.waitForSelector('.due');
    await Promise.all([page.waitForNavigation(), page.click('#lang-switch')]);
    await page.waitForSelector('.due');
    check('English: the reports due in English', (await page.textContent('main')).includes('Reports due'));
    await page.goto(srv.url + '/app/entry?form=bieu06&period=2025-04');
    await page.waitForSelector('#checks[data-wasm]');
    await page.selectOption('select[name=domain]', 'D02');
    for (const [k, v] of Object.entries(GOOD)) await page.fill(`input[name=${k}]`, v);
    await page.fill('input[name=received]', '7');
    await page.locator('.msg[data-rule=V1]').waitFor({ timeout: 5000 }).catch(() => {});
    const en = await page.locator('.msg[data-rule=V1]').textContent().catch(() => '');
    check('English: V1 in English', en.includes('Total received (7)'), en);
    await page.screenshot({ path: path.join(outDir, 'entry-en.png'), fullPage: true });
    check('no script errors', errors.length === 0, errors);
  } catch (e) {
    failed++;
    console.log('FAIL: ' + (e && e.stack || e));
    await page.screenshot({ path: path.join(outDir, 'failure.png'), fullPage: true }).catch(() => {});
  }
  await ctx.close();
  await stop(srv);
  fs.rmSync(userDir, { recursive: true, force: true });
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log(`pages: ${passed} passed, ${failed} failed (screenshots in ${outDir})`);
  process.exit(failed ? 1 : 0);
})();
