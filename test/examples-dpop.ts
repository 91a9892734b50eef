// The examples' DPoP client (examples/shared/dpop.js, jose) against a real
// issuer that asks for nonces (TESSERA_DPOP_NONCE=on): told
// `use_dpop_nonce`, it retries once with the nonce the issuer gave
// (RFC 9449 §8), gets a token bound to its key (`cnf.jkt`, §6), and keeps
// the nonce for the next request; the restaurant API takes the token with
// the key's proof (§7.1).
import t from 'tap'
import { createDpopKey } from '../examples/shared/dpop.js'
import { callApi } from '../examples/shared/api.js'
import { AUDIENCE, createClient, startExample, startIssuer, tempDb } from './fixtures/harness.js'

const db = await tempDb(t)
const issuer = await startIssuer(t, db, { TESSERA_DPOP_NONCE: 'on' })
const client = await createClient(db, 'dpop example', 'read')

/** The statuses the token endpoint answered, in order, while `run` runs. */
async function statusesOf(run: () => Promise<Response>): Promise<{ res: Response; statuses: number[] }> {
  const statuses: number[] = []
  const original = globalThis.fetch
  globalThis.fetch = async (input, init) => {
    const res = await original(input, init)
    statuses.push(res.status)
    return res
  }
  try {
    return { res: await run(), statuses }
  } finally {
    globalThis.fetch = original
  }
}

t.test('RFC 9449 §8: told use_dpop_nonce, the example retries once with the nonce, and keeps it', async (t) => {
  const key = await createDpopKey()
  const basic = 'Basic ' + Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')
  const tokenRequest = () => key.fetch(issuer.metadata.token_endpoint, {
    method: 'POST', headers: { authorization: basic }, body: new URLSearchParams({ grant_type: 'client_credentials' }),
  })
  const first = await statusesOf(tokenRequest)
  t.same(first.statuses, [400, 200], 'a 400 use_dpop_nonce, then the retry with the nonce')
  const body = await first.res.json() as { token_type: string; access_token: string }
  t.equal(body.token_type, 'DPoP')
  const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1]!, 'base64url').toString())
  t.same(claims.cnf, { jkt: key.thumbprint }, 'cnf.jkt is the thumbprint of the example\'s key')
  t.equal(claims.aud, AUDIENCE)
  const second = await statusesOf(tokenRequest)
  t.same(second.statuses, [200], 'the nonce it kept is honoured: no retry')

  const api = await startExample(t, 'restaurants-fastify', issuer.issuer)
  t.equal((await callApi(api.url, body.access_token, 'GET', '/restaurants', undefined, { dpop: key })).status, 200, 'the API takes it with a proof of the key')
  const thief = await createDpopKey()
  const stolen = await callApi(api.url, body.access_token, 'GET', '/restaurants', undefined, { dpop: thief })
  t.equal(stolen.status, 401, 'and refuses it with a proof of another key')
  t.equal(stolen.body?.error, 'invalid_dpop_proof')
})
