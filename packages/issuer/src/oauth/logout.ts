// GET and POST /oauth2/logout: the sign-out page, and OpenID Connect
// RP-Initiated Logout 1.0 (§2: id_token_hint, client_id,
// post_logout_redirect_uri, state; by GET query or POST form, from any
// site). Steps: the parameters, each at most once → the hint (hint.ts) →
// the client it or client_id names → the post-logout redirect URI,
// registered for that client and compared exactly (§3) → then either the
// page's own form, which ends the session (Origin, then the anti-CSRF
// token bound to the cookie, purpose "logout"), or the page. A request that
// is not the page's own form (no valid anti-CSRF token) changes nothing and
// shows the page, naming the app when known (§2: the OP SHOULD ask the
// person whether to log out). A failing parameter is a 400 page: no redirect.
import type { Client } from '../domain/types.js'
import type { IssuerCore } from '../core/types.js'
import { Problem, Problems } from './authorize/errors.js'
import { formTargets } from './authorize/form-targets.js'
import { problemPage, responseUri, type Outcome, type PageOutcome } from './authorize/response.js'
import { FormBody, type FormValue } from './form.js'
import { LOGOUT_PATH } from './paths.js'
import { currentSession, type BrowserContext } from './browser.js'
import { formToken, formTokenValid, LOGOUT_PURPOSE, originAllowed } from './shared/csrf.js'
import { checkIdTokenHint } from './oidc/id-token-hint.js'
import type { LogoutFields } from './views.js'

/** RP-Initiated Logout 1.0 §2 parameters, plus the page's own token: each at most once. */
const PARAMETERS = ['id_token_hint', 'client_id', 'post_logout_redirect_uri', 'state', 'csrf'] as const
type Params = Partial<Record<(typeof PARAMETERS)[number], string>>

const bad = (line: string) => new Problem(400, 'This sign-out request cannot be answered', [line, 'No redirect to the app was made.'])
export const LogoutProblems = {
  repeated: bad('A parameter of the request was sent more than once.'),
  badHint: bad('The id_token_hint is not an ID token of this service.'),
  clientMismatch: bad('The client_id does not match the app the id_token_hint was issued to.'),
  unknownClient: bad('The client_id does not name an app of this service.'),
  noClient: bad('A post_logout_redirect_uri needs the app it belongs to: send client_id or id_token_hint.'),
  unregistered: bad('The post_logout_redirect_uri is not registered for this app.'),
} as const

/** A checked request: the app it names, and where to return afterwards (null: nowhere). */
interface LogoutRequest {
  client: Client | null
  returnTo: string | null
  fields: LogoutFields
}

/** Step: the query or form, each parameter at most once; empty values count as omitted. */
function readParams(params: Record<string, FormValue>): Params | Problem {
  const read: Params = {}
  for (const name of PARAMETERS) {
    const value = params[name]
    if (Array.isArray(value)) return LogoutProblems.repeated
    if (value !== undefined && value !== '') read[name] = value
  }
  return read
}

/** Steps: the hint, the client, the post-logout redirect URI. */
async function checkRequest(core: IssuerCore, params: Params): Promise<LogoutRequest | Problem> {
  let clientId = params.client_id
  if (params.id_token_hint !== undefined) {
    const hint = await checkIdTokenHint(core, params.id_token_hint)
    if (hint === 'invalid') return LogoutProblems.badHint
    if (hint !== 'absent') {
      if (clientId !== undefined && clientId !== hint.clientId) return LogoutProblems.clientMismatch
      clientId = hint.clientId
    }
  }
  const client = clientId === undefined ? null : await core.findClient(clientId)
  if (clientId !== undefined && client === null && params.post_logout_redirect_uri !== undefined) return LogoutProblems.unknownClient
  const uri = params.post_logout_redirect_uri
  if (uri !== undefined) {
    if (client === null) return LogoutProblems.noClient
    // RP-Initiated Logout 1.0 §3: exactly as registered (simple string comparison).
    if (!client.postLogoutRedirectUris.includes(uri)) return LogoutProblems.unregistered
  }
  const fields: LogoutFields = {}
  if (params.id_token_hint !== undefined) fields.id_token_hint = params.id_token_hint
  if (client !== null) fields.client_id = client.id
  if (uri !== undefined) fields.post_logout_redirect_uri = uri
  if (params.state !== undefined) fields.state = params.state
  return { client, returnTo: uri === undefined ? null : responseUri(uri, { state: params.state ?? null }), fields }
}

async function showLogout(core: IssuerCore, browser: BrowserContext, request: LogoutRequest): Promise<PageOutcome> {
  const session = await currentSession(core, browser)
  const view = {
    kind: 'logout' as const, action: LOGOUT_PATH, csrf: formToken(core, browser, LOGOUT_PURPOSE),
    username: session?.user.username ?? null, appName: request.client?.name ?? null, returnHref: request.returnTo, fields: request.fields,
  }
  // CSP form-action covers the 303 that follows the form (Chromium applies it to redirects): the app's return address.
  const targets = request.fields.post_logout_redirect_uri === undefined ? undefined : formTargets(request.fields.post_logout_redirect_uri)
  return { type: 'page', status: 200, view, formTargets: targets, outcome: 'logout_page' }
}

/** GET (query) or POST (form): the page, or, for the page's own form, the end of the session. */
export async function logout(core: IssuerCore, method: 'GET' | 'POST', input: unknown, browser: BrowserContext): Promise<Outcome> {
  let raw: Record<string, FormValue>
  if (method === 'POST') {
    if (!(input instanceof FormBody) || input.malformed) return problemPage(Problems.malformedForm, 'malformed_form')
    raw = input.params
  } else {
    raw = input as Record<string, FormValue>
  }
  const params = readParams(raw)
  if (params instanceof Problem) return problemPage(params, 'invalid_request')
  const request = await checkRequest(core, params)
  if (request instanceof Problem) return problemPage(request, 'invalid_request')

  const ownForm = method === 'POST' && formTokenValid(core, browser, LOGOUT_PURPOSE, params.csrf)
  if (!ownForm) return showLogout(core, browser, request)
  // The page's own form, from another origin: refused, nothing changed (the sign-in form's rule).
  if (!originAllowed(browser.origin, core.config.issuer)) return problemPage(Problems.forbidden, 'forbidden_origin')

  const id = browser.sessionCookie()
  if (id !== undefined) {
    await core.signIn.endSession(id)
    browser.clearSession()
  }
  if (request.returnTo !== null) return { type: 'redirect', location: request.returnTo, outcome: 'signed_out' }
  return { type: 'page', status: 200, view: { kind: 'signed-out' }, outcome: 'signed_out' }
}
