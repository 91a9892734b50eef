// Logger options for the issuer's Fastify (pino) logger. Logs never hold a
// secret, password, token or Authorization header (DESIGN): the request
// serializer keeps no headers and drops the query string (where a careless
// client might put credentials), bodies are never logged, and redaction
// censors those fields should anything ever log them.

import { randomBytes } from 'node:crypto'
import type { FastifyBaseLogger, FastifyReply, FastifyRequest, FastifyServerOptions, onResponseHookHandler } from 'fastify'
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

/**
 * Fastify's `genReqId`: ids unique across processes, so that the merged
 * logs of several workers (or hosts) never repeat one. Fastify's default
 * counts `req-1`, `req-2`, ... in every process; here each app draws a
 * random 48-bit prefix once and counts after it (`q3Jx0vTm-1a`): as cheap
 * as the default per request.
 */
export function requestIds(): () => string {
  const prefix = randomBytes(6).toString('base64url')
  let n = 0
  return () => `${prefix}-${(++n).toString(36)}`
}

/**
 * At `debug`, one line per request once answered: the route (its pattern,
 * never the URL as sent, which could carry a query), method, status and
 * time. Registered only when the logger is at debug or below, so that an
 * `info` issuer pays nothing for it.
 */
export const logRequestDone: onResponseHookHandler = function logRequestDone(request, reply, done) {
  request.log.debug({
    method: request.method,
    route: request.routeOptions.url ?? '(no route)',
    status: reply.statusCode,
    duration_ms: Math.round(reply.elapsedTime * 100) / 100,
  }, 'request done')
  done()
}
