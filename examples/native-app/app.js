#!/usr/bin/env node
// A native app acting for a person (RFC 8252): the loopback redirect of
// §7.3. It listens on 127.0.0.1 on a port it gets from the system, prints
// the authorization URL for the person to open (a real app opens the
// system browser), receives the code on http://127.0.0.1:PORT/callback,
// checks state and iss (RFC 9207), exchanges the code with its PKCE
// verifier (RFC 7636) as a public client (client_id, no secret), calls the
// restaurant API, and refreshes its access token shortly before it expires
// (grant_type=refresh_token; each refresh token is used once and replaced,
// RFC 9700 §4.14.2). The app never sees the password.
//
// Its tokens are DPoP-bound (RFC 9449): the app makes a key pair when it
// starts and keeps it in memory, binds the code to it (`dpop_jkt`, §10),
// and signs a proof with it for every token request and API call, so its
// access and refresh tokens are useless to whoever copies them.
//
//   ISSUER=http://localhost:8080 CLIENT_ID=tc_... API=http://127.0.0.1:3000 node examples/native-app/app.js
import { createHash, randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { callApi, describe } from '../shared/api.js'
import { createDpopKey } from '../shared/dpop.js'
import { loopbackListener } from '../shared/loopback.js'
import { decodeJwt, discover, TokenError } from '../shared/token-source.js'

const base64url = (bytes) => Buffer.from(bytes).toString('base64url')

/** RFC 7636 §4.1–4.2: a 256-bit verifier and its S256 challenge. */
export function pkcePair() {
  const verifier = base64url(randomBytes(32))
  return { verifier, challenge: base64url(createHash('sha256').update(verifier).digest()) }
}

/**
 * A form POST to the token endpoint as a public client (RFC 6749 §2.3.1:
 * client_id in the body, no secret), with a DPoP proof of `dpop` (RFC 9449
 * §5); the answer must be a DPoP-bound token (§5: `token_type` DPoP).
 */
async function tokenRequest(metadata, clientId, params, dpop) {
  const res = await dpop.fetch(metadata.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ ...params, client_id: clientId }),
  })
  const body = await res.json().catch(() => ({}))
  if (res.status !== 200) throw new TokenError(res.status, body)
  if (body.token_type !== 'DPoP') throw new Error(`the issuer answered a ${body.token_type} token, not one bound to the app's key`)
  return { ...body, receivedAt: Date.now() }
}

/**
 * The authorization code flow: returns the first tokens and the DPoP key
 * they are bound to (`dpop`, made here when not given). `open(url)` shows
 * the authorization URL to the person (default: print it).
 */
export async function signIn({ issuer, clientId, scope = 'read', open, dpop, log = console.log }) {
  dpop ??= await createDpopKey()
  const metadata = await discover(issuer)
  const listener = await loopbackListener()
  try {
    const { verifier, challenge } = pkcePair()
    const state = base64url(randomBytes(16))
    const url = new URL(metadata.authorization_endpoint)
    url.search = new URLSearchParams({
      response_type: 'code', client_id: clientId, redirect_uri: listener.redirectUri, scope, state,
      code_challenge: challenge, code_challenge_method: 'S256',
      // RFC 9449 §10: the code is redeemable only with a proof of this key.
      dpop_jkt: dpop.thumbprint,
    }).toString()
    log(`listening on ${listener.redirectUri}`)
    log(`open this address in a browser to sign in: ${url}`)
    await open?.(url.href)
    const back = await listener.arrived
    // RFC 6749 §10.12 state; RFC 9207 §2.4: the answer must come from the issuer we asked.
    if (back.searchParams.get('state') !== state) throw new Error('the state in the answer is not ours')
    if (back.searchParams.get('iss') !== metadata.issuer) throw new Error(`the answer names issuer ${back.searchParams.get('iss')}, expected ${metadata.issuer}`)
    const error = back.searchParams.get('error')
    if (error) throw new Error(`authorization refused: ${error} (${back.searchParams.get('error_description') ?? ''})`)
    const tokens = await tokenRequest(metadata, clientId, {
      grant_type: 'authorization_code', code: back.searchParams.get('code') ?? '', redirect_uri: listener.redirectUri, code_verifier: verifier,
    }, dpop)
    const { sub, cnf } = decodeJwt(tokens.access_token).payload
    log(`signed in: access token for ${sub}, expires in ${tokens.expires_in} s, scope "${tokens.scope}"`)
    log(`token_type ${tokens.token_type}: bound to the app's ${dpop.alg} key (cnf.jkt ${cnf?.jkt}), made at start and kept in memory`)
    return { metadata, tokens, dpop }
  } finally {
    listener.close()
  }
}

/**
 * Hands out a valid access token, refreshing it `refreshBefore` seconds
 * (at most half its lifetime) before it expires. Concurrent callers share
 * one refresh; the rotated refresh token replaces the spent one.
 */
export function refreshingTokens({ metadata, clientId, tokens, dpop, refreshBefore = 30, log = console.log }) {
  let current = tokens
  let pending = null
  const source = { refreshes: 0, refreshTokens: [tokens.refresh_token], getToken }
  const renewAt = () => current.receivedAt + (current.expires_in - Math.min(refreshBefore, current.expires_in / 2)) * 1000

  async function refresh() {
    const next = await tokenRequest(metadata, clientId, { grant_type: 'refresh_token', refresh_token: current.refresh_token }, dpop)
    source.refreshes++
    source.refreshTokens.push(next.refresh_token)
    log(`refreshed: new access token (expires in ${next.expires_in} s); refresh token rotated: ${next.refresh_token !== current.refresh_token}`)
    current = next
    return current.access_token
  }

  async function getToken() {
    if (Date.now() < renewAt()) return current.access_token
    pending ??= refresh().finally(() => { pending = null })
    return pending
  }
  return source
}

/** Signs in, then calls GET /restaurants `calls` times, `intervalMs` apart. Returns what happened. */
export async function run({ issuer, clientId, api, scope = 'read', calls = 3, intervalMs = 2000, open, log = console.log }) {
  const dpop = await createDpopKey() // the app's key pair, for as long as it runs
  const { metadata, tokens } = await signIn({ issuer, clientId, scope, open, dpop, log })
  const source = refreshingTokens({ metadata, clientId, tokens, dpop, log })
  const answers = []
  for (let i = 0; i < calls; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs))
    const answer = await callApi(api, await source.getToken(), 'GET', '/restaurants', undefined, { dpop })
    log(`GET /restaurants ${describe(answer)}`)
    answers.push(answer)
  }
  return { answers, refreshes: source.refreshes, refreshTokens: source.refreshTokens }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { ISSUER, CLIENT_ID, API } = process.env
  if (!ISSUER || !CLIENT_ID || !API) {
    console.error('set ISSUER, CLIENT_ID and API (see examples/README.md)')
    process.exit(2)
  }
  try {
    const { answers } = await run({
      issuer: ISSUER, clientId: CLIENT_ID, api: API, scope: process.env.SCOPE ?? 'read',
      calls: Number(process.env.CALLS ?? 3), intervalMs: Number(process.env.INTERVAL_MS ?? 2000),
    })
    process.exit(answers.every((a) => a.status === 200) ? 0 : 1)
  } catch (err) {
    console.error(`native app: ${err.message}`)
    process.exit(1)
  }
}
