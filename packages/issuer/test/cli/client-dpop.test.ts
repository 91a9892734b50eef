// The CLI's DPoP switch (DESIGN.md, CLI: `client create --dpop`, `client
// update --dpop true|false`; "DPoP: sender-constrained tokens"): `client
// show` gives dpop_bound_access_tokens; a bad value is one line and
// changes nothing.
import t from 'tap'
import { join } from 'node:path'
import { runInProcess, oneLine } from './fixtures/run.js'

const SVC = ['--name', 'svc', '--grant', 'client_credentials', '--scope', 'read', '--audience', 'https://api.example']

t.test('client create --dpop, show and update: dpop_bound_access_tokens true or false', async (t) => {
  const db = join(t.testdir({}), 'tessera.db')
  const made = JSON.parse((await runInProcess(['client', 'create', '--db', db, '--json', ...SVC, '--dpop'])).stdout)
  t.equal(made.dpop_bound_access_tokens, true, 'create --dpop')
  const plain = JSON.parse((await runInProcess(['client', 'create', '--db', db, '--json', ...SVC])).stdout)
  t.equal(plain.dpop_bound_access_tokens, false, 'the default')

  const shown = await runInProcess(['client', 'show', made.client_id, '--db', db])
  t.match(shown.stdout, /^dpop_bound_access_tokens: true$/m, 'client show, as text')
  t.equal(JSON.parse((await runInProcess(['client', 'show', made.client_id, '--db', db, '--json'])).stdout).dpop_bound_access_tokens, true)

  const off = await runInProcess(['client', 'update', made.client_id, '--db', db, '--json', '--dpop', 'false'])
  t.equal(off.code, 0, off.stderr)
  t.equal(JSON.parse(off.stdout).dpop_bound_access_tokens, false, 'update --dpop false')
  const on = await runInProcess(['client', 'update', plain.client_id, '--db', db, '--json', '--dpop', 'true'])
  t.equal(JSON.parse(on.stdout).dpop_bound_access_tokens, true, 'update --dpop true')

  const bad = await runInProcess(['client', 'update', plain.client_id, '--db', db, '--dpop', 'yes'])
  t.not(bad.code, 0)
  t.ok(oneLine(bad.stderr), bad.stderr)
  t.match(bad.stderr, /dpop/)
  t.equal(JSON.parse((await runInProcess(['client', 'show', plain.client_id, '--db', db, '--json'])).stdout).dpop_bound_access_tokens, true, 'nothing changed')
})
