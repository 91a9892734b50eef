// POST /oauth2/account/password (DESIGN.md "The account page ..."): the
// new password under the sign-up rules (checked first: no password is
// verified for a form that cannot succeed) → the current password, as at
// sign-in → the new hash; every OTHER session ends and the user's refresh
// tokens and codes are revoked, in one transaction; this session stays →
// 303 to the page: "Your password has been changed."
import { BusyError } from '../../domain/errors.js'
import type { IssuerCore } from '../../core/types.js'
import { isPage } from '../accounts/guard.js'
import { passwordMessage } from '../accounts/texts.js'
import { busyProblem } from '../authorize/errors.js'
import { problemPage, type Outcome } from '../authorize/response.js'
import type { BrowserContext } from '../browser.js'
import { accountForm, confirmPassword, refused, toAccount } from './guard.js'
import { accountSignInOutcome } from './page.js'

export async function answerChangePassword(core: IssuerCore, body: unknown, browser: BrowserContext): Promise<Outcome> {
  const request = await accountForm(core, browser, body, 'password', ['current', 'password'] as const)
  if (isPage(request)) return request
  const { form, session } = request
  const profile = await core.accountPage.profile(session.user.userId)
  if (profile === null) return accountSignInOutcome(core, browser)
  const rule = core.accountPage.newPasswordProblem(profile, form.password ?? '')
  if (rule !== null) return refused(core, browser, session, 'password', 400, passwordMessage(rule, core.config.passwordMinLength), rule)
  const confirmed = await confirmPassword(core, browser, session, 'password', form.current)
  if (confirmed !== true) return confirmed
  try {
    if (!(await core.accountPage.changePassword(session.user.userId, session.id, form.password!))) return accountSignInOutcome(core, browser)
  } catch (err) {
    if (!(err instanceof BusyError)) throw err
    return problemPage(busyProblem(err), 'busy')
  }
  return toAccount('password', 'password_changed')
}
