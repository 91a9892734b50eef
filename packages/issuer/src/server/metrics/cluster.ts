// Metrics across workers: each worker answers the primary's requests for its
// own registry, and the primary adds them up at each scrape (prom-client's
// AggregatorRegistry over the cluster's IPC channels), by the aggregation
// each series declares (issuer-metrics.ts).
import { AggregatorRegistry, type Registry } from 'prom-client'
import type { RenderMetrics } from './server.js'

/** In a worker: answer the primary's metrics requests from `registry`. */
export function answerPrimary(registry: Registry): void {
  AggregatorRegistry.setRegistries([registry])
  // Constructing one installs the worker's IPC listener (prom-client's cluster.js).
  new AggregatorRegistry()
}

/** In the primary: every connected worker's metrics, aggregated. */
export function clusterRenderer(): RenderMetrics {
  const aggregator = new AggregatorRegistry()
  return async () => ({ contentType: aggregator.contentType, body: await aggregator.clusterMetrics() })
}

/** In a single process: the registry itself. */
export function registryRenderer(registry: Registry): RenderMetrics {
  return async () => ({ contentType: registry.contentType, body: await registry.metrics() })
}
