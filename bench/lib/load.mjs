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

/** The figures of one window: autocannon's result and the server's usage() before and after it. */
function windowFigures(result, before, after, extra = {}) {
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
    ...extra,
  }
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
  return windowFigures(result, before, after)
}

/**
 * One measured window where every request is made from the next item of a
 * pool drawn before the window (single-use codes, tokens): `next()` gives
 * the item, or undefined when none is left (the request then goes as
 * `load` has it, and is counted in `empty`); `request(item)` gives its
 * { method, headers, body, path }; `check(status, body)` says whether a 2xx
 * answer is the one expected (a wrong one counts in `failures`). A window
 * of `amount` requests (autocannon's), else of `duration` seconds.
 */
export async function measurePooled(server, { url, method = 'GET', connections = 10, duration, amount, next, request, check = () => true }) {
  const state = { empty: 0, failures: 0 }
  let lastAnswer = 0
  const before = await server.usage()
  const started = performance.now()
  const result = await new Promise((resolve, reject) => {
    const opts = { url, connections, pipelining: 1, ...(amount ? { amount } : { duration }) }
    autocannon({
      ...opts,
      requests: [{
        method,
        setupRequest(req) {
          const item = next()
          if (item === undefined) { state.empty++; return req }
          return { ...req, ...request(item) }
        },
        onResponse(status, body) {
          lastAnswer = performance.now()
          if (status >= 200 && status < 300 && !check(status, body)) state.failures++
        },
      }],
    }, (err, res) => (err ? reject(err) : resolve(res)))
  })
  const after = await server.usage()
  const figures = windowFigures(result, before, after, state)
  // autocannon ends an `amount` window at its next one-second tick: the rate is over the time to the last answer.
  if (amount && lastAnswer > started) figures.reqPerSec = figures.ok / ((lastAnswer - started) / 1000)
  return figures
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
