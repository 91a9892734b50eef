// Refresh tokens (RFC 6749 §6, RFC 9700 §4.14.2): rotated at every use, a
// replay revokes the family, and a retry within the reuse grace gets the
// same successor again. The successor is derived, not stored: HMAC-SHA-256
// of the spent token and a per-rotation salt under the server's
// refresh-token key (kept like the signing keys, encrypted at rest under
// the key encryption key). The database holds only hashes and the salt, so
// neither a copy of it nor the key alone yields a usable token.
import { digestsEqual } from '../credentials/constant-time.js'
import { deriveRefreshToken, hashOpaque, looksLikeRefreshToken, newOpaque, newSalt, REFRESH_TOKEN_PREFIX } from '../credentials/opaque.js'
import { newFamilyId } from '../credentials/ids.js'
import type { NewRefreshToken, RefreshFamilyRecord, RefreshLookup, RefreshStore } from '../store/types/index.js'
import type { Client, Clock, ProofKey, RefreshCheck, RefreshGrantView, RefreshRotation } from '../domain/types.js'
import type { IssuerConfig } from '../config.js'
import type { RefreshTokenService } from './types.js'

/** Spent tokens kept per family for replay detection; older generations are deleted at rotation. */
export const KEEP_SPENT_GENERATIONS = 8

/** The name of the server secret successors are derived with. */
export const REFRESH_KEY_NAME = 'refresh-token-key'

const INVALID = { ok: false, reason: 'invalid' } as const

const view = (f: RefreshFamilyRecord): RefreshGrantView => ({
  familyId: f.id, userId: f.userId, scopes: f.scopes, audience: f.audience, authTime: f.authTime, sid: f.sid, expiresAt: f.expiresAt,
  dpopJkt: f.dpopJkt,
})

/** What a family grants: the user, scopes and audience, the sign-in time and the session's public id (null: password grant). */
export interface FamilyGrant {
  userId: string
  scopes: string[]
  audience: string
  authTime: number | null
  sid: string | null
}

export interface PreparedFamily {
  token: string
  family: RefreshFamilyRecord
  first: NewRefreshToken
}

export class RefreshTokens implements RefreshTokenService {
  constructor(
    private readonly store: RefreshStore,
    private readonly clock: Clock,
    private readonly config: () => Pick<IssuerConfig, 'refreshIdleTtl' | 'refreshMaxTtl' | 'refreshReuseGrace'>,
    private readonly key: Buffer,
  ) {}

  /**
   * A family and its first token, not yet stored (the code grant stores it
   * with the code's redemption). A public client's family is bound to the
   * key of the proof presented now, for good (RFC 9449 §5); a confidential
   * client authenticates, so its families are never bound.
   */
  prepare(client: Client, grant: FamilyGrant, codeHash: string | null, proofKey: ProofKey): PreparedFamily {
    const now = this.clock()
    const c = this.config()
    const token = newOpaque(REFRESH_TOKEN_PREFIX)
    const { userId, scopes, audience, authTime, sid } = grant
    const family: RefreshFamilyRecord = {
      id: newFamilyId(), clientId: client.id, userId, scopes, audience, authTime, codeHash, sid, dpopJkt: client.public ? proofKey : null,
      createdAt: now, expiresAt: now + c.refreshMaxTtl * 1000,
    }
    return { token, family, first: { hash: hashOpaque(token), createdAt: now, expiresAt: this.#idleEnd(now, family.expiresAt) } }
  }

  async issue(client: Client, userId: string, scopes: string[], audience: string, authTime: number | null, proofKey: ProofKey): Promise<string> {
    const p = this.prepare(client, { userId, scopes, audience, authTime, sid: null }, null, proofKey)
    await this.store.insertFamily(p.family, p.first)
    return p.token
  }

  async check(token: string, client: Client, proofKey: ProofKey): Promise<RefreshCheck> {
    if (!looksLikeRefreshToken(token)) return INVALID
    const found = await this.store.find(hashOpaque(token))
    if (!found) return INVALID
    // RFC 9449 §5, DESIGN.md: the key first. Without the family's key a token is worthless to whoever
    // holds it, live or spent: refused, nothing changes, and never counted as a replay.
    if (found.family.dpopJkt !== null && found.family.dpopJkt !== proofKey) return INVALID
    const now = this.clock()
    if (found.token.spentAt !== null) {
      if (this.#reusable(found, token, client, now) !== null) return { ok: true, grant: view(found.family) }
      return this.#replayed(found.family.id)
    }
    // Another client's token, or an expired one: refused, nothing changed.
    if (found.family.clientId !== client.id || found.token.expiresAt <= now || found.family.expiresAt <= now) return INVALID
    return { ok: true, grant: view(found.family) }
  }

  async rotate(token: string, client: Client, grant: RefreshGrantView): Promise<RefreshRotation> {
    const now = this.clock()
    const salt = newSalt()
    const successor = deriveRefreshToken(this.key, token, salt)
    const result = await this.store.rotate(hashOpaque(token), now, {
      hash: hashOpaque(successor), salt, createdAt: now, expiresAt: this.#idleEnd(now, grant.expiresAt),
    }, KEEP_SPENT_GENERATIONS)
    if (result.outcome === 'rotated') return { ok: true, refreshToken: successor, reused: false }
    // Spent meanwhile (a concurrent use), expired, or gone.
    const current = result.current
    if (current === null || current.token.spentAt === null) return INVALID
    const again = this.#reusable(current, token, client, now)
    if (again !== null) return { ok: true, refreshToken: again, reused: true }
    return this.#replayed(current.family.id)
  }

  async rotateCurrent(token: string, client: Client, proofKey: ProofKey): Promise<{ grant: RefreshGrantView; refreshToken: string } | null> {
    if (!looksLikeRefreshToken(token)) return null
    const now = this.clock()
    const salt = newSalt()
    const successor = deriveRefreshToken(this.key, token, salt)
    const family = await this.store.rotateCurrent(hashOpaque(token), now, {
      hash: hashOpaque(successor), salt, createdAt: now, idleExpiresAt: now + this.config().refreshIdleTtl * 1000,
    }, KEEP_SPENT_GENERATIONS, { clientId: client.id, proofKey })
    return family === null ? null : { grant: view(family), refreshToken: successor }
  }

  async revoke(token: string, client: Client): Promise<{ revoked: boolean; familyId?: string }> {
    if (!looksLikeRefreshToken(token)) return { revoked: false }
    const found = await this.store.find(hashOpaque(token))
    // RFC 7009 §2.1: only the client's own tokens; anything else is not revoked (and not told apart).
    if (!found || found.family.clientId !== client.id) return { revoked: false }
    return { revoked: await this.store.revokeFamily(found.family.id), familyId: found.family.id }
  }

  #idleEnd(now: number, familyEnd: number): number {
    return Math.min(now + this.config().refreshIdleTtl * 1000, familyEnd)
  }

  /**
   * The successor to answer again, when the spent token `presented` is
   * within the reuse grace: presented by its own client, no longer than
   * TESSERA_REFRESH_REUSE_GRACE after it was spent, its successor still
   * unused. Else null: the presentation is a replay.
   */
  #reusable(found: RefreshLookup, presented: string, client: Client, now: number): string | null {
    const { token, family, successor } = found
    const graceMs = this.config().refreshReuseGrace * 1000
    if (graceMs <= 0 || token.spentAt === null || now - token.spentAt > graceMs) return null
    if (family.clientId !== client.id || family.expiresAt <= now) return null
    if (successor === null || successor.spentAt !== null || successor.expiresAt <= now) return null
    if (token.successorSalt === null || token.successorHash === null) return null
    const again = deriveRefreshToken(this.key, presented, token.successorSalt)
    return digestsEqual(Buffer.from(token.successorHash), Buffer.from(hashOpaque(again))) ? again : null
  }

  async #replayed(familyId: string): Promise<{ ok: false; reason: 'replayed'; familyId: string }> {
    // RFC 9700 §4.14.2: a spent token used again: the whole family is revoked.
    await this.store.revokeFamily(familyId)
    return { ok: false, reason: 'replayed', familyId }
  }
}
