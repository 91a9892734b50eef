// Types of smtp-capture.mjs, for the TypeScript tests that use it.

export interface CapturedMail {
  from: string
  to: string[]
  subject: string
  /** The plain-text body, transfer encoding undone. */
  text: string
  /** Every http(s) link in the body. */
  links: string[]
}

export interface SmtpCapture {
  /** smtp://127.0.0.1:PORT */
  url: string
  readonly messages: CapturedMail[]
  /** Resolves with the next message to arrive (or one already waiting, oldest first, not yet taken). */
  next(timeoutMs?: number): Promise<CapturedMail>
  close(): Promise<void>
}

export function parseMail(raw: string, envelope: { from: string; to: string[] }): CapturedMail
export function smtpCapture(t: { teardown(fn: () => unknown): void }): Promise<SmtpCapture>
