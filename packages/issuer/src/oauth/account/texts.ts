// What the account page says (DESIGN.md "The account page, remembered
// consent, scope descriptions and branding"): the outcome each form's 303
// leads to (`?done=`), and one message per refusal rule.
import type { EmailChangeRule } from '../../core/types.js'
import { signUpMessage, Texts } from '../accounts/texts.js'

/** The outcomes a form's 303 names, and the line the page shows for each. */
export const Notices = {
  'signed-in': 'You are signed in.',
  created: Texts.created,
  name: 'Your display name has been saved.',
  password: `${Texts.changed} Every other session has ended, and apps must sign you in again.`,
  email: 'We have sent a link to your new address. Your address changes when you open it.',
  resent: 'We have sent you a new link, unless three were sent in the last hour.',
  removed: 'Access removed. The app must ask you again.',
  'signed-out': 'You have been signed out everywhere.',
} as const

export type Notice = keyof typeof Notices

export const noticeOf = (value: unknown): string | undefined =>
  typeof value === 'string' && Object.hasOwn(Notices, value) ? Notices[value as Notice] : undefined

export const AccountTexts = {
  signInAgain: 'Sign in to continue.',
  wrongPassword: 'Wrong password.',
  passwordMissing: 'Enter your current password.',
  badName: 'Choose a display name of at most 200 characters, without control characters.',
  deleted: 'Your account has been deleted.',
} as const

export function emailMessage(rule: EmailChangeRule, minLength: number): string {
  return rule === 'email_unchanged' ? 'That is already your address.' : signUpMessage(rule, minLength)
}
