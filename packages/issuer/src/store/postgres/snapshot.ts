// `db copy` in PostgreSQL: everything worth moving, read in one
// REPEATABLE READ READ ONLY transaction (one snapshot of a live database),
// and loaded into an empty database in one transaction. Rows go in batches
// (a JSON array expanded by json_populate_recordset): a large table is a
// few statements, not a round trip per row.
import { ConflictError } from '../../domain/errors.js'
import type { StoreSnapshot } from '../types/index.js'
import { bumpClientsVersion, SELECT_CLIENTS, toClient, type ClientRow } from './clients.js'
import { BULK_TIMEOUT_MS, type PgDb, type Sql } from './database.js'
import { toKey, toSecret, toSession, type KeyRow, type SecretRow, type SessionRow } from '../rows.js'
import { bumpKeysVersion, insertKey, insertSecret, SELECT_KEYS, SELECT_SECRETS } from './keys.js'
import { toFamily, toToken, type FamilyRow, type TokenRow } from './refresh.js'
import { toUser, userRow, type UserRow } from './users.js'
import { toLimitCounter, type LimitRow } from './limits.js'
import { toOneTimeToken, type OneTimeTokenRow } from './one-time-tokens.js'

const BATCH = 1000

/** Inserts rows (objects keyed by column name) into `table`, BATCH at a time. */
async function insertRows(sql: Sql, table: string, rows: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    await sql.query(`INSERT INTO ${table} SELECT * FROM json_populate_recordset(NULL::${table}, $1::json)`,
      [JSON.stringify(rows.slice(i, i + BATCH))])
  }
}

export async function exportAll(db: PgDb): Promise<StoreSnapshot> {
  return db.tx(async (sql) => {
    const all = async <R extends object>(text: string) => (await sql.query<R & Record<string, unknown>>(text)).rows
    return {
      clients: (await all<ClientRow>(SELECT_CLIENTS)).map(toClient),
      users: (await all<UserRow>('SELECT * FROM users ORDER BY created_at, id COLLATE "C"')).map(toUser),
      keys: (await all<KeyRow>(SELECT_KEYS)).map(toKey),
      secrets: (await all<SecretRow>(SELECT_SECRETS)).map(toSecret),
      sessions: (await all<SessionRow>('SELECT * FROM sessions ORDER BY created_at, id_hash COLLATE "C"')).map(toSession),
      refreshFamilies: (await all<FamilyRow>('SELECT * FROM refresh_families ORDER BY created_at, id COLLATE "C"')).map(toFamily),
      refreshTokens: (await all<TokenRow>('SELECT * FROM refresh_tokens ORDER BY family_id COLLATE "C", generation')).map(toToken),
      answeredRequests: (await all<{ hash: string; expires_at: number }>('SELECT * FROM answered_requests ORDER BY hash COLLATE "C"'))
        .map((r) => ({ hash: r.hash, expiresAt: Number(r.expires_at) })),
      oneTimeTokens: (await all<OneTimeTokenRow>('SELECT * FROM one_time_tokens ORDER BY created_at, hash COLLATE "C"')).map(toOneTimeToken),
      limitCounters: (await all<LimitRow>('SELECT * FROM limit_counters ORDER BY key_hash COLLATE "C"')).map(toLimitCounter),
      dpopProofs: (await all<{ jti_hash: string; expires_at: number }>('SELECT * FROM dpop_proofs ORDER BY jti_hash COLLATE "C"'))
        .map((r) => ({ jtiHash: r.jti_hash, expiresAt: r.expires_at })),
    }
  }, { snapshot: true, timeoutMs: BULK_TIMEOUT_MS })
}

export async function importAll(db: PgDb, s: StoreSnapshot): Promise<void> {
  await db.tx(async (sql) => {
    // Held to the end: no other writer (a second `db copy`, a server making its first key) slips in between the check and the copy.
    await sql.query('LOCK TABLE clients, users, signing_keys IN EXCLUSIVE MODE')
    const { rows } = await sql.query<{ n: number }>(`SELECT (SELECT count(*) FROM clients) + (SELECT count(*) FROM users)
      + (SELECT count(*) FROM signing_keys) AS n`)
    if (rows[0]!.n > 0) throw new ConflictError(`${db.location} already holds data: db copy needs an empty target`)
    await insertRows(sql, 'clients', s.clients.map((c) => ({
      id: c.id, name: c.name, grants: c.grants, scopes: c.scopes, audiences: c.audiences, ttl: c.ttl, secret_hash: c.secretHash,
      previous_secret_hash: c.previousSecretHash, previous_secret_expires_at: c.previousSecretExpiresAt,
      redirect_uris: c.redirectUris, skip_consent: c.skipConsent, created_at: c.createdAt, updated_at: c.updatedAt,
      registered: c.registration !== null, registration_address_hash: c.registration?.addressHash ?? null,
      last_used_at: c.registration?.lastUsedAt ?? null,
      dpop_bound_access_tokens: c.dpopBoundAccessTokens, post_logout_redirect_uris: c.postLogoutRedirectUris,
    })))
    await insertRows(sql, 'users', s.users.map((u) => ({ ...userRow(u) })))
    // Oldest first, one by one: the serials the target assigns keep the keys' order, which is all the timeline reads.
    for (const k of s.keys) await insertKey(sql, k)
    for (const x of s.secrets) await insertSecret(sql, x)
    await insertRows(sql, 'sessions', s.sessions.map((x) => ({
      id_hash: x.idHash, user_id: x.userId, auth_time: x.authTime, sid: x.sid, created_at: x.createdAt, expires_at: x.expiresAt,
    })))
    await insertRows(sql, 'refresh_families', s.refreshFamilies.map((f) => ({
      id: f.id, client_id: f.clientId, user_id: f.userId, scopes: f.scopes, audience: f.audience, auth_time: f.authTime,
      code_hash: f.codeHash, created_at: f.createdAt, expires_at: f.expiresAt, dpop_jkt: f.dpopJkt, sid: f.sid,
    })))
    await insertRows(sql, 'refresh_tokens', s.refreshTokens.map((t) => ({
      hash: t.hash, family_id: t.familyId, generation: t.generation, created_at: t.createdAt, expires_at: t.expiresAt,
      spent_at: t.spentAt, successor_hash: t.successorHash, successor_salt: t.successorSalt,
    })))
    await insertRows(sql, 'answered_requests', s.answeredRequests.map((a) => ({ hash: a.hash, expires_at: a.expiresAt })))
    await insertRows(sql, 'one_time_tokens', s.oneTimeTokens.map((t) => ({
      hash: t.hash, purpose: t.purpose, user_id: t.userId, address: t.address, created_at: t.createdAt, expires_at: t.expiresAt,
    })))
    await insertRows(sql, 'limit_counters', s.limitCounters.map((c) => ({ key_hash: c.keyHash, count: c.count, window_end: c.windowEnd })))
    await insertRows(sql, 'dpop_proofs', s.dpopProofs.map((p) => ({ jti_hash: p.jtiHash, expires_at: p.expiresAt })))
    // Servers already running on the target reload keys and clients.
    await bumpKeysVersion(sql)
    await bumpClientsVersion(sql)
  }, { timeoutMs: BULK_TIMEOUT_MS })
}
