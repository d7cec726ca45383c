// The runs table: run, tags, values, first and last step, last write, still-writing and damage marks,
// and for a chosen scalar tag the last value, min, max and step at min of every run.
import * as api from 'tb/api.js';
import { state, set } from 'tb/state.js';
import { runColor } from 'tb/colors.js';
import { el, fmtNum, fmtInt, fmtTime } from 'tb/util.js';

const columns = [
  { key: 'name', label: 'Run', text: r => r.name },
  { key: 'tagCount', label: 'Tags', num: true },
  { key: 'values', label: 'Values', num: true },
  { key: 'firstStep', label: 'First step', num: true },
  { key: 'lastStep', label: 'Last step', num: true },
  { key: 'lastWrite', label: 'Last write', time: true },
  { key: 'status', label: 'Status' },
  { key: 'last', label: 'Last', num: true, stat: true, fmt: fmtNum },
  { key: 'min', label: 'Min', num: true, stat: true, fmt: fmtNum },
  { key: 'max', label: 'Max', num: true, stat: true, fmt: fmtNum },
  { key: 'stepAtMin', label: 'Step at min', num: true, stat: true },
];

function damageText(d) {
  if (!d) return '';
  if (d === true) return 'damaged';
  if (typeof d === 'number') return `${d} damaged stretch${d === 1 ? '' : 'es'} in the run's files (see Test-TbEventFile)`;
  if (typeof d === 'string') return d;
  try { return JSON.stringify(d); } catch { return 'damaged'; }
}

export class RunsView {
  /** ctx: { runs: [], tags: [], runShown(id) } */
  constructor(ctx) {
    this.ctx = ctx;
    this.sort = { key: 'name', dir: 1 };
    this.stats = new Map();
    this.el = el('div', { class: 'runs-view' });
  }

  async render() {
    const { runs, tags } = this.ctx;
    const scalarTags = tags.filter(t => t.kind === 'scalar').sort((a, b) => a.name.localeCompare(b.name));
    const chosen = scalarTags.find(t => t.name === state.runsTag) || scalarTags.find(t => /(^|\/)loss$/i.test(t.name)) || scalarTags[0];
    this.stats = new Map();
    if (chosen) {
      try {
        const res = await api.scalars(chosen.id, chosen.runs, 1);
        for (const s of res.series || []) this.stats.set(s.run, s);
      } catch { /* the table still shows the runs */ }
    }
    const select = el('select', { class: 'input', 'aria-label': 'tag for the statistics columns',
      onchange: e => set({ runsTag: e.target.value }) },
    scalarTags.map(t => el('option', { value: t.name, text: t.name, selected: chosen && t.id === chosen.id })));
    const rows = runs.filter(r => this.ctx.runShown(r.id)).map(r => {
      const s = this.stats.get(r.id) || {};
      return { ...r, status: (r.writing ? 'writing ' : '') + (r.damaged ? 'damaged' : ''),
        last: s.last, min: s.min, max: s.max, stepAtMin: s.stepAtMin };
    });
    const { key, dir } = this.sort;
    rows.sort((a, b) => {
      const x = a[key], y = b[key];
      if (x === y) return 0;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * dir;
    });
    const head = el('tr', {}, el('th', { class: 'swatch-col' }), columns.map(c => el('th', {
      class: (c.num ? 'num ' : '') + (c.stat ? 'stat ' : '') + 'sortable' + (key === c.key ? (dir > 0 ? ' asc' : ' desc') : ''),
      title: c.stat && chosen ? `${c.label} of ${chosen.name}` : 'Sort',
      text: c.label,
      onclick: () => { this.sort = { key: c.key, dir: key === c.key ? -dir : 1 }; this.render(); },
    })));
    const body = rows.map(r => el('tr', {},
      el('td', { class: 'swatch-col' }, el('span', { class: 'swatch', style: `background:${runColor(r.colorIndex)}` })),
      columns.map(c => {
        if (c.key === 'status') {
          return el('td', {},
            r.writing ? el('span', { class: 'badge writing', title: 'The run\'s files grew in the last seconds', text: '● writing' }) : null,
            r.damaged ? el('span', { class: 'badge damaged', title: damageText(r.damaged), text: '⚠ damaged' }) : null);
        }
        const v = r[c.key];
        const text = c.time ? fmtTime(v) : c.fmt ? fmtNum(v) : c.num ? fmtInt(v) : (v ?? '');
        return el('td', { class: c.num ? 'num' : c.key === 'name' ? 'run-name' : '', text, title: c.key === 'name' ? r.name : undefined });
      })));
    const table = el('table', { class: 'runs-table' }, el('thead', {}, head), el('tbody', {}, body));
    table.setAttribute('data-testid', 'runs-table');
    this.el.textContent = '';
    this.el.append(
      el('div', { class: 'runs-toolbar' },
        el('span', { text: `${rows.length} of ${runs.length} runs` }),
        chosen ? el('label', { class: 'inline' }, 'Statistics of tag ', select) : el('span', { class: 'muted', text: 'No scalar tags' })),
      el('div', { class: 'table-wrap' }, table));
  }
}
