// Refresh tokens in SQLite. A rotation is one IMMEDIATE transaction whose
// first statement spends the token only if it is still unspent
// (`UPDATE ... WHERE spent_at IS NULL`): of concurrent rotations, on any
// number of processes sharing the file, exactly one changes a row.
import type {
  CurrentSuccessor, NewRefreshToken, RefreshFamilyRecord, RefreshLookup, RefreshStore, RefreshTokenRecord, RotateResult, RotationExpectation,
} from '../types/index.js'
import { MAX_REFRESH_FAMILIES } from '../../domain/types.js'
import type { SqliteDb } from './database.js'
import { groupCommit } from './group-commit.js'

export interface FamilyRow {
  id: string; client_id: string; user_id: string; scopes: string; audience: string; auth_time: number | null
  code_hash: string | null; created_at: number; expires_at: number; dpop_jkt: string | null; sid: string | null
}
export interface TokenRow {
  hash: string; family_id: string; generation: number; created_at: number; expires_at: number
  spent_at: number | null; successor_hash: string | null; successor_salt: string | null
}

export const toFamily = (r: FamilyRow): RefreshFamilyRecord => ({
  id: r.id, clientId: r.client_id, userId: r.user_id, scopes: JSON.parse(r.scopes) as string[], audience: r.audience,
  authTime: r.auth_time, codeHash: r.code_hash, createdAt: r.created_at, expiresAt: r.expires_at, dpopJkt: r.dpop_jkt, sid: r.sid,
})
export const familyRow = (f: RefreshFamilyRecord): FamilyRow => ({
  id: f.id, client_id: f.clientId, user_id: f.userId, scopes: JSON.stringify(f.scopes), audience: f.audience,
  auth_time: f.authTime, code_hash: f.codeHash, created_at: f.createdAt, expires_at: f.expiresAt, dpop_jkt: f.dpopJkt, sid: f.sid,
})
export const toToken = (r: TokenRow): RefreshTokenRecord => ({
  hash: r.hash, familyId: r.family_id, generation: r.generation, createdAt: r.created_at, expiresAt: r.expires_at,
  spentAt: r.spent_at, successorHash: r.successor_hash, successorSalt: r.successor_salt,
})
export const tokenRow = (t: RefreshTokenRecord): TokenRow => ({
  hash: t.hash, family_id: t.familyId, generation: t.generation, created_at: t.createdAt, expires_at: t.expiresAt,
  spent_at: t.spentAt, successor_hash: t.successorHash, successor_salt: t.successorSalt,
})

export const INSERT_FAMILY = `INSERT INTO refresh_families (id, client_id, user_id, scopes, audience, auth_time, code_hash,
  created_at, expires_at, dpop_jkt, sid)
  VALUES (@id, @client_id, @user_id, @scopes, @audience, @auth_time, @code_hash, @created_at, @expires_at, @dpop_jkt, @sid)`
export const INSERT_TOKEN = `INSERT INTO refresh_tokens (hash, family_id, generation, created_at, expires_at, spent_at, successor_hash, successor_salt)
  VALUES (@hash, @family_id, @generation, @created_at, @expires_at, @spent_at, @successor_hash, @successor_salt)`

/** Statements shared with the code redemption (sessions.ts), which may store a family in its transaction. */
export function familyWriter(db: SqliteDb): (family: RefreshFamilyRecord, token: NewRefreshToken) => void {
  const insertFamily = db.raw.prepare<[FamilyRow]>(INSERT_FAMILY)
  const insertToken = db.raw.prepare<[TokenRow]>(INSERT_TOKEN)
  // Beyond the MAX_REFRESH_FAMILIES - 1 families of this user and client used most recently (a
  // family's last use is its newest token's creation): revoked, to make room for the new one.
  const evict = db.raw.prepare<[string, string, number]>(`DELETE FROM refresh_families WHERE id IN (
    SELECT f.id FROM refresh_families f WHERE f.user_id = ? AND f.client_id = ?
    ORDER BY (SELECT max(t.created_at) FROM refresh_tokens t WHERE t.family_id = f.id) DESC NULLS LAST, f.created_at DESC, f.id DESC
    LIMIT -1 OFFSET ?)`)
  return (family, token) => {
    evict.run(family.userId, family.clientId, MAX_REFRESH_FAMILIES - 1)
    insertFamily.run(familyRow(family))
    insertToken.run(tokenRow({ ...token, familyId: family.id, generation: 0, spentAt: null, successorHash: null, successorSalt: null }))
  }
}

/** The lookup statement's columns, in order (raw mode). */
type LookupRow = [
  generation: number, created_at: number, expires_at: number, spent_at: number | null, successor_hash: string | null,
  successor_salt: string | null, family_id: string, client_id: string, user_id: string, scopes: string, audience: string,
  auth_time: number | null, code_hash: string | null, family_created_at: number, family_expires_at: number,
  next_generation: number | null, next_created_at: number | null, next_expires_at: number | null, next_spent_at: number | null,
  next_successor_hash: string | null, next_successor_salt: string | null, dpop_jkt: string | null, sid: string | null,
]

function fromLookupRow(hash: string, r: LookupRow): RefreshLookup {
  const familyId = r[6]
  const successor = r[4] !== null && r[15] !== null
    ? { hash: r[4], familyId, generation: r[15], createdAt: r[16]!, expiresAt: r[17]!, spentAt: r[18], successorHash: r[19], successorSalt: r[20] }
    : null
  return {
    token: { hash, familyId, generation: r[0], createdAt: r[1], expiresAt: r[2], spentAt: r[3], successorHash: r[4], successorSalt: r[5] },
    family: {
      id: familyId, clientId: r[7], userId: r[8], scopes: JSON.parse(r[9]) as string[], audience: r[10], authTime: r[11],
      codeHash: r[12], createdAt: r[13], expiresAt: r[14], dpopJkt: r[21], sid: r[22],
    },
    successor,
  }
}

export class SqliteRefresh implements RefreshStore {
  readonly #db: SqliteDb
  readonly #insertFamily: (family: RefreshFamilyRecord, token: NewRefreshToken) => void
  readonly #find: (hash: string) => RefreshLookup | null
  readonly #rotate: (hash: string, now: number, successor: NewRefreshToken & { salt: string }, keepSpent: number) => RotateResult
  readonly #rotateCurrent: (hash: string, now: number, successor: CurrentSuccessor, keepSpent: number, expect: RotationExpectation) => Promise<RefreshFamilyRecord | null>
  readonly #revoke
  readonly #prune: (now: number) => number

  constructor(db: SqliteDb) {
    this.#db = db
    const raw = db.raw
    // The token, its family and its successor in one statement (atomic on its own, no transaction to open),
    // read as arrays rather than objects: on the refresh path every materialised column counts.
    const lookupRow = raw.prepare<[string], LookupRow>(`SELECT t.generation, t.created_at, t.expires_at, t.spent_at,
        t.successor_hash, t.successor_salt, f.id, f.client_id, f.user_id, f.scopes, f.audience, f.auth_time,
        f.code_hash, f.created_at, f.expires_at, s.generation, s.created_at, s.expires_at, s.spent_at, s.successor_hash, s.successor_salt,
        f.dpop_jkt, f.sid
      FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id
      LEFT JOIN refresh_tokens s ON s.hash = t.successor_hash
      WHERE t.hash = ?`).raw(true)
    const spend = raw.prepare<[number, string, string, string, number, number], { family_id: string; generation: number }>(`
      UPDATE refresh_tokens SET spent_at = ?, successor_hash = ?, successor_salt = ?
      WHERE hash = ? AND spent_at IS NULL AND expires_at > ?
        AND family_id IN (SELECT id FROM refresh_families WHERE expires_at > ?)
      RETURNING family_id, generation`)
    const insertToken = raw.prepare<[TokenRow]>(INSERT_TOKEN)
    const dropOld = raw.prepare<[string, number]>('DELETE FROM refresh_tokens WHERE family_id = ? AND generation < ?')
    this.#revoke = raw.prepare<[string]>('DELETE FROM refresh_families WHERE id = ?')
    const pruneFamilies = raw.prepare<[number, number]>(`DELETE FROM refresh_families WHERE expires_at <= ?
      OR NOT EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.family_id = refresh_families.id AND t.spent_at IS NULL AND t.expires_at > ?)`)

    this.#insertFamily = db.writer(familyWriter(db))
    const lookup = (hash: string): RefreshLookup | null => {
      const r = lookupRow.get(hash)
      return r === undefined ? null : fromLookupRow(hash, r)
    }
    this.#find = (hash) => db.guard(() => lookup(hash))
    this.#rotate = db.writer((hash: string, now: number, successor: NewRefreshToken & { salt: string }, keepSpent: number): RotateResult => {
      const spent = spend.get(now, successor.hash, successor.salt, hash, now, now)
      if (!spent) return { outcome: 'refused', current: lookup(hash) }
      const generation = spent.generation + 1
      insertToken.run(tokenRow({
        hash: successor.hash, familyId: spent.family_id, generation, createdAt: successor.createdAt,
        expiresAt: successor.expiresAt, spentAt: null, successorHash: null, successorSalt: null,
      }))
      // Spent tokens are kept a few generations back, for replay detection; older ones go (bounded rows per family).
      dropOld.run(spent.family_id, generation - keepSpent)
      return { outcome: 'rotated' }
    })
    this.#prune = db.writer((now: number): number => pruneFamilies.run(now, now).changes)

    // The refresh grant's common case: the spend checks the family too (client, DPoP key, a scope at least).
    const spendCurrent = raw.prepare<[number, string, string, string, number, number, string, string | null], { family_id: string; generation: number }>(`
      UPDATE refresh_tokens SET spent_at = ?, successor_hash = ?, successor_salt = ?
      WHERE hash = ? AND spent_at IS NULL AND expires_at > ?
        AND family_id IN (SELECT id FROM refresh_families WHERE expires_at > ? AND client_id = ?
          AND (dpop_jkt IS NULL OR dpop_jkt = ?) AND json_array_length(scopes) > 0)
      RETURNING family_id, generation`)
    const familyById = raw.prepare<[string], FamilyRow>('SELECT * FROM refresh_families WHERE id = ?')
    // The refresh grant's hot path: rotations made in one turn of the event loop share one commit.
    this.#rotateCurrent = groupCommit(db, (hash: string, now: number, successor: CurrentSuccessor, keepSpent: number, expect: RotationExpectation) => {
      const spent = spendCurrent.get(now, successor.hash, successor.salt, hash, now, now, expect.clientId, expect.proofKey)
      if (!spent) return null
      const family = toFamily(familyById.get(spent.family_id)!)
      const generation = spent.generation + 1
      insertToken.run(tokenRow({
        hash: successor.hash, familyId: spent.family_id, generation, createdAt: successor.createdAt,
        expiresAt: Math.min(successor.idleExpiresAt, family.expiresAt), spentAt: null, successorHash: null, successorSalt: null,
      }))
      dropOld.run(spent.family_id, generation - keepSpent)
      return family
    })
  }

  async insertFamily(family: RefreshFamilyRecord, token: NewRefreshToken): Promise<void> {
    this.#insertFamily(family, token)
  }

  async find(hash: string): Promise<RefreshLookup | null> {
    return this.#find(hash)
  }

  async rotate(hash: string, now: number, successor: NewRefreshToken & { salt: string }, keepSpent: number): Promise<RotateResult> {
    return this.#rotate(hash, now, successor, keepSpent)
  }

  async rotateCurrent(hash: string, now: number, successor: CurrentSuccessor, keepSpent: number, expect: RotationExpectation): Promise<RefreshFamilyRecord | null> {
    return this.#rotateCurrent(hash, now, successor, keepSpent, expect)
  }

  async revokeFamily(familyId: string): Promise<boolean> {
    return this.#db.guard(() => this.#revoke.run(familyId)).changes === 1
  }

  async prune(now: number): Promise<number> {
    return this.#prune(now)
  }
}
