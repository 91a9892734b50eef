// Rows whose columns are the same in both stores, and the records they map
// to. (Rows with lists differ: SQLite keeps a list as JSON text, PostgreSQL
// as TEXT[]; each store maps those itself.)
import type { SigningAlg } from '../domain/types.js'
import type { KeyPurpose, KeyRecord, SecretRecord, SessionRecord, UserChanges, UserRecord } from './types/index.js'

export interface KeyRow {
  serial: number; kid: string; alg: string; purpose: string; public_jwk: string; private_key: string
  created_at: number; activates_at: number; retired_at: number | null; removed_at: number | null
}
export interface SecretRow { name: string; value: string; created_at: number }
export interface SessionRow { id_hash: string; user_id: string; auth_time: number; sid: string; created_at: number; expires_at: number }

export const toKey = (r: KeyRow): KeyRecord => ({
  serial: r.serial,
  kid: r.kid,
  alg: r.alg as SigningAlg,
  purpose: r.purpose as KeyPurpose,
  publicJwk: r.public_jwk,
  privateKey: r.private_key,
  createdAt: r.created_at,
  activatesAt: r.activates_at,
  retiredAt: r.retired_at,
  removedAt: r.removed_at,
})

export const toSecret = (r: SecretRow): SecretRecord => ({ name: r.name, value: r.value, createdAt: r.created_at })

export const toSession = (r: SessionRow): SessionRecord => ({
  idHash: r.id_hash, userId: r.user_id, authTime: r.auth_time, sid: r.sid, createdAt: r.created_at, expiresAt: r.expires_at,
})

/** The record with `changes` applied (both stores). */
export function applyUserChanges(user: UserRecord, changes: UserChanges, now: number): UserRecord {
  const next = { ...user, updatedAt: now }
  if (changes.scopes !== undefined) next.scopes = changes.scopes
  if (changes.name !== undefined) next.name = changes.name
  if (changes.emailPending !== undefined) next.emailPending = changes.emailPending
  if (changes.email !== undefined) {
    next.email = changes.email.address
    next.emailVerified = changes.email.address !== null && changes.email.verified
  }
  return next
}
