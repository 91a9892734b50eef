// One structured line per token request (client_id, grant_type, outcome,
// duration) and never a secret, password, token or Authorization header.
import t from 'tap'
import { captureLog } from './fixtures/log.js'
import { harness } from '../fixtures/harness.js'
import { basic, postToken } from './fixtures/request.js'

const log = captureLog()
const { lines, stream } = log

const h = await harness({ logger: { level: 'info', stream } })
t.teardown(() => h.close())
const client = await h.createClient({ grants: ['client_credentials', 'password'], scopes: ['read'] })
const PASSWORD = 'correct-horse-battery-staple'
await h.createUser({ username: 'alice', password: PASSWORD, scopes: ['read'] })

const tokenLines = () => lines.filter((l) => l.msg === 'token request')

t.test('one log line per token request with client_id, grant_type, outcome and duration', async (t) => {
  lines.length = 0
  const res = await postToken(h.app, { grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret })
  t.equal(res.statusCode, 200)
  t.equal(lines.length, 1, 'exactly one line for the request')
  const [line] = tokenLines()
  t.match(line, { client_id: client.id, grant_type: 'client_credentials', outcome: 'ok', status: 200 })
  t.type(line!.duration_ms, 'number')
})

t.test('a failed request logs its error code as the outcome', async (t) => {
  lines.length = 0
  await postToken(h.app, { grant_type: 'client_credentials', client_id: client.id, client_secret: 'wrong' })
  await h.app.inject({ method: 'GET', url: '/oauth2/token' })
  t.match(tokenLines(), [
    { client_id: client.id, outcome: 'invalid_client', status: 401 },
    { outcome: 'invalid_request', status: 405 },
  ])
})

t.test('logs never hold a secret, password, token or Authorization header', async (t) => {
  log.clear()
  const header = basic(client.id, client.secret)
  const tokens: string[] = []
  const a = await postToken(h.app, { grant_type: 'client_credentials' }, { authorization: header })
  tokens.push(a.json().access_token)
  const b = await postToken(h.app, { grant_type: 'password', username: 'alice', password: PASSWORD, client_id: client.id, client_secret: client.secret })
  tokens.push(b.json().access_token)
  await postToken(h.app, { grant_type: 'password', username: 'alice', password: PASSWORD + 'x', client_id: client.id, client_secret: client.secret })
  // Credentials in a query string (a client's mistake) and an unknown path.
  await h.app.inject({ method: 'POST', url: `/oauth2/token?client_secret=${client.secret}&password=${PASSWORD}`, headers: { 'content-type': 'application/json' }, payload: '{}' })
  await h.app.inject({ url: `/nope?password=${PASSWORD}`, headers: { authorization: header } })
  await h.app.inject({ url: `/healthz?client_secret=${client.secret}`, headers: { authorization: header } })
  t.ok(tokens.every((x) => typeof x === 'string' && x.length > 20))
  t.ok(log.raw().length > 0, 'something was logged')
  for (const forbidden of [client.secret, PASSWORD, header, header.slice(6), ...tokens]) {
    t.notOk(log.raw().includes(forbidden), 'not in the log')
  }
  t.notMatch(log.raw(), /authorization/i, 'no Authorization header')
})

t.test('the request serializer keeps the path, never the query string', async (t) => {
  log.clear()
  h.app.log.info({ req: { method: 'GET', url: '/x?password=hunter2', ip: '127.0.0.1', headers: { authorization: 'Basic abc' } } }, 'probe')
  t.notMatch(log.raw(), /hunter2|Basic abc/)
  t.match(log.raw(), /"url":"\/x"/)
})
