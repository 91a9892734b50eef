// DESIGN.md "The sign-in page": "no number of such GETs from other browsers
// or addresses makes another browser's open sign-in or consent page fail,
// and together they grow the database by at most 5 MiB." A real issuer
// process on SQLite, a victim's open page, 10,500 strangers' cookie-less
// GETs naming the same public client with the longest state allowed, then
// the victim signs in on the page it opened before.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { closeAgent, floodLeavesTheVictimsPage, provision } from './fixtures/flood.js'
import { startServer, stop } from '../fixtures/process.js'

const dir = mkdtempSync(join(tmpdir(), 'tessera-flood-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const db = join(dir, 'tessera.db')
const size = (): number => ['', '-wal'].reduce((sum, suffix) => {
  try { return sum + statSync(db + suffix).size } catch { return sum }
}, 0)

const clientId = await provision(db)
const server = await startServer(db)
t.teardown(async () => { closeAgent(); await stop(server) })

t.test('10,500 strangers\' GETs: the victim\'s open page still signs in, the database grows by at most 5 MiB', async (t) => {
  await floodLeavesTheVictimsPage(t, server.url, clientId, size)
})
