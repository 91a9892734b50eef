#!/usr/bin/env node
// Security issue 8, item 7: can an attacker tell an unknown client from a
// wrong secret by the time the token endpoint takes? (DESIGN.md: they are
// indistinguishable in body and in time.) Starts @tessera/issuer through
// its CLI, then sends interleaved requests (random order, one connection,
// sequential) for an unknown client id and for a known id with a wrong
// secret, with client_secret_post and with client_secret_basic, and tests
// the two latency samples with Mann–Whitney U. Target: not separable at
// 1,000 samples each (p > 0.05).
//
//   node bench/client-auth-timing.mjs [--samples 1000] [--warmup 500]
import http from 'node:http'
import { parseArgs } from 'node:util'
import { startIssuer } from './lib/issuers.mjs'
import { mannWhitney, median, percentile, shuffled } from './lib/stats.mjs'
import { removeTempDirs } from './lib/tmp.mjs'

const { values } = parseArgs({ options: { samples: { type: 'string', default: '1000' }, warmup: { type: 'string', default: '500' } } })
const SAMPLES = Number(values.samples)
const WARMUP = Number(values.warmup)

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })

function send(url, { headers, body }) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

const form = (o) => new URLSearchParams(o).toString()
const basic = (id, secret) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

async function main() {
  const issuer = await startIssuer('tessera', 'ES256')
  try {
    const auth = issuer.request.headers.authorization
    const [id, secret] = Buffer.from(auth.slice(6), 'base64').toString().split(':').map(decodeURIComponent)
    // An unknown id of the issuer's own form, and the real id with a wrong secret of the same length.
    const unknownId = 'tc_' + 'Q'.repeat(22)
    const wrongSecret = secret.slice(0, -4) + (secret.endsWith('AAAA') ? 'BBBB' : 'AAAA')
    const cases = {
      post: {
        unknown: { headers: FORM, body: form({ grant_type: 'client_credentials', client_id: unknownId, client_secret: secret }) },
        wrong: { headers: FORM, body: form({ grant_type: 'client_credentials', client_id: id, client_secret: wrongSecret }) },
      },
      basic: {
        unknown: { headers: { ...FORM, authorization: basic(unknownId, secret) }, body: form({ grant_type: 'client_credentials' }) },
        wrong: { headers: { ...FORM, authorization: basic(id, wrongSecret) }, body: form({ grant_type: 'client_credentials' }) },
      },
    }
    const lines = []
    for (const [method, pair] of Object.entries(cases)) {
      for (let i = 0; i < WARMUP; i++) await send(issuer.tokenUrl, i % 2 ? pair.unknown : pair.wrong)
      const order = shuffled([...Array(SAMPLES).fill('unknown'), ...Array(SAMPLES).fill('wrong')])
      const ms = { unknown: [], wrong: [] }
      for (const which of order) {
        const r = await send(issuer.tokenUrl, pair[which])
        if (r.status !== 401) throw new Error(`${method} ${which}: expected 401, got ${r.status}`)
        ms[which].push(r.ms)
      }
      const { p, z } = mannWhitney(ms.unknown, ms.wrong)
      lines.push(`${method.padEnd(5)}  unknown client median ${median(ms.unknown).toFixed(3)} ms (p90 ${percentile(ms.unknown, 90).toFixed(3)})` +
        `  wrong secret median ${median(ms.wrong).toFixed(3)} ms (p90 ${percentile(ms.wrong, 90).toFixed(3)})` +
        `  Mann-Whitney z ${z.toFixed(2)} p ${p.toFixed(3)}  ${p > 0.05 ? 'not separable (PASS)' : 'separable (MISS)'}`)
    }
    console.log(`client authentication timing, ${SAMPLES} interleaved samples each, one keep-alive connection, loopback`)
    for (const l of lines) console.log(l)
  } finally {
    await issuer.server.stop()
    agent.destroy()
    removeTempDirs()
  }
}

main().then(() => process.exit(0), (err) => { console.error(`client-auth-timing: ${err.message}`); process.exit(1) })
