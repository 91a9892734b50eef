// Signing keys and server secrets in SQLite: every change is a
// compare-and-swap on the key-set version, in one IMMEDIATE transaction.
import { toKey, toSecret, type KeyRow, type SecretRow } from '../rows.js'
import type { KeyChanges, KeySet, KeyStore, NewKeyRecord } from '../types/index.js'
import type { SqliteDb } from './database.js'

export const keyRow = (k: NewKeyRecord) => ({
  kid: k.kid, alg: k.alg, purpose: k.purpose, public_jwk: k.publicJwk, private_key: k.privateKey,
  created_at: k.createdAt, activates_at: k.activatesAt, retired_at: k.retiredAt, removed_at: k.removedAt,
})

export const INSERT_KEY = `INSERT INTO signing_keys (kid, alg, purpose, public_jwk, private_key, created_at, activates_at, retired_at, removed_at)
  VALUES (@kid, @alg, @purpose, @public_jwk, @private_key, @created_at, @activates_at, @retired_at, @removed_at)`
export const INSERT_SECRET = 'INSERT INTO server_secrets (name, value, created_at) VALUES (@name, @value, @created_at) ON CONFLICT (name) DO NOTHING'

export class SqliteKeys implements KeyStore {
  readonly #db: SqliteDb
  readonly #version
  readonly #list: () => KeySet
  readonly #change: (expected: number, changes: KeyChanges) => boolean

  constructor(db: SqliteDb) {
    this.#db = db
    const raw = db.raw
    const listKeys = raw.prepare<[], KeyRow>('SELECT * FROM signing_keys ORDER BY serial')
    const listSecrets = raw.prepare<[], SecretRow>('SELECT * FROM server_secrets ORDER BY name')
    this.#version = raw.prepare<[], { value: number }>("SELECT value FROM meta WHERE name = 'keys_version'")
    const bump = raw.prepare<[number]>("UPDATE meta SET value = value + 1 WHERE name = 'keys_version' AND value = ?")
    const insertKey = raw.prepare(INSERT_KEY)
    const updateKey = raw.prepare(`UPDATE signing_keys SET activates_at = COALESCE(@activates_at, activates_at),
      retired_at = COALESCE(@retired_at, retired_at), removed_at = COALESCE(@removed_at, removed_at),
      private_key = COALESCE(@private_key, private_key) WHERE kid = @kid`)
    const insertSecret = raw.prepare(INSERT_SECRET)
    const updateSecret = raw.prepare<[string, string]>('UPDATE server_secrets SET value = ? WHERE name = ?')

    this.#list = db.reader((): KeySet => ({
      version: this.#version.get()!.value,
      keys: listKeys.all().map(toKey),
      secrets: listSecrets.all().map(toSecret),
    }))
    this.#change = db.writer((expected: number, changes: KeyChanges): boolean => {
      if (bump.run(expected).changes !== 1) return false
      for (const k of changes.insert ?? []) insertKey.run(keyRow(k))
      for (const u of changes.update ?? []) {
        const info = updateKey.run({
          kid: u.kid, activates_at: u.activatesAt ?? null, retired_at: u.retiredAt ?? null,
          removed_at: u.removedAt ?? null, private_key: u.privateKey ?? null,
        })
        if (info.changes !== 1) throw new Error(`no signing key ${u.kid}`)
      }
      for (const s of changes.insertSecrets ?? []) insertSecret.run({ name: s.name, value: s.value, created_at: s.createdAt })
      for (const s of changes.updateSecrets ?? []) {
        if (updateSecret.run(s.value, s.name).changes !== 1) throw new Error(`no server secret ${s.name}`)
      }
      return true
    })
  }

  async list(): Promise<KeySet> {
    return this.#list()
  }

  async version(): Promise<number> {
    return this.#db.guard(() => this.#version.get()!.value)
  }

  async change(expectedVersion: number, changes: KeyChanges): Promise<boolean> {
    const applied = this.#change(expectedVersion, changes)
    if (applied && ((changes.update ?? []).some((u) => u.privateKey !== undefined) || (changes.updateSecrets ?? []).length > 0)) {
      // Key material was replaced (e.g. encrypted under a new key encryption
      // key): fold the WAL into the file now, where secure_delete has zeroed
      // the old pages, so that no plaintext copy lingers in the WAL.
      try { this.#db.raw.pragma('wal_checkpoint(TRUNCATE)') } catch { /* busy: SQLite folds it at the last close */ }
    }
    return applied
  }
}
