// The browser's cookies (DESIGN.md, "The sign-in page"): the sign-in session
// `tessera_session` (HttpOnly, SameSite=Lax so that the app's top-level
// navigation to the authorization endpoint carries it, Path=/oauth2, Secure
// on https, Max-Age TESSERA_SESSION_TTL) and the anti-CSRF cookie
// `tessera_csrf` (SameSite=Strict: only our own pages' forms need it).
// Parsing and serialisation are @fastify/cookie's.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { IssuerCore } from '../../core/types.js'
import type { SignedInUser } from '../../domain/types.js'
import { SESSION_COOKIE_PATH } from '../../oauth/paths.js'
import { csrfSecret } from '../../oauth/shared/csrf.js'

export const SESSION_COOKIE = 'tessera_session'
export const CSRF_COOKIE = 'tessera_csrf'

// Session ids are ours: 256 random bits, base64url. Anything else is no session, unlooked-up.
const SESSION_FORM = /^[A-Za-z0-9_-]{43}$/

const secure = (core: IssuerCore): boolean => core.config.issuer.startsWith('https:')

/**
 * What the browser endpoints' steps see of the browser: its Origin header
 * and cookies, and the cookie changes they make. The routes make one per
 * request; the steps stay free of Fastify.
 */
export interface BrowserContext {
  /** The Origin header, when sent. */
  readonly origin: string | undefined
  /** The session cookie's value, when sent. */
  sessionCookie(): string | undefined
  /** The anti-CSRF cookie's value, when sent. */
  csrfCookie(): string | undefined
  /** The anti-CSRF secret, set as a cookie first when the browser had none. */
  csrfSecret(): string
  /** Sets the session cookie (Max-Age TESSERA_SESSION_TTL). */
  setSession(id: string): void
  /** Deletes the session cookie. */
  clearSession(): void
}

function readCookie(request: FastifyRequest, name: string): string | undefined {
  const value = request.cookies[name]
  return typeof value === 'string' && value !== '' ? value : undefined
}

export function browserContext(core: IssuerCore, request: FastifyRequest, reply: FastifyReply): BrowserContext {
  const origin = request.headers.origin
  let csrf: string | undefined
  return {
    origin: typeof origin === 'string' ? origin : undefined,
    sessionCookie: () => readCookie(request, SESSION_COOKIE),
    csrfCookie: () => readCookie(request, CSRF_COOKIE),
    csrfSecret() {
      if (csrf !== undefined) return csrf
      const { value, fresh } = csrfSecret(readCookie(request, CSRF_COOKIE))
      if (fresh) reply.setCookie(CSRF_COOKIE, value, { path: SESSION_COOKIE_PATH, httpOnly: true, sameSite: 'strict', secure: secure(core) })
      return (csrf = value)
    },
    setSession(id) {
      reply.setCookie(SESSION_COOKIE, id, {
        path: SESSION_COOKIE_PATH, httpOnly: true, sameSite: 'lax', secure: secure(core), maxAge: core.config.sessionTtl,
      })
    },
    clearSession() {
      reply.clearCookie(SESSION_COOKIE, { path: SESSION_COOKIE_PATH, httpOnly: true, sameSite: 'lax', secure: secure(core) })
    },
  }
}

export interface CurrentSession {
  id: string
  user: SignedInUser
}

/** The live session the browser's cookie names, or null (no cookie, unknown, expired, or the user is gone). */
export async function currentSession(core: IssuerCore, browser: BrowserContext): Promise<CurrentSession | null> {
  const id = browser.sessionCookie()
  if (id === undefined || !SESSION_FORM.test(id)) return null
  const user = await core.signIn.session(id)
  return user === null ? null : { id, user }
}
