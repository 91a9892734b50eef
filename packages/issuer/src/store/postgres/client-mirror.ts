// The running server's copy of the clients table (OpenOptions.cacheClients):
// every client in memory, a hit and a miss answered in the same time, reloaded
// when clients_version moves (polled), refused once stale. Why: docs/architecture.md.
import { StoreUnavailableError } from '../../domain/errors.js'
import { copyClient as copy } from '../client-copy.js'
import type { ClientChanges, ClientRecord, ClientStore } from '../types/index.js'
import { DUMMY_CLIENT, SELECT_CLIENTS, toClient, type ClientRow, type PgClientTable } from './clients.js'
import type { PgDb } from './database.js'

/** How often the version is read: at most once a second. */
const POLL_MS = 1000
/** Older than this since the last confirmed read, the copy is not served (below DESIGN's 5 s). */
const STALE_MS = 4000

const VERSION = "SELECT value FROM meta WHERE name = 'clients_version'"

export class ClientMirror implements ClientStore {
  readonly #db: PgDb
  readonly #table: PgClientTable
  #byId: ReadonlyMap<string, ClientRecord> = new Map()
  #scopes: readonly string[] = []
  #version: number | null = null
  /** performance.now() when the last successful poll began: the copy was the database's at least then. */
  #freshAt = -Infinity
  #polling: Promise<void> | undefined
  #timer: NodeJS.Timeout | undefined
  #closed = false
  // eslint-disable-next-line no-unused-private-class-members -- written, never read: a missing id does a record's work too
  #sink: unknown

  private constructor(db: PgDb, table: PgClientTable) {
    this.#db = db
    this.#table = table
  }

  /** Loads the copy (the first request is served from it) and starts polling. */
  static async open(db: PgDb, table: PgClientTable): Promise<ClientMirror> {
    const mirror = new ClientMirror(db, table)
    await mirror.sync()
    mirror.#schedule()
    return mirror
  }

  /** One poll: reads the version, reloads when it moved. Concurrent calls share one. */
  sync(): Promise<void> {
    this.#polling ??= this.#poll().finally(() => { this.#polling = undefined })
    return this.#polling
  }

  async #poll(): Promise<void> {
    const startedAt = performance.now()
    const { rows } = await this.#db.query<{ value: number }>(VERSION)
    if (rows[0]?.value !== this.#version) await this.#reload()
    this.#freshAt = startedAt
  }

  async #reload(): Promise<void> {
    const { version, clients } = await this.#db.tx(async (sql) => ({
      version: (await sql.query<{ value: number }>(VERSION)).rows[0]?.value ?? null,
      clients: (await sql.query<ClientRow>(SELECT_CLIENTS)).rows.map(toClient),
    }), { snapshot: true })
    this.#byId = new Map(clients.map((c) => [c.id, c]))
    this.#scopes = [...new Set(clients.flatMap((c) => c.scopes))].sort()
    this.#version = version
  }

  #schedule(): void {
    if (this.#closed) return
    // The next poll is timed from the end of this one: never two at once, however slow the database.
    this.#timer = setTimeout(() => {
      // A failed poll is the database being away: the copy ages, and past STALE_MS it is refused.
      this.sync().catch(() => undefined).finally(() => this.#schedule())
    }, POLL_MS)
    this.#timer.unref()
  }

  #checkFresh(): void {
    if (performance.now() - this.#freshAt <= STALE_MS) return
    throw new StoreUnavailableError(`database ${this.#db.location}: the clients could not be re-read for over ${STALE_MS / 1000} s`)
  }

  // A miss copies a record of the same shape: a known and an unknown id cost the same.
  async get(id: string): Promise<ClientRecord | null> {
    this.#checkFresh()
    const found = this.#byId.get(id)
    if (found) return copy(found)
    this.#sink = copy(DUMMY_CLIENT)
    return null
  }

  async allScopes(): Promise<string[]> {
    this.#checkFresh()
    return [...this.#scopes]
  }

  list(): Promise<ClientRecord[]> {
    return this.#table.list()
  }

  // Writes go to the table; the copy then re-reads, so that this process sees its own write at once.
  async insert(client: ClientRecord): Promise<void> {
    await this.#table.insert(client)
    await this.resync()
  }

  async update(id: string, changes: ClientChanges, now: number): Promise<ClientRecord | null> {
    const updated = await this.#table.update(id, changes, now)
    await this.resync()
    return updated
  }

  async rotateSecret(id: string, secretHash: string, previousExpiresAt: number | null, now: number): Promise<boolean> {
    const done = await this.#table.rotateSecret(id, secretHash, previousExpiresAt, now)
    await this.resync()
    return done
  }

  async delete(id: string): Promise<boolean> {
    const done = await this.#table.delete(id)
    await this.resync()
    return done
  }

  /** After a committed write: a failed re-read is the next poll's to repeat (the write stands). */
  async resync(): Promise<void> {
    await this.#polling?.catch(() => undefined)
    await this.sync().catch(() => undefined)
  }

  close(): void {
    this.#closed = true
    clearTimeout(this.#timer)
  }
}
