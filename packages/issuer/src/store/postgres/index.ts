// The PostgreSQL store (PostgreSQL 13 or newer): node-postgres `pg`, one
// pool per process, parameterised statements only, split by concern like
// the SQLite store. Selected by a `postgres://` or `postgresql://` URL;
// the password comes from the URL, or from PGPASSWORD as pg reads it.
// Several processes on several hosts share one database: every operation
// that must be atomic is one statement or one transaction written for
// concurrent writers (see each file), and migrations take turns under an
// advisory lock (migrations.ts).
import { ConfigError } from '../../domain/errors.js'
import { redactUrl } from '../../domain/store-location.js'
import type { OpenOptions } from '../options.js'
import type { ClientStore, IssuerStore, StoreSnapshot } from '../types/index.js'
import { PgAnsweredRequests } from './answered-requests.js'
import { ClientMirror } from './client-mirror.js'
import { PgClientTable } from './clients.js'
import { PgConsents, PgScopeDescriptions } from './consents.js'
import { PgAccount } from './account.js'
import { describe, isConnectionError, isDatabaseError, PgDb } from './database.js'
import { PgDpopProofs } from './dpop-proofs.js'
import { PgKeys } from './keys.js'
import { PgLimits } from './limits.js'
import { PgLogins } from './logins.js'
import { PgOneTimeTokens } from './one-time-tokens.js'
import { migrate } from './migrations.js'
import { PgRefresh } from './refresh.js'
import { PgRegistrations } from './registrations.js'
import { PgSessions } from './sessions.js'
import { PgCodes } from './codes.js'
import { exportAll, importAll } from './snapshot.js'
import { PgUsers } from './users.js'

/** Migrations run under a longer timeout than requests: another process may be migrating first. */
const MIGRATE_TIMEOUT_MS = 15_000

class PostgresStore implements IssuerStore {
  readonly kind = 'postgres' as const
  readonly location: string
  readonly created: boolean
  readonly clients: ClientStore
  readonly users: PgUsers
  readonly logins: PgLogins
  readonly keys: PgKeys
  readonly sessions: PgSessions
  readonly codes: PgCodes
  readonly refresh: PgRefresh
  readonly registrations: PgRegistrations
  readonly answeredRequests: PgAnsweredRequests
  readonly oneTimeTokens: PgOneTimeTokens
  readonly limits: PgLimits
  readonly dpopProofs: PgDpopProofs
  readonly consents: PgConsents
  readonly scopeDescriptions: PgScopeDescriptions
  readonly account: PgAccount
  readonly #db: PgDb
  readonly #mirror: ClientMirror | null

  constructor(db: PgDb, created: boolean, clients: PgClientTable, mirror: ClientMirror | null) {
    this.#db = db
    this.location = db.location
    this.created = created
    this.#mirror = mirror
    this.clients = mirror ?? clients
    this.users = new PgUsers(db)
    this.logins = new PgLogins(db)
    this.keys = new PgKeys(db)
    this.sessions = new PgSessions(db)
    this.codes = new PgCodes(db)
    this.refresh = new PgRefresh(db)
    this.consents = new PgConsents(db)
    this.scopeDescriptions = new PgScopeDescriptions(db)
    this.account = new PgAccount(db)
    // This process's copy of the clients re-reads after a registration or a prune (a failed re-read is the next poll's).
    this.registrations = new PgRegistrations(db, async () => { await mirror?.resync() })
    this.answeredRequests = new PgAnsweredRequests(db)
    this.oneTimeTokens = new PgOneTimeTokens(db)
    this.limits = new PgLimits(db)
    this.dpopProofs = new PgDpopProofs(db)
  }

  exportAll(): Promise<StoreSnapshot> {
    return exportAll(this.#db)
  }

  importAll(snapshot: StoreSnapshot): Promise<void> {
    return importAll(this.#db, snapshot)
  }

  async backup(_path: string): Promise<void> {
    throw new ConfigError('db backup is for SQLite; back up PostgreSQL with pg_dump')
  }

  async ping(): Promise<void> {
    // A real write: a read-only (standby), full or broken database fails here, not on the next token request.
    await this.#db.query(`INSERT INTO meta (name, value) VALUES ('health_probe', $1)
      ON CONFLICT (name) DO UPDATE SET value = excluded.value`, [Date.now()])
  }

  async close(): Promise<void> {
    this.#mirror?.close()
    await this.#db.close()
  }
}

/** A failure to open, as the one line an operator reads (the URL never with its password). */
function openError(err: unknown, location: string): ConfigError {
  if (err instanceof ConfigError) return err
  const reason = describe(err).split('\n')[0]
  if (isConnectionError(err) || (isDatabaseError(err) && /^(08|28|3D|53|57)/.test(err.code ?? ''))) {
    return new ConfigError(`cannot connect to ${location}: ${reason}`)
  }
  return new ConfigError(`cannot use database ${location}: ${reason}`)
}

/**
 * Opens the store at `url`, creating the tables in an empty database and
 * migrating an older schema. A database that cannot be connected to is a
 * ConfigError naming the URL without its password (OpenOptions.mustExist
 * changes nothing here: the issuer never creates a PostgreSQL database).
 */
export async function openPostgresStore(url: string, options: OpenOptions = {}): Promise<IssuerStore> {
  const location = redactUrl(url)
  const db = new PgDb(url, location)
  try {
    const found = await db.tx((sql) => migrate(sql, location), { timeoutMs: MIGRATE_TIMEOUT_MS })
    const table = new PgClientTable(db)
    const mirror = options.cacheClients ? await ClientMirror.open(db, table) : null
    return new PostgresStore(db, found === 0, table, mirror)
  } catch (err) {
    await db.close().catch(() => undefined)
    throw openError((err as { cause?: unknown }).cause ?? err, location)
  }
}
