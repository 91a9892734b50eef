// The URL a DPoP proof's `htu` must name (RFC 9449 §4.3 step 9): the
// request's URL without query and fragment. Its origin is the `dpop.origin`
// option when set (what clients use, behind a proxy), else the request's
// own: an absolute `url` as given, or for a node:http request (Fastify,
// Express) the scheme the connection arrived on (TLS or not) and the `Host`
// header. `X-Forwarded-*` is never read: any client can write it.
import type { HeadersLike } from './extract-token.js'

/** What is read from a request to build its URL. */
export interface UrlSource {
  /** Absolute, or origin-form (`/path?query`) for a node:http request. */
  readonly url?: string
  readonly headers: Record<string, string | string[] | undefined> | HeadersLike
  /** node:http's socket: `encrypted` is true on a TLS connection. */
  readonly socket?: unknown
}

export interface RequestUrl {
  /** scheme://host[:port], as the URL parser writes it. */
  readonly origin: string
  /** The path, dot segments resolved (RFC 3986 §6.2.2). */
  readonly path: string
}

function hostHeader(headers: UrlSource['headers']): string | undefined {
  if (typeof headers.get === 'function') return (headers as HeadersLike).get('host') ?? undefined
  const h = headers as Record<string, string | string[] | undefined>
  // HTTP/2 carries the authority as a pseudo-header.
  const value = h['host'] ?? h[':authority']
  return typeof value === 'string' ? value : undefined
}

function pathOnly(target: string): string {
  const q = target.indexOf('?')
  const h = target.indexOf('#')
  const end = q === -1 ? (h === -1 ? target.length : h) : (h === -1 ? q : Math.min(q, h))
  return target.slice(0, end)
}

/** The request's URL as `htu` must name it, or undefined when it cannot be known (no Host). */
export function requestUrl(request: UrlSource, fixedOrigin: string | null): RequestUrl | undefined {
  const target = request.url
  if (typeof target !== 'string' || target === '') return undefined
  if (target.charCodeAt(0) === 0x2f /* / */) {
    // Origin-form (RFC 9112 §3.2.1). Parsed under a dummy origin for the
    // path only: `//x` would otherwise read as a host.
    let path: string
    try {
      path = new URL(`http://h${pathOnly(target)}`).pathname
    } catch {
      return undefined
    }
    if (fixedOrigin !== null) return { origin: fixedOrigin, path }
    const host = hostHeader(request.headers)
    if (host === undefined || host === '' || /[/?#@\\\s]/.test(host)) return undefined
    const scheme = (request.socket as { encrypted?: unknown } | null | undefined)?.encrypted === true ? 'https' : 'http'
    let origin: string
    try {
      origin = new URL(`${scheme}://${host}`).origin
    } catch {
      return undefined
    }
    return { origin, path }
  }
  let url: URL
  try {
    url = new URL(target)
  } catch {
    return undefined
  }
  return { origin: fixedOrigin ?? url.origin, path: url.pathname }
}
