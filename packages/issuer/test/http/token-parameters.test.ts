// RFC 6749 §3.2: parameters sent twice, empty values, unrecognised names,
// and grant_type presence and support (§5.2).
import t from 'tap'
import { harness } from '../fixtures/harness.js'
import { postToken } from './fixtures/request.js'

const h = await harness()
t.teardown(() => h.close())
const client = await h.createClient({ scopes: ['read', 'write'], audiences: ['https://api.example', 'https://other.example'] })
const auth = [['client_id', client.id], ['client_secret', client.secret]] as Array<[string, string]>
const cc = [['grant_type', 'client_credentials'], ...auth] as Array<[string, string]>

t.test('a recognised parameter sent twice is invalid_request (RFC 6749 §3.2)', async (t) => {
  for (const name of ['grant_type', 'client_id', 'client_secret', 'scope', 'username', 'password']) {
    const value = name === 'grant_type' ? 'client_credentials' : name === 'client_id' ? client.id : name === 'client_secret' ? client.secret : 'read'
    const pairs: Array<[string, string]> = [...cc, [name, value]]
    if (!['grant_type', 'client_id', 'client_secret'].includes(name)) pairs.push([name, value])
    const res = await postToken(h.app, pairs)
    t.equal(res.statusCode, 400, name)
    t.equal(res.json().error, 'invalid_request', name)
  }
})

t.test('resource or audience sent twice is invalid_target, one audience per token (RFC 8707 §2)', async (t) => {
  for (const name of ['resource', 'audience']) {
    const res = await postToken(h.app, [...cc, [name, 'https://api.example'], [name, 'https://other.example']])
    t.equal(res.statusCode, 400, name)
    t.equal(res.json().error, 'invalid_target', name)
  }
})

t.test('repetition is checked before grant_type and client authentication (DESIGN order)', async (t) => {
  const res = await postToken(h.app, [['grant_type', 'nope'], ['scope', 'a'], ['scope', 'b'], ['client_id', 'unknown']])
  t.equal(res.json().error, 'invalid_request')
})

t.test('an empty value counts as omitted (RFC 6749 §3.2)', async (t) => {
  const res = await postToken(h.app, [...cc, ['scope', ''], ['resource', '']])
  t.equal(res.statusCode, 200)
  t.equal(res.json().scope, 'read write', 'empty scope: every scope of the client')
  const twice = await postToken(h.app, [...cc, ['scope', ''], ['scope', 'read']])
  t.equal(twice.statusCode, 200, 'an empty repeat is not a repeat')
  t.equal(twice.json().scope, 'read')
  const noGrant = await postToken(h.app, [['grant_type', ''], ...auth])
  t.equal(noGrant.json().error, 'invalid_request', 'empty grant_type is a missing grant_type')
})

t.test('unrecognised parameters are ignored, even repeated (RFC 6749 §3.2)', async (t) => {
  const res = await postToken(h.app, [...cc, ['foo', '1'], ['foo', '2'], ['code', 'x']])
  t.equal(res.statusCode, 200)
})

t.test('grant_type missing is invalid_request, unknown is unsupported_grant_type (RFC 6749 §5.2)', async (t) => {
  const missing = await postToken(h.app, auth)
  t.equal(missing.statusCode, 400)
  t.equal(missing.json().error, 'invalid_request')
  for (const grant of ['implicit', 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'urn:ietf:params:oauth:grant-type:device_code', 'CLIENT_CREDENTIALS']) {
    const res = await postToken(h.app, [['grant_type', grant], ...auth])
    t.equal(res.statusCode, 400, grant)
    t.equal(res.json().error, 'unsupported_grant_type', grant)
  }
})

t.test('a near miss (client_credential) is unsupported_grant_type whose description names the supported grant types (RFC 6749 §5.2)', async (t) => {
  const res = await postToken(h.app, [['grant_type', 'client_credential'], ...auth])
  t.equal(res.statusCode, 400)
  const { grant_types_supported: supported } = (await h.app.inject({ url: '/.well-known/oauth-authorization-server' })).json()
  t.ok(supported.includes('client_credentials'))
  t.same(res.json(), { error: 'unsupported_grant_type', error_description: `grant_type is not supported; supported: ${supported.join(', ')}` },
    'the same list as the metadata grant_types_supported (RFC 8414 §2)')
  t.notMatch(res.json().error_description, /client_credential[^s]/, 'the value sent is not echoed back')
})

t.test('grant_type is checked before client authentication (DESIGN order)', async (t) => {
  const res = await postToken(h.app, [['grant_type', 'implicit'], ['client_id', 'nobody'], ['client_secret', 'x']])
  t.equal(res.json().error, 'unsupported_grant_type')
})

t.test('parameter names and values are form-decoded (+ is a space, %XX is UTF-8)', async (t) => {
  const raw = `grant_%74ype=client%5Fcredentials&client_id=${encodeURIComponent(client.id)}&client_secret=${encodeURIComponent(client.secret)}&scope=read+write`
  const res = await postToken(h.app, raw)
  t.equal(res.statusCode, 200)
  t.equal(res.json().scope, 'read write')
})
