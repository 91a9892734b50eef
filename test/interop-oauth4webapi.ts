// Interop: oauth4webapi, a certified OAuth 2.0 client nobody here wrote,
// discovers the issuer (RFC 8414 §3) and gets tokens with the
// client_credentials grant (RFC 6749 §4.4), authenticating with
// client_secret_basic and with client_secret_post (RFC 6749 §2.3.1).
import t from 'tap'
import * as oauth from 'oauth4webapi'
import { AUDIENCE, createClient, startIssuer, tempDb } from './fixtures/harness.js'

const db = await tempDb(t)
const issuer = await startIssuer(t, db)
const client = await createClient(db, 'oauth4webapi', 'read write')
// oauth4webapi talks https only unless told otherwise; this issuer is on loopback http.
const insecure = { [oauth.allowInsecureRequests]: true }
const issuerUrl = new URL(issuer.issuer)

t.test('RFC 8414 discovery from /.well-known/oauth-authorization-server', async (t) => {
  const res = await oauth.discoveryRequest(issuerUrl, { algorithm: 'oauth2', ...insecure })
  t.equal(new URL(res.url).pathname, '/.well-known/oauth-authorization-server')
  const metadata = await oauth.processDiscoveryResponse(issuerUrl, res)
  t.equal(metadata.issuer, issuer.issuer, 'issuer matches byte for byte')
  t.ok(metadata.token_endpoint, 'token_endpoint')
  t.ok(metadata.jwks_uri, 'jwks_uri')
  t.match(metadata.grant_types_supported, Array)
  t.ok(metadata.grant_types_supported?.includes('client_credentials'), 'client_credentials supported')
  t.ok(metadata.token_endpoint_auth_methods_supported?.includes('client_secret_basic'), 'client_secret_basic advertised')
  t.ok(metadata.token_endpoint_auth_methods_supported?.includes('client_secret_post'), 'client_secret_post advertised')
  t.same(metadata.response_types_supported, ['code'], 'the authorization code flow')
  t.same(metadata.code_challenge_methods_supported, ['S256'], 'PKCE S256 (RFC 7636)')
  t.equal(metadata.authorization_response_iss_parameter_supported, true, 'RFC 9207 iss in authorization responses')
})

const methods = [
  ['client_secret_basic', oauth.ClientSecretBasic],
  ['client_secret_post', oauth.ClientSecretPost],
] as const

for (const [name, auth] of methods) {
  t.test(`client_credentials with ${name}`, async (t) => {
    const metadata = await oauth.processDiscoveryResponse(issuerUrl, await oauth.discoveryRequest(issuerUrl, { algorithm: 'oauth2', ...insecure }))
    const c: oauth.Client = { client_id: client.client_id }
    const res = await oauth.clientCredentialsGrantRequest(metadata, c, auth(client.client_secret),
      { scope: 'read', resource: AUDIENCE }, insecure)
    t.equal(res.headers.get('cache-control'), 'no-store', 'RFC 6749 §5.1 Cache-Control: no-store')
    const tokens = await oauth.processClientCredentialsResponse(metadata, c, res)
    t.equal(tokens.token_type, 'bearer', 'token_type Bearer (normalised to lower case by oauth4webapi)')
    t.equal(tokens.scope, 'read')
    t.type(tokens.expires_in, 'number')
    const [header, claims] = tokens.access_token.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()))
    t.equal(header.typ, 'at+jwt')
    t.match(claims, { iss: issuer.issuer, aud: AUDIENCE, sub: client.client_id, client_id: client.client_id, scope: 'read' })
  })

  t.test(`a wrong secret with ${name} is refused: 401 invalid_client`, async (t) => {
    const metadata = await oauth.processDiscoveryResponse(issuerUrl, await oauth.discoveryRequest(issuerUrl, { algorithm: 'oauth2', ...insecure }))
    const c: oauth.Client = { client_id: client.client_id }
    const res = await oauth.clientCredentialsGrantRequest(metadata, c, auth(client.client_secret + 'x'), {}, insecure)
    t.equal(res.status, 401)
    if (name === 'client_secret_basic') {
      // RFC 6749 §5.2: a client that used Basic gets a Basic challenge, which oauth4webapi surfaces as such.
      await t.rejects(oauth.processClientCredentialsResponse(metadata, c, res),
        { code: 'OAUTH_WWW_AUTHENTICATE_CHALLENGE', status: 401, cause: [{ scheme: 'basic' }] })
    } else {
      await t.rejects(oauth.processClientCredentialsResponse(metadata, c, res), { code: 'OAUTH_RESPONSE_BODY_ERROR', error: 'invalid_client', status: 401 })
    }
  })
}
