// Scalar cards: one uPlot chart per tag, runs as series with stable colours, TensorBoard's smoothing,
// step / relative / wall x axis, linear or log y, a y range that ignores outliers, a tooltip listing
// runs by value, drag to zoom (the server sends full resolution for the zoomed range), double-click
// to reset, grouping of runs as mean + min–max band, and CSV / JSON / PNG / PowerShell per card.
import * as api from 'tb/api.js';
import { state, regex } from 'tb/state.js';
import { runColor, withAlpha } from 'tb/colors.js';
import { smooth, smoothSparse } from 'tb/smoothing.js';
import { el, fmtNum, fmtInt, fmtDuration, fmtTime, download, safeName, copyText, nearest, toast, LazyCard, firstChartMark } from 'tb/util.js';

const CHART_HEIGHT = 210;
// The most the server accepts; it sends every point when the range holds at most 4 x points.
const FULL_POINTS = 100000;

let tooltip = null;
function tooltipEl() {
  if (!tooltip) { tooltip = el('div', { class: 'tooltip', role: 'tooltip' }); document.body.append(tooltip); }
  return tooltip;
}

function markFirstDraw(card) {
  const dbg = window.tbDebug;
  if (dbg && dbg.firstChartDrawn === undefined) {
    dbg.firstChartDrawn = performance.now();
    performance.mark('tb-first-chart');
    window.dispatchEvent(new Event('tb-first-chart'));
  }
  // The first chart drawn from whole runs, not a preview.
  if (dbg && card.complete && dbg.completeChartDrawn === undefined) dbg.completeChartDrawn = performance.now();
}

function quantile(sorted, q) {
  if (!sorted.length) return NaN;
  const pos = (sorted.length - 1) * q, lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** x values of a series for the chosen axis, in the run's point order. */
function xValues(s, axis) {
  if (axis === 'step') return s.step;
  if (axis === 'wall') return s.wall;
  let w0 = Infinity;
  for (const w of s.wall) if (w < w0) w0 = w;
  return s.wall.map(w => w - w0);
}

/** The run's points sorted by x (steps come sorted; wall time may not). */
function sortedByX(xs, cols) {
  let sorted = true;
  for (let i = 1; i < xs.length; i++) if (xs[i] < xs[i - 1]) { sorted = false; break; }
  if (sorted) return [xs, ...cols];
  const idx = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
  return [idx.map(i => xs[i]), ...cols.map(c => idx.map(i => c[i]))];
}

/**
 * Puts a line's points on a shared grid of half-slots (two per slot, a quarter pixel apart), keeping
 * each column's lowest and highest value of a slot in their order, so that many runs align into few
 * x values (uPlot draws all series over one x array) without losing a spike.
 */
function snapToGrid(x, cols, x0, x1, slots) {
  // Plain loops and typed arrays: this runs over every point of every run of a card, often before the page's code
  // has been optimized (the first chart), where a closure a point costs more than the drawing.
  const w = (x1 - x0) / slots || 1;
  const m = cols.length;
  const xs = [];
  const out = [];
  for (let k = 0; k < m; k++) out.push([]);
  const lo = new Int32Array(m), hi = new Int32Array(m);
  let slot = 0, open = false;
  const flush = () => {
    const xa = x0 + slot * w;
    let two = false;
    for (let k = 0; k < m; k++) if (lo[k] !== hi[k]) { two = true; break; }
    xs.push(xa);
    for (let k = 0; k < m; k++) out[k].push(cols[k][Math.min(lo[k], hi[k])]);
    if (two) {
      xs.push(xa + w / 2);
      for (let k = 0; k < m; k++) out[k].push(cols[k][Math.max(lo[k], hi[k])]);
    }
  };
  const below = x0 - w, above = x1 + w;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    if (xi < below || xi > above) continue;
    const s = Math.floor((xi - x0) / w);
    if (!open || s !== slot) {
      if (open) flush();
      slot = s;
      open = true;
      lo.fill(i);
      hi.fill(i);
      continue;
    }
    for (let k = 0; k < m; k++) {
      const c = cols[k];
      const v = c[i];
      if (!Number.isFinite(v)) continue;
      if (!(c[lo[k]] <= v)) lo[k] = i;
      if (!(c[hi[k]] >= v)) hi[k] = i;
    }
  }
  if (open) flush();
  return [xs, ...out];
}

/** Quotes a PowerShell string literal; wildcard characters escaped when the parameter takes wildcards. */
function psQuote(s, wildcard) {
  let v = String(s);
  if (wildcard) v = v.replace(/[`*?[\]]/g, m => '`' + m);
  return "'" + v.replace(/'/g, "''") + "'";
}

export class ScalarCard extends LazyCard {
  /**
   * @param tag { id, name, kind, runs }
   * @param ctx { runsById: Map, shownRunIds(tag) -> [id], logDirs: [string], onPin(name), isPinned(name) }
   */
  constructor(tag, ctx) {
    super();
    this.tag = tag;
    this.ctx = ctx;
    this.series = [];      // as sent by the server
    this.rangeLoaded = null; // { min, max } when the data is a zoomed fetch
    this.zoom = null;      // x range the user zoomed to
    this.plot = null;
    this.loading = null;
    this.lines = [];       // per drawn run: { run, name, color, x, raw, smooth }
    this.groups = [];      // per group: { name, color, x, mean, min, max, members }
    this.spacing = new Map(); // run id -> mean step spacing of its full series
    this.build();
  }

  build() {
    const pinned = this.ctx.isPinned(this.tag.name);
    this.pinBtn = el('button', { class: 'icon' + (pinned ? ' on' : ''), title: pinned ? 'Unpin' : 'Pin to the top',
      'aria-label': 'pin', text: pinned ? '★' : '☆', onclick: () => this.ctx.onPin(this.tag.name) });
    const actions = el('span', { class: 'card-actions' },
      this.pinBtn,
      el('button', { class: 'icon', title: 'Download CSV of the shown runs', text: 'CSV', onclick: () => this.exportData('csv') }),
      el('button', { class: 'icon', title: 'Download JSON of the shown runs', text: 'JSON', onclick: () => this.exportData('json') }),
      el('button', { class: 'icon', title: 'Download the chart as PNG', text: 'PNG', onclick: () => this.exportPng() }),
      el('button', { class: 'icon', title: 'Copy the Get-TbEvent command that yields this data', text: 'PS', onclick: () => this.copyPowerShell() }),
      el('button', { class: 'icon', title: 'Wider', text: '⤢', onclick: () => this.toggleWide() }));
    this.chartEl = el('div', { class: 'chart' });
    this.footEl = el('div', { class: 'card-foot' });
    this.el = el('div', { class: 'card scalar-card', dataset: { testid: 'card-' + this.tag.name, seriesCount: '0', bands: '0' } },
      el('div', { class: 'card-head' }, el('span', { class: 'card-title', title: this.tag.name, text: this.tag.name }), actions),
      this.chartEl, this.footEl);
    this.el.setAttribute('data-testid', 'card-' + this.tag.name);
    this.chartEl.addEventListener('mouseleave', () => { tooltipEl().style.display = 'none'; });
    this.resizeObs = new ResizeObserver(() => this.resize());
    this.resizeObs.observe(this.chartEl);
  }

  setPinned(on) {
    this.pinBtn.classList.toggle('on', on);
    this.pinBtn.textContent = on ? '★' : '☆';
    this.pinBtn.title = on ? 'Unpin' : 'Pin to the top';
  }

  toggleWide() {
    this.el.classList.toggle('wide');
    this.resize();
  }

  resize() {
    if (!this.plot) return;
    const w = Math.floor(this.chartEl.clientWidth);
    const h = this.el.classList.contains('wide') ? CHART_HEIGHT * 1.6 : CHART_HEIGHT;
    if (w > 0 && (w !== this.plot.width || h !== this.plot.height)) this.plot.setSize({ width: w, height: h });
  }

  /** Buckets to ask the server for: one per pixel column, fewer when many runs share the card. */
  points() {
    // widthHint: the page's first view, which gives the card's width before the page is laid out.
    const width = Math.round(this.widthHint || this.chartEl.clientWidth || 600);
    this.widthHint = 0;
    const runs = this.ctx.shownRunIds(this.tag).length;
    const perPixel = runs <= 10 ? 1 : runs <= 50 ? 2 : 3;
    return Math.max(100, Math.min(2000, Math.round(width / perPixel)));
  }

  async load() {
    if (this.loading) { this.reloadAfter = true; return this.loading; }
    this.dirty = false;
    const runIds = this.ctx.shownRunIds(this.tag);
    this.el.classList.add('loading');
    const zoomFetch = this.zoom && state.xAxis === 'step' ? this.zoom : null;
    // The first load asks for a preview (answered at once; runs still being read come as a few places of each
    // file), then at once for the whole data.
    const preview = !this.previewAsked && !zoomFetch && !api.offline;
    this.previewAsked = true;
    this.loading = (async () => {
      try {
        firstChartMark('tb-scalars-ask-' + this.tag.id);
        const res = runIds.length
          ? await api.scalars(this.tag.id, runIds, this.points(),
            zoomFetch ? Math.floor(zoomFetch.min) : undefined, zoomFetch ? Math.ceil(zoomFetch.max) : undefined, preview)
          : { series: [] };
        if (res.series.some(s => s.preview)) this.reloadAfter = true;
        firstChartMark('tb-scalars-' + this.tag.id);
        this.series = res.series || [];
        this.rangeLoaded = zoomFetch;
        this.footEl.classList.remove('error');
        this.render();
      } catch (e) {
        this.footEl.textContent = String(e.message || e);
        this.footEl.classList.add('error');
      }
    })();
    await this.loading;
    this.loading = null;
    this.el.classList.remove('loading');
    if (this.reloadAfter) { this.reloadAfter = false; return this.load(); }
  }

  /** Recomputes lines and groups from the loaded series and the view state, and draws. */
  render() {
    const t0 = performance.now();
    const axis = state.xAxis;
    const w = state.smoothing;
    this.lines = [];
    for (const s of this.series) {
      const run = this.ctx.runsById.get(s.run);
      if (!run) continue;
      const vals = s.value.map(v => (v === null ? NaN : v));
      // Downsampled: smooth with each kept point weighted by the original points it stands for
      // (the mean step spacing of the whole series, remembered from the unzoomed load).
      if (!this.rangeLoaded && s.total > 1 && s.step.length) this.spacing.set(s.run, (s.step[s.step.length - 1] - s.step[0]) / (s.total - 1));
      const sm = s.downsampled ? smoothSparse(vals, s.step, w, this.spacing.get(s.run)) : smooth(vals, w);
      const [x, raw, smoothed, step, wall] = sortedByX(xValues(s, axis), [vals, sm, s.step, s.wall]);
      this.lines.push({ run: s.run, name: run.name, color: runColor(run.colorIndex), x, raw, smooth: smoothed, step, wall, s });
    }
    this.lines.sort((a, b) => a.name.localeCompare(b.name));
    const t1 = performance.now();
    this.buildGroups();
    const t2 = performance.now();
    if (this.series.length && !this.series.some(s => s.preview)) this.complete = true;
    this.draw();
    // Where a render's time goes (ms), for the browser benchmark: lines, groups, chart data, uPlot.
    this.timing = { lines: t1 - t0, groups: t2 - t1, data: this.dataMs, plot: performance.now() - t2 - this.dataMs };
    const shown = this.lines.filter(l => l.x.length).length;
    this.el.dataset.seriesCount = String(shown);
    this.el.dataset.bands = String(this.groups.length);
    const total = this.series.reduce((a, s) => a + (s.total || s.step.length), 0);
    const sent = this.series.reduce((a, s) => a + s.step.length, 0);
    const down = this.series.some(s => s.downsampled);
    this.el.dataset.pointCount = String(sent);
    this.el.dataset.drawMs = (performance.now() - t0).toFixed(1);
    const previewing = this.series.some(s => s.preview);
    this.el.dataset.preview = String(previewing);
    this.footEl.textContent = previewing
      ? `${shown} run${shown === 1 ? '' : 's'} · a preview while the runs are read…`
      : `${shown} run${shown === 1 ? '' : 's'} · ${fmtInt(sent)}${down ? ' of ' + fmtInt(total) : ''} points` +
        (down ? ' · downsampled, spikes kept; zoom for all' : '') + (this.rangeLoaded ? ' · zoomed' : '');

  }

  buildGroups() {
    this.groups = [];
    const re = regex(state.group);
    if (!re) { this.lines.forEach(l => { l.member = false; }); return; }
    const g = new RegExp(re.source, 'gi');
    const byKey = new Map();
    for (const l of this.lines) {
      const key = l.name.replace(g, '').replace(/([_\-/.,=])\1+/g, '$1').replace(/^[_\-/.,=]+|[_\-/.,=]+$/g, '') || l.name;
      if (!byKey.has(key)) byKey.set(key, []);
      byKey.get(key).push(l);
    }
    for (const [key, members] of byKey) {
      members.forEach(m => { m.member = members.length > 1; });
      if (members.length < 2) continue;
      // Union of the members' x values; each member's value there by carrying its last point forward
      // (inside its own x range only).
      const xs = [...new Set(members.flatMap(m => m.x))].sort((a, b) => a - b);
      const mean = [], min = [], max = [];
      const pos = members.map(() => 0);
      for (const x of xs) {
        let sum = 0, n = 0, lo = Infinity, hi = -Infinity;
        members.forEach((m, k) => {
          while (pos[k] + 1 < m.x.length && m.x[pos[k] + 1] <= x) pos[k]++;
          if (!m.x.length || x < m.x[0] || x > m.x[m.x.length - 1]) return;
          const v = m.smooth[pos[k]];
          if (!Number.isFinite(v)) return;
          sum += v; n++; lo = Math.min(lo, v); hi = Math.max(hi, v);
        });
        mean.push(n ? sum / n : null); min.push(n ? lo : null); max.push(n ? hi : null);
      }
      this.groups.push({ name: key, color: members[0].color, x: xs, mean, min, max, members });
    }
  }

  /**
   * The y range. Ignoring outliers: the 0.5th to 99.5th percentile of the drawn values (smoothed when
   * smoothing is on) in the x window; an extreme only a little beyond that range is kept in view.
   */
  yRange(u, dmin, dmax) {
    // uPlot asks again for the same range within one draw (data, then scales): the percentiles are sorted once.
    const key = [u.scales.x.min, u.scales.x.max, dmin, dmax, state.logY, state.outliers, state.smoothing].join('|');
    if (this.rangeMemo && this.rangeMemo.key === key && this.rangeMemo.lines === this.lines) return this.rangeMemo.range.slice();
    const range = this.computeYRange(u, dmin, dmax);
    this.rangeMemo = { key, lines: this.lines, range };
    return range.slice();
  }

  computeYRange(u, dmin, dmax) {
    const log = state.logY;
    let lo = dmin, hi = dmax;
    if (state.outliers && this.lines.length) {
      const xmin = u.scales.x.min ?? -Infinity, xmax = u.scales.x.max ?? Infinity;
      let vals = [];
      const useRaw = !(state.smoothing > 0);
      for (const l of this.lines) {
        const ys = useRaw && !l.member ? l.raw : l.smooth;
        for (let i = 0; i < l.x.length; i++) {
          if (l.x[i] < xmin || l.x[i] > xmax) continue;
          const v = ys[i];
          if (Number.isFinite(v) && (!log || v > 0)) vals.push(v);
        }
      }
      for (const gr of this.groups) {
        for (let i = 0; i < gr.x.length; i++) {
          if (gr.x[i] < xmin || gr.x[i] > xmax) continue;
          for (const v of [gr.min[i], gr.max[i]]) if (Number.isFinite(v) && (!log || v > 0)) vals.push(v);
        }
      }
      if (vals.length >= 20) {
        vals = Float64Array.from(vals).sort();
        const min = vals[0], max = vals[vals.length - 1];
        const qlo = quantile(vals, 0.005), qhi = quantile(vals, 0.995);
        const span = qhi - qlo;
        lo = qlo - min <= span * 0.25 ? min : qlo;
        hi = max - qhi <= span * 0.25 ? max : qhi;
      } else if (vals.length) {
        lo = Math.min(...vals); hi = Math.max(...vals);
      }
    }
    if (lo === null || hi === null || !Number.isFinite(lo) || !Number.isFinite(hi)) return log ? [0.1, 10] : [0, 1];
    if (log) {
      if (lo <= 0) lo = hi > 0 ? hi / 1000 : 0.1;
      return uPlot.rangeLog(lo, hi, 10, true);
    }
    if (lo === hi) { const d = Math.abs(lo) * 0.1 || 1; return [lo - d, hi + d]; }
    const pad = (hi - lo) * 0.06;
    return [lo - pad, hi + pad];
  }

  /** Builds uPlot's aligned data and series options. */
  /** True when aligning the runs' x values would make uPlot's table too large: then they are snapped to a grid. */
  needsGrid() {
    const total = this.lines.reduce((a, l) => a + l.x.length, 0) + this.groups.reduce((a, g) => a + g.x.length, 0);
    // uPlot's table has a row per distinct x and a column per series: snap when it would be large. The rows are at
    // most the points (a bound that needs no union), and runs whose points fall at different steps (previews,
    // downsampled runs) make it that large even when the points are few.
    const columns = this.lines.length * 2 + this.groups.length * 3;
    if (this.lines.length < 2 || total * columns <= 300000) return false;
    const union = new Set();
    for (const l of this.lines) for (const x of l.x) union.add(x);
    return union.size * columns > 300000;
  }

  chartData() {
    const log = state.logY;
    const fix = a => a.map(v => (v === null || !Number.isFinite(v) || (log && v <= 0) ? null : v));
    const tables = [];
    const opts = [];
    // The faint raw lines only while they can be told apart (the tooltip always lists raw values).
    const showRaw = state.smoothing > 0 && this.lines.length <= 20;
    let place = cols => cols;
    this.snapped = this.needsGrid();
    if (this.snapped) {
      let x0 = Infinity, x1 = -Infinity;
      for (const l of this.lines) if (l.x.length) { x0 = Math.min(x0, l.x[0]); x1 = Math.max(x1, l.x[l.x.length - 1]); }
      if (this.zoom) { x0 = Math.max(x0, this.zoom.min); x1 = Math.min(x1, this.zoom.max); }
      // One slot a pixel column: its lowest and highest point are all a line can show there.
      const slots = Math.max(200, Math.floor(this.chartEl.clientWidth || 600));
      place = ([x, ...cols]) => snapToGrid(x, cols, x0, x1, slots);
    }
    for (const l of this.lines) {
      if (!l.x.length) continue;
      const cols = [l.x];
      if (l.member) {
        cols.push(l.smooth);
        opts.push({ label: l.name, stroke: withAlpha(l.color, 0.28), width: 1, line: l });
      } else {
        if (showRaw) { cols.push(l.raw); opts.push({ label: l.name + ' (raw)', stroke: withAlpha(l.color, 0.22), width: 1, raw: true, line: l }); }
        cols.push(l.smooth);
        // Many runs: hairlines (cheaper to draw, and a hundred thick lines hide one another anyway).
        opts.push({ label: l.name, stroke: l.color, width: this.lines.length > 20 ? 1 : 1.6, line: l });
      }
      const [x, ...ys] = place(cols);
      tables.push([x, ...ys.map(fix)]);
    }
    const bands = [];
    for (const gr of this.groups) {
      const [x, max, min, mean] = place([gr.x, gr.max, gr.min, gr.mean]);
      tables.push([x, fix(max), fix(min), fix(mean)]);
      const base = opts.length + 1;
      opts.push({ label: gr.name + ' (max)', stroke: withAlpha(gr.color, 0.35), width: 0.5, group: gr });
      opts.push({ label: gr.name + ' (min)', stroke: withAlpha(gr.color, 0.35), width: 0.5, group: gr });
      opts.push({ label: gr.name + ' (mean)', stroke: gr.color, width: 2.2, group: gr, mean: true });
      bands.push({ series: [base, base + 1], fill: withAlpha(gr.color, 0.16) });
    }
    const data = tables.length ? uPlot.join(tables) : [[]];
    return { data, opts, bands };
  }

  draw() {
    const d0 = performance.now();
    const { data, opts, bands } = this.chartData();
    this.dataMs = performance.now() - d0;
    firstChartMark('tb-chart-data');
    // A line of one point has no segment to draw: it is shown as a dot.
    const lone = o => !!(o.line && o.line.x.length === 1);
    const signature = JSON.stringify([opts.map(o => o.label + o.stroke + lone(o)), state.xAxis, state.logY, state.outliers, bands.length,
      this.el.classList.contains('wide')]);
    if (this.plot && signature === this.signature) {
      this.plot.setData(data, !this.zoom);
      if (this.zoom) this.plot.setScale('x', { min: this.zoom.min, max: this.zoom.max });
      return;
    }
    this.signature = signature;
    if (this.plot) { this.plot.destroy(); this.plot = null; }
    this.chartEl.textContent = '';
    if (!opts.length) {
      this.chartEl.append(el('div', { class: 'empty', text: 'No data for the shown runs' }));
      return;
    }
    const axis = state.xAxis;
    const card = this;
    const axisStyle = { stroke: '#555', grid: { stroke: '#eceef1', width: 1 }, ticks: { stroke: '#d0d4da', width: 1, size: 4 },
      font: '11px system-ui, sans-serif' };
    const width = Math.max(200, Math.floor(this.chartEl.clientWidth || 400));
    const height = this.el.classList.contains('wide') ? CHART_HEIGHT * 1.6 : CHART_HEIGHT;
    const xAxisOpts = { ...axisStyle, space: 70 };
    if (axis === 'relative') xAxisOpts.values = (u, splits) => splits.map(fmtDuration);
    if (axis === 'step') xAxisOpts.values = (u, splits) => splits.map(v => (Math.abs(v) >= 1e4 ? (v / 1000).toLocaleString('en-US') + 'k' : v.toLocaleString('en-US')));
    const yValues = state.logY
      ? (u, splits) => splits.map(v => (Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9 ? fmtNum(v) : ''))
      : (u, splits) => splits.map(fmtNum);
    this.plot = new uPlot({
      width, height,
      legend: { show: false },
      padding: [8, 10, 0, 4],
      scales: {
        x: { time: axis === 'wall' },
        y: { distr: state.logY ? 3 : 1, log: 10, range: (u, dmin, dmax) => card.yRange(u, dmin, dmax) },
      },
      axes: [xAxisOpts, { ...axisStyle, size: 52, values: yValues }],
      series: [{}, ...opts.map(o => ({ label: o.label, stroke: o.stroke, width: o.width, points: { show: lone(o), size: 6, fill: o.stroke, stroke: o.stroke }, spanGaps: false }))],
      bands,
      cursor: {
        points: { show: false },
        drag: { x: true, y: false, setScale: true },
        bind: {
          dblclick: () => () => { card.resetZoom(); return null; },
        },
      },
      hooks: {
        draw: [() => markFirstDraw(card)],
        setSelect: [u => {
          if (u.select.width < 2) return;
          const min = u.posToVal(u.select.left, 'x'), max = u.posToVal(u.select.left + u.select.width, 'x');
          card.zoomTo(min, max);
        }],
        setCursor: [u => card.showTooltip(u)],
        // The y range drawn, for tests: "min,max".
        setScale: [(u, key) => { if (key === 'y') card.el.dataset.yRange = `${u.scales.y.min},${u.scales.y.max}`; }],
      },
    }, data, this.chartEl);
    this.plotOpts = opts;
    firstChartMark('tb-chart-made');
    if (this.zoom) this.plot.setScale('x', { min: this.zoom.min, max: this.zoom.max });
  }

  zoomTo(min, max) {
    this.zoom = { min, max };
    // Fetch full resolution for the zoomed steps when what we have was downsampled; snap the
    // points again on a grid over the zoomed range when they were snapped.
    if (state.xAxis === 'step' && this.series.some(s => s.downsampled)) this.load();
    else if (this.snapped) this.draw();
  }

  resetZoom() {
    const wasFetched = this.rangeLoaded;
    this.zoom = null;
    if (wasFetched) { this.load(); return; }
    if (this.snapped) { this.draw(); if (this.plot) this.plot.setData(this.plot.data, true); return; }
    if (this.plot) this.plot.setData(this.plot.data, true);
  }

  showTooltip(u) {
    const tip = tooltipEl();
    const { left, top, idx } = u.cursor;
    if (left === undefined || left < 0 || idx === null || idx === undefined) { tip.style.display = 'none'; return; }
    const x = u.posToVal(left, 'x');
    // A run is listed when the cursor lies within its x range (give or take 6 pixels).
    const slack = Math.abs(u.posToVal(left + 6, 'x') - x);
    const covers = xs => xs.length && x >= xs[0] - slack && x <= xs[xs.length - 1] + slack;
    const rows = [];
    const done = new Set();
    for (const o of this.plotOpts) {
      if (o.group && o.mean) {
        if (!covers(o.group.x)) continue;
        const i = nearest(o.group.x, x);
        rows.push({ color: o.group.color, name: o.group.name + ` (mean of ${o.group.members.length})`, value: o.group.mean[i],
          extra: `${fmtNum(o.group.min[i])} – ${fmtNum(o.group.max[i])}`, step: null, group: o.group });
      } else if (o.line && !o.raw && !done.has(o.line)) {
        done.add(o.line);
        const l = o.line;
        if (!covers(l.x)) continue;
        const i = nearest(l.x, x);
        rows.push({ color: l.color, name: l.name, value: l.smooth[i], extra: state.smoothing > 0 ? fmtNum(l.raw[i]) : '',
          step: l.step[i], wall: l.wall[i], faint: l.member });
      }
    }
    // By value, highest first; a group's members (faint) follow their group's row.
    const byValue = (a, b) => (Number.isFinite(b.value) ? b.value : -Infinity) - (Number.isFinite(a.value) ? a.value : -Infinity);
    const leading = rows.filter(r => !r.faint).sort(byValue);
    const members = rows.filter(r => r.faint).sort(byValue);
    rows.length = 0;
    for (const r of leading) {
      rows.push(r);
      if (r.group) rows.push(...members.filter(m => r.group.members.some(l => l.name === m.name)).map(m => ({ ...m, indent: true })));
    }
    const head = state.xAxis === 'step' ? `step ${fmtInt(Math.round(x))}` : state.xAxis === 'wall' ? fmtTime(x) : fmtDuration(x);
    tip.textContent = '';
    tip.append(el('div', { class: 'tip-head', text: `${this.tag.name} · ${head}` }));
    const table = el('table', {}, el('tr', {}, el('th'), el('th', { text: 'run' }), el('th', { text: state.smoothing > 0 ? 'smoothed' : 'value' }),
      el('th', { text: state.smoothing > 0 ? 'value' : '' }), el('th', { text: 'step' })));
    for (const r of rows.slice(0, 24)) {
      table.append(el('tr', { class: (r.faint ? 'faint' : '') + (r.indent ? ' indent' : '') + (r.group ? ' group' : '') },
        el('td', {}, el('span', { class: 'swatch', style: `background:${r.color}` })),
        el('td', { class: 'name', text: r.name }),
        el('td', { class: 'num', text: fmtNum(r.value) }),
        el('td', { class: 'num', text: r.extra }),
        el('td', { class: 'num', text: r.step === null || r.step === undefined ? '' : fmtInt(r.step) })));
    }
    if (rows.length > 24) table.append(el('tr', {}, el('td'), el('td', { class: 'name', text: `… ${rows.length - 24} more` })));
    tip.append(table);
    tip.style.display = 'block';
    const rect = u.over.getBoundingClientRect();
    const px = rect.left + left, py = rect.top + top;
    const tw = tip.offsetWidth, th = tip.offsetHeight;
    tip.style.left = `${Math.min(window.innerWidth - tw - 8, px + 16 > window.innerWidth - tw - 8 ? px - tw - 16 : px + 16)}px`;
    tip.style.top = `${Math.max(8, Math.min(window.innerHeight - th - 8, py - th / 2))}px`;
  }

  /** All points of the shown runs at full resolution (zoom ignored). */
  async fullData() {
    const runIds = this.ctx.shownRunIds(this.tag);
    if (!runIds.length) return [];
    const res = await api.scalars(this.tag.id, runIds, FULL_POINTS);
    return res.series.map(s => ({ ...s, name: this.ctx.runsById.get(s.run)?.name ?? String(s.run) }));
  }

  async exportData(kind) {
    let series;
    try {
      series = await this.fullData();
    } catch (e) {
      toast('Export failed: ' + (e.message || e));
      return;
    }
    const base = safeName(this.tag.name);
    if (kind === 'json') {
      const out = series.map(s => ({ run: s.name, tag: this.tag.name,
        points: s.step.map((st, i) => ({ step: st, wallTime: s.wall[i], value: s.value[i] })) }));
      download(base + '.json', JSON.stringify(out, null, 1), 'application/json');
      return;
    }
    const q = v => (/[",\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v);
    const lines = ['run,tag,step,wall_time,value'];
    for (const s of series) {
      s.step.forEach((st, i) => lines.push([q(s.name), q(this.tag.name), st, s.wall[i], s.value[i] === null ? 'NaN' : s.value[i]].join(',')));
    }
    download(base + '.csv', lines.join('\n') + '\n', 'text/csv');
  }

  exportPng() {
    if (!this.plot) return;
    const src = this.plot.ctx.canvas;
    const ratio = src.width / this.plot.width;
    const legend = this.lines.filter(l => l.x.length && !l.member).map(l => [l.color, l.name])
      .concat(this.groups.map(g => [g.color, `${g.name} (mean of ${g.members.length})`]));
    const legendRows = Math.min(legend.length, 12);
    const headH = 28 * ratio, rowH = 16 * ratio;
    const c = document.createElement('canvas');
    c.width = src.width + 16 * ratio;
    c.height = headH + src.height + (legendRows ? legendRows * rowH + 10 * ratio : 0) + 8 * ratio;
    const g = c.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, c.width, c.height);
    g.fillStyle = '#222';
    g.font = `600 ${13 * ratio}px system-ui, sans-serif`;
    g.fillText(this.tag.name, 8 * ratio, 19 * ratio);
    g.drawImage(src, 8 * ratio, headH);
    g.font = `${11 * ratio}px system-ui, sans-serif`;
    legend.slice(0, legendRows).forEach(([color, name], i) => {
      const y = headH + src.height + 6 * ratio + i * rowH;
      g.fillStyle = color;
      g.fillRect(10 * ratio, y + 4 * ratio, 14 * ratio, 3 * ratio);
      g.fillStyle = '#333';
      g.fillText(name, 30 * ratio, y + 10 * ratio);
    });
    c.toBlob(b => b && download(safeName(this.tag.name) + '.png', b));
  }

  copyPowerShell() {
    const dirs = this.ctx.logDirs;
    const all = this.tag.runs;
    const shown = this.ctx.shownRunIds(this.tag);
    let cmd = 'Get-TbEvent';
    if (dirs.length) cmd += ' -LiteralPath ' + dirs.map(d => psQuote(d, false)).join(', ');
    cmd += ' -Tag ' + psQuote(this.tag.name, true);
    if (shown.length !== all.length) {
      cmd += ' -Run ' + shown.map(id => psQuote(this.ctx.runsById.get(id)?.name ?? '', true)).join(', ');
    }
    if (state.smoothing > 0) cmd += ' -Smoothing ' + state.smoothing;
    if (this.zoom && state.xAxis === 'step') cmd += ` -MinStep ${Math.ceil(this.zoom.min)} -MaxStep ${Math.floor(this.zoom.max)}`;
    copyText(cmd);
  }

  /** TensorBoard's smoothed value of a run at a step, over the run's full series. */
  async smoothedAt(runName, step) {
    let s = null;
    const loaded = this.series.find(x => this.ctx.runsById.get(x.run)?.name === runName);
    if (loaded && !loaded.downsampled && !this.rangeLoaded) s = loaded;
    else {
      const run = [...this.ctx.runsById.values()].find(r => r.name === runName);
      if (!run) return undefined;
      const res = await api.scalars(this.tag.id, [run.id], FULL_POINTS);
      s = res.series[0];
    }
    if (!s) return undefined;
    const sm = smooth(s.value.map(v => (v === null ? NaN : v)), state.smoothing);
    const i = s.step.indexOf(step);
    return i < 0 ? undefined : sm[i];
  }

  destroy() {
    this.resizeObs.disconnect();
    if (this.plot) this.plot.destroy();
    this.el.remove();
  }
}
