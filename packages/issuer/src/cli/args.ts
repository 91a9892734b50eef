// Argument parsing for every command: node:util parseArgs in strict mode,
// its errors turned into one clear line. Positionals may begin with "-" (a
// kid is base64url): an argument that looks like an option but is none is
// taken as the positional it stands in for, and "--" ends the options.
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

/** Edits (insert, delete, substitute, swap two neighbours) between two strings: the optimal string alignment distance. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1)
    }
  }
  return d[a.length]![b.length]!
}

/**
 * The option of `spec` nearest to an unknown `--name`, when it is near
 * enough to be a typo (at most 2 edits, and fewer than half the name).
 */
export function nearestOption(unknown: string, spec: OptionSpec): string | undefined {
  const name = unknown.replace(/^--?/, '').split('=')[0]!
  let best: { option: string; edits: number } | undefined
  for (const option of Object.keys(spec)) {
    const edits = distance(name, option)
    if (edits <= 2 && edits * 2 < Math.max(name.length, option.length) && (best === undefined || edits < best.edits)) best = { option, edits }
  }
  return best && `--${best.option}`
}

function usageMessage(err: unknown, command: string, spec: OptionSpec): string {
  const code = (err as { code?: string }).code
  const message = (err as Error).message
  const quoted = /'([^']+)'/.exec(message)?.[1]
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const near = quoted === undefined ? undefined : nearestOption(quoted, spec)
      return `${command}: unknown option ${quoted ?? ''}`.trim() + (near ? `; did you mean ${near}?` : '')
    }
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
 * Splits `args` into option arguments and positionals: "--" ends the
 * options; an argument that begins with "-" but names no option of `spec`
 * is a positional when the plain arguments leave a positional missing
 * (`keys retire -U1RP... --now`), else an unknown option. The value of a
 * string option stays with it (parseArgs judges it).
 */
function separate(command: string, args: string[], spec: OptionSpec, wanted: number): { options: string[]; positionals: string[] } {
  const shorts = new Map<string, string>(Object.entries(spec).flatMap(([name, o]) => (o.short ? [[`-${o.short}`, name] as const] : [])))
  const kinds: Array<'option' | 'value' | 'dash' | 'plain'> = []
  let end = args.length
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === '--') { end = i; break }
    const name = arg.startsWith('--') ? arg.slice(2).split('=')[0]! : shorts.get(arg)
    const option = name === undefined ? undefined : spec[name]
    if (option) {
      kinds.push('option')
      if (option.type === 'string' && !arg.includes('=')) {
        // Said here: parseArgs would call a value missing before our "--" (below) "ambiguous".
        if (i + 1 >= args.length || args[i + 1] === '--') throw new UsageError(`${command}: option ${arg} needs a value`)
        kinds.push('value')
        i++
      }
    } else {
      kinds.push(arg.length > 1 && arg.startsWith('-') ? 'dash' : 'plain')
    }
  }
  const rest = args.slice(end + 1)
  let missing = wanted - rest.length - kinds.filter((k) => k === 'plain').length
  const options: string[] = []
  const positionals: string[] = []
  kinds.forEach((kind, i) => {
    if (kind === 'option' || kind === 'value') options.push(args[i]!)
    else if (kind === 'plain' || missing-- > 0) positionals.push(args[i]!)
    else options.push(args[i]!) // parseArgs reports the unknown option
  })
  return { options, positionals: [...positionals, ...rest] }
}

/**
 * Parses `args` for `command` (e.g. "client create"); `positionals` names
 * the positional arguments it requires, in order.
 */
export function parse(command: string, args: string[], options: OptionSpec, positionals: string[] = []): Parsed {
  const spec: OptionSpec = { ...COMMON_OPTIONS, ...options }
  const split = separate(command, args, spec, positionals.length)
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({ args: [...split.options, '--', ...split.positionals], options: spec, strict: true, allowPositionals: true })
  } catch (err) {
    throw new UsageError(usageMessage(err, command, spec))
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
