// Stable run colours: a run keeps the colour of its colorIndex (order of first appearance) for the
// board's whole life. The first 16 come from a hand-picked palette, later ones by the golden angle.

const palette = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf',
  '#bcbd22', '#3949ab', '#00897b', '#f4511e', '#6d4c41', '#c2185b', '#7cb342', '#546e7a',
];

/** The CSS colour of a run's colorIndex. */
export function runColor(index) {
  const i = Number.isInteger(index) && index >= 0 ? index : 0;
  if (i < palette.length) return palette[i];
  return hslToHex((i * 137.508) % 360, 0.62, i % 2 ? 0.38 : 0.48);
}

function hslToHex(h, s, l) {
  const f = n => {
    const k = (n + h / 30) % 12;
    const c = l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255).toString(16).padStart(2, '0');
  };
  return '#' + f(0) + f(8) + f(4);
}

function rgb(color) {
  const n = parseInt(color.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The colour mixed with white: t = 1 is the colour itself, t = 0 is white. */
export function mixWhite(color, t) {
  const [r, g, b] = rgb(color).map(c => Math.round(255 + (c - 255) * t));
  return `rgb(${r}, ${g}, ${b})`;
}

/** The same colour with an alpha, for faint raw lines, bands and members. */
export function withAlpha(color, alpha) {
  const [r, g, b] = rgb(color);
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}
