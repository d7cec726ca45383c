// Audio cards: per run and tag, a player for each sample of the chosen step.
import * as api from 'tb/api.js';
import { StepCard } from 'tb/stepcard.js';
import { el } from 'tb/util.js';

export class AudioCard extends StepCard {
  constructor(run, tag) {
    super('audio', run, tag, () => api.audio(run.id, tag.id));
  }

  render(items) {
    items.sort((a, b) => (a.sample ?? 0) - (b.sample ?? 0));
    const list = el('div', { class: 'audio-list' });
    items.forEach((it, k) => {
      const player = el('audio', { controls: true, preload: 'none', src: api.mediaUrl(it.media) });
      if (k === 0) player.setAttribute('data-testid', `audio-${this.run.name}-${this.tag.name}`);
      const meta = [it.sampleRate ? `${it.sampleRate} Hz` : '', it.channels ? `${it.channels} ch` : '',
        items.length > 1 ? `sample ${it.sample}` : ''].filter(Boolean).join(' · ');
      list.append(el('div', { class: 'audio-item' }, player,
        el('div', { class: 'audio-meta' }, it.label ? el('span', { class: 'audio-label', text: it.label }) : null, meta)));
    });
    this.bodyEl.append(list);
  }
}
