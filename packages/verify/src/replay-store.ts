// The default DPoP replay store (RFC 9449 §11.1): each accepted proof's
// `jti` key is held in memory until the proof could no longer pass the
// `iat` window, so one proof is accepted once within it, in this process.
//
// Bounded: at most `maxEntries` keys (default 200,000; a key is a 43-
// character hash, about 100 bytes an entry, so some 20 MB at the cap). A
// full store refuses the newcomer with 503 (ReplayCheckUnavailableError)
// rather than evict a live entry: evicting a `jti` that has not expired
// would let that very proof be replayed, which is what the store exists to
// stop; a refused proof costs the client one retry with a fresh one. At the
// default 60 s window plus tolerance, the cap is reached only above about
// 3,000 proofs a second sustained; past that, use a shared `replayStore`.
import type { ReplayStore } from './dpop-options.js'
import { ReplayCheckUnavailableError } from './errors.js'

export const DEFAULT_REPLAY_ENTRIES = 200_000

export class MemoryReplayStore implements ReplayStore {
  readonly #max: number
  readonly #now: () => number
  /** key -> expiresAt (ms), in insertion order, which is roughly expiry order. */
  readonly #entries = new Map<string, number>()
  #lastSweep = Number.NEGATIVE_INFINITY

  constructor(now: () => number, maxEntries = DEFAULT_REPLAY_ENTRIES) {
    this.#now = now
    this.#max = maxEntries
  }

  get size(): number {
    return this.#entries.size
  }

  seen(key: string, expiresAt: number): boolean {
    const now = this.#now()
    const prior = this.#entries.get(key)
    if (prior !== undefined) {
      if (prior > now) return true
      this.#entries.delete(key)
    }
    this.#dropExpiredFront(now)
    if (this.#entries.size >= this.#max && !this.#sweep(now)) {
      throw new ReplayCheckUnavailableError(1, 'DPoP replay store full')
    }
    this.#entries.set(key, expiresAt)
    return false
  }

  /** Amortised cleanup: drop expired entries from the oldest end until a live one. */
  #dropExpiredFront(now: number): void {
    for (const [key, expiresAt] of this.#entries) {
      if (expiresAt > now) return
      this.#entries.delete(key)
    }
  }

  /**
   * A full pass over the store (entries expire slightly out of insertion
   * order), at most once a second so that a full store cannot make every
   * request pay for one. Whether there is room now.
   */
  #sweep(now: number): boolean {
    if (now - this.#lastSweep >= 1000) {
      this.#lastSweep = now
      for (const [key, expiresAt] of this.#entries) if (expiresAt <= now) this.#entries.delete(key)
    }
    return this.#entries.size < this.#max
  }
}
