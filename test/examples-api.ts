// Both example restaurant APIs, each started with its one command, against a
// real issuer started through its CLI: the answers RFC 6750 §3 prescribes
// (401 with `WWW-Authenticate: Bearer realm=...`, 403 insufficient_scope),
// 400 for invalid input, 201 and the new restaurant listed with `write`;
// DPoP-bound tokens (RFC 9449) with proofs made by the `dpop` package.
import t from 'tap'
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { generateKeyPair, generateProof } from 'dpop'
import { AUDIENCE, ROOT, accessToken, cleanEnv, cli, createClient, startExample, startIssuer, tempDb } from './fixtures/harness.js'

const db = await tempDb(t)
const issuer = await startIssuer(t, db)
const tokenEndpoint = issuer.metadata.token_endpoint
const [writer, reader, app] = await Promise.all([
  createClient(db, 'writer', 'read write'),
  createClient(db, 'reader', 'read'),
  createClient(db, 'app', 'read write', { grants: ['password'] }),
])
const user = await cli<{ user_id: string }>(db, ['user', 'create', '--username', 'john', '--scope', 'read', '--password-stdin'], 'john-secret-pw\n')
const writeToken = await accessToken(tokenEndpoint, writer)
const readToken = await accessToken(tokenEndpoint, reader)
const userToken = await accessToken(tokenEndpoint, app, { grant_type: 'password', username: 'john', password: 'john-secret-pw' })

// RFC 9449 §5: a token request with a proof of the client's key gets a DPoP-bound token (cnf.jkt).
const clientKey = await generateKeyPair('ES256')
const thiefKey = await generateKeyPair('ES256')
const dpopToken = await (async () => {
  const res = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: { authorization: 'Basic ' + Buffer.from(`${writer.client_id}:${writer.client_secret}`).toString('base64'), dpop: await generateProof(clientKey, tokenEndpoint, 'POST') },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  })
  const body = await res.json() as { token_type: string; access_token: string }
  if (body.token_type !== 'DPoP') throw new Error(`expected a DPoP token: ${JSON.stringify(body)}`)
  return body.access_token
})()

/** A call with `Authorization: DPoP` (RFC 9449 §7.1) and the given proof. */
async function dpopCall(base: string, method: string, proof: string, body?: string) {
  const headers: Record<string, string> = { authorization: `DPoP ${dpopToken}`, dpop: proof }
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(new URL('/restaurants', base), { method, headers, body })
  const json = await res.json().catch(() => null) as Record<string, unknown> | null
  return { status: res.status, json, wwwAuthenticate: res.headers.get('www-authenticate') ?? '' }
}
/** A proof of `key` for METHOD on the API's /restaurants, bound to the DPoP token (`ath`). */
const proofFor = (key: typeof clientKey, base: string, method: string) => generateProof(key, new URL('/restaurants', base).href, method, undefined, dpopToken)

async function call(base: string, method: string, token: string | null, body?: string, contentType = 'application/json') {
  const headers: Record<string, string> = {}
  if (token) headers.authorization = `Bearer ${token}`
  if (body !== undefined) headers['content-type'] = contentType
  const res = await fetch(new URL('/restaurants', base), { method, headers, body })
  const text = await res.text()
  let json: any = null
  try { json = JSON.parse(text) } catch { /* asserted by the tests that need JSON */ }
  return { status: res.status, json, text, wwwAuthenticate: res.headers.get('www-authenticate') ?? '' }
}

/** Runs an example client the way its README says; resolves with its exit code and output. */
function runClient(file: string, env: Record<string, string>, stdin = '') {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(process.execPath, [join(ROOT, 'examples', file)], { cwd: ROOT, env: cleanEnv(env), timeout: 20_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }))
    child.stdin!.end(stdin)
  })
}

for (const name of ['restaurants-fastify', 'restaurants-express'] as const) {
  t.test(name, async (t) => {
    const api = await startExample(t, name, issuer.issuer)

    t.test('GET with scope read: 200 and the list', async (t) => {
      const res = await call(api.url, 'GET', readToken)
      t.equal(res.status, 200)
      t.ok(Array.isArray(res.json?.restaurants), 'a list of restaurants')
    })

    t.test('a user token from the password grant reads too (sub is the user id)', async (t) => {
      const res = await call(api.url, 'GET', userToken)
      t.equal(res.status, 200)
    })

    t.test('RFC 6750 §3: no token is 401 with a Bearer challenge naming the realm, no error code', async (t) => {
      for (const method of ['GET', 'POST']) {
        const res = await call(api.url, method, null, method === 'POST' ? '{"name":"x","address":"y"}' : undefined)
        t.equal(res.status, 401, method)
        t.match(res.wwwAuthenticate, /^Bearer realm="[^"]+"/, `${method}: Bearer realm`)
        t.notMatch(res.wwwAuthenticate, /error=/, `${method}: no error attribute without a token (RFC 6750 §3.1)`)
        t.equal(res.json?.error, 'unauthorized', `${method}: JSON body`)
      }
    })

    t.test('RFC 6750 §3.1: a tampered token is 401 invalid_token', async (t) => {
      const [h, p] = writeToken.split('.')
      const claims = JSON.parse(Buffer.from(p!, 'base64url').toString())
      const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, scope: 'read write admin' })).toString('base64url')}.${writeToken.split('.')[2]}`
      const res = await call(api.url, 'GET', forged)
      t.equal(res.status, 401)
      t.match(res.wwwAuthenticate, /error="invalid_token"/)
      t.notMatch(res.text, forged.slice(0, 40), 'the body never echoes the token')
    })

    t.test('RFC 6750 §3.1: POST with read only is 403 insufficient_scope naming write', async (t) => {
      for (const token of [readToken, userToken]) {
        const res = await call(api.url, 'POST', token, JSON.stringify({ name: 'Nope', address: 'Nowhere' }))
        t.equal(res.status, 403)
        t.match(res.wwwAuthenticate, /error="insufficient_scope"/)
        t.match(res.wwwAuthenticate, /scope="write"/)
        t.equal(res.json?.error, 'insufficient_scope')
      }
    })

    t.test('invalid input is 400 with a JSON error', async (t) => {
      const bad: Array<[string, string]> = [
        ['missing address', JSON.stringify({ name: 'No address' })],
        ['empty name', JSON.stringify({ name: '', address: 'Somewhere' })],
        ['name not a string', JSON.stringify({ name: 42, address: 'Somewhere' })],
        ['not an object', JSON.stringify(['a list'])],
        ['malformed JSON', '{"name": '],
      ]
      for (const [what, body] of bad) {
        const res = await call(api.url, 'POST', writeToken, body)
        t.equal(res.status, 400, what)
        t.equal(res.json?.error, 'invalid_input', `${what}: error code`)
        t.type(res.json?.error_description, 'string', `${what}: a description`)
      }
    })

    t.test('POST with write: 201, the restaurant is listed after', async (t) => {
      const res = await call(api.url, 'POST', writeToken, JSON.stringify({ name: `Chez ${name}`, address: '1 Token Street' }))
      t.equal(res.status, 201)
      t.match(res.json, { name: `Chez ${name}`, address: '1 Token Street', id: Number })
      const list = await call(api.url, 'GET', readToken)
      t.ok(list.json.restaurants.some((r: { name: string }) => r.name === `Chez ${name}`), 'listed')
    })

    t.test('a token for another audience is refused (RFC 9068 §4)', async (t) => {
      const other = await createClient(db, `other-${name}`, 'read', { audience: 'https://other.example' })
      const res = await call(api.url, 'GET', await accessToken(tokenEndpoint, other))
      t.equal(res.status, 401)
      t.match(res.wwwAuthenticate, /error="invalid_token"/)
    })

    t.test('RFC 9449 §7.1: a DPoP-bound token with a proof of its key reads (200) and writes (201)', async (t) => {
      t.equal((await dpopCall(api.url, 'GET', await proofFor(clientKey, api.url, 'GET'))).status, 200)
      const added = await dpopCall(api.url, 'POST', await proofFor(clientKey, api.url, 'POST'), JSON.stringify({ name: `DPoP ${name}`, address: '2 Proof Lane' }))
      t.equal(added.status, 201)
      t.equal(added.json?.created_by, writer.client_id)
    })

    t.test('RFC 9449 §7.2: the DPoP-bound token sent as a bearer token is 401 invalid_token', async (t) => {
      const res = await call(api.url, 'GET', dpopToken)
      t.equal(res.status, 401)
      t.equal(res.wwwAuthenticate, 'Bearer realm="api", error="invalid_token"')
    })

    t.test('RFC 9449 §7.1: the token with a proof of another key is 401 invalid_dpop_proof, DPoP challenge', async (t) => {
      const res = await dpopCall(api.url, 'GET', await proofFor(thiefKey, api.url, 'GET'))
      t.equal(res.status, 401)
      t.equal(res.json?.error, 'invalid_dpop_proof')
      t.equal(res.wwwAuthenticate, 'DPoP realm="api", error="invalid_dpop_proof", algs="ES256 PS256 RS256 EdDSA"')
    })

    t.test('RFC 9449 §4.3, §11.1: a proof for another method, or one replayed, is 401 invalid_dpop_proof', async (t) => {
      t.equal((await dpopCall(api.url, 'GET', await proofFor(clientKey, api.url, 'POST'))).json?.error, 'invalid_dpop_proof', 'htm POST on a GET')
      const proof = await proofFor(clientKey, api.url, 'GET')
      t.equal((await dpopCall(api.url, 'GET', proof)).status, 200, 'first use')
      const again = await dpopCall(api.url, 'GET', proof)
      t.equal(again.status, 401, 'the same proof again')
      t.equal(again.json?.error, 'invalid_dpop_proof')
    })

    t.test('examples/client-credentials, run as a command: one token for three calls', async (t) => {
      const run = await runClient('client-credentials/client.js',
        { ISSUER: issuer.issuer, CLIENT_ID: writer.client_id, CLIENT_SECRET: writer.client_secret, API: api.url })
      t.equal(run.code, 0, `exit 0 ${run.stderr}`)
      t.match(run.stdout, /"typ":"at\+jwt"/, 'prints the decoded header')
      t.match(run.stdout, /-> 200 [\s\S]*-> 201 [\s\S]*-> 200 /, 'GET 200, POST 201, GET 200')
      t.match(run.stdout, /tokens fetched from the issuer for 3 calls: 1 /, 'the token is reused')
      t.notMatch(run.stdout + run.stderr, writer.client_secret, 'never prints the secret')
    })

    t.test('examples/password-grant, run as a command with the password on stdin', async (t) => {
      const run = await runClient('password-grant/client.js',
        { ISSUER: issuer.issuer, CLIENT_ID: app.client_id, CLIENT_SECRET: app.client_secret, OAUTH_USERNAME: 'john', API: api.url },
        'john-secret-pw\n')
      t.equal(run.code, 0, `exit 0 ${run.stderr}`)
      t.match(run.stdout, /-> 200 [\s\S]*-> 403 .*insufficient_scope/, 'john reads (200), cannot write (403)')
      t.notMatch(run.stdout + run.stderr, 'john-secret-pw', 'never prints the password')
    })

    t.test('a client with a wrong secret exits non-zero with one line', async (t) => {
      const run = await runClient('client-credentials/client.js',
        { ISSUER: issuer.issuer, CLIENT_ID: writer.client_id, CLIENT_SECRET: 'wrong', API: api.url })
      t.not(run.code, 0)
      t.match(run.stderr.trim(), /^token endpoint: 401 invalid_client/)
      t.equal(run.stderr.trim().split('\n').length, 1, 'one line')
    })

    t.test('SIGTERM stops it cleanly', async (t) => {
      t.equal(await api.stop(), 0)
    })
  })
}

t.test('DPOP=require: a bearer token counts as no token, a DPoP-bound token with its proof reads (RFC 9449 §7.1)', async (t) => {
  const api = await startExample(t, 'restaurants-express', issuer.issuer, { DPOP: 'require' })
  const bearer = await call(api.url, 'GET', readToken)
  t.equal(bearer.status, 401)
  t.equal(bearer.wwwAuthenticate, 'DPoP realm="api", algs="ES256 PS256 RS256 EdDSA"', 'only the DPoP challenge')
  t.equal((await dpopCall(api.url, 'GET', await proofFor(clientKey, api.url, 'GET'))).status, 200)
})

t.test('DPOP=off: the DPoP scheme is not read, and a bound token is refused', async (t) => {
  const api = await startExample(t, 'restaurants-fastify', issuer.issuer, { DPOP: 'off' })
  const res = await dpopCall(api.url, 'GET', await proofFor(clientKey, api.url, 'GET'))
  t.equal(res.status, 401)
  t.equal(res.wwwAuthenticate, 'Bearer realm="api"', 'no token, a Bearer challenge only')
  t.equal((await call(api.url, 'GET', readToken)).status, 200, 'bearer tokens still read')
})

t.test('DPOP with a value it does not know: the example exits 1 with one line', async (t) => {
  const run = await new Promise<{ code: number; stderr: string }>((resolve) => {
    execFile(process.execPath, [join(ROOT, 'examples/restaurants-express/server.js')], { cwd: ROOT, env: cleanEnv({ ISSUER: issuer.issuer, AUDIENCE, DPOP: 'maybe' }), timeout: 20_000 },
      (err, _stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stderr }))
  })
  t.equal(run.code, 1)
  t.equal(run.stderr.trim(), 'DPOP must be allow, require or off, not "maybe"')
})

t.test('the user token names the user, the client token the client (RFC 9068 §2.2)', async (t) => {
  const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())
  t.equal(claims(userToken).sub, user.user_id)
  t.equal(claims(writeToken).sub, writer.client_id)
  t.equal(claims(writeToken).aud, AUDIENCE)
})
