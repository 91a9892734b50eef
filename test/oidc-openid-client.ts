// OpenID Connect end to end with openid-client (v6, panva's certified
// relying-party library) as the app, against a real issuer process: the
// discovery from the issuer URL alone (Discovery §4), the code flow with
// PKCE and nonce, the ID token's validation (Core §3.1.3.7), UserInfo
// (§5.3), a refresh with a new ID token (§12.2), and the end-session URL
// (RP-Initiated Logout §2), and DPoP-bound tokens at UserInfo with
// openid-client's DPoP handle (RFC 9449). What openid-client leaves lenient is checked
// with jose: typ JWT, azp, aud a string, sid not the cookie value. And
// @tessera/verify refuses the ID token presented as an access token.
import t from 'tap'
import * as client from 'openid-client'
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { createVerifier } from '@tessera/verify'
import { AUDIENCE, cli, startExample, startIssuer, tempDb } from './fixtures/harness.js'
import { person } from './fixtures/sign-in.js'

const REDIRECT = 'http://127.0.0.1:8765/callback'
const AFTER = 'http://127.0.0.1:8765/signed-out'
const db = await tempDb(t)
// ES256 access tokens: the ID tokens must still be RS256 (Core §15.1).
const issuer = await startIssuer(t, db, { TESSERA_SIGNING_ALG: 'ES256' })
const app = await cli(db, ['client', 'create', '--name', 'Web app', '--public', '--grant', 'authorization_code', '--grant', 'refresh_token',
  '--redirect-uri', REDIRECT, '--post-logout-redirect-uri', AFTER, '--scope', 'openid profile email read', '--audience', AUDIENCE])
await cli(db, ['user', 'create', '--username', 'john', '--scope', 'read', '--password-stdin'], 'correct horse battery\n')
const api = await startExample(t, 'restaurants-fastify', issuer.issuer)
// openid-client refuses http issuers unless told: this one is on loopback.
const insecure = { execute: [client.allowInsecureRequests] }

const config = await client.discovery(new URL(issuer.issuer), app.client_id, undefined, client.None(), insecure)

t.test('discovery from the issuer URL alone: the OpenID configuration (Discovery §4)', async (t) => {
  const meta = config.serverMetadata()
  t.equal(meta.issuer, issuer.issuer)
  t.equal(meta.userinfo_endpoint, `${issuer.issuer}/oauth2/userinfo`)
  t.equal(meta.end_session_endpoint, `${issuer.issuer}/oauth2/logout`)
  t.same(meta.id_token_signing_alg_values_supported, ['RS256'])
  t.ok(meta.scopes_supported?.includes('openid'))
})

const john = person()
let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>

t.test('the code flow with PKCE and nonce: openid-client validates the ID token; jose checks what it leaves lenient', async (t) => {
  const verifier = client.randomPKCECodeVerifier()
  const nonce = client.randomNonce()
  const state = client.randomState()
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT, scope: 'openid profile email read', nonce, state,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  })
  const back = await john.signIn(url, 'john', 'correct horse battery')
  t.equal(back.searchParams.get('iss'), issuer.issuer, 'RFC 9207 iss')
  tokens = await client.authorizationCodeGrant(config, back, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state, idTokenExpected: true })
  const claims = tokens.claims()!
  t.equal(claims.iss, issuer.issuer)
  t.equal(claims.nonce, nonce)
  t.equal(claims.preferred_username, 'john')
  t.match(claims.sub, /^tu_/)

  const idToken = tokens.id_token!
  const header = decodeProtectedHeader(idToken)
  t.same(header, { alg: 'RS256', kid: header.kid, typ: 'JWT' }, 'header {alg: RS256, kid, typ: JWT}')
  const { payload } = await jwtVerify(idToken, createRemoteJWKSet(new URL(issuer.metadata.jwks_uri)), {
    issuer: issuer.issuer, audience: app.client_id, typ: 'JWT', algorithms: ['RS256'],
  })
  t.equal(typeof payload.aud, 'string', 'aud is a string')
  t.equal(payload.aud, app.client_id)
  t.equal(payload.azp, app.client_id, 'azp is the client')
  t.same(payload.amr, ['pwd'])
  t.type(payload.auth_time, 'number')
  t.type(payload.sid, 'string')
  const cookie = [...john.cookies].find(([name]) => name.endsWith('tessera_session'))?.[1]
  t.ok(cookie, 'the browser holds a session cookie')
  t.not(payload.sid, cookie, 'sid is not the cookie value')
  t.notOk(cookie!.includes(String(payload.sid)))
  t.equal(decodeProtectedHeader(tokens.access_token).alg, 'ES256', 'the access token keeps TESSERA_SIGNING_ALG')

  const menu = await fetch(new URL('/restaurants', api.url), { headers: { authorization: `Bearer ${tokens.access_token}` } })
  t.equal(menu.status, 200, 'the restaurant API takes the access token')
})

t.test('UserInfo with the access token (Core §5.3): sub matches the ID token', async (t) => {
  const info = await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)
  t.equal(info.sub, tokens.claims()!.sub)
  t.equal(info.preferred_username, 'john')
  t.type(info.updated_at, 'number')
})

t.test('DPoP (RFC 9449) end to end: openid-client\'s DPoP handle binds the tokens; UserInfo takes them with proofs, never as Bearer', async (t) => {
  const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'))
  const verifier = client.randomPKCECodeVerifier()
  const nonce = client.randomNonce()
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT, scope: 'openid profile', nonce, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  })
  const back = await john.signIn(url, 'john', 'correct horse battery')
  const bound = await client.authorizationCodeGrant(config, back, { pkceCodeVerifier: verifier, expectedNonce: nonce, idTokenExpected: true }, undefined, { DPoP: dpop })
  t.equal(bound.token_type.toLowerCase(), 'dpop')
  const info = await client.fetchUserInfo(config, bound.access_token, bound.claims()!.sub, { DPoP: dpop })
  t.equal(info.sub, bound.claims()!.sub, 'UserInfo with a proof of the key')
  t.equal(info.preferred_username, 'john')
  const asBearer = await fetch(config.serverMetadata().userinfo_endpoint!, { headers: { authorization: `Bearer ${bound.access_token}` } })
  t.equal(asBearer.status, 401, 'the same token as Bearer: refused')
  t.match(asBearer.headers.get('www-authenticate'), /error="invalid_token"/)
  const refreshed = await client.refreshTokenGrant(config, bound.refresh_token!, undefined, { DPoP: dpop })
  t.equal((await client.fetchUserInfo(config, refreshed.access_token, bound.claims()!.sub, { DPoP: dpop })).sub, bound.claims()!.sub, 'after a refresh')
})

t.test('@tessera/verify refuses the ID token presented as an access token (typ JWT, not at+jwt)', async (t) => {
  for (const audience of [AUDIENCE, app.client_id]) {
    const verifier = createVerifier({ issuer: issuer.issuer, audience })
    await t.rejects(verifier.verify(tokens.id_token!), { code: 'invalid_token' }, `audience ${audience}`)
    const claims = await createVerifier({ issuer: issuer.issuer, audience: AUDIENCE }).verify(tokens.access_token)
    t.equal(claims.sub, tokens.claims()!.sub, 'while the access token passes')
  }
  const asApi = await fetch(new URL('/restaurants', api.url), { headers: { authorization: `Bearer ${tokens.id_token}` } })
  t.equal(asApi.status, 401, 'the restaurant API refuses it too')
})

t.test('refresh: a new ID token with the same sub, auth_time and sid, no nonce (Core §12.2)', async (t) => {
  const first = tokens.claims()!
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!)
  const claims = refreshed.claims()!
  t.not(refreshed.id_token, tokens.id_token)
  t.equal(claims.sub, first.sub)
  t.equal(claims.auth_time, first.auth_time)
  t.equal(claims.sid, first.sid)
  t.equal(claims.nonce, undefined)
})

t.test('the end-session URL (RP-Initiated Logout §2): the page names the app; its form ends the session and returns with state', async (t) => {
  const url = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: AFTER, state: 'bye-1' })
  t.equal(url.origin + url.pathname, `${issuer.issuer}/oauth2/logout`)
  const page = await john.get(url)
  t.equal(page.status, 200)
  const html = await page.text()
  t.match(html, /Web app<\/strong> asks you to sign out/)
  const fields = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')]))
  const done = await john.post(new URL('/oauth2/logout', issuer.issuer), fields)
  t.equal(done.status, 303)
  t.equal(done.headers.get('location'), `${AFTER}?state=bye-1`)
  const again = await john.get(url)
  t.match(await again.text(), /not signed in/, 'the session ended')
})
