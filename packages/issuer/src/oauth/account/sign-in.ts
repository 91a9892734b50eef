// POST /oauth2/account/sign-in: the account page's own sign-in form
// (DESIGN.md "The account page ..."): Origin → form → anti-CSRF token →
// the password, checked exactly as at sign-in (the same counter, lock and
// device rule) → a session → 303 to the account page. A wrong password is
// the form again (400, "Wrong username or password."), a lock 429.
import type { IssuerCore } from '../../core/types.js'
import { guardedForm, isPage } from '../accounts/guard.js'
import type { Outcome } from '../authorize/response.js'
import type { BrowserContext } from '../browser.js'
import { accountPurpose } from '../shared/csrf.js'
import { checkPagePassword, PasswordMessages, startPageSession } from '../shared/password-check.js'
import { toAccount } from './guard.js'
import { accountSignInOutcome } from './page.js'

export async function answerAccountSignIn(core: IssuerCore, body: unknown, browser: BrowserContext): Promise<Outcome> {
  const form = guardedForm(core, browser, body, ['username', 'password'] as const, () => accountPurpose('sign-in'))
  if (isPage(form)) return form
  const { username, password } = form
  const again = (status: number, message: string, outcome: string, retryAfter?: number) =>
    accountSignInOutcome(core, browser, { status, username, message, outcome, retryAfter })
  if (username === undefined || password === undefined) return again(400, PasswordMessages.missing, 'missing_credentials')
  const checked = await checkPagePassword(core, browser, username, password)
  if ('type' in checked) return checked
  if (!checked.ok) {
    if (checked.reason === 'locked') return again(429, PasswordMessages.locked, 'locked', checked.retryAfter)
    // Unknown user and wrong password: one answer (DESIGN.md).
    return again(400, PasswordMessages.wrongPassword, 'invalid_credentials')
  }
  await startPageSession(core, browser, checked.user)
  return toAccount('signed-in', 'signed_in')
}
