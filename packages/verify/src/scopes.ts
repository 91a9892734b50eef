// Scope checks. The `scope` claim is a space-delimited list (RFC 9068
// §2.2.3.1, RFC 6749 §3.3). A `scp` array, as some issuers emit, is also
// accepted. Matching is exact and case-sensitive.
import type { AccessTokenClaims } from './types.js'

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/

/** Throws a TypeError unless every name is a valid scope-token. */
export function assertScopeNames(scopes: readonly unknown[], what = 'scopes'): asserts scopes is readonly string[] {
  for (const scope of scopes) {
    if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
      throw new TypeError(`@tessera/verify: ${what} must be scope names (RFC 6749 §3.3), got ${JSON.stringify(scope)}`)
    }
  }
}

/** Whether the space-delimited list holds `scope` as a whole word, without splitting. */
function listHas(list: string, scope: string): boolean {
  const n = scope.length
  let from = 0
  for (;;) {
    const at = list.indexOf(scope, from)
    if (at === -1) return false
    const end = at + n
    if ((at === 0 || list.charCodeAt(at - 1) === 0x20) && (end === list.length || list.charCodeAt(end) === 0x20)) return true
    from = at + 1
  }
}

export function hasScope(claims: AccessTokenClaims, scope: string): boolean {
  const list = claims.scope
  if (typeof list === 'string' && listHas(list, scope)) return true
  const scp = claims['scp']
  return Array.isArray(scp) && scp.includes(scope)
}

/** Whether the claims carry every one of `scopes`. */
export function hasScopes(claims: AccessTokenClaims, scopes: readonly string[]): boolean {
  for (let i = 0; i < scopes.length; i++) if (!hasScope(claims, scopes[i]!)) return false
  return true
}

/** Every scope the claims grant, from `scope` and `scp`, without duplicates. */
export function grantedScopes(claims: AccessTokenClaims): string[] {
  const out = new Set<string>()
  if (typeof claims.scope === 'string') for (const s of claims.scope.split(' ')) if (s !== '') out.add(s)
  const scp = claims['scp']
  if (Array.isArray(scp)) for (const s of scp) if (typeof s === 'string' && s !== '') out.add(s)
  return [...out]
}
