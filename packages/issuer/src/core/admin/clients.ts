// Client administration: create, list, show, update, delete, rotate-secret.
// Each write is one store operation (one transaction): nothing half-written.
import type { Clock } from '../types.js'
import { NotFoundError, InvalidInputError } from '../errors.js'
import type { ClientChanges, ClientRecord, IssuerStore } from '../../store/types.js'
import { newClientId, newClientSecret } from '../../credentials/ids.js'
import { hashClientSecret } from '../../credentials/secrets.js'
import { checkName, DEFAULT_CLIENT_TTL, parseAudiences, parseGrants, parseScopes, parseTtl, parseSeconds } from '../validate.js'

/** A client as the admin side shows it: its stored record without the secret hashes. */
export type ClientInfo = Omit<ClientRecord, 'secretHash' | 'previousSecretHash'>

export interface ClientInput {
  name?: string
  /** Grant names as given (validated here). */
  grants?: string[]
  /** Space-delimited scope lists as given. */
  scopes?: string[]
  audiences?: string[]
  /** Seconds, as given. */
  ttl?: string | number
}

function info(c: ClientRecord, now: number): ClientInfo {
  return {
    id: c.id, name: c.name, grants: c.grants, scopes: c.scopes, audiences: c.audiences, ttl: c.ttl,
    createdAt: c.createdAt, updatedAt: c.updatedAt,
    previousSecretExpiresAt: c.previousSecretExpiresAt !== null && c.previousSecretExpiresAt > now ? c.previousSecretExpiresAt : null,
  }
}

function requiredScopes(values: readonly string[]): string[] {
  const scopes = parseScopes(values)
  if (scopes.length === 0) throw new InvalidInputError('at least one scope is required (--scope "read write")')
  return scopes
}

/**
 * Checks a client's fields: all required ones for `create`, at least one for
 * an update. Returns the normalised changes; throws InvalidInputError.
 * Exported so that a caller can check before opening anything.
 */
export function checkClientInput(input: ClientInput, maxTtl: number, mode: 'create' | 'update'): ClientChanges {
  const changes: ClientChanges = {}
  if (mode === 'create') {
    if (input.name === undefined) throw new InvalidInputError('--name is required')
    changes.grants = parseGrants(input.grants ?? [])
    changes.scopes = requiredScopes(input.scopes ?? [])
    changes.audiences = parseAudiences(input.audiences ?? [])
  } else {
    if (input.grants !== undefined) changes.grants = parseGrants(input.grants)
    if (input.scopes !== undefined) changes.scopes = requiredScopes(input.scopes)
    if (input.audiences !== undefined) changes.audiences = parseAudiences(input.audiences)
  }
  if (input.name !== undefined) changes.name = checkName(input.name)
  if (input.ttl !== undefined) changes.ttl = parseTtl(input.ttl, maxTtl)
  else if (mode === 'create') changes.ttl = Math.min(DEFAULT_CLIENT_TTL, maxTtl)
  if (mode === 'update' && Object.keys(changes).length === 0) {
    throw new InvalidInputError('nothing to update: give --name, --scope, --audience, --grant or --ttl')
  }
  return changes
}

export class ClientAdmin {
  constructor(
    private readonly store: IssuerStore,
    private readonly clock: Clock,
    private readonly maxTtl: () => number,
  ) {}

  /** Creates a client; the secret is returned here once and never stored in clear. */
  async create(input: ClientInput): Promise<{ client: ClientInfo; secret: string }> {
    const { name, grants, scopes, audiences, ttl } = checkClientInput(input, this.maxTtl(), 'create') as Required<ClientChanges>
    const secret = newClientSecret()
    const now = this.clock()
    const record: ClientRecord = {
      id: newClientId(), name, grants, scopes, audiences, ttl, secretHash: hashClientSecret(secret),
      previousSecretHash: null, previousSecretExpiresAt: null, createdAt: now, updatedAt: now,
    }
    await this.store.insertClient(record)
    return { client: info(record, now), secret }
  }

  async list(): Promise<ClientInfo[]> {
    const now = this.clock()
    return (await this.store.listClients()).map((c) => info(c, now))
  }

  async show(id: string): Promise<ClientInfo> {
    const c = await this.store.getClient(id)
    if (!c) throw new NotFoundError(`no client ${id}`)
    return info(c, this.clock())
  }

  /** Each list given replaces the old one. */
  async update(id: string, input: ClientInput): Promise<ClientInfo> {
    const changes = checkClientInput(input, this.maxTtl(), 'update')
    const now = this.clock()
    const updated = await this.store.updateClient(id, changes, now)
    if (!updated) throw new NotFoundError(`no client ${id}`)
    return info(updated, now)
  }

  async delete(id: string): Promise<void> {
    if (!(await this.store.deleteClient(id))) throw new NotFoundError(`no client ${id}`)
  }

  /**
   * A new secret, returned once. The previous one keeps working for
   * `graceSeconds` (0: invalid at once).
   */
  async rotateSecret(id: string, graceSeconds: string | number = 0): Promise<{ client: ClientInfo; secret: string }> {
    const grace = typeof graceSeconds === 'number' ? graceSeconds : parseSeconds(graceSeconds, 'grace')
    if (!Number.isSafeInteger(grace) || grace < 0) throw new InvalidInputError(`bad grace "${graceSeconds}": expected a number of seconds`)
    const secret = newClientSecret()
    const now = this.clock()
    const ok = await this.store.rotateClientSecret(id, hashClientSecret(secret), grace > 0 ? now + grace * 1000 : null, now)
    if (!ok) throw new NotFoundError(`no client ${id}`)
    return { client: await this.show(id), secret }
  }
}
