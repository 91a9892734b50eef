// How a resource request presents its access token: the Authorization
// header, scheme `Bearer` (RFC 6750 §2.1) or `DPoP` (RFC 9449 §7.1), one
// step of its own. A request with no credentials of a scheme we take is
// "no token" (RFC 6750 §3.1: then the answer is the bare challenges, no
// error code).

export type TokenScheme = 'Bearer' | 'DPoP'

export interface PresentedToken {
  scheme: TokenScheme
  token: string
}

// RFC 6750 §2.1 (and RFC 9449 §7.1, the same token68 form): b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const CREDENTIALS = /^([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*) +([A-Za-z0-9\-._~+/]+=*)$/

/** Schemes are case-insensitive (RFC 9110 §11.1). */
const SCHEMES: Record<string, TokenScheme> = { bearer: 'Bearer', dpop: 'DPoP' }

/** The token and its scheme, `null` when none is presented, `'malformed'` for a Bearer or DPoP header that is not one. */
export function presentedToken(authorization: string | undefined): PresentedToken | null | 'malformed' {
  if (authorization === undefined) return null
  const m = CREDENTIALS.exec(authorization.trim())
  const scheme = SCHEMES[(m?.[1] ?? authorization.trim().split(' ')[0] ?? '').toLowerCase()]
  if (scheme === undefined) return null
  return m ? { scheme, token: m[2]! } : 'malformed'
}
