// A Web-standard `Request` (fetch API: Hono, Next.js route handlers,
// Bun.serve, Deno.serve, Node's global Request) as a RequestLike for token
// extraction. Headers are read with `Headers#get`, the query from `url`;
// the form body (RFC 6750 §2.2) only when `allowFormBody` is on, the method
// is not GET and the content type is form-urlencoded, and then from a
// clone, so the body stays unread for the application.
import { InvalidRequestError, type ErrorInit } from './errors.js'
import { wantsFormBody, type ExtractOptions, type HeadersLike, type RequestLike } from './extract-token.js'

/** The members of a Web `Request` that are read. Every fetch-API Request fits. */
export interface WebRequestLike {
  readonly headers: HeadersLike
  readonly method: string
  readonly url: string
  readonly bodyUsed: boolean
  clone(): { readonly body: { getReader(): WebBodyReader } | null }
}

interface WebBodyReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>
  cancel(): Promise<void>
}

/**
 * Largest form body searched for `access_token`, in bytes (the default body
 * limit of Fastify; express.urlencoded() stops at 100 KiB). A larger one is
 * `invalid_request`, never buffered whole.
 */
export const MAX_FORM_BYTES = 1024 * 1024

/** A Web Request, told apart from node:http's by its Headers object and clone(). */
export function isWebRequest(request: unknown): request is WebRequestLike {
  const r = request as Partial<WebRequestLike> | null
  return typeof r === 'object' && r !== null && typeof r.clone === 'function' && typeof r.headers?.get === 'function'
}

async function readForm(request: WebRequestLike, init: ErrorInit): Promise<URLSearchParams> {
  if (request.bodyUsed) {
    throw new TypeError('@tessera/verify: the request body was already read; with allowFormBody, authenticate before anything reads it')
  }
  const body = request.clone().body
  if (body === null) return new URLSearchParams()
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let text = ''
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    if (value === undefined) continue
    size += value.byteLength
    if (size > MAX_FORM_BYTES) {
      // Not awaited: a clone's cancel settles only once the original branch
      // is cancelled too (Streams, ReadableStreamTee), which may be never.
      reader.cancel().catch(() => {})
      throw new InvalidRequestError('form body too large', init)
    }
    text += decoder.decode(value, { stream: true })
  }
  return new URLSearchParams(text + decoder.decode())
}

/** The request as extraction reads it; the form, when it may hold the token, parsed from a clone. */
export async function fromWebRequest(request: WebRequestLike, options: ExtractOptions): Promise<RequestLike> {
  const like: RequestLike = { headers: request.headers, method: request.method, url: request.url }
  if (wantsFormBody(like, options)) like.body = await readForm(request, options)
  return like
}
