// `tessera-issuer scope set|list|delete` (DESIGN.md "The account page,
// remembered consent, scope descriptions and branding", and the CLI
// section); consents going with `client delete` and `user delete`, and
// staying through `user sign-out`.
import t from 'tap'
import { join } from 'node:path'
import { loadConfig } from '../../src/config.js'
import { openIssuer } from '../../src/core/open.js'
import { runInProcess, oneLine } from './fixtures/run.js'

t.test('scope set / list / delete: descriptions stored, listed (text and --json), deleted; bad input is one line', async (t) => {
  const db = join(t.testdir({}), 'tessera.db')
  const set = await runInProcess(['scope', 'set', 'read', '--description', 'See your <bookings>', '--db', db])
  t.equal(set.code, 0, set.stderr)
  t.match(set.stdout, /Scope read: "See your <bookings>"/)
  t.equal((await runInProcess(['scope', 'set', 'write', '--description', 'Change your bookings', '--db', db])).code, 0)
  t.equal((await runInProcess(['scope', 'set', 'read', '--description', 'Read your bookings', '--db', db])).code, 0, 'set replaces')
  t.same((await runInProcess(['scope', 'list', '--db', db])).stdout.trim().split('\n'), ['read  "Read your bookings"', 'write  "Change your bookings"'])
  const json = JSON.parse((await runInProcess(['scope', 'list', '--db', db, '--json'])).stdout)
  t.match(json, { scopes: [{ scope: 'read', description: 'Read your bookings', updated_at: /^\d{4}-/ }, { scope: 'write' }] })

  const deleted = await runInProcess(['scope', 'delete', 'read', '--db', db, '--json'])
  t.equal(deleted.code, 0, deleted.stderr)
  t.same(JSON.parse(deleted.stdout), { scope: 'read', deleted: true })
  t.same(JSON.parse((await runInProcess(['scope', 'list', '--db', db, '--json'])).stdout).scopes.map((s: { scope: string }) => s.scope), ['write'])
  const again = await runInProcess(['scope', 'delete', 'read', '--db', db])
  t.equal(again.code, 1)
  t.ok(oneLine(again.stderr) && /read has no description/.test(again.stderr), again.stderr)

  for (const [args, pattern] of [
    [['scope', 'set', 'read', '--db', db], /--description is required/],
    [['scope', 'set', 'two words', '--description', 'x', '--db', db], /bad scope/],
    [['scope', 'set', 'read', '--description', 'a\nb', '--db', db], /one line/],
    [['scope', 'set', 'read', '--description', 'x'.repeat(201), '--db', db], /longer than 200/],
  ] as const) {
    const bad = await runInProcess([...args])
    t.equal(bad.code, 2, `${args.join(' ')}: exit 2`)
    t.ok(oneLine(bad.stderr) && pattern.test(bad.stderr), bad.stderr)
  }
  t.same(JSON.parse((await runInProcess(['scope', 'list', '--db', db, '--json'])).stdout).scopes.map((s: { description: string }) => s.description),
    ['Change your bookings'], 'nothing changed by the refused commands')
  const help = await runInProcess(['scope', '--help'])
  t.match(help.stdout, /scope set\s+Sets the description/)
  t.match((await runInProcess(['scope', 'set', '--help'])).stdout, /usage: tessera-issuer scope set NAME --description TEXT/)
})

t.test('user sign-out leaves consents; user delete and client delete take them', async (t) => {
  const db = join(t.testdir({}), 'tessera.db')
  const client = JSON.parse((await runInProcess(['client', 'create', '--db', db, '--json', '--name', 'App', '--grant', 'authorization_code',
    '--redirect-uri', 'https://app.example/cb', '--scope', 'read', '--audience', 'https://a.example'])).stdout)
  const other = JSON.parse((await runInProcess(['client', 'create', '--db', db, '--json', '--name', 'Other', '--grant', 'authorization_code',
    '--redirect-uri', 'https://app.example/cb', '--scope', 'read', '--audience', 'https://a.example'])).stdout)
  const user = JSON.parse((await runInProcess(['user', 'create', '--db', db, '--json', '--username', 'john', '--scope', 'read', '--password-stdin'], { stdin: 'pw-long-enough\n' })).stdout)
  const core = await openIssuer(loadConfig({}, { db }))
  t.teardown(() => core.close())
  await core.consents.remember(user.user_id, client.client_id, 'https://a.example', ['read'])
  await core.consents.remember(user.user_id, other.client_id, 'https://a.example', ['read'])
  t.equal((await runInProcess(['user', 'sign-out', 'john', '--db', db])).code, 0)
  t.same(await core.consents.remembered(user.user_id, client.client_id, 'https://a.example'), ['read'], 'sign-out leaves the consent')
  t.equal((await runInProcess(['client', 'delete', other.client_id, '--db', db])).code, 0)
  t.same(await core.consents.remembered(user.user_id, other.client_id, 'https://a.example'), [], 'client delete takes its consents')
  t.equal((await runInProcess(['user', 'delete', 'john', '--db', db])).code, 0)
  t.same(await core.consents.remembered(user.user_id, client.client_id, 'https://a.example'), [], 'user delete takes theirs')
})
