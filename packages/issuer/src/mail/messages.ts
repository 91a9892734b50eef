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

/** The brand a message names when none is configured (TESSERA_BRAND_NAME's default). */
export const DEFAULT_BRAND = 'Tessera'

type Lines = { subject: string; body: string[] }

const bodies: Record<MailIntent['kind'], (intent: MailIntent, brand: string) => Lines> = {
  'verify-email': (intent, brand) => ({
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
  }),
  'reset-password': (intent, brand) => ({
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
  }),
  'email-change-notice': (intent, brand) => ({
    subject: `${brand}: your e-mail address is being changed`,
    body: [
      `Hello ${intent.username},`,
      '',
      `Someone signed in to the ${brand} account "${intent.username}" asked to change its e-mail address`,
      `from this one to ${intent.newAddress ?? 'another'}. This address stays the account's until the new one is confirmed.`,
      '',
      'If this was not you, sign in, change your password and check your account:',
      '',
      intent.link,
    ],
  }),
}

export function renderMail(intent: MailIntent, identity: MailIdentity): MailMessage {
  const { brand, from } = identity
  const lines = bodies[intent.kind](intent, brand)
  return { from, to: intent.to, subject: lines.subject, text: [...lines.body, '', `-- ${brand}`, ''].join('\n') }
}
