// The `tessera-issuer` command line: dispatch to one command group per file.
// Exit status: 0 done, 1 failed (configuration, not found, conflict, ...),
// 2 bad command line. Every failure is one line on stderr, prefixed
// `tessera-issuer: `, or with --json one JSON object {"error", "message"}.
import { readFileSync } from 'node:fs'
import { ConfigError, ConflictError, InvalidInputError, NotFoundError } from '../domain/errors.js'
import { UsageError } from './errors.js'
import { GROUPS, groupHelp, mainHelp } from './help.js'
import { PREFIX, printLines, type CliIo } from './io.js'

const COMMANDS = 'serve, client, user, scope, keys or db'

export const USAGE = mainHelp()

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  return pkg.version
}

/** `client --help`, `client` alone, or an unknown subcommand of a group: handled before the group's own code. */
function groupUsage(group: string, sub: string | undefined, io: CliIo): boolean {
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    printLines(io, groupHelp(group))
    return true
  }
  const subs = GROUPS[group]!
  if (sub === undefined) throw new UsageError(`${group}: missing command (${subs.join(', ')}; tessera-issuer ${group} --help)`)
  if (!subs.includes(sub)) throw new UsageError(`${group}: unknown command "${sub}" (${subs.join(', ')}; tessera-issuer ${group} --help)`)
  return false
}

async function dispatch(argv: string[], io: CliIo): Promise<void> {
  const [group, ...rest] = argv
  if (group !== undefined && group in GROUPS && groupUsage(group, rest[0], io)) return
  switch (group) {
    case 'serve':
      // Loaded only here: the admin commands never load the HTTP stack.
      return (await import('./serve.js')).serveCommand(rest, io)
    case 'client':
      return (await import('./client.js')).clientCommand(rest, io)
    case 'user':
      return (await import('./user.js')).userCommand(rest, io)
    case 'scope':
      return (await import('./scope.js')).scopeCommand(rest, io)
    case 'keys':
      return (await import('./keys.js')).keysCommand(rest, io)
    case 'db':
      return (await import('./db.js')).dbCommand(rest, io)
    case 'help':
    case '--help':
    case '-h':
      return printLines(io, USAGE)
    case '--version':
    case '-V':
      return printLines(io, [version()])
    case undefined:
      throw new UsageError(`missing command: ${COMMANDS} (tessera-issuer --help)`)
    default:
      throw new UsageError(`unknown command "${group}": expected ${COMMANDS} (tessera-issuer --help)`)
  }
}

/** The exit status and the machine-readable name of a failure. */
function classify(err: unknown): { status: number; error: string; lines: string[] } {
  if (err instanceof UsageError || err instanceof InvalidInputError) return { status: 2, error: err.code, lines: [err.message] }
  if (err instanceof ConfigError) return { status: 1, error: err.code, lines: [...err.problems] }
  if (err instanceof NotFoundError || err instanceof ConflictError) return { status: 1, error: err.code, lines: [err.message] }
  const code = (err as { code?: unknown })?.code
  const message = (err as Error)?.message ?? String(err)
  return { status: 1, error: typeof code === 'string' && /^[a-z_]+$/.test(code) ? code : 'failed', lines: [`failed: ${message}`] }
}

/** Runs the command line `argv` (without node and the script) and returns the exit status. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    await dispatch(argv, io)
    return 0
  } catch (err) {
    const { status, error, lines } = classify(err)
    const options = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv
    if (options.includes('--json')) {
      io.stderr.write(JSON.stringify({ error, message: lines.map((l) => l.split('\n')[0]).join('; ') }) + '\n')
    } else {
      for (const l of lines) io.stderr.write(`${PREFIX}${l.split('\n')[0]}\n`)
    }
    return status
  }
}
