// @node-oauth/oauth2-server 5 for scenario 3: its token handler in a small
// Fastify server, with a model (client secret under the same hash scheme
// as the floor) whose generateAccessToken signs an RFC 9068 JWT. The
// model's getClient reads the client from a Map (BENCH_MODEL_STORE unset:
// the library's in-memory example), or, BENCH_MODEL_STORE=sqlite, from a
// better-sqlite3 database (WAL) with one primary-key look-up per request,
// as the floor route and @tessera/issuer do: the fair variant.
import { join } from 'node:path'
import { createRequire } from 'node:module'
import Database from 'better-sqlite3'
import Fastify from 'fastify'
import formbody from '@fastify/formbody'
import { createTokenSigner, env, hashSecret, verifySecret } from './issue-common.mjs'
import { serveIpc } from './ipc.mjs'

const require = createRequire(import.meta.url)
const OAuth2Server = require('@node-oauth/oauth2-server')
const { Request, Response } = OAuth2Server

const clients = new Map([[env.clientId, { id: env.clientId, secretHash: hashSecret(env.clientSecret), grants: ['client_credentials'], scope: [env.scope] }]])
let findClient = (id) => clients.get(id)
if (process.env.BENCH_MODEL_STORE === 'sqlite') {
  const db = new Database(join(process.env.BENCH_DB_DIR, 'oauth2-server.db'))
  db.pragma('journal_mode = WAL')
  db.exec('CREATE TABLE clients (id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL, grants TEXT NOT NULL, scopes TEXT NOT NULL)')
  const c = clients.get(env.clientId)
  db.prepare('INSERT INTO clients VALUES (?, ?, ?, ?)').run(c.id, c.secretHash, JSON.stringify(c.grants), JSON.stringify(c.scope))
  const get = db.prepare('SELECT id, secret_hash, grants, scopes FROM clients WHERE id = ?')
  findClient = (id) => {
    const row = get.get(id)
    return row && { id: row.id, secretHash: row.secret_hash, grants: JSON.parse(row.grants), scope: JSON.parse(row.scopes) }
  }
}
let signAccessToken = null
const scopeString = (scope) => (Array.isArray(scope) ? scope.join(' ') : scope ?? env.scope)

const oauth = new OAuth2Server({
  model: {
    async getClient(clientId, clientSecret) {
      const c = findClient(clientId)
      if (!c || !verifySecret(c.secretHash, clientSecret)) return null
      return { id: c.id, grants: c.grants }
    },
    async getUserFromClient(client) { return { id: client.id } },
    async validateScope(user, client, scope) { return scope ?? [env.scope] },
    async generateAccessToken(client, user, scope) {
      return signAccessToken({ sub: client.id, clientId: client.id, audience: env.audience, scope: scopeString(scope), ttl: env.ttl })
    },
    async saveToken(token, client, user) { return { ...token, client, user } },
  },
})

const app = Fastify({ logger: false })
await app.register(formbody)
app.post('/oauth2/token', async (req, reply) => {
  const request = new Request({ method: req.method, headers: req.headers, query: {}, body: req.body })
  const response = new Response()
  try {
    await oauth.token(request, response, { accessTokenLifetime: env.ttl, requireClientAuthentication: { client_credentials: true } })
  } catch (err) {
    reply.code(err.code ?? 500)
    return { error: err.name ?? 'server_error' }
  }
  reply.code(response.status).headers(response.headers)
  return response.body
})
await app.listen({ host: '127.0.0.1', port: 0 })
signAccessToken = createTokenSigner({ issuer: `http://127.0.0.1:${app.server.address().port}` })
serveIpc(`http://127.0.0.1:${app.server.address().port}/oauth2/token`)
