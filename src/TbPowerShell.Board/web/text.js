// Text cards: per run and tag, the markdown of a step rendered on the server (Markdig, raw HTML off,
// then HtmlSanitizer's allowlist) with a toggle to the raw markdown.
import * as api from 'tb/api.js';
import { StepCard } from 'tb/stepcard.js';
import { el } from 'tb/util.js';

export class TextCard extends StepCard {
  constructor(run, tag) {
    super('text', run, tag, () => api.text(run.id, tag.id));
    this.raw = false;
    this.rawBtn = el('button', { class: 'icon', title: 'Show the raw markdown', text: 'raw', onclick: () => {
      this.raw = !this.raw;
      this.rawBtn.classList.toggle('on', this.raw);
      if (this.steps.length) this.show(Number(this.slider.value));
    } });
    this.el.querySelector('.card-head').append(el('span', { class: 'card-actions' }, this.rawBtn));
  }

  render(items) {
    const box = el('div', { class: 'text-box' });
    box.setAttribute('data-testid', `text-${this.run.name}-${this.tag.name}`);
    for (const it of items) {
      if (this.raw) {
        box.append(el('pre', { class: 'markdown-raw', text: it.markdown ?? '' }));
      } else {
        const div = el('div', { class: 'markdown' });
        // Sanitized on the server with an allowlist (no script, no on* attributes, links http/https/mailto).
        div.innerHTML = it.html ?? '';
        for (const a of div.querySelectorAll('a[href]')) { a.target = '_blank'; a.rel = 'noopener noreferrer'; }
        box.append(div);
      }
    }
    this.bodyEl.append(box);
  }
}
