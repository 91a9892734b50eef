// The issuer's own published keys as a jose key set, for the ID token it
// reads back (RP-Initiated Logout 1.0 §2 id_token_hint; UserInfo's access
// token, on a hot path, goes through keys/own-token.ts): a key is "still held" while it
// is published (DESIGN.md "Rotation"). core.jwks() hands out the same
// object until the key set changes, so the jose set is rebuilt only then.
import { createLocalJWKSet, type JWTVerifyGetKey } from 'jose'
import type { IssuerCore } from '../../core/types.js'
import type { Jwks } from '../../domain/types.js'

const cache = new WeakMap<Jwks, JWTVerifyGetKey>()

export function ownKeys(core: IssuerCore): JWTVerifyGetKey {
  const jwks = core.jwks()
  let set = cache.get(jwks)
  if (!set) cache.set(jwks, set = createLocalJWKSet(jwks))
  return set
}
