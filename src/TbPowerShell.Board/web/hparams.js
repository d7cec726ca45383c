// The HParams tab: the sweep as a table (a row per run with hyperparameters: its values and each
// metric's last value, as Get-TbHyperparameter gives them), sortable by any column, and the same rows
// as parallel coordinates (SVG). Clicking rows or lines picks runs, dragging along an axis brushes a
// range; the runs selected become the board's run filter (state.hidden), so every tab shows them only.
import { state, set } from 'tb/state.js';
import { runColor } from 'tb/colors.js';
import { el, fmtNum } from 'tb/util.js';

const SVGNS = 'http://www.w3.org/2000/svg';

function svg(tag, attrs, ...children) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k === 'text') e.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, String(v));
  }
  for (const c of children.flat()) if (c) e.append(c);
  return e;
}

/** The table: { hparams: [{ name, type, discrete, min, max }], metrics: [{ name, tag, group }], rows: [...] }. */
export async function loadHParams() {
  const report = document.getElementById('tb-report');
  if (report) return JSON.parse(report.textContent).hparams || { hparams: [], metrics: [], rows: [] };
  const res = await fetch('/api/hparams', { credentials: 'same-origin', cache: 'no-store' });
  if (!res.ok) throw new Error(`/api/hparams: HTTP ${res.status}`);
  return res.json();
}

function valueText(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return typeof v === 'number' ? fmtNum(v) : String(v);
}

/** An axis of the parallel coordinates: numeric (linear) or categorical (values evenly spaced). */
function axisOf(column, rows) {
  const values = rows.map(column.get).filter(v => v !== null && v !== undefined);
  const numeric = values.length > 0 && values.every(v => typeof v === 'number')
    && !(column.def && column.def.discrete);
  if (numeric) {
    let lo = Math.min(...values), hi = Math.max(...values);
    if (column.def && Number.isFinite(column.def.min)) { lo = Math.min(lo, column.def.min); hi = Math.max(hi, column.def.max); }
    if (lo === hi) { lo -= 1; hi += 1; }
    // 0 at the bottom, 1 at the top.
    return { numeric, lo, hi, frac: v => (typeof v === 'number' ? (v - lo) / (hi - lo) : null),
      ticks: [lo, (lo + hi) / 2, hi].map(t => ({ f: (t - lo) / (hi - lo), label: fmtNum(t) })) };
  }
  const cats = [];
  for (const v of [...(column.def?.discrete || []), ...values]) {
    const k = valueText(v);
    if (!cats.includes(k)) cats.push(k);
  }
  const pos = k => (cats.length === 1 ? 0.5 : cats.indexOf(k) / (cats.length - 1));
  return { numeric: false, cats, frac: v => (v === null || v === undefined ? null : pos(valueText(v))),
    ticks: cats.map(c => ({ f: pos(c), label: c })) };
}

export class HParamsView {
  /** ctx: { runs: [] (the board's runs), runsById: Map } */
  constructor(ctx) {
    this.ctx = ctx;
    this.data = null;
    this.loadedAt = 0;
    this.sort = { key: 'run', dir: 1 };
    this.brushes = new Map();   // column key -> [lo, hi] as axis fractions (0 bottom, 1 top)
    this.picked = new Set();    // run names clicked
    this.el = el('div', { class: 'hparams-view' });
    this.el.setAttribute('data-testid', 'hparams-view');
  }

  columns() {
    const { hparams, metrics } = this.data;
    return [
      ...hparams.map(h => ({ key: 'h:' + h.name, label: h.name, kind: 'hparam', def: h, get: r => r.hparams[h.name] })),
      ...metrics.map(m => ({ key: 'm:' + m.name, label: m.name, kind: 'metric', get: r => r.metrics[m.name] })),
    ];
  }

  /** The rows the brushes and picks select, or null when nothing narrows the selection. */
  selection(columns, axes) {
    if (!this.brushes.size && !this.picked.size) return null;
    return new Set(this.data.rows.filter(r => {
      if (this.picked.size && !this.picked.has(r.run)) return false;
      for (const [key, [lo, hi]] of this.brushes) {
        const i = columns.findIndex(c => c.key === key);
        if (i < 0) continue;
        const f = axes[i].frac(columns[i].get(r));
        if (f === null || f < lo - 1e-9 || f > hi + 1e-9) return false;
      }
      return true;
    }).map(r => r.run));
  }

  /** Makes the selection the run filter: every other run is hidden; no selection shows all. */
  apply() {
    const columns = this.columns();
    const axes = columns.map(c => axisOf(c, this.data.rows));
    const selected = this.selection(columns, axes);
    const hidden = selected ? this.ctx.runs.map(r => r.name).filter(n => !selected.has(n)) : [];
    if (JSON.stringify(hidden) === JSON.stringify(state.hidden)) this.draw();
    else set({ hidden });
  }

  clear() {
    this.brushes.clear();
    this.picked.clear();
    this.apply();
  }

  async render() {
    if (!this.data || performance.now() - this.loadedAt > 2000) {
      try {
        this.data = await loadHParams();
        this.loadedAt = performance.now();
      } catch (e) {
        this.el.textContent = '';
        this.el.append(el('div', { class: 'empty big', text: String(e.message || e) }));
        return;
      }
    }
    this.draw();
  }

  draw() {
    const data = this.data;
    this.el.textContent = '';
    if (!data.rows.length) {
      this.el.append(el('div', { class: 'empty big', text: 'No run has hyperparameters (Add-TbHyperparameter logs them).' }));
      return;
    }
    const columns = this.columns();
    const axes = columns.map(c => axisOf(c, data.rows));
    const shown = r => !state.hidden.includes(r.run);
    const colorOf = r => runColor(this.ctx.runsById.get(r.runId)?.colorIndex ?? r.runId);
    const narrowed = this.brushes.size > 0 || this.picked.size > 0;
    const selectedCount = data.rows.filter(shown).length;

    const toolbar = el('div', { class: 'runs-toolbar' },
      el('span', { text: `${data.rows.length} trial${data.rows.length === 1 ? '' : 's'}, ${selectedCount} shown` }),
      el('span', { class: 'muted', text: 'Click rows or lines to pick runs, drag along an axis to brush a range: the runs selected filter every tab.' }),
      el('button', { class: 'link', text: 'clear selection', disabled: !narrowed && selectedCount === data.rows.length,
        'data-testid': 'hparams-clear', onclick: () => this.clear() }));

    this.el.append(toolbar, this.parallel(columns, axes, shown, colorOf), this.table(columns, shown, colorOf));
  }

  parallel(columns, axes, shown, colorOf) {
    const width = Math.max(480, (this.el.clientWidth || this.el.parentElement?.clientWidth || 960) - 8);
    const height = 300, top = 34, bottom = 40, left = 60, right = 60;
    const inner = height - top - bottom;
    const x = i => (columns.length === 1 ? width / 2 : left + (i * (width - left - right)) / (columns.length - 1));
    const y = f => top + (1 - f) * inner;
    const root = svg('svg', { class: 'parcoords', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
      'aria-label': 'Parallel coordinates of the trials', 'data-testid': 'hparams-parcoords' });

    // Lines: dimmed for runs not shown, drawn first so the shown ones lie on top.
    const rows = [...this.data.rows].sort((a, b) => Number(shown(a)) - Number(shown(b)));
    for (const r of rows) {
      const points = [];
      columns.forEach((c, i) => {
        const f = axes[i].frac(c.get(r));
        if (f !== null && Number.isFinite(f)) points.push(`${x(i).toFixed(1)},${y(f).toFixed(1)}`);
      });
      const line = svg('polyline', { points: points.join(' '), class: 'pc-line' + (shown(r) ? '' : ' off') + (this.picked.has(r.run) ? ' picked' : ''),
        stroke: shown(r) ? colorOf(r) : null, 'data-run': r.run,
        onclick: () => { this.togglePick(r.run); } },
      svg('title', { text: r.run }));
      root.append(line);
    }

    columns.forEach((c, i) => {
      const ax = axes[i];
      const g = svg('g', { class: 'pc-axis' + (c.kind === 'metric' ? ' metric' : ''), transform: `translate(${x(i)},0)` });
      g.append(svg('line', { x1: 0, x2: 0, y1: top, y2: top + inner }));
      g.append(svg('text', { class: 'pc-label', x: 0, y: top - 14, 'text-anchor': 'middle', text: c.label }));
      for (const t of ax.ticks) {
        g.append(svg('text', { class: 'pc-tick', x: -6, y: y(t.f) + 4, 'text-anchor': 'end', text: t.label }));
      }
      const brush = this.brushes.get(c.key);
      const band = svg('rect', { class: 'pc-brush' + (brush ? '' : ' hidden'), x: -8, width: 16,
        y: brush ? y(brush[1]) : top, height: brush ? Math.max(2, y(brush[0]) - y(brush[1])) : 0 });
      g.append(band);
      // The grab area: drag to brush, click to clear the axis's brush.
      const hit = svg('rect', { class: 'pc-hit', x: -14, width: 28, y: top - 4, height: inner + 8, 'data-testid': 'hparams-axis-' + c.label });
      hit.addEventListener('pointerdown', e => {
        e.preventDefault();
        hit.setPointerCapture(e.pointerId);
        const box = root.getBoundingClientRect();
        const scale = height / box.height;
        const fracAt = ev => Math.min(1, Math.max(0, 1 - ((ev.clientY - box.top) * scale - top) / inner));
        const start = fracAt(e);
        let end = start;
        const move = ev => {
          end = fracAt(ev);
          const [lo, hi] = [Math.min(start, end), Math.max(start, end)];
          band.classList.remove('hidden');
          band.setAttribute('y', y(hi));
          band.setAttribute('height', Math.max(2, y(lo) - y(hi)));
        };
        const up = () => {
          hit.removeEventListener('pointermove', move);
          hit.removeEventListener('pointerup', up);
          if (Math.abs(end - start) < 0.01) this.brushes.delete(c.key);
          else this.brushes.set(c.key, [Math.min(start, end), Math.max(start, end)]);
          this.apply();
        };
        hit.addEventListener('pointermove', move);
        hit.addEventListener('pointerup', up);
      });
      g.append(hit);
      root.append(g);
    });
    return el('div', { class: 'pc-wrap' }, root);
  }

  togglePick(run) {
    if (this.picked.has(run)) this.picked.delete(run);
    else this.picked.add(run);
    this.apply();
  }

  table(columns, shown, colorOf) {
    const { key, dir } = this.sort;
    const getter = key === 'run' ? r => r.run : (columns.find(c => c.key === key)?.get || (r => r.run));
    const rows = [...this.data.rows].sort((a, b) => {
      const p = getter(a), q = getter(b);
      if (p === q) return 0;
      if (p === null || p === undefined) return 1;
      if (q === null || q === undefined) return -1;
      return (typeof p === 'number' && typeof q === 'number' ? p - q : String(p).localeCompare(String(q))) * dir;
    });
    const header = (k, label, cls) => el('th', {
      class: (cls || '') + ' sortable' + (key === k ? (dir > 0 ? ' asc' : ' desc') : ''), text: label, title: 'Sort',
      onclick: () => { this.sort = { key: k, dir: key === k ? -dir : (k.startsWith('m:') ? -1 : 1) }; this.draw(); },
    });
    const head = el('tr', {}, el('th', { class: 'swatch-col' }), header('run', 'Run'),
      columns.map(c => header(c.key, c.label, (c.kind === 'metric' ? 'num metric' : '') )));
    const body = rows.map(r => {
      const tr = el('tr', { class: 'hp-row' + (shown(r) ? '' : ' off') + (this.picked.has(r.run) ? ' picked' : ''),
        title: r.status ? `${r.run}: ${r.status}` : r.run, onclick: () => this.togglePick(r.run) },
      el('td', { class: 'swatch-col' }, el('span', { class: 'swatch', style: `background:${colorOf(r)}` })),
      el('td', { class: 'run-name', text: r.run }),
      columns.map(c => {
        const v = c.get(r);
        return el('td', { class: typeof v === 'number' ? 'num' : '', text: valueText(v),
          title: c.kind === 'metric' && r.steps[c.label] !== undefined ? `step ${r.steps[c.label]}` : undefined });
      }));
      tr.setAttribute('data-testid', 'hparams-row-' + r.run);
      return tr;
    });
    const table = el('table', { class: 'runs-table hparams-table' }, el('thead', {}, head), el('tbody', {}, body));
    table.setAttribute('data-testid', 'hparams-table');
    return el('div', { class: 'table-wrap' }, table);
  }
}
