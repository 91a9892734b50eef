// Opens the store for administration (the CLI): the same checks as the
// server (schema, key encryption key) but no background work.
import type { Clock } from '../../domain/types.js'
import type { IssuerConfig } from '../../config.js'
import { openStore } from '../../store/open.js'
import type { IssuerStore } from '../../store/types/index.js'
import { KeyManager } from '../../keys/manager.js'
import { ClientAdmin } from './clients.js'
import { ScopeAdmin } from './scopes.js'
import { UserAdmin } from './users.js'

export interface Admin {
  readonly store: IssuerStore
  readonly clients: ClientAdmin
  readonly users: UserAdmin
  readonly scopes: ScopeAdmin
  readonly keys: KeyManager
  close(): Promise<void>
}

export interface OpenAdminDeps {
  clock?: Clock
  store?: IssuerStore
  /** Refuse, with one line naming it, a database that does not exist yet (read-only commands). */
  mustExist?: boolean
  /**
   * The command reads only what is public about keys (ids, states, times,
   * public keys): without a key encryption key it opens an encrypted
   * database all the same, decrypting nothing. A key that is given is
   * still checked (a wrong one is refused, plaintext keys get encrypted).
   */
  publicKeysOnly?: boolean
}

export async function openAdmin(config: IssuerConfig, deps: OpenAdminDeps = {}): Promise<Admin> {
  const clock = deps.clock ?? Date.now
  const store = deps.store ?? await openStore(config.dbPath, { mustExist: deps.mustExist })
  const keys = new KeyManager(store, clock, () => ({ ...config }))
  try {
    if (!(deps.publicKeysOnly && config.keyEncryptionKey === null)) await keys.checkEncryption()
  } catch (err) {
    await store.close()
    throw err
  }
  return {
    store,
    clients: new ClientAdmin(store, clock, () => config.maxTtl),
    users: new UserAdmin(store, clock),
    scopes: new ScopeAdmin(store, clock),
    keys,
    close: () => store.close(),
  }
}
