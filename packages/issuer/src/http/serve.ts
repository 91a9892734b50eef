// `serve`: opens the core, builds the app, listens, and shuts down gracefully
// on SIGTERM/SIGINT (in-flight requests finish, then the database closes).
// The CLI's `serve` command calls this.

import { resolve } from 'node:path'
import type { AddressInfo } from 'node:net'
import { destination } from 'pino'
import { openIssuer } from '../core/open.js'
import type { IssuerConfig } from '../core/types.js'
import { redactUrl } from '../store/location.js'
import { isPostgresUrl } from '../store/open.js'
import { buildApp } from './app.js'
import { JWKS_PATH } from './routes/jwks.js'
import { METADATA_PATH } from './routes/metadata.js'

export interface ServeOptions {
  /** Fastify's pino logger, JSON to stdout. Default true. */
  logger?: boolean
  /** Install SIGTERM/SIGINT handlers that close and exit 0. Default true. */
  handleSignals?: boolean
}

export interface RunningIssuer {
  /** Where the server listens, e.g. http://127.0.0.1:8080. */
  url: string
  /** Stops accepting, lets in-flight requests finish, closes the core. Idempotent. */
  close(): Promise<void>
}

const DEFAULT_DB = 'data/tessera.db'
const LOG_BUFFER_BYTES = 4096
const LOG_FLUSH_MS = 1000

export async function serve(config: IssuerConfig, options: ServeOptions = {}): Promise<RunningIssuer> {
  const core = await openIssuer(config)
  const logger = options.logger ?? true
  // Buffered stdout: under load, lines go out 4 KiB at a time instead of one
  // write(2) per token request (measured: one write per line cost the token
  // endpoint about a tenth of its throughput, and asynchronous writes moved
  // that cost to libuv's threads rather than removing it). A timer flushes
  // what is buffered every second, so a quiet server's lines are never late
  // by more than that; close and exit flush the rest.
  const stream = logger ? destination({ dest: 1, sync: true, minLength: LOG_BUFFER_BYTES }) : undefined
  const flushTimer = stream ? setInterval(() => stream.flush(), LOG_FLUSH_MS).unref() : undefined
  const flushOnExit = (): void => stream?.flushSync()
  if (stream) process.once('exit', flushOnExit)
  const app = buildApp(core, { logger: stream ? { stream } : false })

  let url: string
  try {
    // Fastify's own "Server listening" line is silenced: the one line below says more.
    const level = app.log.level
    if (logger) app.log.level = 'warn'
    try {
      await app.listen({ host: config.host, port: config.port })
    } finally {
      if (logger) app.log.level = level
    }
    const address = app.server.address() as AddressInfo
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
    url = `http://${host}:${address.port}`
    // DESIGN: TESSERA_ISSUER defaults to http://localhost:$PORT, the bound port when 0 was asked.
    if (!config.issuerExplicit) config.issuer = `http://localhost:${address.port}`
    core.start()
  } catch (err) {
    await app.close().catch(() => undefined)
    await core.close()
    clearInterval(flushTimer)
    process.removeListener('exit', flushOnExit)
    stream?.flushSync()
    throw err
  }

  // Never a database password in the log: a PostgreSQL URL is shown without it.
  const dbFlag = isPostgresUrl(config.dbPath) ? ` --db ${redactUrl(config.dbPath)}`
    : resolve(config.dbPath) === resolve(DEFAULT_DB) ? '' : ` --db ${config.dbPath}`
  app.log.info(
    { url, issuer: config.issuer, jwks_uri: url + JWKS_PATH, metadata: url + METADATA_PATH },
    `Tessera issuer listening on ${url} (issuer ${config.issuer}). ` +
      `JWKS: ${url}${JWKS_PATH}; metadata: ${url}${METADATA_PATH}. ` +
      `Create the first client: npx tessera-issuer client create${dbFlag} --name demo ` +
      `--grant client_credentials --scope read --audience https://api.example`,
  )
  stream?.flush() // the ready line goes out at once: scripts wait for it

  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= (async () => {
      process.removeListener('SIGTERM', onSignal)
      process.removeListener('SIGINT', onSignal)
      // A keep-alive connection whose request was in flight when closing began
      // turns idle only when its response is done; close such sockets as they
      // idle, instead of waiting out the keep-alive timeout.
      const sweep = setInterval(() => app.server.closeIdleConnections(), 50)
      try {
        await app.close()
      } finally {
        clearInterval(sweep)
        await core.close()
        clearInterval(flushTimer)
        process.removeListener('exit', flushOnExit)
        stream?.flushSync()
      }
    })()
    return closing
  }

  function onSignal(signal: NodeJS.Signals): void {
    app.log.info({ signal }, 'shutting down: finishing in-flight requests')
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  }

  if (options.handleSignals ?? true) {
    process.once('SIGTERM', onSignal)
    process.once('SIGINT', onSignal)
  }

  return { url, close }
}
