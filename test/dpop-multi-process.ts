// DPoP across processes (RFC 9449 §11.1, §8; DESIGN.md "DPoP: sender-
// constrained tokens"): two `tessera-issuer serve` processes behind one
// issuer identifier, on one SQLite file and on one PostgreSQL database. A
// proof accepted by one is refused by the other; of one proof sent to both
// at once exactly one is accepted; a nonce handed out by one is honoured by
// the other (TESSERA_DPOP_NONCE=on).
import t, { type Test } from 'tap'
import { postgresForFile } from '../scripts/postgres-cluster.mjs'
import { within } from '../scripts/wait.mjs'
import { generateKeyPair, generateProof } from 'dpop'
import { AUDIENCE, cli, startIssuer, tempDb, tokenRequest, type ClientCredentials, type Issuer } from './fixtures/harness.js'

const ISSUER = 'http://localhost:9410'
const TOKEN_URL = `${ISSUER}/oauth2/token`
// Proofs as a client library makes them (panva's `dpop`, RFC 9449 §4.2).
const key = await generateKeyPair('ES256')

async function post(server: Issuer, client: ClientCredentials, dpop: string) {
  const res = await fetch(`${server.url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', dpop },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret }),
  })
  return { status: res.status, nonce: res.headers.get('dpop-nonce'), body: await res.json() as Record<string, unknown> }
}

async function replayAcross(t: Test, db: string, env: Record<string, string> = {}): Promise<void> {
  const a = await startIssuer(t, db, { TESSERA_ISSUER: ISSUER, ...env })
  const b = await startIssuer(t, db, { TESSERA_ISSUER: ISSUER, ...env })
  const client = await cli<ClientCredentials>(db, ['client', 'create', '--name', 'svc', '--grant', 'client_credentials', '--scope', 'read', '--audience', AUDIENCE])
  // PostgreSQL servers see a new client within 5 s (their copy of the clients is polled).
  await within(5000, 'the client on both', async () =>
    (await Promise.all([a, b].map((s) => tokenRequest(`${s.url}/oauth2/token`, client, { grant_type: 'client_credentials' })))).every((r) => r.status === 200))
  const nonceOn = env.TESSERA_DPOP_NONCE === 'on'
  // With nonces on, the first answer of A hands one out; B must honour it.
  let nonce: string | undefined
  if (nonceOn) {
    const first = await post(a, client, await generateProof(key, TOKEN_URL, 'POST'))
    t.equal(first.body.error, 'use_dpop_nonce', 'A asks for a nonce')
    nonce = first.nonce ?? undefined
  }
  const make = async () => generateProof(key, TOKEN_URL, 'POST', nonce)

  for (const [first, second, names] of [[a, b, 'A then B'], [b, a, 'B then A']] as const) {
    const p = await make()
    const accepted = await post(first, client, p)
    t.equal(accepted.status, 200, `${names}: accepted by the first (${JSON.stringify(accepted.body)})`)
    t.equal(accepted.body.token_type, 'DPoP')
    const replayed = await post(second, client, p)
    t.equal(replayed.status, 400, `${names}: the same proof is refused by the other process`)
    t.equal(replayed.body.error, 'invalid_dpop_proof')
  }

  for (let round = 0; round < 5; round++) {
    const p = await make()
    const results = await Promise.all([a, b, a, b].map((s) => post(s, client, p)))
    t.equal(results.filter((r) => r.status === 200).length, 1, `round ${round}: of one proof sent to both at once, exactly one is accepted`)
    t.ok(results.every((r) => r.status === 200 || r.body.error === 'invalid_dpop_proof'), 'the others are replays')
  }
}

t.test('two serve processes on one SQLite file share the proofs seen', async (t) => {
  await replayAcross(t, await tempDb(t))
})

t.test('and with TESSERA_DPOP_NONCE=on, a nonce handed out by one process is honoured by the other', async (t) => {
  await replayAcross(t, await tempDb(t), { TESSERA_DPOP_NONCE: 'on' })
})

const cluster = await postgresForFile(t)
if (cluster) {
  t.test('two serve processes on one PostgreSQL database share the proofs seen', async (t) => {
    await replayAcross(t, await cluster.createDatabase())
  })
  t.test('PostgreSQL with TESSERA_DPOP_NONCE=on: nonces honoured across processes', async (t) => {
    await replayAcross(t, await cluster.createDatabase(), { TESSERA_DPOP_NONCE: 'on' })
  })
}
