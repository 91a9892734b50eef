// Signing keys and server secrets in PostgreSQL. Every change is a
// compare-and-swap on the key-set version: its transaction begins with
// `UPDATE meta SET value = value + 1 WHERE name = 'keys_version' AND value = $1`.
// Of two writers that read the same version, the second waits on the row
// lock the first holds, then (READ COMMITTED re-checks the condition on the
// row as committed) finds the version moved, updates nothing and writes
// nothing: a rotation claimed by several processes at once happens once.
import { toKey, toSecret, type KeyRow, type SecretRow } from '../rows.js'
import type { KeyChanges, KeySet, KeyStore, NewKeyRecord, SecretRecord } from '../types/index.js'
import type { PgDb, Sql } from './database.js'

export const SELECT_KEYS = 'SELECT * FROM signing_keys ORDER BY serial'
export const SELECT_SECRETS = 'SELECT * FROM server_secrets ORDER BY name COLLATE "C"'
const VERSION = "SELECT value FROM meta WHERE name = 'keys_version'"

/** The serial is the database's (insertion order): a higher serial is a newer key. */
export async function insertKey(sql: Sql, k: NewKeyRecord): Promise<void> {
  await sql.query(`INSERT INTO signing_keys (kid, alg, public_jwk, private_key, created_at, activates_at, retired_at, removed_at, purpose)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
  [k.kid, k.alg, k.publicJwk, k.privateKey, k.createdAt, k.activatesAt, k.retiredAt, k.removedAt, k.purpose])
}

/** Inserted only when no secret of that name exists: the first writer's value stays. */
export async function insertSecret(sql: Sql, s: SecretRecord): Promise<void> {
  await sql.query('INSERT INTO server_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING',
    [s.name, s.value, s.createdAt])
}

export const bumpKeysVersion = (sql: Sql) => sql.query("UPDATE meta SET value = value + 1 WHERE name = 'keys_version'")

export class PgKeys implements KeyStore {
  readonly #db: PgDb

  constructor(db: PgDb) {
    this.#db = db
  }

  list(): Promise<KeySet> {
    // One snapshot: the version is the one the keys and secrets were read at.
    return this.#db.tx(async (sql) => ({
      version: (await sql.query<{ value: number }>(VERSION)).rows[0]!.value,
      keys: (await sql.query<KeyRow>(SELECT_KEYS)).rows.map(toKey),
      secrets: (await sql.query<SecretRow>(SELECT_SECRETS)).rows.map(toSecret),
    }), { snapshot: true })
  }

  async version(): Promise<number> {
    return (await this.#db.query<{ value: number }>(VERSION)).rows[0]!.value
  }

  async change(expectedVersion: number, changes: KeyChanges): Promise<boolean> {
    const applied = await this.#claim(expectedVersion, changes)
    if (applied && ((changes.update ?? []).some((u) => u.privateKey !== undefined) || (changes.updateSecrets ?? []).length > 0)) {
      // Key material was replaced (e.g. encrypted under a new key encryption
      // key): the old row versions, plaintext, stay in the table's pages
      // until vacuumed. Rewrite the two small tables now, as the SQLite
      // store folds its WAL. Best effort: without the right (table owner)
      // autovacuum reclaims them later.
      await this.#db.query('VACUUM (FULL) signing_keys, server_secrets').catch(() => undefined)
    }
    return applied
  }

  #claim(expectedVersion: number, changes: KeyChanges): Promise<boolean> {
    return this.#db.tx(async (sql) => {
      const claimed = await sql.query("UPDATE meta SET value = value + 1 WHERE name = 'keys_version' AND value = $1", [expectedVersion])
      if (claimed.rowCount !== 1) return false
      for (const k of changes.insert ?? []) await insertKey(sql, k)
      for (const u of changes.update ?? []) {
        const { rowCount } = await sql.query(`UPDATE signing_keys SET activates_at = COALESCE($2, activates_at),
          retired_at = COALESCE($3, retired_at), removed_at = COALESCE($4, removed_at),
          private_key = COALESCE($5, private_key) WHERE kid = $1`,
        [u.kid, u.activatesAt ?? null, u.retiredAt ?? null, u.removedAt ?? null, u.privateKey ?? null])
        // Thrown inside the transaction: it rolls back, the version included.
        if (rowCount !== 1) throw new Error(`no signing key ${u.kid}`)
      }
      for (const s of changes.insertSecrets ?? []) await insertSecret(sql, s)
      for (const s of changes.updateSecrets ?? []) {
        const { rowCount } = await sql.query('UPDATE server_secrets SET value = $2 WHERE name = $1', [s.name, s.value])
        if (rowCount !== 1) throw new Error(`no server secret ${s.name}`)
      }
      return true
    })
  }
}
