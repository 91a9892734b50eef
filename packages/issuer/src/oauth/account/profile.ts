// POST /oauth2/account/name: the display name (DESIGN.md "The account
// page ..."; empty removes it). Refused for its content (over 200
// characters, control characters): the page again, 400, nothing changed.
import type { IssuerCore } from '../../core/types.js'
import type { Outcome } from '../authorize/response.js'
import type { BrowserContext } from '../browser.js'
import { accountForm, refused, toAccount } from './guard.js'
import { isPage } from '../accounts/guard.js'
import { AccountTexts } from './texts.js'

export async function answerDisplayName(core: IssuerCore, body: unknown, browser: BrowserContext): Promise<Outcome> {
  const request = await accountForm(core, browser, body, 'name', ['name'] as const)
  if (isPage(request)) return request
  const { form, session } = request
  // An empty field is sent as nothing (RFC 6749 §3.2 form rule): the name is removed.
  const value = form.name ?? ''
  if (!(await core.accountPage.setDisplayName(session.user.userId, value))) {
    return refused(core, browser, session, 'name', 400, AccountTexts.badName, 'name_refused', { typed: { name: value } })
  }
  return toAccount('name', 'name_changed')
}
