// The only module that talks to the server. In an offline report (a <script id="tb-report"
// type="application/json"> in the page) every call is answered from that embedded JSON instead.
// The report JSON has the API's shapes under these keys:
//   info: {...}, runs: [...], tags: [...],
//   scalars: { "<tagId>": { tag, series: [...] } }            (full resolution, all runs)
//   images | audio | text | histograms | graphs: { "<runId>:<tagId>": [...] }   (media as data: URLs)

const reportEl = document.getElementById('tb-report');
const report = reportEl ? JSON.parse(reportEl.textContent) : null;

/** True in the self-contained HTML report: no server, no live updates. */
export const offline = report !== null;

// The responses boot.js asked for before the modules loaded: each is taken once, by the first call for it.
function early(path) {
  const pending = window.tbEarly;
  if (!pending || !pending[path]) return null;
  const response = pending[path];
  delete pending[path];
  return response;
}

async function get(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const url = '/api/' + path + (q.toString() ? '?' + q : '');
  const res = await ((q.toString() ? null : early(path)) || fetch(url, { credentials: 'same-origin', cache: 'no-store' }));
  if (!res.ok) {
    let detail = '';
    try { detail = (await res.json()).error || ''; } catch { /* not JSON */ }
    throw new Error(`${url}: HTTP ${res.status}${detail ? ' – ' + detail : ''}`);
  }
  return res.json();
}

// Report lookups: keyed by tag id, then run id ("runId:tagId" for per-run kinds).
function fromReport(section, key) {
  const table = report[section];
  if (!table) return [];
  const v = key === undefined ? table : table[key];
  return v === undefined ? [] : v;
}

function cutSeries(series, xmin, xmax) {
  if (xmin === undefined && xmax === undefined) return series;
  const lo = xmin ?? -Infinity, hi = xmax ?? Infinity;
  const keep = [];
  series.step.forEach((s, i) => { if (s >= lo && s <= hi) keep.push(i); });
  return { ...series, step: keep.map(i => series.step[i]), wall: keep.map(i => series.wall[i]),
    value: keep.map(i => series.value[i]) };
}

/** { logDirs, startTime, live, title } */
export function info() {
  return report ? Promise.resolve({ ...report.info, live: false }) : get('info');
}

/** [{ id, name, lastWrite, writing, damaged, tagCount, values, firstStep, lastStep, colorIndex }] */
export function runs() {
  // A report is a snapshot: nothing in it is still being written.
  return report ? Promise.resolve(fromReport('runs').map(r => ({ ...r, writing: false }))) : get('runs');
}

/** [{ id, name, kind, runs: [runId] }] */
export function tags() {
  return report ? Promise.resolve(fromReport('tags')) : get('tags');
}

/**
 * { tag, series: [{ run, step, wall, value, total, downsampled, preview, last, min, max, stepAtMin }] }
 * With preview: answered at once, runs not yet read whole by a preview of theirs (preview: true).
 */
export function scalars(tagId, runIds, points, xmin, xmax, preview) {
  if (report) {
    const all = report.scalars?.[tagId] || { tag: tagId, series: [] };
    const want = new Set(runIds);
    return Promise.resolve({ ...all, series: all.series.filter(s => want.has(s.run)).map(s => cutSeries(s, xmin, xmax)) });
  }
  const ask = () => get('scalars', { tag: tagId, runs: runIds.join(','), points, xmin, xmax, preview: preview ? 1 : undefined });
  const early = preview && xmin === undefined && xmax === undefined ? firstPreview(tagId, runIds, ask) : null;
  return (early || ask()).then(res => {
    for (const s of res.series) if (s.delta) undelta(s);
    return res;
  });
}

/**
 * The preview boot.js asked for before the modules ran, when it is the one asked for now (that tag, those runs):
 * taken once. Otherwise, or when that request failed, ask() asks the server as usual. Null when there is no such
 * preview (any more).
 */
function firstPreview(tagId, runIds, ask) {
  const hint = window.tbEarly && window.tbEarly.firstPreview;
  if (!hint) return null;
  return hint.then(h => {
    const same = h && h.tag === tagId && h.runs.length === runIds.length && runIds.every(id => h.runs.includes(id));
    if (!same) return ask();
    delete window.tbEarly.firstPreview;
    return h.answer.then(res => {
      if (!res) return ask();
      if (window.tbDebug) window.tbDebug.firstPreviewTaken = tagId;
      return res;
    }, ask);
  });
}

// A downsampled series comes with steps and wall times (whole ms) as differences from the point before.
function undelta(s) {
  let step = 0, ms = 0;
  for (let i = 0; i < s.step.length; i++) {
    step += s.step[i];
    s.step[i] = step;
    ms += s.wall[i];
    s.wall[i] = ms / 1000;
  }
  delete s.delta;
}

function perRun(kind, runId, tagId) {
  if (report) return Promise.resolve(fromReport(kind, runId + ':' + tagId));
  return get(kind, { run: runId, tag: tagId });
}

/** [{ step, wall, sample, width, height, format, media }] */
export const images = (runId, tagId) => perRun('images', runId, tagId);
/** [{ step, wall, sample, sampleRate, channels, contentType, label, media }] */
export const audio = (runId, tagId) => perRun('audio', runId, tagId);
/** [{ step, wall, markdown, html }] */
export const text = (runId, tagId) => perRun('text', runId, tagId);
/** [{ step, wall, min, max, count, buckets: [[left, right, count]] }] */
export const histograms = (runId, tagId) => perRun('histograms', runId, tagId);
/** [{ step, wall, content, nodeCount, bytes, devices, tree: { name, path, count, scopes: [...], nodes: [{ name, path, op, inputs, shapes, attrs }] } }] */
export const graphs = (runId, tagId) => perRun('graphs', runId, tagId);

/** The PR curves of one run and tag, per step (the report's "prcurves" section). */
export const prcurves = (runId, tagId) => perRun('prcurves', runId, tagId);

/** The URL of a media item: a server-issued id, or a data: URL in a report. */
export function mediaUrl(media) {
  if (typeof media === 'string' && media.startsWith('data:')) return media;
  return '/api/media/' + encodeURIComponent(media);
}

/**
 * Live updates: calls onRuns() when runs or tags changed and onScalars({ run, tags }) when new points
 * arrived. Returns a function that stops listening; does nothing in a report.
 */
export function subscribe(onRuns, onScalars, onStatus) {
  if (report || typeof EventSource === 'undefined') return () => {};
  const es = new EventSource('/api/events');
  es.addEventListener('runs', () => onRuns());
  es.addEventListener('scalars', e => {
    try { onScalars(JSON.parse(e.data)); } catch { /* ignore a malformed event */ }
  });
  es.onopen = () => onStatus && onStatus(true);
  es.onerror = () => onStatus && onStatus(false);
  return () => es.close();
}

// ---- embeddings (the projector's files of each run; a report keeps them under "embeddings") ----------

/** [{ id, run, index, runName, tag, step, count, dimension, header, sprite }] */
export function embeddings() {
  return report ? Promise.resolve(report.embeddings?.list || []) : get('embeddings');
}

/** { id, runName, tag, step, count, shown, dimension, header, labels: [[cells]], x, y, variance, total } */
export function embedding(runId, index) {
  if (report) return Promise.resolve(report.embeddings?.projections?.[runId + '-' + index] || null);
  return get('embedding', { run: runId, index });
}
