// Interop: oauth4webapi, a certified OAuth 2.0 client nobody here wrote, as
// the DPoP client (RFC 9449) against the issuer with TESSERA_DPOP_NONCE on:
// its DPoP() handle signs the proofs and, told use_dpop_nonce, retries with
// the nonce the issuer gave (§8); the access token it gets verifies with
// jose and carries cnf.jkt, the RFC 7638 thumbprint of oauth4webapi's key.
import t from 'tap'
import * as oauth from 'oauth4webapi'
import { calculateJwkThumbprint, createRemoteJWKSet, exportJWK, jwtVerify } from 'jose'
import { AUDIENCE, cli, createClient, startIssuer, tempDb } from './fixtures/harness.js'

const db = await tempDb(t)
const issuer = await startIssuer(t, db, { TESSERA_DPOP_NONCE: 'on' })
const svc = await createClient(db, 'oauth4webapi dpop', 'read write')
const bound = await cli<{ client_id: string; client_secret: string }>(db, ['client', 'create', '--name', 'bound', '--grant', 'password', '--grant', 'refresh_token',
  '--scope', 'read', '--audience', AUDIENCE, '--dpop'])
await cli(db, ['user', 'create', '--username', 'john', '--scope', 'read', '--password-stdin'], 'correct horse battery\n')
const insecure = { [oauth.allowInsecureRequests]: true }
const issuerUrl = new URL(issuer.issuer)
const as = await oauth.processDiscoveryResponse(issuerUrl, await oauth.discoveryRequest(issuerUrl, { algorithm: 'oauth2', ...insecure }))

/** Sends a request, and once more when the issuer asks for a DPoP nonce (the handle learnt it from the answer). */
async function withNonceRetry<T>(send: () => Promise<Response>, process: (res: Response) => Promise<T>): Promise<{ result: T; retried: boolean }> {
  try {
    return { result: await process(await send()), retried: false }
  } catch (err) {
    if (!oauth.isDPoPNonceError(err)) throw err
    return { result: await process(await send()), retried: true }
  }
}

t.test('the metadata names the DPoP algorithms', async (t) => {
  t.same(as.dpop_signing_alg_values_supported, ['ES256', 'PS256', 'RS256', 'EdDSA', 'Ed25519'])
})

for (const alg of ['ES256', 'EdDSA', 'PS256'] as const) {
  t.test(`client_credentials with oauth4webapi's DPoP handle (${alg}), nonce retry included: a DPoP token bound to its key`, async (t) => {
    const keyPair = await oauth.generateKeyPair(alg, { extractable: true })
    const client: oauth.Client = { client_id: svc.client_id }
    const DPoP = oauth.DPoP(client, keyPair)
    const { result: tokens, retried } = await withNonceRetry(
      () => oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(svc.client_secret), { scope: 'read' }, { DPoP, ...insecure }),
      (res) => oauth.processClientCredentialsResponse(as, client, res))
    t.ok(retried, 'the first request was told use_dpop_nonce, the second carried the nonce')
    t.equal(tokens.token_type, 'dpop', 'token_type DPoP (lower-cased by oauth4webapi)')
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(as.jwks_uri!)), {
      issuer: issuer.issuer, audience: AUDIENCE, typ: 'at+jwt',
    })
    t.equal(protectedHeader.typ, 'at+jwt')
    const jkt = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey), 'sha256')
    t.same(payload.cnf, { jkt }, 'cnf.jkt is the thumbprint of oauth4webapi\'s key')
    t.equal(await DPoP.calculateThumbprint(), jkt, 'as oauth4webapi computes it')

    // The handle keeps the nonce: the next request needs no retry.
    const again = await withNonceRetry(
      () => oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(svc.client_secret), {}, { DPoP, ...insecure }),
      (res) => oauth.processClientCredentialsResponse(as, client, res))
    t.notOk(again.retried, 'the nonce the handle kept is honoured')
  })
}

t.test('a --dpop client through oauth4webapi: password grant then refresh, each with a proof', async (t) => {
  const keyPair = await oauth.generateKeyPair('ES256')
  const client: oauth.Client = { client_id: bound.client_id }
  const auth = oauth.ClientSecretBasic(bound.client_secret)
  const DPoP = oauth.DPoP(client, keyPair)
  const first = await withNonceRetry(
    () => oauth.genericTokenEndpointRequest(as, client, auth, 'password', { username: 'john', password: 'correct horse battery' }, { DPoP, ...insecure }),
    (res) => oauth.processGenericTokenEndpointResponse(as, client, res))
  t.equal(first.result.token_type, 'dpop')
  const refreshed = await withNonceRetry(
    () => oauth.refreshTokenGrantRequest(as, client, auth, first.result.refresh_token!, { DPoP, ...insecure }),
    (res) => oauth.processRefreshTokenResponse(as, client, res))
  t.equal(refreshed.result.token_type, 'dpop', 'refreshed with a proof')
  const noProof = await oauth.refreshTokenGrantRequest(as, client, auth, refreshed.result.refresh_token!, insecure)
  await t.rejects(oauth.processRefreshTokenResponse(as, client, noProof), { code: 'OAUTH_RESPONSE_BODY_ERROR', error: 'invalid_request' }, 'without a proof the --dpop client is refused')
})
