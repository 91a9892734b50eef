// The connection pool of the PostgreSQL store (node-postgres `pg.Pool`),
// parameterised queries only, and the two ways the stores run SQL: one
// statement, or one transaction. Both retry, a bounded number of times,
// what PostgreSQL asks to be retried (40001 serialization failure, 40P01
// deadlock): the client sees neither, unlike the serialization-failure
// 400s of ory/hydra#3604; one that keeps failing is a 503. Everything
// that says the database cannot be used now (no connection, a reset, a
// timeout, the server shutting down, out of resources) becomes
// StoreUnavailableError, the HTTP layer's 503 with Retry-After. Nothing
// waits long: a connection is made within CONNECT_TIMEOUT_MS, the server
// cancels a statement after STATEMENT_TIMEOUT_MS, and the client abandons
// one the server does not answer after QUERY_TIMEOUT_MS.
import pg from 'pg'
import { StoreUnavailableError } from '../../domain/errors.js'

/** Connections per process: servers are mostly CPU-bound (signing); the database sees few statements per token. */
const POOL_MAX = 10
/** A new connection (or a free one from a busy pool) within this, else StoreUnavailableError. */
const CONNECT_TIMEOUT_MS = 2000
/** The server cancels a statement running longer (also a lock wait): 57014, a 503. */
const STATEMENT_TIMEOUT_MS = 2000
/** The client gives up on an answer after this (the server is gone without closing the socket). */
const QUERY_TIMEOUT_MS = 3000
/** A transaction left idle this long (its process frozen) is ended by the server, so its locks go. */
const IDLE_IN_TRANSACTION_MS = 10_000
/** Bulk reads and writes (`db copy`) may take longer than a request's statement. */
export const BULK_TIMEOUT_MS = 120_000
/** Attempts of a statement or transaction that PostgreSQL asked to retry (40001, 40P01). */
const ATTEMPTS = 5

/** BIGINT (int8, OID 20) as a JS number: every BIGINT here is a time in ms or a counter, far below 2^53. */
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
}

export type Row = pg.QueryResultRow

/** What a statement runs on: the pool, or the client of a transaction. */
export interface Sql {
  query<R extends Row = Row>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>
}

export interface TxOptions {
  /** `repeatable read read only`: one snapshot for several reads (never a serialization failure). */
  snapshot?: boolean
  /** Statement and answer timeout for this transaction's statements, ms (bulk work). */
  timeoutMs?: number
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH',
  'ENETDOWN', 'EHOSTDOWN', 'EAI_AGAIN', 'ENOENT',
])
/** node-postgres's own errors for a connection that broke, timed out or was closed. */
const DRIVER_MESSAGES = /Connection terminated|Query read timeout|timeout exceeded when trying to connect|not queryable|Cannot use a pool after calling end|Client was closed|connection timeout/i

/**
 * SQLSTATE classes meaning "not now" (PostgreSQL Appendix A): 08 connection
 * exception, 53 insufficient resources, 57 operator intervention (admin
 * shutdown, statement timeout), 58 system error, XX internal error; and 28
 * (authorization: the password changed under the server), 3D (the
 * database was dropped), 25006 (read-only: a standby after a failover).
 */
const UNAVAILABLE_CLASSES = new Set(['08', '53', '57', '58', 'XX', '28', '3D'])

export const isDatabaseError = (err: unknown): err is pg.DatabaseError => err instanceof pg.DatabaseError

export const isUniqueViolation = (err: unknown): boolean => isDatabaseError(err) && err.code === '23505'

const isRetryable = (err: unknown): boolean => isDatabaseError(err) && (err.code === '40001' || err.code === '40P01')

/** The connection itself failed (as opposed to a statement the server refused): it cannot be reused. */
export function isConnectionError(err: unknown): boolean {
  if (isDatabaseError(err)) return false
  const code = (err as { code?: unknown })?.code
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true
  return err instanceof Error && DRIVER_MESSAGES.test(err.message)
}

function isUnavailable(err: unknown): boolean {
  if (isConnectionError(err)) return true
  if (!isDatabaseError(err) || typeof err.code !== 'string') return false
  return UNAVAILABLE_CLASSES.has(err.code.slice(0, 2)) || err.code === '25006' || isRetryable(err)
}

/** One line for the operator's log: the message, or the error code when there is none (an AggregateError). */
export function describe(err: unknown): string {
  const e = err as { message?: unknown; code?: unknown }
  if (typeof e?.message === 'string' && e.message !== '') return e.message
  return typeof e?.code === 'string' ? e.code : String(err)
}

/** Driver and server failures that mean "not now" as StoreUnavailableError; anything else as it is. */
export function asStoreError(err: unknown, location: string): unknown {
  if (err instanceof StoreUnavailableError || !isUnavailable(err)) return err
  return new StoreUnavailableError(`database ${location}: ${describe(err)}`, { cause: err })
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export class PgDb {
  readonly pool: pg.Pool
  /** The URL without its password. */
  readonly location: string
  /** The last error of an idle connection (the pool drops such a connection and makes a new one on demand). */
  lastIdleError: Error | undefined

  constructor(url: string, location: string) {
    this.location = location
    this.pool = new pg.Pool({
      connectionString: url,
      max: POOL_MAX,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      query_timeout: QUERY_TIMEOUT_MS,
      statement_timeout: STATEMENT_TIMEOUT_MS,
      idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      application_name: 'tessera-issuer',
      types: TYPES,
    })
    // An idle connection that breaks (the server restarted, a network cut)
    // emits 'error' on the pool: unhandled, that would end the process.
    // The pool has already dropped it; the next query connects anew.
    this.pool.on('error', (err) => { this.lastIdleError = err })
    // A checked-out connection can break between two statements of a
    // transaction: the next statement fails (and the connection is
    // destroyed at release), but the event itself must not crash either.
    this.pool.on('connect', (client) => { client.on('error', (err) => { this.lastIdleError = err }) })
  }

  /** One statement (atomic on its own), retried on 40001/40P01. */
  query<R extends Row = Row>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    return this.#retrying(() => this.pool.query<R>(text, values))
  }

  /**
   * One statement of the hot path, prepared once per connection under
   * `name` (later executions skip the parse and plan: PostgreSQL protocol
   * §55.2.3, "Extended Query"), its rows as arrays in column order (no
   * object per row). Retried like query().
   */
  queryPrepared<R extends unknown[] = unknown[]>(name: string, text: string, values: unknown[]): Promise<pg.QueryArrayResult<R>> {
    return this.#retrying(() => this.pool.query<R>({ name, text, values, rowMode: 'array' }))
  }

  /**
   * `fn` in one transaction (READ COMMITTED, or one read-only snapshot),
   * committed when it returns, rolled back when it throws; retried whole on
   * 40001/40P01, so `fn` must do nothing but SQL and pure computation.
   */
  tx<T>(fn: (sql: Sql) => Promise<T>, options: TxOptions = {}): Promise<T> {
    return this.#retrying(async () => {
      const client = await this.pool.connect()
      let broken: unknown
      try {
        const timeout = options.timeoutMs
        const sql: Sql = timeout === undefined ? client : {
          query: <R extends Row>(text: string, values?: unknown[]) => client.query<R>({ text, values, query_timeout: timeout + 1000 } as pg.QueryConfig),
        }
        await client.query(options.snapshot ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN')
        if (timeout !== undefined) await client.query(`SET LOCAL statement_timeout = ${Math.trunc(timeout)}`)
        const result = await fn(sql)
        await client.query('COMMIT')
        return result
      } catch (err) {
        if (isConnectionError(err)) {
          broken = err
        } else {
          // A refused statement or a domain error thrown by `fn`: end the transaction, keep the connection.
          await client.query('ROLLBACK').catch((rollbackErr: unknown) => { broken = rollbackErr })
        }
        throw err
      } finally {
        client.release(broken === undefined ? undefined : broken instanceof Error ? broken : true)
      }
    })
  }

  async #retrying<T>(run: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run()
      } catch (err) {
        if (isRetryable(err) && attempt < ATTEMPTS) {
          // A short, growing, jittered pause, so that the transactions that collided do not collide again.
          await sleep(Math.random() * 10 * attempt)
          continue
        }
        throw asStoreError(err, this.location)
      }
    }
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end()
  }
}
