// The issuer's HTTP application, built apart from listening (tests use
// inject; serve.ts listens). Routes are one file each.

import Fastify, { LogController, type FastifyError, type FastifyInstance } from 'fastify'
import { StoreUnavailableError } from '../domain/errors.js'
import type { IssuerCore } from '../core/types.js'
import type { MailTransport } from '../domain/mail.js'
import { theme } from '../pages/layout.js'
import { logoRoute } from './routes/logo.js'
import { Errors, storeUnavailable } from '../oauth/errors.js'
import { sendOAuthError } from './oauth-reply.js'
import { reportStoreFailure } from './store-failure.js'
import { loggerOptions, logRequestDone, requestIds, type LoggerOption } from './logging.js'
import { clientErrorHandler, defaultMaxConnections, frameworkErrors, serverOptions, type TransportLimits } from './transport.js'
import { healthRoute } from './routes/health.js'
import { jwksRoute } from './routes/jwks.js'
import { metadataRoute } from './routes/metadata.js'
import { formEndpoints } from './routes/form-endpoints.js'
import { browserEndpoints } from './routes/browser-endpoints.js'
import { registerEndpoint } from './routes/register.js'
import { REVOKE_PATH } from './routes/revoke.js'
import { logTokenOutcome, TOKEN_PATH } from './routes/token.js'

const FORM_PATHS = new Set([TOKEN_PATH, REVOKE_PATH])
import { userInfoEndpoint } from './routes/userinfo.js'

export interface BuildAppOptions {
  /** Fastify's pino logger: false (default), true (info to stdout), or pino options (e.g. a `stream`). */
  logger?: LoggerOption
  /** Largest token request body in bytes; beyond it, 413. Default 16 KiB. */
  tokenBodyLimit?: number
  /** Timeouts and the connection bound (defaults per DESIGN.md; tests shorten them). */
  limits?: TransportLimits
  /** Where the accounts pages' messages go (server/ supplies nodemailer over TESSERA_SMTP_URL). */
  mailer?: MailTransport
}

export function buildApp(core: IssuerCore, options: BuildAppOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: loggerOptions(options.logger),
    // One line per token request is written by the token route itself;
    // Fastify's two lines per request would double the cost and say less.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: requestIds(),
    // Graceful shutdown: in-flight requests finish, idle keep-alive sockets close.
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ...serverOptions(options.limits ?? {}),
    clientErrorHandler,
    frameworkErrors,
    // DESIGN.md, "Accounts": X-Forwarded-For is believed from these proxies only, never without them.
    ...(core.config.trustProxy !== null ? { trustProxy: [...core.config.trustProxy] } : {}),
  })
  app.decorate('pageTheme', theme({ name: core.config.brandName, color: core.config.brandColor, logo: core.config.brandLogo !== null }))
  app.server.maxConnections = options.limits?.maxConnections ?? defaultMaxConnections()
  // TESSERA_LOG_LEVEL=debug: each request's route, status and time.
  if (app.log.level === 'debug' || app.log.level === 'trace') app.addHook('onResponse', logRequestDone)

  // Fastify's default 404 logs the URL with its query string; this one logs nothing.
  // A method no route names (TRACE, PROPFIND, ...) on a form endpoint is its
  // 405 with `Allow: POST` and the RFC 6749 §5.1 no-cache headers, like every
  // answer of the token endpoint (RFC 9110 §15.5.6).
  app.setNotFoundHandler(function notFound(request, reply) {
    const path = request.url.split('?')[0]!
    if (FORM_PATHS.has(path)) {
      if (path === TOKEN_PATH) logTokenOutcome(core, request, reply.code(405), undefined, Errors.methodNotAllowed.error)
      return sendOAuthError(reply, Errors.methodNotAllowed)
    }
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
    request.log.error({ err: error }, 'request failed')
    return reply.code(500).send({ error: 'server_error', error_description: 'internal error' })
  })

  app.register(formEndpoints, { core, bodyLimit: options.tokenBodyLimit })
  app.register(browserEndpoints, { core, mailer: options.mailer })
  // RFC 7591: only when open; off, the path is the 404 of any unknown path (DESIGN.md).
  if (core.config.registration === 'open') app.register(registerEndpoint, { core })
  app.register(userInfoEndpoint, { core })
  app.register(jwksRoute, { core })
  app.register(metadataRoute, { core })
  app.register(healthRoute, { core })
  if (core.config.brandLogo !== null) app.register(logoRoute, { logo: core.config.brandLogo })
  return app
}
