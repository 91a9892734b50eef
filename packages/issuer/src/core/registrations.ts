// Self-registered clients (RFC 7591; DESIGN.md, "MCP servers and other
// self-registering apps"): public clients whose audiences are the
// operator's TESSERA_REGISTRATION_AUDIENCES, created under two limits (per
// address per hour, and never-used registrations in all), whose use is
// recorded, and which are deleted once unused: 24 hours after registration
// when never used, 30 days after their last token otherwise.
import { newClientId } from '../credentials/ids.js'
import { addressHash } from '../credentials/client-address.js'
import { retryAfterUntil } from '../domain/retry-after.js'
import type { ClientRecord, RegistrationLimits, RegistrationPrunePolicy, RegistrationStore } from '../store/types/index.js'
import type { Client, Clock, RegistrationRequest, RegistrationResult } from '../domain/types.js'
import type { IssuerConfig } from '../config.js'
import { DEFAULT_CLIENT_TTL } from './validate.js'
import type { RegistrationService } from './types.js'

const HOUR_MS = 60 * 60_000
const DAY_MS = 24 * HOUR_MS

export const REGISTRATION_LIMITS: RegistrationLimits = {
  perAddress: 10,
  addressWindowMs: HOUR_MS,
  maxUnused: 1000,
  unusedLifetimeMs: DAY_MS,
}

export const REGISTRATION_PRUNING: RegistrationPrunePolicy = {
  unusedLifetimeMs: DAY_MS,
  idleLifetimeMs: 30 * DAY_MS,
}

/** The server secret the registering addresses are hashed with. */
export const REGISTRATION_KEY_NAME = 'registration-address-key'

export class Registrations implements RegistrationService {
  #key: Promise<Buffer> | undefined

  constructor(
    private readonly store: RegistrationStore,
    private readonly clock: Clock,
    private readonly config: () => Pick<IssuerConfig, 'registrationAudiences' | 'maxTtl'>,
    /** The address key, made on first use (an issuer that never registers a client holds none). */
    private readonly makeKey: () => Promise<Buffer>,
  ) {}

  async register(request: RegistrationRequest, address: string): Promise<RegistrationResult> {
    this.#key ??= this.makeKey().catch((err: unknown) => { this.#key = undefined; throw err })
    const key = await this.#key
    const now = this.clock()
    const { registrationAudiences, maxTtl } = this.config()
    const record: ClientRecord = {
      id: newClientId(), name: request.name ?? '', grants: request.grants, scopes: request.scopes,
      audiences: [...registrationAudiences], ttl: Math.min(DEFAULT_CLIENT_TTL, maxTtl),
      // RFC 7591 §3.2.1: a public client (token_endpoint_auth_method none), never a secret.
      secretHash: null, previousSecretHash: null, previousSecretExpiresAt: null,
      redirectUris: request.redirectUris, skipConsent: false, dpopBoundAccessTokens: false, postLogoutRedirectUris: [],
      createdAt: now, updatedAt: now,
      registration: { addressHash: addressHash(key, address), lastUsedAt: null },
    }
    const outcome = await this.store.register(record, REGISTRATION_LIMITS)
    if (!outcome.ok) return { ok: false, limit: outcome.limit, retryAfter: retryAfterUntil(outcome.retryAt, now) }
    return { ok: true, client: { ...request, id: record.id, issuedAt: now } }
  }

  async recordUse(client: Client): Promise<void> {
    if (client.registered) await this.store.recordUse(client.id, this.clock())
  }

  /** Deletes registrations past their lifetime; returns how many. */
  prune(): Promise<number> {
    return this.store.prune(this.clock(), REGISTRATION_PRUNING)
  }
}
