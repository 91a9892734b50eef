// `client list` and `client show` mark a client that registered itself
// (DESIGN.md, "MCP servers and other self-registering apps": `"registered":
// true`), with its last use; a client the operator created is `false`.
import t from 'tap'
import { join } from 'node:path'
import { loadConfig } from '../../src/config.js'
import { openIssuer } from '../../src/core/open.js'
import { runInProcess } from './fixtures/run.js'

t.test('client list --json and client show mark registered clients', async (t) => {
  const db = join(t.testdir({}), 'tessera.db')
  const created = JSON.parse((await runInProcess(['client', 'create', '--db', db, '--json', '--name', 'ops app', '--grant', 'client_credentials',
    '--scope', 'read', '--audience', 'https://a.example'])).stdout)
  const core = await openIssuer(loadConfig({ TESSERA_REGISTRATION: 'open', TESSERA_REGISTRATION_AUDIENCES: 'https://mcp.example/mcp', TESSERA_REGISTRATION_SCOPE: 'tools:read' }, { db }))
  const outcome = await core.registrations.register({ redirectUris: ['http://127.0.0.1/cb'], name: 'An assistant', grants: ['authorization_code'], scopes: ['tools:read'] }, '192.0.2.1')
  await core.close()
  if (!outcome.ok) throw new Error('registration refused')
  const id = outcome.client.id

  const listed = JSON.parse((await runInProcess(['client', 'list', '--db', db, '--json'])).stdout).clients as Array<Record<string, unknown>>
  t.match(listed.find((c) => c.client_id === id), { registered: true, public: true, last_used_at: null, audiences: ['https://mcp.example/mcp'] })
  t.match(listed.find((c) => c.client_id === created.client_id), { registered: false })
  t.notOk('last_used_at' in listed.find((c) => c.client_id === created.client_id)!, 'no last use for a client the operator created')
  t.notMatch(JSON.stringify(listed), /192\.0\.2\.1/, 'the registering address is never shown')

  const text = (await runInProcess(['client', 'list', '--db', db])).stdout
  t.match(text.split('\n').find((l) => l.startsWith(id)), /registered$/)
  t.match((await runInProcess(['client', 'show', id, '--db', db])).stdout, /registered: itself \(RFC 7591\), unverified; last used never/)
})
