// Logger options for the issuer's Fastify (pino) logger. Logs never hold a
// secret, password, token or Authorization header (DESIGN): the request
// serializer keeps no headers and drops the query string (where a careless
// client might put credentials), bodies are never logged, and redaction
// censors those fields should anything ever log them.

import type { FastifyBaseLogger, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify'
import { symbols } from 'pino'

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

/**
 * pino options that change how a line is written. Without any of them, a
 * line is `{"level":N,"time":MS` + the logger's bindings + the fields + `"msg"`,
 * and the token endpoint's line can be written by hand (logTokenRequest).
 */
const FORMAT_OPTIONS = [
  'formatters', 'timestamp', 'messageKey', 'errorKey', 'nestedKey', 'mixin', 'mixinMergeStrategy', 'hooks', 'msgPrefix',
  'crlf', 'customLevels', 'useOnlyCustomLevels', 'levelKey', 'serializers', 'transport', 'browser',
] as const

/** Streams of loggers in pino's default format: their token lines are serialised by hand. */
const PLAIN_STREAMS = new WeakSet<object>()

/** The `logger` option for Fastify: false, or pino options with our serializers and redaction. */
export function loggerOptions(logger: LoggerOption | undefined): false | LoggerObject {
  if (logger === undefined || logger === false) return false
  const base: LoggerObject = logger === true ? {} : logger
  const stream = (base as { stream?: unknown }).stream
  if (typeof stream === 'object' && stream !== null && FORMAT_OPTIONS.every((o) => (base as Record<string, unknown>)[o] === undefined)) {
    PLAIN_STREAMS.add(stream)
  }
  return {
    level: 'info',
    ...base,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { ...base.serializers, req: serializeRequest, res: serializeReply as never },
  }
}

/** The fields of the token endpoint's line, in the order they are written. */
export interface TokenLogFields {
  client_id: string | undefined
  grant_type: string | undefined
  family_id: string | undefined
  reused: true | undefined
  outcome: string
  status: number
  duration_ms: number
}

const TOKEN_MSG = 'token request'
const { chindingsSym, streamSym } = symbols
const field = (name: string, value: string | number | boolean | undefined): string =>
  value === undefined ? '' : `,"${name}":${typeof value === 'string' ? JSON.stringify(value) : String(value)}`

/**
 * `log.info(fields, 'token request')`, byte for byte what pino writes for it
 * (level, time, the request logger's bindings, the fields, msg), built as
 * one template string and handed to the logger's stream. pino's general path
 * (serializer and redaction checks per key, a generic stringifier) cost the
 * token endpoint about 3.5 µs a request; this costs under one. Loggers in a
 * format of their own (formatters, a custom timestamp, ...) go through pino.
 */
export function logTokenRequest(log: FastifyBaseLogger, f: TokenLogFields): void {
  const internals = log as unknown as Record<symbol, unknown>
  const stream = internals[streamSym] as { write(line: string): unknown } | undefined
  const chindings = internals[chindingsSym]
  if (stream === undefined || typeof chindings !== 'string' || !PLAIN_STREAMS.has(stream)) {
    log.info(f, TOKEN_MSG)
    return
  }
  if (!(log as unknown as { isLevelEnabled(level: string): boolean }).isLevelEnabled('info')) return
  stream.write(
    `{"level":30,"time":${Date.now()}${chindings}${field('client_id', f.client_id)}${field('grant_type', f.grant_type)}` +
      `${field('family_id', f.family_id)}${field('reused', f.reused)}${field('outcome', f.outcome)}${field('status', f.status)}` +
      `${field('duration_ms', f.duration_ms)},"msg":"${TOKEN_MSG}"}\n`,
  )
}
