// RFC 9728 in the core: the document, the well-known paths (§3.1), the URL
// challenges name (§5.1, built from `resource`, never from Host), and the
// answer for each method.
import t from 'tap'
import { answerMetadata, resolveResourceMetadata, WELL_KNOWN_PATH } from '../src/resource-metadata.js'
import { challengeHeader } from '../src/challenge.js'
import { buildVerifier } from '../src/verifier.js'
import { AUDIENCE, ISSUER, jwksOf, makeKey } from './fixtures/helpers.js'

t.test('§3.1: the well-known path goes between host and path; the root form is served too', async (t) => {
  const mcp = resolveResourceMetadata({ resource: 'https://mcp.example/mcp' }, ISSUER, 'allow')
  t.equal(mcp.url, 'https://mcp.example/.well-known/oauth-protected-resource/mcp')
  t.same(mcp.paths, ['/.well-known/oauth-protected-resource/mcp', WELL_KNOWN_PATH])
  const root = resolveResourceMetadata({ resource: 'https://api.example' }, ISSUER, 'allow')
  t.equal(root.url, 'https://api.example/.well-known/oauth-protected-resource', 'a resource at the root: no suffix')
  t.same(root.paths, [WELL_KNOWN_PATH])
  const deep = resolveResourceMetadata({ resource: 'https://api.example:8443/v1/tools/' }, ISSUER, 'allow')
  t.equal(deep.url, 'https://api.example:8443/.well-known/oauth-protected-resource/v1/tools/', 'port and the whole path kept')
  const local = resolveResourceMetadata({ resource: 'http://localhost:3000/mcp' }, ISSUER, false)
  t.equal(local.url, 'http://localhost:3000/.well-known/oauth-protected-resource/mcp', 'http on loopback, for development')
})

t.test('§2: the document: resource, the issuer, bearer_methods_supported, DPoP fields by mode; optional fields only when given', async (t) => {
  t.same(resolveResourceMetadata({ resource: 'https://mcp.example/mcp' }, ISSUER, 'require').document, {
    resource: 'https://mcp.example/mcp',
    authorization_servers: [ISSUER],
    bearer_methods_supported: ['header'],
    dpop_signing_alg_values_supported: ['ES256', 'PS256', 'RS256', 'EdDSA', 'Ed25519'],
    dpop_bound_access_tokens_required: true,
  })
  t.same(resolveResourceMetadata({ resource: 'https://mcp.example/mcp', scopesSupported: ['read'], resourceName: 'Tools' }, ISSUER, false).document, {
    resource: 'https://mcp.example/mcp', authorization_servers: [ISSUER], scopes_supported: ['read'], bearer_methods_supported: ['header'], resource_name: 'Tools',
  })
})

t.test('answers: GET and HEAD the document, OPTIONS the preflight, other methods 405, other paths none', async (t) => {
  const pr = resolveResourceMetadata({ resource: 'https://mcp.example/mcp' }, ISSUER, 'allow')
  const get = answerMetadata(pr, 'GET', '/.well-known/oauth-protected-resource/mcp')!
  t.equal(get.status, 200)
  t.same(JSON.parse(get.body), pr.document)
  t.same(get.headers, { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600', 'access-control-allow-origin': '*' })
  const head = answerMetadata(pr, 'HEAD', WELL_KNOWN_PATH)!
  t.equal(head.status, 200)
  t.equal(head.body, '', 'HEAD: no body')
  const options = answerMetadata(pr, 'OPTIONS', WELL_KNOWN_PATH)!
  t.equal(options.status, 204)
  t.equal(options.headers['access-control-allow-origin'], '*')
  const post = answerMetadata(pr, 'POST', WELL_KNOWN_PATH)!
  t.equal(post.status, 405)
  t.equal(post.headers['allow'], 'GET, HEAD, OPTIONS')
  t.equal(answerMetadata(pr, 'GET', '/.well-known/oauth-protected-resource/other'), undefined)
  t.equal(answerMetadata(pr, 'GET', '/mcp'), undefined)
  t.equal(answerMetadata(null, 'GET', WELL_KNOWN_PATH), undefined, 'no option: nothing answered')
})

t.test('§5.1: every challenge names the metadata URL, built from resource whatever the Host', async (t) => {
  const key = makeKey('EdDSA', 'k')
  const v = buildVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksOf(key), dpop: false, resourceMetadata: { resource: 'https://mcp.example/mcp' } })
  const rm = 'resource_metadata="https://mcp.example/.well-known/oauth-protected-resource/mcp"'
  await t.rejects(v.verifyRequest({ method: 'GET', url: '/r', headers: { host: 'evil.example' } }), { code: 'no_token', headers: { 'WWW-Authenticate': `Bearer realm="api", ${rm}` } })
  await t.rejects(v.verify('x.y.z'), { code: 'invalid_token', headers: { 'WWW-Authenticate': `Bearer realm="api", error="invalid_token", ${rm}` } })
  await t.rejects(v.verifyRequest({ method: 'GET', url: '/r', headers: { authorization: 'Bearer a b' } }), { code: 'invalid_request', status: 400, headers: { 'WWW-Authenticate': `Bearer realm="api", error="invalid_request", ${rm}` } })
  t.equal(challengeHeader({ realm: 'r', schemes: 'both', resourceMetadata: null }, null, ''), 'Bearer realm="r", DPoP realm="r", algs="ES256 PS256 RS256 EdDSA"')
})
