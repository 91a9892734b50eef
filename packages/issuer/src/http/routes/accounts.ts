// The accounts pages (DESIGN.md, "Accounts"): /oauth2/signup only with
// TESSERA_SIGNUP=open, /oauth2/verify-email, /oauth2/forgot and
// /oauth2/reset only with TESSERA_SMTP_URL (otherwise never registered:
// 404), each a GET page and its form's POST, plus the GET outcome page
// (`/done`) its 303 leads to. The routes hand the request to the steps
// (oauth/accounts/) and render what they decide; a message is sent after
// the answer.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { IssuerCore } from '../../core/types.js'
import { answerSignUp, showSignUp } from '../../oauth/accounts/signup.js'
import { answerVerifyEmail, showVerifyEmail, verifyEmailDone } from '../../oauth/accounts/verify-email.js'
import { answerForgot, answerReset, forgotDone, resetDone, showForgot, showReset } from '../../oauth/accounts/reset.js'
import type { Outcome, PageOutcome } from '../../oauth/authorize/response.js'
import type { BrowserContext } from '../../oauth/browser.js'
import { DONE_SUFFIX, FORGOT_PATH, RESET_PATH, SIGNUP_PATH, VERIFY_EMAIL_PATH } from '../../oauth/paths.js'
import { browserContext } from '../browser/cookies.js'
import type { MailDelivery } from '../browser/mail.js'
import { sendOutcome } from '../browser/reply.js'
import { logBrowserRequest } from './browser-log.js'

interface AccountPage {
  path: string
  show(core: IssuerCore, url: string, browser: BrowserContext): Promise<PageOutcome> | PageOutcome
  answer(core: IssuerCore, body: unknown, browser: BrowserContext): Promise<Outcome>
  /** The GET outcome page its 303 leads to (sign-up has none: it leads to the app or the account page). */
  done?: (core: IssuerCore) => PageOutcome
}

const SIGNUP: AccountPage = { path: SIGNUP_PATH, show: showSignUp, answer: answerSignUp }
const MAIL_PAGES: AccountPage[] = [
  { path: VERIFY_EMAIL_PATH, show: showVerifyEmail, answer: answerVerifyEmail, done: verifyEmailDone },
  { path: FORGOT_PATH, show: (core, _url, browser) => showForgot(core, browser), answer: answerForgot, done: forgotDone },
  { path: RESET_PATH, show: showReset, answer: answerReset, done: resetDone },
]

/** The paths of the pages this configuration serves (405 for other methods applies to them). */
export function accountPaths(core: IssuerCore): string[] {
  return pagesOf(core).map((p) => p.path)
}

function pagesOf(core: IssuerCore): AccountPage[] {
  return [...(core.config.signup === 'open' ? [SIGNUP] : []), ...(core.config.smtpUrl !== null ? MAIL_PAGES : [])]
}

export function accountRoutes(app: FastifyInstance, core: IssuerCore, mail: MailDelivery): void {
  for (const page of pagesOf(core)) {
    const what = page.path.slice('/oauth2/'.length)
    app.get(page.path, { exposeHeadRoute: false }, async function show(request: FastifyRequest, reply: FastifyReply) {
      const outcome = await page.show(core, request.url, browserContext(core, request, reply))
      logBrowserRequest(request, `${what} page`, {}, outcome)
      return sendOutcome(reply, outcome)
    })
    app.post(page.path, async function answer(request: FastifyRequest, reply: FastifyReply) {
      const outcome = await page.answer(core, request.body, browserContext(core, request, reply))
      logBrowserRequest(request, `${what} form`, {}, outcome)
      await sendOutcome(reply, outcome)
      if (outcome.type === 'redirect') mail.afterAnswer(outcome.after, request.log)
      return reply
    })
    const done = page.done
    if (done === undefined) continue
    app.get(page.path + DONE_SUFFIX, { exposeHeadRoute: false }, async function outcome(_request, reply) {
      return sendOutcome(reply, done(core))
    })
  }
}
