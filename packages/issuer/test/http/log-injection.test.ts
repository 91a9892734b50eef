// Security issue 8, item 2: a secret put in the wrong field must not reach
// the log. A value taken from the request is logged only when it has the
// form of what it names (a client id of the issuer's format, a known grant
// type), else as "(invalid)" (DESIGN.md). Each variant the attacker tried
// is replayed here; the captured log must never hold the secret.
import t from 'tap'
import { captureLog } from './fixtures/log.js'
import { harness } from '../fixtures/harness.js'
import { basic, formEncode, postToken } from './fixtures/request.js'

const log = captureLog()
const { lines, stream } = log

const h = await harness({ logger: { level: 'info', stream } })
t.teardown(() => h.close())
const client = await h.createClient({ grants: ['client_credentials', 'password', 'refresh_token'] })
const SECRET = client.secret
const ID = client.id
const PASSWORD = 'tr0ub4dor&3-horse'
await h.createUser({ username: 'alice', password: PASSWORD, scopes: ['read'] })
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

const variants: Array<[string, () => Promise<unknown>]> = [
  ['the secret smuggled into grant_type (%26client_secret%3D)', () =>
    postToken(h.app, `grant_type=client_credentials%26client_secret%3D${formEncode(SECRET)}&client_id=${ID}`)],
  ['the secret sent as client_id', () => postToken(h.app, { grant_type: 'client_credentials', client_id: SECRET })],
  ['the secret as client_id with the id as secret', () => postToken(h.app, { grant_type: 'client_credentials', client_id: SECRET, client_secret: ID })],
  ['Basic with secret and id swapped (curl -u "$SECRET:$ID")', () => postToken(h.app, { grant_type: 'client_credentials' }, { authorization: basic(SECRET, ID) })],
  ['the secret as grant_type', () => postToken(h.app, { grant_type: SECRET, client_id: ID, client_secret: SECRET })],
  ['the secret as a refresh token', () => postToken(h.app, { grant_type: 'refresh_token', refresh_token: SECRET, client_id: ID, client_secret: SECRET })],
  ['the password as client_id', () => postToken(h.app, { grant_type: 'password', client_id: PASSWORD, username: 'alice', password: PASSWORD })],
  ['the password as username', () => postToken(h.app, { grant_type: 'password', client_id: ID, client_secret: SECRET, username: PASSWORD, password: 'x' })],
  ['the secret as the id of a revocation', () => h.app.inject({ method: 'POST', url: '/oauth2/revoke', headers: FORM, payload: `token=x&client_id=${formEncode(SECRET)}` })],
  ['the secret in a client_id prefixed like ours', () => postToken(h.app, { grant_type: 'client_credentials', client_id: `tc_${SECRET}` })],
]

for (const [what, send] of variants) {
  t.test(`${what}: never in the log`, async (t) => {
    log.clear()
    await send()
    t.ok(lines.length > 0, 'the request was logged')
    t.notOk(log.raw().includes(SECRET), 'the secret is not in the log')
    t.notOk(log.raw().includes(PASSWORD), 'the password is not in the log')
    t.notOk(log.raw().includes(SECRET.slice(0, 20)), 'nor a piece of it')
  })
}

t.test('a value of the right form is logged as sent; anything else as "(invalid)"', async (t) => {
  log.clear()
  await postToken(h.app, { grant_type: 'client_credentials', client_id: ID, client_secret: 'wrong' })
  await postToken(h.app, { grant_type: 'client_credentials', client_id: SECRET })
  await postToken(h.app, { grant_type: 'made_up', client_id: ID, client_secret: SECRET })
  const tokenLines = lines.filter((l) => l.msg === 'token request')
  t.match(tokenLines, [
    { client_id: ID, grant_type: 'client_credentials', outcome: 'invalid_client' },
    { client_id: '(invalid)', grant_type: 'client_credentials' },
    { grant_type: '(invalid)', outcome: 'unsupported_grant_type' },
  ])
})

t.test('a 40,000-request fuzz of field mix-ups never logs the secret', async (t) => {
  log.clear()
  const fields = ['grant_type', 'client_id', 'client_secret', 'username', 'password', 'scope', 'resource', 'refresh_token', 'code']
  const values = [SECRET, ID, 'client_credentials', 'password', PASSWORD, `${SECRET}&x=1`, `tc_${SECRET}`, `${ID}${SECRET}`]
  let seed = 42
  const rand = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n }
  let leaked = 0
  for (let i = 0; i < 40_000; i++) {
    const pairs: Array<[string, string]> = []
    for (let j = 0, n = 1 + rand(4); j < n; j++) pairs.push([fields[rand(fields.length)]!, values[rand(values.length)]!])
    const headers: Record<string, string> = rand(4) === 0 ? { authorization: basic(values[rand(values.length)]!, values[rand(values.length)]!) } : {}
    await postToken(h.app, pairs, headers)
    if (log.raw().includes(SECRET.slice(0, 20)) || log.raw().includes(PASSWORD)) leaked++
    log.clear()
  }
  t.equal(leaked, 0, 'no request put the secret or the password in the log')
})
