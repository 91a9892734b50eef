// The client metadata a registration may set (RFC 7591 §2), one step per
// field: each reads its field from the request's JSON object and returns
// the value to store, or the error to answer (RFC 7591 §3.2.2). Fields not
// named here are ignored (§2: "The authorization server MUST ignore any
// client metadata sent by the client that it does not understand"), and
// what the server assigns (client_id, a secret, client_id_issued_at) is
// never read from the request.
import { InvalidInputError } from '../../domain/errors.js'
import type { GrantType } from '../../domain/types.js'
import { checkRedirectUri } from '../../core/validate.js'
import { hasInvisibleCharacters } from '../../credentials/usernames.js'
import { SCOPE_TOKEN } from '../../domain/types.js'
import type { OAuthError } from '../errors.js'
import { invalidMetadata, invalidRedirectUri, RegistrationErrors } from './errors.js'

export type Metadata = Record<string, unknown>

/** More redirect URIs, or longer ones, than any app needs: refused, so a registration's size is bounded. */
export const MAX_REDIRECT_URIS = 10
export const MAX_REDIRECT_URI_LENGTH = 2048
/** DESIGN.md: `client_name` at most 100 code points after NFC. */
export const MAX_CLIENT_NAME = 100

/** The grants a registered client may hold (DESIGN.md): those of a public client acting for people. */
const REGISTRABLE_GRANTS: readonly GrantType[] = ['authorization_code', 'refresh_token']

/** A field's value, with JSON null counted as absent (an optional field sent as null). */
const field = (metadata: Metadata, name: string): unknown => metadata[name] ?? undefined

const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string')

/** Step: the body is a JSON object (RFC 7591 §3.1). */
export function requireObject(body: unknown): Metadata | OAuthError {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? body as Metadata : RegistrationErrors.notJson
}

/**
 * Step: `redirect_uris` (RFC 7591 §2: required for the code grant), each
 * under the redirect URI rules (DESIGN.md), for a self-registered client:
 * its own private-use scheme need not contain a `.`, and the schemes that
 * run or show something in the browser are refused. Duplicates dropped.
 */
export function redirectUris(metadata: Metadata): string[] | OAuthError {
  const value = field(metadata, 'redirect_uris')
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return RegistrationErrors.missingRedirectUris
  if (!isStringArray(value)) return invalidRedirectUri('redirect_uris must be an array of strings')
  if (value.length > MAX_REDIRECT_URIS) return invalidRedirectUri(`at most ${MAX_REDIRECT_URIS} redirect_uris`)
  const uris: string[] = []
  for (const uri of value) {
    if (uri.length > MAX_REDIRECT_URI_LENGTH) return invalidRedirectUri(`a redirect URI is at most ${MAX_REDIRECT_URI_LENGTH} characters`)
    try {
      checkRedirectUri(uri, { selfRegistered: true })
    } catch (err) {
      if (err instanceof InvalidInputError) return invalidRedirectUri(err.message)
      throw err
    }
    if (!uris.includes(uri)) uris.push(uri)
  }
  return uris
}

/**
 * Step: `client_name` (RFC 7591 §2), shown on the sign-in and consent
 * pages: at most 100 code points after NFC, no control or invisible format
 * character (Unicode Cc, Cf, Zl, Zp: U+202E could make it read as another
 * app's name). Absent: null (the pages show the client id).
 */
export function clientName(metadata: Metadata): string | null | OAuthError {
  const value = field(metadata, 'client_name')
  if (value === undefined) return null
  if (typeof value !== 'string') return invalidMetadata('client_name must be a string')
  const name = value.normalize('NFC')
  if (name.trim() === '') return invalidMetadata('client_name must not be empty')
  if ([...name].length > MAX_CLIENT_NAME) return invalidMetadata(`client_name must be at most ${MAX_CLIENT_NAME} characters`)
  if (hasInvisibleCharacters(name)) return invalidMetadata('client_name must not contain control or invisible format characters (Unicode Cc, Cf, Zl, Zp)')
  return name
}

/**
 * Step: `grant_types` (RFC 7591 §2), default `["authorization_code"]`;
 * only `authorization_code` and `refresh_token`, and `authorization_code`
 * among them (§2.1: the `code` response type goes with it).
 */
export function grantTypes(metadata: Metadata): GrantType[] | OAuthError {
  const value = field(metadata, 'grant_types')
  if (value === undefined) return ['authorization_code']
  if (!isStringArray(value)) return invalidMetadata('grant_types must be an array of strings')
  const other = value.find((g) => !(REGISTRABLE_GRANTS as readonly string[]).includes(g))
  if (other !== undefined) return invalidMetadata(`grant_types may hold only ${REGISTRABLE_GRANTS.join(' and ')}`)
  if (!value.includes('authorization_code')) return invalidMetadata('grant_types must include authorization_code')
  return REGISTRABLE_GRANTS.filter((g) => value.includes(g))
}

/** Step: `response_types` (RFC 7591 §2), default and only value `["code"]`. */
export function responseTypes(metadata: Metadata): ['code'] | OAuthError {
  const value = field(metadata, 'response_types')
  if (value === undefined) return ['code']
  if (!isStringArray(value) || value.length === 0 || value.some((r) => r !== 'code')) return invalidMetadata('response_types must be ["code"]')
  return ['code']
}

/**
 * Step: `scope` (RFC 7591 §2, space-separated), within what the operator
 * offers registered clients (TESSERA_REGISTRATION_SCOPE); omitted or
 * empty: all of it. Kept in the operator's order.
 */
export function scope(metadata: Metadata, offered: readonly string[]): string[] | OAuthError {
  const value = field(metadata, 'scope')
  if (value === undefined) return [...offered]
  if (typeof value !== 'string') return invalidMetadata('scope must be a string of space-separated scopes')
  const asked = value.split(' ').filter((s) => s !== '')
  if (asked.length === 0) return [...offered]
  if (asked.some((s) => !SCOPE_TOKEN.test(s))) return invalidMetadata('malformed scope (RFC 6749 §3.3)')
  if (asked.some((s) => !offered.includes(s))) {
    return invalidMetadata(offered.length === 0 ? 'this issuer offers no scope to registered clients'
      : `scope must be within: ${offered.join(' ')}`)
  }
  return offered.filter((s) => asked.includes(s))
}
