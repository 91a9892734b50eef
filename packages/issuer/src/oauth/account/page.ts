// GET /oauth2/account (DESIGN.md "The account page, remembered consent,
// scope descriptions and branding"): without a session, a sign-in form
// with no app named and one "Sign in" button; within one, the person's
// account with every form the contract lists, each with its own anti-CSRF
// token (bound to the browser's cookie and to that form). The page shows
// the outcome a form's 303 names (`?done=`); it takes no token and changes
// nothing. The views a refused form answers are made here too.
import type { IssuerCore } from '../../core/types.js'
import { Problem } from '../authorize/errors.js'
import { readQuery } from '../authorize/request.js'
import type { PageOutcome } from '../authorize/response.js'
import { currentSession, type BrowserContext, type CurrentSession } from '../browser.js'
import { ACCOUNT_FORM_PATHS, FORGOT_PATH, SIGNUP_PATH } from '../paths.js'
import { accountPurpose, formToken } from '../shared/csrf.js'
import type { AccountForm, AccountView, FormTarget } from '../views.js'
import { noticeOf, Notices } from './texts.js'

/** A form's path and its token for this browser. */
const target = (core: IssuerCore, browser: BrowserContext, form: AccountForm): FormTarget =>
  ({ action: ACCOUNT_FORM_PATHS[form], csrf: formToken(core, browser, accountPurpose(form)) })

/** Minutes until a lock ends (DESIGN.md: "says when to try again (in minutes)"). */
export const minutes = (seconds: number | undefined): number | undefined => seconds === undefined ? undefined : Math.max(1, Math.ceil(seconds / 60))

export interface SignInState {
  status?: number
  username?: string
  message?: string
  retryAfter?: number
  notice?: string
  outcome?: string
}

/** The sign-in form of the account page. */
export function accountSignInOutcome(core: IssuerCore, browser: BrowserContext, state: SignInState = {}): PageOutcome {
  const view = {
    kind: 'account-sign-in' as const, ...target(core, browser, 'sign-in'),
    username: state.username, message: state.message, retryMinutes: minutes(state.retryAfter), notice: state.notice,
    signupHref: core.config.signup === 'open' ? SIGNUP_PATH : undefined,
    forgotHref: core.config.smtpUrl !== null ? FORGOT_PATH : undefined,
  }
  return { type: 'page', status: state.status ?? 200, view, retryAfter: state.retryAfter, outcome: state.outcome ?? 'account_sign_in_page' }
}

export interface AccountState {
  status?: number
  notice?: string
  problem?: AccountView['problem']
  typed?: AccountView['typed']
  retryAfter?: number
  outcome?: string
}

/** The account page of the session's user (the sign-in form when the account is gone meanwhile). */
export async function accountOutcome(core: IssuerCore, browser: BrowserContext, session: CurrentSession, state: AccountState = {}): Promise<PageOutcome> {
  const { userId } = session.user
  const profile = await core.accountPage.profile(userId)
  if (profile === null) return accountSignInOutcome(core, browser)
  const [apps, scopeText] = await Promise.all([core.accountPage.connectedApps(userId), core.consents.scopeDescriptions()])
  const forms: AccountView['forms'] = {}
  for (const form of ['name', 'password', 'remove-access', 'sign-out-everywhere', 'delete'] as const) forms[form] = target(core, browser, form)
  // The e-mail forms only with e-mail on (a pending address could never be confirmed without it).
  if (core.accounts.mailEnabled) {
    forms.email = target(core, browser, 'email')
    if (profile.emailPending !== null || (profile.email !== null && !profile.emailVerified)) forms.resend = target(core, browser, 'resend')
  }
  const view = {
    kind: 'account' as const, forms,
    username: profile.username, email: profile.email, emailVerified: profile.emailVerified, emailPending: profile.emailPending, name: profile.name,
    apps, scopeText, minLength: core.config.passwordMinLength,
    notice: state.notice, problem: state.problem, typed: state.typed,
  }
  return { type: 'page', status: state.status ?? 200, view, retryAfter: state.retryAfter, outcome: state.outcome ?? 'account_page' }
}

export async function showAccount(core: IssuerCore, url: string, browser: BrowserContext): Promise<PageOutcome> {
  const query = readQuery(url)
  // A malformed query changes nothing here: the page is shown without a notice.
  const notice = query instanceof Problem ? undefined : noticeOf(query.done)
  const session = await currentSession(core, browser)
  if (session === null) return accountSignInOutcome(core, browser, { notice: notice === Notices['signed-out'] ? notice : undefined })
  return accountOutcome(core, browser, session, { notice })
}
