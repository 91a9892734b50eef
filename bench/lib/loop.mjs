// Timed call loops for in-process benchmarks: a fixed wall-clock window,
// every call timed with hrtime, so one pass gives ops/s and p50/p99.
import { percentile } from './stats.mjs'

const MAX_SAMPLES = 2_000_000

/**
 * Calls fn(arg) repeatedly for durationMs. `sync` candidates are called
 * directly, the others awaited (what a caller of an async API pays).
 * Returns { ops, opsPerSec, opsPerCpuSec, p50Us, p99Us }.
 */
export async function timedLoop(fn, args, { durationMs, sync }) {
  const lat = new Float64Array(MAX_SAMPLES)
  let n = 0
  const nArgs = args.length
  const cpu0 = process.cpuUsage()
  const start = process.hrtime.bigint()
  const end = start + BigInt(Math.round(durationMs * 1e6))
  let t1 = start
  if (sync) {
    while (t1 < end && n < MAX_SAMPLES) {
      const t0 = process.hrtime.bigint()
      fn(args[n % nArgs])
      t1 = process.hrtime.bigint()
      lat[n++] = Number(t1 - t0)
    }
  } else {
    while (t1 < end && n < MAX_SAMPLES) {
      const t0 = process.hrtime.bigint()
      await fn(args[n % nArgs])
      t1 = process.hrtime.bigint()
      lat[n++] = Number(t1 - t0)
    }
  }
  const elapsedNs = Number(t1 - start)
  const cpu = process.cpuUsage(cpu0)
  const samples = lat.subarray(0, n)
  return {
    ops: n,
    opsPerSec: n / (elapsedNs / 1e9),
    // Per CPU-second of this process (all its threads): steadier than ops/s when other work shares the cores.
    opsPerCpuSec: n / ((cpu.user + cpu.system) / 1e6),
    p50Us: percentile(samples, 50) / 1e3,
    p99Us: percentile(samples, 99) / 1e3,
  }
}
