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
    [{ dpop: true }, 'dpop'],
    [{ dpop: 'required' }, 'dpop'],
    [{ dpop: { mode: 'always' } }, 'dpop.mode'],
    [{ dpop: { origin: 'https://api.example/' } }, 'dpop.origin'],
    [{ dpop: { origin: 'https://api.example/v1' } }, 'dpop.origin'],
    [{ dpop: { maxAge: 0 } }, 'dpop.maxAge'],
    [{ dpop: { maxAge: '60' } }, 'dpop.maxAge'],
    [{ dpop: { replayStore: {} } }, 'dpop.replayStore'],
    [{ dpop: { replayStore: { seen: true } } }, 'dpop.replayStore'],
    [{ dpop: { nonce: true } }, 'dpop.nonce'],
    [{ resourceMetadata: 'https://mcp.example/mcp' }, 'resourceMetadata'],
    [{ resourceMetadata: {} }, 'resourceMetadata.resource'],
    [{ resourceMetadata: { resource: 'mcp' } }, 'resourceMetadata.resource'],
    [{ resourceMetadata: { resource: 'http://mcp.example/mcp' } }, 'resourceMetadata.resource'],
    [{ resourceMetadata: { resource: 'https://mcp.example/mcp#x' } }, 'resourceMetadata.resource'],
    [{ resourceMetadata: { resource: 'https://mcp.example/mcp?x=1' } }, 'resourceMetadata.resource'],
    [{ resourceMetadata: { resource: 'https://mcp.example/mcp', scopesSupported: 'read' } }, 'resourceMetadata.scopesSupported'],
    [{ resourceMetadata: { resource: 'https://mcp.example/mcp', scopesSupported: ['two words'] } }, 'resourceMetadata.scopesSupported'],
    [{ resourceMetadata: { resource: 'https://mcp.example/mcp', resourceName: '' } }, 'resourceMetadata.resourceName'],
    [{ resourceMetadata: { resource: 'https://mcp.example/mcp', name: 'x' } }, 'resourceMetadata.name'],
  ]
  for (const [patch, name] of cases) {
    t.throws(() => createVerifier({ ...base, ...patch } as never), { name: 'TypeError', message: new RegExp(`"${name}"`) }, name)
  }
})

t.test('jwksUri must be https unless the host is loopback', async (t) => {
  const remote = { issuer: ISSUER, audience: AUDIENCE }
  t.throws(() => createVerifier({ ...remote, jwksUri: 'http://issuer.example/jwks.json' }), { name: 'TypeError', message: /"jwksUri"/ })
  t.throws(() => createVerifier({ ...remote, jwksUri: 'ftp://issuer.example/jwks.json' }), { name: 'TypeError' })
  t.throws(() => createVerifier({ ...remote, jwksUri: 'not a url' }), { name: 'TypeError' })
  t.throws(() => createVerifier({ issuer: 'http://issuer.example', audience: AUDIENCE }), { message: /jwksUri/ }, 'derived from an http issuer')
  for (const uri of ['https://issuer.example/jwks', 'http://127.0.0.1:9/jwks', 'http://localhost:9/jwks', 'http://[::1]:9/jwks']) {
    t.ok(createVerifier({ ...remote, jwksUri: uri }), uri)
  }
  t.ok(createVerifier({ issuer: 'http://localhost:8080', audience: AUDIENCE }), 'default derived from a loopback issuer')
})

t.test('RFC 8414 §2: the issuer identifier is an origin; a trailing slash or a path is refused at creation, saying why', async (t) => {
  for (const issuer of ['https://issuer.example/', 'https://issuer.example/tenant', 'https://issuer.example/tenant/', 'https://issuer.example?x=1', 'https://Issuer.example', 'https://issuer.example:443', 'urn:x', 'issuer.example', 'ftp://issuer.example']) {
    t.throws(() => createVerifier({ ...base, issuer }), { name: 'TypeError', message: /"issuer" must be an? (http or https )?origin/ }, issuer)
  }
  t.throws(() => createVerifier({ ...base, issuer: 'https://issuer.example/' }), { message: /scheme:\/\/host\[:port\].*did you mean "https:\/\/issuer\.example"/ }, 'the message names the fix')
  for (const issuer of ['https://issuer.example', 'https://issuer.example:8443', 'http://localhost:8080']) t.ok(createVerifier({ ...base, issuer }), issuer)
})

t.test('defaults: a valid minimal verifier', async (t) => {
  const v = createVerifier({ issuer: ISSUER, audience: AUDIENCE })
  t.equal(v.realm, 'api')
  t.equal(typeof v.verify, 'function')
  t.equal(createVerifier({ ...base, realm: 'orders' }).realm, 'orders')
})
