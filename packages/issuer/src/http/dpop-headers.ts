// The request's DPoP headers (RFC 9449 §4.1), for every endpoint that
// takes a proof (the token endpoint, UserInfo).
import type { FastifyRequest } from 'fastify'

/**
 * Every value of the request's `DPoP` headers, in order. Node joins a
 * repeated header it does not know into one string; the raw headers keep
 * them apart, so that two headers are refused as two (RFC 9449 §4.3 item 1).
 */
export function dpopHeaders(request: FastifyRequest): string[] {
  if (request.headers.dpop === undefined) return []
  const raw = request.raw.rawHeaders
  const values: string[] = []
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === 'dpop') values.push(raw[i + 1]!)
  return values
}
