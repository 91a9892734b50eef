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

/**
 * Two-sided Mann–Whitney U test (normal approximation with tie correction):
 * can samples a and b come from one distribution? Returns { u, z, p }; a p
 * above 0.05 means the two cannot be told apart at that level.
 */
export function mannWhitney(a, b) {
  const all = [...a.map((v) => [v, 0]), ...b.map((v) => [v, 1])].sort((x, y) => x[0] - y[0])
  const n1 = a.length
  const n2 = b.length
  const n = n1 + n2
  let rankSumA = 0
  let tieTerm = 0
  for (let i = 0; i < all.length;) {
    let j = i
    while (j + 1 < all.length && all[j + 1][0] === all[i][0]) j++
    const rank = (i + j) / 2 + 1
    const count = j - i + 1
    tieTerm += count ** 3 - count
    for (let k = i; k <= j; k++) if (all[k][1] === 0) rankSumA += rank
    i = j + 1
  }
  const u = rankSumA - (n1 * (n1 + 1)) / 2
  const mean = (n1 * n2) / 2
  const sd = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))))
  const z = sd === 0 ? 0 : (u - mean) / sd
  return { u, z, p: 2 * (1 - normalCdf(Math.abs(z))) }
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, error below 1.5e-7). */
function normalCdf(x) {
  const t = 1 / (1 + 0.3275911 * (x / Math.SQRT2))
  const erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(x * x) / 2)
  return 0.5 * (1 + erf)
}
