// A Model Context Protocol server over streamable HTTP, protected by
// @tessera/verify as an OAuth resource server (MCP authorization spec,
// RFC 9728): an assistant that calls it without a token gets a 401 naming
// this server's protected-resource metadata, which names the Tessera
// issuer; the assistant registers there (RFC 7591) or uses a client the
// operator created, signs the person in, and comes back with a token whose
// audience is this server (RFC 8707). Two tools over the restaurant data of
// the other examples, and one that says who is calling.
//   ISSUER=http://localhost:8080 RESOURCE=http://127.0.0.1:3001/mcp PORT=3001 \
//     node examples/mcp-server/server.js
import express from 'express'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { expressAuth } from '@tessera/verify/express'
import { pathToFileURL } from 'node:url'
import { z } from 'zod'

/** The scope every tool needs: the assistant asks for it, the person allows it. */
export const SCOPE = 'read'

const restaurants = [
  { id: 1, name: 'Le Petit Bistro', address: '12 Rue Cler, Paris', cuisine: 'French' },
  { id: 2, name: 'Trattoria da Enzo', address: 'Via dei Vascellari 29, Rome', cuisine: 'Italian' },
  { id: 3, name: 'Sushi Kanesaka', address: '8-10-3 Ginza, Tokyo', cuisine: 'Japanese' },
]

const json = (value) => ({ content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value })

/** The MCP server for one request, knowing who called (the token's claims, checked by @tessera/verify). */
function mcpServer(claims) {
  const server = new McpServer({ name: 'tessera-restaurants', version: '1.0.0' })
  server.registerTool('find_restaurants', {
    title: 'Find restaurants',
    description: 'Restaurants whose name, city or cuisine contains the query (all of them without one).',
    inputSchema: { query: z.string().max(100).optional() },
  }, async ({ query }) => {
    const q = query?.toLowerCase() ?? ''
    const found = restaurants.filter((r) => [r.name, r.address, r.cuisine].some((s) => s.toLowerCase().includes(q)))
    return json({ restaurants: found })
  })
  server.registerTool('get_restaurant', {
    title: 'Get a restaurant',
    description: 'One restaurant by its id.',
    inputSchema: { id: z.number().int() },
  }, async ({ id }) => {
    const restaurant = restaurants.find((r) => r.id === id)
    return restaurant ? json(restaurant) : { content: [{ type: 'text', text: `no restaurant ${id}` }], isError: true }
  })
  server.registerTool('whoami', {
    title: 'Who am I',
    description: 'The person this assistant acts for: the access token\'s subject, client and scopes.',
    inputSchema: {},
  }, async () => json({ sub: claims.sub, client_id: claims.client_id, scope: claims.scope }))
  return server
}

/**
 * Builds the app without listening. `issuer`: the Tessera issuer;
 * `resource`: this server's MCP endpoint as clients reach it (the
 * token's audience and the metadata's `resource`); other options go to
 * the verifier.
 */
export function createApp({ issuer, resource, ...verifyOptions }) {
  const requireAuth = expressAuth({
    issuer,
    audience: resource,
    resourceMetadata: { resource, scopesSupported: [SCOPE], resourceName: 'Tessera restaurants (MCP)' },
    ...verifyOptions,
  })
  const app = express()
  // RFC 9728 §3: GET /.well-known/oauth-protected-resource[/mcp], answered before anything else.
  app.use(requireAuth.metadata)
  const path = new URL(resource).pathname

  // Stateless streamable HTTP: a server and a transport per request, so that
  // each request's tools see that request's caller and nothing is shared.
  app.post(path, requireAuth(SCOPE), express.json({ limit: '1mb' }), async (req, res) => {
    const server = mcpServer(req.auth)
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true })
    res.on('close', () => { void transport.close(); void server.close() })
    await server.connect(transport)
    await transport.handleRequest(req, res, req.body)
  })
  // No server-initiated stream and no session to end in stateless mode (MCP transports: 405).
  app.all(path, requireAuth(SCOPE), (req, res) => {
    res.set('allow', 'POST').status(405).json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null })
  })

  app.use((err, req, res, _next) => {
    const status = err.status ?? err.statusCode ?? 500
    res.status(status).json({ jsonrpc: '2.0', error: { code: status === 400 ? -32700 : -32603, message: status < 500 ? 'Bad request' : 'Internal error' }, id: null })
  })
  return app
}

function main() {
  const { ISSUER, RESOURCE, JWKS_URI, HOST = '127.0.0.1', PORT = '3001' } = process.env
  if (!ISSUER || !RESOURCE) {
    console.error('set ISSUER (the Tessera issuer URL) and RESOURCE (this server\'s MCP URL, e.g. http://127.0.0.1:3001/mcp)')
    process.exit(1)
  }
  const app = createApp({ issuer: ISSUER, resource: RESOURCE, ...(JWKS_URI && { jwksUri: JWKS_URI }) })
  const server = app.listen(Number(PORT), HOST, (err) => {
    if (err) throw err
    const { address, port } = server.address()
    console.log(JSON.stringify({ msg: 'listening', url: `http://${address}:${port}`, resource: RESOURCE }))
  })
  for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => server.close())
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main()
