// The browser's cookies (DESIGN.md, "The sign-in page"): the sign-in session
// `tessera_session` (HttpOnly, SameSite=Lax so that the app's top-level
// navigation to the authorization endpoint carries it, Max-Age
// TESSERA_SESSION_TTL), the anti-CSRF cookie `tessera_csrf` (HttpOnly,
// SameSite=Lax too, so that a page opened from the app sees the cookie an
// open page is bound to and keeps it: two sign-in tabs both work), and the
// device cookie `tessera_device` (DESIGN.md, "Accounts": signed by the
// core, HttpOnly, SameSite=Lax, 1 year). On an http (loopback) issuer they
// live at Path=/oauth2; on an https issuer every cookie bears the `__Host-`
// prefix (Secure, Path=/, no Domain: RFC 6265bis §4.1.3.2), so a sibling
// subdomain cannot plant one. Parsing and serialisation are @fastify/cookie's.
import type { CookieSerializeOptions } from '@fastify/cookie'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { IssuerCore } from '../../core/types.js'
import type { BrowserContext } from '../../oauth/browser.js'
import { SESSION_COOKIE_PATH } from '../../oauth/paths.js'

export const SESSION_COOKIE = 'tessera_session'
export const CSRF_COOKIE = 'tessera_csrf'
const HOST_PREFIX = '__Host-'
export const DEVICE_COOKIE = 'tessera_device'
/** The device cookie lasts a year (DESIGN.md, "Accounts"). */
const DEVICE_MAX_AGE = 365 * 86_400

/** A cookie's name and attributes on this issuer: `__Host-` prefixed, Secure and Path=/ on https. */
export function cookieSpec(core: IssuerCore, name: string): { name: string; options: CookieSerializeOptions } {
  const secure = core.config.issuer.startsWith('https:')
  return {
    name: secure ? HOST_PREFIX + name : name,
    options: { path: secure ? '/' : SESSION_COOKIE_PATH, httpOnly: true, sameSite: 'lax', secure },
  }
}

function readCookie(request: FastifyRequest, name: string): string | undefined {
  const value = request.cookies[name]
  return typeof value === 'string' && value !== '' ? value : undefined
}

export function browserContext(core: IssuerCore, request: FastifyRequest, reply: FastifyReply): BrowserContext {
  const origin = request.headers.origin
  const session = cookieSpec(core, SESSION_COOKIE)
  const csrfSpec = cookieSpec(core, CSRF_COOKIE)
  let csrf: string | undefined
  // The device cookie (DESIGN.md, "Accounts") follows the rule of every cookie: __Host- on https.
  const device = cookieSpec(core, DEVICE_COOKIE)
  return {
    origin: typeof origin === 'string' ? origin : undefined,
    // Fastify's request.ip: the socket's address, or X-Forwarded-For's under TESSERA_TRUST_PROXY only.
    clientAddress: request.ip,
    sessionCookie: () => readCookie(request, session.name),
    csrfCookie: () => readCookie(request, csrfSpec.name),
    csrfSecret() {
      if (csrf !== undefined) return csrf
      // A cookie that still verifies is kept (never replaced by a page view); any other is replaced.
      const { value, fresh } = core.csrf.cookieFor(readCookie(request, csrfSpec.name))
      if (fresh) reply.setCookie(csrfSpec.name, value, { ...csrfSpec.options, maxAge: core.csrf.cookieMaxAge })
      return (csrf = value)
    },
    setSession(id) {
      reply.setCookie(session.name, id, { ...session.options, maxAge: core.config.sessionTtl })
    },
    clearSession() {
      reply.clearCookie(session.name, session.options)
    },
    deviceCookie: () => readCookie(request, device.name),
    setDevice(value) {
      reply.setCookie(device.name, value, { ...device.options, maxAge: DEVICE_MAX_AGE })
    },
  }
}
