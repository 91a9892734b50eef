// Rows whose columns are the same in both stores, and the records they map
// to. (Rows with lists differ: SQLite keeps a list as JSON text, PostgreSQL
// as TEXT[]; each store maps those itself.)
import type { SigningAlg } from '../domain/types.js'
import type { KeyPurpose, KeyRecord, PendingRequestRecord, SecretRecord, SessionRecord } from './types/index.js'

export interface KeyRow {
  serial: number; kid: string; alg: string; purpose: string; public_jwk: string; private_key: string
  created_at: number; activates_at: number; retired_at: number | null; removed_at: number | null
}
export interface SecretRow { name: string; value: string; created_at: number }
export interface SessionRow { id_hash: string; user_id: string; auth_time: number; sid: string; created_at: number; expires_at: number }
export interface PendingRow { id_hash: string; client_id: string; params: string; created_at: number; expires_at: number }

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

export const toPending = (r: PendingRow): PendingRequestRecord => ({
  idHash: r.id_hash, clientId: r.client_id, params: r.params, createdAt: r.created_at, expiresAt: r.expires_at,
})
