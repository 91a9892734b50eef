// POST /oauth2/account/apps/remove: "Remove access" (DESIGN.md "The account
// page ..."): the app's consents, refresh tokens and unspent codes for
// this person go in one transaction, so its refresh token fails from now
// on and its next authorization asks again → 303 to the page. An app that
// holds nothing (removed already, in another tab) changes nothing and
// answers the same.
import type { IssuerCore } from '../../core/types.js'
import { isPage } from '../accounts/guard.js'
import { problemPage, type Outcome } from '../authorize/response.js'
import { Problems } from '../authorize/errors.js'
import type { BrowserContext } from '../browser.js'
import { accountForm, toAccount } from './guard.js'

export async function answerRemoveAccess(core: IssuerCore, body: unknown, browser: BrowserContext): Promise<Outcome> {
  const request = await accountForm(core, browser, body, 'remove-access', ['client_id'] as const)
  if (isPage(request)) return request
  const { form, session } = request
  if (form.client_id === undefined) return problemPage(Problems.malformedForm, 'malformed_form')
  await core.accountPage.removeAccess(session.user.userId, form.client_id)
  return toAccount('removed', 'access_removed')
}
