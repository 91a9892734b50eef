// Messages a page leaves for after its answer (DESIGN.md, "Accounts":
// sending "never fails or delays the page that caused it by more than the
// page's own work"): the outcome's after-work runs once the answer is
// sent, its message is rendered (mail/) and handed to the transport that
// server/ supplied. A failure is logged at warn, without the link or the
// address, and counted in the metrics; the page never learns of it.
// Deliveries still running when the app closes are awaited first.
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import type { IssuerCore } from '../../core/types.js'
import type { AfterAnswer, MailIntent, MailTransport } from '../../domain/mail.js'
import { mailFrom } from '../../config.js'
import { DEFAULT_BRAND, renderMail } from '../../mail/messages.js'

/** Error fields safe to log: codes only (a server's answer text may quote the message). */
function safeError(err: unknown): Record<string, unknown> {
  const e = err as { code?: unknown; responseCode?: unknown; command?: unknown }
  return { code: typeof e?.code === 'string' ? e.code : undefined, response_code: typeof e?.responseCode === 'number' ? e.responseCode : undefined }
}

export interface MailDelivery {
  /** Runs `after` once the answer is out; never throws. */
  afterAnswer(after: AfterAnswer | undefined, log: FastifyBaseLogger): void
}

export function mailDelivery(app: FastifyInstance, core: IssuerCore, transport: MailTransport | undefined): MailDelivery {
  const running = new Set<Promise<void>>()
  app.addHook('onClose', async () => { await Promise.allSettled([...running]) })
  // DESIGN.md "Branding": TESSERA_BRAND_NAME heads every page and message.
  const identity = { from: mailFrom(core.config), brand: core.config.brandName || DEFAULT_BRAND }

  async function send(intent: MailIntent, log: FastifyBaseLogger): Promise<void> {
    try {
      if (transport === undefined) throw Object.assign(new Error('no mail transport'), { code: 'ENOTRANSPORT' })
      await transport.send(renderMail(intent, identity))
      core.observer.mailSent(intent.kind, 'ok')
      log.info({ kind: intent.kind }, 'mail sent')
    } catch (err) {
      core.observer.mailSent(intent.kind, 'failed')
      log.warn({ kind: intent.kind, err: safeError(err) }, 'mail could not be sent')
    }
  }

  async function deliver(after: AfterAnswer, log: FastifyBaseLogger): Promise<void> {
    let intents
    try {
      intents = await after()
    } catch (err) {
      core.observer.mailSent('unknown', 'failed')
      log.warn({ kind: 'unknown', err: safeError(err) }, 'mail could not be sent')
      return
    }
    if (intents === null) return
    for (const intent of Array.isArray(intents) ? intents : [intents as MailIntent]) await send(intent, log)
  }

  return {
    afterAnswer(after, log) {
      if (after === undefined) return
      // setImmediate: the answer has been written to the socket before any of this work starts.
      const done = new Promise<void>((resolve) => setImmediate(() => { void deliver(after, log).finally(resolve) }))
      running.add(done)
      void done.finally(() => running.delete(done))
    },
  }
}
