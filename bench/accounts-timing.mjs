#!/usr/bin/env node
// DESIGN.md, "Accounts": how long a sign-up POST takes (argon2 dominates
// it), and whether "Forgot your password?" answers in the same time for an
// existing account with a confirmed address and for an unknown one (it
// must: the look-up, the token and the message all come after the answer).
// Starts the built issuer through its CLI (TESSERA_SIGNUP=open, e-mail to
// an SMTP sink of its own on loopback, TESSERA_TRUST_PROXY=127.0.0.1 so
// that each request may come from its own X-Forwarded-For address and no
// per-address limit is reached), then times each POST from the client's
// side: one connection, sequential, the two kinds of forgot requests
// interleaved in random order, compared with Mann–Whitney U.
//
//   node bench/accounts-timing.mjs [--signups 20] [--forgot 300]
import { execFileSync, spawn } from 'node:child_process'
import http from 'node:http'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { SMTPServer } from 'smtp-server'
import { mannWhitney, median, percentile, shuffled } from './lib/stats.mjs'
import { removeTempDirs, tempDir } from './lib/tmp.mjs'

const { values } = parseArgs({ options: { signups: { type: 'string', default: '20' }, forgot: { type: 'string', default: '300' } } })
const BIN = fileURLToPath(new URL('../packages/issuer/dist/bin.js', import.meta.url))
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
let address = 0
const nextAddress = () => { address++; return `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}` }

function request(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const req = http.request(url, { method, agent, headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d) => { text += d })
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: text, ms: Number(process.hrtime.bigint() - started) / 1e6 }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** A fresh browser's form: its anti-CSRF cookie and the form's token. */
async function formOf(base, path) {
  const page = await request(new URL(path, base))
  const cookie = [].concat(page.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ')
  return { cookie, csrf: /name="csrf" value="([^"]*)"/.exec(page.body)[1] }
}

async function post(base, path, fields) {
  const { cookie, csrf } = await formOf(base, path)
  return request(new URL(path, base), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, 'x-forwarded-for': nextAddress() },
    body: new URLSearchParams({ csrf, ...fields }).toString(),
  })
}

const show = (label, xs) => console.log(`${label.padEnd(34)} n=${xs.length}  median ${median(xs).toFixed(1)} ms  p90 ${percentile(xs, 90).toFixed(1)} ms`)

async function main() {
  const sink = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], logger: false, onData(stream, _s, cb) { stream.resume(); stream.on('end', () => cb()) } })
  await new Promise((resolve) => sink.listen(0, '127.0.0.1', resolve))
  const db = join(tempDir('accounts'), 'tessera.db')
  execFileSync(process.execPath, [BIN, 'user', 'create', '--db', db, '--username', 'known', '--email', 'known@example.com', '--password-stdin'],
    { input: 'a long known passphrase\n', stdio: ['pipe', 'ignore', 'ignore'] })
  const child = spawn(process.execPath, [BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--db', db, '--log-level', 'info'], {
    env: { ...process.env, TESSERA_SIGNUP: 'open', TESSERA_SMTP_URL: `smtp://127.0.0.1:${sink.server.address().port}`, TESSERA_TRUST_PROXY: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const base = await new Promise((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
      const m = /"url":"([^"]+)"/.exec(out)
      if (m) resolve(m[1])
    })
    child.on('exit', (code) => reject(new Error(`serve exited ${code}`)))
  })
  try {
    const signups = []
    for (let i = 0; i < Number(values.signups); i++) {
      const res = await post(base, '/oauth2/signup', { username: `bench${i}`, email: `bench${i}@example.com`, password: 'a long bench passphrase' })
      if (res.status !== 303) throw new Error(`sign-up answered ${res.status}`)
      signups.push(res.ms)
    }
    const order = shuffled([...Array(Number(values.forgot)).fill('known'), ...Array(Number(values.forgot)).fill('unknown')])
    const times = { known: [], unknown: [] }
    for (const kind of order) {
      const res = await post(base, '/oauth2/forgot', { login: kind === 'known' ? 'known@example.com' : `nobody${Math.random()}@example.com` })
      if (res.status !== 303) throw new Error(`forgot answered ${res.status}`)
      times[kind].push(res.ms)
    }
    console.log(`accounts timing, ${new Date().toISOString()}, node ${process.version}`)
    show('sign-up POST (argon2id m=19MiB t=2)', signups)
    show('forgot POST, existing account', times.known)
    show('forgot POST, unknown account', times.unknown)
    const { p, z } = mannWhitney(times.known, times.unknown)
    console.log(`forgot existing vs unknown: Mann–Whitney z=${z.toFixed(2)} p=${p.toFixed(3)} (${p > 0.05 ? 'not separable' : 'SEPARABLE'} at 0.05)`)
  } finally {
    child.kill('SIGTERM')
    sink.close()
    agent.destroy()
    removeTempDirs()
  }
}

await main()
