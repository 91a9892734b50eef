// Self-registered clients in PostgreSQL (RFC 7591). A registration takes a
// transaction-level advisory lock, then counts the address's registrations
// within the window and the never-used ones, then inserts: registrations
// on every process and machine take turns from the counts to the commit,
// so none passes a limit with another. Every insert and delete bumps
// `clients_version` in its transaction (the servers' copy reloads), and the
// copy of this process re-reads at once (`afterWrite`).
import type { ClientRecord, RegistrationLimits, RegistrationOutcome, RegistrationPrunePolicy, RegistrationStore } from '../types/index.js'
import { bumpClientsVersion, insertClient } from './clients.js'
import type { PgDb } from './database.js'

const LOCK = "SELECT pg_advisory_xact_lock(hashtext('tessera-issuer registration'))"

interface Count { n: number; oldest: number | null }

export class PgRegistrations implements RegistrationStore {
  readonly #db: PgDb
  readonly #afterWrite: () => Promise<void>

  constructor(db: PgDb, afterWrite: () => Promise<void> = async () => undefined) {
    this.#db = db
    this.#afterWrite = afterWrite
  }

  async register(client: ClientRecord, limits: RegistrationLimits): Promise<RegistrationOutcome> {
    const now = client.createdAt
    const outcome = await this.#db.tx(async (sql): Promise<RegistrationOutcome> => {
      await sql.query(LOCK)
      const count = async (where: string, values: unknown[]): Promise<Count> =>
        (await sql.query<Count>(`SELECT count(*)::integer AS n, min(created_at) AS oldest FROM clients WHERE registered AND ${where}`, values)).rows[0]!
      const mine = await count('registration_address_hash = $1 AND created_at > $2', [client.registration!.addressHash, now - limits.addressWindowMs])
      if (mine.n >= limits.perAddress) return { ok: false, limit: 'address', retryAt: mine.oldest! + limits.addressWindowMs }
      const idle = await count('last_used_at IS NULL AND created_at > $1', [now - limits.unusedLifetimeMs])
      if (idle.n >= limits.maxUnused) return { ok: false, limit: 'unused', retryAt: idle.oldest! + limits.unusedLifetimeMs }
      await insertClient(sql, client)
      await bumpClientsVersion(sql)
      return { ok: true }
    })
    if (outcome.ok) await this.#afterWrite()
    return outcome
  }

  async recordUse(clientId: string, now: number): Promise<void> {
    await this.#db.query(`UPDATE clients SET last_used_at = greatest(coalesce(last_used_at, 0), $2)
      WHERE id = $1 AND registered`, [clientId, now])
  }

  async prune(now: number, policy: RegistrationPrunePolicy): Promise<number> {
    const deleted = await this.#db.tx(async (sql) => {
      // Pending requests, codes and refresh families go with them (ON DELETE CASCADE).
      const { rowCount } = await sql.query(`DELETE FROM clients WHERE registered
        AND ((last_used_at IS NULL AND created_at <= $1) OR last_used_at <= $2)`, [now - policy.unusedLifetimeMs, now - policy.idleLifetimeMs])
      if ((rowCount ?? 0) > 0) await bumpClientsVersion(sql)
      return rowCount ?? 0
    })
    if (deleted > 0) await this.#afterWrite()
    return deleted
  }
}
