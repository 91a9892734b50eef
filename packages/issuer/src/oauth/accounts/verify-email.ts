// GET and POST /oauth2/verify-email (DESIGN.md, "Accounts", e-mail on):
// the link's GET shows one button, "Confirm", and changes nothing (mail
// scanners fetch links; only a person's POST may spend the token); the
// POST, under the form rules, spends the token and marks its address
// verified (only while it is still the user's address or pending address),
// then 303 to the outcome page. An unknown, expired, used or voided token:
// the 400 page that says the link is no longer valid.
import type { IssuerCore } from '../../core/types.js'
import { problemPage, seeOther, type Outcome, type PageOutcome } from '../authorize/response.js'
import type { BrowserContext } from '../browser.js'
import { DONE_SUFFIX, VERIFY_EMAIL_PATH } from '../paths.js'
import { formToken, VERIFY_EMAIL_PURPOSE } from '../shared/csrf.js'
import { guardedForm, isPage } from './guard.js'
import { linkToken } from './mailed-token.js'
import { invalidLink, outcomePage, Texts } from './texts.js'

export async function showVerifyEmail(core: IssuerCore, url: string, browser: BrowserContext): Promise<PageOutcome> {
  const token = linkToken(url)
  const found = token === undefined ? null : await core.accounts.verification(token)
  if (found === null) return problemPage(invalidLink, 'invalid_link')
  return {
    type: 'page', status: 200, outcome: 'verify_email_page',
    view: { kind: 'verify-email', action: VERIFY_EMAIL_PATH, csrf: formToken(core, browser, VERIFY_EMAIL_PURPOSE), token, subject: found.address },
  }
}

export async function answerVerifyEmail(core: IssuerCore, body: unknown, browser: BrowserContext): Promise<Outcome> {
  const form = guardedForm(core, browser, body, ['token'] as const, () => VERIFY_EMAIL_PURPOSE)
  if (isPage(form)) return form
  if (form.token === undefined || !(await core.accounts.confirmEmail(form.token))) return problemPage(invalidLink, 'invalid_link')
  return seeOther(VERIFY_EMAIL_PATH + DONE_SUFFIX, 'email_confirmed')
}

export const verifyEmailDone = (): PageOutcome => outcomePage('Address confirmed', [Texts.confirmed], 'verify_email_done')
