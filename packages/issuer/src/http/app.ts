// The issuer's HTTP application, built apart from listening (tests use
// inject; serve.ts listens). Routes are one file each.

import Fastify, { LogController, type FastifyError, type FastifyInstance } from 'fastify'
import { StoreUnavailableError } from '../domain/errors.js'
import type { IssuerCore } from '../core/types.js'
import { theme } from '../pages/layout.js'
import { logoRoute } from './routes/logo.js'
import { storeUnavailable } from '../oauth/errors.js'
import { sendOAuthError } from './oauth-reply.js'
import { reportStoreFailure } from './store-failure.js'
import { loggerOptions, type LoggerOption } from './logging.js'
import { clientErrorHandler, defaultMaxConnections, frameworkErrors, serverOptions, type TransportLimits } from './transport.js'
import { healthRoute } from './routes/health.js'
import { jwksRoute } from './routes/jwks.js'
import { metadataRoute } from './routes/metadata.js'
import { formEndpoints } from './routes/form-endpoints.js'
import { browserEndpoints } from './routes/browser-endpoints.js'
import { registerEndpoint } from './routes/register.js'

export interface BuildAppOptions {
  /** Fastify's pino logger: false (default), true (info to stdout), or pino options (e.g. a `stream`). */
  logger?: LoggerOption
  /** Largest token request body in bytes; beyond it, 413. Default 16 KiB. */
  tokenBodyLimit?: number
  /** Timeouts and the connection bound (defaults per DESIGN.md; tests shorten them). */
  limits?: TransportLimits
}

export function buildApp(core: IssuerCore, options: BuildAppOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: loggerOptions(options.logger),
    // One line per token request is written by the token route itself;
    // Fastify's two lines per request would double the cost and say less.
    logController: new LogController({ disableRequestLogging: true }),
    // Graceful shutdown: in-flight requests finish, idle keep-alive sockets close.
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ...serverOptions(options.limits ?? {}),
    clientErrorHandler,
    frameworkErrors,
  })
  app.decorate('pageTheme', theme({ name: core.config.brandName, color: core.config.brandColor, logo: core.config.brandLogo !== null }))
  app.server.maxConnections = options.limits?.maxConnections ?? defaultMaxConnections()

  // Fastify's default 404 logs the URL with its query string; this one logs nothing.
  app.setNotFoundHandler(function notFound(_request, reply) {
    return reply.code(404).send({ error: 'not_found', error_description: 'no such endpoint' })
  })

  // Outside the token endpoint (which has its own handler): client errors keep
  // their status, a database failure is 503 with Retry-After (DESIGN.md),
  // anything else is a 500 without internals.
  app.setErrorHandler(function errorHandler(error: FastifyError, request, reply) {
    if ((error as unknown) instanceof StoreUnavailableError) {
      reportStoreFailure(core, request.log, error as unknown as StoreUnavailableError)
      return sendOAuthError(reply, storeUnavailable)
    }
    const status = error.statusCode
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.code(status).send({ error: 'invalid_request', error_description: 'malformed request' })
    }
    // DESIGN.md: a database error is a 503 with Retry-After, never a 500 (RFC 9110 §15.6.4).
    if ((error as unknown) instanceof StoreUnavailableError) {
      request.log.warn({ err: error }, 'database unavailable')
      return reply.code(503).header('retry-after', String(storeUnavailable.retryAfter)).type('application/json').send(storeUnavailable.body)
    }
    request.log.error({ err: error }, 'request failed')
    return reply.code(500).send({ error: 'server_error', error_description: 'internal error' })
  })

  app.register(formEndpoints, { core, bodyLimit: options.tokenBodyLimit })
  app.register(browserEndpoints, { core })
  // RFC 7591: only when open; off, the path is the 404 of any unknown path (DESIGN.md).
  if (core.config.registration === 'open') app.register(registerEndpoint, { core })
  app.register(jwksRoute, { core })
  app.register(metadataRoute, { core })
  app.register(healthRoute, { core })
  if (core.config.brandLogo !== null) app.register(logoRoute, { logo: core.config.brandLogo })
  return app
}
