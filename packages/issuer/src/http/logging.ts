// Logger options for the issuer's Fastify (pino) logger. Logs never hold a
// secret, password, token or Authorization header (DESIGN): the request
// serializer keeps no headers and drops the query string (where a careless
// client might put credentials), bodies are never logged, and redaction
// censors those fields should anything ever log them.

import type { FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify'

/** Fastify's `logger` option: a boolean or pino options (with an optional `stream`). */
export type LoggerOption = NonNullable<FastifyServerOptions['logger']>
type LoggerObject = Exclude<LoggerOption, boolean>

// Exact paths only: wildcards make pino walk every logged object (measured ~5%
// of token-endpoint throughput), and every line here has a known shape.
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.body',
  'req.query',
  'headers.authorization',
  'body',
  'password',
  'client_secret',
  'access_token',
  'authorization',
]

/** Path only: the query string is not logged. */
function serializeRequest(request: FastifyRequest): Record<string, unknown> {
  const url = request.url
  const q = url.indexOf('?')
  return { method: request.method, url: q === -1 ? url : url.slice(0, q), remoteAddress: request.ip }
}

function serializeReply(reply: FastifyReply): Record<string, unknown> {
  return { statusCode: reply.statusCode }
}

/** The `logger` option for Fastify: false, or pino options with our serializers and redaction. */
export function loggerOptions(logger: LoggerOption | undefined): false | LoggerObject {
  if (logger === undefined || logger === false) return false
  const base: LoggerObject = logger === true ? {} : logger
  return {
    level: 'info',
    ...base,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { ...base.serializers, req: serializeRequest as never, res: serializeReply as never },
  }
}
