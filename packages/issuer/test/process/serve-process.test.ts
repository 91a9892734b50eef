// `tessera-issuer serve` as a real process on 127.0.0.1, port 0: its start-up
// line, restart persistence, and graceful shutdown on SIGTERM.
import { mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { cli, createClient, startServer, stop, token } from '../fixtures/process.js'

/** A JSON answer, read loosely (fetch types it unknown). */
type Json = Record<string, any>

const dir = mkdtempSync(join(tmpdir(), 'tessera-serve-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const db = join(dir, 'data', 'tessera.db')

t.test('serve answers over a socket and logs one start-up line with url, JWKS, metadata and the first-client hint', async (t) => {
  const server = await startServer(db)
  t.teardown(() => stop(server))
  t.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  const port = new URL(server.url).port
  const startup = server.lines.filter((l) => typeof l === 'object' && l !== null && (l as { level?: number }).level === 30)
  t.equal(startup.length, 1, 'one info line at start-up')
  const msg = String((startup[0] as { msg: string }).msg)
  t.match(msg, '/.well-known/jwks.json')
  t.match(msg, '/.well-known/oauth-authorization-server')
  t.match(msg, 'tessera-issuer client create')

  const health = await fetch(`${server.url}/healthz`)
  t.equal(health.status, 200)
  const meta = await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json() as Json
  t.equal(meta.issuer, `http://localhost:${port}`, 'the defaulted issuer carries the bound port')

  const client = await createClient(db)
  const res = await token(server.url, client.client_id, client.client_secret)
  t.equal(res.status, 200, 'a client created by the CLI while serve runs works at once')
  const { access_token } = await res.json() as Json
  const { payload, protectedHeader } = await jwtVerify(access_token, createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`)), {
    issuer: `http://localhost:${port}`,
    audience: 'https://api.example',
    typ: 'at+jwt',
  })
  t.equal(protectedHeader.alg, 'RS256', 'RS256 by default')
  t.equal(payload.sub, client.client_id)
})

t.test('a restart keeps the keys and clients: same kid, the old secret works, old tokens still verify', async (t) => {
  const first = await startServer(db)
  const client = await createClient(db)
  const before = await (await token(first.url, client.client_id, client.client_secret)).json() as Json
  const jwksBefore = await (await fetch(`${first.url}/.well-known/jwks.json`)).json() as Json
  t.equal(await stop(first), 0, 'SIGTERM: exit 0')

  const second = await startServer(db)
  t.teardown(() => stop(second))
  const jwksAfter = await (await fetch(`${second.url}/.well-known/jwks.json`)).json() as Json
  t.same(jwksAfter.keys.map((k: { kid: string }) => k.kid), jwksBefore.keys.map((k: { kid: string }) => k.kid), 'same keys')
  const res = await token(second.url, client.client_id, client.client_secret)
  t.equal(res.status, 200, 'the client survives the restart')
  const after = await res.json() as Json
  t.equal(decodeProtectedHeader(after.access_token).kid, decodeProtectedHeader(before.access_token).kid, 'signed by the same key')
  const jwks = createRemoteJWKSet(new URL(`${second.url}/.well-known/jwks.json`))
  await t.resolves(jwtVerify(before.access_token, jwks, { audience: 'https://api.example' }), 'a token from before the restart verifies')
  const keys = await cli(db, ['keys', 'list'])
  t.equal(keys.keys.length, 1, 'no new key was made by the restart')
})

t.test('SIGTERM lets an in-flight request finish, then exits 0', async (t) => {
  const server = await startServer(db)
  const client = await createClient(db)
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret }).toString()
  const { port } = new URL(server.url)
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/oauth2/token', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = ''
      res.on('data', (d) => { text += d })
      res.on('end', () => resolve({ status: res.statusCode!, body: text }))
    })
    req.on('error', reject)
    // Everything but the last byte: the request is in flight, the server waits for the rest.
    req.write(body.slice(0, -1))
    setTimeout(() => {
      server.child.kill('SIGTERM')
      setTimeout(() => req.end(body.slice(-1)), 300)
    }, 300)
  })
  const answer = await response
  t.equal(answer.status, 200, 'the in-flight request completes')
  t.ok(JSON.parse(answer.body).access_token)
  t.equal(await server.exited, 0, 'exit code 0')
  t.match(server.stdout(), 'shutting down')
  await t.rejects(fetch(`${server.url}/healthz`), 'no longer listening')
})

t.test('SIGINT shuts down like SIGTERM: exit 0', async (t) => {
  const server = await startServer(db)
  t.equal((await fetch(`${server.url}/healthz`)).status, 200)
  server.child.kill('SIGINT')
  t.equal(await server.exited, 0)
})

t.test('SIGHUP (a closed terminal) shuts down like SIGTERM, and the buffered log lines reach stdout (security issue 8, item 6)', async (t) => {
  const server = await startServer(db)
  const created = await createClient(db)
  // A token request's line is buffered (flushed every second or at 4 KiB): the signal must not lose it.
  const res = await token(server.url, created.client_id, created.client_secret)
  t.equal(res.status, 200)
  server.child.kill('SIGHUP')
  t.equal(await server.exited, 0, 'exit code 0, not death by SIGHUP')
  t.match(server.stdout(), /"msg":"token request"/, 'the last token request was logged before the exit')
})
