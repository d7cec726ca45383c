// Image cards: per run and tag, a step slider; every sample of the step shown, actual size on click; videos
// (animated GIFs) play with play/pause and a frame counter.
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

/** The bytes of a media URL: a data: URL (the offline report) decoded here, anything else fetched. */
async function mediaBytes(src) {
  if (src.startsWith('data:')) {
    const b64 = src.slice(src.indexOf(',') + 1);
    const text = atob(b64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  }
  const r = await fetch(src);
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

/**
 * A video (an animated GIF, as add_video writes): its frames drawn on a canvas with play/pause, a frame
 * counter and a frame slider. Frames are decoded by the browser's ImageDecoder; where it is missing, the GIF
 * plays in an <img> as TensorBoard shows it.
 */
function videoPlayer(src, title, testId, frameCount) {
  const counter = el('span', { class: 'video-frame', text: frameCount > 1 ? `${frameCount} frames` : '' });
  const box = el('div', { class: 'video' });
  const fallback = () => {
    box.textContent = '';
    const img = el('img', { src, alt: title, title: title + ' (click for actual size)', onclick: () => showActualSize(src, title) });
    img.setAttribute('data-testid', testId);
    box.append(img, el('div', { class: 'video-controls' }, counter));
  };
  if (typeof ImageDecoder === 'undefined') { fallback(); return box; }

  const canvas = el('canvas', { class: 'video-canvas', title });
  canvas.setAttribute('data-testid', testId);
  canvas.dataset.frame = '0';
  const play = el('button', { class: 'video-play', type: 'button', text: '❚❚', title: 'Pause', 'aria-label': 'pause' });
  play.setAttribute('data-testid', testId + '-play');
  const scrub = el('input', { type: 'range', min: '0', max: '0', value: '0', class: 'video-scrub', 'aria-label': 'frame' });
  counter.setAttribute('data-testid', testId + '-frame');
  box.append(canvas, el('div', { class: 'video-controls' }, play, scrub, counter));

  let decoder = null, count = 0, index = 0, playing = true, timer = 0, generation = 0;
  const draw = async (i) => {
    const mine = ++generation;
    const { image } = await decoder.decode({ frameIndex: i });
    try {
      if (mine !== generation) return;
      if (canvas.width !== image.displayWidth || canvas.height !== image.displayHeight) {
        canvas.width = image.displayWidth;
        canvas.height = image.displayHeight;
        // Small videos are drawn larger, by a whole factor, with their pixels kept sharp.
        const zoom = Math.max(1, Math.floor(160 / Math.max(image.displayWidth, image.displayHeight)));
        canvas.style.width = `${image.displayWidth * zoom}px`;
      }
      const ctx = canvas.getContext('2d');
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(image, 0, 0);
      index = i;
      canvas.dataset.frame = String(i);
      scrub.value = String(i);
      counter.textContent = `frame ${i + 1} / ${count}`;
    } finally {
      image.close();
    }
    return image.duration;
  };
  const tick = async () => {
    timer = 0;
    if (!playing || !box.isConnected) { playing = playing && box.isConnected; return; }
    const micros = await draw((index + 1) % count);
    if (playing && box.isConnected) timer = setTimeout(tick, Math.max(20, (micros || 250000) / 1000));
  };
  const setPlaying = (on) => {
    playing = on && count > 1;
    play.textContent = playing ? '❚❚' : '▶';
    play.title = playing ? 'Pause' : 'Play';
    play.setAttribute('aria-label', playing ? 'pause' : 'play');
    canvas.dataset.playing = String(playing);
    if (timer) { clearTimeout(timer); timer = 0; }
    if (playing) timer = setTimeout(tick, 0);
  };
  play.addEventListener('click', () => setPlaying(!playing));
  scrub.addEventListener('input', () => { setPlaying(false); draw(Number(scrub.value)); });
  canvas.addEventListener('click', () => setPlaying(!playing));

  (async () => {
    try {
      decoder = new ImageDecoder({ data: await mediaBytes(src), type: 'image/gif' });
      await decoder.tracks.ready;
      count = decoder.tracks.selectedTrack.frameCount;
      scrub.max = String(Math.max(0, count - 1));
      scrub.disabled = count < 2;
      const micros = await draw(0);
      if (count > 1) { playing = true; canvas.dataset.playing = 'true'; timer = setTimeout(tick, Math.max(20, (micros || 250000) / 1000)); }
      else setPlaying(false);
    } catch {
      fallback();
    }
  })();
  return box;
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
      if (it.format === 'gif' && (it.frames ?? 1) > 1) {
        const title = `${this.tag.name} · ${this.run.name} · step ${step}` + (it.width ? ` · ${it.width}×${it.height}` : '') + ` · ${it.frames} frames`;
        grid.append(videoPlayer(src, title, k === 0 ? `video-${this.run.name}-${this.tag.name}` : `video-${this.run.name}-${this.tag.name}-${k}`, it.frames));
        return;
      }
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
