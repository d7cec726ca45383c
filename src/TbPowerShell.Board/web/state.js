// View state kept in the URL hash, so a view can be bookmarked and shared. The query string is left
// alone (it carries the board's token).

const defaults = {
  tab: 'scalars',
  runFilter: '',
  tagFilter: '',
  hidden: [],        // run names unchecked in the run list
  smoothing: 0.6,
  xAxis: 'step',     // step | relative | wall
  logY: false,
  outliers: true,    // ignore outliers in the y range
  group: '',         // regex removed from run names to group them
  pinned: [],        // tag names
  histMode: 'offset',// offset | overlay | distribution
  runsTag: '',       // tag chosen in the runs table
};

const keys = {
  tab: 'tab', runFilter: 'runs', tagFilter: 'tags', hidden: 'hide', smoothing: 'smooth', xAxis: 'x',
  logY: 'logy', outliers: 'outliers', group: 'group', pinned: 'pin', histMode: 'hist', runsTag: 'rtag',
};

function parse() {
  const s = structuredClone(defaults);
  const p = new URLSearchParams(location.hash.replace(/^#/, ''));
  for (const [name, key] of Object.entries(keys)) {
    if (!p.has(key)) continue;
    const d = defaults[name];
    if (Array.isArray(d)) s[name] = p.getAll(key);
    else if (typeof d === 'boolean') s[name] = p.get(key) === '1';
    else if (typeof d === 'number') {
      const n = Number(p.get(key));
      if (Number.isFinite(n)) s[name] = Math.min(Math.max(n, 0), 0.999);
    } else s[name] = p.get(key);
  }
  if (!['step', 'relative', 'wall'].includes(s.xAxis)) s.xAxis = 'step';
  if (!['offset', 'overlay', 'distribution'].includes(s.histMode)) s.histMode = 'offset';
  return s;
}

/** The current view state (mutate through set()). */
export const state = parse();

const listeners = [];

/** Calls fn(changedNames) after every set(). */
export function onChange(fn) { listeners.push(fn); }

function write() {
  const p = new URLSearchParams();
  for (const [name, key] of Object.entries(keys)) {
    const v = state[name], d = defaults[name];
    if (Array.isArray(v)) v.forEach(x => p.append(key, x));
    else if (v !== d) p.set(key, typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  }
  const hash = p.toString();
  history.replaceState(null, '', location.pathname + location.search + (hash ? '#' + hash : ''));
}

/** Changes some fields, writes the URL and tells the listeners which fields changed. */
export function set(changes) {
  const changed = Object.keys(changes).filter(k => JSON.stringify(state[k]) !== JSON.stringify(changes[k]));
  if (!changed.length) return;
  Object.assign(state, changes);
  write();
  listeners.forEach(fn => fn(new Set(changed)));
}

/** A RegExp from user text (case-insensitive), or null when empty or invalid. */
export function regex(text) {
  if (!text) return null;
  try { return new RegExp(text, 'i'); } catch { return undefined; }
}
