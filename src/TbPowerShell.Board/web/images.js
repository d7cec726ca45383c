// Image cards: per run and tag, a step slider; every sample of the step shown, actual size on click.
import * as api from 'tb/api.js';
import { StepCard } from 'tb/stepcard.js';
import { el } from 'tb/util.js';

function showActualSize(src, title) {
  const img = el('img', { src, alt: title, class: 'actual' });
  const box = el('div', { class: 'modal image-modal', title: 'Click to close' },
    el('div', { class: 'modal-title', text: title }), el('div', { class: 'actual-wrap' }, img));
  box.addEventListener('click', () => box.remove());
  document.addEventListener('keydown', function esc(e) { if (e.key === 'Escape') { box.remove(); document.removeEventListener('keydown', esc); } });
  document.body.append(box);
}

export class ImageCard extends StepCard {
  constructor(run, tag) {
    super('image', run, tag, () => api.images(run.id, tag.id));
  }

  render(items, step) {
    items.sort((a, b) => (a.sample ?? 0) - (b.sample ?? 0));
    const grid = el('div', { class: 'image-grid' + (items.length > 1 ? ' many' : '') });
    items.forEach((it, k) => {
      const src = api.mediaUrl(it.media);
      const small = it.width && it.height && Math.max(it.width, it.height) < 96;
      const title = `${this.tag.name} · ${this.run.name} · step ${step}` + (items.length > 1 ? ` · sample ${it.sample}` : '') +
        (it.width ? ` · ${it.width}×${it.height}` : '');
      const img = el('img', { src, alt: title, title: title + ' (click for actual size)', class: small ? 'pixelated' : '',
        loading: 'lazy', onclick: () => showActualSize(src, title) });
      if (k === 0) img.setAttribute('data-testid', `image-${this.run.name}-${this.tag.name}`);
      grid.append(img);
    });
    this.bodyEl.append(grid);
  }
}
