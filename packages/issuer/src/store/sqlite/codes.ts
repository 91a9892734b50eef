// Authorization codes in SQLite. A code is redeemed by one
// `UPDATE ... WHERE spent_at IS NULL` inside an IMMEDIATE transaction: of
// concurrent redemptions, on any number of processes, exactly one wins.
import type { CodeRecord, CodeStore, IssuedFamily, SpendCodeResult } from '../types/index.js'
import type { SqliteDb } from './database.js'
import { familyWriter } from './refresh.js'

interface CodeRow {
  hash: string; client_id: string; user_id: string; redirect_uri: string | null; code_challenge: string; scopes: string
  audience: string; auth_time: number; created_at: number; expires_at: number; spent_at: number | null; dpop_jkt: string | null
  nonce: string | null; sid: string | null
}

const toCode = (r: CodeRow): CodeRecord => ({
  hash: r.hash, clientId: r.client_id, userId: r.user_id, redirectUri: r.redirect_uri, codeChallenge: r.code_challenge,
  scopes: JSON.parse(r.scopes) as string[], audience: r.audience, authTime: r.auth_time, dpopJkt: r.dpop_jkt, nonce: r.nonce, sid: r.sid,
  createdAt: r.created_at, expiresAt: r.expires_at, spentAt: r.spent_at,
})

export class SqliteCodes implements CodeStore {
  readonly #db: SqliteDb
  readonly #insert
  readonly #get
  readonly #spend: (hash: string, now: number, issued: IssuedFamily | null) => SpendCodeResult
  readonly #prune

  constructor(db: SqliteDb) {
    this.#db = db
    const raw = db.raw
    this.#insert = raw.prepare<[CodeRow]>(`INSERT INTO authorization_codes (hash, client_id, user_id, redirect_uri,
      code_challenge, scopes, audience, auth_time, created_at, expires_at, spent_at, dpop_jkt, nonce, sid)
      VALUES (@hash, @client_id, @user_id, @redirect_uri, @code_challenge, @scopes, @audience, @auth_time,
      @created_at, @expires_at, @spent_at, @dpop_jkt, @nonce, @sid)`)
    this.#get = raw.prepare<[string], CodeRow>('SELECT * FROM authorization_codes WHERE hash = ?')
    const spend = raw.prepare<[number, string, number]>('UPDATE authorization_codes SET spent_at = ? WHERE hash = ? AND spent_at IS NULL AND expires_at > ?')
    const spentBefore = raw.prepare<[string], { spent_at: number | null }>('SELECT spent_at FROM authorization_codes WHERE hash = ?')
    const revokeDescendants = raw.prepare<[string]>('DELETE FROM refresh_families WHERE code_hash = ?')
    const storeFamily = familyWriter(db)
    this.#spend = db.writer((hash: string, now: number, issued: IssuedFamily | null): SpendCodeResult => {
      if (spend.run(now, hash, now).changes === 1) {
        if (issued) storeFamily(issued.family, issued.token)
        return { outcome: 'spent' }
      }
      const row = spentBefore.get(hash)
      // RFC 6749 §4.1.2: a code used more than once: revoke what was issued from it.
      if (row?.spent_at != null) return { outcome: 'replayed', revokedFamilies: revokeDescendants.run(hash).changes }
      return { outcome: 'invalid' }
    })
    this.#prune = raw.prepare<[number]>('DELETE FROM authorization_codes WHERE expires_at <= ?')
  }

  async insert(c: CodeRecord): Promise<void> {
    this.#db.guard(() => this.#insert.run({
      hash: c.hash, client_id: c.clientId, user_id: c.userId, redirect_uri: c.redirectUri, code_challenge: c.codeChallenge,
      scopes: JSON.stringify(c.scopes), audience: c.audience, auth_time: c.authTime, created_at: c.createdAt,
      expires_at: c.expiresAt, spent_at: c.spentAt, dpop_jkt: c.dpopJkt, nonce: c.nonce, sid: c.sid,
    }))
  }

  async get(hash: string): Promise<CodeRecord | null> {
    const r = this.#db.guard(() => this.#get.get(hash))
    return r ? toCode(r) : null
  }

  async spend(hash: string, now: number): Promise<SpendCodeResult> {
    return this.#spend(hash, now, null)
  }

  async spendIssuing(hash: string, now: number, issued: IssuedFamily): Promise<SpendCodeResult> {
    return this.#spend(hash, now, issued)
  }

  async prune(now: number, retentionMs: number): Promise<number> {
    return this.#db.guard(() => this.#prune.run(now - retentionMs).changes)
  }
}
