#!/usr/bin/env node
// Security issue 8, item 4: long usernames must not grow the database.
// Starts @tessera/issuer through its CLI on a temporary SQLite file, sends
// password-grant requests with unique 15,000-character usernames (under
// the 16 KiB body limit) from 60 concurrent senders for a while, and prints
// the database's size (file, WAL) before and after, and how many failed-
// login records the flood left.
//
//   node bench/username-flood.mjs [--seconds 20] [--concurrency 60]
import { statSync } from 'node:fs'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'
import { startIssuer } from './lib/issuers.mjs'
import { removeTempDirs } from './lib/tmp.mjs'

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '20' }, concurrency: { type: 'string', default: '60' } } })
const SECONDS = Number(values.seconds)
const CONCURRENCY = Number(values.concurrency)

const size = (path) => { try { return statSync(path).size } catch { return 0 } }
const sizes = (db) => ({ file: size(db), wal: size(`${db}-wal`) })

async function main() {
  const issuer = await startIssuer('tessera', 'ES256', { password: true })
  const db = issuer.db
  try {
    const before = sizes(db)
    const statuses = {}
    let sent = 0
    const until = Date.now() + SECONDS * 1000
    const sender = async () => {
      while (Date.now() < until) {
        const username = `${sent++}-${'x'.repeat(15_000)}`
        const res = await fetch(issuer.tokenUrl, {
          method: 'POST', headers: issuer.request.headers,
          body: `grant_type=password&username=${username}&password=guess&scope=read`,
        })
        await res.arrayBuffer()
        statuses[res.status] = (statuses[res.status] ?? 0) + 1
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, sender))
    await new Promise((r) => setTimeout(r, 1500))
    const after = sizes(db)
    const raw = new Database(db, { readonly: true })
    const records = raw.prepare('SELECT count(*) AS n FROM login_attempts').get().n
    raw.close()
    console.log(`username flood: ${sent} password requests with unique 15,000-character usernames, ${CONCURRENCY} at once, ${SECONDS} s; answers ${JSON.stringify(statuses)}`)
    console.log(`database before: file ${before.file} bytes, WAL ${before.wal} bytes; after: file ${after.file} bytes, WAL ${after.wal} bytes; failed-login records left: ${records}`)
  } finally {
    await issuer.server.stop()
    removeTempDirs()
  }
}

main().then(() => process.exit(0), (err) => { console.error(`username-flood: ${err.message}`); process.exit(1) })
