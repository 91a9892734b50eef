// Refresh tokens in PostgreSQL (RFC 6749 §6, RFC 9700 §4.14.2). A rotation
// is one statement whose first part spends the token only if it is still
// unspent: `UPDATE ... WHERE spent_at IS NULL ... RETURNING`. Of
// concurrent rotations, on any number of connections and hosts, the first
// takes the row lock; the others wait for it, and READ COMMITTED re-checks
// their condition on the row as the first committed it: spent, so they
// update nothing. Exactly one mints a successor; no read-then-write race.
import type {
  CurrentSuccessor, NewRefreshToken, RefreshFamilyRecord, RefreshLookup, RefreshStore, RefreshTokenRecord, RotateResult, RotationExpectation,
} from '../types/index.js'
import { MAX_REFRESH_FAMILIES } from '../../domain/types.js'
import { batchPerTurn, outcomeOf, type Outcome } from '../turn-batch.js'
import { isDatabaseError, type PgDb, type Sql } from './database.js'

export interface FamilyRow {
  id: string; client_id: string; user_id: string; scopes: string[]; audience: string; auth_time: number | null
  code_hash: string | null; created_at: number; expires_at: number; dpop_jkt: string | null; sid: string | null
}
export interface TokenRow {
  hash: string; family_id: string; generation: number; created_at: number; expires_at: number
  spent_at: number | null; successor_hash: string | null; successor_salt: string | null
}

export const toFamily = (r: FamilyRow): RefreshFamilyRecord => ({
  id: r.id, clientId: r.client_id, userId: r.user_id, scopes: r.scopes, audience: r.audience,
  authTime: r.auth_time, codeHash: r.code_hash, createdAt: r.created_at, expiresAt: r.expires_at, dpopJkt: r.dpop_jkt, sid: r.sid,
})
export const toToken = (r: TokenRow): RefreshTokenRecord => ({
  hash: r.hash, familyId: r.family_id, generation: r.generation, createdAt: r.created_at, expiresAt: r.expires_at,
  spentAt: r.spent_at, successorHash: r.successor_hash, successorSalt: r.successor_salt,
})

export async function insertFamilyRow(sql: Sql, f: RefreshFamilyRecord): Promise<void> {
  await sql.query(`INSERT INTO refresh_families (id, client_id, user_id, scopes, audience, auth_time, code_hash, created_at,
    expires_at, dpop_jkt, sid) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
  [f.id, f.clientId, f.userId, f.scopes, f.audience, f.authTime, f.codeHash, f.createdAt, f.expiresAt, f.dpopJkt, f.sid])
}

export async function insertTokenRow(sql: Sql, t: RefreshTokenRecord): Promise<void> {
  await sql.query(`INSERT INTO refresh_tokens (hash, family_id, generation, created_at, expires_at, spent_at, successor_hash, successor_salt)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
  [t.hash, t.familyId, t.generation, t.createdAt, t.expiresAt, t.spentAt, t.successorHash, t.successorSalt])
}

/** A family with its first token; shared with the code redemption (sessions.ts), which stores one in its transaction. */
export async function insertFamily(sql: Sql, family: RefreshFamilyRecord, token: NewRefreshToken): Promise<void> {
  // One grant of this user and client at a time (the lock ends with the
  // transaction): the count and the eviction below cannot interleave.
  await sql.query("SELECT pg_advisory_xact_lock(hashtextextended('tessera-refresh-families ' || $1 || ' ' || $2, 0))", [family.userId, family.clientId])
  // Beyond the MAX_REFRESH_FAMILIES - 1 families used most recently (a family's last use is its
  // newest token's creation): revoked, to make room for the new one.
  await sql.query(`DELETE FROM refresh_families WHERE id IN (
    SELECT f.id FROM refresh_families f WHERE f.user_id = $1 AND f.client_id = $2
    ORDER BY (SELECT max(t.created_at) FROM refresh_tokens t WHERE t.family_id = f.id) DESC NULLS LAST, f.created_at DESC, f.id COLLATE "C" DESC
    OFFSET $3)`, [family.userId, family.clientId, MAX_REFRESH_FAMILIES - 1])
  await insertFamilyRow(sql, family)
  await insertTokenRow(sql, { ...token, familyId: family.id, generation: 0, spentAt: null, successorHash: null, successorSalt: null })
}

const TOKEN_COLUMNS = ['hash', 'family_id', 'generation', 'created_at', 'expires_at', 'spent_at', 'successor_hash', 'successor_salt']
const FAMILY_COLUMNS = ['id', 'client_id', 'user_id', 'scopes', 'audience', 'auth_time', 'code_hash', 'created_at', 'expires_at', 'dpop_jkt', 'sid']
const columns = (alias: string, names: string[]) => names.map((n) => `${alias}.${n}`).join(', ')

/** The token, its family and its successor, in one statement (one snapshot), read as one array in this column order. */
const LOOKUP = `SELECT ${columns('t', TOKEN_COLUMNS)}, ${columns('f', FAMILY_COLUMNS)}, ${columns('s', TOKEN_COLUMNS)}
  FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id
  LEFT JOIN refresh_tokens s ON s.hash = t.successor_hash
  WHERE t.hash = $1`
type Cell = string | number | string[] | null
const T = TOKEN_COLUMNS.length
const F = FAMILY_COLUMNS.length

const tokenAt = (r: Cell[], i: number): RefreshTokenRecord => ({
  hash: r[i] as string, familyId: r[i + 1] as string, generation: r[i + 2] as number, createdAt: r[i + 3] as number,
  expiresAt: r[i + 4] as number, spentAt: r[i + 5] as number | null, successorHash: r[i + 6] as string | null,
  successorSalt: r[i + 7] as string | null,
})

const familyAt = (r: Cell[], i: number): RefreshFamilyRecord => ({
  id: r[i] as string, clientId: r[i + 1] as string, userId: r[i + 2] as string, scopes: r[i + 3] as string[],
  audience: r[i + 4] as string, authTime: r[i + 5] as number | null, codeHash: r[i + 6] as string | null,
  createdAt: r[i + 7] as number, expiresAt: r[i + 8] as number, dpopJkt: r[i + 9] as string | null, sid: r[i + 10] as string | null,
})

async function lookup(db: PgDb, hash: string): Promise<RefreshLookup | null> {
  // Prepared and read as an array: on the refresh path every statement and every materialised column counts.
  const r = (await db.queryPrepared<Cell[]>('tessera_refresh_lookup', LOOKUP, [hash])).rows[0]
  if (!r) return null
  return { token: tokenAt(r, 0), family: familyAt(r, T), successor: r[T + F] === null ? null : tokenAt(r, T + F) }
}

// Spent tokens are kept a few generations back, for replay detection; older ones go (bounded rows per family).
const ROTATE = `WITH spent AS (
    UPDATE refresh_tokens SET spent_at = $2, successor_hash = $3, successor_salt = $4
    WHERE hash = $1 AND spent_at IS NULL AND expires_at > $2
      AND family_id IN (SELECT id FROM refresh_families WHERE expires_at > $2)
    RETURNING family_id, generation
  ), successor AS (
    INSERT INTO refresh_tokens (hash, family_id, generation, created_at, expires_at, spent_at, successor_hash, successor_salt)
    SELECT $3, family_id, generation + 1, $5, $6, NULL, NULL, NULL FROM spent
    RETURNING family_id, generation
  ), dropped AS (
    DELETE FROM refresh_tokens r USING successor s WHERE r.family_id = s.family_id AND r.generation < s.generation - $7
  )
  SELECT generation FROM successor`

/**
 * ROTATE with the refresh grant's checks on the family in its condition
 * (client, DPoP key, a scope at least), the successor's expiry capped by
 * the family's end, and the family returned: the common case's one round trip.
 */
const ROTATE_CURRENT = `WITH spent AS (
    UPDATE refresh_tokens SET spent_at = $2, successor_hash = $3, successor_salt = $4
    WHERE hash = $1 AND spent_at IS NULL AND expires_at > $2
      AND family_id IN (SELECT id FROM refresh_families WHERE expires_at > $2 AND client_id = $8
        AND (dpop_jkt IS NULL OR dpop_jkt = $9) AND cardinality(scopes) > 0)
    RETURNING family_id, generation
  ), successor AS (
    INSERT INTO refresh_tokens (hash, family_id, generation, created_at, expires_at, spent_at, successor_hash, successor_salt)
    SELECT $3, s.family_id, s.generation + 1, $5, LEAST($6::bigint, f.expires_at), NULL, NULL, NULL
    FROM spent s JOIN refresh_families f ON f.id = s.family_id
    RETURNING family_id, generation
  ), dropped AS (
    DELETE FROM refresh_tokens r USING successor s WHERE r.family_id = s.family_id AND r.generation < s.generation - $7
  )
  SELECT ${columns('f', FAMILY_COLUMNS)} FROM refresh_families f JOIN successor s ON f.id = s.family_id`

/**
 * ROTATE_CURRENT for the rotations of one turn of the event loop
 * (store/turn-batch.ts) in one statement, so one round trip for them all:
 * the requests as parallel arrays, each answered by its position `i`. A
 * token named twice is spent once (UPDATE ... FROM uses one of the two
 * rows: one wins, the other updates nothing, as with two statements).
 */
const ROTATE_CURRENT_GROUP = `WITH req AS (
    SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::int[], $8::text[], $9::text[])
      WITH ORDINALITY AS r(hash, now, successor_hash, successor_salt, created_at, idle_expires_at, keep_spent, client_id, jkt, i)
  ), spent AS (
    UPDATE refresh_tokens t SET spent_at = r.now, successor_hash = r.successor_hash, successor_salt = r.successor_salt
    FROM req r
    WHERE t.hash = r.hash AND t.spent_at IS NULL AND t.expires_at > r.now
      AND t.family_id IN (SELECT id FROM refresh_families WHERE expires_at > r.now AND client_id = r.client_id
        AND (dpop_jkt IS NULL OR dpop_jkt = r.jkt) AND cardinality(scopes) > 0)
    RETURNING t.family_id, t.generation, r.i, r.successor_hash, r.created_at, r.idle_expires_at, r.keep_spent
  ), successor AS (
    INSERT INTO refresh_tokens (hash, family_id, generation, created_at, expires_at, spent_at, successor_hash, successor_salt)
    SELECT p.successor_hash, p.family_id, p.generation + 1, p.created_at, LEAST(p.idle_expires_at, f.expires_at), NULL, NULL, NULL
    FROM spent p JOIN refresh_families f ON f.id = p.family_id
    RETURNING hash, family_id, generation
  ), dropped AS (
    DELETE FROM refresh_tokens d USING successor s JOIN spent p ON p.successor_hash = s.hash
    WHERE d.family_id = s.family_id AND d.generation < s.generation - p.keep_spent
  )
  SELECT p.i, ${columns('f', FAMILY_COLUMNS)} FROM spent p JOIN successor s ON s.hash = p.successor_hash
    JOIN refresh_families f ON f.id = s.family_id`

type CurrentRotation = [hash: string, now: number, successor: CurrentSuccessor, keepSpent: number, expect: RotationExpectation]

export class PgRefresh implements RefreshStore {
  readonly #db: PgDb
  readonly #rotateCurrent: (call: CurrentRotation) => Promise<RefreshFamilyRecord | null>

  constructor(db: PgDb) {
    this.#db = db
    this.#rotateCurrent = batchPerTurn((group: CurrentRotation[]) => this.#rotateGroup(group))
  }

  insertFamily(family: RefreshFamilyRecord, token: NewRefreshToken): Promise<void> {
    return this.#db.tx((sql) => insertFamily(sql, family, token))
  }

  find(hash: string): Promise<RefreshLookup | null> {
    return lookup(this.#db, hash)
  }

  /**
   * One statement, so one round trip (atomic on its own, retried on
   * 40001/40P01 by the pool): the spend, the successor's insert and the
   * deletion of generations older than `keepSpent`, as data-modifying CTEs
   * on one snapshot. Only a refused rotation costs a second statement, the
   * look-up that says why.
   */
  async rotate(hash: string, now: number, successor: NewRefreshToken & { salt: string }, keepSpent: number): Promise<RotateResult> {
    const { rows } = await this.#db.queryPrepared('tessera_refresh_rotate', ROTATE,
      [hash, now, successor.hash, successor.salt, successor.createdAt, successor.expiresAt, keepSpent])
    if (rows.length === 1) return { outcome: 'rotated' }
    return { outcome: 'refused', current: await lookup(this.#db, hash) }
  }

  rotateCurrent(hash: string, now: number, successor: CurrentSuccessor, keepSpent: number, expect: RotationExpectation): Promise<RefreshFamilyRecord | null> {
    return this.#rotateCurrent([hash, now, successor, keepSpent, expect])
  }

  async #rotateOne([hash, now, successor, keepSpent, expect]: CurrentRotation): Promise<RefreshFamilyRecord | null> {
    const { rows } = await this.#db.queryPrepared<Cell[]>('tessera_refresh_rotate_current', ROTATE_CURRENT, [
      hash, now, successor.hash, successor.salt, successor.createdAt, successor.idleExpiresAt, keepSpent, expect.clientId, expect.proofKey,
    ])
    return rows.length === 1 ? familyAt(rows[0]!, 0) : null
  }

  /**
   * One call: its own statement. Several: one statement for all; should the
   * database refuse it for a constraint one call breaks, each call again on
   * its own, so that only that call fails. Any other failure (an outage)
   * fails them all at once.
   */
  async #rotateGroup(group: CurrentRotation[]): Promise<Outcome<RefreshFamilyRecord | null>[]> {
    if (group.length === 1) return [await outcomeOf(() => this.#rotateOne(group[0]!))]
    let rows: Cell[][]
    try {
      rows = (await this.#db.queryPrepared<Cell[]>('tessera_refresh_rotate_current_group', ROTATE_CURRENT_GROUP, [
        group.map(([hash]) => hash), group.map(([, now]) => now), group.map(([, , s]) => s.hash), group.map(([, , s]) => s.salt),
        group.map(([, , s]) => s.createdAt), group.map(([, , s]) => s.idleExpiresAt), group.map(([, , , keep]) => keep),
        group.map(([, , , , e]) => e.clientId), group.map(([, , , , e]) => e.proofKey),
      ])).rows
    } catch (err) {
      // Class 23, integrity constraint violation: one call's doing (SQLSTATE, PostgreSQL Appendix A).
      if (!isDatabaseError(err) || !err.code?.startsWith('23')) throw err
      return Promise.all(group.map((call) => outcomeOf(() => this.#rotateOne(call))))
    }
    const families = new Map(rows.map((r) => [Number(r[0]) - 1, familyAt(r, 1)]))
    return group.map((_, i) => ({ ok: true, value: families.get(i) ?? null }))
  }

  async revokeFamily(familyId: string): Promise<boolean> {
    return (await this.#db.query('DELETE FROM refresh_families WHERE id = $1', [familyId])).rowCount === 1
  }

  async prune(now: number): Promise<number> {
    const { rowCount } = await this.#db.query(`DELETE FROM refresh_families f WHERE f.expires_at <= $1
      OR NOT EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.family_id = f.id AND t.spent_at IS NULL AND t.expires_at > $1)`, [now])
    return rowCount ?? 0
  }
}
