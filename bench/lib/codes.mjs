// Authorization codes minted by @tessera/issuer itself, for the scenarios
// that redeem them (code, userinfo, the soak) and bench/code-redemption.mjs:
// the bench user signs in once through the sign-in page (one argon2
// verification), then each GET /oauth2/authorize with the session cookie
// answers a 303 carrying a fresh code at once, as the code client of
// `startIssuer(..., { codeClient: true })` skips consent (a confidential
// client: RFC 8252 §8.6). PKCE S256 (RFC 7636 §4.2), one verifier per flow.
import { createHash, randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { CODE_REDIRECT, startIssuer } from './issuers.mjs'
import { AUDIENCE, makeKey } from './keys.mjs'
import { startServer } from './proc.mjs'
import { httpClient } from './http-client.mjs'

const FORM = 'application/x-www-form-urlencoded'
const cookiesOf = (res) => [].concat(res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0])

/**
 * Signs the bench user in through the sign-in page, over `client` (an
 * httpClient of lib/http-client.mjs). Resolves the flow: `authorizeFor(scope)`
 * the authorize path whose GET with `session` answers a code for `scope`,
 * `authorize` that path for `scope`, the PKCE `verifier`, and `signInMs`
 * the time of the credential POST to its 303.
 */
export async function codeFlow(client, issuer, scope = 'read') {
  const verifier = randomBytes(32).toString('base64url')
  const challenge = createHash('sha256').update(verifier).digest('base64url')
  const authorizeFor = (s) => '/oauth2/authorize?' + new URLSearchParams({
    response_type: 'code', client_id: issuer.codeClient.id, redirect_uri: CODE_REDIRECT, scope: s, state: 'bench',
    code_challenge: challenge, code_challenge_method: 'S256',
  })
  // The form's Origin must be the issuer identifier (http://localhost:PORT), not the address we connect to.
  const meta = JSON.parse((await client.request('GET', '/.well-known/oauth-authorization-server')).body)
  const page = await client.request('GET', authorizeFor(scope))
  const field = (name) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page.body)?.[1] ?? ''
  const form = new URLSearchParams({ request: field('request'), csrf: field('csrf'), username: issuer.user.username, password: issuer.user.password, action: 'allow' }).toString()
  const started = performance.now()
  const res = await client.request('POST', '/oauth2/authorize', { 'content-type': FORM, cookie: cookiesOf(page).join('; '), origin: meta.issuer }, form)
  const signInMs = performance.now() - started
  const session = cookiesOf(res).find((c) => c.startsWith('tessera_session='))
  if (res.status !== 303 || !res.headers.location?.includes('code=') || !session) throw new Error(`sign-in answered ${res.status}, no code or no session`)
  return { authorize: authorizeFor(scope), authorizeFor, verifier, session, signInMs }
}

/** The code of one GET of `path` within the flow's session (a 303 to the redirect URI). */
export async function codeFrom(client, flow, path = flow.authorize) {
  const res = await client.request('GET', path, { cookie: flow.session })
  const code = res.status === 303 ? new URL(res.headers.location).searchParams.get('code') : null
  if (!code) throw new Error(`authorize answered ${res.status} without a code: ${res.body.slice(0, 160)}`)
  return code
}

/** `n` fresh codes for `scope`, `inFlight` GETs at a time (not timed: made before a measured window). */
export async function mintCodes(client, flow, scope, n, inFlight = 8) {
  const path = flow.authorizeFor(scope)
  const codes = []
  const worker = async () => {
    while (codes.length < n) {
      const i = codes.push(null) - 1
      codes[i] = await codeFrom(client, flow, path)
    }
  }
  await Promise.all(Array.from({ length: Math.min(inFlight, n) }, worker))
  return codes
}

/** The token request redeeming `code` (RFC 6749 §4.1.3 with the PKCE verifier, client_secret_basic). */
export function redemption(issuer, flow, code) {
  return {
    headers: { authorization: issuer.codeClient.authorization, 'content-type': FORM },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CODE_REDIRECT, code_verifier: flow.verifier }).toString(),
  }
}

const basic = (id, secret) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`

/**
 * The two servers the code and userinfo scenarios compare, behind one shape:
 * { server, tokenUrl, userinfoUrl, codes(scope, n), redeem(code) →
 * { headers, body }, accessTokens(scope, n), stop() }. Codes and tokens are
 * minted before a window and are not in its CPU figures.
 */
export async function startCodeServer(name, alg) {
  return name === 'tessera' ? startTesseraCodes(alg) : startOidcCodes(alg)
}

async function startTesseraCodes(alg) {
  const issuer = await startIssuer('tessera', alg, { codeClient: true })
  const client = httpClient(issuer.origin, 8)
  try {
    const flow = await codeFlow(client, issuer)
    const redeem = (code) => redemption(issuer, flow, code)
    return {
      server: issuer.server,
      tokenUrl: issuer.tokenUrl,
      userinfoUrl: `${issuer.origin}/oauth2/userinfo`,
      codes: (scope, n) => mintCodes(client, flow, scope, n),
      redeem,
      accessTokens: async (scope, n) => {
        const tokens = []
        for (const code of await mintCodes(client, flow, scope, n)) {
          const { headers, body } = redeem(code)
          const res = await client.request('POST', '/oauth2/token', headers, body)
          const token = res.status === 200 ? JSON.parse(res.body).access_token : undefined
          if (!token) throw new Error(`code redemption answered ${res.status}: ${res.body.slice(0, 160)}`)
          tokens.push(token)
        }
        return tokens
      },
      stop: async () => { client.close(); await issuer.server.stop() },
    }
  } catch (err) {
    client.close()
    await issuer.server.stop()
    throw err
  }
}

async function startOidcCodes(alg) {
  const clientId = `bench-client-${randomBytes(4).toString('hex')}`
  const clientSecret = randomBytes(32).toString('base64url')
  const server = await startServer({
    name: `code-oidc-${alg}`,
    script: fileURLToPath(new URL('../servers/code-oidc.mjs', import.meta.url)),
    env: {
      BENCH_ALG: alg, BENCH_CLIENT_ID: clientId, BENCH_CLIENT_SECRET: clientSecret, BENCH_AUDIENCE: AUDIENCE, BENCH_REDIRECT_URI: CODE_REDIRECT,
      BENCH_PRIVATE_JWK: JSON.stringify(makeKey(alg).privateJwk), BENCH_ID_TOKEN_JWK: JSON.stringify(makeKey('RS256').privateJwk),
    },
  })
  const verifier = randomBytes(32).toString('base64url')
  const challenge = createHash('sha256').update(verifier).digest('base64url')
  const call = async (payload) => {
    const value = await server.call(payload)
    if (!Array.isArray(value)) throw new Error(`oidc-provider could not mint: ${value?.error}`)
    return value
  }
  const authorization = basic(clientId, clientSecret)
  return {
    server,
    tokenUrl: server.url,
    userinfoUrl: new URL('/oauth2/userinfo', server.url).href,
    codes: (scope, n) => call({ codes: n, scope, challenge }),
    redeem: (code) => ({
      headers: { authorization, 'content-type': FORM },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CODE_REDIRECT, code_verifier: verifier }).toString(),
    }),
    accessTokens: (scope, n) => call({ accessTokens: n, scope }),
    stop: () => server.stop(),
  }
}
