// The claims about the person that the identity scopes release, shared by
// the ID token and UserInfo (OpenID Connect Core §5.1 standard claims, §5.4
// scope values): `profile` gives preferred_username, name (when set) and
// updated_at; `email` gives email and email_verified (when the user has an
// address). `sub` is the caller's: it is in every answer.
import type { UserProfile } from '../domain/types.js'

export function identityClaims(user: UserProfile, scopes: readonly string[]): Record<string, unknown> {
  const claims: Record<string, unknown> = {}
  if (scopes.includes('profile')) {
    claims.preferred_username = user.username
    if (user.name !== null) claims.name = user.name
    // §5.1: "Time the End-User's information was last updated", seconds since the epoch.
    claims.updated_at = Math.floor(user.updatedAt / 1000)
  }
  if (scopes.includes('email') && user.email !== null) {
    claims.email = user.email
    claims.email_verified = user.emailVerified
  }
  return claims
}
