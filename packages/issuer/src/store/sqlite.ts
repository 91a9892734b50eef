// The default store: one SQLite file through better-sqlite3 (major 12).
// WAL, a busy timeout (several processes share the file: servers and the
// CLI), foreign keys on, secure_delete (replaced key material is zeroed, not
// left in free pages), versioned migrations, prepared statements only.
// Every write that must be atomic runs in one IMMEDIATE transaction, which
// takes the write lock up front so two processes never deadlock upgrading.

import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import type { GrantType, SigningAlg } from '../core/types.js'
import { ConfigError, ConflictError } from '../core/errors.js'
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js'
import type {
  ClientChanges, ClientRecord, IssuerStore, KeyChanges, KeyRecord, KeySet,
  LockState, ThrottlePolicy, UserRecord,
} from './types.js'

const BUSY_TIMEOUT_MS = 5000

interface ClientRow {
  id: string; name: string; grants: string; scopes: string; audiences: string; ttl: number
  secret_hash: string; previous_secret_hash: string | null; previous_secret_expires_at: number | null
  created_at: number; updated_at: number
}
interface UserRow {
  id: string; username: string; scopes: string; password_hash: string; created_at: number; updated_at: number
}
interface KeyRow {
  serial: number; kid: string; alg: string; public_jwk: string; private_key: string
  created_at: number; activates_at: number; retired_at: number | null; removed_at: number | null
}
interface FailureRow { failures: number; window_started_at: number; locked_until: number | null }

const toClient = (r: ClientRow): ClientRecord => ({
  id: r.id,
  name: r.name,
  grants: JSON.parse(r.grants) as GrantType[],
  scopes: JSON.parse(r.scopes) as string[],
  audiences: JSON.parse(r.audiences) as string[],
  ttl: r.ttl,
  secretHash: r.secret_hash,
  previousSecretHash: r.previous_secret_hash,
  previousSecretExpiresAt: r.previous_secret_expires_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  username: r.username,
  scopes: JSON.parse(r.scopes) as string[],
  passwordHash: r.password_hash,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

const toKey = (r: KeyRow): KeyRecord => ({
  serial: r.serial,
  kid: r.kid,
  alg: r.alg as SigningAlg,
  publicJwk: r.public_jwk,
  privateKey: r.private_key,
  createdAt: r.created_at,
  activatesAt: r.activates_at,
  retiredAt: r.retired_at,
  removedAt: r.removed_at,
})

function isConstraintError(err: unknown): boolean {
  return typeof (err as { code?: unknown })?.code === 'string' &&
    (err as { code: string }).code.startsWith('SQLITE_CONSTRAINT')
}

function migrate(db: Database.Database, path: string): void {
  const run = db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number
    if (current > SCHEMA_VERSION) {
      throw new ConfigError(`${path} has schema version ${current}, newer than this issuer supports (${SCHEMA_VERSION}): upgrade tessera`)
    }
    for (let v = current; v < SCHEMA_VERSION; v++) {
      db.exec(MIGRATIONS[v]!)
    }
    if (current !== SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`)
  })
  run.immediate()
}

function openDatabase(path: string): Database.Database {
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    const db = new Database(path, { timeout: BUSY_TIMEOUT_MS })
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    db.pragma('secure_delete = ON')
    return db
  } catch (err) {
    throw new ConfigError(`cannot open database ${path}: ${(err as Error).message}`)
  }
}

/** Opens (creating the file, its folder and the schema as needed) the SQLite store at `path`. */
export function openSqliteStore(path: string): IssuerStore {
  const db = openDatabase(path)
  try {
    migrate(db, path)
  } catch (err) {
    db.close()
    if (err instanceof ConfigError) throw err
    throw new ConfigError(`cannot use database ${path}: ${(err as Error).message}`)
  }
  return new SqliteStore(db)
}

class SqliteStore implements IssuerStore {
  readonly #db: Database.Database
  readonly #s

  constructor(db: Database.Database) {
    this.#db = db
    this.#s = {
      getClient: db.prepare<[string], ClientRow>('SELECT * FROM clients WHERE id = ?'),
      listClients: db.prepare<[], ClientRow>('SELECT * FROM clients ORDER BY created_at, id'),
      insertClient: db.prepare(`INSERT INTO clients (id, name, grants, scopes, audiences, ttl, secret_hash,
        previous_secret_hash, previous_secret_expires_at, created_at, updated_at)
        VALUES (@id, @name, @grants, @scopes, @audiences, @ttl, @secret_hash, @previous_secret_hash,
        @previous_secret_expires_at, @created_at, @updated_at)`),
      updateClient: db.prepare(`UPDATE clients SET name = @name, grants = @grants, scopes = @scopes,
        audiences = @audiences, ttl = @ttl, updated_at = @updated_at WHERE id = @id`),
      rotateSecret: db.prepare(`UPDATE clients SET previous_secret_hash = CASE WHEN @previous_expires_at IS NULL THEN NULL ELSE secret_hash END,
        previous_secret_expires_at = @previous_expires_at, secret_hash = @secret_hash, updated_at = @now WHERE id = @id`),
      deleteClient: db.prepare<[string]>('DELETE FROM clients WHERE id = ?'),
      clientScopes: db.prepare<[], { scopes: string }>('SELECT scopes FROM clients'),

      getUser: db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?'),
      listUsers: db.prepare<[], UserRow>('SELECT * FROM users ORDER BY username'),
      insertUser: db.prepare(`INSERT INTO users (id, username, scopes, password_hash, created_at, updated_at)
        VALUES (@id, @username, @scopes, @password_hash, @created_at, @updated_at)`),
      setPassword: db.prepare<[string, number, string]>('UPDATE users SET password_hash = ?, updated_at = ? WHERE username = ?'),
      deleteUser: db.prepare<[string]>('DELETE FROM users WHERE username = ?'),

      getFailures: db.prepare<[string], FailureRow>('SELECT failures, window_started_at, locked_until FROM login_failures WHERE username = ?'),
      upsertFailures: db.prepare<[string, number, number, number | null]>(`INSERT INTO login_failures (username, failures, window_started_at, locked_until)
        VALUES (?, ?, ?, ?) ON CONFLICT (username) DO UPDATE SET failures = excluded.failures,
        window_started_at = excluded.window_started_at, locked_until = excluded.locked_until`),
      clearFailures: db.prepare<[string]>('DELETE FROM login_failures WHERE username = ?'),
      pruneFailures: db.prepare<[number, number]>(`DELETE FROM login_failures
        WHERE window_started_at <= ? AND (locked_until IS NULL OR locked_until <= ?)`),

      listKeys: db.prepare<[], KeyRow>('SELECT * FROM signing_keys ORDER BY serial'),
      keysVersion: db.prepare<[], { value: number }>("SELECT value FROM meta WHERE name = 'keys_version'"),
      bumpKeysVersion: db.prepare<[number]>("UPDATE meta SET value = value + 1 WHERE name = 'keys_version' AND value = ?"),
      insertKey: db.prepare(`INSERT INTO signing_keys (kid, alg, public_jwk, private_key, created_at, activates_at, retired_at, removed_at)
        VALUES (@kid, @alg, @public_jwk, @private_key, @created_at, @activates_at, @retired_at, @removed_at)`),
      updateKey: db.prepare(`UPDATE signing_keys SET activates_at = COALESCE(@activates_at, activates_at),
        retired_at = COALESCE(@retired_at, retired_at), removed_at = COALESCE(@removed_at, removed_at),
        private_key = COALESCE(@private_key, private_key) WHERE kid = @kid`),
      ping: db.prepare('SELECT 1'),
    }
  }

  async getClient(id: string): Promise<ClientRecord | null> {
    const row = this.#s.getClient.get(id)
    return row ? toClient(row) : null
  }

  async listClients(): Promise<ClientRecord[]> {
    return this.#s.listClients.all().map(toClient)
  }

  async insertClient(c: ClientRecord): Promise<void> {
    try {
      this.#s.insertClient.run({
        id: c.id, name: c.name, grants: JSON.stringify(c.grants), scopes: JSON.stringify(c.scopes),
        audiences: JSON.stringify(c.audiences), ttl: c.ttl, secret_hash: c.secretHash,
        previous_secret_hash: c.previousSecretHash, previous_secret_expires_at: c.previousSecretExpiresAt,
        created_at: c.createdAt, updated_at: c.updatedAt,
      })
    } catch (err) {
      if (isConstraintError(err)) throw new ConflictError(`client ${c.id} already exists`)
      throw err
    }
  }

  async updateClient(id: string, changes: ClientChanges, now: number): Promise<ClientRecord | null> {
    const tx = this.#db.transaction((): ClientRecord | null => {
      const row = this.#s.getClient.get(id)
      if (!row) return null
      const c = { ...toClient(row), ...changes, updatedAt: now }
      this.#s.updateClient.run({
        id, name: c.name, grants: JSON.stringify(c.grants), scopes: JSON.stringify(c.scopes),
        audiences: JSON.stringify(c.audiences), ttl: c.ttl, updated_at: now,
      })
      return c
    })
    return tx.immediate()
  }

  async rotateClientSecret(id: string, secretHash: string, previousExpiresAt: number | null, now: number): Promise<boolean> {
    const info = this.#s.rotateSecret.run({ id, secret_hash: secretHash, previous_expires_at: previousExpiresAt, now })
    return info.changes === 1
  }

  async deleteClient(id: string): Promise<boolean> {
    return this.#s.deleteClient.run(id).changes === 1
  }

  async allClientScopes(): Promise<string[]> {
    const all = new Set<string>()
    for (const { scopes } of this.#s.clientScopes.all()) {
      for (const s of JSON.parse(scopes) as string[]) all.add(s)
    }
    return [...all].sort()
  }

  async getUserByUsername(username: string): Promise<UserRecord | null> {
    const row = this.#s.getUser.get(username)
    return row ? toUser(row) : null
  }

  async listUsers(): Promise<UserRecord[]> {
    return this.#s.listUsers.all().map(toUser)
  }

  async insertUser(u: UserRecord): Promise<void> {
    try {
      this.#s.insertUser.run({
        id: u.id, username: u.username, scopes: JSON.stringify(u.scopes), password_hash: u.passwordHash,
        created_at: u.createdAt, updated_at: u.updatedAt,
      })
    } catch (err) {
      if (isConstraintError(err)) throw new ConflictError(`user ${u.username} already exists`)
      throw err
    }
  }

  async setUserPassword(username: string, passwordHash: string, now: number): Promise<boolean> {
    return this.#s.setPassword.run(passwordHash, now, username).changes === 1
  }

  async deleteUser(username: string): Promise<boolean> {
    return this.#s.deleteUser.run(username).changes === 1
  }

  async loginLockState(username: string, now: number): Promise<LockState> {
    const row = this.#s.getFailures.get(username)
    return { lockedUntil: row?.locked_until != null && row.locked_until > now ? row.locked_until : null }
  }

  async recordLoginFailure(username: string, now: number, policy: ThrottlePolicy): Promise<LockState> {
    const tx = this.#db.transaction((): LockState => {
      const row = this.#s.getFailures.get(username)
      if (row?.locked_until != null && row.locked_until > now) return { lockedUntil: row.locked_until }
      // A new window starts when there is none, when the last one is over,
      // or when a lock has just ended.
      const fresh = !row || now - row.window_started_at >= policy.windowMs || row.locked_until != null
      const failures = fresh ? 1 : row.failures + 1
      const windowStart = fresh ? now : row.window_started_at
      const lockedUntil = failures >= policy.maxFailures ? now + policy.lockMs : null
      this.#s.upsertFailures.run(username, failures, windowStart, lockedUntil)
      return { lockedUntil }
    })
    return tx.immediate()
  }

  async clearLoginFailures(username: string): Promise<void> {
    this.#s.clearFailures.run(username)
  }

  async pruneLoginFailures(now: number, policy: ThrottlePolicy): Promise<number> {
    return this.#s.pruneFailures.run(now - policy.windowMs, now).changes
  }

  async listKeys(): Promise<KeySet> {
    const read = this.#db.transaction((): KeySet => ({
      version: this.#s.keysVersion.get()!.value,
      keys: this.#s.listKeys.all().map(toKey),
    }))
    return read.deferred()
  }

  async keysVersion(): Promise<number> {
    return this.#s.keysVersion.get()!.value
  }

  async changeKeys(expectedVersion: number, changes: KeyChanges): Promise<boolean> {
    const tx = this.#db.transaction((): boolean => {
      if (this.#s.bumpKeysVersion.run(expectedVersion).changes !== 1) return false
      for (const k of changes.insert ?? []) {
        this.#s.insertKey.run({
          kid: k.kid, alg: k.alg, public_jwk: k.publicJwk, private_key: k.privateKey,
          created_at: k.createdAt, activates_at: k.activatesAt, retired_at: k.retiredAt, removed_at: k.removedAt,
        })
      }
      for (const u of changes.update ?? []) {
        const info = this.#s.updateKey.run({
          kid: u.kid, activates_at: u.activatesAt ?? null, retired_at: u.retiredAt ?? null,
          removed_at: u.removedAt ?? null, private_key: u.privateKey ?? null,
        })
        if (info.changes !== 1) throw new Error(`no signing key ${u.kid}`)
      }
      return true
    })
    const applied = tx.immediate()
    if (applied && (changes.update ?? []).some((u) => u.privateKey !== undefined)) {
      // Key material was replaced (e.g. encrypted under a new key encryption
      // key): fold the WAL into the file now, where secure_delete has zeroed
      // the old pages, so that no plaintext copy lingers in the WAL.
      try { this.#db.pragma('wal_checkpoint(TRUNCATE)') } catch { /* busy: SQLite folds it at the last close */ }
    }
    return applied
  }

  async ping(): Promise<void> {
    this.#s.ping.get()
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close()
  }
}
