// `serve`: opens the core, builds the app, listens, and shuts down gracefully
// on SIGTERM/SIGINT (in-flight requests finish, then the database closes).
// The CLI's `serve` command calls this. With `workers` above 1 the process
// becomes the primary of a node:cluster (cluster.ts), and each worker runs
// this same function as one issuer of the cluster.

import cluster from 'node:cluster'
import { resolve } from 'node:path'
import type { AddressInfo } from 'node:net'
import type { FastifyBaseLogger } from 'fastify'
import { isLoopbackHost, type ServeSettings } from '../config.js'
import { openIssuer } from '../core/open.js'
import type { IssuerConfig } from '../config.js'
import type { IssuerMetrics } from './metrics/issuer-metrics.js'
import type { MetricsServer } from './metrics/server.js'
import { redactUrl } from '../store/location.js'
import { isPostgresUrl } from '../store/open.js'
import { buildApp } from '../http/app.js'
import { openLogStream } from './log-stream.js'
import { JWKS_PATH } from '../http/routes/jwks.js'
import { METADATA_PATH } from '../http/routes/metadata.js'

/**
 * Signals that stop the server gracefully: SIGTERM and SIGINT, and SIGHUP
 * (a closed terminal or session), whose default would end the process
 * without flushing the buffered log lines. An uncaught exception exits
 * through process.exit, whose 'exit' handler flushes them (log-stream.ts).
 */
const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const

export interface ServeOptions {
  /** Fastify's pino logger, JSON to stdout. Default true. */
  logger?: boolean
  /** Install SIGTERM/SIGINT/SIGHUP handlers that close and exit 0. Default true. */
  handleSignals?: boolean
}

export interface RunningIssuer {
  /** Where the server listens, e.g. http://127.0.0.1:8080. */
  url: string
  /** Where `GET /metrics` answers, or null without a metrics port. */
  metricsUrl: string | null
  /** Stops accepting, lets in-flight requests finish (in every worker), closes the core. Idempotent. */
  close(): Promise<void>
}

/** What a worker and its primary say to each other over the cluster's IPC channel. */
export type ClusterMessage =
  | { type: 'tessera:listening'; url: string }
  | { type: 'tessera:failed'; message: string }
  | { type: 'tessera:shutdown' }

/** Set by the primary in the environment of the workers it forks. */
export const WORKER_ENV = 'TESSERA_CLUSTER_WORKER'
/** The port the primary chose (port 0 resolved once, so restarted workers share it). */
export const WORKER_PORT_ENV = 'TESSERA_CLUSTER_PORT'

export const isClusterWorker = (): boolean => cluster.isWorker && process.env[WORKER_ENV] === '1'

const DEFAULT_DB = 'data/tessera.db'

const settingsOf = (config: IssuerConfig & Partial<ServeSettings>): ServeSettings => ({
  workers: config.workers ?? 1,
  logLevel: config.logLevel ?? 'info',
  metricsPort: config.metricsPort ?? null,
})

export async function serve(config: IssuerConfig & Partial<ServeSettings>, options: ServeOptions = {}): Promise<RunningIssuer> {
  const settings = settingsOf(config)
  if (isClusterWorker()) {
    const port = Number(process.env[WORKER_PORT_ENV])
    if (Number.isInteger(port) && port > 0) config.port = port
    return serveOne(config, settings, options, 'worker')
  }
  if (settings.workers > 1) return (await import('./cluster.js')).servePrimary(config, settings, options)
  return serveOne(config, settings, options, 'single')
}

/** Warnings at start-up, one line each: what an operator should know before traffic arrives. */
export function startupWarnings(config: IssuerConfig): string[] {
  const warnings: string[] = []
  if (config.keyEncryptionKey === null) {
    warnings.push('private signing keys are stored unencrypted in the database: set TESSERA_KEY_ENCRYPTION_KEY (or --key-encryption-key-file) to encrypt them (AES-256-GCM)')
  }
  const host = config.host.replace(/^\[(.*)\]$/, '$1')
  if (!isLoopbackHost(host) && host !== '::1' && isLoopbackHost(new URL(config.issuer).hostname)) {
    warnings.push(`listening on ${config.host} (beyond this machine) while the issuer is ${config.issuer}, a loopback origin: ` +
      'tokens carry that iss and remote verifiers cannot reach its JWKS; set TESSERA_ISSUER to the public https origin (behind a TLS-terminating proxy)')
  }
  return warnings
}

/** The one ready line: scripts and tests wait for a JSON line with `url`. */
export function logReady(log: Pick<FastifyBaseLogger, 'info'>, config: IssuerConfig, url: string, extra: Record<string, unknown>): void {
  // Never a database password in the log: a PostgreSQL URL is shown without it.
  const dbFlag = isPostgresUrl(config.dbPath) ? ` --db ${redactUrl(config.dbPath)}`
    : resolve(config.dbPath) === resolve(DEFAULT_DB) ? '' : ` --db ${config.dbPath}`
  log.info(
    { url, issuer: config.issuer, jwks_uri: url + JWKS_PATH, metadata: url + METADATA_PATH, ...extra },
    `Tessera issuer listening on ${url} (issuer ${config.issuer}). ` +
      `JWKS: ${url}${JWKS_PATH}; metadata: ${url}${METADATA_PATH}. ` +
      `Create the first client: npx tessera-issuer client create${dbFlag} --name demo ` +
      `--grant client_credentials --scope read --audience https://api.example`,
  )
}

/** Counting metrics for this process, or null when no metrics port is set (prom-client is then never loaded). */
async function metricsFor(settings: ServeSettings): Promise<IssuerMetrics | null> {
  if (settings.metricsPort === null) return null
  return (await import('./metrics/issuer-metrics.js')).createIssuerMetrics()
}

/** One issuer process: alone (`single`), or one worker of a cluster (`worker`: the primary logs the ready line, serves metrics, and tells it when to stop). */
async function serveOne(config: IssuerConfig, settings: ServeSettings, options: ServeOptions, role: 'single' | 'worker'): Promise<RunningIssuer> {
  const metrics = await metricsFor(settings)
  const core = await openIssuer(config, metrics ? { observer: metrics.observer } : {})
  metrics?.gauges(() => core.gauges())
  const logs = (options.logger ?? true) ? openLogStream() : undefined
  const app = buildApp(core, { logger: logs ? { stream: logs.stream, level: settings.logLevel } : false })

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
    // DESIGN: TESSERA_ISSUER defaults to http://localhost:$PORT, the bound port when 0 was asked.
    if (!config.issuerExplicit) config.issuer = `http://localhost:${address.port}`
    if (metrics && role === 'single') {
      const { startMetricsServer } = await import('./metrics/server.js')
      const { registryRenderer } = await import('./metrics/cluster.js')
      metricsServer = await startMetricsServer(config.host, settings.metricsPort!, registryRenderer(metrics.registry),
        (err) => app.log.warn({ err: { message: err.message } }, 'metrics scrape failed'))
    }
    if (metrics && role === 'worker') (await import('./metrics/cluster.js')).answerPrimary(metrics.registry)
    core.start()
  } catch (err) {
    await app.close().catch(() => undefined)
    await core.close()
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
