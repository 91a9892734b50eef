// A worker that dies is restarted with a backoff (cluster.ts): a crash loop
// waits longer and longer, up to 10 s, instead of spinning; a worker that
// ran a while is replaced at once again.
import t from 'tap'
import { restartDelay } from '../../src/server/cluster.js'

t.test('a crash loop backs off: 0.1 s, doubling, at most 10 s', async (t) => {
  let failures = 0
  const delays: number[] = []
  for (let i = 0; i < 10; i++) {
    const next = restartDelay(failures, 50) // each worker died 50 ms after its start
    delays.push(next.delayMs)
    failures = next.failures
  }
  t.same(delays, [100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000, 10_000])
})

t.test('a worker that lived 10 s or more is replaced after 0.1 s, and the count starts over', async (t) => {
  t.same(restartDelay(7, 10_000), { delayMs: 100, failures: 1 })
  t.same(restartDelay(7, 9_999), { delayMs: 10_000, failures: 8 })
})
