// Several full runs, one report (issue 24: "report each target as the
// median of three full runs"). How far a ratio moves between full runs on
// this 2-core machine (0.1 to 0.4, PROFILES.md) is more than the margin of
// most targets, so a target's figure is the median of the runs' own
// medians, each run's figure shown beside it. The detailed tables below the
// targets are each scenario's latest (the runs after the first may measure
// only the scenarios whose targets they are for: `--repeat`).
import { median } from './stats.mjs'
import { evaluateTargets } from './targets.mjs'

/** What a run keeps once the next one starts: when, how long, how loaded, and its targets. */
export function runRecord(results, loadAverage, scenarios) {
  return {
    started: results.machine.date,
    seconds: results.seconds,
    loadAverage,
    scenarios,
    targets: results.targets.map(({ id, median: m, minSeen, maxSeen, status }) => ({ id, median: m, minSeen, maxSeen, status })),
  }
}

/**
 * The targets over every run: each target's figure is the median of the
 * runs' medians (a run that did not measure it is left out), with the
 * lowest and highest run median as its range and every run's figure in
 * `perRun`. Targets of scenarios outside the runs (the soak, merged in
 * later) are evaluated from their own scenario as before.
 */
export function targetsOverRuns(runs, scenarios) {
  const ratios = Object.values(scenarios).flatMap((s) => s.ratios ?? [])
  const single = evaluateTargets(ratios, Object.keys(scenarios))
  if (!runs || runs.length < 2) return single
  return single.map((t) => {
    const perRun = runs.map((r) => r.targets.find((x) => x.id === t.id)?.median)
    const seen = perRun.filter(Number.isFinite)
    if (seen.length === 0 || !runs.some((r) => r.targets.some((x) => x.id === t.id))) return t
    const m = median(seen)
    const pass = t.min !== undefined ? m >= t.min : m < t.max
    return { ...t, median: m, minSeen: Math.min(...seen), maxSeen: Math.max(...seen), perRun, status: pass ? 'PASS' : 'MISS', runsPassing: seen.filter((v) => (t.min !== undefined ? v >= t.min : v < t.max)).length, cpu: undefined }
  })
}
