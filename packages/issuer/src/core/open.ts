// openIssuer(): opens the store, checks the key encryption key, makes sure
// a key signs now (the first start generates one that signs at once), and
// makes the refresh-token key on first start, and returns the core the
// HTTP layer serves.
import type { Clock } from '../domain/types.js'
import type { IssuerConfig } from '../config.js'
import type { IssuerCore } from './types.js'
import { Admission, type AdmissionOptions } from '../credentials/admission.js'
import { dummyPasswordHash } from '../credentials/passwords.js'
import { KeyManager } from '../keys/manager.js'
import { KeyRing } from '../keys/keyring.js'
import { planMaintenance } from '../keys/rotation.js'
import { openStore } from '../store/open.js'
import type { IssuerStore } from '../store/types/index.js'
import { CSRF_KEY_NAME } from './csrf.js'
import { REFRESH_KEY_NAME } from './refresh-tokens.js'
import { REQUEST_KEY_NAME } from './sign-in.js'
import { DPOP_NONCE_KEY_NAME } from './dpop.js'
import { Issuer } from './issuer.js'
import { NO_OBSERVER, type IssuerObserver } from '../domain/observer.js'

export { ConfigError } from '../domain/errors.js'

export interface OpenIssuerDeps {
  /** Milliseconds since the epoch; default Date.now. */
  clock?: Clock
  /** Default: the store at config.dbPath (a SQLite file or a PostgreSQL URL). */
  store?: IssuerStore
  /** Bounds of concurrent and queued argon2 computations. */
  admission?: AdmissionOptions
  /** How often start() polls the database for key changes, ms. Default 1000 (changes seen within 5 s). */
  pollIntervalMs?: number
  /** Where the issuer reports what happens (metrics). Default: nothing. */
  observer?: IssuerObserver
  /** Background errors (key reload, rotation). Default: one line on stderr, no secret in it. */
  onError?: (err: Error) => void
}

/** The core plus `refresh()`: one round of the background work, on demand (tests, tools). */
export type OpenedIssuer = IssuerCore & { refresh(): Promise<void>; prune(): Promise<void> }

const MAX_START_ATTEMPTS = 5

/** The name of the server secret device cookies are signed with (DESIGN.md, "Accounts"). */
export const DEVICE_KEY_NAME = 'device-cookie-key'

export async function openIssuer(config: IssuerConfig, deps: OpenIssuerDeps = {}): Promise<OpenedIssuer> {
  const clock = deps.clock ?? Date.now
  const observer = deps.observer ?? NO_OBSERVER
  // The server serves client look-ups from memory where the store offers it
  // (PostgreSQL: no round trip per token); the CLI (openAdmin) never does.
  const store = deps.store ?? await openStore(config.dbPath, { cacheClients: true })
  try {
    // Read through `config` at each use: serve may change it after listening.
    const keys = new KeyManager(store, clock, () => config)
    await keys.checkEncryption()
    const ring = new KeyRing(clock, () => config.maxTtl * 1000, (k) => keys.privateDer(k))
    for (let attempt = 0; attempt < MAX_START_ATTEMPTS; attempt++) {
      ring.load(await keys.keySet())
      // No key signs (first start, or every key retired): claim one that
      // signs at once; likewise a changed algorithm or an overdue rotation
      // starts a pending key. Another process may win the claim: then the
      // next round loads its key.
      if (!planMaintenance(ring.keys, clock(), config)) break
      await keys.maintain()
    }
    if ((await store.keys.version()) !== ring.version) ring.load(await keys.keySet())
    if (!ring.signer() || !ring.idTokenSigner()) throw new Error('could not obtain a signing key')
    const refreshKey = await keys.serverSecret(REFRESH_KEY_NAME)
    const requestKey = await keys.serverSecret(REQUEST_KEY_NAME)
    const csrfKey = await keys.serverSecret(CSRF_KEY_NAME)
    const deviceKey = await keys.serverSecret(DEVICE_KEY_NAME)
    const dpopNonceKey = await keys.serverSecret(DPOP_NONCE_KEY_NAME)
    await dummyPasswordHash()
    return new Issuer({
      config,
      clock,
      store,
      keys,
      ring,
      admission: new Admission({ ...deps.admission, onRefused: () => observer.argon2Refused() }),
      observer,
      refreshKey,
      requestKey,
      csrfKey,
      deviceKey,
      dpopNonceKey,
      pollIntervalMs: deps.pollIntervalMs ?? 1000,
      onError: deps.onError ?? ((err) => process.stderr.write(`tessera-issuer: background key work failed: ${err.message}\n`)),
    })
  } catch (err) {
    await store.close()
    throw err
  }
}
