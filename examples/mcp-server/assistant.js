#!/usr/bin/env node
// An assistant calling the MCP server's tools, with the official MCP SDK as
// its client (`Client`, `StreamableHTTPClientTransport`) and the SDK's own
// OAuth flow (MCP authorization spec, 2025-11-25): the first request gets a
// 401 naming the server's protected-resource metadata (RFC 9728); the SDK
// reads it, then the issuer's metadata (RFC 8414), registers the assistant
// (RFC 7591) unless given a CLIENT_ID, and sends the person to the issuer's
// sign-in page with PKCE and `resource` (RFC 8707). The person comes back
// to the assistant's loopback port (RFC 8252 §7.3); the assistant checks
// `state` and `iss` (RFC 9207), the SDK exchanges the code, and the tools
// answer. Everything (client, tokens, verifier) is kept in memory.
//
//   MCP_URL=http://127.0.0.1:3001/mcp node examples/mcp-server/assistant.js
//   (CLIENT_ID=tc_... for a client the operator created; QUERY=paris)
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js'
import { loopbackListener } from '../shared/loopback.js'

/** The SDK's OAuthClientProvider, in memory: what an assistant stores about the issuer, its client and the person's tokens. */
class MemoryAuth {
  constructor({ redirectUri, clientId, clientName, open }) {
    this.redirectUri = redirectUri
    this.clientName = clientName
    this.open = open
    this.client = clientId ? { client_id: clientId } : undefined
    this.sentState = randomBytes(16).toString('base64url')
    this.saved = undefined
    this.verifier = ''
    this.discovered = undefined
    this.registered = false
  }

  get redirectUrl() { return this.redirectUri }
  get clientMetadata() {
    // RFC 7591 §2: a public client (no secret) with a loopback redirect URI.
    return { client_name: this.clientName, redirect_uris: [this.redirectUri], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' }
  }
  state() { return this.sentState }
  clientInformation() { return this.client }
  saveClientInformation(info) { this.client = info; this.registered = true }
  tokens() { return this.saved }
  saveTokens(tokens) { this.saved = tokens }
  saveCodeVerifier(verifier) { this.verifier = verifier }
  codeVerifier() { return this.verifier }
  saveDiscoveryState(state) { this.discovered = state }
  discoveryState() { return this.discovered }
  redirectToAuthorization(url) { return this.open(url.href) }
}

/**
 * Connects to the MCP server at `url`, signing the person in on the way.
 * `open(url)` sends the person to the issuer's page (default: print the
 * address). Resolves with `{ client, auth }`: the SDK client, ready for
 * `callTool`, and the provider (its `client`, `saved` tokens, `registered`).
 */
export async function connectAssistant({ url, clientId, clientName = 'Restaurant assistant', open, log = console.log }) {
  const listener = await loopbackListener()
  const auth = new MemoryAuth({
    redirectUri: listener.redirectUri, clientId, clientName,
    // Called by the SDK once it has discovered the issuer and has a client id.
    open: (address) => {
      log(`${url}: 401, metadata at ${auth.discovered?.resourceMetadataUrl}; issuer ${auth.discovered?.authorizationServerUrl}`)
      log(auth.registered ? `registered itself there: client_id ${auth.client.client_id} (RFC 7591)` : `client_id ${auth.client?.client_id}, created by the operator`)
      return open ? open(address) : log(`open this address in a browser to sign in: ${address}`)
    },
  })
  const transport = () => new StreamableHTTPClientTransport(new URL(url), { authProvider: auth })
  const newClient = () => new Client({ name: 'tessera-example-assistant', version: '1.0.0' })
  try {
    const first = transport()
    try {
      await newClient().connect(first)
      throw new Error(`${url} answered without asking for a token: it is not protected`)
    } catch (err) {
      // The SDK met the 401, discovered, registered, and sent the person to sign in.
      if (!(err instanceof UnauthorizedError)) throw err
    }
    const back = await listener.arrived
    // RFC 6749 §10.12 state; RFC 9207 §2.4: the answer must come from the issuer the metadata named.
    if (back.searchParams.get('state') !== auth.sentState) throw new Error('the state in the answer is not ours')
    const issuer = auth.discovered?.authorizationServerMetadata?.issuer
    if (back.searchParams.get('iss') !== issuer) throw new Error(`the answer names issuer ${back.searchParams.get('iss')}, expected ${issuer}`)
    const error = back.searchParams.get('error')
    if (error) throw new Error(`authorization refused: ${error} (${back.searchParams.get('error_description') ?? ''})`)
    await first.finishAuth(back.searchParams.get('code') ?? '')
    log(`signed in: the SDK exchanged the code for a ${auth.saved.token_type} token, scope "${auth.saved.scope}"`)
    const client = newClient()
    await client.connect(transport())
    return { client, auth }
  } finally {
    listener.close()
  }
}

/** A tool's JSON answer (the examples' tools answer JSON text). */
export async function callTool(client, name, args = {}) {
  const result = await client.callTool({ name, arguments: args })
  if (result.isError) throw new Error(`${name}: ${result.content?.[0]?.text ?? 'error'}`)
  return JSON.parse(result.content[0].text)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { MCP_URL, CLIENT_ID, QUERY = '' } = process.env
  if (!MCP_URL) {
    console.error('set MCP_URL (the MCP server, e.g. http://127.0.0.1:3001/mcp; see examples/mcp-server/README.md)')
    process.exit(2)
  }
  try {
    const { client } = await connectAssistant({ url: MCP_URL, clientId: CLIENT_ID })
    const { tools } = await client.listTools()
    console.log(`tools: ${tools.map((t) => t.name).join(', ')}`)
    console.log(`whoami -> ${JSON.stringify(await callTool(client, 'whoami'))}`)
    console.log(`find_restaurants ${JSON.stringify({ query: QUERY })} -> ${JSON.stringify(await callTool(client, 'find_restaurants', { query: QUERY }))}`)
    await client.close()
  } catch (err) {
    console.error(`assistant: ${err.message}`)
    process.exit(1)
  }
}
