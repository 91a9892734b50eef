// GET and POST /oauth2/logout (DESIGN.md): a page with one button, and its
// form, which ends the sign-in session and deletes its cookie. The POST is
// checked like the sign-in form: Origin, then the anti-CSRF token bound to
// the cookie (purpose "logout"); a refused form changes nothing.
import type { IssuerCore } from '../core/types.js'
import { Problem, Problems } from './authorize/errors.js'
import { problemPage, type PageOutcome } from './authorize/response.js'
import { FormBody } from './form.js'
import { LOGOUT_PATH } from './paths.js'
import { currentSession, type BrowserContext } from './browser.js'
import { formToken, formTokenValid, LOGOUT_PURPOSE, originAllowed } from './shared/csrf.js'

export async function showLogout(core: IssuerCore, browser: BrowserContext): Promise<PageOutcome> {
  const session = await currentSession(core, browser)
  const csrf = formToken(core, browser, LOGOUT_PURPOSE)
  return { type: 'page', status: 200, view: { kind: 'logout', action: LOGOUT_PATH, csrf, username: session?.user.username ?? null }, outcome: 'logout_page' }
}

/** Step: the form's one field, sent once. */
function readToken(body: unknown): string | undefined | Problem {
  if (!(body instanceof FormBody) || body.malformed) return Problems.malformedForm
  const token = body.params.csrf
  return Array.isArray(token) ? Problems.malformedForm : token
}

export async function answerLogout(core: IssuerCore, body: unknown, browser: BrowserContext): Promise<PageOutcome> {
  if (!originAllowed(browser.origin, core.config.issuer)) return problemPage(Problems.forbidden, 'forbidden_origin')
  const token = readToken(body)
  if (token instanceof Problem) return problemPage(token, 'malformed_form')
  if (!formTokenValid(core, browser, LOGOUT_PURPOSE, token)) return problemPage(Problems.forbidden, 'forbidden_csrf')
  const id = browser.sessionCookie()
  if (id !== undefined) {
    await core.signIn.endSession(id)
    browser.clearSession()
  }
  return { type: 'page', status: 200, view: { kind: 'signed-out' }, outcome: 'signed_out' }
}
