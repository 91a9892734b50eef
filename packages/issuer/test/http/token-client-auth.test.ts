// RFC 6749 §2.3: client authentication at the token endpoint, by
// client_secret_basic (§2.3.1, form-encoded id and secret) or
// client_secret_post, never both; failures are 401 invalid_client (§5.2).
import t from 'tap'
import { buildApp } from '../../src/http/app.js'
import { fakeCore } from './fixtures/fake-core.js'
import { harness } from '../fixtures/harness.js'
import { basic, formEncode, postToken } from './fixtures/request.js'

const h = await harness()
t.teardown(() => h.close())
const client = await h.createClient({ scopes: ['read'] })
const cc = { grant_type: 'client_credentials' }
const CHALLENGE = /^Basic realm="[^"]+"/

t.test('client_secret_basic authenticates (RFC 6749 §2.3.1)', async (t) => {
  const res = await postToken(h.app, cc, { authorization: basic(client.id, client.secret) })
  t.equal(res.statusCode, 200)
})

t.test('the Basic scheme name is case-insensitive (RFC 9110 §11.1)', async (t) => {
  const res = await postToken(h.app, cc, { authorization: basic(client.id, client.secret).replace('Basic', 'bAsIc') })
  t.equal(res.statusCode, 200)
})

t.test('client_secret_post authenticates (RFC 6749 §2.3.1)', async (t) => {
  const res = await postToken(h.app, { ...cc, client_id: client.id, client_secret: client.secret })
  t.equal(res.statusCode, 200)
})

t.test('Basic id and secret are form-decoded after base64 (RFC 6749 §2.3.1)', async (t) => {
  // Percent-encoding characters that need none must decode to the same credentials.
  const id = [...client.id].map((c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join('')
  const secret = [...client.secret].map((c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join('')
  const res = await postToken(h.app, cc, { authorization: 'Basic ' + Buffer.from(`${id}:${secret}`).toString('base64') })
  t.equal(res.statusCode, 200, 'fully percent-encoded credentials decode')
  const raw = await postToken(h.app, cc, { authorization: 'Basic ' + Buffer.from(`${client.id}:${client.secret}+`).toString('base64') })
  t.equal(raw.statusCode, 401, 'a + decodes to a space, so it is part of the secret')
})

t.test('Basic credentials with special characters are form-decoded: space, colon, plus, percent, non-ASCII (RFC 6749 §2.3.1)', async (t) => {
  // The issuer never generates such secrets; a double holds one.
  const core = fakeCore()
  const secret = 'a b:c+d%e/f?g=h&i é'
  const id = 'client:with space'
  core.addClient({ id, name: 'x', grants: ['client_credentials'], scopes: ['read'], audiences: ['https://api.example'], ttl: 60, public: false, redirectUris: [], skipConsent: false, registered: false, dpopBoundAccessTokens: false, postLogoutRedirectUris: [] }, secret)
  const app = buildApp(core)
  t.teardown(() => app.close())
  const ok = await postToken(app, cc, { authorization: basic(id, secret) })
  t.equal(ok.statusCode, 200, 'form-encoded then Basic')
  t.match(formEncode(secret), /\+/, 'the space travels as +')
  const unencoded = await postToken(app, cc, { authorization: 'Basic ' + Buffer.from(`${formEncode(id)}:${secret}`).toString('base64') })
  t.equal(unencoded.statusCode, 400, 'a raw "%e/" is not valid form-encoding: malformed Basic')
  t.equal(unencoded.json().error, 'invalid_request')
  const plusOnly = 'p+q r'
  core.addClient({ id: 'plus', name: 'x', grants: ['client_credentials'], scopes: ['read'], audiences: ['https://api.example'], ttl: 60, public: false, redirectUris: [], skipConsent: false, registered: false, dpopBoundAccessTokens: false, postLogoutRedirectUris: [] }, plusOnly)
  const rawPlus = await postToken(app, cc, { authorization: 'Basic ' + Buffer.from(`plus:${plusOnly}`).toString('base64') })
  t.equal(rawPlus.statusCode, 401, 'a raw + decodes to a space: the secret does not match')
  const encodedPlus = await postToken(app, cc, { authorization: basic('plus', plusOnly) })
  t.equal(encodedPlus.statusCode, 200, 'form-encoded + (%2B) and space (+) match')
  const post = await postToken(app, { ...cc, client_id: id, client_secret: secret })
  t.equal(post.statusCode, 200, 'the same secret by client_secret_post')
})

t.test('a secret in the header and in the body is invalid_request (RFC 6749 §2.3)', async (t) => {
  const res = await postToken(h.app, { ...cc, client_secret: client.secret }, { authorization: basic(client.id, client.secret) })
  t.equal(res.statusCode, 400)
  t.equal(res.json().error, 'invalid_request')
})

t.test('a body client_id beside Basic must equal the Basic id (RFC 6749 §2.3)', async (t) => {
  const same = await postToken(h.app, { ...cc, client_id: client.id }, { authorization: basic(client.id, client.secret) })
  t.equal(same.statusCode, 200, 'equal: accepted')
  const other = await postToken(h.app, { ...cc, client_id: 'tc_someone_else' }, { authorization: basic(client.id, client.secret) })
  t.equal(other.statusCode, 400, 'different: rejected')
  t.equal(other.json().error, 'invalid_request')
})

t.test('malformed Basic credentials are invalid_request (RFC 7617 §2)', async (t) => {
  for (const header of [
    'Basic',
    'Basic ',
    'Basic !!!notbase64',
    'Basic ' + Buffer.from('no-colon-here').toString('base64'),
    'Basic ' + Buffer.from(':secret-without-id').toString('base64'),
    'Basic ' + Buffer.from(`${client.id}:bad%zzpercent`).toString('base64'),
  ]) {
    const res = await postToken(h.app, cc, { authorization: header })
    t.equal(res.statusCode, 400, header)
    t.equal(res.json().error, 'invalid_request', header)
  }
})

t.test('no credentials is 401 invalid_client (RFC 6749 §5.2)', async (t) => {
  for (const params of [cc, { ...cc, client_id: client.id }, { ...cc, client_secret: client.secret }]) {
    const res = await postToken(h.app, params)
    t.equal(res.statusCode, 401)
    t.equal(res.json().error, 'invalid_client')
    t.notOk(res.headers['www-authenticate'], 'no Basic used: no challenge')
  }
})

t.test('unknown client and wrong secret are the same 401 invalid_client (RFC 6749 §5.2, DESIGN)', async (t) => {
  const wrong = await postToken(h.app, { ...cc, client_id: client.id, client_secret: client.secret + 'x' })
  const unknown = await postToken(h.app, { ...cc, client_id: 'tc_unknown', client_secret: client.secret })
  t.equal(wrong.statusCode, 401)
  t.equal(unknown.statusCode, 401)
  t.equal(wrong.body, unknown.body, 'identical bodies')
  t.equal(wrong.json().error, 'invalid_client')
  t.notOk(wrong.headers['www-authenticate'])
})

t.test('invalid_client after Basic carries WWW-Authenticate: Basic realm (RFC 6749 §5.2)', async (t) => {
  const wrong = await postToken(h.app, cc, { authorization: basic(client.id, 'wrong') })
  t.equal(wrong.statusCode, 401)
  t.equal(wrong.json().error, 'invalid_client')
  t.match(wrong.headers['www-authenticate'], CHALLENGE)
  const unknown = await postToken(h.app, cc, { authorization: basic('tc_nobody', client.secret) })
  t.equal(unknown.body, wrong.body)
  t.match(unknown.headers['www-authenticate'], CHALLENGE)
})

t.test('another Authorization scheme is 401 invalid_client with the Basic challenge', async (t) => {
  const res = await postToken(h.app, { ...cc, client_id: client.id, client_secret: client.secret }, { authorization: 'Bearer abc' })
  t.equal(res.statusCode, 401)
  t.equal(res.json().error, 'invalid_client')
  t.match(res.headers['www-authenticate'], CHALLENGE)
})
