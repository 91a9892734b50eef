// Two `tessera-issuer serve` processes on one database file (DESIGN: several
// issuer processes may share one database; every process sees keys, clients
// and users changed by the CLI or another process within 5 s).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { cli, createClient, startServer, stop, token } from '../fixtures/process.js'

/** A JSON answer, read loosely (fetch types it unknown). */
type Json = Record<string, any>

const dir = mkdtempSync(join(tmpdir(), 'tessera-shared-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const db = join(dir, 'tessera.db')

// Started one after the other: the first claims the first key, the second finds it.
const a = await startServer(db)
const b = await startServer(db)
t.teardown(async () => { await Promise.all([stop(a), stop(b)]) })
const client = await createClient(db)

const jwksOf = async (url: string) => (await fetch(`${url}/.well-known/jwks.json`)).json() as Promise<{ keys: Array<{ kid: string }> }>
const kids = async (url: string) => (await jwksOf(url)).keys.map((k) => k.kid).sort()
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function tokenFrom(url: string): Promise<string> {
  const res = await token(url, client.client_id, client.client_secret)
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${await res.text()}`)
  return ((await res.json()) as Json).access_token
}

/** Verifies against a server's JWKS; iss is that of the issuing server (each defaults to its own port). */
async function verifiesAgainst(tokenValue: string, url: string): Promise<boolean> {
  const jwks = createLocalJWKSet(await jwksOf(url))
  try {
    await jwtVerify(tokenValue, jwks, { audience: 'https://api.example', typ: 'at+jwt' })
    return true
  } catch {
    return false
  }
}

t.test('both processes issue tokens that verify against either one\'s JWKS', async (t) => {
  t.same(await kids(a.url), await kids(b.url), 'one key set')
  const fromA = await tokenFrom(a.url)
  const fromB = await tokenFrom(b.url)
  for (const [name, tok] of [['A', fromA], ['B', fromB]] as const) {
    t.ok(await verifiesAgainst(tok, a.url), `token from ${name} verifies against A`)
    t.ok(await verifiesAgainst(tok, b.url), `token from ${name} verifies against B`)
  }
})

t.test('a keys rotate by the CLI is published by both within 5 s, and signing never stops', async (t) => {
  const before = await kids(a.url)
  const rotated = await cli(db, ['keys', 'rotate', '--now'])
  const deadline = Date.now() + 5000
  let seenA = false
  let seenB = false
  let switched = false
  let failures = 0
  let issued = 0
  // Until both publish the new key and both sign with it: every token request succeeds.
  while (Date.now() < deadline && !(seenA && seenB && switched)) {
    const [ta, tb] = await Promise.all([tokenFrom(a.url).catch(() => null), tokenFrom(b.url).catch(() => null)])
    for (const tok of [ta, tb]) {
      if (tok === null) failures++
      else issued++
    }
    seenA ||= (await kids(a.url)).includes(rotated.kid)
    seenB ||= (await kids(b.url)).includes(rotated.kid)
    switched = ta !== null && tb !== null && decodeProtectedHeader(ta).kid === rotated.kid && decodeProtectedHeader(tb).kid === rotated.kid
    if (!(seenA && seenB && switched)) await sleep(100)
  }
  t.ok(seenA, 'A publishes the new key within 5 s')
  t.ok(seenB, 'B publishes the new key within 5 s')
  t.ok(switched, 'both sign with the new key within 5 s (rotate --now)')
  t.equal(failures, 0, `no moment without a signing key (${issued} tokens issued during the switch)`)
  const after = await kids(a.url)
  for (const kid of before) t.ok(after.includes(kid), 'the previous key stays published for the tokens it signed')
  const fromA = await tokenFrom(a.url)
  t.ok(await verifiesAgainst(fromA, b.url), 'a token A signs with the new key verifies against B')
})

t.test('a pending key (keys rotate without --now) is published by both at once but does not sign yet', async (t) => {
  const pending = await cli(db, ['keys', 'rotate'])
  const deadline = Date.now() + 5000
  let seen = false
  while (Date.now() < deadline && !seen) {
    seen = (await kids(a.url)).includes(pending.kid) && (await kids(b.url)).includes(pending.kid)
    if (!seen) await sleep(100)
  }
  t.ok(seen, `published by both within 5 s (${5000 - (deadline - Date.now())} ms)`)
  for (const url of [a.url, b.url]) {
    t.not(decodeProtectedHeader(await tokenFrom(url)).kid, pending.kid, 'still signed by the active key')
  }
})
