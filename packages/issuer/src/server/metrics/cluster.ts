// Metrics across workers (DESIGN.md "Operations": aggregated across workers,
// and a counter never goes backwards, not even when a worker dies and is
// restarted). At each scrape the primary asks every live worker for its
// registry (over the cluster's IPC channel) and adds them up, by the
// aggregation each series declares (issuer-metrics.ts). It remembers each
// worker's last answer: a worker that died keeps counting with what it last
// reported (its counters and histograms, folded into one record of departed
// workers; its gauges go with it), so the sum is never below the last one
// scraped. A worker that does not answer in time counts with its last answer.
import cluster, { type Worker } from 'node:cluster'
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue, type Registry } from 'prom-client'
import type { ClusterMessage } from '../cluster-protocol.js'
import type { RenderMetrics } from './server.js'

type Metrics = MetricObjectWithValues<MetricValue<string>>[]

/** How long the primary waits for a worker's answer at a scrape, ms. */
const ANSWER_TIMEOUT_MS = 2000

/** In a worker: answer the primary's metrics requests from `registry`. */
export function answerPrimary(registry: Registry): void {
  process.on('message', (message: ClusterMessage) => {
    if (message?.type !== 'tessera:metrics-request') return
    registry.getMetricsAsJSON().then(
      (metrics) => process.send?.({ type: 'tessera:metrics', id: message.id, metrics } satisfies ClusterMessage),
      () => undefined, // the primary counts this worker with its last answer
    )
  })
}

let nextRequest = 0

/** One worker's registry, as JSON; rejects when it does not answer in time or exits first. */
function ask(worker: Worker): Promise<Metrics> {
  const id = ++nextRequest
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer)
      worker.off('message', onMessage)
      worker.off('exit', onExit)
    }
    const onMessage = (message: ClusterMessage): void => {
      if (message?.type !== 'tessera:metrics' || message.id !== id) return
      done()
      resolve(message.metrics as Metrics)
    }
    const onExit = (): void => { done(); reject(new Error('the worker exited')) }
    const timer = setTimeout(() => { done(); reject(new Error('the worker did not answer in time')) }, ANSWER_TIMEOUT_MS)
    worker.on('message', onMessage)
    worker.on('exit', onExit)
    try {
      worker.send({ type: 'tessera:metrics-request', id } satisfies ClusterMessage)
    } catch (err) {
      done()
      reject(err)
    }
  })
}

/** What survives a worker: its counters and histograms (its gauges describe a process that is gone). */
const CUMULATIVE: ReadonlySet<string> = new Set(['counter', 'histogram', 'summary'])
const cumulative = (metrics: Metrics): Metrics => metrics.filter((m) => CUMULATIVE.has(String(m.type)))

/** In the primary: every worker's metrics, aggregated, with what dead workers last reported. */
export function clusterRenderer(): RenderMetrics {
  const last = new Map<number, Metrics>()
  let departed: Metrics = []
  let queue: Promise<unknown> = Promise.resolve()

  const scrape = async (): Promise<{ contentType: string; body: string }> => {
    const live = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead())
    const liveIds = new Set(live.map((w) => w.id))
    // Workers gone since the last scrape: what they last reported stays, as one record.
    const gone = [...last].filter(([id]) => !liveIds.has(id))
    if (gone.length > 0) {
      departed = await AggregatorRegistry.aggregate([departed, ...gone.map(([, m]) => cumulative(m))]).getMetricsAsJSON()
      for (const [id] of gone) last.delete(id)
    }
    await Promise.all(live.map((w) => ask(w).then((m) => { last.set(w.id, m) }, () => undefined)))
    const registry = AggregatorRegistry.aggregate([...last.values(), departed])
    return { contentType: registry.contentType, body: await registry.metrics() }
  }

  // One scrape at a time: what a scrape folds and remembers is never raced by another.
  return () => {
    const result = queue.then(scrape)
    queue = result.catch(() => undefined)
    return result
  }
}

/** In a single process: the registry itself. */
export function registryRenderer(registry: Registry): RenderMetrics {
  return async () => ({ contentType: registry.contentType, body: await registry.metrics() })
}
