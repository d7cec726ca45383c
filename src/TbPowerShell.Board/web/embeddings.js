// Embeddings cards: per embedding of a run's projector configuration, its points on their first two
// principal components (computed on the server) as an SVG scatter, the point's labels in a tooltip, and
// the points coloured by a metadata column chosen in the card.
import * as api from 'tb/api.js';
import { runColor } from 'tb/colors.js';
import { el, fmtInt, fmtNum, LazyCard } from 'tb/util.js';

const SVG = 'http://www.w3.org/2000/svg';
const SIZE = 320;
const PAD = 12;
// Category colours: more distinct values than this share a grey.
const CATEGORY_COLORS = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#3949ab',
  '#00897b', '#f4511e', '#6d4c41', '#c2185b', '#7cb342', '#546e7a', '#fbc02d', '#5e35b1', '#0288d1', '#afb42b',
];
const OTHER = '#b0b0b0';

function svg(tag, attrs) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  return e;
}

export class EmbeddingCard extends LazyCard {
  /** @param item { id, run, index, runName, tag, step, count, dimension, header }, run { id, name, colorIndex } */
  constructor(item, run) {
    super();
    this.item = item;
    this.run = run;
    this.data = null;
    this.colorBy = -1;
    this.colorChosen = false;
    this.select = el('select', { class: 'input emb-color', 'aria-label': `colour ${item.tag} by`, onchange: () => {
      this.colorBy = Number(this.select.value);
      this.colorChosen = true;
      this.draw();
    } });
    this.select.setAttribute('data-testid', `embedding-color-${run.name}-${item.tag}`);
    this.select.append(el('option', { value: '-1', text: 'run colour' }));
    item.header.forEach((h, i) => this.select.append(el('option', { value: String(i), text: h })));
    this.select.value = String(this.colorBy);
    this.plotEl = el('div', { class: 'emb-plot' });
    this.tip = el('div', { class: 'emb-tip hidden', role: 'tooltip' });
    this.tip.setAttribute('data-testid', `embedding-tip-${run.name}-${item.tag}`);
    this.legend = el('div', { class: 'emb-legend' });
    this.foot = el('div', { class: 'card-foot' });
    this.el = el('div', { class: 'card embedding-card' },
      el('div', { class: 'card-head' },
        el('span', { class: 'card-title', title: item.tag, text: item.tag }),
        el('span', { class: 'run-chip', title: run.name },
          el('span', { class: 'swatch', style: `background:${runColor(run.colorIndex)}` }), el('span', { text: run.name }))),
      el('div', { class: 'emb-toolbar' }, el('span', { class: 'muted', text: `step ${fmtInt(item.step)} · colour by` }), this.select),
      el('div', { class: 'emb-stage' }, this.plotEl, this.tip),
      this.legend, this.foot);
    this.el.setAttribute('data-testid', `embedding-${run.name}-${item.tag}`);
  }

  async load() {
    this.dirty = false;
    this.el.classList.add('loading');
    try {
      this.data = await api.embedding(this.item.run, this.item.index);
    } catch (e) {
      this.plotEl.textContent = '';
      this.plotEl.append(el('div', { class: 'empty error', text: String(e.message || e) }));
      return;
    } finally {
      this.el.classList.remove('loading');
    }
    if (!this.colorChosen) {
      this.colorBy = this.categoryColumn();
      this.select.value = String(this.colorBy);
    }
    this.draw();
  }

  /** The first metadata column that reads as categories (2 to 20 distinct values), else -1 (the run's colour). */
  categoryColumn() {
    const d = this.data;
    if (!d || !d.labels.length) return -1;
    for (let c = 0; c < d.header.length; c++) {
      const distinct = new Set(d.labels.map(cells => cells[c]));
      if (distinct.size >= 2 && distinct.size <= CATEGORY_COLORS.length) return c;
    }
    return -1;
  }

  /** The colour of each point and the legend's entries, from the chosen metadata column. */
  colors() {
    const d = this.data;
    const base = runColor(this.run.colorIndex);
    if (this.colorBy < 0 || !d.labels.length) return { of: () => base, legend: [] };
    const column = d.labels.map(cells => cells[this.colorBy] ?? '');
    const counts = new Map();
    for (const v of column) counts.set(v, (counts.get(v) || 0) + 1);
    const values = [...counts.keys()].sort((a, b) => counts.get(b) - counts.get(a) || a.localeCompare(b));
    const colorOf = new Map(values.slice(0, CATEGORY_COLORS.length).map((v, i) => [v, CATEGORY_COLORS[i]]));
    const legend = values.slice(0, CATEGORY_COLORS.length).map(v => [v, colorOf.get(v), counts.get(v)]);
    if (values.length > CATEGORY_COLORS.length) legend.push([`${values.length - CATEGORY_COLORS.length} more`, OTHER, null]);
    return { of: i => colorOf.get(column[i]) || OTHER, legend };
  }

  draw() {
    const d = this.data;
    this.plotEl.textContent = '';
    this.legend.textContent = '';
    if (!d) { this.plotEl.append(el('div', { class: 'empty', text: 'No such embedding' })); return; }
    const xs = d.x, ys = d.y;
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (let i = 0; i < xs.length; i++) {
      if (xs[i] === null || ys[i] === null) continue;
      x0 = Math.min(x0, xs[i]); x1 = Math.max(x1, xs[i]); y0 = Math.min(y0, ys[i]); y1 = Math.max(y1, ys[i]);
    }
    // One scale for both axes, so distances read true; a single point or a line still gets a square.
    const span = Math.max(x1 - x0, y1 - y0) || 1;
    const cx = (x0 + x1) / 2 || 0, cy = (y0 + y1) / 2 || 0;
    const scale = (SIZE - 2 * PAD) / span;
    const px = v => SIZE / 2 + (v - cx) * scale;
    const py = v => SIZE / 2 - (v - cy) * scale;
    const root = svg('svg', { viewBox: `0 0 ${SIZE} ${SIZE}`, class: 'emb-svg', role: 'img',
      'aria-label': `PCA of ${d.tag}: ${d.shown} points` });
    root.append(svg('line', { x1: PAD, y1: SIZE / 2, x2: SIZE - PAD, y2: SIZE / 2, class: 'emb-axis' }),
      svg('line', { x1: SIZE / 2, y1: PAD, x2: SIZE / 2, y2: SIZE - PAD, class: 'emb-axis' }));
    const { of, legend } = this.colors();
    const r = xs.length > 2000 ? 1.8 : xs.length > 300 ? 2.6 : 4;
    for (let i = 0; i < xs.length; i++) {
      if (xs[i] === null || ys[i] === null) continue;
      const c = svg('circle', { cx: px(xs[i]).toFixed(2), cy: py(ys[i]).toFixed(2), r, fill: of(i), class: 'emb-point' });
      c.dataset.index = String(i);
      root.append(c);
    }
    root.addEventListener('mousemove', e => this.hover(e));
    root.addEventListener('mouseleave', () => this.tip.classList.add('hidden'));
    this.plotEl.append(root);
    for (const [value, color, count] of legend) {
      this.legend.append(el('span', { class: 'emb-key' }, el('span', { class: 'swatch', style: { background: color } }),
        el('span', { text: value === '' ? '(empty)' : value }), count === null ? null : el('span', { class: 'muted', text: ` ${count}` })));
    }
    const explained = d.total > 0 ? d.variance.map(v => `${(100 * v / d.total).toFixed(1)}%`).join(' + ') : '–';
    this.foot.textContent = `${fmtInt(d.count)} points × ${d.dimension} · PCA variance ${explained}` +
      (d.shown < d.count ? ` · first ${fmtInt(d.shown)} shown` : '');
  }

  /** Shows the labels of the point under the mouse (all columns, under their names). */
  hover(e) {
    const t = e.target;
    if (!(t instanceof SVGCircleElement)) { this.tip.classList.add('hidden'); return; }
    const i = Number(t.dataset.index);
    const d = this.data;
    this.tip.textContent = '';
    this.tip.append(el('div', { class: 'emb-tip-head', text: `point ${i}` }));
    const cells = d.labels[i] || [];
    d.header.forEach((h, c) => this.tip.append(el('div', {}, el('span', { class: 'muted', text: h + ': ' }), el('span', { text: cells[c] ?? '' }))));
    this.tip.append(el('div', { class: 'muted', text: `(${fmtNum(d.x[i])}, ${fmtNum(d.y[i])})` }));
    const box = this.plotEl.getBoundingClientRect();
    this.tip.style.left = `${Math.min(e.clientX - box.left + 12, box.width - 140)}px`;
    this.tip.style.top = `${e.clientY - box.top + 12}px`;
    this.tip.classList.remove('hidden');
  }
}
