// Scope descriptions (DESIGN.md: `scope set|list|delete`): the text a page
// shows for a scope instead of its name. Only the description is stored
// here; which scopes exist is still the clients' business (metadata
// `scopes_supported` is unchanged).

export interface ScopeDescriptionRecord {
  name: string
  description: string
  updatedAt: number
}

export interface ScopeDescriptionStore {
  /** Sets (or replaces) the description of a scope. */
  set(name: string, description: string, now: number): Promise<void>
  /** Every description, by scope name. */
  list(): Promise<ScopeDescriptionRecord[]>
  /** Removes a scope's description; false when it had none. */
  delete(name: string): Promise<boolean>
}
