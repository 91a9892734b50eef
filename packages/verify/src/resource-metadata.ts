// OAuth 2.0 Protected Resource Metadata (RFC 9728) for the option
// `resourceMetadata: { resource, scopesSupported?, resourceName? }`: the
// document, the two paths it is served at, the URL challenges name
// (§5.1), and the answer to a request for it. Adapters only route to
// `answerMetadata`; what is answered is decided here.
import { isLoopbackHost } from './loopback.js'

export interface ResourceMetadataOption {
  /** The protected resource's URL, e.g. `https://mcp.example/mcp` (RFC 9728 §2 `resource`). https, or http on a loopback host. */
  resource: string
  /** `scopes_supported`: the scopes clients may ask for this resource. */
  scopesSupported?: readonly string[]
  /** `resource_name`: a human-readable name. */
  resourceName?: string
}

/** The metadata well-known path (RFC 9728 §3). */
export const WELL_KNOWN_PATH = '/.well-known/oauth-protected-resource'

/** DPoP algorithms as the metadata lists them: both spellings of EdDSA (RFC 9864). */
const DPOP_SIGNING_ALGS = ['ES256', 'PS256', 'RS256', 'EdDSA', 'Ed25519'] as const

export interface ProtectedResource {
  /** The metadata URL challenges name: path-suffixed, built from `resource`, never from `Host` (§3.1, §5.1). */
  readonly url: string
  /** Request paths answered: the path-suffixed one and the root form. */
  readonly paths: readonly string[]
  /** The document (§2), frozen. */
  readonly document: Readonly<Record<string, unknown>>
  /** Its JSON text, made once. */
  readonly json: string
}

/** What to send for a metadata request. */
export interface MetadataAnswer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  /** Empty for HEAD, OPTIONS and 405. */
  readonly body: string
}

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/

function fail(name: string, expected: string): never {
  throw new TypeError(`@tessera/verify: option "${name}" must be ${expected}`)
}

/**
 * Validate the option and make the document. `issuer` is the one
 * authorization server; `dpop` the verifier's DPoP mode.
 */
export function resolveResourceMetadata(value: unknown, issuer: string, dpop: 'allow' | 'require' | false): ProtectedResource {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('resourceMetadata', 'an object { resource, scopesSupported?, resourceName? }')
  const o = value as Record<string, unknown>
  for (const key of Object.keys(o)) {
    if (key !== 'resource' && key !== 'scopesSupported' && key !== 'resourceName') throw new TypeError(`@tessera/verify: unknown option "resourceMetadata.${key}"`)
  }
  const resource = o['resource']
  if (typeof resource !== 'string' || !URL.canParse(resource)) fail('resourceMetadata.resource', 'an absolute URL, e.g. "https://mcp.example/mcp"')
  const url = new URL(resource)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    fail('resourceMetadata.resource', 'an https URL (http only for a loopback host; RFC 9728 §2)')
  }
  // §2: no fragment; a query is allowed by the RFC but makes the well-known
  // URL ambiguous to clients, so it is refused here.
  if (url.hash !== '' || resource.includes('#')) fail('resourceMetadata.resource', 'a URL without a fragment (RFC 9728 §2)')
  if (url.search !== '' || resource.includes('?')) fail('resourceMetadata.resource', 'a URL without a query')
  if (url.username !== '' || url.password !== '') fail('resourceMetadata.resource', 'a URL without credentials')

  const document: Record<string, unknown> = { resource, authorization_servers: [issuer] }
  const scopes = o['scopesSupported']
  if (scopes !== undefined) {
    if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string' && SCOPE_TOKEN.test(s))) {
      fail('resourceMetadata.scopesSupported', 'a list of scope names (RFC 6749 §3.3)')
    }
    document['scopes_supported'] = [...scopes]
  }
  document['bearer_methods_supported'] = ['header']
  const name = o['resourceName']
  if (name !== undefined) {
    if (typeof name !== 'string' || name.trim() === '') fail('resourceMetadata.resourceName', 'a non-empty string')
    document['resource_name'] = name
  }
  if (dpop !== false) {
    document['dpop_signing_alg_values_supported'] = [...DPOP_SIGNING_ALGS]
    document['dpop_bound_access_tokens_required'] = dpop === 'require'
  }

  // §3.1: the well-known path goes between the host and the resource's path
  // (a root path adds nothing).
  const suffix = url.pathname === '/' ? '' : url.pathname
  const path = WELL_KNOWN_PATH + suffix
  const paths = suffix === '' ? [WELL_KNOWN_PATH] : [path, WELL_KNOWN_PATH]
  return Object.freeze({ url: url.origin + path, paths: Object.freeze(paths), document: Object.freeze(document), json: JSON.stringify(document) })
}

const CORS = { 'access-control-allow-origin': '*' }
const ALLOW = 'GET, HEAD, OPTIONS'

/**
 * The answer to `method` on `pathname` (the request path without query),
 * or undefined when it is not a metadata path: then the request is not
 * ours. GET and HEAD get the document, cacheable for an hour and readable
 * from any origin (a browser-based MCP client fetches it cross-origin);
 * OPTIONS is the CORS preflight (204); any other method 405.
 */
export function answerMetadata(pr: ProtectedResource | null, method: string, pathname: string): MetadataAnswer | undefined {
  if (pr === null || !pathname.startsWith(WELL_KNOWN_PATH) || !pr.paths.includes(pathname)) return undefined
  if (method === 'GET' || method === 'HEAD') {
    return {
      status: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600', ...CORS },
      body: method === 'GET' ? pr.json : '',
    }
  }
  if (method === 'OPTIONS') {
    return {
      status: 204,
      headers: { ...CORS, 'access-control-allow-methods': ALLOW, 'access-control-allow-headers': '*', 'access-control-max-age': '86400' },
      body: '',
    }
  }
  return { status: 405, headers: { allow: ALLOW, ...CORS }, body: '' }
}

/** The path of a request target, without query or fragment. */
export function pathOf(target: string): string {
  let end = target.length
  const q = target.indexOf('?')
  if (q !== -1) end = q
  const h = target.indexOf('#')
  if (h !== -1 && h < end) end = h
  return target.slice(0, end)
}

/** The answer as a Web `Response` (for the fetch and Hono adapters). */
export function metadataResponse(answer: MetadataAnswer): Response {
  return new Response(answer.body === '' ? null : answer.body, { status: answer.status, headers: answer.headers })
}
