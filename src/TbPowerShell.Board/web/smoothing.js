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
