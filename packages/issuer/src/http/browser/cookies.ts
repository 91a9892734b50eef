// The browser's cookies (DESIGN.md, "The sign-in page"): the sign-in session
// `tessera_session` (HttpOnly, SameSite=Lax so that the app's top-level
// navigation to the authorization endpoint carries it, Path=/oauth2, Secure
// on https, Max-Age TESSERA_SESSION_TTL) and the anti-CSRF cookie
// `tessera_csrf` (SameSite=Strict: only our own pages' forms need it), and
// the device cookie `tessera_device` (DESIGN.md, "Accounts": signed by the
// core, HttpOnly, SameSite=Lax, 1 year).
// Parsing and serialisation are @fastify/cookie's.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { IssuerCore } from '../../core/types.js'
import type { BrowserContext } from '../../oauth/browser.js'
import { SESSION_COOKIE_PATH } from '../../oauth/paths.js'
import { csrfSecret } from '../../oauth/shared/csrf.js'

export const SESSION_COOKIE = 'tessera_session'
export const CSRF_COOKIE = 'tessera_csrf'
export const DEVICE_COOKIE = 'tessera_device'
/** The device cookie lasts a year (DESIGN.md, "Accounts"). */
const DEVICE_MAX_AGE = 365 * 86_400

/**
 * Where the device cookie lives: `tessera_device` on Path=/oauth2, or on an
 * https issuer `__Host-tessera_device` (Secure, Path=/, no Domain), so a
 * sibling subdomain cannot plant one (DESIGN.md, "The sign-in page": this
 * rule wins over every Path=/oauth2).
 */
function devicePlacement(core: IssuerCore): { name: string; path: string; secure: boolean } {
  return secure(core)
    ? { name: `__Host-${DEVICE_COOKIE}`, path: '/', secure: true }
    : { name: DEVICE_COOKIE, path: SESSION_COOKIE_PATH, secure: false }
}

const secure = (core: IssuerCore): boolean => core.config.issuer.startsWith('https:')

function readCookie(request: FastifyRequest, name: string): string | undefined {
  const value = request.cookies[name]
  return typeof value === 'string' && value !== '' ? value : undefined
}

export function browserContext(core: IssuerCore, request: FastifyRequest, reply: FastifyReply): BrowserContext {
  const origin = request.headers.origin
  let csrf: string | undefined
  const device = devicePlacement(core)
  return {
    origin: typeof origin === 'string' ? origin : undefined,
    // Fastify's request.ip: the socket's address, or X-Forwarded-For's under TESSERA_TRUST_PROXY only.
    clientAddress: request.ip,
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
    deviceCookie: () => readCookie(request, device.name),
    setDevice(value) {
      reply.setCookie(device.name, value, { path: device.path, httpOnly: true, sameSite: 'lax', secure: device.secure, maxAge: DEVICE_MAX_AGE })
    },
  }
}
