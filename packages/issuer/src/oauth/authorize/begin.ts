// GET /oauth2/authorize (RFC 6749 §4.1.1): the request's checks, then what
// the person must do. A page carries the checked request itself, sealed
// under a server key and bound to the browser's anti-CSRF cookie (core:
// 10 minutes): showing it writes nothing to the database (DESIGN.md, "The
// sign-in page"). A code that needs no page (a --skip-consent client within
// a session) is issued at once.
import type { AuthorizationRequest, Client, SignedInUser } from '../../domain/types.js'
import type { IssuerCore } from '../../core/types.js'
import { currentSession, type BrowserContext } from '../browser.js'
import { AuthorizationError, Problem } from './errors.js'
import { authorizePurpose } from '../shared/csrf.js'
import { consentOutcome, nextStep, signInOutcome, type PageFields } from './interaction.js'
import { checkAuthorizationRequest } from './request.js'
import { codeResponse, problemPage, refusal, Refused, type Outcome } from './response.js'

/** What one request learned, for its log line (never a secret). */
export interface Seen {
  clientId?: string
}

/** Issues the code and answers it (RFC 6749 §4.1.2); a code issued counts as a use of a self-registered client. */
export async function issue(core: IssuerCore, client: Client, request: AuthorizationRequest, user: SignedInUser, scopes: string[]): Promise<Outcome> {
  const code = await core.codes.issue(request, user, scopes)
  if (client.registered) await core.registrations.recordUse(client)
  return codeResponse(request.redirectUri, code, request.state, core.config.issuer)
}

/** The hidden fields of a page for this request: the request sealed for this browser, and the token bound to both. */
function sealedFields(core: IssuerCore, browser: BrowserContext, request: AuthorizationRequest): PageFields {
  const cookie = browser.csrfSecret()
  const reference = core.signIn.sealRequest(request, core.csrf.binding(cookie))
  return { reference, csrf: core.csrf.token(cookie, authorizePurpose(reference)) }
}

export async function beginAuthorization(core: IssuerCore, url: string, browser: BrowserContext, seen: Seen): Promise<Outcome> {
  const checked = await checkAuthorizationRequest(core, url)
  if (checked instanceof Problem) return problemPage(checked, 'invalid_request')
  if (checked instanceof Refused) return refusal(checked, core.config.issuer)
  const { client, request } = checked
  seen.clientId = client.id

  const session = await currentSession(core, browser)
  // A cookie naming no live session (expired, signed out elsewhere) is deleted.
  if (session === null && browser.sessionCookie() !== undefined) browser.clearSession()

  // Remembered consent (DESIGN.md): what this user already allowed this client for this audience.
  const remembered = session === null ? [] : await core.consents.remembered(session.user.userId, client.id, request.audience)
  const next = nextStep(client, request, session?.user ?? null, core.now(), remembered)
  if (next instanceof AuthorizationError) return refusal(new Refused(request.redirectUri, request.state, next), core.config.issuer)
  if (next.kind === 'code') return issue(core, client, request, session!.user, next.scopes)

  const fields = sealedFields(core, browser, request)
  return next.kind === 'sign-in'
    ? signInOutcome(core.config, client, request, fields)
    : consentOutcome(client, request, fields, session!.user, next.scopes)
}
