// Histogram cards drawn on a canvas: offset (a ridge per step, newest in front), overlay (all steps
// on one baseline) and distribution (percentile bands over steps, as TensorBoard's Distributions).
import * as api from 'tb/api.js';
import { state } from 'tb/state.js';
import { runColor, mixWhite } from 'tb/colors.js';
import { StepCard } from 'tb/stepcard.js';
import { el, fmtNum, fmtInt, sizeCanvas } from 'tb/util.js';

const BINS = 40;
const MAX_RIDGES = 40;
// TensorBoard's distribution percentiles, in basis points.
const BPS = [0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000];

/** The finite [left, right, count] buckets of a histogram, edges clamped to its min and max. */
function buckets(h) {
  const out = [];
  for (const [l, r, c] of h.buckets || []) {
    if (!(c > 0)) continue;
    let left = Number.isFinite(h.min) ? Math.max(l, h.min) : l, right = Number.isFinite(h.max) ? Math.min(r, h.max) : r;
    if (!Number.isFinite(left)) left = right;
    if (!Number.isFinite(right)) right = left;
    if (!Number.isFinite(left)) continue;
    if (right < left) right = left;
    out.push([left, right, c]);
  }
  return out;
}

/** Counts re-binned into BINS equal bins over [lo, hi], spreading each bucket over its width. */
function rebin(bs, lo, hi) {
  const bins = new Float64Array(BINS);
  const w = (hi - lo) / BINS || 1;
  for (const [l, r, c] of bs) {
    if (r <= l) { bins[Math.min(BINS - 1, Math.max(0, Math.floor((l - lo) / w)))] += c; continue; }
    const first = Math.max(0, Math.floor((l - lo) / w)), last = Math.min(BINS - 1, Math.floor((r - lo) / w));
    for (let b = first; b <= last; b++) {
      const bl = lo + b * w, br = bl + w;
      const overlap = Math.max(0, Math.min(r, br) - Math.max(l, bl));
      bins[b] += c * overlap / (r - l);
    }
  }
  return bins;
}

/** The value below which a fraction p of the counts lie (linear inside a bucket). */
function percentile(bs, total, p) {
  if (!bs.length) return NaN;
  const target = total * p;
  let acc = 0;
  for (const [l, r, c] of bs) {
    if (acc + c >= target) return l + (r - l) * (c ? (target - acc) / c : 0);
    acc += c;
  }
  return bs[bs.length - 1][1];
}

function niceTicks(lo, hi, n) {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / n, mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map(m => m * mag).find(s => s >= raw) || raw;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

function shade(color, t) {
  // t in [0, 1]: 0 light (old), 1 full colour (new).
  return mixWhite(color, 0.25 + 0.75 * t);
}

export class HistogramCard extends StepCard {
  constructor(run, tag) {
    super('histogram', run, tag, () => api.histograms(run.id, tag.id));
    this.el.querySelector('.step-foot').classList.add('hidden');
    this.canvas = el('canvas', { class: 'hist-canvas' });
    this.info = el('div', { class: 'hist-info' });
    this.canvas.addEventListener('mousemove', e => this.hover(e));
    this.canvas.addEventListener('mouseleave', () => { this.info.textContent = ''; });
    this.resizeObs = new ResizeObserver(() => { if (this.items.length) this.draw(); });
    this.resizeObs.observe(this.bodyEl);
  }

  show() {
    this.bodyEl.textContent = '';
    if (!this.items.length) { this.bodyEl.append(el('div', { class: 'empty', text: 'No values' })); return; }
    this.bodyEl.append(this.canvas, this.info);
    this.stepLabel.textContent = `${this.items.length} steps`;
    this.draw();
  }

  draw() {
    const items = [...this.items].sort((a, b) => a.step - b.step);
    const cssW = Math.max(240, this.bodyEl.clientWidth || 360), cssH = 220;
    const g = sizeCanvas(this.canvas, cssW, cssH);
    const color = runColor(this.run.colorIndex);
    const parsed = items.map(h => ({ h, bs: buckets(h) })).filter(p => p.bs.length);
    if (!parsed.length) return;
    let lo = Infinity, hi = -Infinity;
    for (const p of parsed) { lo = Math.min(lo, p.bs[0][0]); hi = Math.max(hi, p.bs[p.bs.length - 1][1]); }
    if (lo === hi) { lo -= 0.5; hi += 0.5; }
    const area = { l: 52, r: cssW - 10, t: 10, b: cssH - 22 };
    this.layout = { items: parsed, lo, hi, area, mode: state.histMode };
    if (state.histMode === 'distribution') this.drawDistribution(g, parsed, area, color);
    else this.drawRidges(g, parsed, lo, hi, area, color, state.histMode === 'offset');
  }

  drawRidges(g, parsed, lo, hi, area, color, offset) {
    let shown = parsed;
    if (parsed.length > MAX_RIDGES) {
      shown = Array.from({ length: MAX_RIDGES }, (_, k) => parsed[Math.round(k * (parsed.length - 1) / (MAX_RIDGES - 1))]);
    }
    const binned = shown.map(p => ({ step: p.h.step, bins: rebin(p.bs, lo, hi) }));
    let maxCount = 0;
    for (const b of binned) for (const c of b.bins) maxCount = Math.max(maxCount, c);
    const W = area.r - area.l, H = area.b - area.t;
    const ridgeH = offset ? H * 0.45 : H;
    const xOf = v => area.l + (v - lo) / (hi - lo) * W;
    const n = binned.length;
    binned.forEach((b, k) => {
      const base = offset ? area.t + ridgeH + (n > 1 ? k / (n - 1) : 1) * (H - ridgeH) : area.b;
      const t = n > 1 ? k / (n - 1) : 1;
      g.beginPath();
      g.moveTo(area.l, base);
      for (let i = 0; i < BINS; i++) {
        const x = area.l + (i + 0.5) / BINS * W;
        g.lineTo(x, base - (maxCount ? b.bins[i] / maxCount : 0) * ridgeH);
      }
      g.lineTo(area.r, base);
      if (offset) { g.fillStyle = shade(color, t * 0.35); g.fill(); }
      g.strokeStyle = shade(color, t);
      g.lineWidth = offset ? 1 : (k === n - 1 ? 1.8 : 1);
      g.stroke();
    });
    // axes
    g.fillStyle = '#555';
    g.strokeStyle = '#d0d4da';
    g.textAlign = 'center';
    for (const v of niceTicks(lo, hi, 5)) {
      const x = xOf(v);
      g.beginPath(); g.moveTo(x, area.b); g.lineTo(x, area.b + 4); g.stroke();
      g.fillText(fmtNum(v), x, area.b + 15);
    }
    g.textAlign = 'right';
    if (offset && n) {
      const steps = [binned[0].step, binned[Math.floor((n - 1) / 2)].step, binned[n - 1].step];
      [0, Math.floor((n - 1) / 2), n - 1].forEach((k, j) => {
        const y = area.t + ridgeH + (n > 1 ? k / (n - 1) : 1) * (H - ridgeH);
        g.fillText(fmtInt(steps[j]), area.l - 6, y + 3);
      });
    } else {
      g.fillText(fmtNum(maxCount), area.l - 6, area.t + 8);
      g.fillText('0', area.l - 6, area.b);
    }
  }

  drawDistribution(g, parsed, area, color) {
    const rows = parsed.map(p => {
      const total = p.bs.reduce((a, b) => a + b[2], 0);
      return { step: p.h.step, q: BPS.map(bp => percentile(p.bs, total, bp / 10000)) };
    });
    let lo = Infinity, hi = -Infinity;
    for (const r of rows) { lo = Math.min(lo, r.q[0]); hi = Math.max(hi, r.q[8]); }
    if (lo === hi) { lo -= 0.5; hi += 0.5; }
    const s0 = rows[0].step, s1 = rows[rows.length - 1].step;
    const W = area.r - area.l, H = area.b - area.t;
    const xOf = s => area.l + (s1 === s0 ? 0.5 : (s - s0) / (s1 - s0)) * W;
    const yOf = v => area.b - (v - lo) / (hi - lo) * H;
    this.layout.dist = { rows, lo, hi, xOf, yOf };
    for (let k = 0; k < 4; k++) {
      g.beginPath();
      rows.forEach((r, i) => (i ? g.lineTo : g.moveTo).call(g, xOf(r.step), yOf(r.q[k])));
      for (let i = rows.length - 1; i >= 0; i--) g.lineTo(xOf(rows[i].step), yOf(rows[i].q[8 - k]));
      g.closePath();
      g.fillStyle = shade(color, 0.15 + k * 0.17);
      g.fill();
    }
    g.beginPath();
    rows.forEach((r, i) => (i ? g.lineTo : g.moveTo).call(g, xOf(r.step), yOf(r.q[4])));
    g.strokeStyle = color;
    g.lineWidth = 1.5;
    g.stroke();
    g.fillStyle = '#555';
    g.strokeStyle = '#d0d4da';
    g.textAlign = 'right';
    for (const v of niceTicks(lo, hi, 4)) g.fillText(fmtNum(v), area.l - 6, yOf(v) + 3);
    g.textAlign = 'center';
    for (const s of niceTicks(s0, s1, 4)) g.fillText(fmtInt(Math.round(s)), xOf(s), area.b + 15);
  }

  hover(e) {
    const L = this.layout;
    if (!L) return;
    const rect = this.canvas.getBoundingClientRect();
    const x = e.clientX - rect.left;
    const { area } = L;
    if (x < area.l || x > area.r) { this.info.textContent = ''; return; }
    if (L.mode === 'distribution' && L.dist) {
      const { rows, xOf } = L.dist;
      let best = rows[0];
      for (const r of rows) if (Math.abs(xOf(r.step) - x) < Math.abs(xOf(best.step) - x)) best = r;
      this.info.textContent = `step ${fmtInt(best.step)} · min ${fmtNum(best.q[0])} · median ${fmtNum(best.q[4])} · max ${fmtNum(best.q[8])}`;
    } else {
      const v = L.lo + (x - area.l) / (area.r - area.l) * (L.hi - L.lo);
      const last = L.items[L.items.length - 1].h;
      this.info.textContent = `value ${fmtNum(v)} · last step ${fmtInt(last.step)}: ${fmtInt(last.count)} values, ` +
        `${fmtNum(last.min)} … ${fmtNum(last.max)}`;
    }
  }
}
