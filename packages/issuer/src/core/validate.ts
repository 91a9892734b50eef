// Checks of the values an administrator gives (CLI and any other admin
// caller). Each failure is an InvalidInputError with one line naming the value.
import { InvalidInputError } from './errors.js'
import { GRANT_TYPES, type GrantType } from './types.js'
import { MAX_USERNAME_LENGTH } from '../credentials/usernames.js'

/** Default token lifetime of a client, seconds. */
export const DEFAULT_CLIENT_TTL = 900

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/

/**
 * Parses one or more space-delimited scope lists (RFC 6749 §3.3) into a
 * sorted list without duplicates.
 */
export function parseScopes(values: readonly string[]): string[] {
  const scopes = new Set<string>()
  for (const value of values) {
    for (const token of value.split(' ')) {
      if (token === '') continue
      if (!SCOPE_TOKEN.test(token)) throw new InvalidInputError(`bad scope "${token}": a scope is printable ASCII without spaces, quotes or backslashes (RFC 6749 §3.3)`)
      scopes.add(token)
    }
  }
  return [...scopes].sort()
}

/**
 * An audience is an RFC 8707 §2 resource indicator: an absolute URI without
 * a fragment. It is kept exactly as given: the token endpoint compares it
 * byte for byte.
 */
export function checkAudience(value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InvalidInputError(`bad audience "${value}": it must be an absolute URI such as https://api.example (RFC 8707 §2)`)
  }
  if (value.includes('#') || url.hash !== '') throw new InvalidInputError(`bad audience "${value}": it must not contain a fragment (RFC 8707 §2)`)
  if (/\s/.test(value) || CONTROL.test(value)) throw new InvalidInputError(`bad audience "${value}": it must not contain spaces or control characters`)
  return value
}

/** Audiences in the order given (the first is the default `aud`), without duplicates. */
export function parseAudiences(values: readonly string[]): string[] {
  const out: string[] = []
  for (const v of values) {
    checkAudience(v)
    if (!out.includes(v)) out.push(v)
  }
  if (out.length === 0) throw new InvalidInputError('at least one --audience is required')
  return out
}

export function parseGrants(values: readonly string[]): GrantType[] {
  const out: GrantType[] = []
  for (const v of values) {
    if (!(GRANT_TYPES as readonly string[]).includes(v)) {
      throw new InvalidInputError(`bad grant "${v}": expected ${GRANT_TYPES.join(' or ')}`)
    }
    if (!out.includes(v as GrantType)) out.push(v as GrantType)
  }
  if (out.length === 0) throw new InvalidInputError('at least one --grant is required')
  return out
}

/** A token lifetime in whole seconds, from 1 to `maxTtl`. */
export function parseTtl(value: string | number, maxTtl: number): number {
  const text = String(value)
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new InvalidInputError(`bad ttl "${text}": expected a positive number of seconds`)
  const ttl = Number(text)
  if (ttl > maxTtl) throw new InvalidInputError(`bad ttl ${ttl}: above TESSERA_MAX_TTL (${maxTtl} s)`)
  return ttl
}

/** A duration in whole seconds, 0 or more. */
export function parseSeconds(value: string, what: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidInputError(`bad ${what} "${value}": expected a number of seconds`)
  return Number(value)
}

export function checkName(value: string): string {
  const name = value.trim()
  if (name === '') throw new InvalidInputError('the name must not be empty')
  if (name.length > 200) throw new InvalidInputError('the name must be at most 200 characters')
  if (CONTROL.test(name)) throw new InvalidInputError('the name must not contain control characters')
  return name
}

export function checkUsername(normalised: string): string {
  if (normalised === '') throw new InvalidInputError('the username must not be empty')
  if (normalised.length > MAX_USERNAME_LENGTH) throw new InvalidInputError(`the username must be at most ${MAX_USERNAME_LENGTH} characters`)
  if (CONTROL.test(normalised) || /\s/.test(normalised)) throw new InvalidInputError('the username must not contain spaces or control characters')
  return normalised
}

export const MAX_PASSWORD_BYTES = 1024

export function checkPassword(password: string): string {
  if (password === '') throw new InvalidInputError('the password must not be empty')
  if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES) throw new InvalidInputError(`the password must be at most ${MAX_PASSWORD_BYTES} bytes`)
  return password
}
