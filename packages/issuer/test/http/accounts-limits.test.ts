// Sign-up limits (DESIGN.md, "Accounts"): at most 5 successful sign-ups per
// client address per hour, 20 refused ones (past them every sign-up from
// that address is 429 for the rest of the hour), 60 successful in all;
// beyond, 429 with Retry-After and nothing created. The client address is
// the socket's, or X-Forwarded-For's from a proxy in TESSERA_TRUST_PROXY
// (never without it); an IPv6 address counts by its /64.
import t from 'tap'
import { hourWindowEnd, limitKey } from '../../src/credentials/limit-keys.js'
import { accountsHarness, openSignUp, signUp, type AccountsHarness } from './fixtures/accounts.js'

let n = 0
const person = () => ({ username: `limited${++n}`, email: `limited${n}@example.com`, password: 'a long enough phrase' })

async function attempt(h: AccountsHarness, forwardedFor?: string, values = person()) {
  const headers: Record<string, string> = forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }
  const res = await signUp(h, await openSignUp(h), values, headers)
  return { res, created: (await h.admin.store.users.getByUsername(values.username)) !== null }
}

t.test('5 sign-ups per client address per hour; X-Forwarded-For is ignored without TESSERA_TRUST_PROXY', async (t) => {
  const h = await accountsHarness(t)
  for (let i = 0; i < 5; i++) t.equal((await attempt(h, `198.51.100.${i}`)).res.statusCode, 303, `sign-up ${i + 1}`)
  const sixth = await attempt(h, '198.51.100.99')
  t.equal(sixth.res.statusCode, 429, 'the sixth from the same socket address, whatever X-Forwarded-For says')
  t.ok(Number(sixth.res.headers['retry-after']) >= 1 && Number(sixth.res.headers['retry-after']) <= 3600, 'Retry-After within the hour')
  t.match(sixth.res.body, /Too many accounts were created from here recently/)
  t.equal(sixth.created, false, 'nothing created')
})

t.test('behind TESSERA_TRUST_PROXY the address is X-Forwarded-For\'s; an IPv6 address counts by its /64', async (t) => {
  const h = await accountsHarness(t, { config: { trustProxy: ['127.0.0.1'] } })
  for (let i = 0; i < 5; i++) t.equal((await attempt(h, '203.0.113.5')).res.statusCode, 303)
  t.equal((await attempt(h, '203.0.113.5')).res.statusCode, 429, 'the sixth from 203.0.113.5')
  t.equal((await attempt(h, '203.0.113.6')).res.statusCode, 303, 'another address is not limited')
  for (let i = 1; i <= 5; i++) t.equal((await attempt(h, `2001:db8:1:2::${i}`)).res.statusCode, 303)
  t.equal((await attempt(h, '2001:db8:1:2:ffff:ffff:ffff:9')).res.statusCode, 429, 'another address in the same /64')
  t.equal((await attempt(h, '2001:db8:1:3::1')).res.statusCode, 303, 'the next /64 is apart')
})

t.test('20 refused sign-ups per address: then every sign-up from it is 429 for the rest of the hour', async (t) => {
  const h = await accountsHarness(t)
  for (let i = 0; i < 20; i++) t.equal((await attempt(h, undefined, { ...person(), password: 'short' })).res.statusCode, 400)
  const valid = await attempt(h)
  t.equal(valid.res.statusCode, 429, 'even a valid sign-up')
  t.ok(Number(valid.res.headers['retry-after']) >= 1)
  t.equal(valid.created, false)
})

t.test('60 successful sign-ups per hour in all: beyond, 429 from any address, nothing created', async (t) => {
  const h = await accountsHarness(t, { config: { trustProxy: ['127.0.0.1'] } })
  // The 59 before, counted where every process counts them (the store).
  const key = limitKey('signup-all')
  for (let i = 0; i < 59; i++) await h.admin.store.limits.take(key, 60, hourWindowEnd(Date.now()))
  t.equal((await attempt(h, '192.0.2.1')).res.statusCode, 303, 'the 60th')
  const over = await attempt(h, '192.0.2.2')
  t.equal(over.res.statusCode, 429, 'the 61st, from an address never seen')
  t.equal(over.created, false)
})
