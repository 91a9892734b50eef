// Calls the restaurant API with a bearer token (RFC 6750 §2.1) and formats
// its answers for the examples' output.

/** `{ status, body, wwwAuthenticate }` of one call. `token` may be null: no Authorization header. */
export async function callApi(api, token, method, path, body) {
  const headers = token ? { authorization: `Bearer ${token}` } : {}
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(new URL(path, api), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  return { status: res.status, body: await res.json().catch(() => null), wwwAuthenticate: res.headers.get('www-authenticate') }
}

/** One readable line for an answer. */
export function describe({ status, body, wwwAuthenticate }) {
  return `-> ${status} ${JSON.stringify(body)}${wwwAuthenticate ? `  WWW-Authenticate: ${wwwAuthenticate}` : ''}`
}
