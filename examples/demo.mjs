#!/usr/bin/env node
// `npm run demo`: the whole Tessera story in one command. Starts an issuer on
// a temporary database, provisions a client and a user with the CLI, starts
// the Fastify restaurant API, runs both example clients, signs john in on
// the issuer's page in headless Chromium for a public app (authorization
// code with PKCE) and shows a refresh rotation and a replay caught, lets a
// newcomer sign up on their own and confirm their address from the message
// a local SMTP receiver caught, shows
// what the API refuses, rotates the signing key while a client keeps calling, and shuts
// everything down. Exits 0 only when every step behaved as expected.
import { execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { run as runService, clientCredentialsSource } from './client-credentials/client.js'
import { run as runUser } from './password-grant/client.js'
import { signIn as signInNative } from './native-app/app.js'
import { allowInBrowser } from './shared/sign-in-page.js'
import { confirmAddress, signUpAndAllow } from './shared/sign-up.js'
import { SMTPServer } from 'smtp-server'
import { buildApp } from './restaurants-fastify/server.js'
import { callApi, describe } from './shared/api.js'
import { decodeJwt, discover } from './shared/token-source.js'

const BIN = fileURLToPath(new URL('../packages/issuer/dist/bin.js', import.meta.url))
const AUDIENCE = 'https://restaurants.example'
const log = (line = '') => console.log(line)
const indent = (line) => log(`    ${line}`)
let stepNo = 0
const step = (title) => log(`\n== ${++stepNo}. ${title}`)

function expect(condition, what) {
  if (!condition) throw new Error(`unexpected: ${what}`)
  indent(`ok: ${what}`)
}

// The issuer's environment without any TESSERA_* setting of the caller's shell.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TESSERA_') && k !== 'HOST' && k !== 'PORT'))

/** Runs `tessera-issuer ARGS --db DB --json` and returns its JSON output. */
function cli(db, args, stdin) {
  log(`  $ tessera-issuer ${args.map((a) => (/\s/.test(a) ? `"${a}"` : a)).join(' ')}`)
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [BIN, ...args, '--db', db, '--json'], { env: cleanEnv }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`tessera-issuer ${args[0]} ${args[1] ?? ''} failed: ${stderr.trim() || err.message}`))
      if (stderr.trim()) indent(`(stderr) ${stderr.trim()}`)
      try { resolve(JSON.parse(stdout)) } catch { reject(new Error(`tessera-issuer ${args[0]}: not JSON: ${stdout}`)) }
    })
    child.stdin.end(stdin ?? '')
  })
}

/** Starts `tessera-issuer serve` on port 0 and resolves with the URL from its first log line that has one. */
function startIssuer(db, env = {}) {
  const child = spawn(process.execPath, [BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--db', db], {
    env: { ...cleanEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk) => { stderr += chunk })
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the issuer did not log its URL within 15 s')), 15_000)
    createInterface({ input: child.stdout }).on('line', (line) => {
      let entry
      try { entry = JSON.parse(line) } catch { return }
      if (typeof entry.url === 'string') { clearTimeout(timer); resolve(entry.url) }
    })
    exited.then(({ code }) => { clearTimeout(timer); reject(new Error(`the issuer exited (${code}): ${stderr.trim()}`)) })
  })
  return { child, ready, exited }
}

/** A mail receiver of the demo's own on loopback: every message it gets, as text. */
async function startMailbox() {
  const messages = []
  const waiting = []
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, session, done) {
      let raw = ''
      stream.on('data', (d) => { raw += d })
      stream.on('end', () => {
        // nodemailer writes long lines quoted-printable: undo the soft breaks and escapes.
        const text = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h) => String.fromCharCode(parseInt(h, 16)))
        messages.push({ to: session.envelope.rcptTo.map((r) => r.address), subject: /^Subject: (.*)$/m.exec(text)?.[1] ?? '', link: /https?:\/\/\S+/.exec(text.split('\r\n\r\n').slice(1).join('\n'))?.[0] })
        waiting.shift()?.()
        done()
      })
    },
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `smtp://127.0.0.1:${server.server.address().port}`,
    async next() {
      const deadline = Date.now() + 15_000
      while (messages.length === 0 && Date.now() < deadline) await new Promise((resolve) => { waiting.push(resolve); setTimeout(resolve, 200) })
      if (messages.length === 0) throw new Error('no message arrived within 15 s')
      return messages.shift()
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}

const dir = await mkdtemp(join(tmpdir(), 'tessera-demo-'))
const mailbox = await startMailbox()
const db = join(dir, 'tessera.db')
let issuerProcess = null
let api = null
let failed = false
try {
  step('Start an issuer on a temporary database')
  log(`  $ TESSERA_SIGNUP=open TESSERA_SIGNUP_SCOPE=read TESSERA_SMTP_URL=${mailbox.url} tessera-issuer serve --host 127.0.0.1 --port 0 --db ${db}`)
  issuerProcess = startIssuer(db, { TESSERA_SIGNUP: 'open', TESSERA_SIGNUP_SCOPE: 'read', TESSERA_SMTP_URL: mailbox.url })
  const url = await issuerProcess.ready
  // Port 0 and no --issuer: the issuer names itself after the port it got.
  const { issuer } = await (await fetch(new URL('/.well-known/oauth-authorization-server', url))).json()
  const metadata = await discover(issuer)
  indent(`listening at ${url}; issuer identifier ${issuer}`)
  indent(`RFC 8414 metadata: token_endpoint ${metadata.token_endpoint}, jwks_uri ${metadata.jwks_uri}`)
  indent(`grant_types_supported ${JSON.stringify(metadata.grant_types_supported)}`)

  step('Provision a service client, an application client and a user with the CLI')
  const service = await cli(db, ['client', 'create', '--name', 'restaurant-service', '--grant', 'client_credentials',
    '--scope', 'read write', '--audience', AUDIENCE, '--ttl', '6'])
  indent(`client_id ${service.client_id}, client_secret ${'*'.repeat(8)} (${service.client_secret.length} chars, shown once)`)
  indent('(a 6-second token lifetime, so that this demo shows tokens being renewed; the default is 900)')
  const app = await cli(db, ['client', 'create', '--name', 'restaurant-app', '--grant', 'password',
    '--scope', 'read write', '--audience', AUDIENCE])
  indent(`client_id ${app.client_id}`)
  const password = randomBytes(12).toString('base64url')
  const john = await cli(db, ['user', 'create', '--username', 'john', '--scope', 'read', '--password-stdin'], `${password}\n`)
  indent(`user ${john.username} (${john.user_id}) with scopes ${JSON.stringify(john.scopes)}; password generated for the demo`)

  step('Start the restaurant API (examples/restaurants-fastify), protected by @tessera/verify')
  // `rotate --now` below publishes a key at the moment it starts signing, so
  // the API finds it by refetching the JWKS on an unknown kid.
  api = await buildApp({ issuer, audience: AUDIENCE })
  const apiUrl = await api.listen({ host: '127.0.0.1', port: 0 })
  indent(`listening at ${apiUrl}: GET /restaurants needs scope read, POST /restaurants needs write`)
  indent('keys from the issuer\'s JWKS, cached, refetched when a token names an unknown kid')

  step('The service client (examples/client-credentials): client_credentials, client_secret_basic')
  const { tokens: serviceTokens, answers } = await runService({ issuer, clientId: service.client_id, clientSecret: service.client_secret, api: apiUrl, log: indent })
  expect(answers.map((a) => a.status).join() === '200,201,200', 'read: 200, write: 201, read: 200')
  expect(serviceTokens.fetches === 1, 'one token served all three calls')

  step('The application acting for john (examples/password-grant): password grant')
  const user = await runUser({ issuer, clientId: app.client_id, clientSecret: app.client_secret, username: 'john', password, api: apiUrl, log: indent })
  expect(user.list.status === 200, 'john can read: 200')
  expect(user.add.status === 403 && /insufficient_scope/.test(user.add.wwwAuthenticate ?? ''), 'john cannot write: 403 insufficient_scope')

  step('An app acting for john without his password: the sign-in page, a code with PKCE, refresh tokens')
  const mobile = await cli(db, ['client', 'create', '--name', 'Restaurants app', '--public', '--grant', 'authorization_code',
    '--grant', 'refresh_token', '--redirect-uri', 'http://127.0.0.1/callback', '--scope', 'read write', '--audience', AUDIENCE])
  indent(`public client ${mobile.client_id}: no secret; redirect URI ${mobile.redirect_uris[0]} (any port, RFC 8252 §7.3)`)
  const { metadata: asMeta, tokens: first } = await signInNative({
    issuer, clientId: mobile.client_id, scope: 'read', log: indent,
    open: (url) => allowInBrowser(url, { username: 'john', password, log: indent }),
  })
  expect(decodeJwt(first.access_token).payload.sub === john.user_id, 'the token\'s sub is john, and the app never saw his password')
  const viaCode = await callApi(apiUrl, first.access_token, 'GET', '/restaurants')
  expect(viaCode.status === 200, 'GET /restaurants with it: 200')
  const refresh = async (token) => {
    const res = await fetch(asMeta.token_endpoint, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token, client_id: mobile.client_id }) })
    return { status: res.status, body: await res.json() }
  }
  const short = (token) => `${token.slice(0, 9)}...`
  const second = await refresh(first.refresh_token)
  const third = await refresh(second.body.refresh_token)
  indent(`refresh ${short(first.refresh_token)} -> ${second.status}, new refresh token ${short(second.body.refresh_token)}`)
  indent(`refresh ${short(second.body.refresh_token)} -> ${third.status}, new refresh token ${short(third.body.refresh_token)}`)
  expect(second.status === 200 && third.status === 200 && third.body.refresh_token !== second.body.refresh_token, 'each refresh rotates: a new refresh token, the old one spent')
  const replay = await refresh(first.refresh_token)
  indent(`the first refresh token again (a stolen copy?) -> ${replay.status} ${replay.body.error}`)
  expect(replay.status === 400 && replay.body.error === 'invalid_grant', 'the replay is caught: invalid_grant')
  const revoked = await refresh(third.body.refresh_token)
  expect(revoked.status === 400 && revoked.body.error === 'invalid_grant', 'and the newest refresh token of that family stops working too')

  step('A newcomer signs up on their own (TESSERA_SIGNUP=open) and confirms their address by e-mail')
  const { tokens: newcomer } = await signInNative({
    issuer, clientId: mobile.client_id, scope: 'read', log: indent,
    open: (url) => signUpAndAllow(url, { username: 'maria', email: 'maria@example.com', password: randomBytes(12).toString('base64url'), log: indent }),
  })
  const maria = await cli(db, ['user', 'show', 'maria'])
  expect(decodeJwt(newcomer.access_token).payload.sub === maria.user_id, `the app got a token for maria, a user nobody provisioned (scopes ${JSON.stringify(maria.scopes)})`)
  const message = await mailbox.next()
  indent(`the SMTP receiver got "${message.subject}" for ${message.to.join(', ')}, with one link: ${message.link.replace(/token=.*/, 'token=...')}`)
  indent(`"Confirm" on that page -> ${await confirmAddress(message.link)}`)
  expect((await cli(db, ['user', 'show', 'maria'])).email_verified === true, 'user show maria: email_verified true')

  step('What the API refuses')
  const serviceToken = await serviceTokens.getToken()
  const refusals = [
    ['GET /restaurants without a token', null, 'GET', undefined, 401],
    ['GET /restaurants with a tampered token', serviceToken.slice(0, -4) + (serviceToken.endsWith('AAAA') ? 'BBBB' : 'AAAA'), 'GET', undefined, 401],
    ['POST /restaurants with an invalid body', serviceToken, 'POST', { name: '' }, 400],
  ]
  for (const [what, token, method, body, status] of refusals) {
    log(`  ${what}`)
    const answer = await callApi(apiUrl, token, method, '/restaurants', body)
    indent(describe(answer))
    expect(answer.status === status, `${status}`)
  }

  step('Rotate the signing key while the service keeps calling')
  const before = await cli(db, ['keys', 'list'])
  const oldKid = before.keys.find((k) => k.state === 'signing')?.kid ?? before.keys[0]?.kid
  indent(`signing key now: ${oldKid}`)
  const kidsUsed = new Map()
  const tokens = await clientCredentialsSource({
    issuer, clientId: service.client_id, clientSecret: service.client_secret,
    log: () => {},
  })
  let calls = 0
  let failures = 0
  let rotated = null
  let stop = false
  const loop = (async () => {
    const deadline = Date.now() + 30_000
    while (!stop && Date.now() < deadline) {
      const token = await tokens.getToken()
      const { kid } = decodeJwt(token).header
      const answer = await callApi(apiUrl, token, 'GET', '/restaurants').catch(() => ({ status: 0 }))
      calls++
      if (answer.status !== 200) { failures++; indent(`call ${calls} failed: ${describe(answer)}`) }
      kidsUsed.set(kid, (kidsUsed.get(kid) ?? 0) + 1)
      if (rotated && kid === rotated.kid && answer.status === 200) stop = true
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  })()
  await new Promise((resolve) => setTimeout(resolve, 500))
  rotated = await cli(db, ['keys', 'rotate', '--now'])
  indent(`new key ${rotated.kid} (${rotated.alg}) signs now; the running issuer picks it up within 5 s`)
  await loop
  for (const [kid, n] of kidsUsed) indent(`calls with a token signed by ${kid}: ${n}`)
  indent(`calls: ${calls}, failures: ${failures}, tokens fetched: ${tokens.fetches}`)
  expect(kidsUsed.has(rotated.kid), 'the service moved to the new key on its own')
  expect(failures === 0, 'no call failed during the rotation')
  const after = await cli(db, ['keys', 'list'])
  for (const k of after.keys) indent(`key ${k.kid}: ${k.state}${k.unpublish_at ? `, published until ${k.unpublish_at}` : ''}`)
} catch (err) {
  failed = true
  console.error(`\ndemo failed: ${err.message}`)
} finally {
  step('Shut down')
  await api?.close()
  if (issuerProcess && issuerProcess.child.exitCode === null) {
    issuerProcess.child.kill('SIGTERM')
    const { code, signal } = await issuerProcess.exited
    indent(`issuer stopped on SIGTERM (exit ${code ?? signal})`)
    if (code !== 0) failed = true
  }
  await rm(dir, { recursive: true, force: true })
  await mailbox.close()
}
log(failed ? '\nThe demo FAILED.' : '\nEverything worked: the demo is over.')
process.exit(failed ? 1 : 0)
