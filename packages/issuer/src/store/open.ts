// Which store a location names: a `postgres://` or `postgresql://` URL
// selects PostgreSQL, a path a SQLite file, and any other URL scheme is
// refused (DESIGN.md, "Storage: SQLite and PostgreSQL"; the rule itself is
// domain/store-location.ts, which the configuration checks too).
import { ConfigError } from '../domain/errors.js'
import { isPostgresUrl, storeLocationProblem } from '../domain/store-location.js'
import type { OpenOptions } from './options.js'
import { openSqliteStore } from './sqlite/index.js'
import type { IssuerStore } from './types/index.js'

export type { OpenOptions } from './options.js'
export { isPostgresUrl } from '../domain/store-location.js'

/**
 * Opens the store at `location` (a SQLite path or a PostgreSQL URL),
 * migrating it as needed. Another URL scheme is a ConfigError that names
 * the supported forms, and nothing is created.
 */
export async function openStore(location: string, options: OpenOptions = {}): Promise<IssuerStore> {
  const problem = storeLocationProblem(location, 'database')
  if (problem !== null) throw new ConfigError(problem)
  if (isPostgresUrl(location)) {
    // Loaded only for a URL: a SQLite deployment never loads pg.
    const { openPostgresStore } = await import('./postgres/index.js')
    return openPostgresStore(location, options)
  }
  return openSqliteStore(location, options)
}
