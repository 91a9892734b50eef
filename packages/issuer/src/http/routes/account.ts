// The account page (DESIGN.md "The account page, remembered consent, scope
// descriptions and branding"): GET /oauth2/account, a POST route per form
// under it (the e-mail forms only with TESSERA_SMTP_URL, otherwise never
// registered: 404), and GET /oauth2/account/delete/done. The routes hand
// the request to the steps (oauth/account/) and render what they decide;
// a message is sent after the answer. A GET of a form's path (a reload of
// a refused form's page) is a 303 to the page; other methods are 405.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { IssuerCore } from '../../core/types.js'
import { answerDeleteAccount, accountDeleted } from '../../oauth/account/delete.js'
import { answerChangeEmail, answerResendVerification } from '../../oauth/account/email.js'
import { answerRemoveAccess } from '../../oauth/account/apps.js'
import { showAccount } from '../../oauth/account/page.js'
import { answerChangePassword } from '../../oauth/account/password.js'
import { answerDisplayName } from '../../oauth/account/profile.js'
import { answerSignOutEverywhere } from '../../oauth/account/sessions.js'
import { answerAccountSignIn } from '../../oauth/account/sign-in.js'
import { Problem } from '../../oauth/authorize/errors.js'
import { problemPage, seeOther, type Outcome } from '../../oauth/authorize/response.js'
import type { BrowserContext } from '../../oauth/browser.js'
import { ACCOUNT_DELETED_PATH, ACCOUNT_FORM_PATHS, ACCOUNT_PATH } from '../../oauth/paths.js'
import type { AccountForm } from '../../oauth/views.js'
import { browserContext } from '../browser/cookies.js'
import type { MailDelivery } from '../browser/mail.js'
import { sendOutcome } from '../browser/reply.js'
import { logBrowserRequest } from './browser-log.js'

type Answer = (core: IssuerCore, body: unknown, browser: BrowserContext) => Promise<Outcome>

const ANSWERS: Record<AccountForm, Answer> = {
  'sign-in': answerAccountSignIn,
  name: answerDisplayName,
  password: answerChangePassword,
  email: answerChangeEmail,
  resend: answerResendVerification,
  'remove-access': answerRemoveAccess,
  'sign-out-everywhere': answerSignOutEverywhere,
  delete: answerDeleteAccount,
}

/** The forms this configuration serves: the e-mail ones only with e-mail on. */
const formsOf = (core: IssuerCore): AccountForm[] =>
  (Object.keys(ANSWERS) as AccountForm[]).filter((f) => core.config.smtpUrl !== null || (f !== 'email' && f !== 'resend'))

/** RFC 9110 §15.5.6: 405 names the allowed methods. */
function notAllowed(app: FastifyInstance, url: string, allow: 'GET' | 'POST', others: Array<'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS'>): void {
  const problem = new Problem(405, 'Method not allowed', [`This address accepts ${allow} only.`])
  app.route({
    method: others, url, exposeHeadRoute: false,
    handler(_request, reply) {
      reply.header('allow', allow)
      return sendOutcome(reply, problemPage(problem, 'method_not_allowed'))
    },
  })
}

export function accountRoutes(app: FastifyInstance, core: IssuerCore, mail: MailDelivery): void {
  app.get(ACCOUNT_PATH, { exposeHeadRoute: false }, async function accountPage(request: FastifyRequest, reply: FastifyReply) {
    const outcome = await showAccount(core, request.url, browserContext(core, request, reply))
    logBrowserRequest(request, 'account page', {}, outcome)
    return sendOutcome(reply, outcome)
  })
  app.get(ACCOUNT_DELETED_PATH, { exposeHeadRoute: false }, async function deleted(_request, reply) {
    return sendOutcome(reply, accountDeleted())
  })
  for (const url of [ACCOUNT_PATH, ACCOUNT_DELETED_PATH]) notAllowed(app, url, 'GET', ['HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])

  for (const form of formsOf(core)) {
    const path = ACCOUNT_FORM_PATHS[form]
    app.post(path, async function accountForm(request: FastifyRequest, reply: FastifyReply) {
      const outcome = await ANSWERS[form](core, request.body, browserContext(core, request, reply))
      logBrowserRequest(request, `account ${form} form`, {}, outcome)
      await sendOutcome(reply, outcome)
      if (outcome.type === 'redirect') mail.afterAnswer(outcome.after, request.log)
      return reply
    })
    // A reload of a refused form's page (its address is the form's): back to the page, nothing changed.
    app.get(path, { exposeHeadRoute: false }, async function accountFormReload(_request, reply) {
      return sendOutcome(reply, seeOther(ACCOUNT_PATH, 'account_page'))
    })
    notAllowed(app, path, 'POST', ['HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])
  }
}
