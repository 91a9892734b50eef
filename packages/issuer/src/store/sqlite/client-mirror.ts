// The running server's copy of the clients table in SQLite
// (OpenOptions.cacheClients): every client in memory, a hit and a miss
// answered in the same time, reloaded when clients_version moves. Why: docs/architecture.md.
import { copyClient } from '../client-copy.js'
import type { ClientChanges, ClientRecord, ClientStore } from '../types/index.js'
import { DUMMY_ROW, toClient, type ClientRow, type SqliteClients } from './clients.js'
import type { SqliteDb } from './database.js'

const DUMMY_CLIENT: ClientRecord = toClient(DUMMY_ROW)

export class SqliteClientMirror implements ClientStore {
  readonly #db: SqliteDb
  readonly #table: SqliteClients
  readonly #version
  readonly #reload: () => { version: number; clients: ClientRecord[] }
  #byId: ReadonlyMap<string, ClientRecord> = new Map()
  #scopes: readonly string[] = []
  /** The version the copy was read at; null before the first read. */
  #loaded: number | null = null
  // eslint-disable-next-line no-unused-private-class-members -- written, never read: a missing id does a record's work too
  #sink: unknown

  constructor(db: SqliteDb, table: SqliteClients) {
    this.#db = db
    this.#table = table
    // No row yet (a database no client was ever written to) reads as version 0.
    this.#version = db.raw.prepare<[], number>("SELECT coalesce((SELECT value FROM meta WHERE name = 'clients_version'), 0)").pluck()
    const all = db.raw.prepare<[], ClientRow>('SELECT * FROM clients')
    // The version and the rows in one read transaction: the copy is the database's at that version.
    this.#reload = db.reader(() => ({ version: this.#version.get()!, clients: all.all().map(toClient) }))
  }

  /**
   * The copy as of now. A local file answers the version in one indexed
   * read, so it is read on every look-up: a change by this process, another
   * worker or the CLI is served at once, and the rows are re-read only when
   * it moved.
   */
  #current(): ReadonlyMap<string, ClientRecord> {
    if (this.#db.guard(() => this.#version.get()) !== this.#loaded) {
      const { version, clients } = this.#reload()
      this.#byId = new Map(clients.map((c) => [c.id, c]))
      this.#scopes = [...new Set(clients.flatMap((c) => c.scopes))].sort()
      this.#loaded = version
    }
    return this.#byId
  }

  // A miss copies a record of the same shape: a known and an unknown id cost the same.
  async get(id: string): Promise<ClientRecord | null> {
    const found = this.#current().get(id)
    if (found) return copyClient(found)
    this.#sink = copyClient(DUMMY_CLIENT)
    return null
  }

  async allScopes(): Promise<string[]> {
    this.#current()
    return [...this.#scopes]
  }

  list(): Promise<ClientRecord[]> {
    return this.#table.list()
  }

  // Writes go to the table, which bumps the version: the next look-up reloads.
  insert(client: ClientRecord): Promise<void> {
    return this.#table.insert(client)
  }

  update(id: string, changes: ClientChanges, now: number): Promise<ClientRecord | null> {
    return this.#table.update(id, changes, now)
  }

  rotateSecret(id: string, secretHash: string, previousExpiresAt: number | null, now: number): Promise<boolean> {
    return this.#table.rotateSecret(id, secretHash, previousExpiresAt, now)
  }

  delete(id: string): Promise<boolean> {
    return this.#table.delete(id)
  }
}
