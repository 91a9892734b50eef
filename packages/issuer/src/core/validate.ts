// Checks of the values an administrator gives (CLI and any other admin
// caller). Each failure is an InvalidInputError with one line naming the value.
import { InvalidInputError } from '../domain/errors.js'
import { GRANT_TYPES, type GrantType } from '../domain/types.js'
import { hasInvisibleCharacters, MAX_USERNAME_LENGTH } from '../credentials/usernames.js'
import { audienceProblem, CONTROL } from '../config/values.js'
import { SCOPE_TOKEN, SCOPE_TOKEN_RULE } from '../domain/types.js'

/** Default token lifetime of a client, seconds. */
export const DEFAULT_CLIENT_TTL = 900

/**
 * Parses one or more space-delimited scope lists (RFC 6749 §3.3) into a
 * sorted list without duplicates.
 */
export function parseScopes(values: readonly string[]): string[] {
  const scopes = new Set<string>()
  for (const value of values) {
    for (const token of value.split(' ')) {
      if (token === '') continue
      if (!SCOPE_TOKEN.test(token)) throw new InvalidInputError(`bad scope "${token}": ${SCOPE_TOKEN_RULE}`)
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
  const problem = audienceProblem(value)
  if (problem !== null) throw new InvalidInputError(`bad audience "${value}": ${problem}`)
  return value
}

/** Each value checked, in the order given, without duplicates. */
function checkedList(values: readonly string[], check: (value: string) => string): string[] {
  const out: string[] = []
  for (const v of values) {
    check(v)
    if (!out.includes(v)) out.push(v)
  }
  return out
}

/** Audiences in the order given (the first is the default `aud`), without duplicates. */
export function parseAudiences(values: readonly string[]): string[] {
  const out = checkedList(values, checkAudience)
  if (out.length === 0) throw new InvalidInputError('at least one --audience is required')
  return out
}

export function parseGrants(values: readonly string[]): GrantType[] {
  const out: GrantType[] = []
  for (const v of values) {
    if (!(GRANT_TYPES as readonly string[]).includes(v)) {
      throw new InvalidInputError(`bad grant "${v}": expected ${GRANT_TYPES.join(', ')}`)
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
  if (hasInvisibleCharacters(normalised)) {
    throw new InvalidInputError('the username must not contain control or invisible format characters (Unicode Cc, Cf, Zl, Zp, such as U+200B)')
  }
  if (/\s/.test(normalised)) throw new InvalidInputError('the username must not contain spaces')
  return normalised
}

export const MAX_PASSWORD_BYTES = 1024

export function checkPassword(password: string): string {
  if (password === '') throw new InvalidInputError('the password must not be empty')
  if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES) throw new InvalidInputError(`the password must be at most ${MAX_PASSWORD_BYTES} bytes`)
  return password
}

const LOOPBACK_REDIRECT_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost'])

/**
 * Schemes a self-registered client may never use as a redirect URI: each
 * would run or show something in the browser instead of reaching an app.
 */
const REFUSED_SCHEMES = new Set(['javascript', 'data', 'file', 'blob', 'vbscript', 'about'])

/**
 * A redirect URI a client may register (DESIGN.md; RFC 6749 §3.1.2, RFC 9700
 * §2.1, RFC 8252 §7): absolute, no fragment, and `https`, or `http` with a
 * loopback host, or a private-use scheme containing a `.` (reverse domain
 * name, RFC 8252 §7.1). Kept exactly as given: requests match it as a string.
 * With `selfRegistered` (RFC 7591: apps such as MCP clients use schemes like
 * `cursor:`), a private-use scheme need not contain a `.`, while
 * `javascript`, `data`, `file`, `blob`, `vbscript` and `about` are refused.
 */
export function checkRedirectUri(value: string, { selfRegistered = false } = {}): string {
  const bad = (why: string): never => { throw new InvalidInputError(`bad redirect URI "${value}": ${why}`) }
  if (/\s/.test(value) || CONTROL.test(value)) bad('it must not contain spaces or control characters')
  if (value.includes('#')) bad('it must not contain a fragment (RFC 6749 §3.1.2)')
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return bad('it must be an absolute URI such as https://app.example/callback')
  }
  const scheme = url.protocol.slice(0, -1)
  if (scheme === 'https') {
    if (url.hostname === '') bad('an https URI needs a host')
    return value
  }
  if (scheme === 'http') {
    if (!LOOPBACK_REDIRECT_HOSTS.has(url.hostname)) bad('http is allowed only for a loopback host (127.0.0.1, [::1], localhost); use https')
    return value
  }
  if (selfRegistered) {
    if (REFUSED_SCHEMES.has(scheme)) bad(`the scheme "${scheme}" is never a redirect URI; use https, http on a loopback host, or the app's own scheme`)
    return value
  }
  // RFC 8252 §7.1: private-use URI scheme based on a domain name the app controls, e.g. com.example.app:/callback
  if (!scheme.includes('.')) bad('use https, http on a loopback host, or a private-use scheme containing a "." such as com.example.app:/callback')
  return value
}

/** Redirect URIs in the order given, without duplicates. */
export function parseRedirectUris(values: readonly string[]): string[] {
  return checkedList(values, checkRedirectUri)
}

/** A yes/no flag value given on a command line (`--skip-consent true|false`). */
export function parseBoolean(value: string | boolean, what: string): boolean {
  if (typeof value === 'boolean') return value
  if (value === 'true') return true
  if (value === 'false') return false
  throw new InvalidInputError(`bad ${what} "${value}": expected true or false`)
}
