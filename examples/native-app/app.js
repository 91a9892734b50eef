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
//   ISSUER=http://localhost:8080 CLIENT_ID=tc_... API=http://127.0.0.1:3000 node examples/native-app/app.js
import { createHash, randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'
import { callApi, describe } from '../shared/api.js'
import { decodeJwt, discover, TokenError } from '../shared/token-source.js'

const base64url = (bytes) => Buffer.from(bytes).toString('base64url')

/** RFC 7636 §4.1–4.2: a 256-bit verifier and its S256 challenge. */
export function pkcePair() {
  const verifier = base64url(randomBytes(32))
  return { verifier, challenge: base64url(createHash('sha256').update(verifier).digest()) }
}

/** A form POST to the token endpoint as a public client (RFC 6749 §2.3.1: client_id in the body, no secret). */
async function tokenRequest(metadata, clientId, params) {
  const res = await fetch(metadata.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ ...params, client_id: clientId }),
  })
  const body = await res.json().catch(() => ({}))
  if (res.status !== 200) throw new TokenError(res.status, body)
  return { ...body, receivedAt: Date.now() }
}

/** Listens on 127.0.0.1, any free port (RFC 8252 §7.3), until one request to /callback arrives. */
async function loopbackListener() {
  let deliver
  const arrived = new Promise((resolve) => { deliver = resolve })
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (url.pathname !== '/callback') return res.writeHead(404).end()
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
    res.end('<!doctype html><meta charset="utf-8"><title>Signed in</title><p>You can close this window and return to the app.</p>')
    deliver(url)
  })
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve))
  return { redirectUri: `http://127.0.0.1:${server.address().port}/callback`, arrived, close: () => server.close() }
}

/**
 * The authorization code flow: returns the first tokens. `open(url)` shows
 * the authorization URL to the person (default: print it).
 */
export async function signIn({ issuer, clientId, scope = 'read', open, log = console.log }) {
  const metadata = await discover(issuer)
  const listener = await loopbackListener()
  try {
    const { verifier, challenge } = pkcePair()
    const state = base64url(randomBytes(16))
    const url = new URL(metadata.authorization_endpoint)
    url.search = new URLSearchParams({
      response_type: 'code', client_id: clientId, redirect_uri: listener.redirectUri, scope, state,
      code_challenge: challenge, code_challenge_method: 'S256',
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
    })
    log(`signed in: access token for ${decodeJwt(tokens.access_token).payload.sub}, expires in ${tokens.expires_in} s, scope "${tokens.scope}"`)
    return { metadata, tokens }
  } finally {
    listener.close()
  }
}

/**
 * Hands out a valid access token, refreshing it `refreshBefore` seconds
 * (at most half its lifetime) before it expires. Concurrent callers share
 * one refresh; the rotated refresh token replaces the spent one.
 */
export function refreshingTokens({ metadata, clientId, tokens, refreshBefore = 30, log = console.log }) {
  let current = tokens
  let pending = null
  const source = { refreshes: 0, refreshTokens: [tokens.refresh_token], getToken }
  const renewAt = () => current.receivedAt + (current.expires_in - Math.min(refreshBefore, current.expires_in / 2)) * 1000

  async function refresh() {
    const next = await tokenRequest(metadata, clientId, { grant_type: 'refresh_token', refresh_token: current.refresh_token })
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
  const { metadata, tokens } = await signIn({ issuer, clientId, scope, open, log })
  const source = refreshingTokens({ metadata, clientId, tokens, log })
  const answers = []
  for (let i = 0; i < calls; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs))
    const answer = await callApi(api, await source.getToken(), 'GET', '/restaurants')
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
