// The core's sign-in service: sessions carry the sign-in time that the
// code, and so the access token's auth_time (RFC 9068 §2.2.1), inherit.
import t from 'tap'
import { openAdmin } from '../../src/core/admin/open-admin.js'
import { openIssuer } from '../../src/core/open.js'
import { manualClock, testConfig } from './fixtures/setup.js'

t.test('startSession: the sign-in time is now on the core\'s clock unless given, and the session reports it', async (t) => {
  const clock = manualClock()
  const config = testConfig(t)
  const core = await openIssuer(config, { clock: clock.now })
  const admin = await openAdmin(config, { clock: clock.now })
  t.teardown(async () => { await core.close(); await admin.close() })
  const created = await admin.users.create({ username: 'ann', password: 'ann-password', scopes: ['read'] })
  const user = { id: created.id, username: 'ann', scopes: ['read'] }

  const started = await core.signIn.startSession(user)
  t.equal(started.authTime, clock.now(), 'defaults to the clock')
  t.equal(started.expiresAt, clock.now() + config.sessionTtl * 1000, 'lasts TESSERA_SESSION_TTL')
  t.match(await core.signIn.session(started.id), { userId: created.id, username: 'ann', authTime: clock.now() })

  const earlier = clock.now() - 5000
  const given = await core.signIn.startSession(user, earlier)
  t.equal(given.authTime, earlier, 'a given sign-in time is kept')
  t.equal((await core.signIn.session(given.id))?.authTime, earlier)

  clock.advance(config.sessionTtl * 1000)
  t.equal(await core.signIn.session(started.id), null, 'expired at its end')
})
