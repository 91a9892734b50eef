// RFC 6749 §3.1.2 redirection endpoint matching, the first check of the
// authorization endpoint: until it passes, nothing redirects (§4.1.2.1, no
// open redirector). Registered URIs are compared as exact strings (RFC 9700
// §2.1, §4.1.3), with the one exception of RFC 8252 §7.3: for an `http` URI
// on the loopback IP literals 127.0.0.1 and [::1] the port is ignored, since
// a native app listens on whatever port it gets. Not for `localhost`
// (RFC 8252 §8.3: a name may resolve elsewhere).
import type { Client } from '../../domain/types.js'
import type { FormValue } from '../form.js'
import { Problems, type Problem } from './errors.js'

// scheme and loopback IP literal, optional port, then path and query exactly as written.
const LOOPBACK = /^(http:\/\/(?:127\.0\.0\.1|\[::1\]))(?::(\d{1,5}))?([/?].*)?$/s

function withoutPort(uri: string): string | null {
  const m = LOOPBACK.exec(uri)
  if (m === null || (m[2] !== undefined && Number(m[2]) > 65535)) return null
  return m[1]! + (m[3] ?? '')
}

/** RFC 6749 §3.1.2.3 exact match, or RFC 8252 §7.3 the same loopback URI on another port. */
export function redirectUriMatches(registered: string, sent: string): boolean {
  if (registered === sent) return true
  const a = withoutPort(registered)
  return a !== null && a === withoutPort(sent)
}

export interface RedirectTarget {
  /** Where the answer goes: the URI as sent (its port, for a loopback URI), or the only one registered. */
  redirectUri: string
  /** `redirect_uri` as sent, or null when omitted (the code is bound to it, RFC 6749 §4.1.3). */
  sent: string | null
}

/** Step: the redirect URI is one of the client's; omitted only when the client has exactly one (RFC 6749 §3.1.2.3). */
export function selectRedirectUri(client: Client, param: FormValue | undefined): RedirectTarget | Problem {
  if (Array.isArray(param)) return Problems.repeatedClient
  const registered = client.redirectUris
  if (registered.length === 0) return Problems.noRedirectUri
  if (param === undefined) {
    return registered.length === 1 ? { redirectUri: registered[0]!, sent: null } : Problems.redirectUriRequired
  }
  return registered.some((r) => redirectUriMatches(r, param)) ? { redirectUri: param, sent: param } : Problems.redirectUriMismatch
}
