// "Forgot your password?" and the reset link (DESIGN.md, "Accounts",
// e-mail on). GET/POST /oauth2/forgot: one field (username or e-mail
// address); the POST answers the same 303 and the same words whatever
// matched, in the same time: the look-up, the per-account limit, the token
// and the message all happen after the answer; past the per-address limit
// nothing is sent. GET/POST /oauth2/reset?token=: a new-password form under
// the sign-up rules; the POST sets the password as `user set-password`
// does (sessions ended, refresh tokens revoked) and clears the failure
// count and lock, with no session started, then 303 to the outcome page.
import { BusyError } from '../../domain/errors.js'
import type { MailIntent } from '../../domain/mail.js'
import type { IssuerCore } from '../../core/types.js'
import { busyProblem } from '../authorize/errors.js'
import { problemPage, seeOther, type Outcome, type PageOutcome } from '../authorize/response.js'
import type { BrowserContext } from '../browser.js'
import { DONE_SUFFIX, FORGOT_PATH, RESET_PATH } from '../paths.js'
import { formToken, FORGOT_PURPOSE, RESET_PURPOSE } from '../shared/csrf.js'
import { guardedForm, isPage } from './guard.js'
import { linkToken } from './mailed-token.js'
import { invalidLink, outcomePage, passwordMessage, Texts } from './texts.js'

function forgotForm(core: IssuerCore, browser: BrowserContext, status = 200, login?: string, message?: string): PageOutcome {
  return {
    type: 'page', status, outcome: message === undefined ? 'forgot_page' : 'missing_login',
    view: { kind: 'forgot', action: FORGOT_PATH, csrf: formToken(core, browser, FORGOT_PURPOSE), login, message },
  }
}

export const showForgot = (core: IssuerCore, browser: BrowserContext): PageOutcome => forgotForm(core, browser)

export async function answerForgot(core: IssuerCore, body: unknown, browser: BrowserContext): Promise<Outcome> {
  const form = guardedForm(core, browser, body, ['login'] as const, () => FORGOT_PURPOSE)
  if (isPage(form)) return form
  const login = form.login?.trim()
  if (login === undefined || login === '') return forgotForm(core, browser, 400, form.login, Texts.forgotMissing)
  const allowed = await core.accounts.forgotAllowed(browser.clientAddress)
  const after = async (): Promise<MailIntent | null> => {
    const reset = allowed ? await core.accounts.prepareReset(login) : null
    if (reset === null) return null
    return {
      kind: 'reset-password', to: reset.to, username: reset.username,
      link: `${core.config.issuer}${RESET_PATH}?${new URLSearchParams({ token: reset.token })}`,
    }
  }
  return seeOther(FORGOT_PATH + DONE_SUFFIX, 'forgot_answered', after)
}

export const forgotDone = (): PageOutcome => outcomePage('Check your e-mail', [Texts.sent], 'forgot_done')

function resetForm(core: IssuerCore, browser: BrowserContext, token: string, username: string, status = 200, message?: string): PageOutcome {
  return {
    type: 'page', status, outcome: message === undefined ? 'reset_page' : 'password_refused',
    view: {
      kind: 'reset', action: RESET_PATH, csrf: formToken(core, browser, RESET_PURPOSE), token, subject: username, message,
      minLength: core.config.passwordMinLength,
    },
  }
}

export async function showReset(core: IssuerCore, url: string, browser: BrowserContext): Promise<PageOutcome> {
  const token = linkToken(url)
  const found = token === undefined ? null : await core.accounts.resetAccount(token)
  if (found === null) return problemPage(invalidLink, 'invalid_link')
  return resetForm(core, browser, token!, found.username)
}

export async function answerReset(core: IssuerCore, body: unknown, browser: BrowserContext): Promise<Outcome> {
  const form = guardedForm(core, browser, body, ['token', 'password'] as const, () => RESET_PURPOSE)
  if (isPage(form)) return form
  const token = form.token
  const found = token === undefined ? null : await core.accounts.resetAccount(token)
  if (found === null) return problemPage(invalidLink, 'invalid_link')
  let result
  try {
    result = await core.accounts.resetPassword(token!, form.password ?? '')
  } catch (err) {
    if (!(err instanceof BusyError)) throw err
    return problemPage(busyProblem(err), 'busy')
  }
  if (!result.ok) {
    if (result.rule === 'invalid_token') return problemPage(invalidLink, 'invalid_link')
    return resetForm(core, browser, token!, found.username, 400, passwordMessage(result.rule, core.config.passwordMinLength))
  }
  return seeOther(RESET_PATH + DONE_SUFFIX, 'password_changed')
}

export const resetDone = (): PageOutcome => outcomePage('Password changed', [Texts.changed, 'Sign in with your new password.'], 'reset_done')
