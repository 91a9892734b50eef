// Security issue 8, item 3: slow clients are cut (DESIGN.md). Connections
// that sent headers and a few bytes of a large body used to stay open for
// ever; 20,400 of them exhausted file descriptors. Headers must arrive
// within 10 s, the whole request within 30 s, idle keep-alive connections
// close after 5 s, and connections are bounded. The defaults are pinned
// here; the behaviour is shown with shorter limits so the test stays quick.
import { connect, type Socket } from 'node:net'
import t from 'tap'
import { harness } from '../fixtures/harness.js'
import { DEFAULT_LIMITS, defaultMaxConnections } from '../../src/http/transport.js'

/** Resolves with what the server wrote and how long until it closed the socket. */
function watch(socket: Socket): Promise<{ data: string; ms: number }> {
  const start = performance.now()
  let data = ''
  socket.on('data', (d: Buffer) => { data += d.toString() })
  socket.on('error', () => {})
  return new Promise((resolve) => socket.on('close', () => resolve({ data, ms: performance.now() - start })))
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s))
    s.on('error', reject)
  })
}

t.test('the defaults: headers 10 s, whole request 30 s, keep-alive 5 s, connections bounded below the descriptor limit', async (t) => {
  const h = await harness()
  t.teardown(() => h.close())
  const server = h.app.server
  t.equal(server.headersTimeout, DEFAULT_LIMITS.headersTimeoutMs)
  t.equal(server.requestTimeout, DEFAULT_LIMITS.requestTimeoutMs)
  t.equal(server.keepAliveTimeout, DEFAULT_LIMITS.keepAliveTimeoutMs - 1000, 'advertised 4 s: Node closes the idle socket 1 s after it, at 5 s')
  t.equal(server.maxConnections, defaultMaxConnections())
  t.ok(server.maxConnections > 0 && server.maxConnections <= 10_000)
})

t.test('a body that never finishes is cut with 408 once the whole-request limit passes', async (t) => {
  const h = await harness({ limits: { headersTimeoutMs: 400, requestTimeoutMs: 800, keepAliveTimeoutMs: 300 } })
  t.teardown(() => h.close())
  await h.app.listen({ host: '127.0.0.1', port: 0 })
  const port = (h.app.server.address() as { port: number }).port
  const socket = await open(port)
  const closed = watch(socket)
  socket.write('POST /oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 10000\r\n\r\ngrant_type=')
  const { data, ms } = await closed
  t.match(data, /^HTTP\/1\.1 408 /, 'answered 408 Request Timeout')
  t.match(data, /cache-control: no-store/i)
  t.match(data, /"error":"invalid_request"/, 'in the OAuth error shape')
  t.ok(ms >= 700 && ms < 3000, `closed after ${Math.round(ms)} ms (limit 800 ms)`)
})

t.test('headers that never finish are cut once the header limit passes', async (t) => {
  const h = await harness({ limits: { headersTimeoutMs: 400, requestTimeoutMs: 5000, keepAliveTimeoutMs: 300 } })
  t.teardown(() => h.close())
  await h.app.listen({ host: '127.0.0.1', port: 0 })
  const port = (h.app.server.address() as { port: number }).port
  const socket = await open(port)
  const closed = watch(socket)
  socket.write('POST /oauth2/token HTTP/1.1\r\nHost: x\r\n')
  const { data, ms } = await closed
  t.match(data, /^HTTP\/1\.1 408 /)
  t.ok(ms >= 350 && ms < 2500, `closed after ${Math.round(ms)} ms (limit 400 ms)`)
})

t.test('an idle keep-alive connection is closed after the keep-alive limit', async (t) => {
  const h = await harness({ limits: { headersTimeoutMs: 2000, requestTimeoutMs: 5000, keepAliveTimeoutMs: 1500 } })
  t.teardown(() => h.close())
  await h.app.listen({ host: '127.0.0.1', port: 0 })
  const port = (h.app.server.address() as { port: number }).port
  const socket = await open(port)
  const closed = watch(socket)
  socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n')
  const { data, ms } = await closed
  t.match(data, /^HTTP\/1\.1 200 /, 'the request was answered')
  t.ok(ms >= 1400 && ms < 2500, `then the idle connection closed after ${Math.round(ms)} ms (limit 1500 ms)`)
})

t.test('connections beyond the bound are closed at once while the server keeps answering', async (t) => {
  const h = await harness({ limits: { maxConnections: 4, headersTimeoutMs: 5000, requestTimeoutMs: 10_000 } })
  t.teardown(() => h.close())
  await h.app.listen({ host: '127.0.0.1', port: 0 })
  const port = (h.app.server.address() as { port: number }).port
  const held = await Promise.all(Array.from({ length: 4 }, () => open(port)))
  for (const s of held) s.write('POST /oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n')
  await new Promise((r) => setTimeout(r, 100))
  const extra = await open(port)
  const { data, ms } = await watch(extra)
  t.equal(data, '', 'the fifth connection gets nothing')
  t.ok(ms < 1000, 'and is closed at once')
  for (const s of held) s.destroy()
  await new Promise((r) => setTimeout(r, 100))
  const res = await fetch(`http://127.0.0.1:${port}/healthz`)
  t.equal(res.status, 200, 'served again once connections free up')
})
