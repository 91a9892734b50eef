// Reading a password: `--password-stdin` reads one line (its trailing
// newline dropped); otherwise a prompt on the terminal with echo off.
import { UsageError } from './errors.js'
import type { CliIo } from './io.js'

const MAX_STDIN_BYTES = 64 * 1024

/** The first line of standard input, without its line ending. */
export async function readPasswordStdin(io: CliIo): Promise<string> {
  let data = ''
  for await (const chunk of io.stdin) {
    data += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8')
    if (data.includes('\n') || data.length > MAX_STDIN_BYTES) break
  }
  const nl = data.indexOf('\n')
  let line = nl === -1 ? data : data.slice(0, nl)
  if (line.endsWith('\r')) line = line.slice(0, -1)
  if (line === '') throw new UsageError('--password-stdin: no password on standard input')
  return line
}

function promptHidden(io: CliIo, prompt: string): Promise<string> {
  const stdin = io.stdin
  return new Promise((resolve, reject) => {
    let value = ''
    io.stderr.write(prompt)
    stdin.setRawMode?.(true)
    stdin.setEncoding('utf8')
    stdin.resume()
    const done = (err: Error | null): void => {
      stdin.removeListener('data', onData)
      stdin.setRawMode?.(false)
      stdin.pause()
      io.stderr.write('\n')
      if (err) reject(err)
      else resolve(value)
    }
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done(null)
        if (ch === '\u0003') return done(new UsageError('cancelled'))
        if (ch === '\u0004') return done(null)
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1)
        else value += ch
      }
    }
    stdin.on('data', onData)
  })
}

/** Asks twice on a terminal (echo off); fails clearly when stdin is not one. */
export async function promptNewPassword(io: CliIo): Promise<string> {
  if (!io.stdin.isTTY) {
    throw new UsageError('no password given: use --password-stdin, or run on a terminal to be prompted')
  }
  const first = await promptHidden(io, 'Password: ')
  if (first === '') throw new UsageError('the password must not be empty')
  const second = await promptHidden(io, 'Repeat password: ')
  if (first !== second) throw new UsageError('the passwords do not match')
  return first
}

export async function readNewPassword(io: CliIo, fromStdin: boolean): Promise<string> {
  return fromStdin ? readPasswordStdin(io) : promptNewPassword(io)
}
