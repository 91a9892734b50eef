// RP-Initiated Logout 1.0 §2 id_token_hint: an ID token this issuer issued,
// passed back by the app. DESIGN.md: its `iss` is the issuer, its
// signature verifies under a key the issuer still holds (published), and
// its expiry is ignored (§2: the hint may well have expired); a hint whose
// `kid` is no longer held counts as absent (the app kept it past the key's
// life); any other failure refuses the request.
import { compactVerify, errors as joseErrors } from 'jose'
import type { IssuerCore } from '../../core/types.js'
import { ownKeys } from './own-keys.js'

export interface IdTokenHint {
  /** The client the ID token was issued to (its `aud`). */
  clientId: string
  /** The user it speaks of. */
  sub: string
}

export type HintCheck = IdTokenHint | 'absent' | 'invalid'

export async function checkIdTokenHint(core: IssuerCore, hint: string): Promise<HintCheck> {
  let payload: Uint8Array
  try {
    // compactVerify: the signature only, so that an expired hint still counts (exp is ignored).
    const verified = await compactVerify(hint, ownKeys(core), { algorithms: ['RS256'] })
    // An ID token, not an access token signed by the same key (typ at+jwt).
    if (verified.protectedHeader.typ !== 'JWT') return 'invalid'
    payload = verified.payload
  } catch (err) {
    if (err instanceof joseErrors.JWKSNoMatchingKey) return 'absent'
    return 'invalid'
  }
  let claims: Record<string, unknown>
  try {
    claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>
  } catch {
    return 'invalid'
  }
  if (claims === null || typeof claims !== 'object' || claims.iss !== core.config.issuer || typeof claims.sub !== 'string') return 'invalid'
  // Our ID tokens carry one audience, as a string (OpenID Connect Core §2 allows a one-element array too).
  const aud = Array.isArray(claims.aud) && claims.aud.length === 1 ? claims.aud[0] : claims.aud
  return typeof aud === 'string' ? { clientId: aud, sub: claims.sub } : 'invalid'
}
