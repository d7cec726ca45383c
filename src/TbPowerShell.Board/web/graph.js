// Graph cards: per run and tag, a graph as a collapsible tree of its name scopes (a model's module
// hierarchy: Net > Linear[fc1] > ...), each node with its op, output shapes and the nodes it takes
// input from; run metadata as its size and devices. Names reach the DOM only as text.
import * as api from 'tb/api.js';
import { StepCard } from 'tb/stepcard.js';
import { el, fmtInt } from 'tb/util.js';

/** How many levels of scopes start open. */
const OPEN_LEVELS = 2;

const shapeText = s => '[' + s.join(',') + ']';

/** The last part of an input's name ("Net/Linear[fc1]/forward" -> "Linear[fc1]/forward"), the full name as its title. */
function inputChip(name) {
  const parts = name.split('/');
  const short = parts.length > 2 ? parts.slice(-2).join('/') : name;
  return el('span', { class: 'graph-input', title: name, text: short });
}

function nodeRow(node) {
  const row = el('div', { class: 'graph-node', title: node.path },
    el('span', { class: 'graph-node-name', text: node.name }),
    el('span', { class: 'graph-op', text: node.op }),
    node.shapes.length ? el('span', { class: 'graph-shape', text: node.shapes.map(shapeText).join(' ') }) : null);
  row.setAttribute('data-testid', 'graph-node-' + node.path);
  const details = [];
  if (node.inputs.length) details.push(el('div', { class: 'graph-inputs' }, el('span', { class: 'muted', text: '← ' }), node.inputs.map(inputChip)));
  const attrs = node.attrs.filter(([k, v]) => !(k === 'attr' && (v === '' || v === '{}')));
  if (attrs.length) details.push(el('div', { class: 'graph-attrs' }, attrs.map(([k, v]) => el('span', { class: 'graph-attr', text: `${k}: ${v}` }))));
  return el('div', { class: 'graph-node-wrap' }, row, details);
}

function scopeTree(scope, level) {
  const summary = el('summary', {},
    el('span', { class: 'graph-scope-name', text: scope.name }),
    el('span', { class: 'muted', text: ` ${fmtInt(scope.count)} node${scope.count === 1 ? '' : 's'}` }));
  const box = el('details', { class: 'graph-scope', open: level < OPEN_LEVELS },
    summary,
    el('div', { class: 'graph-children' }, scope.scopes.map(s => scopeTree(s, level + 1)), scope.nodes.map(nodeRow)));
  box.setAttribute('data-testid', 'graph-scope-' + scope.path);
  return box;
}

export class GraphCard extends StepCard {
  constructor(run, tag) {
    super('graph', run, tag, () => api.graphs(run.id, tag.id));
    this.el.classList.add('wide');
  }

  render(items) {
    const box = el('div', { class: 'graph-box' });
    box.setAttribute('data-testid', `graph-${this.run.name}-${this.tag.name}`);
    for (const g of items) {
      if (g.content === 'RunMetadata') {
        box.append(el('div', { class: 'graph-summary' },
          `Run metadata · ${fmtInt(g.bytes)} bytes`, g.devices.length ? ` · devices: ${g.devices.join(', ')}` : ''));
        continue;
      }
      box.append(el('div', { class: 'graph-summary' }, `${g.content} · ${fmtInt(g.nodeCount)} nodes`));
      const tree = el('div', { class: 'graph-tree' }, g.tree.scopes.map(s => scopeTree(s, 0)), g.tree.nodes.map(nodeRow));
      box.append(tree);
    }
    this.bodyEl.append(box);
  }
}
