// Security issue 8, item 8: answers raised before any route runs (Node's
// HTTP parser, Fastify's URL decoding) carry Cache-Control: no-store and
// the RFC 6749 §5.2 JSON shape, like every other answer of the token
// endpoint (DESIGN.md).
import { connect } from 'node:net'
import t from 'tap'
import { harness } from '../fixtures/harness.js'

const h = await harness()
t.teardown(() => h.close())
await h.app.listen({ host: '127.0.0.1', port: 0 })
const port = (h.app.server.address() as { port: number }).port

function raw(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = ''
    const s = connect(port, '127.0.0.1', () => s.write(request))
    s.on('data', (d: Buffer) => { data += d.toString() })
    s.on('close', () => resolve(data))
    s.on('error', reject)
  })
}

for (const [what, request] of [
  ['a malformed request line', 'POST /oauth2/token HTTP/9.x\r\n\r\n'],
  ['a header with a bad character', 'POST /oauth2/token HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n'],
  ['a bad Content-Length', 'POST /oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n'],
] as const) {
  t.test(`${what}: 400 invalid_request, no-store, JSON`, async (t) => {
    const answer = await raw(request)
    t.match(answer, /^HTTP\/1\.1 400 /)
    t.match(answer, /\r\ncache-control: no-store\r\n/i)
    t.match(answer, /\r\npragma: no-cache\r\n/i)
    t.match(answer, /\r\ncontent-type: application\/json; charset=utf-8\r\n/i)
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))
    t.same(body, { error: 'invalid_request', error_description: 'malformed request' })
  })
}

t.test('a URL that does not decode (Fastify FST_ERR_BAD_URL): 400 invalid_request, no-store', async (t) => {
  const res = await h.app.inject({ method: 'POST', url: '/oauth2/token%E0%A4%A', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'grant_type=client_credentials' })
  t.equal(res.statusCode, 400)
  t.equal(res.headers['cache-control'], 'no-store')
  t.equal(res.headers.pragma, 'no-cache')
  t.same(res.json(), { error: 'invalid_request', error_description: 'malformed request' })
})
