// One HTTP GET of a JWK Set: bounded in time and size, no redirects, with
// conditional revalidation (RFC 9110 §13.1.2 If-None-Match, RFC 9111 §5.2
// Cache-Control max-age).

/** The subset of WHATWG fetch the cache uses; tests may inject their own. */
export type FetchLike = (url: string, init: {
  method: 'GET'
  headers: Record<string, string>
  redirect: 'manual'
  signal: AbortSignal
}) => Promise<Response>

export type FetchOutcome =
  | { readonly status: 200; readonly body: unknown; readonly etag: string | null; readonly maxAge: number | null }
  | { readonly status: 304; readonly etag: string | null; readonly maxAge: number | null }

export class JwksFetchError extends Error {
  override readonly name = 'JwksFetchError'
}

/** `max-age` in seconds from a Cache-Control value; 0 for no-store/no-cache; null when absent. */
export function parseMaxAge(cacheControl: string | null): number | null {
  if (cacheControl === null) return null
  let maxAge: number | null = null
  for (const part of cacheControl.split(',')) {
    const directive = part.trim().toLowerCase()
    if (directive === 'no-store' || directive === 'no-cache') return 0
    if (directive.startsWith('max-age=')) {
      const value = directive.slice(8).replace(/^"|"$/g, '')
      if (/^\d+$/.test(value)) maxAge = Number(value)
    }
  }
  return maxAge
}

async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = response.headers.get('content-length')
  if (declared !== null && Number(declared) > maxBytes) throw new JwksFetchError(`JWKS larger than ${maxBytes} bytes`)
  if (response.body === null) return new Uint8Array(0)
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      await reader.cancel().catch(() => {})
      throw new JwksFetchError(`JWKS larger than ${maxBytes} bytes`)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks, total)
}

export async function fetchJwks(
  fetchImpl: FetchLike,
  uri: string,
  etag: string | null,
  timeoutMs: number,
  maxBytes: number,
): Promise<FetchOutcome> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), timeoutMs)
  try {
    const headers: Record<string, string> = { accept: 'application/jwk-set+json, application/json' }
    if (etag !== null) headers['if-none-match'] = etag
    let response: Response
    try {
      response = await fetchImpl(uri, { method: 'GET', headers, redirect: 'manual', signal: controller.signal })
    } catch (error) {
      throw new JwksFetchError(controller.signal.aborted ? `JWKS request timed out after ${timeoutMs} ms` : 'JWKS request failed', { cause: error })
    }
    const maxAge = parseMaxAge(response.headers.get('cache-control'))
    const newEtag = response.headers.get('etag')
    if (response.status === 304 && etag !== null) {
      await response.body?.cancel().catch(() => {})
      return { status: 304, etag: newEtag ?? etag, maxAge }
    }
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => {})
      // Redirects included: the JWKS location is configuration, never followed elsewhere.
      throw new JwksFetchError(`JWKS endpoint answered HTTP ${response.status}`)
    }
    let bytes: Uint8Array
    try {
      bytes = await readCapped(response, maxBytes)
    } catch (error) {
      if (error instanceof JwksFetchError) throw error
      throw new JwksFetchError(controller.signal.aborted ? `JWKS request timed out after ${timeoutMs} ms` : 'JWKS body could not be read', { cause: error })
    }
    let body: unknown
    try {
      body = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'))
    } catch (error) {
      throw new JwksFetchError('JWKS is not JSON', { cause: error })
    }
    return { status: 200, body, etag: newEtag, maxAge }
  } finally {
    clearTimeout(timer)
  }
}
