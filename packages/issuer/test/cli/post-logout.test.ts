// `client create|update --post-logout-redirect-uri URI` (DESIGN.md "OpenID
// Connect", RP-Initiated Logout 1.0 §2): repeatable, the redirect URI
// rules, shown by show/list --json; a refused URI is one line, exit 2, and
// nothing written.
import t from 'tap'
import { join } from 'node:path'
import { runInProcess, oneLine } from './fixtures/run.js'

const APP = ['--name', 'Web app', '--public', '--grant', 'authorization_code', '--scope', 'openid profile',
  '--audience', 'https://restaurants.example', '--redirect-uri', 'https://app.example/cb']

t.test('--post-logout-redirect-uri: repeatable on create, replaced by update, shown by show and list', async (t) => {
  const db = join(t.testdir({}), 'tessera.db')
  const made = await runInProcess(['client', 'create', '--db', db, '--json', ...APP,
    '--post-logout-redirect-uri', 'https://app.example/bye', '--post-logout-redirect-uri', 'http://127.0.0.1:8000/out'])
  t.equal(made.code, 0, made.stderr)
  const c = JSON.parse(made.stdout)
  t.same(c.post_logout_redirect_uris, ['https://app.example/bye', 'http://127.0.0.1:8000/out'])
  const shown = JSON.parse((await runInProcess(['client', 'show', c.client_id, '--db', db, '--json'])).stdout)
  t.same(shown.post_logout_redirect_uris, ['https://app.example/bye', 'http://127.0.0.1:8000/out'])
  const text = await runInProcess(['client', 'show', c.client_id, '--db', db])
  t.match(text.stdout, /after sign-out: https:\/\/app\.example\/bye, http:\/\/127\.0\.0\.1:8000\/out/)
  const updated = await runInProcess(['client', 'update', c.client_id, '--db', db, '--json', '--post-logout-redirect-uri', 'com.example.app:/bye'])
  t.equal(updated.code, 0, updated.stderr)
  t.same(JSON.parse(updated.stdout).post_logout_redirect_uris, ['com.example.app:/bye'], 'the given list replaces the old one')
  t.same(JSON.parse(updated.stdout).redirect_uris, ['https://app.example/cb'], 'the redirect URIs are kept')

  for (const bad of ['http://app.example/bye', 'https://app.example/bye#x', 'not a uri']) {
    const refused = await runInProcess(['client', 'update', c.client_id, '--db', db, '--post-logout-redirect-uri', bad])
    t.equal(refused.code, 2, bad)
    t.ok(oneLine(refused.stderr), refused.stderr)
  }
  const after = JSON.parse((await runInProcess(['client', 'show', c.client_id, '--db', db, '--json'])).stdout)
  t.same(after.post_logout_redirect_uris, ['com.example.app:/bye'], 'nothing written by a refused update')
})
