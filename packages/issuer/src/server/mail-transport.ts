// The SMTP transport (DESIGN.md, "Accounts": e-mail "sent through
// nodemailer" with TESSERA_SMTP_URL), supplied at start to the HTTP layer
// as domain/'s MailTransport. Short timeouts: a mail server that does not
// answer costs a background delivery, never a page (http/browser/mail.ts
// sends after the answer).
import nodemailer from 'nodemailer'
import type { MailMessage, MailTransport } from '../domain/mail.js'

export function smtpTransport(url: string): MailTransport {
  const transporter = nodemailer.createTransport({
    url,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  })
  return {
    async send(message: MailMessage) {
      await transporter.sendMail({ from: message.from, to: message.to, subject: message.subject, text: message.text })
    },
    close() {
      transporter.close()
    },
  }
}
