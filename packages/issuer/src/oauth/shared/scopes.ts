// Scope helpers shared by the grants that act for a user.

/** The client's scopes that the user also has, in the client's order (RFC 6749 §3.3). */
export function intersectScopes(clientScopes: readonly string[], userScopes: readonly string[]): string[] {
  const granted: string[] = []
  for (const scope of clientScopes) if (userScopes.includes(scope)) granted.push(scope)
  return granted
}
