// The ID-token keys (DESIGN.md "OpenID Connect"; OpenID Connect Core §15.1,
// Discovery §3): ID tokens are RS256 whatever TESSERA_SIGNING_ALG says.
// Beside access-token keys of another algorithm an RSA-2048 key signs ID
// tokens only: made, published, pending then signing, rotated and retired
// by the same rules. With RS256 the access-token key signs both.
import t, { type Test } from 'tap'
import { decodeProtectedHeader } from 'jose'
import { openIssuer } from '../../src/core/open.js'
import { openAdmin } from '../../src/core/admin/open-admin.js'
import type { IssuerConfig } from '../../src/config.js'
import type { UserProfile } from '../../src/domain/types.js'
import { manualClock, testConfig, SECOND } from '../core/fixtures/setup.js'

const PRE_PUBLICATION = (300 + 60) * SECOND
const UNTIL_EXPIRY = (3600 + 60) * SECOND
const USER: UserProfile = { id: 'tu_x', username: 'x', name: null, email: null, emailVerified: false, updatedAt: 0 }

async function rig(t: Test, overrides: Partial<IssuerConfig> = {}) {
  const config = testConfig(t, { jwksMaxAge: 300, maxTtl: 3600, ...overrides })
  const clock = manualClock()
  const core = await openIssuer(config, { clock: clock.now })
  const admin = await openAdmin(config, { clock: clock.now })
  t.teardown(async () => { await core.close(); await admin.close() })
  const idHeader = () => decodeProtectedHeader(core.issueIdToken({ user: USER, clientId: 'tc_a', scopes: ['openid'], ttl: 60, authTime: clock.now(), nonce: null, sid: null }))
  const accessKid = () => decodeProtectedHeader(core.issueAccessToken({ sub: 's', clientId: 'c', audience: 'a', scopes: ['x'], ttl: 60 }).accessToken).kid!
  const published = () => core.jwks().keys.map((k) => String(k.kid)).sort()
  const list = () => admin.keys.list()
  return { config, clock, core, admin, idHeader, accessKid, published, list }
}

t.test('ES256: the first start makes an ES256 access-token key and an RS256 ID-token key, both signing and published', async (t) => {
  const r = await rig(t, { signingAlg: 'ES256' })
  const keys = await r.list()
  t.equal(keys.length, 2)
  const access = keys.find((k) => k.purpose === 'access')!
  const id = keys.find((k) => k.purpose === 'id')!
  t.equal(access.alg, 'ES256')
  t.equal(id.alg, 'RS256')
  t.equal(id.state, 'signing')
  t.same(r.idHeader(), { alg: 'RS256', kid: id.kid, typ: 'JWT' }, 'ID tokens: the RSA key, typ JWT')
  t.equal(r.accessKid(), access.kid, 'access tokens: the ES256 key')
  t.same(r.published(), [access.kid, id.kid].sort(), 'both in the one JWKS')
  const jwk = r.core.jwks().keys.find((k) => k.kid === id.kid)!
  t.ok(Buffer.from(String(jwk.n), 'base64url').length * 8 >= 2048, 'RSA-2048')
  t.same(await r.core.health(), { ok: true })
})

t.test('RS256: one key signs access and ID tokens; no ID-token key is made', async (t) => {
  const r = await rig(t, { signingAlg: 'RS256' })
  const keys = await r.list()
  t.equal(keys.length, 1)
  t.equal(r.idHeader().kid, r.accessKid())
  t.equal(r.idHeader().typ, 'JWT')
})

t.test('keys rotate: a pending ID-token key with the access-token key, signing after max-age + 60 s; the old one leaves after its tokens', async (t) => {
  const r = await rig(t, { signingAlg: 'ES256' })
  const oldId = r.idHeader().kid!
  const rotated = await r.admin.keys.rotate(false)
  t.ok(rotated.idTokenKey, 'an ID-token key made with it')
  t.equal(rotated.idTokenKey!.alg, 'RS256')
  t.equal(rotated.idTokenKey!.activatesAt, rotated.activatesAt)
  await r.core.refresh()
  t.ok(r.published().includes(rotated.idTokenKey!.kid), 'published at once')
  t.equal(r.idHeader().kid, oldId, 'the old ID-token key signs meanwhile')
  r.clock.advance(PRE_PUBLICATION)
  t.equal(r.idHeader().kid, rotated.idTokenKey!.kid, 'the new one signs after the pre-publication delay')
  t.equal(r.accessKid(), rotated.kid)
  t.ok(r.published().includes(oldId), 'the old one stays published for its tokens')
  r.clock.advance(UNTIL_EXPIRY)
  t.notOk(r.published().includes(oldId), 'then it is gone')
})

t.test('retiring the ID-token key makes a fresh one that signs at once; the access-token key is untouched', async (t) => {
  const r = await rig(t, { signingAlg: 'EdDSA' })
  const oldId = r.idHeader().kid!
  const access = r.accessKid()
  await r.admin.keys.retire(oldId, false)
  await r.core.refresh()
  const now = r.idHeader().kid!
  t.not(now, oldId)
  t.equal(r.idHeader().alg, 'RS256')
  t.equal(r.accessKid(), access)
  t.equal((await r.list()).find((k) => k.kid === oldId)!.state, 'retiring')
  await r.admin.keys.retire(now, true)
  await r.core.refresh()
  t.notOk(r.published().includes(now), 'retire --now removes it at once')
  t.not(r.idHeader().kid, now)
})

t.test('automatic rotation rotates the ID-token key too', async (t) => {
  const r = await rig(t, { signingAlg: 'ES256', keyRotationDays: 1 })
  const oldId = r.idHeader().kid!
  r.clock.advance(86_400_000)
  await r.core.refresh()
  const keys = await r.list()
  t.equal(keys.length, 4, 'a pending key in each line')
  t.equal(keys.filter((k) => k.state === 'pending').length, 2)
  r.clock.advance(PRE_PUBLICATION)
  t.not(r.idHeader().kid, oldId)
  await r.core.refresh()
  t.equal((await r.list()).length, 4, 'one rotation per interval')
})

t.test('RS256 to ES256: the RS256 key keeps signing ID tokens, with no new RSA key', async (t) => {
  const r = await rig(t, { signingAlg: 'RS256' })
  const rsa = r.accessKid()
  await r.core.close()
  const core = await openIssuer({ ...r.config, signingAlg: 'ES256' }, { clock: r.clock.now })
  t.teardown(() => core.close())
  const idKid = () => decodeProtectedHeader(core.issueIdToken({ user: USER, clientId: 'c', scopes: ['openid'], ttl: 60, authTime: 0, nonce: null, sid: null })).kid
  r.clock.advance(PRE_PUBLICATION)
  const accessNow = decodeProtectedHeader(core.issueAccessToken({ sub: 's', clientId: 'c', audience: 'a', scopes: ['x'], ttl: 1 }).accessToken)
  t.equal(accessNow.alg, 'ES256', 'access tokens moved to ES256')
  t.equal(idKid(), rsa, 'ID tokens still under the RS256 key')
  t.equal((await r.list()).length, 2, 'no RSA key added')
})
