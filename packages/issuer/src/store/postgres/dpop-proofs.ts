// DPoP proofs seen, in PostgreSQL (RFC 9449 §11.1). One statement decides:
// INSERT ... ON CONFLICT DO UPDATE only over an expired record. Of
// concurrent inserts of one jti hash, on any number of connections and
// hosts, the first takes the row; the others wait for it and find a live
// record, so their statement returns no row: a replay.
import type { DpopProofStore } from '../types/index.js'
import type { PgDb } from './database.js'

const RECORD = `INSERT INTO dpop_proofs AS p (jti_hash, expires_at) VALUES ($1, $2)
  ON CONFLICT (jti_hash) DO UPDATE SET expires_at = excluded.expires_at WHERE p.expires_at <= $3
  RETURNING 1`

export class PgDpopProofs implements DpopProofStore {
  readonly #db: PgDb

  constructor(db: PgDb) {
    this.#db = db
  }

  async record(jtiHash: string, expiresAt: number, now: number): Promise<boolean> {
    return (await this.#db.query(RECORD, [jtiHash, expiresAt, now])).rowCount === 1
  }

  async prune(now: number): Promise<number> {
    return (await this.#db.query('DELETE FROM dpop_proofs WHERE expires_at <= $1', [now])).rowCount ?? 0
  }
}
