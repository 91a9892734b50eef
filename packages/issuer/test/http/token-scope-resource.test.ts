// RFC 6749 §3.3 scope and RFC 8707 §2 resource (alias `audience`) rules.
import t from 'tap'
import { harness } from '../fixtures/harness.js'
import { decodeJwt, postToken } from './fixtures/request.js'

const h = await harness()
t.teardown(() => h.close())
const client = await h.createClient({ scopes: ['read', 'write', 'admin:all'], audiences: ['https://api.example', 'https://api.example/v2'] })
const cc = { grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret }

t.test('scope omitted: every scope of the client (RFC 6749 §3.3)', async (t) => {
  const res = await postToken(h.app, cc)
  const sorted = (s: unknown) => String(s).split(' ').sort()
  t.same(sorted(res.json().scope), ['admin:all', 'read', 'write'])
  t.equal(decodeJwt(res.json().access_token).claims.scope, res.json().scope, 'the scope claim lists the granted scopes')
})

t.test('scope requested: exactly those granted, duplicates once (RFC 6749 §3.3)', async (t) => {
  const res = await postToken(h.app, { ...cc, scope: 'write read write' })
  t.equal(res.statusCode, 200)
  t.equal(res.json().scope, 'write read')
  t.equal(decodeJwt(res.json().access_token).claims.scope, 'write read')
})

t.test('a scope the client may not have is invalid_scope (RFC 6749 §5.2)', async (t) => {
  for (const scope of ['delete', 'read delete', 'READ', 'admin']) {
    const res = await postToken(h.app, { ...cc, scope })
    t.equal(res.statusCode, 400, scope)
    t.equal(res.json().error, 'invalid_scope', scope)
  }
})

t.test('a malformed scope string is invalid_scope (RFC 6749 §3.3 grammar)', async (t) => {
  for (const scope of [' read', 'read ', 'read  write', 'read\twrite', 'read"', 'caf\u00e9']) {
    const res = await postToken(h.app, { ...cc, scope })
    t.equal(res.statusCode, 400, JSON.stringify(scope))
    t.equal(res.json().error, 'invalid_scope', JSON.stringify(scope))
  }
})

t.test('resource omitted: aud is the client\'s first audience (DESIGN, RFC 8707 §2)', async (t) => {
  const res = await postToken(h.app, cc)
  t.equal(decodeJwt(res.json().access_token).claims.aud, 'https://api.example')
})

t.test('resource or audience names one of the client\'s audiences: it becomes aud (RFC 8707 §2)', async (t) => {
  for (const name of ['resource', 'audience']) {
    const res = await postToken(h.app, { ...cc, [name]: 'https://api.example/v2' })
    t.equal(res.statusCode, 200, name)
    t.equal(decodeJwt(res.json().access_token).claims.aud, 'https://api.example/v2', name)
  }
})

t.test('a resource not byte-for-byte one of the client\'s audiences is invalid_target (RFC 8707 §2)', async (t) => {
  for (const resource of ['https://api.example/', 'HTTPS://api.example', 'https://API.example', 'https://evil.example', 'https://api.example/v2/']) {
    for (const name of ['resource', 'audience']) {
      const res = await postToken(h.app, { ...cc, [name]: resource })
      t.equal(res.statusCode, 400, `${name}=${resource}`)
      t.equal(res.json().error, 'invalid_target', `${name}=${resource}`)
    }
  }
})

t.test('resource and audience together is invalid_request, even when equal (DESIGN)', async (t) => {
  const res = await postToken(h.app, { ...cc, resource: 'https://api.example', audience: 'https://api.example' })
  t.equal(res.statusCode, 400)
  t.equal(res.json().error, 'invalid_request')
})

t.test('scope is checked before resource (DESIGN order)', async (t) => {
  const res = await postToken(h.app, { ...cc, scope: 'nope', resource: 'https://evil.example' })
  t.equal(res.json().error, 'invalid_scope')
})
