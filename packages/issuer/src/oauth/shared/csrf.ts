// Anti-CSRF for the issuer's forms (RFC 6749 §10.12, RFC 9700 §4.16 login
// CSRF). A browser gets a random cookie `tessera_csrf` (256 bits,
// HttpOnly, SameSite=Strict); a form carries HMAC-SHA-256 keyed by that
// value over what the form is for (one pending request, or the logout
// form). A cross-site page can neither read the cookie nor compute the
// token; the check holds across processes with nothing stored, and a token
// for one pending request does not answer another. Besides, a POST whose
// Origin header is present and not the issuer's is refused.
import { createHmac } from 'node:crypto'
import { digestsEqual } from '../../credentials/constant-time.js'
import { newOpaque } from '../../credentials/opaque.js'

// Our cookie values: 256 random bits, base64url.
const COOKIE_FORM = /^[A-Za-z0-9_-]{43}$/

/** The browser's CSRF cookie value when it has a well-formed one, else a new one to set. */
export function csrfSecret(existing: string | undefined): { value: string; fresh: boolean } {
  return existing !== undefined && COOKIE_FORM.test(existing) ? { value: existing, fresh: false } : { value: newOpaque(), fresh: true }
}

const mac = (secret: string, purpose: string): Buffer => createHmac('sha256', secret).update(purpose).digest()

/** The token a form for `purpose` carries. */
export function csrfToken(secret: string, purpose: string): string {
  return mac(secret, purpose).toString('base64url')
}

/** True when the token was made for this cookie and purpose; compared in constant time. */
export function csrfTokenValid(secret: string | undefined, purpose: string, token: string | undefined): boolean {
  if (secret === undefined || token === undefined || !COOKIE_FORM.test(secret)) return false
  // As strings: base64url decoding is lenient, and only our own spelling is accepted.
  return digestsEqual(Buffer.from(csrfToken(secret, purpose)), Buffer.from(token))
}

/** Purposes: one pending authorization request, or the logout form. */
export const authorizePurpose = (reference: string): string => `authorize\0${reference}`
export const LOGOUT_PURPOSE = 'logout'
/** The accounts pages (DESIGN.md, "Accounts"): sign-up is bound to the pending request it carries (or none). */
export const signupPurpose = (request: string | undefined): string => `signup\0${request ?? ''}`
export const VERIFY_EMAIL_PURPOSE = 'verify-email'
export const FORGOT_PURPOSE = 'forgot'
export const RESET_PURPOSE = 'reset'

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
