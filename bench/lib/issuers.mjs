// Starting the token services of scenarios 3–5: ours through its CLI on a
// temporary database (a SQLite file, or a fresh database on the run's
// PostgreSQL cluster), and the floor and peers as bench server scripts.
import { randomBytes } from 'node:crypto'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { AUDIENCE, makeKey } from './keys.mjs'
import { postgresDatabase } from './postgres.mjs'
import { startServer } from './proc.mjs'
import { issuerBin, issuerCli } from './tessera.mjs'
import { tempDir } from './tmp.mjs'

const script = (name) => fileURLToPath(new URL(`../servers/${name}`, import.meta.url))

export const ISSUERS = [
  { name: 'floor', label: 'floor route (form + SQLite + hash + sign)', script: 'issue-floor.mjs' },
  { name: 'tessera', label: '@tessera/issuer' },
  // `serve --workers auto` (one process per core, node:cluster); `--workers 2`
  // too where that is not the same thing. Their CPU is the sum over the
  // primary and every worker (servers/cpu-report.mjs).
  { name: 'tessera-auto', label: '@tessera/issuer --workers auto', workers: 'auto' },
  ...(availableParallelism() === 2 ? [] : [{ name: 'tessera-w2', label: '@tessera/issuer --workers 2', workers: '2' }]),
  { name: 'tessera-pg', label: '@tessera/issuer on PostgreSQL' },
  { name: 'oidc-provider', label: 'oidc-provider' },
  { name: 'oauth2-server', label: '@node-oauth/oauth2-server (in-memory model)' },
  // The same with its clients in SQLite, one look-up per request as ours: the fair comparison.
  { name: 'oauth2-server-sqlite', label: '@node-oauth/oauth2-server (model on SQLite)', env: { BENCH_MODEL_STORE: 'sqlite' } },
]

const basic = (id, secret) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`

/**
 * Starts one issuer for `alg`; resolves { server, tokenUrl, headers, body }
 * where headers/body make a valid client_credentials request.
 * `store: 'postgres'` runs ours on PostgreSQL (the name `tessera-pg` means
 * the same): any scenario can measure both stores with the same call.
 * Without PostgreSQL on the machine, that start fails with a message saying
 * so, which the scenarios report as a row not measured.
 */
export async function startIssuer(name, alg, { password = false, refresh = false, codeClient = false, store, env } = {}) {
  const tessera = ISSUERS.find((s) => s.name === name && s.name.startsWith('tessera'))
  if (tessera) {
    return startTessera(alg, {
      password: password || refresh || codeClient, refresh, codeClient, workers: tessera.workers ?? '1', name, serverEnv: env,
      store: store ?? (name === 'tessera-pg' ? 'postgres' : 'sqlite'),
    })
  }
  const clientId = `bench-client-${randomBytes(4).toString('hex')}`
  const clientSecret = randomBytes(32).toString('base64url')
  const key = makeKey(alg)
  const file = { floor: 'issue-floor.mjs', 'oidc-provider': 'issue-oidc.mjs', 'oauth2-server': 'issue-oauth2-server.mjs', 'oauth2-server-sqlite': 'issue-oauth2-server.mjs' }[name]
  const server = await startServer({
    name: `issuer-${name}-${alg}`,
    script: script(file),
    env: {
      BENCH_ALG: alg,
      BENCH_CLIENT_ID: clientId,
      BENCH_CLIENT_SECRET: clientSecret,
      BENCH_PRIVATE_JWK: JSON.stringify(key.privateJwk),
      BENCH_AUDIENCE: AUDIENCE,
      BENCH_DB_DIR: tempDir('db'),
      ...ISSUERS.find((s) => s.name === name)?.env,
    },
  })
  return {
    server,
    tokenUrl: server.url,
    request: clientCredentials(clientId, clientSecret),
  }
}

function clientCredentials(clientId, clientSecret) {
  return {
    method: 'POST',
    headers: { authorization: basic(clientId, clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
    body: `grant_type=client_credentials&scope=read&resource=${encodeURIComponent(AUDIENCE)}`,
  }
}

/** The redirect URI of the confidential client `codeClient: true` creates (a loopback URI, RFC 8252 §7.3). */
export const CODE_REDIRECT = 'http://127.0.0.1/callback'

async function startTessera(alg, { password, refresh, codeClient, workers, name, store, serverEnv = {} }) {
  const db = store === 'postgres' ? await postgresDatabase() : join(tempDir('issuer'), 'tessera.db')
  const grants = ['--grant', 'client_credentials', ...(password ? ['--grant', 'password'] : []), ...(refresh ? ['--grant', 'refresh_token'] : [])]
  const env = { TESSERA_DB: db, TESSERA_SIGNING_ALG: alg }
  const client = await issuerCli(db, ['client', 'create', '--name', 'bench', ...grants, '--scope', 'read', '--audience', AUDIENCE], { env })
  let user = null
  if (password) {
    user = { username: 'bench-user', password: randomBytes(18).toString('base64url') }
    // With the code client, an e-mail address and a name too, so the identity scopes have claims to give (ID token, UserInfo).
    const identity = codeClient ? ['--email', 'bench-user@example.com', '--name', 'Bench User'] : []
    await issuerCli(db, ['user', 'create', '--username', user.username, '--scope', 'read', ...identity, '--password-stdin'], { stdin: user.password, env })
  }
  // A confidential client for the authorization code flow (PKCE too), consent skipped (confidential clients
  // only, RFC 8252 §8.6), so a signed-in session mints codes at once. It may ask for the identity scopes (OpenID Connect).
  const code = codeClient
    ? await issuerCli(db, ['client', 'create', '--name', 'bench app', '--grant', 'authorization_code',
      '--redirect-uri', CODE_REDIRECT, '--skip-consent', '--scope', 'openid profile email read', '--audience', AUDIENCE], { env })
    : null
  const server = await startServer({
    name: `issuer-${name}-${alg}`,
    script: issuerBin(),
    args: ['serve', '--workers', workers],
    env: { ...env, HOST: '127.0.0.1', PORT: '0', ...serverEnv },
  })
  const origin = new URL(server.url).origin
  const out = { server, origin, db, user, codeClient: code && { id: code.client_id, authorization: basic(code.client_id, code.client_secret) }, tokenUrl: `${origin}/oauth2/token`, request: clientCredentials(client.client_id, client.client_secret) }
  if (user) {
    out.passwordRequest = {
      method: 'POST',
      headers: out.request.headers,
      body: `grant_type=password&username=${encodeURIComponent(user.username)}&password=${encodeURIComponent(user.password)}&scope=read`,
    }
  }
  return out
}
