// The anti-CSRF cookie and tokens of the issuer's forms (RFC 6749 §10.12,
// RFC 9700 §4.16 login CSRF; DESIGN.md "The sign-in page"), bound to a
// server key kept in the store like the signing keys:
// - the cookie is `<256 random bits>.<issued, s>.<HMAC-SHA-256 under the
//   key>`: only the issuer can make one that verifies, so a value planted by
//   a sibling subdomain (or typed by an attacker) is no cookie of ours;
// - a form's token is HMAC-SHA-256 under the key of the cookie and what the
//   form is for (one sealed request, the logout form): a cross-site page can
//   neither read the cookie nor compute the token, and nothing is stored.
// A page view keeps a cookie that still verifies (two sign-in tabs opened
// from an app share it) and replaces one that does not (malformed, expired,
// or made under a key no longer held).
import { createHmac } from 'node:crypto'
import { digestsEqual } from '../credentials/constant-time.js'
import { hashOpaque, newOpaque, OPAQUE_BODY } from '../credentials/opaque.js'
import type { Clock } from '../domain/types.js'
import type { CsrfService } from './types.js'

/** A cookie verifies for this long after it was made; page views then replace it. */
export const CSRF_COOKIE_TTL_S = 24 * 3600
/** A page shown just before its cookie expired can still be answered (its sealed request lives this long). */
export const CSRF_ANSWER_GRACE_S = 10 * 60
/** The name of the server secret the cookie and tokens are made with. */
export const CSRF_KEY_NAME = 'csrf-key'

const COOKIE = new RegExp(`^(${OPAQUE_BODY})\\.(\\d{1,12})\\.(${OPAQUE_BODY})$`)

export class Csrf implements CsrfService {
  readonly cookieMaxAge = CSRF_COOKIE_TTL_S + CSRF_ANSWER_GRACE_S

  constructor(private readonly key: Buffer, private readonly clock: Clock) {}

  #mac(...parts: string[]): string {
    const h = createHmac('sha256', this.key)
    for (const p of parts) h.update(p).update('\0')
    return h.digest('base64url')
  }

  /** True when the cookie was made under our key and is younger than `ttlS` seconds. */
  #verifies(value: string | undefined, ttlS: number): value is string {
    const m = value === undefined ? null : COOKIE.exec(value)
    if (m === null) return false
    const issued = Number(m[2])
    if (this.clock() / 1000 >= issued + ttlS) return false
    return digestsEqual(Buffer.from(this.#mac('cookie', m[1]!, m[2]!)), Buffer.from(m[3]!))
  }

  cookieFor(existing: string | undefined): { value: string; fresh: boolean } {
    if (this.#verifies(existing, CSRF_COOKIE_TTL_S)) return { value: existing, fresh: false }
    const nonce = newOpaque()
    const issued = String(Math.floor(this.clock() / 1000))
    return { value: `${nonce}.${issued}.${this.#mac('cookie', nonce, issued)}`, fresh: true }
  }

  token(cookie: string, purpose: string): string {
    return this.#mac('token', cookie, purpose)
  }

  tokenValid(cookie: string | undefined, purpose: string, token: string | undefined): boolean {
    if (token === undefined || !this.#verifies(cookie, CSRF_COOKIE_TTL_S + CSRF_ANSWER_GRACE_S)) return false
    // As strings: base64url decoding is lenient, and only our own spelling is accepted.
    return digestsEqual(Buffer.from(this.token(cookie, purpose)), Buffer.from(token))
  }

  binding(cookie: string): string {
    return hashOpaque(cookie)
  }
}
