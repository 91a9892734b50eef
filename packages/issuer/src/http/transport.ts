// What the HTTP server does before any route runs (DESIGN.md, "Issuer HTTP
// interface"): slow clients are cut (headers within 10 s, the whole request
// within 30 s, idle keep-alive closed after 5 s), connections are bounded
// below the file-descriptor limit, and the errors Node's parser and Fastify
// raise before routing answer in the RFC 6749 §5.2 JSON shape with
// `Cache-Control: no-store` (§5.1), like every answer of the token endpoint.

import { readFileSync } from 'node:fs'
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyReply, FastifyRequest } from 'fastify'

export interface TransportLimits {
  /** ms until the request headers must have arrived (RFC 9110 §15.5.9 408 after). Default 10 000. */
  headersTimeoutMs?: number
  /** ms until the whole request must have arrived. Default 30 000. */
  requestTimeoutMs?: number
  /** ms an idle keep-alive connection stays open. Default 5 000. */
  keepAliveTimeoutMs?: number
  /** Connections served at once; beyond, new ones are closed at once. Default below the file-descriptor limit. */
  maxConnections?: number
}

export const DEFAULT_LIMITS = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
} as const

/**
 * Node 20 keeps an idle keep-alive socket 1 s beyond `keepAliveTimeout`
 * (so that a client reusing it at the advertised `Keep-Alive: timeout`
 * does not race the close): the advertised timeout is the limit minus that,
 * and the socket closes at the limit.
 */
const NODE_KEEP_ALIVE_BUFFER_MS = 1000

/** Room kept for the database, logs and the like beside the sockets. */
const RESERVED_DESCRIPTORS = 256
const MAX_CONNECTIONS = 10_000

/** The soft limit on open files (Linux /proc), or null when it cannot be read. */
function openFileLimit(): number | null {
  try {
    const line = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1]
    return line === undefined || line === 'unlimited' ? null : Number(line)
  } catch {
    return null
  }
}

/** Connections allowed at once: 10 000, or fewer when the descriptor limit is lower. */
export function defaultMaxConnections(): number {
  const limit = openFileLimit()
  return limit === null ? MAX_CONNECTIONS : Math.max(64, Math.min(MAX_CONNECTIONS, limit - RESERVED_DESCRIPTORS))
}

/** The Fastify server options that carry the limits. */
export function serverOptions(limits: TransportLimits): { keepAliveTimeout: number; requestTimeout: number; http: Record<string, number> } {
  const headersTimeout = limits.headersTimeoutMs ?? DEFAULT_LIMITS.headersTimeoutMs
  const requestTimeout = limits.requestTimeoutMs ?? DEFAULT_LIMITS.requestTimeoutMs
  const keepAlive = limits.keepAliveTimeoutMs ?? DEFAULT_LIMITS.keepAliveTimeoutMs
  return {
    keepAliveTimeout: Math.max(1, keepAlive - NODE_KEEP_ALIVE_BUFFER_MS),
    requestTimeout,
    http: {
      headersTimeout,
      requestTimeout,
      // Node checks both timeouts on this interval (default 30 s, which would double the bound).
      connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(headersTimeout / 4))),
    },
  }
}

const oauthBody = (description: string): string => JSON.stringify({ error: 'invalid_request', error_description: description })

/** Node's parser failed (malformed request line or headers, a timeout): answered on the raw socket. */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const [status, description] = err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
    ? [408, 'request not received in time']
    : err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'request headers too large']
      : [400, 'malformed request']
  const body = oauthBody(description)
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Cache-Control: no-store\r\nPragma: no-cache\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
  }
  socket.destroy()
}

/** Fastify's errors before routing (a URL that does not decode, a parameter too long). */
export function frameworkErrors(_error: Error, _request: FastifyRequest, reply: FastifyReply): void {
  void reply.code(400)
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache')
    .header('content-type', 'application/json; charset=utf-8')
    .send(oauthBody('malformed request'))
}
