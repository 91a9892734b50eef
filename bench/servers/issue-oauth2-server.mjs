// @node-oauth/oauth2-server 5 for scenario 3: its token handler in a small
// Fastify server, with an in-memory model (client secret under the same
// hash scheme as the floor) whose generateAccessToken signs an RFC 9068 JWT.
import { createRequire } from 'node:module'
import Fastify from 'fastify'
import formbody from '@fastify/formbody'
import { createTokenSigner, env, hashSecret, verifySecret } from './issue-common.mjs'
import { serveIpc } from './ipc.mjs'

const require = createRequire(import.meta.url)
const OAuth2Server = require('@node-oauth/oauth2-server')
const { Request, Response } = OAuth2Server

const clients = new Map([[env.clientId, { id: env.clientId, secretHash: hashSecret(env.clientSecret), grants: ['client_credentials'], scope: [env.scope] }]])
let signAccessToken = null
const scopeString = (scope) => (Array.isArray(scope) ? scope.join(' ') : scope ?? env.scope)

const oauth = new OAuth2Server({
  model: {
    async getClient(clientId, clientSecret) {
      const c = clients.get(clientId)
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
