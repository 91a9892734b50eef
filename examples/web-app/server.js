// A small server-rendered web app that signs people in with Tessera
// (OpenID Connect, with openid-client) and calls the restaurant API for
// them: "Sign in", the person's name and e-mail address from the ID token,
// their restaurants from the API with the access token, and "Sign out"
// (RP-initiated logout, back to this page).
//   ISSUER=http://localhost:8080 CLIENT_ID=tc_... CLIENT_SECRET=... API=http://127.0.0.1:3000 \
//     PORT=4000 node examples/web-app/server.js
// The client: `tessera-issuer client create --name "Restaurants web" --grant authorization_code
//   --redirect-uri http://127.0.0.1/callback --post-logout-redirect-uri http://127.0.0.1:4000/
//   --scope "openid profile email read" --audience https://restaurants.example`
import express from 'express'
import * as client from 'openid-client'
import { randomBytes } from 'node:crypto'
import { pathToFileURL } from 'node:url'

const COOKIE = 'webapp_session'
const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title></head><body><main><h1>${escape(title)}</h1>${body}</main></body></html>`
}

/**
 * The app over a discovered OpenID Provider configuration. `self` is this
 * app's own URL (the redirect URI and where sign-out returns).
 */
export function createApp({ config, self, api }) {
  // Server-side sessions behind a random cookie: what the sign-in is waiting for, then who signed in.
  const sessions = new Map()
  const app = express()
  app.disable('x-powered-by')
  const redirectUri = new URL('/callback', self).href
  const home = new URL('/', self).href

  const sessionOf = (req) => {
    const id = /(?:^|;\s*)webapp_session=([A-Za-z0-9_-]+)/.exec(req.headers.cookie ?? '')?.[1]
    return id === undefined ? undefined : sessions.get(id)
  }
  const newSession = (res, value) => {
    const id = randomBytes(32).toString('base64url')
    sessions.set(id, value)
    res.setHeader('set-cookie', `${COOKIE}=${id}; HttpOnly; SameSite=Lax; Path=/`)
  }

  app.get('/', (req, res) => {
    const user = sessionOf(req)?.claims
    if (!user) return res.send(page('Restaurants', '<p>You are not signed in.</p><p><a href="/login">Sign in</a></p>'))
    res.send(page('Restaurants', `<p>Signed in as <strong id="name">${escape(user.name ?? user.preferred_username)}</strong>` +
      `${user.email ? ` (<span id="email">${escape(user.email)}</span>)` : ''}.</p>` +
      '<p><a href="/restaurants">Your restaurants</a></p><p><a href="/logout">Sign out</a></p>'))
  })

  // OpenID Connect Core §3.1.2.1 with PKCE (RFC 7636): the verifier, nonce and state wait server-side.
  app.get('/login', async (req, res) => {
    const pending = { verifier: client.randomPKCECodeVerifier(), nonce: client.randomNonce(), state: client.randomState() }
    newSession(res, { pending })
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri, scope: 'openid profile email read', nonce: pending.nonce, state: pending.state,
      code_challenge: await client.calculatePKCECodeChallenge(pending.verifier), code_challenge_method: 'S256',
    })
    res.redirect(303, url.href)
  })

  app.get('/callback', async (req, res) => {
    const session = sessionOf(req)
    if (!session?.pending) return res.status(400).send(page('Sign-in failed', '<p>No sign-in was waiting. <a href="/login">Try again</a>.</p>'))
    const { verifier, nonce, state } = session.pending
    try {
      const tokens = await client.authorizationCodeGrant(config, new URL(req.originalUrl, self),
        { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state, idTokenExpected: true })
      Object.assign(session, { pending: undefined, claims: tokens.claims(), idToken: tokens.id_token, accessToken: tokens.access_token })
      res.redirect(303, '/')
    } catch (err) {
      res.status(400).send(page('Sign-in failed', `<p>${escape(err.message)}</p><p><a href="/login">Try again</a></p>`))
    }
  })

  app.get('/restaurants', async (req, res) => {
    const session = sessionOf(req)
    if (!session?.accessToken) return res.redirect(303, '/login')
    const answer = await fetch(new URL('/restaurants', api), { headers: { authorization: `Bearer ${session.accessToken}` } })
    if (answer.status !== 200) return res.status(502).send(page('Restaurants', `<p>The restaurant API answered ${answer.status}.</p>`))
    const { restaurants } = await answer.json()
    res.send(page('Your restaurants', `<ul>${restaurants.map((r) => `<li>${escape(r.name)}, ${escape(r.address)}</li>`).join('')}</ul><p><a href="/">Back</a></p>`))
  })

  // RP-Initiated Logout 1.0 §2: forget the person here, then let the issuer end its session and send them back.
  app.get('/logout', (req, res) => {
    const id = /(?:^|;\s*)webapp_session=([A-Za-z0-9_-]+)/.exec(req.headers.cookie ?? '')?.[1]
    const session = id === undefined ? undefined : sessions.get(id)
    if (id !== undefined) sessions.delete(id)
    res.setHeader('set-cookie', `${COOKIE}=; Max-Age=0; HttpOnly; SameSite=Lax; Path=/`)
    if (!session?.idToken) return res.redirect(303, '/')
    res.redirect(303, client.buildEndSessionUrl(config, { id_token_hint: session.idToken, post_logout_redirect_uri: home }).href)
  })

  return app
}

async function main() {
  const { ISSUER, CLIENT_ID, CLIENT_SECRET, API, HOST = '127.0.0.1', PORT = '4000' } = process.env
  if (!ISSUER || !CLIENT_ID || !CLIENT_SECRET || !API) {
    console.error('set ISSUER, CLIENT_ID, CLIENT_SECRET (a confidential client) and API (the restaurant API URL)')
    process.exit(1)
  }
  // An http issuer is accepted on loopback only (development); in production the issuer is https.
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(new URL(ISSUER).hostname)
  const config = await client.discovery(new URL(ISSUER), CLIENT_ID, CLIENT_SECRET, undefined,
    loopback ? { execute: [client.allowInsecureRequests] } : undefined)
  let app
  const server = express().use((req, res, next) => app(req, res, next)).listen(Number(PORT), HOST, (err) => {
    if (err) throw err
    const { address, port } = server.address()
    const url = `http://${address}:${port}`
    app = createApp({ config, self: url, api: API })
    console.log(JSON.stringify({ msg: 'listening', url }))
  })
  for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => server.close())
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
