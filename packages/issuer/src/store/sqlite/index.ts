// The default store: one SQLite file through better-sqlite3 (major 12),
// split by concern, prepared statements only. See database.ts for how the
// file is opened and kept.
import { closeSync, existsSync, mkdirSync, openSync, rmSync } from 'node:fs'
import { dirname } from 'node:path'
import { ConfigError } from '../../domain/errors.js'
import type { IssuerStore, StoreSnapshot } from '../types/index.js'
import { SqliteAnsweredRequests } from './answered-requests.js'
import { SqliteClientMirror } from './client-mirror.js'
import { SqliteClients } from './clients.js'
import { SqliteConsents, SqliteScopeDescriptions } from './consents.js'
import { SqliteAccount } from './account.js'
import type { OpenOptions } from '../options.js'
import { openDatabase, type SqliteDb } from './database.js'
import { SqliteDpopProofs } from './dpop-proofs.js'
import { SqliteKeys } from './keys.js'
import { SqliteLimits } from './limits.js'
import { SqliteLogins } from './logins.js'
import { SqliteOneTimeTokens } from './one-time-tokens.js'
import { SqliteRefresh } from './refresh.js'
import { SqliteRegistrations } from './registrations.js'
import { SqliteSessions } from './sessions.js'
import { SqliteCodes } from './codes.js'
import { snapshotter } from './snapshot.js'
import { SqliteUsers } from './users.js'

class SqliteStore implements IssuerStore {
  readonly kind = 'sqlite' as const
  readonly location: string
  readonly created: boolean
  readonly clients: SqliteClients | SqliteClientMirror
  readonly users: SqliteUsers
  readonly logins: SqliteLogins
  readonly keys: SqliteKeys
  readonly sessions: SqliteSessions
  readonly codes: SqliteCodes
  readonly refresh: SqliteRefresh
  readonly registrations: SqliteRegistrations
  readonly answeredRequests: SqliteAnsweredRequests
  readonly oneTimeTokens: SqliteOneTimeTokens
  readonly limits: SqliteLimits
  readonly dpopProofs: SqliteDpopProofs
  readonly consents: SqliteConsents
  readonly account: SqliteAccount
  readonly scopeDescriptions: SqliteScopeDescriptions
  readonly #db: SqliteDb
  readonly #snapshot: ReturnType<typeof snapshotter>
  readonly #probe

  constructor(db: SqliteDb, options: OpenOptions) {
    this.#db = db
    this.location = db.path
    this.created = db.created
    const clients = new SqliteClients(db)
    this.clients = options.cacheClients ? new SqliteClientMirror(db, clients) : clients
    this.users = new SqliteUsers(db)
    this.logins = new SqliteLogins(db)
    this.keys = new SqliteKeys(db)
    this.sessions = new SqliteSessions(db)
    this.codes = new SqliteCodes(db)
    this.refresh = new SqliteRefresh(db)
    this.registrations = new SqliteRegistrations(db)
    this.answeredRequests = new SqliteAnsweredRequests(db)
    this.oneTimeTokens = new SqliteOneTimeTokens(db)
    this.limits = new SqliteLimits(db)
    this.dpopProofs = new SqliteDpopProofs(db)
    this.consents = new SqliteConsents(db)
    this.scopeDescriptions = new SqliteScopeDescriptions(db)
    this.account = new SqliteAccount(db)
    this.#snapshot = snapshotter(db)
    // A real write: a read-only, full or broken database fails here, not on the next token request.
    this.#probe = db.raw.prepare<[number]>(`INSERT INTO meta (name, value) VALUES ('health_probe', ?)
      ON CONFLICT (name) DO UPDATE SET value = excluded.value`)
  }

  async exportAll(): Promise<StoreSnapshot> {
    return this.#snapshot.exportAll()
  }

  async importAll(snapshot: StoreSnapshot): Promise<void> {
    this.#snapshot.importAll(snapshot)
  }

  async backup(path: string): Promise<void> {
    if (existsSync(path)) throw new ConfigError(`${path} exists: db backup writes a new file`)
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
    // Created 0600 before SQLite writes into it, like the database itself.
    closeSync(openSync(path, 'wx', 0o600))
    try {
      await this.#db.raw.backup(path)
    } catch (err) {
      rmSync(path, { force: true })
      throw new ConfigError(`cannot write the backup ${path}: ${(err as Error).message}`)
    }
  }

  async ping(): Promise<void> {
    this.#db.checkFile()
    this.#db.guard(() => this.#probe.run(Date.now()))
  }

  async close(): Promise<void> {
    this.#db.close()
  }
}

/** Opens (creating the file, its folder and the schema as needed, unless `mustExist`) the SQLite store at `path`. */
export function openSqliteStore(path: string, options: OpenOptions = {}): IssuerStore {
  return new SqliteStore(openDatabase(path, options), options)
}
