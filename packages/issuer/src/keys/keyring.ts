// The running server's in-memory view of the keys: a signer per key that
// may still sign (each private key imported once), the signing key and the
// JWKS at the current time, both cached until the next state change in the
// timeline. Choosing the signer costs one clock read and one comparison:
// no I/O on the token path.
import type { Clock, Jwks } from '../domain/types.js'
import type { KeyRecord, KeySet } from '../store/types/index.js'
import { buildJwks } from './jwks.js'
import { createSigner, type Signer } from './signer.js'
import { accessKeys, idTokenKeys, keyTimes, nextTransition, signingKeyAt } from './timeline.js'

export class KeyRing {
  readonly #clock: Clock
  readonly #maxTtlMs: () => number
  readonly #openKey: (k: KeyRecord) => Buffer
  #version = -1
  #keys: KeyRecord[] = []
  #signers = new Map<string, Signer>()
  #validUntil = -Infinity
  #validFrom = Infinity
  #signer: Signer | undefined
  #idTokenSigner: Signer | undefined
  #jwks: Jwks = { keys: [] }

  constructor(clock: Clock, maxTtlMs: () => number, openKey: (k: KeyRecord) => Buffer) {
    this.#clock = clock
    this.#maxTtlMs = maxTtlMs
    this.#openKey = openKey
  }

  get version(): number { return this.#version }
  get keys(): readonly KeyRecord[] { return this.#keys }

  /**
   * Replaces the key set. Keys that may still sign get a signer, reusing
   * the ones already imported; throws (ConfigError) when a key cannot be
   * opened, leaving the previous set in place.
   */
  load(set: KeySet): void {
    const now = this.#clock()
    const maxTtlMs = this.#maxTtlMs()
    const signers = new Map<string, Signer>()
    for (const k of set.keys) {
      const state = keyTimes(k, set.keys, now, maxTtlMs).state
      if (state !== 'pending' && state !== 'signing') continue
      signers.set(k.kid, this.#signers.get(k.kid) ?? createSigner(k.kid, k.alg, this.#openKey(k)))
    }
    this.#keys = set.keys
    this.#signers = signers
    this.#version = set.version
    this.#validUntil = -Infinity
  }

  #refresh(now: number): void {
    const maxTtlMs = this.#maxTtlMs()
    const current = signingKeyAt(accessKeys(this.#keys), now)
    this.#signer = current ? this.#signerFor(current) : undefined
    const idCurrent = signingKeyAt(idTokenKeys(this.#keys), now)
    this.#idTokenSigner = idCurrent ? this.#signerFor(idCurrent) : undefined
    this.#jwks = buildJwks(this.#keys, now, maxTtlMs)
    this.#validFrom = now
    this.#validUntil = nextTransition(this.#keys, now, maxTtlMs)
  }

  #signerFor(k: KeyRecord): Signer {
    let s = this.#signers.get(k.kid)
    if (!s) {
      // A key promoted after load (its state changed with time): import it once.
      s = createSigner(k.kid, k.alg, this.#openKey(k))
      this.#signers.set(k.kid, s)
    }
    return s
  }

  #ensure(now: number): void {
    // Recompute at a state change, and if the clock went backwards.
    if (now >= this.#validUntil || now < this.#validFrom) this.#refresh(now)
  }

  /** The access-token signer at `now`, or undefined when no key signs. */
  signer(now: number = this.#clock()): Signer | undefined {
    this.#ensure(now)
    return this.#signer
  }

  /** The ID-token signer (an RS256 key) at `now`, or undefined when none signs. */
  idTokenSigner(now: number = this.#clock()): Signer | undefined {
    this.#ensure(now)
    return this.#idTokenSigner
  }

  jwks(now: number = this.#clock()): Jwks {
    this.#ensure(now)
    return this.#jwks
  }
}
