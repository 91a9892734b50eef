// Claim checks of an RFC 9068 access token (§4, steps 5-10; RFC 7519 §4.1),
// on a payload whose signature already verified. `now` is in seconds.
import { InvalidTokenError } from './errors.js'
import type { ResolvedOptions } from './options.js'
import type { AccessTokenClaims } from './types.js'

function audienceMatches(aud: unknown, audiences: readonly string[]): boolean {
  // RFC 7519 §4.1.3: `aud` is a string or an array of strings.
  if (typeof aud === 'string') {
    for (let i = 0; i < audiences.length; i++) if (aud === audiences[i]) return true
    return false
  }
  if (!Array.isArray(aud)) return false
  for (let i = 0; i < audiences.length; i++) if (aud.includes(audiences[i])) return true
  return false
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

export function checkClaims(payload: unknown, o: ResolvedOptions, now: number): AccessTokenClaims {
  const challenge = o.challenge
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new InvalidTokenError('malformed token', { challenge })
  }
  const c = payload as Record<string, unknown>
  // RFC 9068 §4 step 5: iss exactly matches.
  // The values go in `cause`, for the operator's logs; never in the body.
  if (c['iss'] !== o.issuer) {
    throw new InvalidTokenError('unexpected issuer', { challenge, cause: { claim: 'iss', expected: o.issuer, actual: c['iss'] } })
  }
  // §4 step 6: aud contains the resource's identifier.
  if (!audienceMatches(c['aud'], o.audiences)) {
    throw new InvalidTokenError('unexpected audience', { challenge, cause: { claim: 'aud', expected: o.audiences, actual: c['aud'] } })
  }
  const tolerance = o.clockTolerance
  // §4 step 9: exp required, and in the future (RFC 7519 §4.1.4).
  const exp = c['exp']
  if (!isTime(exp)) throw new InvalidTokenError('missing exp', { challenge })
  if (exp <= now - tolerance) throw new InvalidTokenError('token expired', { challenge })
  // RFC 9068 §2.2 requires iat; one from the future is refused.
  const iat = c['iat']
  if (!isTime(iat)) throw new InvalidTokenError('missing iat', { challenge })
  if (iat > now + tolerance) throw new InvalidTokenError('token issued in the future', { challenge })
  // RFC 7519 §4.1.5: nbf, when present.
  const nbf = c['nbf']
  if (nbf !== undefined) {
    if (!isTime(nbf)) throw new InvalidTokenError('malformed nbf', { challenge })
    if (nbf > now + tolerance) throw new InvalidTokenError('token not yet valid', { challenge })
  }
  const sub = c['sub']
  if (typeof sub !== 'string' || sub === '') throw new InvalidTokenError('missing sub', { challenge })
  if (o.typ) {
    // RFC 9068 §2.2: client_id and jti are REQUIRED in an access token.
    const clientId = c['client_id']
    if (typeof clientId !== 'string' || clientId === '') throw new InvalidTokenError('missing client_id', { challenge })
    const jti = c['jti']
    if (typeof jti !== 'string' || jti === '') throw new InvalidTokenError('missing jti', { challenge })
  }
  const scope = c['scope']
  if (scope !== undefined && typeof scope !== 'string') throw new InvalidTokenError('malformed scope', { challenge })
  return c as AccessTokenClaims
}
