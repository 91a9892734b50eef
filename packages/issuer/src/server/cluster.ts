// The primary of `serve --workers N`: checks config and store once, forks N
// workers on one port, restarts dead ones with a backoff, drains them on
// SIGTERM/SIGINT, aggregates their metrics. Details: docs/architecture.md.
import cluster, { type Worker } from 'node:cluster'
import pino from 'pino'
import type { ServeSettings } from '../config.js'
import { openIssuer } from '../core/open.js'
import type { IssuerConfig } from '../config.js'
import type { MetricsServer } from './metrics/server.js'
import { openLogStream } from './log-stream.js'
import { logProcessEvents } from './process-events.js'
import { WORKER_ENV, WORKER_PORT_ENV, type ClusterMessage, type RunningIssuer, type ServeOptions } from './cluster-protocol.js'
import { logReady, startupWarnings } from './startup.js'

/** First restart delay; doubled for each worker that died young since, up to RESTART_MAX_MS. */
const RESTART_MIN_MS = 100
const RESTART_MAX_MS = 10_000
/** A worker that lived this long died of something else than a crash loop: the backoff starts over. */
const HEALTHY_AFTER_MS = 10_000
/** A worker still running this long after being told to drain is killed (the slowest request is cut at 30 s). */
const DRAIN_TIMEOUT_MS = 35_000

/** A port free on `host` now: bound and released, so the workers can share it. */
/**
 * The wait before a dead worker is replaced, and the slot's count of young
 * deaths after it: 0.1 s, doubling while workers keep dying within 10 s of
 * their start (a crash loop), at most 10 s; a worker that lived longer
 * starts the count over.
 */
export function restartDelay(failures: number, livedMs: number): { delayMs: number; failures: number } {
  const young = livedMs >= HEALTHY_AFTER_MS ? 0 : failures
  return { delayMs: Math.min(RESTART_MIN_MS * 2 ** young, RESTART_MAX_MS), failures: young + 1 }
}

interface Slot {
  worker: Worker | undefined
  startedAt: number
  ready: boolean
  /** Workers of this slot that died young in a row. */
  failures: number
  restart: NodeJS.Timeout | undefined
}

export async function servePrimary(config: IssuerConfig, settings: ServeSettings, options: ServeOptions): Promise<RunningIssuer> {
  // Migrations, the key encryption key check, the first key: once, here.
  await (await openIssuer(config)).close()

  const logs = (options.logger ?? true) ? openLogStream() : undefined
  const log = pino({ level: settings.logLevel, enabled: logs !== undefined }, logs?.stream)
  const restoreProcessEvents = logs && (options.handleSignals ?? true) ? logProcessEvents(log, () => logs.flush()) : undefined
  let metricsServer: MetricsServer | undefined
  if (settings.metricsPort !== null) {
    const { startMetricsServer } = await import('./metrics/server.js')
    const { clusterRenderer } = await import('./metrics/cluster.js')
    metricsServer = await startMetricsServer(settings.metricsHost, settings.metricsPort, clusterRenderer(),
      (err) => log.warn({ err: { message: err.message } }, 'metrics scrape failed'))
  }

  const slots: Slot[] = Array.from({ length: settings.workers }, () => ({ worker: undefined, startedAt: 0, ready: false, failures: 0, restart: undefined }))
  let url: string | undefined
  let stopping = false
  let startup: { resolve(): void; reject(err: Error): void } | undefined

  const fork = (slot: Slot): void => {
    slot.restart = undefined
    slot.ready = false
    slot.startedAt = Date.now()
    const worker = cluster.fork({ [WORKER_ENV]: '1', [WORKER_PORT_ENV]: String(config.port) })
    slot.worker = worker
    worker.on('message', (message: ClusterMessage) => {
      if (message?.type === 'tessera:listening') {
        const first = url === undefined
        url ??= message.url
        slot.ready = true
        if (startup && slots.every((s) => s.ready)) startup.resolve()
        else if (!startup && !first) log.info({ worker: worker.id, worker_pid: worker.process.pid }, 'worker restarted and listening')
      } else if (message?.type === 'tessera:failed') {
        startup?.reject(new Error(message.message))
      }
    })
    worker.on('exit', (code, signal) => {
      slot.worker = undefined
      slot.ready = false
      if (stopping) return
      if (startup) {
        startup.reject(new Error(`a worker exited during start-up (${signal ?? `exit code ${code}`})`))
        return
      }
      const { delayMs: delay, failures } = restartDelay(slot.failures, Date.now() - slot.startedAt)
      slot.failures = failures
      log.warn({ worker: worker.id, worker_pid: worker.process.pid, code, signal, restart_in_ms: delay }, 'worker exited: restarting it')
      slot.restart = setTimeout(() => fork(slot), delay)
    })
  }

  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= (async () => {
      stopping = true
      for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.removeListener(signal, onSignal)
      const exits: Array<Promise<unknown>> = []
      for (const slot of slots) {
        clearTimeout(slot.restart)
        const worker = slot.worker
        if (!worker || worker.isDead()) continue
        exits.push(new Promise((resolve) => worker.once('exit', resolve)))
        // A worker that listens drains; one still starting has no request in flight.
        if (slot.ready && worker.isConnected()) worker.send({ type: 'tessera:shutdown' } satisfies ClusterMessage)
        else worker.process.kill('SIGTERM')
      }
      const force = setTimeout(() => {
        for (const slot of slots) slot.worker?.process.kill('SIGKILL')
      }, DRAIN_TIMEOUT_MS)
      await Promise.all(exits)
      clearTimeout(force)
      await metricsServer?.close()
      restoreProcessEvents?.()
      logs?.close()
    })()
    return closing
  }

  function onSignal(signal: NodeJS.Signals): void {
    log.info({ signal, workers: settings.workers }, 'shutting down: every worker finishes its in-flight requests')
    close().then(() => process.exit(0), (err: unknown) => {
      log.error({ err }, 'shutdown failed')
      process.exit(1)
    })
  }

  try {
    await new Promise<void>((resolve, reject) => {
      startup = { resolve, reject }
      for (const slot of slots) fork(slot)
    })
  } catch (err) {
    startup = undefined
    await close()
    throw err
  }
  startup = undefined

  for (const warning of startupWarnings(config)) log.warn(warning)
  logReady(log, config, url!, { workers: settings.workers, ...(metricsServer ? { metrics: metricsServer.url } : {}) })
  logs?.flush()
  if (options.handleSignals ?? true) {
    // SIGHUP too: its default would end the primary without draining the workers or flushing its log.
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, onSignal)
  }
  return { url: url!, metricsUrl: metricsServer?.url ?? null, close }
}
