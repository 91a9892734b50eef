// Calls the restaurant API with an access token and formats its answers for
// the examples' output: a bearer token (RFC 6750 §2.1), or with `dpop` (a
// key from dpop.js) a DPoP-bound token and a proof of that key (RFC 9449 §7.1).

/** `{ status, body, wwwAuthenticate }` of one call. `token` may be null: no Authorization header. */
export async function callApi(api, token, method, path, body, { dpop } = {}) {
  const headers = token && !dpop ? { authorization: `Bearer ${token}` } : {}
  if (body !== undefined) headers['content-type'] = 'application/json'
  const init = { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }
  const url = new URL(path, api)
  const res = dpop ? await dpop.fetch(url, init, token ?? undefined) : await fetch(url, init)
  return { status: res.status, body: await res.json().catch(() => null), wwwAuthenticate: res.headers.get('www-authenticate') }
}

/** One readable line for an answer. */
export function describe({ status, body, wwwAuthenticate }) {
  return `-> ${status} ${JSON.stringify(body)}${wwwAuthenticate ? `  WWW-Authenticate: ${wwwAuthenticate}` : ''}`
}
