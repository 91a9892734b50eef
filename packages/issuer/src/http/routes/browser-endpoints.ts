// The browser-facing endpoints, GET/POST /oauth2/authorize, GET/POST
// /oauth2/logout, the accounts pages (routes/accounts.ts) and the account
// page (routes/account.ts), in one encapsulated plugin (like the token endpoint's): its
// own cookie parsing (@fastify/cookie) and form parser (@fastify/formbody
// over the issuer's own form decoding, which keeps repeated fields visible),
// registered here only, so the token endpoint's parser is untouched; its own
// error handler, which answers with pages (a database failure is a 503 page,
// never a 500); and 405 with `Allow` for every other method.
import cookie from '@fastify/cookie'
import formbody from '@fastify/formbody'
import type { FastifyError, FastifyInstance } from 'fastify'
import { StoreUnavailableError } from '../../domain/errors.js'
import type { IssuerCore } from '../../core/types.js'
import { Problems } from '../../oauth/authorize/errors.js'
import { reportStoreFailure } from '../store-failure.js'
import { problemPage } from '../../oauth/authorize/response.js'
import { sendOutcome } from '../browser/reply.js'
import { parseForm } from '../../oauth/form.js'
import { AUTHORIZE_PATH, LOGOUT_PATH } from '../../oauth/paths.js'
import type { MailTransport } from '../../domain/mail.js'
import { mailDelivery } from '../browser/mail.js'
import { accountPaths, accountRoutes } from './accounts.js'
import { accountRoutes as accountPageRoutes } from './account.js'
import { authorizeRoutes } from './authorize.js'
import { logoutRoutes } from './logout.js'

/** A sign-in form is small; anything larger is refused (413). */
export const BROWSER_BODY_LIMIT = 16 * 1024

export async function browserEndpoints(app: FastifyInstance, options: { core: IssuerCore; mailer?: MailTransport }): Promise<void> {
  const { core } = options
  app.removeAllContentTypeParsers()
  await app.register(cookie)
  // The body is a FormBody (its type in formbody's declarations is a plain record).
  await app.register(formbody, { bodyLimit: BROWSER_BODY_LIMIT, parser: (body: string): Record<string, unknown> => parseForm(body) as unknown as Record<string, unknown> })

  app.setErrorHandler(function browserErrorHandler(error: FastifyError, request, reply) {
    if (error instanceof StoreUnavailableError) {
      reportStoreFailure(core, request.log, error)
      return sendOutcome(reply, problemPage(Problems.unavailable, 'database_unavailable'))
    }
    const status = error.statusCode
    if (status === 413) return sendOutcome(reply, problemPage(Problems.tooLarge, 'too_large'))
    if (status !== undefined && status >= 400 && status < 500) return sendOutcome(reply, problemPage(Problems.malformedForm, 'malformed'))
    request.log.error({ err: error }, 'request failed')
    return sendOutcome(reply, problemPage(Problems.internal, 'server_error'))
  })

  for (const url of [AUTHORIZE_PATH, LOGOUT_PATH, ...accountPaths(core)]) {
    // RFC 9110 §15.5.6: 405 names the allowed methods.
    app.route({
      method: ['HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
      url,
      exposeHeadRoute: false,
      handler(_request, reply) {
        reply.header('allow', 'GET, POST')
        return sendOutcome(reply, problemPage(Problems.notAllowed, 'method_not_allowed'))
      },
    })
  }
  authorizeRoutes(app, core)
  logoutRoutes(app, core)
  const mail = mailDelivery(app, core, options.mailer)
  accountRoutes(app, core, mail)
  accountPageRoutes(app, core, mail)
}
