// Client lookup and authentication (RFC 6749 §2.3). Unknown client and
// wrong secret take the same path: a dummy record is verified the same way,
// so neither the answer nor its time tells them apart (DESIGN.md).
import type { Admission } from '../credentials/admission.js'
import { DUMMY_SECRET_HASH, isSlowSecretHash, verifyFastSecret } from '../credentials/secrets.js'
import { verifyArgon2 } from '../credentials/passwords.js'
import type { ClientRecord, ClientStore } from '../store/types/index.js'
import type { Client, Clock } from '../domain/types.js'

/** Longest client id looked up; longer ones go straight to the dummy path. */
const MAX_LOOKUP_LENGTH = 512

const DUMMY: ClientRecord = {
  id: '', name: '', grants: [], scopes: [], audiences: [], ttl: 0, secretHash: DUMMY_SECRET_HASH,
  previousSecretHash: null, previousSecretExpiresAt: null, redirectUris: [], skipConsent: false, dpopBoundAccessTokens: false, createdAt: 0, updatedAt: 0,
  registration: null, postLogoutRedirectUris: [],
}

export class ClientDirectory {
  readonly #clients: ClientStore
  readonly #clock: Clock
  readonly #admission: Admission
  readonly #maxTtl: () => number

  constructor(clients: ClientStore, clock: Clock, admission: Admission, maxTtl: () => number) {
    this.#clients = clients
    this.#clock = clock
    this.#admission = admission
    this.#maxTtl = maxTtl
  }

  async find(clientId: string): Promise<Client | null> {
    const record = clientId.length <= MAX_LOOKUP_LENGTH ? await this.#clients.get(clientId) : null
    return record ? this.#client(record) : null
  }

  async authenticate(clientId: string, secret: string | undefined): Promise<Client | null> {
    const found = clientId.length <= MAX_LOOKUP_LENGTH ? await this.#clients.get(clientId) : null
    // A public client (RFC 6749 §2.1) authenticates with its id alone and never with a secret.
    if (found !== null && found.secretHash === null) return secret === undefined ? this.#client(found) : null
    if (secret === undefined) return null
    const record = found ?? DUMMY
    let ok = await this.#verify(record.secretHash!, secret)
    if (!ok && record.previousSecretHash !== null && record.previousSecretExpiresAt !== null &&
        this.#clock() < record.previousSecretExpiresAt) {
      ok = await this.#verify(record.previousSecretHash, secret)
    }
    return ok && found !== null ? this.#client(found) : null
  }

  async #verify(hash: string, secret: string): Promise<boolean> {
    return isSlowSecretHash(hash) ? this.#admission.run(() => verifyArgon2(hash, secret)) : verifyFastSecret(hash, secret)
  }

  #client(r: ClientRecord): Client {
    return {
      id: r.id, name: r.name, grants: r.grants, scopes: r.scopes, audiences: r.audiences,
      ttl: Math.min(r.ttl, this.#maxTtl()), public: r.secretHash === null, redirectUris: r.redirectUris,
      // DESIGN.md, RFC 8252 §8.6: a public client never skips consent, whatever the database holds
      // (its loopback or private-use redirect URI can be claimed by any program on the device).
      skipConsent: r.skipConsent && r.secretHash !== null, registered: r.registration !== null, dpopBoundAccessTokens: r.dpopBoundAccessTokens,
      postLogoutRedirectUris: r.postLogoutRedirectUris,
    }
  }
}
