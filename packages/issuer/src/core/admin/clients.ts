// Client administration: create, list, show, update, delete, rotate-secret.
// Each write is one store operation (one transaction): nothing half-written.
import { PUBLIC_CLIENT_GRANTS, type Clock, type GrantType } from '../../domain/types.js'
import { NotFoundError, InvalidInputError } from '../../domain/errors.js'
import type { ClientChanges, ClientRecord, IssuerStore } from '../../store/types/index.js'
import { newClientId, newClientSecret } from '../../credentials/ids.js'
import { hashClientSecret } from '../../credentials/secrets.js'
import {
  checkName, DEFAULT_CLIENT_TTL, parseAudiences, parseBoolean, parseGrants, parseRedirectUris, parseScopes, parseSeconds, parseTtl,
} from '../validate.js'

/** A client as the admin side shows it: its stored record without the secret hashes. */
export type ClientInfo = Omit<ClientRecord, 'secretHash' | 'previousSecretHash' | 'registration'> & {
  /** No secret: a mobile, desktop or browser app (RFC 6749 §2.1). */
  public: boolean
  /** Registered itself (RFC 7591) rather than created by an operator. */
  registered: boolean
  /** A registered client's last code or token, ms; null: never used, or created by an operator. */
  lastUsedAt: number | null
  /** A public client stored with skip-consent (an older database): treated as not skipping (RFC 8252 §8.6). */
  skipConsentIgnored: boolean
}

export interface ClientInput {
  name?: string
  /** Grant names as given (validated here). */
  grants?: string[]
  /** Space-delimited scope lists as given. */
  scopes?: string[]
  audiences?: string[]
  /** Seconds, as given. */
  ttl?: string | number
  redirectUris?: string[]
  /** OpenID Connect RP-Initiated Logout 1.0 §2 post_logout_redirect_uri values (the redirect URI rules). */
  postLogoutRedirectUris?: string[]
  /** Create only: a client with no secret. */
  public?: boolean
  skipConsent?: boolean | string
  /** `--dpop`: every token request must carry a DPoP proof (RFC 9449 §5.2 dpop_bound_access_tokens). */
  dpop?: boolean | string
}

function info(c: ClientRecord, now: number): ClientInfo {
  return {
    id: c.id, name: c.name, grants: c.grants, scopes: c.scopes, audiences: c.audiences, ttl: c.ttl,
    public: c.secretHash === null, redirectUris: c.redirectUris, dpopBoundAccessTokens: c.dpopBoundAccessTokens,
    skipConsent: c.skipConsent && c.secretHash !== null, skipConsentIgnored: c.skipConsent && c.secretHash === null,
    postLogoutRedirectUris: c.postLogoutRedirectUris,
    createdAt: c.createdAt, updatedAt: c.updatedAt,
    registered: c.registration !== null, lastUsedAt: c.registration?.lastUsedAt ?? null,
    previousSecretExpiresAt: c.previousSecretExpiresAt !== null && c.previousSecretExpiresAt > now ? c.previousSecretExpiresAt : null,
  }
}

function requiredScopes(values: readonly string[]): string[] {
  const scopes = parseScopes(values)
  if (scopes.length === 0) throw new InvalidInputError('at least one scope is required (--scope "read write")')
  return scopes
}

/** RFC 8252 §8.6: a public client's redirect URI can be claimed by any program on the device, so it never skips consent. */
export const PUBLIC_SKIP_CONSENT =
  '--skip-consent is for confidential clients only: a public client\'s redirect URI can be claimed by another program on the device (RFC 8252 §8.6)'

/**
 * The rules that tie a client's fields together, checked on the whole
 * record after a create or an update. `redirectUrisGiven`: the URIs come
 * from this command (a create, or an update with --redirect-uri); an update
 * whose --grant leaves out authorization_code keeps the stored URIs unused
 * (DESIGN.md "Issuer CLI").
 */
function checkCombination(c: { grants: GrantType[]; redirectUris: string[]; isPublic: boolean; skipConsent: boolean; redirectUrisGiven: boolean }): void {
  if (c.isPublic) {
    const other = c.grants.find((g) => !PUBLIC_CLIENT_GRANTS.includes(g))
    if (other) throw new InvalidInputError(`a public client may hold only the grants ${PUBLIC_CLIENT_GRANTS.join(' and ')}, not ${other}`)
    if (c.skipConsent) throw new InvalidInputError(PUBLIC_SKIP_CONSENT)
  }
  const code = c.grants.includes('authorization_code')
  if (code && c.redirectUris.length === 0) throw new InvalidInputError('a client with the authorization_code grant needs at least one --redirect-uri')
  if (!code && c.redirectUris.length > 0 && c.redirectUrisGiven) {
    throw new InvalidInputError('--redirect-uri is for clients with the authorization_code grant')
  }
}

/**
 * Checks a client's fields: all required ones for `create`, at least one for
 * an update. Returns the normalised changes; throws InvalidInputError.
 * Exported so that a caller can check before opening anything (an update's
 * combination with the stored fields is checked by `update`).
 */
export function checkClientInput(input: ClientInput, maxTtl: number, mode: 'create' | 'update'): ClientChanges {
  const changes: ClientChanges = {}
  if (mode === 'create') {
    if (input.name === undefined) throw new InvalidInputError('--name is required')
    changes.grants = parseGrants(input.grants ?? [])
    changes.scopes = requiredScopes(input.scopes ?? [])
    changes.audiences = parseAudiences(input.audiences ?? [])
    changes.redirectUris = parseRedirectUris(input.redirectUris ?? [])
    changes.postLogoutRedirectUris = parseRedirectUris(input.postLogoutRedirectUris ?? [])
    changes.skipConsent = input.skipConsent === undefined ? false : parseBoolean(input.skipConsent, 'skip-consent')
    changes.dpopBoundAccessTokens = input.dpop === undefined ? false : parseBoolean(input.dpop, 'dpop')
    checkCombination({
      grants: changes.grants, redirectUris: changes.redirectUris, isPublic: input.public === true, skipConsent: changes.skipConsent, redirectUrisGiven: true,
    })
  } else {
    if (input.public !== undefined) throw new InvalidInputError('a client cannot be made public or confidential after creation')
    if (input.grants !== undefined) changes.grants = parseGrants(input.grants)
    if (input.scopes !== undefined) changes.scopes = requiredScopes(input.scopes)
    if (input.audiences !== undefined) changes.audiences = parseAudiences(input.audiences)
    if (input.redirectUris !== undefined) changes.redirectUris = parseRedirectUris(input.redirectUris)
    if (input.postLogoutRedirectUris !== undefined) changes.postLogoutRedirectUris = parseRedirectUris(input.postLogoutRedirectUris)
    if (input.skipConsent !== undefined) changes.skipConsent = parseBoolean(input.skipConsent, 'skip-consent')
    if (input.dpop !== undefined) changes.dpopBoundAccessTokens = parseBoolean(input.dpop, 'dpop')
  }
  if (input.name !== undefined) changes.name = checkName(input.name)
  if (input.ttl !== undefined) changes.ttl = parseTtl(input.ttl, maxTtl)
  else if (mode === 'create') changes.ttl = Math.min(DEFAULT_CLIENT_TTL, maxTtl)
  if (mode === 'update' && Object.keys(changes).length === 0) {
    throw new InvalidInputError('nothing to update: give --name, --scope, --audience, --grant, --redirect-uri, --post-logout-redirect-uri, --skip-consent, --dpop or --ttl')
  }
  return changes
}

export class ClientAdmin {
  constructor(
    private readonly store: IssuerStore,
    private readonly clock: Clock,
    private readonly maxTtl: () => number,
  ) {}

  /** Creates a client; a confidential client's secret is returned here once and never stored in clear. */
  async create(input: ClientInput): Promise<{ client: ClientInfo; secret: string | null }> {
    const { name, grants, scopes, audiences, ttl, redirectUris, skipConsent, dpopBoundAccessTokens, postLogoutRedirectUris } =
      checkClientInput(input, this.maxTtl(), 'create') as Required<ClientChanges>
    const secret = input.public === true ? null : newClientSecret()
    const now = this.clock()
    const record: ClientRecord = {
      id: newClientId(), name, grants, scopes, audiences, ttl, secretHash: secret === null ? null : hashClientSecret(secret),
      previousSecretHash: null, previousSecretExpiresAt: null, redirectUris, skipConsent, dpopBoundAccessTokens, postLogoutRedirectUris,
      createdAt: now, updatedAt: now, registration: null,
    }
    await this.store.clients.insert(record)
    return { client: info(record, now), secret }
  }

  async list(): Promise<ClientInfo[]> {
    const now = this.clock()
    return (await this.store.clients.list()).map((c) => info(c, now))
  }

  async show(id: string): Promise<ClientInfo> {
    const c = await this.store.clients.get(id)
    if (!c) throw new NotFoundError(`no client ${id}`)
    return info(c, this.clock())
  }

  /** Each list given replaces the old one. */
  async update(id: string, input: ClientInput): Promise<ClientInfo> {
    const changes = checkClientInput(input, this.maxTtl(), 'update')
    const current = await this.store.clients.get(id)
    if (!current) throw new NotFoundError(`no client ${id}`)
    checkCombination({
      grants: changes.grants ?? current.grants,
      redirectUris: changes.redirectUris ?? current.redirectUris,
      isPublic: current.secretHash === null,
      // Only a change asked for now is refused; a public client stored as skipping (an older database) is treated as not skipping.
      skipConsent: changes.skipConsent === true,
      redirectUrisGiven: changes.redirectUris !== undefined,
    })
    const now = this.clock()
    const updated = await this.store.clients.update(id, changes, now)
    if (!updated) throw new NotFoundError(`no client ${id}`)
    return info(updated, now)
  }

  /** Deletes the client with its pending requests, codes and refresh tokens. */
  async delete(id: string): Promise<void> {
    if (!(await this.store.clients.delete(id))) throw new NotFoundError(`no client ${id}`)
  }

  /**
   * A new secret, returned once. The previous one keeps working for
   * `graceSeconds` (0: invalid at once).
   */
  async rotateSecret(id: string, graceSeconds: string | number = 0): Promise<{ client: ClientInfo; secret: string }> {
    const grace = typeof graceSeconds === 'number' ? graceSeconds : parseSeconds(graceSeconds, 'grace')
    if (!Number.isSafeInteger(grace) || grace < 0) throw new InvalidInputError(`bad grace "${graceSeconds}": expected a number of seconds`)
    const current = await this.store.clients.get(id)
    if (!current) throw new NotFoundError(`no client ${id}`)
    if (current.secretHash === null) throw new InvalidInputError(`client ${id} is public: it has no secret to rotate`)
    const secret = newClientSecret()
    const now = this.clock()
    const ok = await this.store.clients.rotateSecret(id, hashClientSecret(secret), grace > 0 ? now + grace * 1000 : null, now)
    if (!ok) throw new NotFoundError(`no client ${id}`)
    return { client: await this.show(id), secret }
  }
}
