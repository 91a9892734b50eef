// Opens the database for an admin command: configuration from the
// environment plus the command's --db and --key-encryption-key-file, and the
// same checks as the server (schema, key encryption key).
import { loadConfig } from '../config.js'
import { openAdmin, type Admin } from '../core/admin/open-admin.js'
import type { IssuerConfig } from '../config.js'
import { str, type Parsed } from './args.js'
import { note, type CliIo } from './io.js'

export function adminConfig(io: CliIo, values: Parsed['values']): IssuerConfig {
  return loadConfig(io.env, {
    db: str(values.db),
    'key-encryption-key-file': str(values['key-encryption-key-file']),
    'signing-alg': str(values['signing-alg']),
  })
}

/**
 * Runs `fn` with the admin services open, and closes them whatever happens.
 * A command that only reads, or changes a record that must exist, passes
 * `mustExist`: on a path with no database it fails with one line naming the
 * path and creates nothing. A command that shows only public key facts
 * passes `publicKeysOnly`: it needs no key encryption key. Otherwise a new database is created, and one
 * line on stderr says so, once `precheck` has accepted the arguments.
 */
export async function withAdmin<T>(
  io: CliIo,
  values: Parsed['values'],
  fn: (admin: Admin, config: IssuerConfig) => Promise<T>,
  /** Checks run before the database is opened, so a bad argument touches nothing. */
  precheck?: (config: IssuerConfig) => void,
  options: { mustExist?: boolean; publicKeysOnly?: boolean } = {},
): Promise<T> {
  const config = adminConfig(io, values)
  precheck?.(config)
  const admin = await openAdmin(config, options)
  if (admin.store.created) note(io, `created a new database at ${admin.store.location}`)
  try {
    return await fn(admin, config)
  } finally {
    await admin.close()
  }
}
