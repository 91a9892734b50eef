// Small statistics helpers: medians with min and max across rounds, and
// percentiles of per-call latencies.

export function median(values) {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b)
  if (v.length === 0) return NaN
  const mid = v.length >> 1
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2
}

/** Nearest-rank percentile of a numeric array (p in 0..100). */
export function percentile(values, p) {
  const v = Float64Array.from(values).sort()
  if (v.length === 0) return NaN
  const rank = Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))
  return v[rank]
}

/** { median, min, max, n } of a list of per-round figures. */
export function summary(values) {
  const v = values.filter(Number.isFinite)
  if (v.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 }
  return { median: median(v), min: Math.min(...v), max: Math.max(...v), n: v.length }
}

/**
 * Per-round ratios a/b (same round, so both sides saw the same machine
 * state), summarised. Rounds where either side is missing are skipped.
 */
export function ratioSummary(a, b) {
  const out = []
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (Number.isFinite(a[i]) && Number.isFinite(b[i]) && b[i] > 0) out.push(a[i] / b[i])
  }
  return summary(out)
}

/** Fisher–Yates shuffle (returns a new array), so rounds interleave candidates in varying order. */
export function shuffled(list) {
  const a = [...list]
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]]
  }
  return a
}
