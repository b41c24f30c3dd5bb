// The page of the Enketo run: enketo-transformer's web build turns the XForm
// into Enketo's HTML form and model (XSLT in the browser), enketo-core runs it.
import { transform } from 'enketo-transformer/web';
import { Form } from 'enketo-core';

let form = null;

window.regime = {
  // Renders the XForm with an instance holding the rows; returns load errors.
  async load(xform, instance, lang) {
    const t = await transform({ xform });
    const main = document.querySelector('#main');
    main.innerHTML = t.form;
    const el = main.querySelector('form.or');
    form = new Form(el, { modelStr: t.model, instanceStr: instance }, { language: lang });
    const errors = form.init();
    return { errors, languages: t.languageMap ? Object.keys(t.languageMap) : [] };
  },
  // Validates every question; returns what the user would see.
  async check() {
    const valid = await form.validate();
    const out = [];
    const rowOf = (q) => {
      const r = q.closest('.or-repeat');
      return r ? [...r.parentElement.querySelectorAll(':scope > .or-repeat')].indexOf(r) + 1 : 0;
    };
    const text = (e) => (e ? e.textContent.replace(/\s+/g, ' ').trim() : '');
    for (const q of document.querySelectorAll('.question.invalid-constraint, .question.invalid-required')) {
      const name = q.querySelector('[name]')?.getAttribute('name');
      if (q.classList.contains('invalid-required')) out.push({ row: rowOf(q), name, kind: 'required', text: '' });
      else {
        // one span per language: the active one; its outputs are filled in
        const msg = q.querySelector('.or-constraint-msg.active') || q.querySelector('.or-constraint-msg');
        out.push({ row: rowOf(q), name, kind: 'constraint', text: msg ? msg.textContent : '' });
      }
    }
    for (const q of document.querySelectorAll('.question')) {
      const input = q.querySelector('[name]');
      const name = input?.getAttribute('name') || '';
      if (!/\/(warn|info)_[^/]*$/.test(name) || q.classList.contains('disabled') || q.closest('.disabled')) continue;
      const label = q.querySelector('.question-label.active') || q.querySelector('.question-label');
      out.push({ row: rowOf(q), name, kind: /\/warn_/.test(name) ? 'warning' : 'info', text: text(label) });
    }
    return { valid, findings: out, data: form.getDataStr() };
  },
};
