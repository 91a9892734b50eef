// Argument parsing for every command: node:util parseArgs in strict mode,
// its errors turned into one clear line.
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { UsageError } from './errors.js'

export type OptionSpec = NonNullable<ParseArgsConfig['options']>

/** Options every command takes. */
export const COMMON_OPTIONS = {
  db: { type: 'string' },
  json: { type: 'boolean' },
  'key-encryption-key-file': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>
  positionals: string[]
}

function usageMessage(err: unknown, command: string): string {
  const code = (err as { code?: string }).code
  const message = (err as Error).message
  const quoted = /'([^']+)'/.exec(message)?.[1]
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `${command}: unknown option ${quoted ?? ''}`.trim()
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(message)
        ? `${command}: option ${quoted?.split(' ')[0] ?? ''} needs a value`
        : `${command}: ${message.split('\n')[0]}`
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `${command}: unexpected argument ${quoted ?? ''}`.trim()
    default:
      return `${command}: ${message.split('\n')[0]}`
  }
}

/**
 * Parses `args` for `command` (e.g. "client create"); `positionals` names
 * the positional arguments it requires, in order.
 */
export function parse(command: string, args: string[], options: OptionSpec, positionals: string[] = []): Parsed {
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({ args, options: { ...COMMON_OPTIONS, ...options }, strict: true, allowPositionals: true })
  } catch (err) {
    throw new UsageError(usageMessage(err, command))
  }
  const values = parsed.values as Parsed['values']
  if (values.help) return { values, positionals: parsed.positionals }
  if (parsed.positionals.length < positionals.length) {
    throw new UsageError(`${command}: missing ${positionals[parsed.positionals.length]}`)
  }
  if (parsed.positionals.length > positionals.length) {
    throw new UsageError(`${command}: unexpected argument ${parsed.positionals[positionals.length]}`)
  }
  for (const [name, value] of Object.entries(values)) {
    const list = Array.isArray(value) ? value : [value]
    for (const v of list) if (v === '') throw new UsageError(`${command}: --${name} must not be empty`)
  }
  return { values, positionals: parsed.positionals }
}

export const str = (v: Parsed['values'][string]): string | undefined => (typeof v === 'string' ? v : undefined)
export const list = (v: Parsed['values'][string]): string[] | undefined => (Array.isArray(v) ? v : typeof v === 'string' ? [v] : undefined)
