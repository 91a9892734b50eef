// How a resource request presents its access token (RFC 6750 §2.1: the
// Authorization header, scheme `Bearer`), as one step of its own so that
// the DPoP scheme (RFC 9449 §7.1) plugs in beside it. A request with no
// credentials of a scheme we take is "no token" (RFC 6750 §3.1: then the
// answer is the bare challenge, no error code).

export type TokenScheme = 'Bearer'

export interface PresentedToken {
  scheme: TokenScheme
  token: string
}

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const CREDENTIALS = /^([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*) +([A-Za-z0-9\-._~+/]+=*)$/

/** The token and its scheme, `null` when none is presented, `'malformed'` for a Bearer header that is not one. */
export function presentedToken(authorization: string | undefined): PresentedToken | null | 'malformed' {
  if (authorization === undefined) return null
  const m = CREDENTIALS.exec(authorization.trim())
  // Schemes are case-insensitive (RFC 9110 §11.1).
  const scheme = (m?.[1] ?? authorization.trim().split(' ')[0] ?? '').toLowerCase()
  if (scheme !== 'bearer') return null
  return m ? { scheme: 'Bearer', token: m[2]! } : 'malformed'
}
