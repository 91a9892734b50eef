// `serve` as a real process with TESSERA_SMTP_URL (DESIGN.md, "Accounts"):
// nodemailer, supplied by server/ at start, hands the reset message to a
// real SMTP server on loopback that this test started; with that server
// gone, the page still answers at once, the failure is logged at warn
// without the link or the address, and both outcomes are counted in the
// metrics (tessera_mail_messages_total).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { smtpCapture } from '../../../../scripts/smtp-capture.mjs'
import { cli, scrape, startServer, stop, until, type ServerProcess } from '../fixtures/process.js'

const dir = mkdtempSync(join(tmpdir(), 'tessera-accounts-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

/** "Forgot your password?" as a browser answers it: the page, its cookie and token, the POST. */
async function forgot(base: string, login: string): Promise<Response> {
  const page = await fetch(`${base}/oauth2/forgot`)
  const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  const csrf = /name="csrf" value="([^"]*)"/.exec(await page.text())![1]!
  return fetch(`${base}/oauth2/forgot`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ csrf, login }),
  })
}

type Line = { level?: number; msg?: string; metrics?: string }
const entries = (s: ServerProcess): Line[] => s.lines.filter((l): l is Line => typeof l === 'object' && l !== null)

t.test('the reset message goes through nodemailer to a real SMTP server; a failed send is logged without the link and counted', async (t) => {
  const smtp = await smtpCapture(t)
  const db = join(dir, 'mail.db')
  await cli(db, ['user', 'create', '--username', 'john', '--email', 'john@example.com', '--password-stdin'], {}, 'correct horse battery\n')
  const server = await startServer(db, { TESSERA_SMTP_URL: smtp.url, TESSERA_ISSUER: 'http://localhost:9999', TESSERA_METRICS_PORT: '0' })
  t.teardown(() => stop(server))
  const metrics = entries(server).find((l) => l.metrics)!.metrics!

  const res = await forgot(server.url, 'john')
  t.equal(res.status, 303)
  const mail = await smtp.next(60_000)
  t.same(mail.to, ['john@example.com'])
  t.equal(mail.from, 'no-reply@localhost', 'TESSERA_MAIL_FROM\'s default: no-reply@ + the issuer\'s host')
  t.match(mail.links[0], /^http:\/\/localhost:9999\/oauth2\/reset\?token=[A-Za-z0-9_-]{43}$/, 'TESSERA_ISSUER + the path, not the address the request came to')
  await until(async () => (await scrape(metrics)).get('tessera_mail_messages_total{kind="reset-password",outcome="ok"}') === 1, 30_000, 'the ok count')

  await smtp.close()
  const again = await forgot(server.url, 'john@example.com')
  t.equal(again.status, 303, 'the page answers all the same')
  await until(async () => (await scrape(metrics)).get('tessera_mail_messages_total{kind="reset-password",outcome="failed"}') === 1, 60_000, 'the failed count')
  await until(() => entries(server).some((l) => l.msg === 'mail could not be sent'), 10_000, 'the warning')
  const warning = entries(server).find((l) => l.msg === 'mail could not be sent')!
  t.equal(warning.level, 40, 'at warn')
  t.notMatch(server.stdout(), /token=|john@example\.com/, 'the log never holds a link or an address')
})
