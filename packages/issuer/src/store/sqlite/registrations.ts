// Self-registered clients in SQLite (RFC 7591). A registration counts the
// address's registrations within the window and the never-used ones, and
// inserts, in one IMMEDIATE transaction: the write lock is held from the
// counts to the insert, so no other process registers in between. An insert
// or a prune bumps `clients_version` (a last use does not: the server's
// copy of the clients is not reloaded for it).
import type { ClientRecord, RegistrationLimits, RegistrationOutcome, RegistrationPrunePolicy, RegistrationStore } from '../types/index.js'
import { BUMP_CLIENTS_VERSION, clientRow, INSERT_CLIENT, type ClientRow } from './clients.js'
import type { SqliteDb } from './database.js'

export class SqliteRegistrations implements RegistrationStore {
  readonly #register: (client: ClientRecord, limits: RegistrationLimits) => RegistrationOutcome
  readonly #recordUse
  readonly #prune: (now: number, policy: RegistrationPrunePolicy) => number
  readonly #db: SqliteDb

  constructor(db: SqliteDb) {
    this.#db = db
    const raw = db.raw
    const byAddress = raw.prepare<[string, number], { n: number; oldest: number | null }>(`SELECT count(*) AS n, min(created_at) AS oldest
      FROM clients WHERE registered = 1 AND registration_address_hash = ? AND created_at > ?`)
    const unused = raw.prepare<[number], { n: number; oldest: number | null }>(`SELECT count(*) AS n, min(created_at) AS oldest
      FROM clients WHERE registered = 1 AND last_used_at IS NULL AND created_at > ?`)
    const insert = raw.prepare<[ClientRow]>(INSERT_CLIENT)
    const bump = raw.prepare(BUMP_CLIENTS_VERSION)
    this.#recordUse = raw.prepare<[{ now: number; id: string }]>(`UPDATE clients SET last_used_at = max(coalesce(last_used_at, 0), @now)
      WHERE id = @id AND registered = 1`)
    // Pending requests, codes and refresh families go with them (ON DELETE CASCADE).
    const prune = raw.prepare<[{ unused: number; idle: number }]>(`DELETE FROM clients WHERE registered = 1
      AND ((last_used_at IS NULL AND created_at <= @unused) OR last_used_at <= @idle)`)

    this.#register = db.writer((client: ClientRecord, limits: RegistrationLimits): RegistrationOutcome => {
      const now = client.createdAt
      const mine = byAddress.get(client.registration!.addressHash, now - limits.addressWindowMs)!
      if (mine.n >= limits.perAddress) return { ok: false, limit: 'address', retryAt: mine.oldest! + limits.addressWindowMs }
      const idle = unused.get(now - limits.unusedLifetimeMs)!
      if (idle.n >= limits.maxUnused) return { ok: false, limit: 'unused', retryAt: idle.oldest! + limits.unusedLifetimeMs }
      insert.run(clientRow(client))
      bump.run()
      return { ok: true }
    })
    this.#prune = db.writer((now: number, policy: RegistrationPrunePolicy): number => {
      const deleted = prune.run({ unused: now - policy.unusedLifetimeMs, idle: now - policy.idleLifetimeMs }).changes
      if (deleted > 0) bump.run()
      return deleted
    })
  }

  async register(client: ClientRecord, limits: RegistrationLimits): Promise<RegistrationOutcome> {
    return this.#register(client, limits)
  }

  async recordUse(clientId: string, now: number): Promise<void> {
    this.#db.guard(() => this.#recordUse.run({ now, id: clientId }))
  }

  async prune(now: number, policy: RegistrationPrunePolicy): Promise<number> {
    return this.#prune(now, policy)
  }
}
