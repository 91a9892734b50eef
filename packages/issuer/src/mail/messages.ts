// The issuer's e-mail messages (DESIGN.md, "Accounts"): plain text, From
// TESSERA_MAIL_FROM, naming the brand, each with one link: the issuer
// identifier followed by the path (the intent carries it, built from
// TESSERA_ISSUER, never from Host or X-Forwarded-*: no reset poisoning).
// Rendering only: what to send was decided by the protocol steps.
import type { MailIntent, MailMessage } from '../domain/mail.js'

/** Who the messages come from, and the name they sign with. */
export interface MailIdentity {
  from: string
  brand: string
}

/** The brand every page and message names (TESSERA_BRAND_NAME once it exists). */
export const DEFAULT_BRAND = 'Tessera'

export function renderMail(intent: MailIntent, identity: MailIdentity): MailMessage {
  const { brand, from } = identity
  const lines = intent.kind === 'verify-email'
    ? {
      subject: `${brand}: confirm your e-mail address`,
      body: [
        `Hello ${intent.username},`,
        '',
        `Someone, probably you, gave this address for the ${brand} account "${intent.username}".`,
        'To confirm it, open this link (it is valid for 24 hours) and press "Confirm":',
        '',
        intent.link,
        '',
        'If this was not you, ignore this message: nothing changes until the link is used.',
      ],
    }
    : {
      subject: `${brand}: choose a new password`,
      body: [
        `Hello ${intent.username},`,
        '',
        `Someone, probably you, asked to reset the password of the ${brand} account "${intent.username}".`,
        'To choose a new password, open this link (it is valid for 30 minutes and works once):',
        '',
        intent.link,
        '',
        'If this was not you, ignore this message: your password stays as it is.',
      ],
    }
  return { from, to: intent.to, subject: lines.subject, text: [...lines.body, '', `-- ${brand}`, ''].join('\n') }
}
