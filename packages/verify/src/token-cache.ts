// An optional bounded LRU of tokens already verified, keyed by the token
// string. An entry is served only while its `exp` is in the future (no clock
// tolerance on a cache hit) and while the key that verified it is still in
// the JWKS; otherwise it is dropped and the token verified afresh.
//
// Keys are canonical by construction: an entry is set only after a full
// verification, which refuses every non-canonical base64url spelling
// (RFC 7515 §2, base64url.ts), and a lookup matches the exact string. So a
// respelled token (padding, `+`/`/`, junk, trailing bits) never hits: it
// misses, is verified afresh, and is refused. No check is needed before the
// lookup, and a hit costs one Map.get.
import type { VerifyKey } from './keys.js'
import type { AccessTokenClaims } from './types.js'

interface Entry {
  readonly claims: AccessTokenClaims
  readonly key: VerifyKey
  /** `exp` in milliseconds. */
  readonly expiresAt: number
}

export class TokenCache {
  readonly #max: number
  readonly #entries = new Map<string, Entry>()

  constructor(max: number) {
    this.#max = max
  }

  get size(): number {
    return this.#entries.size
  }

  /** The cached claims, when still valid at `now` and `stillHeld(key)`. */
  get(token: string, now: number, stillHeld: (key: VerifyKey) => boolean): AccessTokenClaims | undefined {
    const entry = this.#entries.get(token)
    if (entry === undefined) return undefined
    this.#entries.delete(token)
    if (now >= entry.expiresAt || !stillHeld(entry.key)) return undefined
    this.#entries.set(token, entry) // most recently used goes last
    return entry.claims
  }

  set(token: string, claims: AccessTokenClaims, key: VerifyKey): void {
    if (this.#entries.has(token)) this.#entries.delete(token)
    else if (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next()
      if (!oldest.done) this.#entries.delete(oldest.value)
    }
    this.#entries.set(token, { claims, key, expiresAt: claims.exp * 1000 })
  }
}
