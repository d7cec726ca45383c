// PR curve cards: per run and tag, precision (y) against recall (x) of one step, chosen with the step
// slider, drawn on a canvas; earlier steps faint behind it. Hover reads the nearest threshold.
import * as api from 'tb/api.js';
import { runColor, mixWhite } from 'tb/colors.js';
import { StepCard } from 'tb/stepcard.js';
import { el, fmtInt, sizeCanvas } from 'tb/util.js';

const GHOSTS = 4;

function fmt(v) {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(3);
}

export class PrCurveCard extends StepCard {
  constructor(run, tag) {
    super('prcurve', run, tag, () => api.prcurves(run.id, tag.id));
    this.canvas = el('canvas', { class: 'pr-canvas' });
    this.canvas.setAttribute('data-testid', `prcurve-${run.name}-${tag.name}`);
    this.info = el('div', { class: 'pr-info' });
    this.canvas.addEventListener('mousemove', e => this.hover(e));
    this.canvas.addEventListener('mouseleave', () => this.describe(null));
    this.resizeObs = new ResizeObserver(() => { if (this.current) this.draw(); });
    this.resizeObs.observe(this.bodyEl);
  }

  render(items, step) {
    this.current = items[0];
    this.currentStep = step;
    this.bodyEl.append(this.canvas, this.info);
    this.draw();
    this.describe(null);
  }

  draw() {
    const cssW = Math.max(240, this.bodyEl.clientWidth || 360), cssH = 240;
    const g = sizeCanvas(this.canvas, cssW, cssH);
    const area = { l: 50, r: cssW - 12, t: 10, b: cssH - 30 };
    this.area = area;
    const xOf = r => area.l + r * (area.r - area.l), yOf = p => area.b - p * (area.b - area.t);
    // grid and axes: recall 0..1 (x), precision 0..1 (y)
    g.strokeStyle = '#e3e6ea';
    g.fillStyle = '#555';
    for (let k = 0; k <= 4; k++) {
      const v = k / 4;
      g.beginPath(); g.moveTo(xOf(v), area.t); g.lineTo(xOf(v), area.b); g.stroke();
      g.beginPath(); g.moveTo(area.l, yOf(v)); g.lineTo(area.r, yOf(v)); g.stroke();
      g.textAlign = 'center'; g.fillText(v.toFixed(2), xOf(v), area.b + 14);
      g.textAlign = 'right'; g.fillText(v.toFixed(2), area.l - 5, yOf(v) + 4);
    }
    g.textAlign = 'center';
    g.fillText('recall', (area.l + area.r) / 2, area.b + 27);
    g.save(); g.translate(11, (area.t + area.b) / 2); g.rotate(-Math.PI / 2); g.fillText('precision', 0, 0); g.restore();
    const color = runColor(this.run.colorIndex);
    // Earlier steps, faint, so the slider shows the curve moving.
    const index = this.steps.indexOf(this.currentStep);
    const earlier = this.steps.slice(Math.max(0, index - GHOSTS), index);
    earlier.forEach((s, k) => {
      const item = this.items.find(i => i.step === s);
      if (item) this.line(g, item, xOf, yOf, mixWhite(color, 0.15 + 0.25 * (k + 1) / (earlier.length + 1)), 1);
    });
    this.line(g, this.current, xOf, yOf, color, 2);
  }

  /** The curve's points, thresholds from high to low so the line runs from low recall to high. */
  points(item) {
    const out = [];
    const n = item.thresholds ? item.thresholds.length : 0;
    for (let k = n - 1; k >= 0; k--) {
      const r = item.recall[k], p = item.precision[k];
      // TensorBoard skips the columns with no predicted positives (precision 0 of 0).
      if (r === null || p === null || !(item.tp[k] + item.fp[k] > 0)) continue;
      out.push({ k, r, p });
    }
    return out;
  }

  line(g, item, xOf, yOf, color, width) {
    const pts = this.points(item);
    if (!pts.length) return;
    g.beginPath();
    pts.forEach((q, i) => (i ? g.lineTo(xOf(q.r), yOf(q.p)) : g.moveTo(xOf(q.r), yOf(q.p))));
    g.strokeStyle = color;
    g.lineWidth = width;
    g.stroke();
  }

  hover(e) {
    if (!this.current || !this.area) return;
    const rect = this.canvas.getBoundingClientRect();
    const x = e.clientX - rect.left, y = e.clientY - rect.top;
    const a = this.area;
    let best = null, bestD = Infinity;
    for (const q of this.points(this.current)) {
      const px = a.l + q.r * (a.r - a.l), py = a.b - q.p * (a.b - a.t);
      const d = (px - x) ** 2 + (py - y) ** 2;
      if (d < bestD) { bestD = d; best = q.k; }
    }
    this.describe(best);
  }

  describe(k) {
    const c = this.current;
    if (!c) { this.info.textContent = ''; return; }
    if (k === null) {
      this.info.textContent = `${c.thresholds.length} thresholds · positives ${fmtInt(c.tp[0] + c.fn[0])} · negatives ${fmtInt(c.fp[0] + c.tn[0])}`;
      return;
    }
    this.info.textContent = `threshold ${fmt(c.thresholds[k])} · precision ${fmt(c.precision[k])} · recall ${fmt(c.recall[k])}` +
      ` · TP ${fmtInt(c.tp[k])} FP ${fmtInt(c.fp[k])} TN ${fmtInt(c.tn[k])} FN ${fmtInt(c.fn[k])}`;
  }
}
