// The steps every form of the account page passes first (DESIGN.md "The
// account page ..." under the sign-in page's form rules): Origin (403),
// a well-formed form (400), the anti-CSRF token bound to the browser's
// cookie and to this form (403), then the session (gone meanwhile: the
// sign-in form, nothing changed). And the step of the forms that ask for
// the current password: checked exactly as at sign-in (argon2id,
// admission control, the same counter, lock and device rule); a wrong one
// is the page again (400) and counts as a failure, a lock is the page with
// "Too many failed attempts. Try again later." (429).
import type { IssuerCore } from '../../core/types.js'
import { guardedForm, isPage, type Fields } from '../accounts/guard.js'
import { seeOther, type PageOutcome, type RedirectOutcome } from '../authorize/response.js'
import { currentSession, type BrowserContext, type CurrentSession } from '../browser.js'
import { ACCOUNT_PATH } from '../paths.js'
import { accountPurpose } from '../shared/csrf.js'
import { checkPagePassword, PasswordMessages } from '../shared/password-check.js'
import type { AccountForm, AccountView } from '../views.js'
import { accountOutcome, accountSignInOutcome, minutes } from './page.js'
import { AccountTexts, type Notice } from './texts.js'

export interface AccountRequest<F extends string> {
  form: Fields<F>
  session: CurrentSession
}

/** Origin, form, token, session: the form's fields and the session, or the page that refuses it. */
export async function accountForm<F extends string>(
  core: IssuerCore, browser: BrowserContext, body: unknown, form: AccountForm, fields: readonly F[],
): Promise<AccountRequest<F> | PageOutcome> {
  const read = guardedForm(core, browser, body, fields, () => accountPurpose(form))
  if (isPage(read)) return read
  const session = await currentSession(core, browser)
  if (session === null) return accountSignInOutcome(core, browser, { message: AccountTexts.signInAgain, outcome: 'no_session' })
  return { form: read, session }
}

/** The page again with a refusal at `form` (the form again, DESIGN.md). */
export function refused(
  core: IssuerCore, browser: BrowserContext, session: CurrentSession, form: AccountForm, status: number, message: string, outcome: string,
  extra: { retryAfter?: number; typed?: AccountView['typed'] } = {},
): Promise<PageOutcome> {
  return accountOutcome(core, browser, session, {
    status, outcome, retryAfter: extra.retryAfter, typed: extra.typed, problem: { form, message, retryMinutes: minutes(extra.retryAfter) },
  })
}

/** Step: the current password typed into `form`; true when it is right, else the page that says so. */
export async function confirmPassword(
  core: IssuerCore, browser: BrowserContext, session: CurrentSession, form: AccountForm, password: string | undefined,
  typed?: AccountView['typed'],
): Promise<true | PageOutcome> {
  if (password === undefined) return refused(core, browser, session, form, 400, AccountTexts.passwordMissing, 'missing_password', { typed })
  const checked = await checkPagePassword(core, browser, session.user.username, password)
  if ('type' in checked) return checked
  if (!checked.ok) {
    if (checked.reason === 'locked') {
      return refused(core, browser, session, form, 429, PasswordMessages.locked, 'locked', { retryAfter: checked.retryAfter, typed })
    }
    return refused(core, browser, session, form, 400, AccountTexts.wrongPassword, 'invalid_credentials', { typed })
  }
  return true
}

/** POST/redirect/GET: the 303 to the account page showing the outcome. */
export const toAccount = (notice: Notice, outcome: string, after?: RedirectOutcome['after']): RedirectOutcome =>
  seeOther(`${ACCOUNT_PATH}?done=${notice}`, outcome, after)
