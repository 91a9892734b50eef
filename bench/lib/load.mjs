// HTTP load with autocannon on loopback, and the server's CPU time over
// exactly the measured window.
import autocannon from 'autocannon'
import { summary } from './stats.mjs'

export function cannon({ url, method = 'GET', headers = {}, body, connections = 10, duration, amount }) {
  return new Promise((resolve, reject) => {
    const opts = { url, method, headers, body, connections, pipelining: 1 }
    if (amount) opts.amount = amount
    else opts.duration = duration
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)))
  })
}

/**
 * One measured window against `server`: its CPU time before and after,
 * autocannon in between. Returns req/s (2xx only), p50/p99 latency (ms),
 * requests per server CPU-second, and any non-2xx or errors seen.
 */
export async function measure(server, load) {
  const before = await server.usage()
  const result = await cannon(load)
  const after = await server.usage()
  const ok = result['2xx']
  const cpuSeconds = (after.cpuUs - before.cpuUs) / 1e6
  return {
    ok,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    reqPerSec: ok / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    cpuSeconds,
    reqPerCpuSec: cpuSeconds > 0 ? ok / cpuSeconds : NaN,
    rss: after.rss,
  }
}

/** One table row from the rounds' `measure()` samples of one server: medians with [min–max]. */
export function summariseSamples(alg, name, label, samples) {
  return {
    alg,
    name,
    label,
    reqPerSec: summary(samples.map((m) => m.reqPerSec)),
    reqPerCpuSec: summary(samples.map((m) => m.reqPerCpuSec)),
    p99Ms: summary(samples.map((m) => m.p99Ms)),
  }
}
