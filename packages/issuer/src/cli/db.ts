// `tessera-issuer db copy --to PATH_OR_URL | backup PATH`
// copy: everything (clients with their secret hashes, users, keys and
// secrets as stored, sessions, refresh tokens) from the --db store into an
// empty store of either kind, in one transaction on the target.
// backup: a consistent copy of a live SQLite database (online backup API).
import { looksLikeUrl, redactUrl, showLocation, storeLocationProblem } from '../domain/store-location.js'
import { openStore } from '../store/open.js'
import { parse, str } from './args.js'
import { adminConfig, withAdmin } from './context.js'
import { UsageError } from './errors.js'
import { helpFor } from './help.js'
import { printJson, printLines, type CliIo } from './io.js'

export async function dbCommand(args: string[], io: CliIo): Promise<void> {
  const [sub, ...rest] = args
  switch (sub) {
    case 'copy': {
      const { values } = parse('db copy', rest, { to: { type: 'string' } })
      if (values.help) return printLines(io, helpFor('db copy'))
      const to = str(values.to)
      if (to === undefined) throw new UsageError('db copy: --to PATH_OR_URL is required')
      const problem = storeLocationProblem(to, 'db copy: --to')
      if (problem !== null) throw new UsageError(problem)
      const config = adminConfig(io, values)
      if (to === config.dbPath) throw new UsageError('db copy: --to names the --db store itself')
      await withAdmin(io, values, async (admin) => {
        const snapshot = await admin.store.exportAll()
        // The target is checked like any store the issuer opens (schema migrated), then filled in one transaction.
        const target = await openStore(to)
        try {
          await target.importAll(snapshot)
        } finally {
          await target.close()
        }
        const counts = {
          clients: snapshot.clients.length, users: snapshot.users.length, keys: snapshot.keys.length,
          refresh_tokens: snapshot.refreshTokens.length, sessions: snapshot.sessions.length,
        }
        const where = showLocation(to)
        if (values.json) return printJson(io, { from: admin.store.location, to: where, copied: counts })
        printLines(io, [
          `Copied ${counts.clients} clients, ${counts.users} users, ${counts.keys} signing keys, ${counts.refresh_tokens} refresh tokens and ${counts.sessions} sessions to ${where}.`,
          'Private keys are copied as stored: an encrypted database stays encrypted under the same key encryption key.',
        ])
      }, undefined, { mustExist: true })
      return
    }
    case 'backup': {
      const { values, positionals } = parse('db backup', rest, {}, ['PATH'])
      if (values.help) return printLines(io, helpFor('db backup'))
      const path = positionals[0]!
      // A backup is a SQLite file holding every private key: a URL is no place
      // for it (it would become a folder named after the URL, password and all).
      if (looksLikeUrl(path)) {
        throw new UsageError(`db backup: ${redactUrl(path)} is a URL; PATH is the SQLite file to write ` +
          '(to fill a PostgreSQL database, use db copy --to URL; to back one up, pg_dump)')
      }
      await withAdmin(io, values, async (admin) => {
        await admin.store.backup(path)
        if (values.json) return printJson(io, { from: admin.store.location, backup: path })
        printLines(io, [`Wrote a consistent copy of ${admin.store.location} to ${path}.`])
      }, undefined, { mustExist: true })
      return
    }
    default:
      throw new UsageError(`db: unknown command "${sub}" (tessera-issuer db --help)`)
  }
}
