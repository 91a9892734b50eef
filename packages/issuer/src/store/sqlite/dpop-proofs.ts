// DPoP proofs seen, in SQLite (RFC 9449 §11.1). One statement decides:
// INSERT ... ON CONFLICT DO UPDATE only over an expired record, so a live
// record changes nothing and the statement reports no change. SQLite runs
// writers one at a time on the file, so of concurrent presentations of one
// proof, on any number of processes, exactly one records it.
import type { DpopProofRecord, DpopProofStore } from '../types/index.js'
import type { SqliteDb } from './database.js'

export const INSERT_DPOP_PROOF = 'INSERT INTO dpop_proofs (jti_hash, expires_at) VALUES (@jti_hash, @expires_at)'

export const toDpopProof = (r: { jti_hash: string; expires_at: number }): DpopProofRecord => ({ jtiHash: r.jti_hash, expiresAt: r.expires_at })

export class SqliteDpopProofs implements DpopProofStore {
  readonly #db: SqliteDb
  readonly #record
  readonly #prune

  constructor(db: SqliteDb) {
    this.#db = db
    this.#record = db.raw.prepare<[string, number, number]>(`INSERT INTO dpop_proofs (jti_hash, expires_at) VALUES (?, ?)
      ON CONFLICT (jti_hash) DO UPDATE SET expires_at = excluded.expires_at WHERE dpop_proofs.expires_at <= ?`)
    this.#prune = db.raw.prepare<[number]>('DELETE FROM dpop_proofs WHERE expires_at <= ?')
  }

  async record(jtiHash: string, expiresAt: number, now: number): Promise<boolean> {
    return this.#db.guard(() => this.#record.run(jtiHash, expiresAt, now)).changes === 1
  }

  async prune(now: number): Promise<number> {
    return this.#db.guard(() => this.#prune.run(now)).changes
  }
}
