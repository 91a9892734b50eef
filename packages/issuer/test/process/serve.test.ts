// serve(): listens where the config says, resolves port 0 before the core
// opens so that a defaulted issuer is http://localhost:$PORT from the start
// (DESIGN), keeps an explicit one, and closes idempotently.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { serve } from '../../src/server/serve.js'
import { testConfig } from '../fixtures/harness.js'

/** A JSON answer, read loosely (fetch types it unknown). */
type Json = Record<string, any>

const dir = mkdtempSync(join(tmpdir(), 'tessera-serve-inproc-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

t.test('port 0 without an explicit issuer: the issuer becomes http://localhost:<bound port>', async (t) => {
  const config = testConfig(dir, { issuerExplicit: false, issuer: 'http://localhost:0' })
  const server = await serve(config, { logger: false, handleSignals: false })
  t.teardown(() => server.close())
  const port = new URL(server.url).port
  t.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  t.not(port, '0')
  t.equal(config.issuer, 'http://localhost:0', 'the configuration given is not changed (it is frozen once loaded)')
  const meta = await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json() as Json
  t.equal(meta.issuer, `http://localhost:${port}`)
  const res = await fetch(`${server.url}/oauth2/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials',
  })
  t.equal(res.status, 401, 'the token endpoint answers on the resolved port')
})

t.test('an explicit issuer is kept as given (RFC 8414 §3.3: metadata issuer equals it)', async (t) => {
  const config = testConfig(dir, { issuerExplicit: true, issuer: 'https://issuer.example' })
  const server = await serve(config, { logger: false, handleSignals: false })
  t.teardown(() => server.close())
  t.equal(config.issuer, 'https://issuer.example')
  const meta = await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json() as Json
  t.equal(meta.issuer, 'https://issuer.example')
  t.equal(meta.jwks_uri, 'https://issuer.example/.well-known/jwks.json')
})

t.test('close() stops listening and may be called twice', async (t) => {
  const server = await serve(testConfig(dir), { logger: false, handleSignals: false })
  const health = await fetch(`${server.url}/healthz`)
  t.equal(health.status, 200)
  await Promise.all([server.close(), server.close()])
  await t.rejects(fetch(`${server.url}/healthz`))
})

t.test('a port in use is an error, and the database is closed again', async (t) => {
  const first = await serve(testConfig(dir), { logger: false, handleSignals: false })
  t.teardown(() => first.close())
  const port = Number(new URL(first.url).port)
  await t.rejects(serve(testConfig(dir, { port }), { logger: false, handleSignals: false }), { code: 'EADDRINUSE' })
})
