// PostgreSQL store: being built (see the PostgreSQL issue). Until it lands,
// a postgres:// location is refused with one line.
import { ConfigError } from '../../core/errors.js'
import type { OpenOptions } from '../options.js'
import type { IssuerStore } from '../types/index.js'

export async function openPostgresStore(url: string, _options: OpenOptions = {}): Promise<IssuerStore> {
  throw new ConfigError(`${new URL(url).protocol}// databases are not supported by this build`)
}
