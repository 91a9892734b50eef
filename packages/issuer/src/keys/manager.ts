// The key service over the store: checks and applies key encryption,
// generates keys and claims rotations. Shared by the running core and the CLI.
import type { Clock } from '../domain/types.js'
import { ConfigError, NotFoundError } from '../domain/errors.js'
import type { IssuerStore, KeyChanges, KeyPurpose, KeyRecord, KeySet, NewKeyRecord, SecretRecord } from '../store/types/index.js'
import { randomBytes } from 'node:crypto'
import { isEncrypted, openPrivateKey, openSecret, sealPrivateKey, sealSecret } from './cipher.js'
import { generateSigningKey } from './generate.js'
import { buildJwks } from './jwks.js'
import { maintenancePlans, planRetire, planRotation, type KeyPlan, type RotationSettings } from './rotation.js'
import { keyTimes, type KeyState } from './timeline.js'
import type { Jwks } from '../domain/types.js'

export interface KeyManagerOptions extends RotationSettings {
  keyEncryptionKey: Buffer | null
}

export interface KeyInfo {
  kid: string
  alg: string
  /** `access`: signs access tokens (and ID tokens when RS256); `id`: ID tokens only. */
  purpose: KeyPurpose
  state: KeyState
  createdAt: number
  activatesAt: number
  retiredAt: number | null
  unpublishAt: number | null
}

/** Attempts of a read-decide-claim cycle before giving up on a busy key set. */
const CLAIM_ATTEMPTS = 5

export class KeyManager {
  readonly #store: IssuerStore
  readonly #clock: Clock
  readonly #opts: () => KeyManagerOptions

  /** `options` is read at each use, so a caller may change its config between calls. */
  constructor(store: IssuerStore, clock: Clock, options: () => KeyManagerOptions) {
    this.#store = store
    this.#clock = clock
    this.#opts = options
  }

  /** Decrypts a stored private key (ConfigError when the KEK is missing or wrong). */
  privateDer(k: Pick<KeyRecord, 'privateKey' | 'kid'>): Buffer {
    const o = this.#opts()
    return openPrivateKey(k.privateKey, k.kid, o.keyEncryptionKey, this.#store.location)
  }

  /**
   * Run at every open, by the server and by every CLI command: every
   * stored private key must open with the configured KEK (one ConfigError
   * line otherwise: nothing is ever regenerated behind the operator's back);
   * when a KEK is given and some keys are in plaintext, they are all
   * encrypted in one transaction.
   */
  async checkEncryption(): Promise<void> {
    const o = this.#opts()
    const first = await this.#store.keys.list()
    if (o.keyEncryptionKey === null && (first.keys.some((k) => isEncrypted(k.privateKey)) || first.secrets.some((s) => isEncrypted(s.value)))) {
      throw new ConfigError(`${this.#store.location} holds encrypted signing keys: set TESSERA_KEY_ENCRYPTION_KEY or --key-encryption-key-file`)
    }
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const set = attempt === 0 ? first : await this.#store.keys.list()
      const update = []
      for (const k of set.keys) {
        const der = this.privateDer(k)
        if (o.keyEncryptionKey && !isEncrypted(k.privateKey)) {
          update.push({ kid: k.kid, privateKey: sealPrivateKey(der, k.kid, o.keyEncryptionKey) })
        }
      }
      const updateSecrets = []
      for (const s of set.secrets) {
        const value = this.secretValue(s)
        if (o.keyEncryptionKey && !isEncrypted(s.value)) updateSecrets.push({ name: s.name, value: sealSecret(value, s.name, o.keyEncryptionKey) })
      }
      if (update.length === 0 && updateSecrets.length === 0) return
      if (await this.#store.keys.change(set.version, { update, updateSecrets })) return
    }
    throw new Error('the signing keys kept changing while being encrypted; try again')
  }

  /** Opens a stored server secret (ConfigError when the KEK is missing or wrong). */
  secretValue(s: Pick<SecretRecord, 'name' | 'value'>): Buffer {
    const o = this.#opts()
    return openSecret(s.value, s.name, o.keyEncryptionKey, this.#store.location)
  }

  /**
   * The server secret `name` (32 random bytes), made on first use: among
   * several processes the first insert wins and everyone reads its value.
   */
  async serverSecret(name: string): Promise<Buffer> {
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const set = await this.#store.keys.list()
      const found = set.secrets.find((s) => s.name === name)
      if (found) return this.secretValue(found)
      const value = sealSecret(randomBytes(32), name, this.#opts().keyEncryptionKey)
      await this.#store.keys.change(set.version, { insertSecrets: [{ name, value, createdAt: this.#clock() }] })
    }
    throw new Error(`the server secret ${name} could not be created; try again`)
  }

  async keySet(): Promise<KeySet> {
    return this.#store.keys.list()
  }

  async #materialise(plan: KeyPlan, now: number): Promise<NewKeyRecord> {
    const g = await generateSigningKey(plan.alg)
    return {
      kid: g.kid,
      alg: g.alg,
      purpose: plan.purpose,
      publicJwk: JSON.stringify(g.publicJwk),
      privateKey: sealPrivateKey(g.privateDer, g.kid, this.#opts().keyEncryptionKey),
      createdAt: now,
      activatesAt: plan.activatesAt,
      retiredAt: null,
      removedAt: null,
    }
  }

  /**
   * Background maintenance: adds the first key, a key when none signs, a
   * pending key of a newly configured algorithm, or a scheduled rotation,
   * in each line (access tokens; ID tokens when the algorithm is not RS256).
   * Claimed against the key-set version: among several processes, one
   * wins and the others see its keys. Returns the plans applied (none: empty).
   */
  async maintain(): Promise<KeyPlan[]> {
    const set = await this.#store.keys.list()
    const now = this.#clock()
    const plans = maintenancePlans(set.keys, now, this.#opts())
    if (plans.length === 0) return plans
    const keys = await Promise.all(plans.map((p) => this.#materialise(p, now)))
    return (await this.#store.keys.change(set.version, { insert: keys })) ? plans : []
  }

  /** `keys rotate [--now]`: the new access-token key, and the new ID-token key made with it (when the algorithm is not RS256). */
  async rotate(immediate: boolean): Promise<NewKeyRecord & { idTokenKey: NewKeyRecord | null }> {
    const now = this.#clock()
    const keys = await Promise.all(planRotation(now, immediate, this.#opts()).map((p) => this.#materialise(p, now)))
    await this.#claim(() => ({ insert: keys }))
    return { ...keys[0]!, idTokenKey: keys[1] ?? null }
  }

  /** `keys retire KID [--now]`. */
  async retire(kid: string, removeNow: boolean): Promise<void> {
    // Generated once, and reused (re-timed) when the claim must be retried.
    const fresh = new Map<string, NewKeyRecord>()
    const ensureFresh = async (plan: KeyPlan, now: number): Promise<NewKeyRecord> => {
      const key = `${plan.purpose} ${plan.alg}`
      let made = fresh.get(key)
      if (!made) fresh.set(key, made = await this.#materialise(plan, now))
      return { ...made, createdAt: now, activatesAt: now }
    }
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const set = await this.#store.keys.list()
      const now = this.#clock()
      if (!set.keys.some((k) => k.kid === kid)) throw new NotFoundError(`no signing key ${kid}`)
      const plan = planRetire(set.keys, kid, now, removeNow, this.#opts())
      if (!plan) return
      const changes: KeyChanges = { update: plan.update }
      if (plan.add.length > 0) changes.insert = await Promise.all(plan.add.map((p) => ensureFresh(p, now)))
      if (await this.#store.keys.change(set.version, changes)) return
    }
    throw new Error('the signing keys kept changing; try again')
  }

  async #claim(changes: () => KeyChanges): Promise<void> {
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const { version } = await this.#store.keys.list()
      if (await this.#store.keys.change(version, changes())) return
    }
    throw new Error('the signing keys kept changing; try again')
  }

  /** Every key with its state at the current time, oldest first. */
  async list(): Promise<KeyInfo[]> {
    const { keys } = await this.#store.keys.list()
    const now = this.#clock()
    const maxTtlMs = this.#opts().maxTtl * 1000
    return keys.map((k) => {
      const t = keyTimes(k, keys, now, maxTtlMs)
      return {
        kid: k.kid, alg: k.alg, purpose: k.purpose, state: t.state, createdAt: k.createdAt, activatesAt: k.activatesAt,
        retiredAt: k.retiredAt, unpublishAt: t.unpublishAt,
      }
    })
  }

  async jwks(): Promise<Jwks> {
    const { keys } = await this.#store.keys.list()
    return buildJwks(keys, this.#clock(), this.#opts().maxTtl * 1000)
  }
}
