// The CLI's honesty about files, arguments and messages (issue 12): read-only
// commands never create a database, writing ones say when they do, options
// and positionals that begin with "-", --help everywhere, JSON errors.
import t from 'tap'
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { openIssuer } from '../../src/core/open.js'
import { loadConfig } from '../../src/config.js'
import { oneLine, runBinary, runInProcess } from './fixtures/run.js'
import { GROUPS, HELP } from '../../src/cli/help.js'

const CLIENT = ['--name', 'x', '--grant', 'client_credentials', '--scope', 'read', '--audience', 'https://api.example']

t.test('read-only commands on a missing database exit 1 with one line naming the path, and create nothing', async (t) => {
  const dir = t.testdir({})
  const db = join(dir, 'data', 'tesera.db')
  for (const args of [['client', 'list'], ['client', 'show', 'tc_x'], ['user', 'list'], ['keys', 'list'], ['keys', 'export-jwks'],
    ['db', 'backup', join(dir, 'b.db')], ['client', 'delete', 'tc_x'], ['keys', 'retire', 'kid']]) {
    const res = await runInProcess([...args, '--db', db])
    t.equal(res.code, 1, `${args.join(' ')}: exit 1`)
    t.ok(oneLine(res.stderr), `${args.join(' ')}: one line`)
    t.match(res.stderr, `no database at ${db}`, 'naming the path')
    t.equal(res.stdout, '')
  }
  t.notOk(existsSync(join(dir, 'data')), 'no database, not even its folder')
})

t.test('a writing command creates the database, 0600 in a 0700 folder, and says so in one line on stderr', async (t) => {
  const dir = t.testdir({})
  const db = join(dir, 'new', 'tessera.db')
  const res = await runInProcess(['client', 'create', '--db', db, '--json', ...CLIENT])
  t.equal(res.code, 0, res.stderr)
  t.equal(res.stderr, `tessera-issuer: created a new database at ${db}\n`)
  t.ok(JSON.parse(res.stdout).client_secret, 'stdout keeps only the JSON')
  t.equal(statSync(db).mode & 0o777, 0o600, 'database file 0600')
  t.equal(statSync(join(dir, 'new')).mode & 0o777, 0o700, 'its new folder 0700')
  const again = await runInProcess(['client', 'create', '--db', db, '--json', ...CLIENT])
  t.equal(again.stderr, '', 'said only when it was created')
})

t.test('a command refused for a bad argument creates nothing and prints only its one line', async (t) => {
  const dir = t.testdir({})
  const db = join(dir, 'data', 'tessera.db')
  for (const args of [
    ['client', 'create', ...CLIENT, '--ttl', 'soon'],
    ['client', 'create', ...CLIENT, '--grant', 'implicit'],
    ['user', 'create', '--username', 'a\u200bb', '--password-stdin'],
    ['keys', 'rotate', '--signing-alg', 'HS256'],
    ['client', 'create', ...CLIENT, '--colour', 'red'],
  ]) {
    const res = await runInProcess([...args, '--db', db], { stdin: 'pw\n' })
    t.not(res.code, 0, `${args.slice(0, 2).join(' ')}: refused`)
    t.ok(oneLine(res.stderr), `only its one line: ${res.stderr}`)
    t.notMatch(res.stderr, /created/)
  }
  t.notOk(existsSync(join(dir, 'data')), 'nothing created')
})

t.test('a kid that begins with "-" is taken as the positional; "--" ends the options', async (t) => {
  const db = join(t.testdir({}), 'tessera.db')
  const core = await openIssuer(loadConfig({ TESSERA_SIGNING_ALG: 'ES256' }, { db }))
  await core.close()
  const dashKid = '-U1RPdqW0Jm2n9tRSbD4YqV6ygkwWxJQxQ0b5ZsVdJk'
  const unknown = await runInProcess(['keys', 'retire', dashKid, '--now', '--db', db])
  t.equal(unknown.code, 1, 'a kid, looked up (not "unknown option -U")')
  t.match(unknown.stderr, `no signing key ${dashKid}`)
  const after = await runInProcess(['keys', 'retire', '--db', db, '--', '--now'])
  t.match(after.stderr, 'no signing key --now', 'after "--" even --now is the KID')
  const extra = await runInProcess(['client', 'show', 'tc_x', '-q', '--db', db])
  t.equal(extra.code, 2, 'with the positional given, an unknown dash argument is an unknown option')
  t.match(extra.stderr, /unknown option -q/)
})

t.test('keys retire on the only signing key names the key that now signs and warns of the JWKS refetch', async (t) => {
  const db = join(t.testdir({}), 'tessera.db')
  const core = await openIssuer(loadConfig({ TESSERA_SIGNING_ALG: 'ES256' }, { db }))
  await core.close()
  // The access-token key (beside ES256 there is an RS256 key for ID tokens: DESIGN.md "OpenID Connect").
  const key = JSON.parse((await runInProcess(['keys', 'list', '--db', db, '--json'])).stdout).keys.find((k: { purpose: string }) => k.purpose === 'access')
  const res = await runInProcess(['keys', 'retire', key.kid, '--db', db], { env: { TESSERA_SIGNING_ALG: 'ES256' } })
  t.equal(res.code, 0, res.stderr)
  const keys = JSON.parse((await runInProcess(['keys', 'list', '--db', db, '--json'])).stdout).keys as Array<{ kid: string; state: string; purpose: string }>
  const signer = keys.find((k) => k.state === 'signing' && k.purpose === 'access')!
  t.not(signer.kid, key.kid)
  t.match(res.stdout, `Key ${signer.kid} (ES256) signs now.`)
  t.ok(oneLine(res.stderr))
  t.match(res.stderr, new RegExp(`^tessera-issuer: warning: key ${signer.kid} signs at once, without pre-publication: .*refetch the JWKS on its unknown kid`))
})

t.test('--help after every command and subcommand, each flag explained; --version', async (t) => {
  const commands = Object.keys(HELP).map((c) => c.split(' '))
  for (const args of [...commands, ...Object.keys(GROUPS).map((g) => [g]), []]) {
    // The executable's own --help (no command) spawned for real; every other in this process.
    const res = await (args.length === 0 ? runBinary : runInProcess)([...args, '--help'])
    t.equal(res.code, 0, `${args.join(' ') || 'tessera-issuer'} --help: exit 0`)
    t.match(res.stdout, /^usage: tessera-issuer /)
    t.match(res.stdout, /Exit status: 0 done; 1 failed .*; 2 bad command line\./)
  }
  const update = (await runInProcess(['client', 'update', '--help'])).stdout
  t.match(update, /--scope "A B" +the scopes, space-separated; replaces the whole list/)
  t.match((await runInProcess(['client', 'create', '--help'])).stdout, /--ttl SECONDS +access token lifetime \(default 900/)
  t.match((await runInProcess(['serve', '--help'])).stdout, /--workers N\|auto +.*default 1; auto: one per core/)
  const version = await runBinary(['--version'])
  t.match(version.stdout, /^\d+\.\d+\.\d+\n$/)
})

t.test('--json errors are one JSON object on stderr; every message has one prefix style', async (t) => {
  const db = join(t.testdir({}), 'tessera.db')
  const usage = await runInProcess(['client', 'create', '--json', '--db', db, '--ttl'])
  t.equal(usage.code, 2)
  t.same(JSON.parse(usage.stderr), { error: 'usage', message: 'client create: option --ttl needs a value' })
  const missing = await runInProcess(['client', 'list', '--json', '--db', db])
  t.equal(missing.code, 1)
  t.same(JSON.parse(missing.stderr), { error: 'config', message: `no database at ${db}` })
  await runInProcess(['client', 'create', '--db', db, ...CLIENT])
  const notFound = await runInProcess(['client', 'show', 'tc_nope', '--json', '--db', db])
  t.match(JSON.parse(notFound.stderr), { error: 'not_found', message: /no client/ })
  const plain = await runInProcess(['client', 'show', 'tc_nope', '--db', db])
  t.match(plain.stderr, /^tessera-issuer: /)
  const warned = await runInProcess(['client', 'create', '--db', db, ...CLIENT, '--grant', 'password'])
  t.match(warned.stderr, /^tessera-issuer: warning: /)
})

t.test('user create without --scope, or with a "," in a scope, warns', async (t) => {
  const db = join(t.testdir({}), 'tessera.db')
  await runInProcess(['client', 'create', '--db', db, ...CLIENT])
  const bare = await runInProcess(['user', 'create', '--username', 'ann', '--password-stdin', '--db', db], { stdin: 'pw-1234\n' })
  t.equal(bare.code, 0, bare.stderr)
  t.match(bare.stderr, /^tessera-issuer: warning: user ann has no scope, so .* can grant it nothing/)
  const comma = await runInProcess(['user', 'create', '--username', 'bob', '--scope', 'read,write', '--password-stdin', '--db', db], { stdin: 'pw-1234\n' })
  t.equal(comma.code, 0)
  t.match(comma.stderr, /warning: scope "read,write" contains ",": scopes are space-separated.*--scope "read write"/)
})
