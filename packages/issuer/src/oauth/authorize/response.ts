// What the authorization endpoint and its form answer, as values the routes
// render: a page, or the authorization response, a 303 to the client's
// redirect URI (RFC 6749 §4.1.2, RFC 9700 §4.12) with `iss` (RFC 9207 §2)
// and `state` as sent, in the query (response_mode query), appended to any
// query the registered URI already has (RFC 6749 §3.1.2: "MUST retain").
import type { AfterAnswer } from '../../domain/mail.js'
import type { PageView } from '../views.js'
import type { AuthorizationError, Problem } from './errors.js'

export interface PageOutcome {
  type: 'page'
  status: number
  view: PageView
  /** Sources the page's form may end up at (CSP form-action), see form-targets.ts. */
  formTargets?: readonly string[]
  retryAfter?: number
  /** For the log line: what was shown or went wrong. */
  outcome: string
}

export interface RedirectOutcome {
  type: 'redirect'
  location: string
  outcome: string
  /** Work for after the answer is sent: the message to mail, if any (DESIGN.md, "Accounts"). */
  after?: AfterAnswer
}

export type Outcome = PageOutcome | RedirectOutcome

/** A refusal that goes back to the client: where, and the state to echo. */
export class Refused {
  constructor(
    readonly redirectUri: string,
    readonly state: string | null,
    readonly error: AuthorizationError,
  ) {}
}

/** The redirect URI with the response parameters appended (printable ASCII, as a Location header must be). */
export function responseUri(redirectUri: string, params: Record<string, string | null>): string {
  const query = new URLSearchParams()
  for (const [name, value] of Object.entries(params)) if (value !== null) query.append(name, value)
  const base = /^[\x21-\x7e]*$/.test(redirectUri) ? redirectUri : new URL(redirectUri).href
  if (query.size === 0) return base
  const separator = !base.includes('?') ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&'
  return base + separator + query.toString()
}

/** RFC 6749 §4.1.2.1 error response, with RFC 9207 `iss`. */
export function refusal(refused: Refused, issuer: string): RedirectOutcome {
  const { error, description } = refused.error
  return {
    type: 'redirect',
    location: responseUri(refused.redirectUri, { error, error_description: description, state: refused.state, iss: issuer }),
    outcome: error,
  }
}

/** RFC 6749 §4.1.2 success: the code, the state, and RFC 9207 `iss`. */
export function codeResponse(redirectUri: string, code: string, state: string | null, issuer: string): RedirectOutcome {
  return { type: 'redirect', location: responseUri(redirectUri, { code, state, iss: issuer }), outcome: 'code' }
}

/** A problem shown as a page: nothing is redirected. */
export function problemPage(problem: Problem, outcome: string): PageOutcome {
  return {
    type: 'page', status: problem.status, view: { kind: 'message', title: problem.title, lines: problem.lines },
    retryAfter: problem.retryAfter, outcome,
  }
}

/** A 303 to one of our own pages (a form's outcome page, or the authorization request again). */
export function seeOther(location: string, outcome: string, after?: AfterAnswer): RedirectOutcome {
  return { type: 'redirect', location, outcome, after }
}
