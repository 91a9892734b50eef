// The rotation timeline (DESIGN.md "Rotation"), driven by an injected clock.
import t, { type Test } from 'tap'
import { decodeProtectedHeader } from 'jose'
import { openIssuer, type OpenedIssuer } from '../../src/core/open.js'
import { openAdmin, type Admin } from '../../src/core/admin/open-admin.js'
import type { IssuerConfig } from '../../src/config.js'
import { manualClock, testConfig, SECOND } from '../core/fixtures/setup.js'

const MAX_AGE = 300
const MAX_TTL = 3600
const PRE_PUBLICATION = (MAX_AGE + 60) * SECOND
const UNTIL_EXPIRY = (MAX_TTL + 60) * SECOND

interface Rig {
  config: IssuerConfig
  clock: ReturnType<typeof manualClock>
  core: OpenedIssuer
  admin: Admin
  /** The kid that signs a token now. */
  signingKid(): string
  published(): string[]
  state(kid: string): Promise<string | undefined>
}

async function rig(t: Test, overrides: Partial<IssuerConfig> = {}): Promise<Rig> {
  // RS256: one line of keys signs access and ID tokens (the ID-token keys beside another algorithm: id-token-keys.test.ts).
  const config = testConfig(t, { signingAlg: 'RS256', jwksMaxAge: MAX_AGE, maxTtl: MAX_TTL, ...overrides })
  const clock = manualClock()
  const core = await openIssuer(config, { clock: clock.now })
  const admin = await openAdmin(config, { clock: clock.now })
  t.teardown(async () => { await core.close(); await admin.close() })
  return {
    config, clock, core, admin,
    signingKid: () => {
      const { accessToken } = core.issueAccessToken({ sub: 's', clientId: 'c', audience: 'https://a', scopes: ['x'], ttl: 60 })
      return decodeProtectedHeader(accessToken).kid!
    },
    published: () => core.jwks().keys.map((k) => String(k.kid)).sort(),
    state: async (kid) => (await admin.keys.list()).find((k) => k.kid === kid)?.state,
  }
}

t.test('first start: one key that signs at once', async (t) => {
  const r = await rig(t)
  const keys = await r.admin.keys.list()
  t.equal(keys.length, 1)
  t.equal(keys[0]!.state, 'signing')
  t.equal(keys[0]!.activatesAt, r.clock.now(), 'signs at once')
  t.equal(r.signingKid(), keys[0]!.kid)
  t.same((await r.core.health()), { ok: true })
})

t.test('keys rotate: pending key published at once, signs after max-age + 60 s; the old key leaves the JWKS after its last token expired', async (t) => {
  const r = await rig(t)
  const old = r.signingKid()
  const rotated = await r.admin.keys.rotate(false)
  t.equal(rotated.activatesAt, r.clock.now() + PRE_PUBLICATION)
  await r.core.refresh()
  t.same(r.published(), [old, rotated.kid].sort(), 'published at once')
  t.equal(await r.state(rotated.kid), 'pending')
  t.equal(r.signingKid(), old, 'not signing yet')

  r.clock.advance(PRE_PUBLICATION - 1)
  t.equal(r.signingKid(), old, 'still the old key 1 ms before')
  r.clock.advance(1)
  t.equal(r.signingKid(), rotated.kid, 'the new key signs at max-age + 60 s, with no database round trip')
  t.equal(await r.state(rotated.kid), 'signing')
  t.equal(await r.state(old), 'retiring')
  const oldInfo = (await r.admin.keys.list()).find((k) => k.kid === old)!
  t.equal(oldInfo.unpublishAt, r.clock.now() + UNTIL_EXPIRY, 'published until its last signature + max TTL + 60 s')

  r.clock.advance(UNTIL_EXPIRY - 1)
  t.ok(r.published().includes(old), 'still published 1 ms before')
  r.clock.advance(1)
  t.same(r.published(), [rotated.kid], 'then gone from the JWKS')
  t.equal(await r.state(old), 'expired')
})

t.test('keys rotate --now: the new key is published at once and signs 2 s later; the old one stays published for its tokens', async (t) => {
  const r = await rig(t)
  const old = r.signingKid()
  const rotated = await r.admin.keys.rotate(true)
  t.equal(r.signingKid(), old, 'a running server sees it on its next poll')
  await r.core.refresh()
  t.same(r.published(), [old, rotated.kid].sort(), 'published by every process that polled')
  r.clock.advance(2 * SECOND - 1)
  t.equal(r.signingKid(), old, 'not signing yet: every process polls within 2 s and publishes it first')
  r.clock.advance(1)
  t.equal(r.signingKid(), rotated.kid, 'signs 2 s after it was published')
  t.same(r.published(), [old, rotated.kid].sort())
  r.clock.advance(UNTIL_EXPIRY)
  t.same(r.published(), [rotated.kid])
})

t.test('retiring the signing key makes the newest pending key sign at once', async (t) => {
  const r = await rig(t)
  const old = r.signingKid()
  const first = await r.admin.keys.rotate(false)
  r.clock.advance(SECOND)
  const second = await r.admin.keys.rotate(false)
  await r.admin.keys.retire(old, false)
  await r.core.refresh()
  t.equal(r.signingKid(), second.kid, 'the newest pending key signs at once')
  t.equal(await r.state(old), 'retiring', 'the retired key stays published for the tokens it signed')
  t.equal(await r.state(first.kid), 'expired', 'an older pending key that never signed leaves at once')
  t.same(r.published(), [old, second.kid].sort())
  r.clock.advance(UNTIL_EXPIRY)
  t.same(r.published(), [second.kid])
})

t.test('retiring the signing key with no pending key makes a fresh key that signs at once', async (t) => {
  const r = await rig(t)
  const old = r.signingKid()
  await r.admin.keys.retire(old, false)
  await r.core.refresh()
  const now = r.signingKid()
  t.not(now, old)
  t.equal(await r.state(now), 'signing')
  t.equal(await r.state(old), 'retiring')
  t.equal((await r.admin.keys.list()).length, 2)
})

t.test('keys retire KID --now removes a leaked key from the JWKS at once', async (t) => {
  const r = await rig(t)
  const leaked = r.signingKid()
  await r.admin.keys.retire(leaked, true)
  await r.core.refresh()
  t.notOk(r.published().includes(leaked), 'gone at once')
  t.not(r.signingKid(), leaked, 'another key signs')
  t.equal(await r.state(leaked), 'expired')
  t.same(await r.admin.keys.jwks(), r.core.jwks(), 'export-jwks agrees with the server')
})

t.test('retire --now of a key already retired removes it; retiring twice changes nothing', async (t) => {
  const r = await rig(t)
  const old = r.signingKid()
  await r.admin.keys.rotate(true)
  await r.admin.keys.retire(old, false)
  const before = await r.admin.store.keys.version()
  await r.admin.keys.retire(old, false)
  t.equal(await r.admin.store.keys.version(), before, 'no write')
  await r.admin.keys.retire(old, true)
  await r.core.refresh()
  t.notOk(r.published().includes(old))
})

t.test('changing the configured algorithm starts a pending key of the new algorithm', async (t) => {
  const r = await rig(t, { signingAlg: 'RS256' })
  const old = r.signingKid()
  await r.core.close()
  // The RS256 key keeps signing ID tokens (OpenID Connect Core §15.1): no ID-token key is needed yet.
  const config = { ...r.config, signingAlg: 'EdDSA' as const }
  const core = await openIssuer(config, { clock: r.clock.now })
  t.teardown(() => core.close())
  const keys = await r.admin.keys.list()
  t.equal(keys.length, 2)
  t.equal(keys[1]!.alg, 'EdDSA')
  t.equal(keys[1]!.state, 'pending')
  t.equal(keys[1]!.activatesAt, r.clock.now() + PRE_PUBLICATION)
  const kidNow = (): string => decodeProtectedHeader(core.issueAccessToken({ sub: 's', clientId: 'c', audience: 'a', scopes: ['x'], ttl: 1 }).accessToken).kid!
  t.equal(kidNow(), old, 'the old key signs meanwhile')
  r.clock.advance(PRE_PUBLICATION)
  t.equal(kidNow(), keys[1]!.kid)
  await core.refresh()
  t.equal((await r.admin.keys.list()).length, 2, 'no further key once the new algorithm is in place')
})

t.test('automatic rotation every TESSERA_KEY_ROTATION_DAYS', async (t) => {
  const r = await rig(t, { keyRotationDays: 2 })
  const old = r.signingKid()
  r.clock.advance(2 * 86_400_000 - 1)
  await r.core.refresh()
  t.equal((await r.admin.keys.list()).length, 1, 'not before the interval')
  r.clock.advance(1)
  await r.core.refresh()
  const keys = await r.admin.keys.list()
  t.equal(keys.length, 2, 'a pending key after the interval')
  t.equal(keys[1]!.state, 'pending')
  t.equal(r.signingKid(), old)
  r.clock.advance(PRE_PUBLICATION)
  t.equal(r.signingKid(), keys[1]!.kid)
  await r.core.refresh()
  t.equal((await r.admin.keys.list()).length, 2, 'one rotation per interval')
})

t.test('two cores on one database claim a rotation once, and always have a signing key', async (t) => {
  const r = await rig(t, { keyRotationDays: 1 })
  const other = await openIssuer({ ...r.config }, { clock: r.clock.now })
  t.teardown(() => other.close())
  t.equal((await r.admin.keys.list()).length, 1, 'the second core used the first key')
  r.clock.advance(86_400_000)
  await Promise.all([r.core.refresh(), other.refresh()])
  await Promise.all([r.core.refresh(), other.refresh()])
  const keys = await r.admin.keys.list()
  t.equal(keys.length, 2, 'one rotation, not two')
  t.same(r.core.jwks(), other.jwks(), 'both publish the same keys')
  for (const step of [0, PRE_PUBLICATION - 1, 1, UNTIL_EXPIRY]) {
    r.clock.advance(step)
    const a = decodeProtectedHeader(r.core.issueAccessToken({ sub: 's', clientId: 'c', audience: 'a', scopes: ['x'], ttl: 1 }).accessToken).kid
    const b = decodeProtectedHeader(other.issueAccessToken({ sub: 's', clientId: 'c', audience: 'a', scopes: ['x'], ttl: 1 }).accessToken).kid
    t.equal(a, b, 'both sign with the same key at every moment')
    t.ok(r.core.jwks().keys.some((k) => k.kid === a), 'and it is published')
  }
})

t.test('a core sees keys changed by another process within one poll', async (t) => {
  const config = testConfig(t, { jwksMaxAge: MAX_AGE, maxTtl: MAX_TTL })
  const core = await openIssuer(config, { pollIntervalMs: 20 })
  const admin = await openAdmin(config)
  t.teardown(async () => { await core.close(); await admin.close() })
  core.start()
  const rotated = await admin.keys.rotate(true)
  const deadline = Date.now() + 5000
  while (!core.jwks().keys.some((k) => k.kid === rotated.kid) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  t.ok(core.jwks().keys.some((k) => k.kid === rotated.kid), 'the polling core picked up the new key')
  // A --now key signs 2 s after it was published (real time here).
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, rotated.activatesAt - Date.now()) + 10))
  const { accessToken } = core.issueAccessToken({ sub: 's', clientId: 'c', audience: 'a', scopes: ['x'], ttl: 1 })
  t.equal(decodeProtectedHeader(accessToken).kid, rotated.kid)
})
