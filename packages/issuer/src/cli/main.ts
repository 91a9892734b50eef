// The `tessera-issuer` command line: dispatch to one command group per file.
// Exit status: 0 done, 1 failed (configuration, not found, conflict, ...),
// 2 bad command line. Every failure is one line on stderr.
import { ConfigError, ConflictError, InvalidInputError, NotFoundError } from '../core/errors.js'
import { CLIENT_USAGE } from './client.js'
import { DB_USAGE } from './db.js'
import { UsageError } from './errors.js'
import { printLines, type CliIo } from './io.js'
import { KEYS_USAGE } from './keys.js'
import { USER_USAGE } from './user.js'

const SERVE_LINE = 'serve [--host HOST] [--port PORT] [--issuer URL] [--db PATH] [--signing-alg ALG] ...'

export const USAGE = [
  'usage: tessera-issuer COMMAND [options]     (every command takes --db PATH and --json)',
  '',
  ...[SERVE_LINE, ...CLIENT_USAGE, ...USER_USAGE, ...KEYS_USAGE, ...DB_USAGE].map((l) => `  tessera-issuer ${l}`),
]

async function dispatch(argv: string[], io: CliIo): Promise<void> {
  const [group, ...rest] = argv
  switch (group) {
    case 'serve':
      // Loaded only here: the admin commands never load the HTTP stack.
      return (await import('./serve.js')).serveCommand(rest, io)
    case 'client':
      return (await import('./client.js')).clientCommand(rest, io)
    case 'user':
      return (await import('./user.js')).userCommand(rest, io)
    case 'keys':
      return (await import('./keys.js')).keysCommand(rest, io)
    case 'db':
      return (await import('./db.js')).dbCommand(rest, io)
    case 'help':
    case '--help':
    case '-h':
      return printLines(io, USAGE)
    case undefined:
      throw new UsageError('missing command: serve, client, user, keys or db (tessera-issuer --help)')
    default:
      throw new UsageError(`unknown command "${group}": expected serve, client, user, keys or db (tessera-issuer --help)`)
  }
}

/** Runs the command line `argv` (without node and the script) and returns the exit status. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    await dispatch(argv, io)
    return 0
  } catch (err) {
    const line = (m: string): void => { io.stderr.write(`tessera-issuer: ${m.split('\n')[0]}\n`) }
    if (err instanceof UsageError || err instanceof InvalidInputError) {
      line(err.message)
      return 2
    }
    if (err instanceof ConfigError) {
      for (const p of err.problems) line(p)
      return 1
    }
    if (err instanceof NotFoundError || err instanceof ConflictError) {
      line(err.message)
      return 1
    }
    line(`failed: ${(err as Error).message ?? String(err)}`)
    return 1
  }
}
