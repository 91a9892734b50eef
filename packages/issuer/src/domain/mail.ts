// Sending e-mail (DESIGN.md, "Accounts": verification and reset links).
// The protocol steps decide what to send as a value (MailIntent); the HTTP
// layer renders it with mail/ and hands it, after the page is answered, to
// the transport, which server/ supplies at start (nodemailer over
// TESSERA_SMTP_URL): an effect a lower floor needs from a higher one,
// declared here, on the ground floor.

/**
 * What to send: which message, to whom, and the one link it carries (the
 * issuer identifier + a path). `email-change-notice` goes to a verified
 * address when the account page is asked to replace it (DESIGN.md, "The
 * account page"): it names the new address and links the account page.
 */
export interface MailIntent {
  kind: 'verify-email' | 'reset-password' | 'email-change-notice'
  to: string
  /** The account's username, named in the message. */
  username: string
  /** Absolute: TESSERA_ISSUER followed by the path, never built from Host or X-Forwarded-*. */
  link: string
  /** The notice's new address. */
  newAddress?: string
}

/** A message ready to send: plain text. */
export interface MailMessage {
  from: string
  to: string
  subject: string
  text: string
}

/** Sends one message; rejects when it could not be handed to the mail server. */
export interface MailTransport {
  send(message: MailMessage): Promise<void>
  /** Releases connections (at shutdown). */
  close(): void
}

/**
 * Work a page leaves for after its answer is sent (DESIGN.md: a message is
 * "sent after the answer", so the page costs the same whatever matched):
 * resolves to the message (or messages) to send, or null for none.
 */
export type AfterAnswer = () => Promise<MailIntent | readonly MailIntent[] | null>
