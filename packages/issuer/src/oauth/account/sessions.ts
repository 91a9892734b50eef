// POST /oauth2/account/sign-out-everywhere (DESIGN.md "The account page
// ..."): every session of the person ends (this one too: its cookie is
// deleted) and every refresh token of theirs is revoked, as `user
// sign-out` does; consents stay → 303 to the page, now its sign-in form.
import type { IssuerCore } from '../../core/types.js'
import { isPage } from '../accounts/guard.js'
import type { Outcome } from '../authorize/response.js'
import type { BrowserContext } from '../browser.js'
import { accountForm, toAccount } from './guard.js'

export async function answerSignOutEverywhere(core: IssuerCore, body: unknown, browser: BrowserContext): Promise<Outcome> {
  const request = await accountForm(core, browser, body, 'sign-out-everywhere', [] as const)
  if (isPage(request)) return request
  await core.accountPage.signOutEverywhere(request.session.user.username)
  browser.clearSession()
  return toAccount('signed-out', 'signed_out_everywhere')
}
