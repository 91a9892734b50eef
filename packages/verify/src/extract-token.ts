// Find the bearer token in a request (RFC 6750 §2): the Authorization header
// (§2.1) always; a form-encoded body parameter (§2.2) and the query string
// (§2.3) only when enabled. A token sent by more than one method is
// `invalid_request` (§2), and so is a malformed `Bearer` header (§3.1).
import type { ChallengeContext } from './challenge.js'
import { InvalidRequestError, type ErrorInit } from './errors.js'

/** The header access of a Web-standard `Headers` object (`get` joins repeated fields with ", "). */
export interface HeadersLike {
  get(name: string): string | null
}

/**
 * What token extraction reads from a request; every framework's request
 * object fits (node:http, Fastify, Express), and so do Web `Headers`. A Web
 * `Request` is read by `verifier.authenticate`, which also reads its form.
 */
export interface RequestLike {
  /** Lower-case header names (node:http), or a Web `Headers` object. */
  headers: Record<string, string | string[] | undefined> | HeadersLike
  method?: string
  /** A parsed body (e.g. from express.urlencoded() or @fastify/formbody), or URLSearchParams. */
  body?: unknown
  /** A parsed query object, if the framework has one. */
  query?: unknown
  /** The request target, read for the query string when `query` is absent. */
  url?: string
}

export interface ExtractOptions {
  /** Accept `access_token` in an application/x-www-form-urlencoded body (§2.2). */
  allowFormBody?: boolean
  /** Accept `access_token` in the query string (§2.3). */
  allowQuery?: boolean
  /** `realm` for the error's challenge. */
  realm?: string
  /** The verifier's challenge settings (overrides `realm`). Internal. */
  challenge?: ChallengeContext
}

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/

function single(value: string | string[] | undefined, what: string, init: ErrorInit | undefined): string | undefined {
  if (!Array.isArray(value)) return value
  if (value.length > 1) throw new InvalidRequestError(`more than one ${what}`, init)
  return value[0]
}

/** Whether an Authorization header value uses the `DPoP` scheme (RFC 9449 §7.1), case-insensitively (RFC 7235 §2.1). */
export function isDpopScheme(header: string): boolean {
  // No allocation: this runs on every request, Bearer ones included.
  return header.length >= 4 && (header.length === 4 || header.charCodeAt(4) === 0x20) &&
    (header.charCodeAt(0) | 0x20) === 0x64 && (header.charCodeAt(1) | 0x20) === 0x70 &&
    (header.charCodeAt(2) | 0x20) === 0x6f && (header.charCodeAt(3) | 0x20) === 0x70
}

/** The token of a `DPoP` Authorization header value: `DPoP` 1*SP token68; throws InvalidRequestError when malformed. */
export function tokenFromDpopAuthorization(header: string, init: ErrorInit): string {
  let start = 4
  while (start < header.length && header.charCodeAt(start) === 0x20) start++
  const token = header.slice(start)
  if (start === 4 || token === '' || !B64TOKEN.test(token)) throw new InvalidRequestError('malformed Authorization header', init)
  return token
}

/** The token of an Authorization header value; undefined for another scheme. */
export function tokenFromAuthorization(header: string, realm?: string | ErrorInit): string | undefined {
  const space = header.indexOf(' ')
  const scheme = space === -1 ? header : header.slice(0, space)
  // Auth schemes are case-insensitive (RFC 7235 §2.1).
  if (scheme.length !== 6 || scheme.toLowerCase() !== 'bearer') return undefined
  // `Bearer` 1*SP b64token
  let start = space
  while (start !== -1 && start < header.length && header.charCodeAt(start) === 0x20) start++
  const token = space === -1 ? '' : header.slice(start)
  if (token === '' || !B64TOKEN.test(token)) throw new InvalidRequestError('malformed Authorization header', typeof realm === 'string' ? { realm } : realm)
  return token
}

/** A header of a node:http request or a Web `Headers` object; `name` in lower case. */
export function headerValue(headers: RequestLike['headers'], name: string): string | string[] | undefined {
  // `typeof get` tells a Headers object from node:http's plain one, where a
  // field named "get" would be a string.
  if (typeof headers.get === 'function') return (headers as HeadersLike).get(name) ?? undefined
  return (headers as Record<string, string | string[] | undefined>)[name]
}

function isFormEncoded(headers: RequestLike['headers']): boolean {
  const type = single(headerValue(headers, 'content-type'), 'Content-Type', undefined)
  if (type === undefined) return false
  const semi = type.indexOf(';')
  return (semi === -1 ? type : type.slice(0, semi)).trim().toLowerCase() === 'application/x-www-form-urlencoded'
}

function param(source: unknown, what: string, init: ErrorInit): string | undefined {
  if (source === null || typeof source !== 'object') return undefined
  const value = source instanceof URLSearchParams ? source.getAll('access_token') : (source as Record<string, unknown>)['access_token']
  if (value === undefined) return undefined
  const list = Array.isArray(value) ? value : [value]
  if (list.length === 0) return undefined
  if (list.length > 1) throw new InvalidRequestError(`access_token repeated in the ${what}`, init)
  if (typeof list[0] !== 'string' || list[0] === '') throw new InvalidRequestError(`malformed access_token in the ${what}`, init)
  return list[0]
}

function queryOf(request: RequestLike): unknown {
  if (request.query !== undefined) return request.query
  const url = request.url
  if (url === undefined) return undefined
  const q = url.indexOf('?')
  if (q === -1) return undefined
  const hash = url.indexOf('#', q)
  return new URLSearchParams(hash === -1 ? url.slice(q + 1) : url.slice(q + 1, hash))
}

/** RFC 6750 §2.2: the body is read only when enabled, not for GET, and form-encoded. */
export function wantsFormBody(request: Pick<RequestLike, 'headers' | 'method'>, options: ExtractOptions): boolean {
  return options.allowFormBody === true && request.method !== 'GET' && isFormEncoded(request.headers)
}

function isStream(body: unknown): boolean {
  return typeof body === 'object' && body !== null && typeof (body as { getReader?: unknown }).getReader === 'function'
}

/**
 * The bearer token of a request, or undefined when it carries none.
 * Throws InvalidRequestError for a malformed header or more than one method.
 */
export function extractToken(request: RequestLike, options: ExtractOptions = {}): string | undefined {
  // The options carry `realm` and `challenge`, which is all an error needs.
  const init: ErrorInit = options
  const authorization = single(headerValue(request.headers, 'authorization'), 'Authorization header', init)
  let token = authorization === undefined ? undefined : tokenFromAuthorization(authorization, init)
  let methods = token === undefined ? 0 : 1

  if (wantsFormBody(request, options)) {
    // A Web Request's body is a stream, unread: looking in it here would
    // silently find nothing.
    if (isStream(request.body)) throw new TypeError('@tessera/verify: the form body of a Web Request is read by verifier.authenticate(request), not extractToken')
    const fromBody = param(request.body, 'body', init)
    if (fromBody !== undefined) {
      token = fromBody
      methods++
    }
  }
  if (options.allowQuery === true) {
    const fromQuery = param(queryOf(request), 'query', init)
    if (fromQuery !== undefined) {
      token = fromQuery
      methods++
    }
  }
  if (methods > 1) throw new InvalidRequestError('token sent by more than one method', init)
  return token
}
