// POST /oauth2/account/email and /oauth2/account/email/resend (DESIGN.md
// "The account page ...", e-mail on). A change of address: the new
// address's rules (malformed, verified on another account, another user's
// username; refused first, with no password verified) → the current
// password, as at sign-in → the address held as pending with its
// verification link (it replaces the current one only when the link is
// used, so sign-in by address and password reset keep using the verified
// address until then), and a notice to a verified old address → 303.
// "Send the link again": a new link to the address waiting to be
// confirmed, within the reset limits; the same 303 whether or not a limit
// held it back. Messages are sent after the answer.
import type { AccountMail, IssuerCore } from '../../core/types.js'
import type { MailIntent } from '../../domain/mail.js'
import { isPage } from '../accounts/guard.js'
import type { Outcome } from '../authorize/response.js'
import type { BrowserContext } from '../browser.js'
import { ACCOUNT_PATH, VERIFY_EMAIL_PATH } from '../paths.js'
import { accountForm, confirmPassword, refused, toAccount } from './guard.js'
import { accountSignInOutcome } from './page.js'
import { emailMessage } from './texts.js'

/** The message for an account mail: a verification link to the address, or the notice (linking the account page) to the old one. */
export function accountMailIntent(core: IssuerCore, mail: AccountMail): MailIntent {
  const issuer = core.config.issuer
  if (mail.token === null) return { kind: 'email-change-notice', to: mail.to, username: mail.username, link: issuer + ACCOUNT_PATH, newAddress: mail.newAddress }
  return { kind: 'verify-email', to: mail.to, username: mail.username, link: `${issuer}${VERIFY_EMAIL_PATH}?${new URLSearchParams({ token: mail.token })}` }
}

export async function answerChangeEmail(core: IssuerCore, body: unknown, browser: BrowserContext): Promise<Outcome> {
  const request = await accountForm(core, browser, body, 'email', ['email', 'password'] as const)
  if (isPage(request)) return request
  const { form, session } = request
  const profile = await core.accountPage.profile(session.user.userId)
  if (profile === null) return accountSignInOutcome(core, browser)
  const typed = { email: form.email }
  const checked = await core.accountPage.checkNewEmail(profile, form.email ?? '')
  if (!checked.ok) return refused(core, browser, session, 'email', 400, emailMessage(checked.rule, core.config.passwordMinLength), checked.rule, { typed })
  const confirmed = await confirmPassword(core, browser, session, 'email', form.password, typed)
  if (confirmed !== true) return confirmed
  const mails = await core.accountPage.requestEmailChange(session.user.userId, checked.address)
  if (mails === null) return accountSignInOutcome(core, browser)
  return toAccount('email', 'email_pending', async () => mails.map((m) => accountMailIntent(core, m)))
}

export async function answerResendVerification(core: IssuerCore, body: unknown, browser: BrowserContext): Promise<Outcome> {
  const request = await accountForm(core, browser, body, 'resend', [] as const)
  if (isPage(request)) return request
  const { session } = request
  // The limits are counted after the answer, like "Forgot your password?": the answer is the same either way.
  return toAccount('resent', 'verification_requested', async () => {
    const mail = await core.accountPage.resendVerification(session.user.userId, browser.clientAddress)
    return mail === null ? null : accountMailIntent(core, mail)
  })
}

