// The frame shared by the per-run, per-tag cards (images, audio, text, histograms): a title with the
// tag and the run's colour, a body, and a step slider. Data loads when the card first becomes visible.
import { runColor } from 'tb/colors.js';
import { el, fmtInt, fmtTime, LazyCard } from 'tb/util.js';

export class StepCard extends LazyCard {
  /**
   * @param kind 'image' | 'audio' | 'text' | 'histogram' (used in test ids and classes)
   * @param run { id, name, colorIndex }, tag { id, name }
   * @param fetch () => Promise<items with step>
   */
  constructor(kind, run, tag, fetch) {
    super();
    this.kind = kind;
    this.run = run;
    this.tag = tag;
    this.fetch = fetch;
    this.items = [];
    this.steps = [];
    this.bodyEl = el('div', { class: 'step-body' });
    this.slider = el('input', { type: 'range', min: '0', max: '0', value: '0', class: 'slider',
      'aria-label': `step of ${tag.name} in ${run.name}` });
    this.slider.setAttribute('data-testid', `${kind}-slider-${run.name}-${tag.name}`);
    this.slider.addEventListener('input', () => this.show(Number(this.slider.value)));
    this.stepLabel = el('span', { class: 'step-label' });
    this.el = el('div', { class: `card step-card ${kind}-card` },
      el('div', { class: 'card-head' },
        el('span', { class: 'card-title', title: tag.name, text: tag.name }),
        el('span', { class: 'run-chip', title: run.name },
          el('span', { class: 'swatch', style: `background:${runColor(run.colorIndex)}` }), el('span', { text: run.name }))),
      this.bodyEl,
      el('div', { class: 'step-foot' }, this.slider, this.stepLabel));
  }

  async load() {
    this.dirty = false;
    const follow = !this.steps.length || Number(this.slider.value) === this.steps.length - 1;
    try {
      this.items = (await this.fetch()) || [];
    } catch (e) {
      this.bodyEl.textContent = '';
      this.bodyEl.append(el('div', { class: 'empty error', text: String(e.message || e) }));
      return;
    }
    this.steps = [...new Set(this.items.map(i => i.step))].sort((a, b) => a - b);
    this.slider.max = String(Math.max(0, this.steps.length - 1));
    this.slider.disabled = this.steps.length < 2;
    const index = follow ? this.steps.length - 1 : Math.min(Number(this.slider.value), this.steps.length - 1);
    this.slider.value = String(Math.max(0, index));
    this.show(Math.max(0, index));
  }

  show(index) {
    const step = this.steps[index];
    const at = this.items.filter(i => i.step === step);
    this.stepLabel.textContent = this.steps.length
      ? `step ${fmtInt(step)} (${index + 1}/${this.steps.length})` + (at[0] && at[0].wall ? ' · ' + fmtTime(at[0].wall) : '')
      : 'no values';
    this.bodyEl.textContent = '';
    if (!at.length) { this.bodyEl.append(el('div', { class: 'empty', text: 'No values' })); return; }
    this.render(at, step);
  }

  /** Draws the values of one step (override). */
  render(items, step) { void items; void step; }
}
