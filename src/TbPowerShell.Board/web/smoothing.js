// TensorBoard's scalar smoothing, exactly: a debiased exponential moving average started at 0, where
// non-finite values pass through and do not advance the filter, and a series whose values all equal
// the first (JavaScript ==, so NaN is never equal) is drawn unsmoothed. The same operations in the
// same order as TensorBoard's frontend and as TbPowerShell.Core.Analysis.TensorBoardSmoothing.

/** Clamps a weight as TensorBoard does: non-finite becomes 0, the rest lies in [0, 1]. */
export function clampWeight(w) {
  return Number.isFinite(w) ? Math.max(0, Math.min(w, 1)) : 0;
}

/** Smooths values (numbers; null counts as NaN) with weight; returns a new array of numbers. */
export function smooth(values, weight) {
  const w = clampWeight(weight);
  const data = values.map(v => (v === null || v === undefined ? NaN : v));
  if (data.length === 0 || data.every(v => v == data[0])) return data;
  const out = new Array(data.length);
  let last = 0;
  let count = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * w + (1 - w) * v;
    count++;
    const debias = w === 1 ? 1 : 1 - Math.pow(w, count);
    out[i] = last / debias;
  }
  return out;
}

/**
 * The same average over a downsampled series: a kept point that stands for k original points (its step
 * gap over the full series' mean spacing) weighs as k steps of the filter (w^k), so the curve follows
 * the full series' smoothing. With every gap equal to the spacing this is smooth() to the bit.
 */
export function smoothSparse(values, steps, weight, spacing) {
  if (!(spacing > 0)) return smooth(values, weight);
  const w = clampWeight(weight);
  const data = values.map(v => (v === null || v === undefined ? NaN : v));
  if (data.length === 0 || data.every(v => v == data[0])) return data;
  const out = new Array(data.length);
  let last = 0;
  let mass = 0;
  let prev = null;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) {
      // Passed through and, as in smooth(), not counted: the next point's gap starts here.
      out[i] = v;
      prev = steps[i];
      continue;
    }
    const k = prev === null ? 1 : Math.max(1, (steps[i] - prev) / spacing);
    const wk = k === 1 ? w : Math.pow(w, k);
    last = last * wk + (1 - wk) * v;
    mass += k;
    const debias = w === 1 ? 1 : 1 - Math.pow(w, mass);
    out[i] = last / debias;
    prev = steps[i];
  }
  return out;
}
