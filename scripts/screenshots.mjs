#!/usr/bin/env node
// Screenshots of the issuer's pages for docs/screenshots/ (issue 20: "a
// short visual pass over every page ... at phone and desktop width in light
// and dark mode"). Run by hand after `npm run build`, not by `npm test`:
//
//   node scripts/screenshots.mjs
//
// It starts a throwaway issuer on 127.0.0.1 (sign-up open, e-mail through a
// local smtp-server that keeps nothing), makes an app and a person with the
// CLI, and drives Debian's Chromium (/usr/bin/chromium, playwright-core; no
// browser is downloaded) through the sign-in page, the consent page, the
// sign-up page, the account page and an error page, at 390 px and 1280 px,
// light and dark (prefers-color-scheme), writing
// docs/screenshots/<page>-<phone|desktop>-<light|dark>.png.
import { execFile, spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { SMTPServer } from 'smtp-server'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const BIN = join(ROOT, 'packages/issuer/dist/bin.js')
const OUT = join(ROOT, 'docs/screenshots')
const AUDIENCE = 'https://restaurants.example'
const SIZES = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 900 } }
const SCHEMES = ['light', 'dark']

/** The environment without the caller's TESSERA_* settings. */
const env = (extra = {}) => ({ ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TESSERA_'))), ...extra })

function cli(db, args, stdin = '') {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [BIN, ...args, '--db', db, '--json'], { cwd: ROOT, env: env() }, (err, stdout, stderr) => {
      if (err) reject(new Error(`tessera-issuer ${args.join(' ')}: ${stderr.trim() || err.message}`))
      else resolve(JSON.parse(stdout))
    })
    child.stdin.end(stdin)
  })
}

/** `serve` on a free port; resolves with its URL once its log says where it listens. */
function serve(db, extra) {
  const child = spawn(process.execPath, [BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--db', db], { cwd: ROOT, env: env(extra), stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`serve exited (${code}) before listening`)))
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const { url } = JSON.parse(line)
        // Pages are opened at the issuer identifier (its origin is the one forms are checked against).
        if (typeof url === 'string') {
          void fetch(`${url}/.well-known/oauth-authorization-server`).then((r) => r.json())
            .then((m) => resolve({ url: m.issuer, stop: () => child.kill('SIGTERM') }), reject)
        }
      } catch { /* not a log line */ }
    })
  })
}

/** The app's redirect URI: a loopback page that says it is back. */
async function appServer() {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Back in the app</title>'))
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { uri: `http://127.0.0.1:${server.address().port}/callback`, close: () => server.close() }
}

const dir = await mkdtemp(join(tmpdir(), 'tessera-screenshots-'))
const db = join(dir, 'tessera.db')
const smtp = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], logger: false, onData: (stream, _s, done) => { stream.resume(); stream.on('end', () => done()) } })
await new Promise((resolve) => smtp.listen(0, '127.0.0.1', resolve))
const callback = await appServer()
let issuer
try {
  await cli(db, ['keys', 'list']).catch(() => undefined)
  const app = await cli(db, ['client', 'create', '--name', 'Restaurants web', '--grant', 'authorization_code', '--grant', 'refresh_token',
    '--redirect-uri', 'http://127.0.0.1/callback', '--scope', 'read write', '--audience', AUDIENCE])
  await cli(db, ['scope', 'set', 'read', '--description', 'See your bookings and favourite restaurants'])
  await cli(db, ['scope', 'set', 'write', '--description', 'Book tables for you'])
  await mkdir(OUT, { recursive: true })
  issuer = await serve(db, { TESSERA_SIGNUP: 'open', TESSERA_SIGNUP_SCOPE: 'read', TESSERA_SMTP_URL: `smtp://127.0.0.1:${smtp.server.address().port}` })
  const authorize = (extra = {}) => `${issuer.url}/oauth2/authorize?${new URLSearchParams({
    response_type: 'code', client_id: app.client_id, redirect_uri: callback.uri, scope: 'read write', state: 'xyz',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256', ...extra,
  })}`

  let person = 0
  for (const [size, viewport] of Object.entries(SIZES)) {
    for (const colorScheme of SCHEMES) {
      const username = `maria${++person}`
      await cli(db, ['user', 'create', '--username', username, '--scope', 'read write', '--email', `${username}@example.com`,
        '--name', 'Maria Rossi', '--password-stdin'], 'correct horse battery\n')
      const profile = await mkdtemp(join(tmpdir(), 'tessera-chromium-'))
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: '/usr/bin/chromium', headless: true, viewport, colorScheme,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
      })
      const page = await context.newPage()
      const shot = (name) => page.screenshot({ path: join(OUT, `${name}-${size}-${colorScheme}.png`), fullPage: true })

      await page.goto(authorize())
      await shot('sign-in')
      await page.getByLabel('Username').fill(username)
      await page.getByLabel('Password').fill('correct horse battery')
      await page.getByRole('button', { name: 'Allow' }).click()
      await page.waitForURL((u) => u.href.startsWith(callback.uri))

      await page.goto(authorize({ prompt: 'consent' }))
      await shot('consent')

      await page.goto(`${issuer.url}/oauth2/account`)
      await shot('account')

      await page.goto(`${issuer.url}/oauth2/signup`)
      await shot('sign-up')

      await page.goto(authorize({ client_id: 'tc_unknown' }))
      await shot('error')

      await context.close()
      await rm(profile, { recursive: true, force: true })
      console.log(`${size} ${colorScheme}: done`)
    }
  }
} finally {
  issuer?.stop()
  callback.close()
  smtp.close()
  await rm(dir, { recursive: true, force: true })
}
console.log(`screenshots in ${OUT}`)
