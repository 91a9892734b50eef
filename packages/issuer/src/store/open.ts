// Which store a location names: a `postgres://` or `postgresql://` URL
// selects PostgreSQL, anything else is a SQLite file path (DESIGN.md,
// "Storage: SQLite and PostgreSQL").
import type { OpenOptions } from './options.js'
import { openSqliteStore } from './sqlite/index.js'
import type { IssuerStore } from './types/index.js'

export type { OpenOptions } from './options.js'

export const isPostgresUrl = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location)

/** Opens the store at `location` (a SQLite path or a PostgreSQL URL), migrating it as needed. */
export async function openStore(location: string, options: OpenOptions = {}): Promise<IssuerStore> {
  if (isPostgresUrl(location)) {
    // Loaded only for a URL: a SQLite deployment never loads pg.
    const { openPostgresStore } = await import('./postgres/index.js')
    return openPostgresStore(location, options)
  }
  return openSqliteStore(location, options)
}
