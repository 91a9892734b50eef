// POST /oauth2/account/delete: "Delete account" (DESIGN.md "The account
// page ..."): the password, checked as at sign-in → the user deleted with
// their sessions, consents, codes and refresh tokens, as `user delete`
// does (one statement; the store's foreign keys cascade) → the session
// cookie deleted → 303 to GET /oauth2/account/delete/done: "Your account
// has been deleted."
import type { IssuerCore } from '../../core/types.js'
import { isPage } from '../accounts/guard.js'
import { outcomePage } from '../accounts/texts.js'
import { seeOther, type Outcome, type PageOutcome } from '../authorize/response.js'
import type { BrowserContext } from '../browser.js'
import { ACCOUNT_DELETED_PATH } from '../paths.js'
import { accountForm, confirmPassword } from './guard.js'
import { AccountTexts } from './texts.js'

export async function answerDeleteAccount(core: IssuerCore, body: unknown, browser: BrowserContext): Promise<Outcome> {
  const request = await accountForm(core, browser, body, 'delete', ['password'] as const)
  if (isPage(request)) return request
  const { form, session } = request
  const confirmed = await confirmPassword(core, browser, session, 'delete', form.password)
  if (confirmed !== true) return confirmed
  await core.accountPage.deleteAccount(session.user.username)
  browser.clearSession()
  return seeOther(ACCOUNT_DELETED_PATH, 'account_deleted')
}

export const accountDeleted = (): PageOutcome => outcomePage('Account deleted', [AccountTexts.deleted, 'You can close this page.'], 'account_deleted_page')
