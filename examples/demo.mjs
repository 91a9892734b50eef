#!/usr/bin/env node
// `npm run demo`: the whole Tessera story in one command. Starts an issuer on
// a temporary database, provisions a client and a user with the CLI, starts
// the Fastify restaurant API, runs both example clients, signs john in on
// the issuer's page in headless Chromium for a public app (authorization
// code with PKCE, its tokens DPoP-bound to a key the app made at start),
// shows a stolen DPoP-bound token refused without its key, a refresh
// rotation and a replay caught, lets a newcomer sign up on their own and
// confirm their address from the message a local SMTP receiver caught,
// runs the official MCP SDK client against examples/mcp-server through the
// SDK's own OAuth flow (discovery, registration, sign-in, code with
// `resource`) and calls a tool, signs john in to a server-rendered web app
// with OpenID Connect (examples/web-app, openid-client) and out again
// (RP-initiated logout), shows what the API refuses, rotates the
// signing key while a client keeps calling, and shuts everything down.
// Exits 0 only when every step behaved as expected.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run as runService, clientCredentialsSource } from './client-credentials/client.js'
import { run as runUser } from './password-grant/client.js'
import { signIn as signInNative } from './native-app/app.js'
import { callTool, connectAssistant } from './mcp-server/assistant.js'
import { createApp as createMcpApp } from './mcp-server/server.js'
import { createApp as createWebApp } from './web-app/server.js'
import * as oidc from 'openid-client'
import { allowInBrowser } from './shared/sign-in-page.js'
import { confirmAddress, signUpAndAllow } from './shared/sign-up.js'
import { buildApp } from './restaurants-fastify/server.js'
import { callApi, describe } from './shared/api.js'
import { cli, startIssuer, startMailbox } from './shared/demo-processes.js'
import { createDpopKey } from './shared/dpop.js'
import { decodeJwt, discover } from './shared/token-source.js'
import { Visitor } from './shared/web-visitor.js'

const AUDIENCE = 'https://restaurants.example'
const log = (line = '') => console.log(line)
const indent = (line) => log(`    ${line}`)
let stepNo = 0
const step = (title) => log(`\n== ${++stepNo}. ${title}`)

function expect(condition, what) {
  if (!condition) throw new Error(`unexpected: ${what}`)
  indent(`ok: ${what}`)
}

const dir = await mkdtemp(join(tmpdir(), 'tessera-demo-'))
const mailbox = await startMailbox()
const db = join(dir, 'tessera.db')
// The MCP server's socket, bound first: its URL is the audience the issuer
// gives registered assistants (TESSERA_REGISTRATION_AUDIENCES).
const mcpSocket = createServer()
await new Promise((resolve) => mcpSocket.listen(0, '127.0.0.1', resolve))
const mcpUrl = `http://127.0.0.1:${mcpSocket.address().port}/mcp`
let issuerProcess = null
let api = null
let failed = false
try {
  step('Start an issuer on a temporary database')
  const issuerEnv = {
    TESSERA_SIGNUP: 'open', TESSERA_SIGNUP_SCOPE: 'read', TESSERA_SMTP_URL: mailbox.url,
    TESSERA_REGISTRATION: 'open', TESSERA_REGISTRATION_AUDIENCES: mcpUrl, TESSERA_REGISTRATION_SCOPE: 'read',
  }
  log(`  $ ${Object.entries(issuerEnv).map(([k, v]) => `${k}=${v}`).join(' ')} \\\n      tessera-issuer serve --host 127.0.0.1 --port 0 --db ${db}`)
  issuerProcess = startIssuer(db, issuerEnv)
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
  // dpop 'allow' (the default, written out): Bearer tokens, and DPoP-bound tokens with a proof of their key.
  api = await buildApp({ issuer, audience: AUDIENCE, dpop: 'allow' })
  const apiUrl = await api.listen({ host: '127.0.0.1', port: 0 })
  indent(`listening at ${apiUrl}: GET /restaurants needs scope read, POST /restaurants needs write`)
  indent('Bearer tokens, and DPoP-bound tokens only with a proof of their key (RFC 9449)')
  indent('keys from the issuer\'s JWKS, cached, refetched when a token names an unknown kid')

  step('The service client (examples/client-credentials): client_credentials, client_secret_basic')
  const { tokens: serviceTokens, answers } = await runService({ issuer, clientId: service.client_id, clientSecret: service.client_secret, api: apiUrl, log: indent })
  expect(answers.map((a) => a.status).join() === '200,201,200', 'read: 200, write: 201, read: 200')
  expect(serviceTokens.fetches === 1, 'one token served all three calls')

  step('The application acting for john (examples/password-grant): password grant')
  const user = await runUser({ issuer, clientId: app.client_id, clientSecret: app.client_secret, username: 'john', password, api: apiUrl, log: indent })
  expect(user.list.status === 200, 'john can read: 200')
  expect(user.add.status === 403 && /insufficient_scope/.test(user.add.wwwAuthenticate ?? ''), 'john cannot write: 403 insufficient_scope')

  step('An app acting for john without his password: the sign-in page, a code with PKCE, a DPoP-bound token')
  const mobile = await cli(db, ['client', 'create', '--name', 'Restaurants app', '--public', '--grant', 'authorization_code',
    '--grant', 'refresh_token', '--redirect-uri', 'http://127.0.0.1/callback', '--scope', 'read write', '--audience', AUDIENCE])
  indent(`public client ${mobile.client_id}: no secret; redirect URI ${mobile.redirect_uris[0]} (any port, RFC 8252 §7.3)`)
  const { metadata: asMeta, tokens: first, dpop } = await signInNative({
    issuer, clientId: mobile.client_id, scope: 'read', log: indent,
    open: (url) => allowInBrowser(url, { username: 'john', password, log: indent }),
  })
  const firstClaims = decodeJwt(first.access_token).payload
  expect(firstClaims.sub === john.user_id, 'the token\'s sub is john, and the app never saw his password')
  expect(first.token_type === 'DPoP' && firstClaims.cnf?.jkt === dpop.thumbprint, 'token_type DPoP, cnf.jkt the thumbprint of the app\'s key')
  const owner = () => callApi(apiUrl, first.access_token, 'GET', '/restaurants', undefined, { dpop })
  const viaCode = await owner()
  indent(`GET /restaurants, Authorization: DPoP and a proof signed with the app's key ${describe(viaCode)}`)
  expect(viaCode.status === 200, 'the app reads: 200')

  step('A stolen DPoP-bound token is useless without its key (RFC 9449)')
  indent('a thief copies the access token and the refresh token (from a log, a proxy, a backup), and has a key of its own')
  const thief = await createDpopKey()
  const asBearer = await callApi(apiUrl, first.access_token, 'GET', '/restaurants')
  indent(`the stolen token as a bearer token ${describe(asBearer)}`)
  expect(asBearer.status === 401 && asBearer.wwwAuthenticate === 'Bearer realm="api", error="invalid_token"',
    'refused: 401 invalid_token, a DPoP-bound token is never a bearer token (RFC 9449 §7.2)')
  const withThiefKey = await callApi(apiUrl, first.access_token, 'GET', '/restaurants', undefined, { dpop: thief })
  indent(`the stolen token with a proof signed by the thief's key ${describe(withThiefKey)}`)
  expect(withThiefKey.status === 401 && withThiefKey.wwwAuthenticate === 'DPoP realm="api", error="invalid_dpop_proof", algs="ES256 PS256 RS256 EdDSA"',
    'refused: 401 invalid_dpop_proof, the proof\'s key is not the token\'s cnf.jkt (RFC 9449 §7.1)')
  const refresh = async (token, key) => {
    const res = await key.fetch(asMeta.token_endpoint, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token, client_id: mobile.client_id }) })
    return { status: res.status, body: await res.json() }
  }
  const stolenRefresh = await refresh(first.refresh_token, thief)
  indent(`the stolen refresh token at the token endpoint, with the thief's proof -> ${stolenRefresh.status} ${JSON.stringify(stolenRefresh.body)}`)
  expect(stolenRefresh.status === 400 && stolenRefresh.body.error === 'invalid_grant', 'refused: invalid_grant, the refresh token is bound to the app\'s key too')
  const stillOk = await owner()
  expect(stillOk.status === 200, 'the app, with its own key, still reads: 200')

  step('Refresh tokens rotate, and a replayed one is caught')
  const short = (token) => `${token.slice(0, 9)}...`
  const second = await refresh(first.refresh_token, dpop)
  const third = await refresh(second.body.refresh_token, dpop)
  indent(`refresh ${short(first.refresh_token)} -> ${second.status}, new refresh token ${short(second.body.refresh_token)}`)
  indent(`refresh ${short(second.body.refresh_token)} -> ${third.status}, new refresh token ${short(third.body.refresh_token)}`)
  expect(second.status === 200, 'the thief\'s attempt changed nothing: the app\'s refresh token still works')
  expect(third.status === 200 && third.body.refresh_token !== second.body.refresh_token, 'each refresh rotates: a new refresh token, the old one spent')
  const replay = await refresh(first.refresh_token, dpop)
  indent(`the first refresh token again, with the app's key (a copy replayed?) -> ${replay.status} ${replay.body.error}`)
  expect(replay.status === 400 && replay.body.error === 'invalid_grant', 'the replay is caught: invalid_grant')
  const revoked = await refresh(third.body.refresh_token, dpop)
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

  step('An assistant calls an MCP server\'s tools (examples/mcp-server), with the official MCP SDK as its client')
  mcpSocket.on('request', createMcpApp({ issuer, resource: mcpUrl }))
  indent(`MCP server at ${mcpUrl} (streamable HTTP), protected by @tessera/verify with resourceMetadata`)
  indent('the SDK\'s own OAuth flow: 401, RFC 9728 and RFC 8414 metadata, RFC 7591 registration, sign-in, code with resource')
  const { client: assistant, auth: assistantAuth } = await connectAssistant({
    url: mcpUrl, clientName: 'Demo assistant', log: indent,
    open: (url) => allowInBrowser(url, { username: 'john', password, log: indent }),
  })
  const tokenClaims = decodeJwt(assistantAuth.saved.access_token).payload
  expect(assistantAuth.registered && tokenClaims.aud === mcpUrl, 'the assistant registered itself, and its token\'s audience is the MCP server (RFC 8707)')
  const whoami = await callTool(assistant, 'whoami')
  indent(`tools/call whoami -> ${JSON.stringify(whoami)}`)
  expect(whoami.sub === john.user_id, 'the tool answers john\'s sub')
  const found = await callTool(assistant, 'find_restaurants', { query: 'paris' })
  indent(`tools/call find_restaurants {"query":"paris"} -> ${JSON.stringify(found)}`)
  expect(found.restaurants.length === 1, 'the tool found one restaurant in Paris')
  await assistant.close()
  const listed = await cli(db, ['client', 'show', assistantAuth.client.client_id])
  expect(listed.registered === true, `client show ${assistantAuth.client.client_id}: registered true`)

  step('A web app signs john in with OpenID Connect (examples/web-app, openid-client) and out again')
  const webSocket = createServer()
  await new Promise((resolve) => webSocket.listen(0, '127.0.0.1', resolve))
  const webUrl = `http://127.0.0.1:${webSocket.address().port}`
  const webClient = await cli(db, ['client', 'create', '--name', 'Restaurants web', '--grant', 'authorization_code',
    '--redirect-uri', `${webUrl}/callback`, '--post-logout-redirect-uri', `${webUrl}/`, '--scope', 'openid profile email read',
    '--audience', AUDIENCE, '--skip-consent'])
  indent(`confidential first-party client ${webClient.client_id}, scopes openid profile email read; the app at ${webUrl}`)
  // Discovery from the issuer URL alone (OpenID Connect Discovery §4); http is accepted on loopback only.
  const oidcConfig = await oidc.discovery(new URL(issuer), webClient.client_id, webClient.client_secret, undefined,
    { execute: [oidc.allowInsecureRequests] })
  indent(`openid-client discovered ${issuer}/.well-known/openid-configuration: userinfo and end_session endpoints, ID tokens ` +
    `${JSON.stringify(oidcConfig.serverMetadata().id_token_signing_alg_values_supported)}`)
  webSocket.on('request', createWebApp({ config: oidcConfig, self: webUrl, api: apiUrl }))
  try {
    const visitor = new Visitor()
    const signInPage = await visitor.follow(`${webUrl}/login`)
    indent(`"Sign in" at the app -> the issuer's page ${new URL(signInPage.url).pathname} (${signInPage.status})`)
    expect(/value="sign-in">Sign in</.test(signInPage.html) && !/value="allow"/.test(signInPage.html),
      'a first-party app (--skip-consent) gets a plain sign-in page: one "Sign in" button, no Allow/Deny')
    const home = await visitor.submit(signInPage, { username: 'john', password, action: 'sign-in' })
    indent(`back at ${home.url}: "${/Signed in as <strong id="name">([^<]*)<\/strong>/.exec(home.html)?.[1] ?? '?'}"`)
    expect(home.url === `${webUrl}/` && /Signed in as <strong id="name">john<\/strong>/.test(home.html),
      'the app knows who signed in from the ID token openid-client validated (nonce, PKCE, RS256)')
    const list = await visitor.follow(`${webUrl}/restaurants`)
    expect(list.status === 200 && /<li>/.test(list.html), 'the app called the restaurant API with john\'s access token')
    const confirm = await visitor.follow(`${webUrl}/logout`)
    indent(`"Sign out" at the app -> the issuer's ${new URL(confirm.url).pathname}: ${/<strong class="name">([^<]*)<\/strong> asks you to sign out/.test(confirm.html) ? 'the page names the app' : 'no app named'}`)
    const after = await visitor.submit(confirm, {})
    expect(after.url === `${webUrl}/` && /not signed in/.test(after.html),
      'RP-initiated logout: the issuer ended its session and sent john back to the app, signed out')
  } finally {
    await new Promise((resolve) => webSocket.close(resolve))
  }

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
  mcpSocket.closeAllConnections()
  await new Promise((resolve) => mcpSocket.close(resolve))
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
