/*
 * standin.js — a test back end for the pages (runtime/web/), used by
 * pages.test.js: it serves the page shells and assets the way the reporting
 * server does (same data-* attributes, same JSON shapes, same URLs under
 * /app/) and answers with the real native library: a submission's verdict is
 * `regrt validate` of the XML the page sends, the figures are `regrt rollup`
 * of the accepted submissions, deadlines come from `regrt calendar`.
 * Arrival times are simulated (the clock is fixed at `today`) so that the
 * board shows on time / late / missing deterministically.
 *
 *   const s = await standin.start({regrt, lib, wasmDir, units, tmp, today, asOf});
 *   s.url ... s.close()
 */
'use strict';
const http = require('http');
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const WEB = path.join(__dirname, '..', '..', 'runtime', 'web');
const TYPES = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm',
                '.json': 'application/json', '.html': 'text/html; charset=utf-8' };

function csvRows(text) {
  return text.trim().split('\n').map((l) => l.split(','));
}
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function shell(page, attrs, lang, title) {
  const data = Object.entries(attrs).map(([k, v]) => ` data-${k}="${esc(v)}"`).join('');
  const other = lang === 'vi' ? 'en' : 'vi';
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><link rel="stylesheet" href="/app/static/app.css"></head>
<body data-page="${page}" data-lang="${lang}"${data}>
<header class="top"><span class="title">${esc(title)}</span>
<a href="#" data-set-lang="${other}" id="lang-switch">${other === 'en' ? 'English' : 'Tiếng Việt'}</a>
<form method="post" action="/app/logout"><input type="hidden" name="csrf" value="${esc(attrs.csrf || '')}"><button class="link" type="submit">${lang === 'vi' ? 'Đăng xuất' : 'Sign out'}</button></form>
</header><main id="app"></main>
<script src="/app/static/regime.js"></script><script src="/app/static/app.js"></script></body></html>`;
}

function start(o) {
  const desc = JSON.parse(fs.readFileSync(path.join(o.wasmDir, o.regime + '.wasm.json'), 'utf8'));
  const form = desc.forms[0];
  const units = csvRows(fs.readFileSync(o.units, 'utf8')).slice(1)
    .map((r) => ({ province: r[0], district: r[2], district_name: r[3], code: r[4], name: r[5] }));
  const cal = spawnSync(o.regrt, ['calendar', o.lib, '--year', o.today.slice(0, 4), '--format', 'csv'], { encoding: 'utf8' });
  const calRows = csvRows(cal.stdout);
  const dcol = calRows[0].indexOf('deadline_commune');
  const deadlineOf = (p) => { const r = calRows.find((x) => x[0] === p); return r ? r[dcol] : ''; };
  const holidays = new Set(csvRows(fs.readFileSync(o.holidays, 'utf8')).slice(1).map((r) => r[0]));
  const working = (d) => { const w = new Date(d + 'T00:00:00Z').getUTCDay(); return w !== 0 && w !== 6 && !holidays.has(d); };
  const addDay = (d, n) => new Date(Date.parse(d + 'T00:00:00Z') + n * 86400000).toISOString().slice(0, 10);
  /* working days from a to b (b after a: positive) */
  function workingBetween(a, b) {
    let n = 0;
    if (b >= a) { for (let d = addDay(a, 1); d <= b; d = addDay(d, 1)) n += working(d); return n; }
    for (let d = addDay(b, 1); d <= a; d = addDay(d, 1)) n -= working(d);
    return n;
  }
  o.lang = o.lang || (() => 'vi');
  const store = []; /* {unit, period, received, status, errors, warnings, xml} */
  let seq = 0;
  const lib = o.lib;

  function validate(xml) {
    const f = path.join(o.tmp, `sub-${++seq}.xml`);
    fs.writeFileSync(f, xml);
    const r = spawnSync(o.regrt, ['validate', lib, f, '--format', 'json', '--lang', o.lang(), '--units', o.units, '-q'], { encoding: 'utf8' });
    if (r.status === 2) return { status: 'rejected', errors: 1, warnings: 0, messages: [{ row: 0, rule: '', severity: 'error', message: r.stderr.trim() }], file: f };
    const j = JSON.parse(r.stdout);
    const messages = j.violations.map((v) => ({ row: v.row, rule: v.rule, severity: v.severity, message: v.message }));
    const errors = j.summary.rows_with_errors, warnings = j.summary.rows_with_warnings;
    return { status: errors ? 'rejected' : 'accepted', errors, warnings, messages, file: f };
  }
  function accept(unit, period, received, xml) {
    const v = validate(xml);
    for (const s of store) if (s.unit === unit && s.period === period && v.status === 'accepted' && s.status === 'accepted') s.status = 'superseded';
    store.push({ unit, period, received, status: v.status, errors: v.errors, warnings: v.warnings, file: v.file });
    return v;
  }
  for (const pre of o.preload || []) accept(pre.unit, pre.period, pre.received, fs.readFileSync(pre.xml, 'utf8'));

  function board(q) {
    const period = q.get('period') || o.period;
    const deadline = deadlineOf(period);
    const list = units.map((u) => {
      const subs = store.filter((s) => s.unit === u.code && s.period === period);
      const ok = subs.filter((s) => s.status === 'accepted' || s.status === 'superseded').sort((a, b) => (a.received < b.received ? -1 : 1));
      let status = 'missing', late = 0, received = '';
      if (ok.length) {
        received = ok[0].received;
        const day = received.slice(0, 10);
        late = day <= deadline ? 0 : workingBetween(deadline, day);
        status = late > 0 ? 'late' : 'on_time';
      } else if (subs.length) { status = 'rejected'; received = subs[subs.length - 1].received; }
      return { code: u.code, name: u.name, group: u.district, status, working_days_late: late, received };
    });
    const groups = [...new Map(units.map((u) => [u.district, { code: u.district, name: u.district_name }])).values()];
    const group = q.get('group') || '';
    /* figures: regrt rollup of the accepted reports of the (filtered) units */
    const files = store.filter((s) => s.period === period && s.status === 'accepted' &&
      (!group || units.find((u) => u.code === s.unit).district === group)).map((s) => s.file);
    let figures = null, csv = '';
    if (files.length) {
      const to = group ? 'district' : 'province';
      const r = spawnSync(o.regrt, ['rollup', lib, '--units', o.units, ...files, '--to', to, '--period', 'month', '--lang', o.lang(), '-q'], { encoding: 'utf8' });
      const rows = csvRows(r.stdout);
      const head = rows[0], body = rows.slice(1).filter((x) => x[0] === to && (!group || x[1] === group));
      csv = [head, ...body].map((x) => x.join(',')).join('\n') + '\n';
      const label = (c) => { const f = form.fields.find((x) => x.code === c) || form.outputs.find((x) => x.code === c); return f && f.label && (f.label[o.lang()] || f.label.en) || c; };
      const numeric = (c) => !['level', 'unit_code', 'period', 'month', 'quarter', 'domain'].includes(c);
      figures = { columns: head.map((c) => ({ code: c, label: label(c), numeric: numeric(c) })), rows: body,
                  chart_column: head.indexOf('received'), label_column: head.indexOf('domain') };
    }
    return { form: form.code, form_label: (form.label[o.lang()] || form.code), forms: [{ code: form.code, label: form.label[o.lang()] || form.code }],
             period, deadline, as_of: o.asOf, group_tier_label: o.lang() === 'vi' ? 'Huyện' : 'District', groups, units: list.filter((u) => !group || u.group === group),
             all_units: list, figures, figures_csv: csv };
  }

  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    const p = u.pathname;
    const cookies = Object.fromEntries((req.headers.cookie || '').split(/; */).filter(Boolean).map((c) => c.split('=')));
    const lang = cookies.lang === 'en' ? 'en' : 'vi';
    o.lang = () => lang;
    const send = (code, type, body) => { res.writeHead(code, { 'Content-Type': type, 'Cache-Control': 'no-store' }); res.end(body); };
    if (p.startsWith('/app/static/')) {
      const name = path.basename(p);
      const f = name.endsWith('.wasm') || name.endsWith('.wasm.json') ? path.join(o.wasmDir, name) : path.join(WEB, name);
      if (!fs.existsSync(f) || (o.breakWasm && name.endsWith('.wasm'))) return send(404, 'text/plain', 'not found');
      return send(200, TYPES[path.extname(f)] || 'application/octet-stream', fs.readFileSync(f));
    }
    const attrs = { csrf: 'test-token' };
    if (p === '/app/' || p === '/app/home') return send(200, TYPES['.html'], shell('home', Object.assign(attrs, { data: '/app/data/home' }), lang, 'Regime'));
    if (p === '/app/data/home') {
      const period = o.period, deadline = deadlineOf(period);
      const mine = store.filter((s) => s.unit === o.unit);
      return send(200, TYPES['.json'], JSON.stringify({ unit: o.unit, unit_name: units.find((x) => x.code === o.unit).name,
        due: [{ form: form.code, label: form.label[lang] || form.code, period, deadline, working_days_left: workingBetween(o.today, deadline),
                submitted: mine.some((s) => s.period === period && s.status === 'accepted'), url: `/app/entry?form=${form.code}&period=${period}` }],
        history: mine.slice().reverse().map((s) => ({ form: form.code, period: s.period, received: s.received, status: s.status, errors: s.errors, warnings: s.warnings })) }));
    }
    if (p === '/app/entry') return send(200, TYPES['.html'], shell('entry', Object.assign(attrs, {
      desc: `/app/static/${o.regime}.wasm.json`, wasm: `/app/static/${o.regime}.wasm`, form: u.searchParams.get('form'), unit: o.unit,
      'unit-name': units.find((x) => x.code === o.unit).name, period: u.searchParams.get('period'), deadline: deadlineOf(u.searchParams.get('period')),
      submit: '/app/submit' }), lang, 'Regime'));
    if (p === '/app/submit' && req.method === 'POST') {
      if (req.headers['x-csrf-token'] !== 'test-token') return send(403, 'text/plain', 'csrf');
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const v = accept(o.unit, o.period, o.today + 'T09:00:00+07:00', Buffer.concat(chunks).toString('utf8'));
        send(v.status === 'accepted' ? 201 : 400, TYPES['.json'], JSON.stringify({ status: v.status, errors: v.errors, warnings: v.warnings, messages: v.messages }));
      });
      return;
    }
    if (p === '/app/board') return send(200, TYPES['.html'], shell('board', Object.assign(attrs, { data: '/app/data/board', 'csv-status': '/app/csv/status', 'csv-figures': '/app/csv/figures' }), lang, 'Regime'));
    if (p === '/app/data/board') return send(200, TYPES['.json'], JSON.stringify(board(u.searchParams)));
    if (p === '/app/csv/status') {
      const b = board(u.searchParams);
      return send(200, 'text/csv; charset=utf-8', 'unit_code,unit_name,status,working_days_late,received\n' + b.units.map((x) => [x.code, x.name, x.status, x.working_days_late, x.received].join(',')).join('\n') + '\n');
    }
    if (p === '/app/csv/figures') return send(200, 'text/csv; charset=utf-8', board(u.searchParams).figures_csv);
    send(404, 'text/plain', 'not found');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close(), store })));
}

module.exports = { start };
