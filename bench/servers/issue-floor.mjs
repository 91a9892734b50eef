// The issuance floor of scenario 3: Fastify, parse the form, one
// better-sqlite3 lookup of the client, one hash compare, one signature.
// Nothing else a token endpoint could do without.
import { join } from 'node:path'
import Fastify from 'fastify'
import formbody from '@fastify/formbody'
import Database from 'better-sqlite3'
import { createTokenSigner, env, hashSecret, parseBasic, verifySecret } from './issue-common.mjs'
import { serveIpc } from './ipc.mjs'

const db = new Database(join(process.env.BENCH_DB_DIR, 'floor.db'))
db.pragma('journal_mode = WAL')
db.exec('CREATE TABLE clients (id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL, scopes TEXT NOT NULL, audiences TEXT NOT NULL, ttl INTEGER NOT NULL)')
db.prepare('INSERT INTO clients VALUES (?, ?, ?, ?, ?)').run(env.clientId, hashSecret(env.clientSecret), env.scope, JSON.stringify([env.audience]), env.ttl)
const findClient = db.prepare('SELECT secret_hash, scopes, audiences, ttl FROM clients WHERE id = ?')

const app = Fastify({ logger: false })
await app.register(formbody)
// The issuer identifier is the origin, known once listening (port 0).
let signAccessToken = null

app.post('/oauth2/token', async (req, reply) => {
  reply.header('cache-control', 'no-store').header('pragma', 'no-cache')
  const creds = parseBasic(req.headers.authorization)
  const row = creds && findClient.get(creds.id)
  if (!row || !verifySecret(row.secret_hash, creds.secret)) return reply.code(401).send({ error: 'invalid_client' })
  if (req.body?.grant_type !== 'client_credentials') return reply.code(400).send({ error: 'unsupported_grant_type' })
  const scope = req.body.scope || row.scopes
  const accessToken = signAccessToken({ sub: creds.id, clientId: creds.id, audience: JSON.parse(row.audiences)[0], scope, ttl: row.ttl })
  return { access_token: accessToken, token_type: 'Bearer', expires_in: row.ttl, scope }
})
await app.listen({ host: '127.0.0.1', port: 0 })
const origin = `http://127.0.0.1:${app.server.address().port}`
signAccessToken = createTokenSigner({ issuer: origin })
serveIpc(`${origin}/oauth2/token`)
