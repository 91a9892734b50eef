// The password check of every page that asks for one (DESIGN.md, "The
// sign-in page" and "The account page"): the sign-in page, the account
// page's sign-in form and the account page's forms that ask for the
// current password. Exactly as in the password grant (core.checkUserPassword:
// argon2id, admission control, the per-account failure counter and lock),
// with the device rule of the pages (DESIGN.md, "Accounts"): the browser's
// device cookie is read, and renewed on success. Then, for a sign-in, the
// session (a previous one of this browser ends).
import { BusyError } from '../../domain/errors.js'
import type { SignedInUser, User } from '../../domain/types.js'
import type { IssuerCore } from '../../core/types.js'
import { busyProblem } from '../authorize/errors.js'
import { problemPage, type PageOutcome } from '../authorize/response.js'
import type { BrowserContext } from '../browser.js'

/** What the pages say (DESIGN.md, "The sign-in page"). */
export const PasswordMessages = {
  wrongPassword: 'Wrong username or password.',
  locked: 'Too many failed attempts. Try again later.',
  missing: 'Enter your username and password.',
} as const

export type PasswordVerdict =
  | { ok: true; user: User }
  /** Unknown user or wrong password (one answer: 400), or a lock (429, with seconds to wait). */
  | { ok: false; reason: 'invalid_credentials' } | { ok: false; reason: 'locked'; retryAfter: number }

/**
 * Checks `login` and `password` as at sign-in; counted in the sign-in
 * metrics. Admission control refusing the argon2 computation is the busy
 * page (503), nothing counted.
 */
export async function checkPagePassword(core: IssuerCore, browser: BrowserContext, login: string, password: string): Promise<PasswordVerdict | PageOutcome> {
  let checked
  try {
    checked = await core.checkUserPassword(login, password, { cookie: browser.deviceCookie() })
  } catch (err) {
    if (!(err instanceof BusyError)) throw err
    core.observer.signIn('busy')
    return problemPage(busyProblem(err), 'busy')
  }
  if (!checked.ok) {
    if (checked.reason === 'locked') {
      core.observer.signIn('locked')
      return { ok: false, reason: 'locked', retryAfter: checked.retryAfter }
    }
    core.observer.signIn('invalid_credentials')
    return { ok: false, reason: 'invalid_credentials' }
  }
  core.observer.signIn('ok')
  if (checked.device !== undefined) browser.setDevice(checked.device)
  return { ok: true, user: checked.user }
}

/** Starts a session for a user whose password was just checked; a previous session of this browser ends. */
export async function startPageSession(core: IssuerCore, browser: BrowserContext, user: User): Promise<SignedInUser> {
  const previous = browser.sessionCookie()
  if (previous !== undefined) await core.signIn.endSession(previous)
  const session = await core.signIn.startSession(user)
  browser.setSession(session.id)
  return { userId: user.id, username: user.username, scopes: user.scopes, authTime: session.authTime, sid: session.sid }
}
