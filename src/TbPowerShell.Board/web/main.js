// The board page: loads runs and tags, builds the sidebar (run filter and check boxes, smoothing,
// axis, grouping) and the tab views, keeps the view state in the URL and follows live updates.
import * as api from 'tb/api.js';
import { state, set, onChange, regex } from 'tb/state.js';
import { runColor } from 'tb/colors.js';
import { el, fmtInt, debounce, firstChartMark } from 'tb/util.js';
import { ScalarCard } from 'tb/scalars.js';
// Second-level modules named here too, so the browser fetches them in the first wave.
import 'tb/smoothing.js';

// The views of the other tabs are loaded when first shown (import()), so the first chart waits only for the
// modules above: the server preloads exactly the ones main.js imports statically.
const viewModules = {
  image: () => import('tb/images.js').then(m => m.ImageCard),
  audio: () => import('tb/audio.js').then(m => m.AudioCard),
  text: () => import('tb/text.js').then(m => m.TextCard),
  histogram: () => import('tb/histograms.js').then(m => m.HistogramCard),
  graph: () => import('tb/graph.js').then(m => m.GraphCard),
  prcurve: () => import('tb/prcurves.js').then(m => m.PrCurveCard),
  embedding: () => import('tb/embeddings.js').then(m => m.EmbeddingCard),
  runs: () => import('tb/runs.js').then(m => m.RunsView),
  hparams: () => import('tb/hparams.js').then(m => m.HParamsView),
};
const loadedViews = new Map();   // name -> its class, or a promise while loading

/** The class of a view, or null while its module loads (the view is drawn again once it has). */
function viewType(name) {
  const loaded = loadedViews.get(name);
  if (typeof loaded === 'function') return loaded;
  if (!loaded) {
    loadedViews.set(name, viewModules[name]().then(type => { loadedViews.set(name, type); renderView(); },
      e => { loadedViews.delete(name); showError(e); }));
  }
  return null;
}

function loadingView(view) {
  view.textContent = '';
  view.append(el('div', { class: 'empty big', text: 'Loading…' }));
}

const debug = window.tbDebug = window.tbDebug || {};
debug.firstChartDrawn = undefined;
debug.ready = false;

const board = {
  info: { logDirs: [] },
  runs: [],
  tags: [],
  runsById: new Map(),
  scalarCards: new Map(),   // tag id -> ScalarCard
  stepCards: new Map(),     // kind:run:tag -> StepCard
  embeddings: [],           // the projector's embeddings of the runs (api.embeddings)
  embeddingCards: new Map(), // embedding id -> EmbeddingCard
};

const tabs = [
  { id: 'scalars', label: 'Scalars', kind: 'scalar' },
  { id: 'images', label: 'Images', kind: 'image' },
  { id: 'audio', label: 'Audio', kind: 'audio' },
  { id: 'text', label: 'Text', kind: 'text' },
  { id: 'histograms', label: 'Histograms', kind: 'histogram' },
  { id: 'prcurves', label: 'PR curves', kind: 'prcurve' },
  { id: 'hparams', label: 'HParams', kind: 'hparams' },
  { id: 'graphs', label: 'Graph', kind: 'graph' },
  { id: 'embeddings', label: 'Embeddings', kind: 'embedding' },
  { id: 'runs', label: 'Runs', kind: null },
];

// ---- which runs are shown ------------------------------------------------------------------------

function runPassesFilter(run) {
  const re = regex(state.runFilter);
  return !re || re.test(run.name);
}

function runShown(id) {
  const run = board.runsById.get(id);
  return !!run && runPassesFilter(run) && !state.hidden.includes(run.name);
}

function shownRunIds(tag) {
  return tag.runs.filter(runShown);
}

function tagShown(tag) {
  const re = regex(state.tagFilter);
  return !re || re.test(tag.name);
}

// ---- visibility: cards load their data when they scroll into view ---------------------------------

const observer = new IntersectionObserver(entries => {
  for (const e of entries) e.target.tbCard?.setVisible(e.isIntersecting);
}, { rootMargin: '300px 0px' });

function observe(card) {
  card.el.tbCard = card;
  observer.observe(card.el);
}

// ---- layout -------------------------------------------------------------------------------------

const $ = id => document.getElementById(id);

const TOP = '(top level)';

/** The card group of a tag: the part of its name before the first '/'. */
function prefixOf(name) {
  const i = name.indexOf('/');
  return i > 0 ? name.slice(0, i) : TOP;
}

/** Group names in order: tags without a prefix first, then by name. */
function orderedGroups(groups) {
  return [...groups.entries()].sort(([a], [b]) => (a === TOP ? -1 : b === TOP ? 1 : a.localeCompare(b)));
}

function section(title, count, cards, key) {
  const collapsed = sessionStorage.getItem('tb-collapsed:' + key) === '1';
  const grid = el('div', { class: 'grid' }, cards.map(c => c.el));
  const head = el('button', { class: 'section-head', 'aria-expanded': String(!collapsed), onclick: () => {
    const now = !sec.classList.toggle('collapsed');
    head.setAttribute('aria-expanded', String(now));
    sessionStorage.setItem('tb-collapsed:' + key, now ? '0' : '1');
  } }, el('span', { class: 'chev', text: '▾' }), el('span', { class: 'section-title', text: title }),
  el('span', { class: 'count', text: String(count) }));
  const sec = el('section', { class: 'section' + (collapsed ? ' collapsed' : '') }, head, grid);
  return sec;
}

function scalarCtx() {
  return {
    runsById: board.runsById,
    shownRunIds,
    logDirs: board.info.logDirs || [],
    isPinned: name => state.pinned.includes(name),
    onPin: name => set({ pinned: state.pinned.includes(name) ? state.pinned.filter(p => p !== name) : [...state.pinned, name] }),
  };
}

function renderScalars(view) {
  const tags = board.tags.filter(t => t.kind === 'scalar').sort((a, b) => a.name.localeCompare(b.name));
  const ctx = scalarCtx();
  const live = new Set();
  for (const tag of tags) {
    live.add(tag.id);
    let card = board.scalarCards.get(tag.id);
    if (!card) { card = new ScalarCard(tag, ctx); board.scalarCards.set(tag.id, card); observe(card); }
    else if (JSON.stringify(card.tag.runs) !== JSON.stringify(tag.runs)) { card.tag = tag; card.invalidate(); }
    card.tag = tag;
    card.setPinned(state.pinned.includes(tag.name));
  }
  for (const [id, card] of board.scalarCards) if (!live.has(id)) { card.destroy(); board.scalarCards.delete(id); }
  const shown = tags.filter(tagShown);
  const pinned = shown.filter(t => state.pinned.includes(t.name));
  const groups = new Map();
  for (const t of shown) {
    const p = prefixOf(t.name);
    if (!groups.has(p)) groups.set(p, []);
    groups.get(p).push(t);
  }
  view.textContent = '';
  if (!shown.length) {
    view.append(el('div', { class: 'empty big', text: tags.length ? 'No scalar tag matches the tag filter.' : 'No scalar tags yet.' }));
    return;
  }
  if (pinned.length) {
    const cards = pinned.map(t => board.scalarCards.get(t.id));
    view.append(section('Pinned', pinned.length, cards, 'pinned'));
  }
  for (const [p, ts] of orderedGroups(groups)) {
    const cards = ts.filter(t => !state.pinned.includes(t.name)).map(t => board.scalarCards.get(t.id));
    if (cards.length) view.append(section(p, ts.length, cards, 'scalar:' + p));
  }
}

function renderStepCards(view, kind) {
  const Card = viewType(kind);
  if (!Card) { loadingView(view); return; }
  const tags = board.tags.filter(t => t.kind === kind && tagShown(t)).sort((a, b) => a.name.localeCompare(b.name));
  view.textContent = '';
  if (kind === 'histogram') {
    view.append(el('div', { class: 'view-toolbar' }, el('span', { class: 'muted', text: 'Mode' }),
      el('div', { class: 'seg' }, ['offset', 'overlay', 'distribution'].map(m => el('button', {
        class: 'seg-btn' + (state.histMode === m ? ' on' : ''), text: m, onclick: () => set({ histMode: m }) })))));
  }
  if (!tags.length) {
    view.append(el('div', { class: 'empty big', text: `No ${kind} tags${state.tagFilter ? ' match the tag filter' : ' yet'}.` }));
    return;
  }
  const groups = new Map();
  for (const tag of tags) {
    const cards = [];
    const runs = shownRunIds(tag).map(id => board.runsById.get(id)).sort((a, b) => a.name.localeCompare(b.name));
    for (const run of runs) {
      const key = `${kind}:${run.id}:${tag.id}`;
      let card = board.stepCards.get(key);
      if (!card) { card = new Card(run, tag); board.stepCards.set(key, card); observe(card); }
      cards.push(card);
    }
    const p = prefixOf(tag.name);
    if (!groups.has(p)) groups.set(p, []);
    groups.get(p).push(...cards);
  }
  for (const [p, cards] of orderedGroups(groups)) view.append(section(p, cards.length, cards, kind + ':' + p));
}

function renderEmbeddings(view) {
  const EmbeddingCard = viewType('embedding');
  if (!EmbeddingCard) { loadingView(view); return; }
  const items = board.embeddings.filter(e => runShown(e.run) && tagShown({ name: e.tag }))
    .sort((a, b) => a.tag.localeCompare(b.tag) || a.runName.localeCompare(b.runName) || a.step - b.step);
  view.textContent = '';
  if (!items.length) {
    view.append(el('div', { class: 'empty big', text: board.embeddings.length ? 'No embedding matches the run and tag filters.' : 'No embeddings yet.' }));
    return;
  }
  const groups = new Map();
  for (const item of items) {
    const key = `${item.id}:${item.tag}:${item.step}:${item.count}`;
    let card = board.embeddingCards.get(key);
    if (!card) { card = new EmbeddingCard(item, board.runsById.get(item.run) || { id: item.run, name: item.runName, colorIndex: item.run }); board.embeddingCards.set(key, card); observe(card); }
    const p = prefixOf(item.tag);
    if (!groups.has(p)) groups.set(p, []);
    groups.get(p).push(card);
  }
  for (const [p, cards] of orderedGroups(groups)) view.append(section(p, cards.length, cards, 'embedding:' + p));
}

async function loadEmbeddings() {
  try {
    board.embeddings = await api.embeddings();
    renderTabs();
    if (state.tab === 'embeddings') renderView();
  } catch (e) { showError(e); }
}

let runsView = null;
let hparamsView = null;

function renderView() {
  const view = $('view');
  for (const b of document.querySelectorAll('.tab')) b.classList.toggle('on', b.dataset.tab === state.tab);
  view.dataset.tab = state.tab;
  $('tag-filter-wrap').classList.toggle('hidden', state.tab === 'runs' || state.tab === 'hparams');
  $('scalar-settings').classList.toggle('dim', state.tab !== 'scalars');
  if (state.tab === 'scalars') renderScalars(view);
  else if (state.tab === 'runs') {
    const RunsView = viewType('runs');
    if (!RunsView) { loadingView(view); return; }
    runsView = runsView || new RunsView({ runs: [], tags: [], runShown });
    runsView.ctx.runs = board.runs;
    runsView.ctx.tags = board.tags;
    view.textContent = '';
    view.append(runsView.el);
    runsView.render();
  } else if (state.tab === 'hparams') {
    const HParamsView = viewType('hparams');
    if (!HParamsView) { loadingView(view); return; }
    hparamsView = hparamsView || new HParamsView({ runs: [], runsById: new Map() });
    hparamsView.ctx.runs = board.runs;
    hparamsView.ctx.runsById = board.runsById;
    view.textContent = '';
    view.append(hparamsView.el);
    hparamsView.render();
  } else if (state.tab === 'embeddings') renderEmbeddings(view);
  else renderStepCards(view, tabs.find(t => t.id === state.tab).kind);
  if (firstView) { firstView = false; loadFirstCardsNow(); }
  else loadVisibleNow();
}

let firstView = true;

/**
 * The page's first view: starts loading the cards of the first rows at once, from the window's size, without asking
 * the browser where they are (that would lay out the whole page before the first request could leave). The
 * observer corrects it after the first frame: a card shown after all loads then, one not shown has loaded early.
 * The widths follow style.css: a 264 px sidebar beside the cards above 860 px, cards of at least 340 px, 10 px apart.
 */
function loadFirstCardsNow() {
  const wide = window.innerWidth > 860;
  const room = (wide ? window.innerWidth - 264 : window.innerWidth) - 28;
  const columns = Math.max(1, Math.floor((room + 10) / 350));
  const rows = Math.max(1, Math.ceil(window.innerHeight / 260));
  const width = Math.floor((room - (columns - 1) * 10) / columns) - 22;
  const cards = [...document.querySelectorAll('#view .section:not(.collapsed) .card')].slice(0, columns * rows);
  for (const card of cards) {
    if (!card.tbCard) continue;
    card.tbCard.widthHint = width;
    card.tbCard.setVisible(true);
  }
}

/** Starts loading the cards already in view without waiting for the observer's first callback. */
function loadVisibleNow() {
  const bottom = window.innerHeight + 300;
  for (const card of document.querySelectorAll('#view .card')) {
    const r = card.getBoundingClientRect();
    if (r.height && r.top < bottom && r.bottom > -300) card.tbCard?.setVisible(true);
  }
}

function renderTabs() {
  const counts = {};
  for (const t of board.tags) counts[t.kind] = (counts[t.kind] || 0) + 1;
  counts.embedding = board.embeddings.length;
  const nav = $('tabs');
  nav.textContent = '';
  for (const t of tabs) {
    // HParams counts its trials (the runs with a session start), not its three tags.
    const n = t.id === 'hparams' ? board.tags.find(x => x.kind === 'hparams' && x.name === '_hparams_/session_start_info')?.runs.length || 0
      : t.kind ? counts[t.kind] || 0 : board.runs.length;
    if (t.kind && t.kind !== 'scalar' && !n && state.tab !== t.id) continue;
    const b = el('button', { class: 'tab' + (state.tab === t.id ? ' on' : ''), dataset: { tab: t.id },
      onclick: () => set({ tab: t.id }) }, t.label, el('span', { class: 'count', text: fmtInt(n) }));
    b.setAttribute('data-testid', 'tab-' + t.id);
    nav.append(b);
  }
}

// ---- sidebar -------------------------------------------------------------------------------------

function renderRunList() {
  const list = $('run-list');
  list.textContent = '';
  const runs = [...board.runs].sort((a, b) => a.name.localeCompare(b.name));
  const bad = regex(state.runFilter) === undefined;
  $('run-filter').classList.toggle('invalid', bad);
  let shown = 0;
  for (const run of runs) {
    if (!runPassesFilter(run)) continue;
    const checked = !state.hidden.includes(run.name);
    if (checked) shown++;
    const box = el('input', { type: 'checkbox', checked, onchange: e => {
      const hidden = state.hidden.filter(n => n !== run.name);
      if (!e.target.checked) hidden.push(run.name);
      set({ hidden });
    } });
    box.setAttribute('data-testid', 'run-toggle-' + run.name);
    list.append(el('label', { class: 'run-item', title: run.name },
      box, el('span', { class: 'swatch', style: `background:${runColor(run.colorIndex)}` }),
      el('span', { class: 'run-name', text: run.name }),
      run.writing ? el('span', { class: 'dot-writing', title: 'still writing' }) : null,
      run.damaged ? el('span', { class: 'warn', title: 'damaged', text: '⚠' }) : null));
  }
  if (!list.childElementCount) list.append(el('div', { class: 'muted small', text: board.runs.length ? 'No run matches.' : 'No runs yet.' }));
  $('run-count').textContent = `${shown} of ${board.runs.length}`;
}

function bindSidebar() {
  const rf = $('run-filter');
  rf.value = state.runFilter;
  rf.addEventListener('input', debounce(() => set({ runFilter: rf.value }), 120));
  const tf = $('tag-filter');
  tf.value = state.tagFilter;
  tf.addEventListener('input', debounce(() => {
    tf.classList.toggle('invalid', regex(tf.value) === undefined);
    set({ tagFilter: tf.value });
  }, 150));
  $('runs-all').addEventListener('click', () => set({ hidden: state.hidden.filter(n => !board.runs.some(r => r.name === n && runPassesFilter(r))) }));
  $('runs-none').addEventListener('click', () => set({ hidden: [...new Set([...state.hidden,
    ...board.runs.filter(runPassesFilter).map(r => r.name)])] }));
  const sm = $('smoothing'), smv = $('smoothing-value');
  sm.value = String(state.smoothing);
  smv.value = String(state.smoothing);
  sm.addEventListener('input', () => { smv.value = sm.value; setSmoothing(Number(sm.value)); });
  smv.addEventListener('change', () => { sm.value = smv.value; setSmoothing(Number(smv.value)); });
  for (const b of document.querySelectorAll('#x-axis .seg-btn')) {
    b.addEventListener('click', () => set({ xAxis: b.dataset.x }));
  }
  const ly = $('log-y');
  ly.checked = state.logY;
  ly.addEventListener('change', () => set({ logY: ly.checked }));
  const ol = $('outliers');
  ol.checked = state.outliers;
  ol.addEventListener('change', () => set({ outliers: ol.checked }));
  const gp = $('group-pattern');
  gp.value = state.group;
  gp.addEventListener('input', debounce(() => {
    gp.classList.toggle('invalid', regex(gp.value) === undefined);
    set({ group: gp.value });
  }, 150));
  syncSidebar();
}

const setSmoothing = debounce(v => set({ smoothing: Number.isFinite(v) ? Math.min(Math.max(v, 0), 0.999) : 0 }), 40);

function syncSidebar() {
  for (const b of document.querySelectorAll('#x-axis .seg-btn')) b.classList.toggle('on', b.dataset.x === state.xAxis);
}

// ---- state changes -------------------------------------------------------------------------------

onChange(changed => {
  const has = (...k) => k.some(x => changed.has(x));
  syncSidebar();
  if (has('runFilter', 'hidden')) {
    renderRunList();
    for (const c of board.scalarCards.values()) c.invalidate();
    if (state.tab !== 'scalars') renderView();
  }
  if (has('smoothing', 'logY', 'outliers', 'group', 'xAxis')) {
    for (const c of board.scalarCards.values()) {
      if (changed.has('xAxis')) c.zoom = null;
      if (c.series.length || c.plot) c.render();
    }
  }
  if (has('tagFilter', 'pinned', 'tab')) { renderTabs(); renderView(); }
  if (has('histMode')) {
    renderView();
    for (const [k, c] of board.stepCards) if (k.startsWith('histogram:') && c.items.length) c.show();
  }
  if (has('runsTag') && state.tab === 'runs') renderView();
});

// ---- data ----------------------------------------------------------------------------------------

async function loadRunsAndTags(pending) {
  const [runs, tags] = await (pending || Promise.all([api.runs(), api.tags()]));
  firstChartMark('tb-lists');
  board.runs = runs;
  board.tags = tags;
  board.runsById = new Map(runs.map(r => [r.id, r]));
  for (const c of board.scalarCards.values()) c.ctx.runsById = board.runsById;
  // The cards first, so the first chart's request leaves before the run list (a row per run) is laid out.
  renderTabs();
  renderView();
  firstChartMark('tb-view');
  if (runListShown || state.tab !== 'scalars') renderRunList();
  else {
    // The page's first look: the run list (a row a run) is laid out after the first chart, or after a second at
    // the latest, so that the first card's answer does not wait behind it.
    runListShown = true;
    let done = false;
    const show = () => { if (!done) { done = true; renderRunList(); } };
    window.addEventListener('tb-first-chart', () => setTimeout(show, 0), { once: true });
    setTimeout(show, 1000);
  }
  firstChartMark('tb-run-list');
}

let runListShown = false;


const refreshRuns = debounce(async () => {
  try {
    await loadRunsAndTags();
    for (const c of board.stepCards.values()) c.invalidate();
    loadEmbeddings();
  } catch (e) { showError(e); }
}, 250);

async function refreshRunMarks() {
  if (document.hidden) return;
  try {
    const runs = await api.runs();
    const changed = runs.length !== board.runs.length || runs.some(r => {
      const old = board.runsById.get(r.id);
      return !old || old.writing !== r.writing || old.damaged !== r.damaged || old.values !== r.values;
    });
    if (!changed) return;
    board.runs = runs;
    board.runsById = new Map(runs.map(r => [r.id, r]));
    for (const c of board.scalarCards.values()) c.ctx.runsById = board.runsById;
    renderRunList();
    if (state.tab === 'runs' || state.tab === 'hparams') renderView();
  } catch { /* the next event or poll tries again */ }
}

function onScalars(msg) {
  const tags = new Set(msg.tags || []);
  const runKnown = board.runsById.has(msg.run);
  if (!runKnown) { refreshRuns(); return; }
  if (!runShown(msg.run)) return;
  for (const [id, card] of board.scalarCards) if (tags.has(id)) card.invalidate();
  if (state.tab === 'runs') refreshRunsTable();
}

const refreshRunsTable = debounce(() => { if (state.tab === 'runs') renderView(); }, 2000);

function showError(e) {
  const bar = $('error-bar');
  bar.textContent = String(e && e.message ? e.message : e);
  bar.classList.remove('hidden');
}

let wasLive = false;
let lostConnection = false;

function setLive(on) {
  // After a lost connection, events may have been missed: read everything again.
  if (on && lostConnection) {
    lostConnection = false;
    refreshRuns();
    for (const c of board.scalarCards.values()) c.invalidate();
  }
  if (!on && wasLive) lostConnection = true;
  wasLive = on;
  const dot = $('live');
  dot.classList.toggle('on', on);
  dot.title = on ? 'Live: new points appear as they are written' : 'Not connected';
  dot.lastChild.textContent = on ? 'live' : 'reconnecting';
}

async function start() {
  performance.mark('tb-start');
  bindSidebar();
  try {
    // Info, runs and tags in parallel: the first chart waits for one round trip, not three.
    const infoP = api.info();
    const listsP = Promise.all([api.runs(), api.tags()]);
    board.info = await infoP;
    firstChartMark('tb-info');
    const title = board.info.title || 'TbPowerShell Board';
    document.title = title;
    $('title').textContent = title;
    $('logdirs').textContent = (board.info.logDirs || []).join(' · ');
    $('logdirs').title = (board.info.logDirs || []).join('\n');
    if (api.offline) { $('live').classList.add('report'); $('live').lastChild.textContent = 'offline report'; }
    else if (board.info.live === false) { $('live').classList.add('report'); $('live').lastChild.textContent = 'given values'; }
    await loadRunsAndTags(listsP);
    loadEmbeddings();
    if (!api.offline && board.info.live !== false) {
      api.subscribe(refreshRuns, onScalars, setLive);
      // The still-writing marks age without an event: look at the run list now and then.
      setInterval(refreshRunMarks, 10000);
    }
  } catch (e) {
    showError(e);
  }
  debug.ready = true;
}

// ---- test hooks ----------------------------------------------------------------------------------

/** TensorBoard's smoothed value (current smoothing weight) of runName's tagName at step. */
debug.smoothed = (tagName, runName, step) => {
  const tag = board.tags.find(t => t.kind === 'scalar' && t.name === tagName);
  if (!tag) return undefined;
  const card = board.scalarCards.get(tag.id) || new ScalarCard(tag, scalarCtx());
  return card.smoothedAt(runName, step);
};
debug.state = state;
debug.board = board;

start();
