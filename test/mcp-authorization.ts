// MCP authorization end to end, with a real MCP client no one here wrote:
// the official TypeScript SDK (`Client`, `StreamableHTTPClientTransport`,
// its `auth()` flow through an `OAuthClientProvider`) against the MCP
// server of examples/mcp-server, protected by @tessera/verify, and a real
// Tessera issuer: 401 → RFC 9728 protected-resource metadata → RFC 8414
// metadata → RFC 7591 registration (or a client the operator created) →
// the person signs in on the issuer's page (driven over HTTP: the page's
// cookie, hidden fields and form, as a browser does) → code exchange with
// PKCE and `resource` (RFC 8707) → a tool call that answers the person's `sub`.
import t, { type Test } from 'tap'
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js'
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js'
import { cleanEnv, cli, ROOT, startIssuer, startServer, tempDb } from './fixtures/harness.js'

const PASSWORD = 'correct horse battery staple'
const CALLBACK = 'http://127.0.0.1:53682/callback'

/** A port free now, for the MCP server: the issuer must know its URL (the audience) before it starts. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

interface Seen { method: string; url: string; status: number; body?: URLSearchParams; wwwAuthenticate?: string | null }

/** The SDK's fetch, recorded: what the client asked, in order. */
function recordingFetch(seen: Seen[]): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init)
    const url = String(input instanceof Request ? input.url : input)
    const body = init?.body instanceof URLSearchParams ? init.body : undefined
    seen.push({ method: init?.method ?? 'GET', url, status: res.status, body, wwwAuthenticate: res.headers.get('www-authenticate') })
    return res
  }
}

/** The person at the issuer's sign-in page: opens the URL, types username and password, clicks Allow; returns the page and the redirect. */
async function signIn(authorizationUrl: URL, username: string): Promise<{ page: string; location: URL }> {
  const res = await fetch(authorizationUrl, { redirect: 'manual' })
  if (res.status !== 200) throw new Error(`the sign-in page answered ${res.status}: ${await res.text()}`)
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  const page = await res.text()
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1] ?? ''
  const answer = await fetch(new URL('/oauth2/authorize', authorizationUrl), {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin: authorizationUrl.origin },
    body: new URLSearchParams({ request: field('request'), csrf: field('csrf'), username, password: PASSWORD, action: 'allow' }),
  })
  if (answer.status !== 303) throw new Error(`the sign-in form answered ${answer.status}: ${await answer.text()}`)
  return { page, location: new URL(answer.headers.get('location')!) }
}

/** An assistant's OAuth state, in memory; `preRegistered`: a client id the operator created, else it registers itself. */
class AssistantAuth implements OAuthClientProvider {
  client: OAuthClientInformationMixed | undefined
  saved: OAuthTokens | undefined
  verifier = ''
  authorizationUrl: URL | undefined
  signedIn: { page: string; location: URL } | undefined
  saveClientInformation?: (info: OAuthClientInformationMixed) => void

  constructor(private readonly username: string, preRegistered?: string) {
    if (preRegistered !== undefined) this.client = { client_id: preRegistered }
    else this.saveClientInformation = (info) => { this.client = info }
  }

  get redirectUrl(): string { return CALLBACK }
  get clientMetadata(): OAuthClientMetadata {
    return { client_name: 'Test assistant', redirect_uris: [CALLBACK], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' }
  }
  clientInformation() { return this.client }
  tokens() { return this.saved }
  saveTokens(tokens: OAuthTokens) { this.saved = tokens }
  saveCodeVerifier(verifier: string) { this.verifier = verifier }
  codeVerifier() { return this.verifier }
  async redirectToAuthorization(url: URL) {
    this.authorizationUrl = url
    this.signedIn = await signIn(url, this.username)
  }
}

const db = await tempDb(t)
const port = await freePort()
const resource = `http://127.0.0.1:${port}/mcp`
const issuer = await startIssuer(t, db, { TESSERA_SIGNING_ALG: 'ES256', TESSERA_REGISTRATION: 'open', TESSERA_REGISTRATION_AUDIENCES: resource, TESSERA_REGISTRATION_SCOPE: 'read' })
const john = await cli<{ user_id: string }>(db, ['user', 'create', '--username', 'john', '--scope', 'read', '--password-stdin'], `${PASSWORD}\n`)
// Started as the example's README says.
await startServer(t, [join(ROOT, 'examples/mcp-server/server.js')], cleanEnv({ ISSUER: issuer.issuer, RESOURCE: resource, HOST: '127.0.0.1', PORT: String(port) }))

/** Connects as the SDK does: a 401 starts `auth()`, the person signs in, `finishAuth` exchanges the code; then connects again. */
async function connect(t: Test, auth: AssistantAuth, seen: Seen[]): Promise<Client> {
  const transport = () => new StreamableHTTPClientTransport(new URL(resource), { authProvider: auth, fetch: recordingFetch(seen) })
  const first = transport()
  // The SDK's UnauthorizedError (its message "Unauthorized"), after redirectToAuthorization sent the person to sign in.
  await t.rejects(new Client({ name: 'test-assistant', version: '1.0.0' }).connect(first), { message: 'Unauthorized' }, 'unauthorized until the person signs in')
  const code = auth.signedIn?.location.searchParams.get('code')
  if (!code) throw new Error('no code came back from the sign-in page')
  await first.finishAuth(code)
  const client = new Client({ name: 'test-assistant', version: '1.0.0' })
  await client.connect(transport())
  t.teardown(() => client.close())
  return client
}

const callJson = async (client: Client, name: string, args: Record<string, unknown> = {}) => {
  const result = await client.callTool({ name, arguments: args }) as { content: Array<{ type: string; text: string }> }
  return JSON.parse(result.content[0]!.text) as Record<string, any>
}

t.test('an assistant that registers itself: 401, discovery, registration, sign-in, code with resource, then a tool answers the person\'s sub', async (t) => {
  const seen: Seen[] = []
  const auth = new AssistantAuth('john')
  const client = await connect(t, auth, seen)
  const steps = seen.map((s) => `${s.method} ${new URL(s.url).pathname} ${s.status}`)

  const challenge = seen[0]!
  t.equal(`${challenge.method} ${challenge.url} ${challenge.status}`, `POST ${resource} 401`, 'the first MCP request is refused')
  t.match(challenge.wwwAuthenticate, `resource_metadata="http://127.0.0.1:${port}/.well-known/oauth-protected-resource/mcp"`, 'RFC 9728 §5.1: the 401 names the metadata')
  const order = ['GET /.well-known/oauth-protected-resource/mcp 200', 'GET /.well-known/oauth-authorization-server 200', 'POST /oauth2/register 201', 'POST /oauth2/token 200']
  const firsts = order.map((step) => steps.indexOf(step))
  t.ok(firsts.every((at, i) => at > 0 && (i === 0 || at > firsts[i - 1]!)), `discovery, registration and the token, in order (${steps.join(', ')})`)

  const clientId = (auth.client as { client_id: string }).client_id
  t.match(clientId, /^tc_/, 'a client id issued by the registration')
  t.match(await cli(db, ['client', 'show', clientId]), { registered: true, public: true, audiences: [resource], scopes: ['read'] })
  const asked = auth.authorizationUrl!.searchParams
  t.equal(asked.get('client_id'), clientId)
  t.equal(asked.get('resource'), resource, 'RFC 8707: the authorization request names the MCP server')
  t.equal(asked.get('code_challenge_method'), 'S256')
  t.match(auth.signedIn!.page, /\(not verified by Tessera\)/, 'the sign-in page marks the registered assistant')
  t.equal(auth.signedIn!.location.searchParams.get('iss'), issuer.issuer, 'RFC 9207 iss')

  const token = seen.find((s) => s.url.endsWith('/oauth2/token'))!.body!
  t.equal(token.get('grant_type'), 'authorization_code')
  t.equal(token.get('resource'), resource, 'the code is exchanged with resource')
  t.equal(token.get('client_id'), clientId, 'as a public client')
  t.notOk(token.has('client_secret'))

  const claims = JSON.parse(Buffer.from(auth.saved!.access_token.split('.')[1]!, 'base64url').toString())
  t.match(claims, { iss: issuer.issuer, aud: resource, sub: john.user_id, client_id: clientId, scope: 'read' })
  t.ok(auth.saved!.refresh_token, 'a refresh token (the assistant registered refresh_token)')

  t.same(await callJson(client, 'whoami'), { sub: john.user_id, client_id: clientId, scope: 'read' }, 'the tool answers the person\'s sub')
  const found = await callJson(client, 'find_restaurants', { query: 'paris' })
  t.same(found.restaurants.map((r: { name: string }) => r.name), ['Le Petit Bistro'])
  t.match((await cli(db, ['client', 'show', clientId])).last_used_at, /^\d{4}-/, 'the registration records its use')
})

t.test('an assistant with a client the operator created (client create --public): no registration, the same flow', async (t) => {
  const created = await cli<{ client_id: string }>(db, ['client', 'create', '--name', 'Desk assistant', '--public', '--grant', 'authorization_code',
    '--grant', 'refresh_token', '--redirect-uri', 'http://127.0.0.1/callback', '--scope', 'read', '--audience', resource])
  const seen: Seen[] = []
  const auth = new AssistantAuth('john', created.client_id)
  const client = await connect(t, auth, seen)
  t.notOk(seen.some((s) => s.url.endsWith('/oauth2/register')), 'no registration request')
  t.equal(seen[0]!.status, 401)
  t.equal(auth.authorizationUrl!.searchParams.get('client_id'), created.client_id)
  t.notMatch(auth.signedIn!.page, /not verified/, 'a client the operator created is not marked')
  t.equal(seen.find((s) => s.url.endsWith('/oauth2/token'))!.body!.get('resource'), resource)
  t.same(await callJson(client, 'whoami'), { sub: john.user_id, client_id: created.client_id, scope: 'read' })
})

t.test('a token for another audience is refused by the MCP server, with the metadata named again', async (t) => {
  const other = await cli<{ client_id: string; client_secret: string }>(db, ['client', 'create', '--name', 'svc', '--grant', 'client_credentials',
    '--scope', 'read', '--audience', 'https://elsewhere.example'])
  const res = await fetch(`${issuer.issuer}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic ' + Buffer.from(`${other.client_id}:${other.client_secret}`).toString('base64') },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  })
  const { access_token: token } = await res.json() as { access_token: string }
  const refused = await fetch(resource, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' })
  t.equal(refused.status, 401)
  t.match(refused.headers.get('www-authenticate'), /error="invalid_token".*resource_metadata="/)
})

t.test('examples/mcp-server/assistant.js, run as its README says: prints the address, the person signs in, it calls the tools', async (t) => {
  const child = spawn(process.execPath, [join(ROOT, 'examples/mcp-server/assistant.js')], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: cleanEnv({ MCP_URL: resource, QUERY: 'rome' }),
  })
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGTERM') })
  let output = ''
  child.stderr.on('data', (chunk) => { output += chunk })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address within 30 s:\n${output}`)), 30_000)
    createInterface({ input: child.stdout }).on('line', (line) => {
      output += line + '\n'
      const m = /open this address in a browser to sign in: (\S+)/.exec(line)
      if (m) { clearTimeout(timer); resolve(m[1]!) }
    })
  })
  const url = new URL(address)
  t.equal(url.searchParams.get('resource'), resource, 'RFC 8707: the SDK asks for a token for the MCP server')
  t.match(url.searchParams.get('redirect_uri'), /^http:\/\/127\.0\.0\.1:\d+\/callback$/, 'its own loopback port (RFC 8252 §7.3)')
  const { page, location } = await signIn(url, 'john')
  t.match(page, /\(not verified by Tessera\)/, 'it registered itself')
  // The browser follows the 303 back to the assistant.
  t.equal((await fetch(location)).status, 200)
  const code = await Promise.race([exited, new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), 30_000))])
  t.equal(code, 0, 'exit 0')
  t.match(output, /registered itself there: client_id tc_[\w-]+ \(RFC 7591\)/)
  t.match(output, /tools: find_restaurants, get_restaurant, whoami/)
  t.match(output, new RegExp(`whoami -> \\{"sub":"${john.user_id}","client_id":"tc_[\\w-]+","scope":"read"\\}`), 'the tool answers john\'s sub')
  t.match(output, /find_restaurants \{"query":"rome"\} -> \{"restaurants":\[\{"id":2,"name":"Trattoria da Enzo"/)
  if (code !== 0) t.comment(output)
})
