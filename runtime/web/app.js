/*
 * app.js — the pages of the reporting server (plain JavaScript, no framework).
 *
 * The server sends a small HTML shell whose <body> says which page it is
 * (data-page) and what it needs (data-* attributes, the CSRF token in
 * data-csrf); this file renders the page from JSON. The data-entry page is
 * generated from the form descriptor (<regime>.wasm.json) and checks every
 * change with the compiled kernels (regime.js + <regime>.wasm); when the
 * WebAssembly cannot load, the page still works and the server's verdict on
 * submission is the only one (it is the authority in every case).
 */
(function () {
  'use strict';
  const B = document.body.dataset;
  const lang = B.lang === 'en' ? 'en' : 'vi';

  const S = {
    checking: ['Đang kiểm tra…', 'Checking…'],
    checks_on: ['Kiểm tra tức thì đang bật: lỗi hiện ngay cạnh ô, trước khi nộp.', 'Instant checks are on: problems show next to the cells before you submit.'],
    checks_off: ['Không tải được bộ kiểm tra trên trình duyệt; máy chủ sẽ kiểm tra khi nộp.', 'The in-browser checks could not load; the server checks the report when you submit.'],
    add_row: ['Thêm dòng', 'Add a row'],
    remove_row: ['Xóa dòng', 'Remove row'],
    submit: ['Nộp báo cáo', 'Submit the report'],
    submitting: ['Đang nộp…', 'Submitting…'],
    accepted: ['Máy chủ đã chấp nhận báo cáo.', 'The server accepted the report.'],
    accepted_warn: ['Máy chủ đã chấp nhận báo cáo, có cảnh báo.', 'The server accepted the report, with warnings.'],
    rejected: ['Máy chủ từ chối báo cáo: hãy sửa các lỗi dưới đây rồi nộp lại.', 'The server rejected the report: fix the problems below and submit again.'],
    net_error: ['Không gửi được báo cáo; kiểm tra kết nối rồi thử lại.', 'The report could not be sent; check the connection and try again.'],
    local_errors: ['Còn lỗi trong báo cáo; bạn vẫn có thể nộp, máy chủ sẽ quyết định.', 'The report still has errors; you may still submit, the server decides.'],
    no_errors: ['Không thấy lỗi.', 'No problems found.'],
    row: ['Dòng', 'Row'],
    unit: ['Đơn vị', 'Unit'],
    period: ['Kỳ báo cáo', 'Period'],
    deadline: ['Hạn nộp', 'Deadline'],
    form: ['Biểu', 'Form'],
    status: ['Tình trạng', 'Status'],
    received: ['Thời điểm nhận', 'Received'],
    errors: ['Lỗi', 'Errors'],
    warnings: ['Cảnh báo', 'Warnings'],
    history: ['Lịch sử nộp báo cáo', 'Submission history'],
    due: ['Báo cáo cần nộp', 'Reports due'],
    open_form: ['Nhập số liệu', 'Enter the figures'],
    days_left: ['ngày làm việc còn lại', 'working days left'],
    days_over: ['ngày làm việc quá hạn', 'working days overdue'],
    due_today: ['hạn là hôm nay', 'due today'],
    none_due: ['Không có báo cáo nào đến hạn.', 'No report is due.'],
    none_history: ['Chưa nộp báo cáo nào.', 'No report submitted yet.'],
    on_time: ['Đúng hạn', 'On time'],
    late: ['Trễ hạn', 'Late'],
    missing: ['Chưa nộp', 'Missing'],
    rejected_st: ['Bị từ chối', 'Rejected'],
    accepted_st: ['Được chấp nhận', 'Accepted'],
    superseded_st: ['Đã thay thế', 'Superseded'],
    late_by: ['trễ {n} ngày làm việc', 'late by {n} working days'],
    board: ['Tình hình nộp báo cáo', 'Reporting status'],
    filter: ['Lọc theo', 'Filter by'],
    all: ['Tất cả', 'All'],
    figures: ['Số liệu tổng hợp', 'Consolidated figures'],
    completeness: ['Mức độ đầy đủ', 'Completeness'],
    csv: ['Tải CSV', 'Download CSV'],
    reported_of: ['{a} / {b} đơn vị đã nộp ({p}%)', '{a} of {b} units reported ({p}%)'],
    as_of: ['tính đến {d}', 'as of {d}'],
    chart_of: ['Biểu đồ: {f} theo {d}', 'Chart: {f} by {d}'],
    no_figures: ['Chưa có số liệu được chấp nhận cho kỳ này.', 'No accepted figures for this period yet.'],
    name: ['Tên', 'Name'],
    total: ['Tổng', 'Total'],
    show: ['Xem', 'Show'],
    field: ['Chỉ tiêu', 'Figure'],
    submitted: ['đã nộp', 'submitted'],
    not_submitted: ['chưa nộp', 'not submitted'],
  };
  const t = (k, vars) => {
    let s = (S[k] || [k, k])[lang === 'vi' ? 0 : 1];
    if (vars) for (const v of Object.keys(vars)) s = s.split('{' + v + '}').join(String(vars[v]));
    return s;
  };
  const pick = (texts) => (texts && (texts[lang] || texts.en || Object.values(texts)[0])) || '';
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of kids.flat()) if (c !== null && c !== undefined) e.append(c);
    return e;
  }
  async function getJSON(url) {
    const r = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
    return r.json();
  }
  const root = document.getElementById('app');

  /* ---- the data-entry page ------------------------------------------------------------ */
  const F_KEY = 0x06, F_DIM = 0x08, F_COMPUTED = 0x10;
  const NUMERIC = ['integer', 'count', 'decimal', 'money', 'percent', 'ratio'];

  async function entryPage() {
    const desc = await getJSON(B.desc);
    const fi = desc.forms.findIndex((f) => f.code === B.form);
    const form = desc.forms[fi];
    let kern = null;
    const status = el('p', { class: 'notice', id: 'checks', text: t('checking') });
    try {
      if (typeof WebAssembly !== 'object' || typeof RegimeWasm !== 'object') throw new Error('no WebAssembly');
      kern = await RegimeWasm.load(await fetch(B.wasm, { credentials: 'same-origin' }), desc);
      status.textContent = t('checks_on');
      status.dataset.wasm = 'on';
    } catch (e) {
      status.textContent = t('checks_off');
      status.className = 'notice warn';
      status.dataset.wasm = 'off';
    }
    const dims = form.dims.map((k) => form.fields[k]);
    const cols = form.fields.filter((f) => !(f.flags & (F_KEY | F_DIM)));
    const perRow = dims.length > 0;
    const rowsEl = el('tbody');
    const verdict = el('div', { id: 'verdict', 'aria-live': 'polite' });
    const state = { rows: [] };

    function input(f, value) {
      if (f.flags & F_COMPUTED) return el('span', { class: 'computed', 'data-field': f.code, text: '' });
      const common = { 'data-field': f.code, name: f.code, 'aria-label': pick(f.label) || f.code, title: pick(f.hint) || null };
      if (f.type === 'code' && f.codelist !== undefined) {
        const cl = desc.codelists[f.codelist];
        return el('select', common, el('option', { value: '', text: '—' }),
          cl.codes.map((c) => el('option', { value: c.code, text: c.code + ' ' + pick(c.label), selected: c.code === value })));
      }
      if (f.type === 'bool')
        return el('select', common, el('option', { value: '', text: '—' }),
          el('option', { value: '1', text: lang === 'vi' ? 'Có' : 'Yes', selected: value === '1' }),
          el('option', { value: '0', text: lang === 'vi' ? 'Không' : 'No', selected: value === '0' }));
      const num = NUMERIC.includes(f.type);
      return el('input', Object.assign(common, { type: f.type === 'date' ? 'date' : 'text', class: num ? 'num' : null,
        inputmode: num ? (f.scale > 0 ? 'decimal' : 'numeric') : null, value: value || '', autocomplete: 'off' }));
    }
    function addRow(values) {
      values = values || {};
      const tr = el('tr', { class: 'row' });
      for (const f of [...dims, ...cols]) {
        const td = el('td', { 'data-label': pick(f.label) || f.code, class: NUMERIC.includes(f.type) ? 'num' : null });
        td.append(input(f, values[f.code]));
        tr.append(td);
      }
      if (perRow) tr.append(el('td', {}, el('button', { type: 'button', class: 'link', text: t('remove_row'),
        onclick: () => { tr.nextSibling && tr.nextSibling.classList.contains('msgs') && tr.nextSibling.remove(); tr.remove(); check(); } })));
      rowsEl.append(tr);
      return tr;
    }
    function readRows() {
      return [...rowsEl.querySelectorAll('tr.row')].map((tr) => {
        const r = { [form.fields[form.unit_field].code]: B.unit, [form.fields[form.period_field].code]: B.period };
        tr.querySelectorAll('[name]').forEach((i) => { r[i.name] = i.value.trim(); });
        return r;
      });
    }
    /* Shows messages by row: under the row, and the cells the rule reads marked. */
    function show(byRow, general) {
      rowsEl.querySelectorAll('tr.msgs').forEach((x) => x.remove());
      rowsEl.querySelectorAll('[aria-invalid]').forEach((x) => x.removeAttribute('aria-invalid'));
      const trs = [...rowsEl.querySelectorAll('tr.row')];
      byRow.forEach((msgs, i) => {
        if (!msgs || !msgs.length || !trs[i]) return;
        const span = [...dims, ...cols].length + (perRow ? 1 : 0);
        const td = el('td', { colspan: span });
        for (const m of msgs) {
          td.append(el('div', { class: 'msg ' + (m.severity || 'error'), 'data-rule': m.rule }, el('b', { text: m.rule + ': ' }), m.message));
          for (const c of m.fields || [])
            trs[i].querySelectorAll(`[data-field="${c}"]`).forEach((x) => { if (m.severity !== 'info') x.setAttribute('aria-invalid', 'true'); });
        }
        trs[i].after(el('tr', { class: 'msgs' }, td));
      });
      verdict.replaceChildren(...(general || []));
    }
    function check() {
      if (!kern) return;
      const rows = readRows();
      const res = kern.validate(fi, rows, { lang, units: B.unit ? { [B.unit]: 0 } : null });
      const trs = [...rowsEl.querySelectorAll('tr.row')];
      res.forEach((r, i) => {
        for (const [code, v] of Object.entries(r.computed)) {
          const c = trs[i] && trs[i].querySelector(`.computed[data-field="${code}"]`);
          if (c) c.textContent = v;
        }
        for (const code of r.malformed) r.fail.forEach((f) => { if (f.fields.length === 0) f.fields.push(code); });
      });
      const blank = (row) => [...dims, ...cols].every((f) => (f.flags & F_COMPUTED) || !row[f.code]);
      /* an untouched last row of a table is not an error */
      show(res.map((r, i) => (perRow && rows.length > 1 && blank(rows[i]) ? [] : r.fail)), []);
      state.localErrors = res.some((r) => r.fail.some((f) => f.severity === 'error'));
    }
    let timer = 0;
    rowsEl.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(check, 120); });
    rowsEl.addEventListener('change', check);

    function instanceXml(rows) {
      const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      const uf = form.fields[form.unit_field].code, pf = form.fields[form.period_field].code;
      let x = `<?xml version="1.0" encoding="UTF-8"?>\n<${form.code} id="${form.code}" version="${esc(desc.version)}">\n`;
      x += `  <${uf}>${esc(B.unit)}</${uf}>\n  <${pf}>${esc(B.period)}</${pf}>\n`;
      const put = (r, f, ind) => { if (!(f.flags & F_COMPUTED) && r[f.code] !== '') x += `${ind}<${f.code}>${esc(r[f.code])}</${f.code}>\n`; };
      if (perRow) {
        for (const r of rows) {
          if ([...dims, ...cols].every((f) => (f.flags & F_COMPUTED) || !r[f.code])) continue;
          x += '  <row>\n';
          for (const f of [...dims, ...cols]) put(r, f, '    ');
          x += '  </row>\n';
        }
      } else for (const f of cols) put(rows[0], f, '  ');
      const id = (crypto.randomUUID && crypto.randomUUID()) || String(Date.now()) + Math.random().toString(16).slice(2);
      x += `  <meta><instanceID>uuid:${id}</instanceID></meta>\n</${form.code}>\n`;
      return x;
    }
    async function submit(ev) {
      ev.preventDefault();
      const btn = ev.submitter || document.getElementById('submit');
      btn.disabled = true;
      btn.textContent = t('submitting');
      const rows = readRows();
      /* rows sent are the non-blank ones: the server numbers them so */
      const sent = perRow ? rows.map((r, i) => ([...dims, ...cols].every((f) => (f.flags & F_COMPUTED) || !r[f.code]) ? -1 : i)).filter((i) => i >= 0) : [0];
      try {
        const r = await fetch(B.submit, { method: 'POST', credentials: 'same-origin',
          headers: { 'Content-Type': 'application/xml', 'X-CSRF-Token': B.csrf, Accept: 'application/json' }, body: instanceXml(rows) });
        const v = await r.json();
        const byRow = rows.map(() => []);
        const general = [];
        for (const m of v.messages || []) {
          const i = m.row > 0 ? sent[m.row - 1] : undefined;
          const rule = form.rules.find((x) => x.code === m.rule);
          const mm = { rule: m.rule, severity: m.severity, message: m.message, fields: rule ? rule.fields.map((k) => form.fields[k].code) : [] };
          if (i !== undefined) byRow[i].push(mm); else general.push(el('div', { class: 'msg ' + (m.severity || 'error') }, m.rule ? el('b', { text: m.rule + ': ' }) : null, m.message));
        }
        const ok = v.status === 'accepted';
        show(byRow, [el('p', { class: 'notice ' + (ok ? 'ok' : 'bad'), id: 'server-verdict', 'data-status': v.status || 'error',
          text: ok ? (v.warnings ? t('accepted_warn') : t('accepted')) : t('rejected') }), ...general]);
      } catch (e) {
        verdict.replaceChildren(el('p', { class: 'notice bad', id: 'server-verdict', 'data-status': 'error', text: t('net_error') }));
      }
      btn.disabled = false;
      btn.textContent = t('submit');
    }

    const head = el('tr', {}, [...dims, ...cols].map((f) => el('th', { class: NUMERIC.includes(f.type) ? 'num' : null, title: pick(f.hint) || null },
      pick(f.label) || f.code, f.hint && pick(f.hint) ? el('span', { class: 'hint', text: pick(f.hint) }) : null)), perRow ? el('th') : null);
    const table = el('table', { class: 'cards entry-table' }, el('thead', {}, head), rowsEl);
    const formEl = el('form', { class: 'entry', onsubmit: submit, novalidate: true },
      el('input', { type: 'hidden', name: 'csrf', value: B.csrf || '' }),
      el('div', { class: 'scroll' }, table),
      el('div', { class: 'actions' },
        perRow ? el('button', { type: 'button', class: 'secondary', id: 'add-row', text: t('add_row'), onclick: () => { addRow(); } }) : null,
        el('button', { type: 'submit', id: 'submit', text: t('submit') })),
      verdict);
    root.replaceChildren(
      el('h1', { text: pick(form.label) || form.code }),
      el('p', { class: 'muted' }, `${t('unit')}: ${B.unitName || B.unit} · ${t('period')}: ${B.period}` + (B.deadline ? ` · ${t('deadline')}: ${B.deadline}` : '')),
      status, formEl);
    addRow();
    check();
  }

  /* ---- home of a reporting unit: reports due and history ------------------------------- */
  const statusText = (s) => ({ on_time: t('on_time'), late: t('late'), missing: t('missing'), rejected: t('rejected_st'),
    accepted: t('accepted_st'), superseded: t('superseded_st') })[s] || s;

  async function homePage() {
    const d = await getJSON(B.data);
    const due = d.due.length ? el('div', {}, d.due.map((x) => el('div', { class: 'card due', 'data-form': x.form, 'data-period': x.period },
      el('h2', { text: x.label }),
      el('p', {}, `${t('period')}: ${x.period} · ${t('deadline')}: ${x.deadline} · `,
        el('span', { class: x.submitted ? 'status-accepted' : 'muted', text: x.submitted ? t('submitted') : t('not_submitted') })),
      el('p', {}, el('span', { class: 'days', 'data-days': x.working_days_left, text: String(Math.abs(x.working_days_left)) }), ' ',
        x.working_days_left > 0 ? t('days_left') : x.working_days_left === 0 ? t('due_today') : t('days_over')),
      el('a', { class: 'button', href: x.url, text: t('open_form') }))))
      : el('p', { class: 'muted', text: t('none_due') });
    const hist = d.history.length ? el('div', { class: 'scroll' }, el('table', { id: 'history' },
      el('thead', {}, el('tr', {}, [t('form'), t('period'), t('received'), t('status'), t('errors'), t('warnings')].map((h) => el('th', { text: h })))),
      el('tbody', {}, d.history.map((h) => el('tr', {}, el('td', { text: h.form }), el('td', { text: h.period }), el('td', { text: h.received }),
        el('td', { class: 'status-' + h.status, text: statusText(h.status) }), el('td', { class: 'num', text: h.errors }), el('td', { class: 'num', text: h.warnings }))))))
      : el('p', { class: 'muted', text: t('none_history') });
    root.replaceChildren(el('h1', { text: d.unit_name ? `${d.unit_name} (${d.unit})` : d.unit }),
      el('h2', { text: t('due') }), due, el('h2', { text: t('history') }), hist);
  }

  /* ---- supervisor's board ------------------------------------------------------------ */
  function csvLink(url) { return el('a', { class: 'button secondary', href: url, download: '', text: t('csv') }); }

  /* Bars drawn from the very numbers of the table (no charting library:
   * a few SVG rectangles keep the chart and the table identical). */
  function barChart(title, items) {
    const max = Math.max(1, ...items.map((x) => x.value));
    const rowH = 22, left = 150, width = 560, h = items.length * rowH + 10;
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('viewBox', `0 0 ${left + width + 70} ${h}`);
    svg.setAttribute('class', 'chart');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', title);
    const ns = (tag, a, text) => { const e = document.createElementNS('http://www.w3.org/2000/svg', tag); for (const [k, v] of Object.entries(a)) e.setAttribute(k, v); if (text !== undefined) e.textContent = text; svg.append(e); return e; };
    items.forEach((x, i) => {
      const y = 5 + i * rowH, w = Math.round((x.value / max) * width);
      ns('text', { x: left - 6, y: y + 14, 'text-anchor': 'end' }, x.label.length > 22 ? x.label.slice(0, 21) + '…' : x.label);
      ns('rect', { x: left, y: y + 2, width: w, height: rowH - 6, fill: '#1d4ed8', 'data-label': x.label, 'data-value': x.value });
      ns('text', { x: left + w + 4, y: y + 14 }, x.text);
    });
    return svg;
  }

  function parseCsv(text) {
    const rows = [];
    let row = [], cell = '', q = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (q) { if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') q = false; else cell += c; }
      else if (c === '"') q = true;
      else if (c === ',') { row.push(cell); cell = ''; }
      else if (c === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; }
      else if (c !== '\r') cell += c;
    }
    if (cell.length || row.length) { row.push(cell); rows.push(row); }
    return rows;
  }

  /* The board: its frame (/app/data/board: units, groups, deadline), the
   * status from arrival times and the roll-up from the server's API. */
  async function boardPage() {
    const params = new URLSearchParams(location.search);
    const d = await getJSON(B.data + (location.search || ''));
    const form = d.form, period = d.period, group = params.get('group') || '';
    const q = (o) => '?' + new URLSearchParams(o).toString();
    const statusUrl = (fmt) => B.api + '/status' + q({ form, period, format: fmt });
    const level = group ? d.group_tier : d.level;
    const rollupUrl = (fmt) => B.api + '/rollup' + q({ form, of: period, period: d.frequency, to: level, format: fmt });
    const st = await getJSON(statusUrl('json'));
    const stUnits = new Map(((st.periods && st.periods[0] && st.periods[0].units) || []).map((u) => [u.unit, u]));
    const filters = el('form', { class: 'filters card', method: 'get' },
      el('label', {}, t('form'), el('select', { name: 'form' }, d.forms.map((f) => el('option', { value: f.code, text: f.label, selected: f.code === form })))),
      el('label', {}, t('period'), el('input', { name: 'period', value: period, size: 9 })),
      d.groups.length ? el('label', {}, `${t('filter')}: ${d.group_tier_label}`, el('select', { name: 'group', id: 'group' }, el('option', { value: '', text: t('all') }),
        d.groups.map((g) => el('option', { value: g.code, text: g.name ? `${g.name} (${g.code})` : g.code, selected: g.code === group })))) : null,
      el('button', { type: 'submit', text: t('show') }));
    const units = d.units.filter((u) => !group || u.group === group).map((u) => {
      const s = stUnits.get(u.code) || { status: 'missing' };
      const status = s.status === 'missing' && u.rejected ? 'rejected' : s.status;
      return { code: u.code, name: u.name, status, working_days_late: s.working_days_late || 0, received: s.received || '' };
    });
    const n = { on_time: 0, late: 0, missing: 0, rejected: 0 };
    units.forEach((u) => { n[u.status] = (n[u.status] || 0) + 1; });
    const reported = n.on_time + n.late;
    const pct = units.length ? Math.round((100 * reported) / units.length) : 0;
    const statusTable = el('table', { id: 'status' },
      el('thead', {}, el('tr', {}, [t('unit'), t('name'), t('status'), t('received')].map((h) => el('th', { text: h })))),
      el('tbody', {}, units.map((u) => el('tr', { 'data-unit': u.code, 'data-status': u.status },
        el('td', { text: u.code }), el('td', { text: u.name }),
        el('td', { class: 'status-' + u.status, text: statusText(u.status) + (u.status === 'late' ? ' (' + t('late_by', { n: u.working_days_late }) + ')' : '') }),
        el('td', { text: u.received || '' })))));
    const parts = [el('h1', { text: `${t('board')} · ${d.form_label} · ${period}` }), filters,
      el('p', { class: 'muted', text: `${t('deadline')}: ${d.deadline} · ${t('as_of', { d: st.as_of || d.as_of })}` }),
      el('div', { class: 'counts', id: 'counts' },
        el('span', { class: 'status-on_time', 'data-n': n.on_time, text: `${t('on_time')}: ${n.on_time}` }),
        el('span', { class: 'status-late', 'data-n': n.late, text: `${t('late')}: ${n.late}` }),
        el('span', { class: 'status-missing', 'data-n': n.missing, text: `${t('missing')}: ${n.missing}` }),
        el('span', { class: 'status-rejected', 'data-n': n.rejected, text: `${t('rejected_st')}: ${n.rejected}` })),
      el('h2', { text: t('completeness') }),
      el('p', { id: 'completeness', text: t('reported_of', { a: reported, b: units.length, p: pct }) }),
      el('div', { class: 'bar', role: 'progressbar', 'aria-valuenow': pct, 'aria-valuemin': 0, 'aria-valuemax': 100 }, el('div', { style: `width:${pct}%` })),
      el('div', { class: 'scroll' }, statusTable),
      el('div', { class: 'actions' }, csvLink(statusUrl('csv'))),
      el('h2', { text: t('figures') })];
    /* the roll-up of the accepted reports, as the server computes it */
    const r = await fetch(rollupUrl('csv'), { credentials: 'same-origin' });
    const rows = r.ok ? parseCsv(await r.text()) : [];
    /* the rows of the level shown: the supervisor's unit, or the group */
    const head = rows[0] || [], body = rows.slice(1).filter((x) => x.length === head.length && x[0] === level && (!group || x[1] === group));
    const desc = d.desc || null;
    if (!body.length) parts.push(el('p', { class: 'muted', id: 'no-figures', text: t('no_figures') }));
    else {
      const keys = ['level', 'unit_code', 'period', 'month', 'quarter', 'half', 'year', ...(d.dims || [])];
      const isNum = (i) => !keys.includes(head[i]) && body.every((x) => x[i] === '' || /^-?[0-9]+(\.[0-9]+)?%?$/.test(x[i]));
      const label = (c) => (d.labels && d.labels[c]) || c;
      parts.push(el('div', { class: 'scroll' }, el('table', { id: 'figures' },
        el('thead', {}, el('tr', {}, head.map((c, i) => el('th', { class: isNum(i) ? 'num' : null, 'data-col': c, text: label(c) })))),
        el('tbody', {}, body.map((x) => el('tr', {}, x.map((v, i) => el('td', { class: isNum(i) ? 'num' : null, text: v }))))))));
      parts.push(el('div', { class: 'actions' }, csvLink(rollupUrl('csv'))));
      /* the chart: per value of the first dimension, the figure with the
       * largest total (the form's total, usually) */
      const li = head.indexOf((d.dims || [])[0]);
      let ci = -1, best = -Infinity;
      head.forEach((c, i) => {
        if (!isNum(i) || c === 'n_units' || body.some((x) => x[i].includes('.') || x[i].endsWith('%'))) return;
        const sum = body.reduce((a, x) => a + (Number(x[i]) || 0), 0);
        if (sum > best) { best = sum; ci = i; }
      });
      if (li >= 0 && ci >= 0) {
        parts.push(el('h2', { text: t('chart_of', { f: label(head[ci]), d: label(head[li]) }) }));
        parts.push(el('div', { id: 'chart' }, barChart(label(head[ci]), body.map((x) => ({ label: x[li], value: Number(x[ci]) || 0, text: x[ci] })))));
      }
    }
    root.replaceChildren(...parts);
  }

  /* the language switch keeps the page and says the choice in a cookie */
  document.querySelectorAll('[data-set-lang]').forEach((a) => a.addEventListener('click', (e) => {
    e.preventDefault();
    document.cookie = 'lang=' + a.dataset.setLang + '; path=/; SameSite=Lax; max-age=31536000';
    location.reload();
  }));

  const pages = { entry: entryPage, home: homePage, board: boardPage };
  if (pages[B.page]) pages[B.page]().catch((e) => {
    root.replaceChildren(el('p', { class: 'notice bad', id: 'page-error', text: String(e && e.message || e) }));
  });
})();
