// The browser as the protocol steps see it: its Origin header and cookies,
// and the cookie changes they make, behind an interface the HTTP layer
// implements (http/browser/cookies.ts), so the steps stay free of Fastify.
import type { IssuerCore } from '../core/types.js'
import type { SignedInUser } from '../domain/types.js'
import { looksLikeOpaque } from '../credentials/opaque.js'

// Session ids are ours: 256 random bits, base64url. Anything else is no session, unlooked-up.

/**
 * What the browser endpoints' steps see of the browser: its Origin header
 * and cookies, and the cookie changes they make. The routes make one per
 * request; the steps stay free of Fastify.
 */
export interface BrowserContext {
  /** The Origin header, when sent. */
  readonly origin: string | undefined
  /** The client's address (behind TESSERA_TRUST_PROXY, from X-Forwarded-For), for the per-address limits. */
  readonly clientAddress: string
  /** The session cookie's value, when sent. */
  sessionCookie(): string | undefined
  /** The anti-CSRF cookie's value, when sent (verified or not). */
  csrfCookie(): string | undefined
  /**
   * The anti-CSRF cookie this answer's forms are bound to: the browser's own
   * when it still verifies (never replaced then: two open pages share it),
   * else a new one, set as a cookie first.
   */
  csrfSecret(): string
  /** Sets the session cookie (Max-Age TESSERA_SESSION_TTL). */
  setSession(id: string): void
  /** Deletes the session cookie. */
  clearSession(): void
  /** The device cookie's value, when sent (DESIGN.md, "Accounts"). */
  deviceCookie(): string | undefined
  /** Sets the device cookie (1 year). */
  setDevice(value: string): void
}

export interface CurrentSession {
  id: string
  user: SignedInUser
}

/** The live session the browser's cookie names, or null (no cookie, unknown, expired, or the user is gone). */
export async function currentSession(core: IssuerCore, browser: BrowserContext): Promise<CurrentSession | null> {
  const id = browser.sessionCookie()
  if (id === undefined || !looksLikeOpaque(id)) return null
  const user = await core.signIn.session(id)
  return user === null ? null : { id, user }
}
