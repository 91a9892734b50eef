// Answers of the browser-facing endpoints (authorization, sign-in, logout):
// every one carries the headers of DESIGN.md's "The sign-in page" (RFC 9700
// §4.16 clickjacking: frame-ancestors 'none' and X-Frame-Options; no-store,
// since pages and redirects carry codes and anti-CSRF tokens; Referrer-Policy
// same-origin, so no address of ours leaks to another site while our own
// form POST still carries our Origin). Pages are HTML from pages/; the
// authorization response is a 303 (RFC 9700 §4.12: never 307 after a POST
// of credentials).
import type { FastifyReply } from 'fastify'
import type { Html } from '../../pages/html.js'
import { renderPage } from '../../pages/render.js'
import { DEFAULT_THEME, type Theme } from '../../pages/layout.js'
import type { Outcome } from '../../oauth/authorize/response.js'

export const HTML_TYPE = 'text/html; charset=utf-8'

declare module 'fastify' {
  interface FastifyInstance {
    /** The pages' brand, colours and logo, made once from the configuration (buildApp). */
    pageTheme: Theme
  }
}

/** The theme of the app that answers (the default for an app built without one). */
const themeOf = (reply: FastifyReply): Theme => reply.server.pageTheme ?? DEFAULT_THEME

/** Headers every answer of these endpoints carries, page or redirect. */
export function browserHeaders(reply: FastifyReply): void {
  reply.header('cache-control', 'no-store')
  reply.header('pragma', 'no-cache')
  reply.header('x-frame-options', 'DENY')
  reply.header('referrer-policy', 'same-origin')
  reply.header('x-content-type-options', 'nosniff')
}

export interface PageOptions {
  /** The page has a form whose answer redirects there (see formTargets). */
  formTargets?: readonly string[]
  /** Seconds for Retry-After (429, 503). */
  retryAfter?: number
}

/** Content-Security-Policy of a page: nothing loads but our own images (the logo), only our one stylesheet applies, forms post to us. */
export function contentSecurityPolicy(targets: readonly string[] = [], styleSource = DEFAULT_THEME.styleSource): string {
  return [
    "default-src 'none'",
    `style-src ${styleSource}`,
    "img-src 'self'",
    `form-action 'self'${targets.map((t) => ' ' + t).join('')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ')
}

export function sendPage(reply: FastifyReply, status: number, page: Html, options: PageOptions = {}): FastifyReply {
  reply.code(status)
  browserHeaders(reply)
  reply.header('content-type', HTML_TYPE)
  reply.header('content-security-policy', contentSecurityPolicy(options.formTargets, themeOf(reply).styleSource))
  if (options.retryAfter !== undefined) reply.header('retry-after', String(options.retryAfter))
  return reply.send(page.value)
}

/** RFC 6749 §4.1.2 / RFC 9700 §4.12: the answer to the client is a 303 See Other to its redirect URI. */
export function sendRedirect(reply: FastifyReply, location: string): FastifyReply {
  reply.code(303)
  browserHeaders(reply)
  reply.header('location', location)
  return reply.send()
}

/** Renders what a browser endpoint's steps decided. */
export function sendOutcome(reply: FastifyReply, outcome: Outcome): FastifyReply {
  if (outcome.type === 'redirect') return sendRedirect(reply, outcome.location)
  return sendPage(reply, outcome.status, renderPage(outcome.view, themeOf(reply)), { formTargets: outcome.formTargets, retryAfter: outcome.retryAfter })
}
