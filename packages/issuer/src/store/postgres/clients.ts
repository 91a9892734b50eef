// Clients in PostgreSQL. Every write bumps `clients_version` in the same
// transaction, which is what the servers' in-memory copy (client-mirror.ts)
// polls. Read directly (the CLI), `get` materialises a dummy record for a
// missing id, as the SQLite store does, so that its cost does not depend
// on whether the client exists; the running server answers from the copy.
import { ConflictError } from '../../domain/errors.js'
import type { GrantType } from '../../domain/types.js'
import type { ClientChanges, ClientRecord, ClientStore } from '../types/index.js'
import { isUniqueViolation, type PgDb, type Sql } from './database.js'

export interface ClientRow {
  id: string; name: string; grants: string[]; scopes: string[]; audiences: string[]; ttl: number
  secret_hash: string | null; previous_secret_hash: string | null; previous_secret_expires_at: number | null
  redirect_uris: string[]; skip_consent: boolean; created_at: number; updated_at: number
  registered: boolean; registration_address_hash: string | null; last_used_at: number | null; dpop_bound_access_tokens: boolean
  post_logout_redirect_uris: string[]
}

export const toClient = (r: ClientRow): ClientRecord => ({
  id: r.id,
  name: r.name,
  grants: r.grants as GrantType[],
  scopes: r.scopes,
  audiences: r.audiences,
  ttl: r.ttl,
  secretHash: r.secret_hash,
  previousSecretHash: r.previous_secret_hash,
  previousSecretExpiresAt: r.previous_secret_expires_at,
  redirectUris: r.redirect_uris,
  skipConsent: r.skip_consent,
  dpopBoundAccessTokens: r.dpop_bound_access_tokens,
  postLogoutRedirectUris: r.post_logout_redirect_uris,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  registration: r.registered ? { addressHash: r.registration_address_hash!, lastUsedAt: r.last_used_at } : null,
})

/** Shaped like a typical record, for the missing-id path. */
const DUMMY_ROW: ClientRow = {
  id: 'tc_AAAAAAAAAAAAAAAAAAAAAA', name: 'dummy client', grants: ['client_credentials'], scopes: ['read', 'write'],
  audiences: ['https://api.example'], ttl: 900, secret_hash: '$sha256$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  previous_secret_hash: null, previous_secret_expires_at: null, redirect_uris: [], skip_consent: false, created_at: 0, updated_at: 0,
  registered: false, registration_address_hash: null, last_used_at: null, dpop_bound_access_tokens: false, post_logout_redirect_uris: [],
}

/** The same as a record: what the servers' copy hands out for a missing id (client-mirror.ts). */
export const DUMMY_CLIENT: ClientRecord = toClient(DUMMY_ROW)

/** Every client in a stable order (COLLATE "C": byte order, as SQLite sorts). */
export const SELECT_CLIENTS = 'SELECT * FROM clients ORDER BY created_at, id COLLATE "C"'

export async function insertClient(sql: Sql, c: ClientRecord): Promise<void> {
  await sql.query(`INSERT INTO clients (id, name, grants, scopes, audiences, ttl, secret_hash, previous_secret_hash,
    previous_secret_expires_at, redirect_uris, skip_consent, created_at, updated_at,
    registered, registration_address_hash, last_used_at, dpop_bound_access_tokens, post_logout_redirect_uris)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`, [
    c.id, c.name, c.grants, c.scopes, c.audiences, c.ttl, c.secretHash, c.previousSecretHash,
    c.previousSecretExpiresAt, c.redirectUris, c.skipConsent, c.createdAt, c.updatedAt,
    c.registration !== null, c.registration?.addressHash ?? null, c.registration?.lastUsedAt ?? null, c.dpopBoundAccessTokens,
    c.postLogoutRedirectUris,
  ])
}

/** In the transaction of every client write (and of `db copy`): running servers reload their copy. */
export const bumpClientsVersion = (sql: Sql) => sql.query("UPDATE meta SET value = value + 1 WHERE name = 'clients_version'")

/** The clients table, read directly. */
export class PgClientTable implements ClientStore {
  readonly #db: PgDb
  // eslint-disable-next-line no-unused-private-class-members -- written, never read: a missing id does a record's work too
  #sink: unknown

  constructor(db: PgDb) {
    this.#db = db
  }

  async get(id: string): Promise<ClientRecord | null> {
    const { rows } = await this.#db.query<ClientRow>('SELECT * FROM clients WHERE id = $1', [id])
    if (rows[0]) return toClient(rows[0])
    this.#sink = toClient(DUMMY_ROW)
    return null
  }

  async list(): Promise<ClientRecord[]> {
    return (await this.#db.query<ClientRow>(SELECT_CLIENTS)).rows.map(toClient)
  }

  async insert(c: ClientRecord): Promise<void> {
    try {
      await this.#db.tx(async (sql) => {
        await insertClient(sql, c)
        await bumpClientsVersion(sql)
      })
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`client ${c.id} already exists`)
      throw err
    }
  }

  update(id: string, changes: ClientChanges, now: number): Promise<ClientRecord | null> {
    return this.#db.tx(async (sql) => {
      // The row locked for the read-modify-write: a concurrent update waits, then applies its changes on top.
      const { rows } = await sql.query<ClientRow>('SELECT * FROM clients WHERE id = $1 FOR UPDATE', [id])
      if (!rows[0]) return null
      const c: ClientRecord = { ...toClient(rows[0]), ...changes, updatedAt: now }
      await sql.query(`UPDATE clients SET name = $2, grants = $3, scopes = $4, audiences = $5, ttl = $6,
        redirect_uris = $7, skip_consent = $8, updated_at = $9, dpop_bound_access_tokens = $10, post_logout_redirect_uris = $11
        WHERE id = $1`,
      [id, c.name, c.grants, c.scopes, c.audiences, c.ttl, c.redirectUris, c.skipConsent, now, c.dpopBoundAccessTokens,
        c.postLogoutRedirectUris])
      await bumpClientsVersion(sql)
      return c
    })
  }

  rotateSecret(id: string, secretHash: string, previousExpiresAt: number | null, now: number): Promise<boolean> {
    return this.#db.tx(async (sql) => {
      const { rowCount } = await sql.query(`UPDATE clients SET
        previous_secret_hash = CASE WHEN $3::bigint IS NULL THEN NULL ELSE secret_hash END,
        previous_secret_expires_at = $3, secret_hash = $2, updated_at = $4 WHERE id = $1`, [id, secretHash, previousExpiresAt, now])
      if (rowCount !== 1) return false
      await bumpClientsVersion(sql)
      return true
    })
  }

  delete(id: string): Promise<boolean> {
    return this.#db.tx(async (sql) => {
      // Pending requests, codes and refresh families go with it (ON DELETE CASCADE).
      const { rowCount } = await sql.query('DELETE FROM clients WHERE id = $1', [id])
      if (rowCount !== 1) return false
      await bumpClientsVersion(sql)
      return true
    })
  }

  async allScopes(): Promise<string[]> {
    const { rows } = await this.#db.query<{ scope: string }>('SELECT DISTINCT unnest(scopes) AS scope FROM clients')
    return rows.map((r) => r.scope).sort()
  }
}
