// Options are validated when the verifier is created: a TypeError naming the option.
import t from 'tap'
import { createVerifier } from '../src/index.js'
import { AUDIENCE, ISSUER, jwksOf, makeKey } from './fixtures/helpers.js'

const key = makeKey('EdDSA', 'e1')
const base = { issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(key) }

t.test('a bad option throws a TypeError naming it, at creation', async (t) => {
  const cases: [Record<string, unknown>, string][] = [
    [{ issuer: '' }, 'issuer'],
    [{ audience: [] }, 'audience'],
    [{ audience: 7 }, 'audience'],
    [{ algorithms: ['HS256'] }, 'algorithms'],
    [{ algorithms: ['none'] }, 'algorithms'],
    [{ algorithms: [] }, 'algorithms'],
    [{ typ: 'at+jwt' }, 'typ'],
    [{ clockTolerance: -1 }, 'clockTolerance'],
    [{ clockTolerance: '5' }, 'clockTolerance'],
    [{ maxTokenBytes: 1.5 }, 'maxTokenBytes'],
    [{ cacheMaxAge: 0 }, 'cacheMaxAge'],
    [{ cacheMinAge: 1000 }, 'cacheMinAge'],
    [{ cooldown: Infinity }, 'cooldown'],
    [{ timeout: 0 }, 'timeout'],
    [{ maxStale: -5 }, 'maxStale'],
    [{ realm: 'a"b' }, 'realm'],
    [{ tokenCache: -1 }, 'tokenCache'],
    [{ allowFormBody: 'yes' }, 'allowFormBody'],
    [{ onEvent: 'log' }, 'onEvent'],
    [{ jwks: { keys: 'x' } }, 'jwks'],
    [{ jwks: { keys: [] } }, 'jwks'],
    [{ jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }, 'jwks'],
    [{ jwksUri: 'https://x.example/jwks' }, 'jwksUri'],
    [{ audiance: AUDIENCE }, 'audiance'],
  ]
  for (const [patch, name] of cases) {
    t.throws(() => createVerifier({ ...base, ...patch }), { name: 'TypeError', message: new RegExp(`"${name}"`) }, name)
  }
})

t.test('jwksUri must be https unless the host is loopback', async (t) => {
  const remote = { issuer: ISSUER, audience: AUDIENCE }
  t.throws(() => createVerifier({ ...remote, jwksUri: 'http://issuer.example/jwks.json' }), { name: 'TypeError', message: /"jwksUri"/ })
  t.throws(() => createVerifier({ ...remote, jwksUri: 'ftp://issuer.example/jwks.json' }), { name: 'TypeError' })
  t.throws(() => createVerifier({ ...remote, jwksUri: 'not a url' }), { name: 'TypeError' })
  t.throws(() => createVerifier({ issuer: 'http://issuer.example', audience: AUDIENCE }), { message: /jwksUri/ }, 'derived from an http issuer')
  t.throws(() => createVerifier({ issuer: 'urn:x', audience: AUDIENCE }), { message: /jwksUri/ }, 'issuer not a URL and no jwksUri')
  for (const uri of ['https://issuer.example/jwks', 'http://127.0.0.1:9/jwks', 'http://localhost:9/jwks', 'http://[::1]:9/jwks']) {
    t.ok(createVerifier({ ...remote, jwksUri: uri }), uri)
  }
  t.ok(createVerifier({ issuer: 'http://localhost:8080', audience: AUDIENCE }), 'default derived from a loopback issuer')
})

t.test('defaults: a valid minimal verifier', async (t) => {
  const v = createVerifier({ issuer: ISSUER, audience: AUDIENCE })
  t.equal(v.realm, 'api')
  t.equal(typeof v.verify, 'function')
  t.equal(createVerifier({ ...base, realm: 'orders' }).realm, 'orders')
})
