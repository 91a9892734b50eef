// A small OAuth 2.0 client helper for the examples: finds the token endpoint
// through the issuer's metadata (RFC 8414), asks for access tokens with
// client_secret_basic (RFC 6749 §2.3.1) and reuses each token until shortly
// before it expires (RFC 6749 §5.1 `expires_in`), so an API call costs no
// round trip to the issuer most of the time.

/** RFC 8414 §3: the issuer's metadata, fetched from its well-known URI. */
export async function discover(issuer) {
  const res = await fetch(new URL('/.well-known/oauth-authorization-server', issuer))
  if (!res.ok) throw new Error(`metadata: HTTP ${res.status} from ${res.url}`)
  const metadata = await res.json()
  // RFC 8414 §3.3: the issuer in the metadata must be the one we asked for.
  if (metadata.issuer !== issuer) throw new Error(`metadata names issuer ${metadata.issuer}, expected ${issuer}`)
  return metadata
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding. */
function basicCredentials(clientId, clientSecret) {
  const enc = (s) => new URLSearchParams([['', s]]).toString().slice(1)
  return 'Basic ' + Buffer.from(`${enc(clientId)}:${enc(clientSecret)}`).toString('base64')
}

/** A token endpoint error, with the RFC 6749 §5.2 `error` code and the HTTP status. */
export class TokenError extends Error {
  constructor(status, body) {
    super(`token endpoint: ${status} ${body.error ?? ''} ${body.error_description ?? ''}`.trim())
    this.name = 'TokenError'
    this.status = status
    this.code = body.error
  }
}

/**
 * Returns `{ getToken, fetches }`. `grant` holds the grant's parameters,
 * e.g. `{ grant_type: 'client_credentials', scope: 'read write' }`.
 * A token is renewed `refreshBefore` seconds before it expires (at most half
 * its lifetime); concurrent callers share one request. `onToken(token,
 * response)` is called for each new token.
 */
export function createTokenSource({ tokenEndpoint, clientId, clientSecret, grant, refreshBefore = 30, onToken }) {
  let current = null // { accessToken, renewAt }
  let pending = null
  const source = { fetches: 0, getToken }

  async function requestToken() {
    const res = await fetch(tokenEndpoint, {
      method: 'POST',
      headers: {
        authorization: basicCredentials(clientId, clientSecret),
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams(grant),
    })
    const body = await res.json().catch(() => ({}))
    if (res.status !== 200 || typeof body.access_token !== 'string') throw new TokenError(res.status, body)
    source.fetches++
    const lifetime = Number(body.expires_in) || 0
    const margin = Math.min(refreshBefore, lifetime / 2)
    current = { accessToken: body.access_token, renewAt: Date.now() + (lifetime - margin) * 1000 }
    onToken?.(body.access_token, body)
    return body.access_token
  }

  async function getToken() {
    if (current && Date.now() < current.renewAt) return current.accessToken
    pending ??= requestToken().finally(() => { pending = null })
    return pending
  }

  return source
}

/** Decodes a JWT's header and claims for display. This is NOT verification. */
export function decodeJwt(token) {
  const [header, payload] = token.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')))
  return { header, payload }
}

/** An `onToken` callback that prints a new token's decoded header and claims. */
export function logToken(log) {
  return (token, response) => {
    const { header, payload } = decodeJwt(token)
    log(`new access token: expires_in ${response.expires_in} s, scope "${response.scope}"`)
    log(`  header: ${JSON.stringify(header)}`)
    log(`  claims: ${JSON.stringify(payload)}`)
  }
}
