// `serve`: opens the core, builds the app, listens, and shuts down gracefully
// on SIGTERM/SIGINT (in-flight requests finish, then the database closes).
// The CLI's `serve` command calls this. With `workers` above 1 the process
// becomes the primary of a node:cluster (cluster.ts), and each worker runs
// this same function as one issuer of the cluster.

import cluster from 'node:cluster'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { withPort, type ServeSettings } from '../config.js'
import { resolvePort } from './free-port.js'
import { openIssuer } from '../core/open.js'
import { machineShare } from '../credentials/admission.js'
import type { IssuerConfig } from '../config.js'
import type { IssuerMetrics } from './metrics/issuer-metrics.js'
import type { MetricsServer } from './metrics/server.js'
import { buildApp } from '../http/app.js'
import { openLogStream } from './log-stream.js'
import { logProcessEvents } from './process-events.js'
import { isClusterWorker, WORKER_PORT_ENV, type ClusterMessage, type RunningIssuer, type ServeOptions } from './cluster-protocol.js'
import { logReady, startupWarnings } from './startup.js'

/**
 * Signals that stop the server gracefully: SIGTERM and SIGINT, and SIGHUP
 * (a closed terminal or session), whose default would end the process
 * without flushing the buffered log lines. An uncaught exception exits
 * through process.exit, whose 'exit' handler flushes them (log-stream.ts).
 */
const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const

const settingsOf = (config: IssuerConfig & Partial<ServeSettings>): ServeSettings => ({
  workers: config.workers ?? 1,
  logLevel: config.logLevel ?? 'info',
  metricsPort: config.metricsPort ?? null,
  metricsHost: config.metricsHost ?? '127.0.0.1',
})

export async function serve(given: IssuerConfig & Partial<ServeSettings>, options: ServeOptions = {}): Promise<RunningIssuer> {
  const settings = settingsOf(given)
  if (isClusterWorker()) {
    // The primary resolved port 0 once: every worker listens on its port.
    const port = Number(process.env[WORKER_PORT_ENV])
    return serveOne(Number.isInteger(port) && port > 0 ? withPort(given, port) : given, settings, options, 'worker')
  }
  const config = await resolvePort(given)
  if (settings.workers > 1) return (await import('./cluster.js')).servePrimary(config, settings, options)
  return serveOne(config, settings, options, 'single')
}

/** Counting metrics for this process, or null when no metrics port is set (prom-client is then never loaded). */
async function metricsFor(settings: ServeSettings): Promise<IssuerMetrics | null> {
  if (settings.metricsPort === null) return null
  return (await import('./metrics/issuer-metrics.js')).createIssuerMetrics()
}

/** One issuer process: alone (`single`), or one worker of a cluster (`worker`: the primary logs the ready line, serves metrics, and tells it when to stop). */
async function serveOne(config: IssuerConfig, settings: ServeSettings, options: ServeOptions, role: 'single' | 'worker'): Promise<RunningIssuer> {
  const metrics = await metricsFor(settings)
  // Background key work starts with core.start(), once the app (and its log) exists.
  let log: FastifyInstance['log'] | undefined
  const core = await openIssuer(config, {
    ...(metrics ? { observer: metrics.observer } : {}),
    // DESIGN.md "Operations": the argon2 bound is the machine's, shared by the workers.
    ...(role === 'worker' ? { admission: machineShare(settings.workers) } : {}),
    onError: (err) => log?.error({ err: { message: err.message } }, 'background key work failed'),
  })
  metrics?.gauges(() => core.gauges())
  const logs = (options.logger ?? true) ? openLogStream() : undefined
  const mailer = config.smtpUrl !== null ? (await import('./mail-transport.js')).smtpTransport(config.smtpUrl) : undefined
  const app = buildApp(core, { logger: logs ? { stream: logs.stream, level: settings.logLevel } : false, mailer })
  app.addHook('onClose', async () => mailer?.close())
  log = app.log
  // This process is the issuer's (not a test's): its own warnings and crashes are log lines too.
  const restoreProcessEvents = logs && (options.handleSignals ?? true) ? logProcessEvents(app.log, () => logs.flush()) : undefined

  let url: string
  let metricsServer: MetricsServer | undefined
  try {
    // Fastify's own "Server listening" line is silenced: the one line below says more.
    const level = app.log.level
    if (logs && ['trace', 'debug', 'info'].includes(level)) app.log.level = 'warn'
    try {
      await app.listen({ host: config.host, port: config.port })
    } finally {
      app.log.level = level
    }
    const address = app.server.address() as AddressInfo
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
    url = `http://${host}:${address.port}`
    if (metrics && role === 'single') {
      const { startMetricsServer } = await import('./metrics/server.js')
      const { registryRenderer } = await import('./metrics/cluster.js')
      metricsServer = await startMetricsServer(settings.metricsHost, settings.metricsPort!, registryRenderer(metrics.registry),
        (err) => app.log.warn({ err: { message: err.message } }, 'metrics scrape failed'))
    }
    if (metrics && role === 'worker') (await import('./metrics/cluster.js')).answerPrimary(metrics.registry)
    core.start()
  } catch (err) {
    await app.close().catch(() => undefined)
    await core.close()
    restoreProcessEvents?.()
    logs?.close()
    throw err
  }

  if (role === 'single') {
    for (const warning of startupWarnings(config)) app.log.warn(warning)
    logReady(app.log, config, url, metricsServer ? { metrics: metricsServer.url } : {})
  } else {
    process.send!({ type: 'tessera:listening', url } satisfies ClusterMessage)
  }
  logs?.flush() // the ready line goes out at once: scripts wait for it

  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= (async () => {
      for (const signal of STOP_SIGNALS) process.removeListener(signal, onSignal)
      process.removeListener('message', onMessage)
      // A keep-alive connection whose request was in flight when closing began
      // turns idle only when its response is done; close such sockets as they
      // idle, instead of waiting out the keep-alive timeout.
      const sweep = setInterval(() => app.server.closeIdleConnections(), 50)
      try {
        await Promise.all([app.close(), metricsServer?.close()])
      } finally {
        clearInterval(sweep)
        await core.close()
        restoreProcessEvents?.()
        logs?.close()
      }
    })()
    return closing
  }

  function onSignal(signal: NodeJS.Signals | 'primary'): void {
    app.log.info({ signal, ...(role === 'worker' ? { worker: cluster.worker?.id } : {}) }, 'shutting down: finishing in-flight requests')
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  function onMessage(message: unknown): void {
    if ((message as ClusterMessage | null)?.type === 'tessera:shutdown') onSignal('primary')
  }

  if (role === 'worker') {
    // The primary decides when workers stop: it relays SIGTERM/SIGINT as a
    // message. A worker still honours SIGTERM sent to it alone (a supervisor
    // signalling the whole group, as systemd does); a terminal's Ctrl-C
    // reaches the whole group too, and the primary's relay handles it.
    process.on('message', onMessage)
    process.once('SIGTERM', onSignal)
    // Ctrl-C and a closed terminal reach the whole group; the primary's relay handles both.
    process.on('SIGINT', () => {})
    process.on('SIGHUP', () => {})
  } else if (options.handleSignals ?? true) {
    for (const signal of STOP_SIGNALS) process.once(signal, onSignal)
  }

  return { url, metricsUrl: metricsServer?.url ?? null, close }
}
