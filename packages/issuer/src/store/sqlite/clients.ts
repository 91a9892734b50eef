// Clients in SQLite. `get` costs the same for a missing id as for a present
// one, so that an unknown client cannot be told from a wrong secret by time
// (DESIGN.md, token endpoint): one statement always yields one row, the
// client's or a dummy one (measured: reading a row out of SQLite costs
// about 5 µs more than finding none), and the row is parsed the same way.
// Every write bumps `clients_version` in its transaction, which is what the
// running server's in-memory copy (client-mirror.ts) reloads on.
import type { GrantType } from '../../domain/types.js'
import { ConflictError } from '../../domain/errors.js'
import type { ClientChanges, ClientRecord, ClientStore } from '../types/index.js'
import { isConstraintError, type SqliteDb } from './database.js'

export interface ClientRow {
  id: string; name: string; grants: string; scopes: string; audiences: string; ttl: number
  secret_hash: string | null; previous_secret_hash: string | null; previous_secret_expires_at: number | null
  redirect_uris: string; skip_consent: number; created_at: number; updated_at: number
  registered: number; registration_address_hash: string | null; last_used_at: number | null; dpop_bound_access_tokens: number
  post_logout_redirect_uris: string
}

export const toClient = (r: ClientRow): ClientRecord => ({
  id: r.id,
  name: r.name,
  grants: JSON.parse(r.grants) as GrantType[],
  scopes: JSON.parse(r.scopes) as string[],
  audiences: JSON.parse(r.audiences) as string[],
  ttl: r.ttl,
  secretHash: r.secret_hash,
  previousSecretHash: r.previous_secret_hash,
  previousSecretExpiresAt: r.previous_secret_expires_at,
  redirectUris: JSON.parse(r.redirect_uris) as string[],
  skipConsent: r.skip_consent === 1,
  dpopBoundAccessTokens: r.dpop_bound_access_tokens === 1,
  postLogoutRedirectUris: JSON.parse(r.post_logout_redirect_uris) as string[],
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  registration: r.registered === 1 ? { addressHash: r.registration_address_hash!, lastUsedAt: r.last_used_at } : null,
})

export const clientRow = (c: ClientRecord): ClientRow => ({
  id: c.id, name: c.name, grants: JSON.stringify(c.grants), scopes: JSON.stringify(c.scopes),
  audiences: JSON.stringify(c.audiences), ttl: c.ttl, secret_hash: c.secretHash,
  previous_secret_hash: c.previousSecretHash, previous_secret_expires_at: c.previousSecretExpiresAt,
  redirect_uris: JSON.stringify(c.redirectUris), skip_consent: c.skipConsent ? 1 : 0,
  created_at: c.createdAt, updated_at: c.updatedAt, registered: c.registration === null ? 0 : 1,
  registration_address_hash: c.registration?.addressHash ?? null, last_used_at: c.registration?.lastUsedAt ?? null, dpop_bound_access_tokens: c.dpopBoundAccessTokens ? 1 : 0,
  post_logout_redirect_uris: JSON.stringify(c.postLogoutRedirectUris),
})

/** Shaped like a typical row, for the missing-id path (and the server's copy's miss, client-mirror.ts). */
export const DUMMY_ROW: Readonly<ClientRow> = clientRow({
  id: 'tc_AAAAAAAAAAAAAAAAAAAAAA', name: 'dummy client', grants: ['client_credentials'], scopes: ['read', 'write'],
  audiences: ['https://api.example'], ttl: 900, secretHash: '$sha256$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  previousSecretHash: null, previousSecretExpiresAt: null, redirectUris: [], skipConsent: false, dpopBoundAccessTokens: false, createdAt: 0, updatedAt: 0,
  registration: null, postLogoutRedirectUris: [],
})

const literal = (v: string | number | null): string => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`)

// The client's row, else the dummy row: UNION ALL yields the first part's rows first, LIMIT 1 stops there.
// The dummy is read through a primary-key look-up of its own (the meta row), as a found client is.
const GET_OR_DUMMY = `SELECT * FROM (SELECT *, 1 AS found FROM clients WHERE id = ?
  UNION ALL SELECT ${Object.values(DUMMY_ROW).map(literal).join(', ')}, 0 FROM meta WHERE name = 'keys_version') LIMIT 1`

/** In the transaction of every client write (and of `db copy`): a running server's copy reloads. */
export const BUMP_CLIENTS_VERSION = `INSERT INTO meta (name, value) VALUES ('clients_version', 1)
  ON CONFLICT (name) DO UPDATE SET value = value + 1`

export const INSERT_CLIENT = `INSERT INTO clients (id, name, grants, scopes, audiences, ttl, secret_hash,
  previous_secret_hash, previous_secret_expires_at, redirect_uris, skip_consent, created_at, updated_at,
  registered, registration_address_hash, last_used_at, dpop_bound_access_tokens, post_logout_redirect_uris)
  VALUES (@id, @name, @grants, @scopes, @audiences, @ttl, @secret_hash, @previous_secret_hash,
  @previous_secret_expires_at, @redirect_uris, @skip_consent, @created_at, @updated_at,
  @registered, @registration_address_hash, @last_used_at, @dpop_bound_access_tokens, @post_logout_redirect_uris)`

export class SqliteClients implements ClientStore {
  readonly #db: SqliteDb
  readonly #get
  readonly #getOrDummy
  readonly #list
  readonly #insert
  readonly #update
  readonly #rotate
  readonly #delete
  readonly #scopes
  readonly #insertRow: (row: ClientRow) => void
  readonly #applyUpdate: (id: string, changes: ClientChanges, now: number) => ClientRecord | null
  readonly #applyRotation: (row: { id: string; secret_hash: string; previous_expires_at: number | null; now: number }) => boolean
  readonly #deleteRow: (id: string) => boolean

  constructor(db: SqliteDb) {
    this.#db = db
    const raw = db.raw
    this.#get = raw.prepare<[string], ClientRow>('SELECT * FROM clients WHERE id = ?')
    this.#getOrDummy = raw.prepare<[string], ClientRow & { found: number }>(GET_OR_DUMMY)
    this.#list = raw.prepare<[], ClientRow>('SELECT * FROM clients ORDER BY created_at, id')
    this.#insert = raw.prepare<[ClientRow]>(INSERT_CLIENT)
    this.#update = raw.prepare(`UPDATE clients SET name = @name, grants = @grants, scopes = @scopes,
      audiences = @audiences, ttl = @ttl, redirect_uris = @redirect_uris, skip_consent = @skip_consent,
      dpop_bound_access_tokens = @dpop_bound_access_tokens, post_logout_redirect_uris = @post_logout_redirect_uris,
      updated_at = @updated_at WHERE id = @id`)
    this.#rotate = raw.prepare(`UPDATE clients SET previous_secret_hash = CASE WHEN @previous_expires_at IS NULL THEN NULL ELSE secret_hash END,
      previous_secret_expires_at = @previous_expires_at, secret_hash = @secret_hash, updated_at = @now WHERE id = @id`)
    this.#delete = raw.prepare<[string]>('DELETE FROM clients WHERE id = ?')
    this.#scopes = raw.prepare<[], { scopes: string }>('SELECT scopes FROM clients')
    const bump = raw.prepare(BUMP_CLIENTS_VERSION)
    this.#insertRow = db.writer((row: ClientRow): void => {
      this.#insert.run(row)
      bump.run()
    })
    this.#applyUpdate = db.writer((id: string, changes: ClientChanges, now: number): ClientRecord | null => {
      const row = this.#get.get(id)
      if (!row) return null
      const c = { ...toClient(row), ...changes, updatedAt: now }
      const r = clientRow(c)
      this.#update.run({
        id, name: r.name, grants: r.grants, scopes: r.scopes, audiences: r.audiences, ttl: r.ttl,
        redirect_uris: r.redirect_uris, skip_consent: r.skip_consent, dpop_bound_access_tokens: r.dpop_bound_access_tokens,
        post_logout_redirect_uris: r.post_logout_redirect_uris, updated_at: now,
      })
      bump.run()
      return c
    })
    this.#applyRotation = db.writer((row): boolean => {
      const done = this.#rotate.run(row).changes === 1
      if (done) bump.run()
      return done
    })
    this.#deleteRow = db.writer((id: string): boolean => {
      const done = this.#delete.run(id).changes === 1
      if (done) bump.run()
      return done
    })
  }

  async get(id: string): Promise<ClientRecord | null> {
    const row = this.#db.guard(() => this.#getOrDummy.get(id))!
    const client = toClient(row)
    return row.found === 1 ? client : null
  }

  async list(): Promise<ClientRecord[]> {
    return this.#db.guard(() => this.#list.all()).map(toClient)
  }

  async insert(c: ClientRecord): Promise<void> {
    try {
      this.#insertRow(clientRow(c))
    } catch (err) {
      if (isConstraintError(err)) throw new ConflictError(`client ${c.id} already exists`)
      throw err
    }
  }

  async update(id: string, changes: ClientChanges, now: number): Promise<ClientRecord | null> {
    return this.#applyUpdate(id, changes, now)
  }

  async rotateSecret(id: string, secretHash: string, previousExpiresAt: number | null, now: number): Promise<boolean> {
    return this.#applyRotation({ id, secret_hash: secretHash, previous_expires_at: previousExpiresAt, now })
  }

  async delete(id: string): Promise<boolean> {
    // Pending requests, codes and refresh families go with it (ON DELETE CASCADE).
    return this.#deleteRow(id)
  }

  async allScopes(): Promise<string[]> {
    const all = new Set<string>()
    for (const { scopes } of this.#db.guard(() => this.#scopes.all())) {
      for (const s of JSON.parse(scopes) as string[]) all.add(s)
    }
    return [...all].sort()
  }
}
