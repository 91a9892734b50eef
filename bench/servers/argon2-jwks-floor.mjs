// Reference for scenario 4's latency target: a bare node:http server that
// answers a static JWKS-sized JSON while argon2id verifications run
// back to back in the same process, IN_FLIGHT at a time (as the issuer's
// admission control allows). Its p99 is what the machine itself permits.
//   node argon2-jwks-floor.mjs IN_FLIGHT MEMORY_KIB TIME PARALLELISM
import { createServer } from 'node:http'
import argon2 from 'argon2'
import { serveIpc } from './ipc.mjs'

const [inFlight, memoryCost, timeCost, parallelism] = process.argv.slice(2).map(Number)
const password = 'correct horse battery staple'
const hash = await argon2.hash(password, { type: argon2.argon2id, memoryCost, timeCost, parallelism })
const body = JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'x'.repeat(43), y: 'y'.repeat(43), kid: 'k'.repeat(43), alg: 'ES256', use: 'sig' }] })

let running = true
for (let i = 0; i < inFlight; i++) {
  (async () => {
    while (running) {
      await argon2.verify(hash, password)
    }
  })()
}
process.on('message', (msg) => { if (msg?.type === 'stop') running = false })

const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' }).end(body)
})
server.listen(0, '127.0.0.1', () => serveIpc(`http://127.0.0.1:${server.address().port}/.well-known/jwks.json`))
