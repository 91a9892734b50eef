// The `WWW-Authenticate` challenges of this library, built in one place:
// RFC 6750 §3 for `Bearer`, RFC 9449 §7.1 for `DPoP`, and the RFC 9728 §5.1
// `resource_metadata` parameter on each. Imports nothing.
//
// When a request may use either scheme and carried no token, both
// challenges are sent in one header field, comma-separated (RFC 9110
// §11.6.1 allows a list of challenges in one field). One field, not two:
// the errors' `headers` are plain strings, which every framework's default
// error handler and a Web `Headers` object take as they are, and a Web
// `Headers` joins repeated fields into exactly this anyway.

/** An authentication scheme a request used. */
export type Scheme = 'Bearer' | 'DPoP'

/** Which schemes a verifier accepts: `dpop: false`, `'allow'`, `'require'`. */
export type AcceptedSchemes = 'bearer' | 'both' | 'dpop'

/** The JWS algorithms accepted for DPoP proofs, as the `algs` parameter names them (RFC 9449 §7.1). */
export const DPOP_ALGS_PARAM = 'ES256 PS256 RS256 EdDSA'

/** What every challenge of one verifier shares. */
export interface ChallengeContext {
  readonly realm: string
  readonly schemes: AcceptedSchemes
  /** The RFC 9728 metadata URL, or null without `resourceMetadata`. */
  readonly resourceMetadata: string | null
}

/** The challenge of a verifier with only `realm` set: Bearer only, no metadata. */
export function bearerOnly(realm: string): ChallengeContext {
  return { realm, schemes: 'bearer', resourceMetadata: null }
}

function one(ctx: ChallengeContext, scheme: Scheme, params: string): string {
  let out = `${scheme} realm="${ctx.realm}"`
  if (params !== '') out += `, ${params}`
  if (scheme === 'DPoP') out += `, algs="${DPOP_ALGS_PARAM}"`
  if (ctx.resourceMetadata !== null) out += `, resource_metadata="${ctx.resourceMetadata}"`
  return out
}

/**
 * The header value. `scheme` is the scheme the request used, whose
 * challenge carries the error `params`; null when the request carried no
 * token: then a bare challenge for each scheme accepted (RFC 6750 §3.1).
 */
export function challengeHeader(ctx: ChallengeContext, scheme: Scheme | null, params: string): string {
  if (scheme !== null) return one(ctx, scheme, params)
  switch (ctx.schemes) {
    case 'bearer': return one(ctx, 'Bearer', params)
    case 'dpop': return one(ctx, 'DPoP', params)
    case 'both': return `${one(ctx, 'Bearer', params)}, ${one(ctx, 'DPoP', params)}`
  }
}
