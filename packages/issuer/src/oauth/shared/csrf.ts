// Anti-CSRF for the issuer's forms (RFC 6749 §10.12, RFC 9700 §4.16 login
// CSRF). A browser gets the anti-CSRF cookie (core/csrf.ts: made under a
// server key, HttpOnly, SameSite=Lax, `__Host-` on an https issuer); a form
// carries a token bound to that cookie, the server key, and what the form
// is for (one sealed pending request, or the logout form): a cross-site
// page can neither read the cookie nor compute the token, a planted cookie
// value verifies nowhere, the check holds across processes with nothing
// stored, and a token for one page does not answer another. Besides, a
// POST whose Origin header is present and not the issuer's is refused.
import type { IssuerCore } from '../../core/types.js'
import type { BrowserContext } from '../browser.js'

/** Purposes: one sealed authorization request, or the logout form. */
export const authorizePurpose = (reference: string): string => `authorize\0${reference}`
export const LOGOUT_PURPOSE = 'logout'
/** The accounts pages (DESIGN.md, "Accounts"): sign-up is bound to the pending request it carries (or none). */
export const signupPurpose = (request: string | undefined): string => `signup\0${request ?? ''}`
export const VERIFY_EMAIL_PURPOSE = 'verify-email'
export const FORGOT_PURPOSE = 'forgot'
export const RESET_PURPOSE = 'reset'
/** The account page: one purpose per form (a token for one form answers no other). */
export const accountPurpose = (form: string): string => `account\0${form}`

/** The token a form of this browser for `purpose` carries (the cookie is set first when the browser has none that verifies). */
export function formToken(core: IssuerCore, browser: BrowserContext, purpose: string): string {
  return core.csrf.token(browser.csrfSecret(), purpose)
}

/** True when the form's token was made for this browser's cookie and this purpose. */
export function formTokenValid(core: IssuerCore, browser: BrowserContext, purpose: string, token: string | undefined): boolean {
  return core.csrf.tokenValid(browser.csrfCookie(), purpose, token)
}

/**
 * DESIGN.md: an `Origin` header that is present must be the issuer's origin
 * (RFC 6454 serialisation; `null`, sent by sandboxed and privacy-sensitive
 * contexts, is refused too). Absent, the token alone decides.
 */
export function originAllowed(origin: string | undefined, issuer: string): boolean {
  if (origin === undefined) return true
  let expected: string
  try {
    expected = new URL(issuer).origin
  } catch {
    return false
  }
  return origin === expected
}
