// What a command reads and writes, injected so that the CLI can be driven
// from tests as well as from a terminal.
import type { Readable, Writable } from 'node:stream'

export interface CliIo {
  stdout: Writable
  stderr: Writable
  stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown }
  env: NodeJS.ProcessEnv
}

/** Milliseconds → ISO 8601, or null. */
export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(JSON.stringify(value, null, 2) + '\n')
}

export function printLines(io: CliIo, lines: string[]): void {
  io.stdout.write(lines.join('\n') + '\n')
}

/** Every line the CLI writes to stderr begins so: `tessera-issuer: ...`, then `warning: ` or `note: ` where it is one. */
export const PREFIX = 'tessera-issuer: '

export function warn(io: CliIo, message: string): void {
  io.stderr.write(`${PREFIX}warning: ${message}\n`)
}

/** One line on stderr about something done on the side (a database created), apart from the output. */
export function note(io: CliIo, message: string): void {
  io.stderr.write(`${PREFIX}${message}\n`)
}
