/*
 * regime.js — runs a regime's compiled kernels (DIR/<regime>.wasm, from
 * `regc build --target wasm32-unknown-unknown`) in a browser or in Node.
 *
 *   const k = await RegimeWasm.load(wasmBytesOrResponse, desc); // desc: <regime>.wasm.json
 *   const res = k.validate(formIndex, rows, {units, lang});
 *     // rows: [{field_code: "text as typed", ...}]
 *     // res[i] = {fail: [{rule, severity, message}], overflow, malformed: [codes], computed: {code: text}}
 *
 * The ABI (docs/CODEGEN.md, "WebAssembly"): the module exports `memory`,
 * rg_validate_<form> (and accumulate/combine/finalize) and `__heap_base`;
 * kernels never allocate, so this file owns every byte from __heap_base up
 * (a bump allocator reset before each call). Values are parsed exactly as
 * regrt does (runtime/value.c, period.c, scan.c): a value that regrt would
 * call malformed is malformed here too. Rules that need what a page does
 * not have (the previous period, children, other forms, the unit table)
 * are not run here: the server checks them on submission.
 */
(function (root) {
  'use strict';

  const T = {integer: 1, count: 2, decimal: 3, money: 4, percent: 5, ratio: 6, bool: 7, date: 8, text: 9,
             code: 10, unit: 11, period: 12};
  const F_REQUIRED = 0x01, F_COMPUTED = 0x10, F_HAS_MIN = 0x40, F_HAS_MAX = 0x80;
  const R_WELL_FORMED = 0x01, R_PREVIOUS = 0x02, R_CHILDREN = 0x04, R_CROSS_FORM = 0x08, R_UNITS = 0x10;
  const R_PER_UNIT = 0x20, F_KEY_UNIT = 0x02, F_KEY_PERIOD = 0x04, F_DIMENSION = 0x08;
  const SERVER_ONLY = R_PREVIOUS | R_CHILDREN | R_CROSS_FORM | R_UNITS;
  const I64_MAX = 9223372036854775807n, I64_MIN = -9223372036854775808n;

  function pick(texts, lang) {
    if (!texts) return '';
    if (texts[lang]) return texts[lang];
    if (texts.en) return texts.en;
    const k = Object.keys(texts);
    return k.length ? texts[k[0]] : '';
  }

  /* ---- lexical parsers: the contract of runtime/value.c ---- */
  const isDigits = (s) => s.length > 0 && /^[0-9]+$/.test(s);
  function parseCount(s, maxd) {
    if (!s.length || (maxd > 0 && s.length > maxd) || !isDigits(s)) return null;
    const v = BigInt(s);
    return v > I64_MAX ? null : v;
  }
  function parseInteger(s, maxd) {
    const neg = s[0] === '-';
    const d = neg ? s.slice(1) : s;
    if (!d.length || (maxd > 0 && d.length > maxd) || !isDigits(d)) return null;
    const v = neg ? -BigInt(d) : BigInt(d);
    return v > I64_MAX || v < I64_MIN ? null : v;
  }
  function parseDecimal(s, scale, maxd) {
    const neg = s[0] === '-';
    const d = neg ? s.slice(1) : s;
    const dot = d.indexOf('.');
    const ip = dot < 0 ? d : d.slice(0, dot), fp = dot < 0 ? '' : d.slice(dot + 1);
    if (!ip.length || (dot >= 0 && !fp.length)) return null;
    if (!isDigits(ip) || (fp.length && !isDigits(fp))) return null;
    if (maxd > 0 && ip.length + fp.length > maxd) return null;
    if (scale < 0 || scale > 18) return null;
    if (/[^0]/.test(fp.slice(scale))) return null; /* decimals beyond the scale must be zeros */
    const frac = (fp.slice(0, scale) + '0'.repeat(scale)).slice(0, scale);
    let v = BigInt(ip) * 10n ** BigInt(scale) + (scale ? BigInt(frac) : 0n);
    if (neg) v = -v;
    return v > I64_MAX || v < I64_MIN ? null : v;
  }
  function parseBool(s) {
    if (s === '0' || s === '1') return BigInt(s);
    if (s === 'true' || s === 'TRUE') return 1n;
    if (s === 'false' || s === 'FALSE') return 0n;
    return null;
  }
  function daysFromCivil(y, m, d) {
    y -= m <= 2 ? 1 : 0;
    const era = Math.floor(y / 400), yoe = y - era * 400;
    const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
    const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
    return era * 146097 + doe - 719468;
  }
  function civilFromDays(z) {
    z += 719468;
    const era = Math.floor(z / 146097), doe = z - era * 146097;
    const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153), d = doy - Math.floor((153 * mp + 2) / 5) + 1;
    const m = mp + (mp < 10 ? 3 : -9);
    return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
  }
  const dim = (y, m) => [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  function parseDate(s) {
    const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(s);
    if (!m) return null;
    const y = +m[1], mo = +m[2], d = +m[3];
    if (mo < 1 || mo > 12 || d < 1 || d > dim(y, mo)) return null;
    return BigInt(daysFromCivil(y, mo, d));
  }
  function parsePeriod(freq, s) {
    let m;
    switch (freq) {
    case 'monthly': m = /^([0-9]{4})-([0-9]{2})$/.exec(s); return m && +m[2] >= 1 && +m[2] <= 12 ? BigInt(+m[1] * 12 + +m[2] - 1) : null;
    case 'quarterly': m = /^([0-9]{4})-Q([1-4])$/.exec(s); return m ? BigInt(+m[1] * 4 + +m[2] - 1) : null;
    case 'half_yearly': m = /^([0-9]{4})-H([12])$/.exec(s); return m ? BigInt(+m[1] * 2 + +m[2] - 1) : null;
    case 'nine_months': m = /^([0-9]{4})-9M$/.exec(s); return m ? BigInt(+m[1]) : null;
    case 'yearly': m = /^([0-9]{4})$/.exec(s); return m ? BigInt(+m[1]) : null;
    default: return null;
    }
  }
  function formatScaled(v, scale) {
    if (scale <= 0) return v.toString();
    const neg = v < 0n, u = neg ? -v : v, p = 10n ** BigInt(scale);
    return (neg ? '-' : '') + (u / p).toString() + '.' + (u % p).toString().padStart(scale, '0');
  }
  function formatPeriod(freq, p) {
    const n = Number(p);
    if (n < 0) return '';
    const y = (x) => String(x).padStart(4, '0');
    switch (freq) {
    case 'monthly': return y(Math.floor(n / 12)) + '-' + String(n % 12 + 1).padStart(2, '0');
    case 'quarterly': return y(Math.floor(n / 4)) + '-Q' + (n % 4 + 1);
    case 'half_yearly': return y(Math.floor(n / 2)) + '-H' + (n % 2 + 1);
    case 'nine_months': return y(n) + '-9M';
    default: return y(n);
    }
  }

  /* Parses one typed value of field fd: {v: BigInt} or {bad: true}. */
  function convert(desc, form, fd, s, units) {
    let v = null;
    switch (fd.type_id) {
    case T.count: v = parseCount(s, fd.max_digits || 0); break;
    case T.integer: v = parseInteger(s, fd.max_digits || 0); break;
    case T.decimal: case T.money: case T.percent: case T.ratio:
      v = parseDecimal(s, fd.scale, fd.max_digits || 0);
      if (v === null && fd.type_id === T.percent && s.endsWith('%')) v = parseDecimal(s.slice(0, -1), fd.scale, fd.max_digits || 0);
      break;
    case T.bool: v = parseBool(s); break;
    case T.date: v = parseDate(s); break;
    case T.code: {
      const codes = desc.codelists[fd.codelist].codes;
      v = -1n;
      for (let i = 0; i < codes.length; i++) if (codes[i].code === s) { v = BigInt(i); break; }
      break;
    }
    case T.unit: v = units && Object.prototype.hasOwnProperty.call(units, s) ? BigInt(units[s]) : -1n; break;
    case T.period: v = parsePeriod(form.frequency, s); break;
    default: v = 0n; /* text: only its presence is seen by the kernels */
    }
    if (v !== null && ((fd.flags & F_HAS_MIN) && v < BigInt(fd.min))) v = null;
    if (v !== null && ((fd.flags & F_HAS_MAX) && v > BigInt(fd.max))) v = null;
    return v === null ? {bad: true} : {v};
  }

  /* a value of type `type` as regrt writes it (runtime/ext.c, typed_text) */
  function typedText(desc, form, type, scale, codelist, v, lang) {
    const id = typeof type === 'number' ? type : T[type];
    return valueText(desc, form, { type_id: id, scale, codelist }, v, lang);
  }
  function valueText(desc, form, fd, v, lang) {
    switch (fd.type_id) {
    case T.date: { const [y, m, d] = civilFromDays(Number(v));
      return String(y).padStart(4, '0') + '-' + String(m).padStart(2, '0') + '-' + String(d).padStart(2, '0'); }
    case T.bool: return v ? (lang === 'vi' ? 'có' : 'yes') : (lang === 'vi' ? 'không' : 'no');
    case T.code: {
      const cl = fd.codelist >= 0 ? desc.codelists[fd.codelist] : null;
      if (cl && v >= 0n && v < BigInt(cl.codes.length)) return cl.codes[Number(v)].code;
      break;
    }
    case T.period: return formatPeriod(form.frequency, v);
    default: break;
    }
    return formatScaled(v, fd.scale) + (fd.type_id === T.percent ? '%' : '');
  }

  class Kernels {
    constructor(instance, desc) {
      this.x = instance.exports;
      this.desc = desc;
      this.base = Number(this.x.__heap_base.value);
      const abi = new DataView(this.x.memory.buffer).getUint32(Number(this.x.regime_abi_version.value), true);
      if (abi !== desc.abi_version) throw new Error('ABI ' + abi + ' of the module is not the descriptor\'s ' + desc.abi_version);
    }
    /* bump allocator over [__heap_base, ...), 8-byte aligned, zeroed */
    reset() { this.top = this.base; }
    alloc(n) {
      const at = (this.top + 7) & ~7;
      this.top = at + n;
      const mem = this.x.memory;
      if (this.top > mem.buffer.byteLength) mem.grow(Math.ceil((this.top - mem.buffer.byteLength) / 65536));
      new Uint8Array(mem.buffer, at, n).fill(0);
      return at;
    }
    /* Ids of the rules a page can run (see the header comment). */
    localRules(formIndex) {
      return this.desc.forms[formIndex].rules.map((r, i) => (r.flags & SERVER_ONLY) ? -1 : i).filter((i) => i >= 0);
    }
    validate(formIndex, rows, opts) {
      opts = opts || {};
      const lang = opts.lang || 'vi';
      const desc = this.desc, form = desc.forms[formIndex], L = desc.layout;
      const n = rows.length, W = Math.max(1, Math.ceil(n / 64)), nf = form.fields.length, nr = form.rules.length;
      this.reset();
      const cols = this.alloc(L.column.size * nf);
      const wf = this.alloc(8 * W), ovf = this.alloc(8 * W), failv = this.alloc(4 * Math.max(1, nr));
      const fails = [];
      for (let r = 0; r < nr; r++) fails.push(this.alloc(8 * W));
      const colv = [], colp = [];
      for (let k = 0; k < nf; k++) {
        colv.push(this.alloc(8 * n || 8));
        colp.push(this.alloc(8 * W));
      }
      const mal = [], malw = [];
      for (let k = 0; k < nf; k++) malw.push(this.alloc(8 * W));
      const batch = this.alloc(L.batch.size);
      const dv = new DataView(this.x.memory.buffer);
      const setBit = (addr, i) => {
        const a = addr + 8 * (i >> 6);
        dv.setBigUint64(a, dv.getBigUint64(a, true) | (1n << BigInt(i & 63)), true);
      };
      for (let k = 0; k < nf; k++) {
        const c = cols + k * L.column.size;
        dv.setUint32(c + L.column.v, colv[k], true);
        dv.setUint32(c + L.column.present, colp[k], true);
        dv.setUint32(c + L.column.malformed, malw[k], true);
      }
      for (let i = 0; i < n; i++) {
        const row = rows[i], m = [];
        let ok = true;
        for (let k = 0; k < nf; k++) {
          const fd = form.fields[k];
          if (fd.flags & F_COMPUTED) continue;
          const raw = row[fd.code] === undefined || row[fd.code] === null ? '' : String(row[fd.code]);
          if (!raw.length) {
            if (fd.flags & F_REQUIRED) { m.push(fd.code); setBit(malw[k], i); ok = false; }
            continue;
          }
          const r = convert(desc, form, fd, raw, opts.units);
          if (r.bad) { m.push(fd.code); setBit(malw[k], i); ok = false; continue; }
          dv.setBigInt64(colv[k] + 8 * i, r.v, true);
          setBit(colp[k], i);
        }
        if (ok) setBit(wf, i);
        mal.push(m);
      }
      dv.setUint32(batch + L.batch.n_rows, n, true);
      dv.setUint32(batch + L.batch.cols, cols, true);
      dv.setUint32(batch + L.batch.prev, 0, true);
      dv.setUint32(batch + L.batch.well_formed, wf, true);
      dv.setUint32(batch + L.batch.other, 0, true);
      if (L.batch.children !== undefined) dv.setUint32(batch + L.batch.children, 0, true);
      for (const k of ['prev_rows', 'children_rows', 'other_rows'])
        if (L.batch[k] !== undefined) dv.setUint32(batch + L.batch[k], 0, true);
      for (let r = 0; r < nr; r++) dv.setUint32(failv + 4 * r, fails[r], true);
      const rc = this.x[form.exports.validate](batch, failv, ovf);
      const mem = new DataView(this.x.memory.buffer);
      const bit = (addr, i) => (mem.getBigUint64(addr + 8 * (i >> 6), true) >> BigInt(i & 63)) & 1n;
      const local = this.localRules(formIndex);
      /* Per-unit rules (ABI 5): reported once per unit and period, on the
       * row with the smallest dimension values, as regrt does
       * (runtime/perunit.c). */
      let rep = null;
      if (form.rules.some((r) => r.flags & R_PER_UNIT)) {
        const uk = form.fields.findIndex((f) => f.flags & F_KEY_UNIT), pk = form.fields.findIndex((f) => f.flags & F_KEY_PERIOD);
        const dims = form.fields.map((f, k) => ((f.flags & F_DIMENSION) ? k : -1)).filter((k) => k >= 0);
        const tuple = (i) => dims.map((k) => (bit(colp[k], i) ? mem.getBigInt64(colv[k] + 8 * i, true) : bit(malw[k], i) ? -3n : -2n));
        const keyOf = (i) => {
          const u = uk < 0 || rows[i][form.fields[uk].code] == null ? '' : String(rows[i][form.fields[uk].code]);
          if (!u.length || pk < 0 || !bit(colp[pk], i)) return null;
          return u + '\u0000' + mem.getBigInt64(colv[pk] + 8 * i, true);
        };
        const less = (a, b) => { const j = a.findIndex((x, q) => x !== b[q]); return j >= 0 && a[j] < b[j]; };
        const best = new Map();
        for (let i = 0; i < n; i++) {
          const key = keyOf(i);
          if (key === null) continue;
          const t = tuple(i), b = best.get(key);
          if (!b || less(t, b)) best.set(key, t);
        }
        rep = [];
        for (let i = 0; i < n; i++) {
          const key = keyOf(i);
          rep.push(key === null || tuple(i).every((x, q) => x === best.get(key)[q]));
        }
      }
      const out = [];
      for (let i = 0; i < n; i++) {
        const res = {fail: [], overflow: rc !== 0 && bit(ovf, i) === 1n, malformed: mal[i], computed: {}};
        const values = {};
        for (let k = 0; k < nf; k++) {
          const fd = form.fields[k];
          if (!(fd.flags & F_COMPUTED)) continue;
          values[fd.code] = bit(colp[k], i) ? mem.getBigInt64(colv[k] + 8 * i, true) : null;
          res.computed[fd.code] = values[fd.code] === null ? '' : valueText(desc, form, fd, values[fd.code], lang);
        }
        for (const r of local) {
          if (!bit(fails[r], i)) continue;
          if (rep && !rep[i] && (form.rules[r].flags & R_PER_UNIT)) continue;
          const rule = form.rules[r];
          res.fail.push({rule: rule.code, severity: rule.severity, fields: rule.fields.map((k) => form.fields[k].code),
                         message: this.message(formIndex, r, rows[i], res, lang, (k) => this.messageValue(form, batch, r, i, k, lang))});
        }
        out.push(res);
      }
      return out;
    }
    /* The rule's message with {field} filled as regrt fills it
     * (runtime/report.c): raw text for typed fields, the kernel's value for
     * computed ones; malformed values listed for well-formedness rules. */
    /* Value k of rule r's message for row i: the form's message kernel
     * (ABI 3), on the batch validate has just filled. null: not present. */
    messageValue(form, batch, r, i, k, lang) {
      const fn = this.x[form.exports.message];
      if (!fn || k >= 64) return null;
      const top = this.top;
      const out = this.alloc(8 * 64), pres = this.alloc(8);
      let text = null;
      if (fn(batch, r, i, out, pres) === 0) {
        const dv = new DataView(this.x.memory.buffer);
        if ((dv.getBigUint64(pres, true) >> BigInt(k)) & 1n) {
          const v = form.rules[r].values[k];
          text = typedText(this.desc, form, v.type, v.scale, v.codelist, dv.getBigInt64(out + 8 * k, true), lang);
        }
      }
      this.top = top;
      return text;
    }
    message(formIndex, r, row, res, lang, value) {
      const form = this.desc.forms[formIndex], rule = form.rules[r];
      const empty = lang === 'vi' ? '(trống)' : '(empty)';
      const raw = (c) => (row[c] === undefined || row[c] === null ? '' : String(row[c]));
      let m = pick(rule.message, lang) || rule.source || rule.code, out = '';
      /* as runtime/report.c: '{' to the next '}' names a placeholder; a
       * value of the message kernel, else a column's text as typed, else
       * the braces stay as written */
      for (;;) {
        const open = m.indexOf('{');
        if (open < 0) { out += m; break; }
        out += m.slice(0, open);
        const close = m.indexOf('}', open);
        if (close < 0) { out += m.slice(open); break; }
        const name = m.slice(open + 1, close);
        const k = (rule.values || []).findIndex((v) => v.name === name);
        if (k >= 0 && rule.values[k].field < 0) {
          const t = value(k);
          out += t === null ? empty : t;
        } else if (form.fields.some((f) => f.code === name)) {
          out += raw(name).length ? raw(name) : empty;
        } else out += m.slice(open, close + 1);
        m = m.slice(close + 1);
      }
      if ((rule.flags & R_WELL_FORMED) && res.malformed.length)
        out += ' [' + res.malformed.map((c) => c + '="' + raw(c) + '"').join(', ') + ']';
      return out;
    }
  }

  async function load(source, desc) {
    let bytes = source;
    if (typeof Response !== 'undefined' && source instanceof Response) bytes = await source.arrayBuffer();
    const { instance } = await WebAssembly.instantiate(bytes, {});
    return new Kernels(instance, desc);
  }

  const api = { load, pick, T, SERVER_ONLY, parseDecimal, formatScaled };
  if (typeof module !== 'undefined' && module.exports) module.exports = api;
  else root.RegimeWasm = api;
})(typeof self !== 'undefined' ? self : this);
