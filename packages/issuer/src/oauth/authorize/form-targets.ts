// Where the authorization response of a page's form may end up (CSP form-action).

/**
 * CSP source expressions a form may be sent to, beyond 'self', for a
 * redirect target: Chromium applies form-action to every redirect that
 * follows a form submission (CSP3 §6.3.1), so the page that posts the
 * credentials must allow where the 303 goes. A host-source can name an
 * origin, but has no syntax for an IPv6 literal: for [::1] only the scheme
 * can be named. A private-use scheme (RFC 8252 §7.1) is a scheme-source.
 */
export function formTargets(redirectUri: string): string[] {
  let url: URL
  try {
    url = new URL(redirectUri)
  } catch {
    return []
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    if (url.hostname.startsWith('[')) return [url.protocol]
    return [url.origin]
  }
  return /^[a-z][a-z0-9+.-]*:$/i.test(url.protocol) ? [url.protocol] : []
}
