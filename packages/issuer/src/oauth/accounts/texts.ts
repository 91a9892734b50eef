// What the accounts pages say (DESIGN.md, "Accounts"): one message per
// refusal rule, the outcome pages' sentences, and the problem pages of the
// mailed links.
import type { PasswordRefusal, SignUpRule } from '../../core/types.js'
import { Problem } from '../authorize/errors.js'
import type { PageOutcome } from '../authorize/response.js'

export function passwordMessage(rule: PasswordRefusal, minLength: number): string {
  switch (rule) {
    case 'password_too_short': return `Choose a password of at least ${minLength} characters.`
    case 'password_too_long': return 'Choose a password of at most 256 characters.'
    case 'password_personal': return 'Your password must not be your username or e-mail address.'
    case 'password_common': return 'That password is among the most common ones. Choose another.'
  }
}

export function signUpMessage(rule: SignUpRule, minLength: number): string {
  switch (rule) {
    case 'username_invalid': return 'Choose another username: 1 to 256 characters, without spaces or invisible characters.'
    case 'username_taken': return 'That username is taken.'
    case 'email_missing': return 'Enter your e-mail address.'
    case 'email_invalid': return 'Enter a valid e-mail address, like name@example.com.'
    case 'email_taken': return 'That e-mail address belongs to another account.'
    case 'email_is_username': return 'That e-mail address is another account\'s username. Use another address.'
    default: return passwordMessage(rule, minLength)
  }
}

export const Texts = {
  signUpLimited: 'Too many accounts were created from here recently. Try again later.',
  forgotMissing: 'Enter your username or e-mail address.',
  sent: 'If an account with a confirmed e-mail address matches, we have sent it a link.',
  confirmed: 'Your e-mail address is confirmed.',
  changed: 'Your password has been changed.',
  created: 'Your account has been created.',
} as const

/** An unknown, expired, used or voided mailed token: one 400 page for verification and reset alike. */
export const invalidLink = new Problem(400, 'This link is no longer valid',
  ['This link is no longer valid: it was used already, it has expired, or a newer one replaced it.', 'Ask for a new one if you still need it.'])

/** A GET outcome page (DESIGN.md: "those pages take no token and change nothing"). */
export function outcomePage(title: string, lines: readonly string[], outcome: string): PageOutcome {
  return { type: 'page', status: 200, view: { kind: 'message', title, lines }, outcome }
}
