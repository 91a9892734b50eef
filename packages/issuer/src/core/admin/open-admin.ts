// Opens the store for administration (the CLI): the same checks as the
// server (schema, key encryption key) but no background work.
import type { Clock, IssuerConfig } from '../types.js'
import { openSqliteStore } from '../../store/sqlite.js'
import type { IssuerStore } from '../../store/types.js'
import { KeyManager } from '../../keys/manager.js'
import { ClientAdmin } from './clients.js'
import { UserAdmin } from './users.js'

export interface Admin {
  readonly store: IssuerStore
  readonly clients: ClientAdmin
  readonly users: UserAdmin
  readonly keys: KeyManager
  close(): Promise<void>
}

export async function openAdmin(config: IssuerConfig, deps: { clock?: Clock; store?: IssuerStore } = {}): Promise<Admin> {
  const clock = deps.clock ?? Date.now
  const store = deps.store ?? openSqliteStore(config.dbPath)
  const keys = new KeyManager(store, clock, () => ({ ...config }))
  try {
    await keys.checkEncryption()
  } catch (err) {
    await store.close()
    throw err
  }
  return {
    store,
    clients: new ClientAdmin(store, clock, () => config.maxTtl),
    users: new UserAdmin(store, clock),
    keys,
    close: () => store.close(),
  }
}
