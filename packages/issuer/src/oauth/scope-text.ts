// Scope descriptions on pages (DESIGN.md "The account page, remembered
// consent, scope descriptions and branding"): a page that lists scopes
// shows each one's description (`scope set`), its name where none is set.
// Read once per page that lists scopes, never for a redirect.
import type { IssuerCore } from '../core/types.js'
import type { Outcome } from './authorize/response.js'

export async function withScopeText(core: IssuerCore, outcome: Outcome): Promise<Outcome> {
  if (outcome.type !== 'page' || !('scopes' in outcome.view) || outcome.view.scopes.length === 0) return outcome
  return { ...outcome, view: { ...outcome.view, scopeText: await core.consents.scopeDescriptions() } }
}
