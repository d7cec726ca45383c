// Small DOM and formatting helpers shared by the views. Names are always set as text, never HTML.

/** Creates an element: el('div', { class: 'x', dataset: {...}, onclick }, child, 'text', ...). */
export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    // Styles through the CSSOM: the page's CSP (style-src 'self') refuses style attributes.
    else if (k === 'style') { if (typeof v === 'string') e.style.cssText = v; else Object.assign(e.style, v); }
    else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

/** A number for people: up to 4 significant digits, exponent for the very large or small. */
export function fmtNum(v) {
  if (v === null || v === undefined) return '–';
  if (typeof v !== 'number') return String(v);
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(3);
  return Number(v.toPrecision(5)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

/** A step count with thousands separators. */
export function fmtInt(v) {
  return v === null || v === undefined ? '–' : Number(v).toLocaleString('en-US');
}

/** A duration in seconds: 45s, 12.5m, 3.2h, 2.1d. */
export function fmtDuration(s) {
  if (s === null || s === undefined || !Number.isFinite(s)) return '–';
  const a = Math.abs(s);
  if (a < 120) return `${+s.toFixed(a < 10 ? 2 : 0)}s`;
  if (a < 7200) return `${+(s / 60).toFixed(1)}m`;
  if (a < 172800) return `${+(s / 3600).toFixed(2)}h`;
  return `${+(s / 86400).toFixed(2)}d`;
}

/** A wall time (seconds since the epoch, or an ISO string) as local date and time. */
export function fmtTime(t) {
  if (t === null || t === undefined || t === '') return '–';
  const d = typeof t === 'number' ? new Date(t * 1000) : new Date(t);
  if (Number.isNaN(d.getTime())) return String(t);
  const pad = n => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Saves text or a Blob as a download. */
export function download(name, data, type) {
  const blob = data instanceof Blob ? data : new Blob([data], { type: type || 'text/plain' });
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** A file name part from a tag or run name. */
export function safeName(s) {
  return String(s).replace(/[^A-Za-z0-9._=-]+/g, '_').replace(/^_+|_+$/g, '') || 'card';
}

let toastTimer = 0;
/** Shows a short message at the bottom of the page. */
export function toast(message) {
  let t = document.getElementById('toast');
  if (!t) { t = el('div', { id: 'toast', role: 'status' }); document.body.append(t); }
  t.textContent = message;
  t.classList.add('show');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => t.classList.remove('show'), 2200);
}

/** Copies text to the clipboard; when the browser refuses, shows it selected for Ctrl+C. */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    toast('Copied to the clipboard');
  } catch {
    const ta = el('textarea', { class: 'copy-box', readonly: true, rows: 3 });
    ta.value = text;
    const close = el('button', { class: 'btn', text: 'Close', onclick: () => box.remove() });
    const box = el('div', { class: 'modal' }, el('div', { class: 'modal-body' },
      el('p', { text: 'Press Ctrl+C to copy:' }), ta, close));
    document.body.append(box);
    ta.focus();
    ta.select();
  }
}

/** Index of the element of sorted xs nearest to x (-1 when empty). */
// A canvas sized to cssW x cssH CSS pixels at the screen's pixel density, cleared: its 2-D context, drawing in CSS pixels.
export function sizeCanvas(canvas, cssW, cssH) {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(cssW * dpr);
  canvas.height = Math.round(cssH * dpr);
  canvas.style.width = cssW + 'px';
  canvas.style.height = cssH + 'px';
  const g = canvas.getContext('2d');
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, cssW, cssH);
  g.font = '11px system-ui, sans-serif';
  return g;
}

export function nearest(xs, x) {
  if (!xs.length) return -1;
  let lo = 0, hi = xs.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid; else hi = mid;
  }
  return Math.abs(xs[lo] - x) <= Math.abs(xs[hi] - x) ? lo : hi;
}

/** Runs fn at most once per animation frame / delay, with the latest arguments. */
export function debounce(fn, ms) {
  let t = 0;
  return (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
}

/**
 * A card that loads its data when it becomes visible and again when marked stale while visible (a subclass
 * gives load()). main.js's IntersectionObserver calls setVisible.
 */
export class LazyCard {
  constructor() {
    this.visible = false;
    this.dirty = true;
  }

  /** Called when the card scrolls into or out of view. */
  setVisible(v) {
    this.visible = v;
    if (v && this.dirty) this.load();
  }

  /** Marks the data stale; reloads now when visible. */
  invalidate() {
    this.dirty = true;
    if (this.visible) this.load();
  }
}

/** A performance mark while the page's first chart is awaited (the browser benchmark prints them). */
export function firstChartMark(name) {
  const dbg = window.tbDebug;
  if (dbg && dbg.firstChartDrawn === undefined) performance.mark(name);
}
