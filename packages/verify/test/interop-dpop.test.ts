// Interop (RFC 9449): proofs made by oauth4webapi, a certified client
// nobody here wrote (its DPoP() handle, through protectedResourceRequest),
// for tokens bound by `cnf.jkt` and signed by jose, as another issuer would.
// Our challenges are parsed by oauth4webapi's own WWW-Authenticate parser.
import t from 'tap'
import * as oauth from 'oauth4webapi'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { fetchAuth } from '../src/fetch.js'
import { AUDIENCE, ISSUER } from './fixtures/helpers.js'

const issuerKeys = await generateKeyPair('ES256')
const jwks = { keys: [{ ...(await exportJWK(issuerKeys.publicKey)), kid: 'jose-1', alg: 'ES256', use: 'sig' }] }

async function accessToken(jkt: string | undefined, scope = 'read'): Promise<string> {
  const payload: Record<string, unknown> = { client_id: 'app', scope, jti: crypto.randomUUID() }
  if (jkt !== undefined) payload['cnf'] = { jkt }
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'jose-1' })
    .setIssuer(ISSUER).setAudience(AUDIENCE).setSubject('user-1').setIssuedAt().setExpirationTime('5m')
    .sign(issuerKeys.privateKey)
}

const requireAuth = fetchAuth({ issuer: ISSUER, audience: AUDIENCE, jwks, resourceMetadata: { resource: 'https://api.example/r' } })
const handler = requireAuth('read')((request, auth) => Response.json({ sub: auth.sub, method: request.method }))
// oauth4webapi's requests go to the handler, not the network.
const toHandler = { [oauth.customFetch]: (url: string, init: RequestInit) => handler(new Request(url, init)) }
const client: oauth.Client = { client_id: 'app' }

for (const alg of ['ES256', 'EdDSA', 'PS256', 'RS256']) {
  t.test(`oauth4webapi DPoP() proofs (${alg}) for a jose-signed token with cnf.jkt are accepted`, async (t) => {
    const handle = oauth.DPoP(client, await oauth.generateKeyPair(alg))
    const token = await accessToken(await handle.calculateThumbprint())
    const res = await oauth.protectedResourceRequest(token, 'GET', new URL('https://api.example/r?page=2'), undefined, undefined, { DPoP: handle, ...toHandler })
    t.equal(res.status, 200)
    t.same(await res.json(), { sub: 'user-1', method: 'GET' })
    const post = await oauth.protectedResourceRequest(token, 'POST', new URL('https://api.example/r'), new Headers({ 'content-type': 'application/json' }), '{}', { DPoP: handle, ...toHandler })
    t.equal(post.status, 200, 'POST: a fresh proof with htm POST')
  })
}

t.test('oauth4webapi reads our challenges: a proof for another key is invalid_dpop_proof; no token names both schemes', async (t) => {
  const handle = oauth.DPoP(client, await oauth.generateKeyPair('ES256'))
  const other = oauth.DPoP(client, await oauth.generateKeyPair('ES256'))
  const token = await accessToken(await other.calculateThumbprint())
  const error = await oauth.protectedResourceRequest(token, 'GET', new URL('https://api.example/r'), undefined, undefined, { DPoP: handle, ...toHandler }).then(() => null, (e: unknown) => e)
  t.type(error, oauth.WWWAuthenticateChallengeError)
  const challenges = (error as oauth.WWWAuthenticateChallengeError).cause
  t.equal(challenges.length, 1)
  t.equal(challenges[0]!.scheme, 'dpop')
  t.equal(challenges[0]!.parameters.error, 'invalid_dpop_proof')
  t.equal(challenges[0]!.parameters.algs, 'ES256 PS256 RS256 EdDSA')
  t.equal(challenges[0]!.parameters['resource_metadata'], 'https://api.example/.well-known/oauth-protected-resource/r')

  const none = await handler(new Request('https://api.example/r'))
  const parsed = (await oauth.protectedResourceRequest('x', 'GET', new URL('https://api.example/r'), undefined, undefined, {
    [oauth.customFetch]: () => Promise.resolve(none),
  }).then(() => null, (e: unknown) => e)) as oauth.WWWAuthenticateChallengeError
  t.same(parsed.cause.map((c) => [c.scheme, c.parameters.realm, c.parameters['resource_metadata']]), [
    ['bearer', 'api', 'https://api.example/.well-known/oauth-protected-resource/r'],
    ['dpop', 'api', 'https://api.example/.well-known/oauth-protected-resource/r'],
  ], 'both challenges in one field are two challenges to a client (RFC 9110 §11.6.1)')
})

t.test('a jose-signed token with cnf.jkt is refused as a bearer token; an unbound one passes', async (t) => {
  const handle = oauth.DPoP(client, await oauth.generateKeyPair('ES256'))
  const bound = await accessToken(await handle.calculateThumbprint())
  const res = await handler(new Request('https://api.example/r', { headers: { authorization: `Bearer ${bound}` } }))
  t.equal(res.status, 401)
  t.equal(((await res.json()) as { error: string }).error, 'invalid_token')
  const unbound = await accessToken(undefined)
  t.equal((await handler(new Request('https://api.example/r', { headers: { authorization: `Bearer ${unbound}` } }))).status, 200)
})
