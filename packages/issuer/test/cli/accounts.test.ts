// The CLI lines of DESIGN.md "Accounts": `user create --email --name`,
// `user update NAME` in place (same sub), `user show`, `user list` with
// email, email_verified and name; an address set by the operator counts as
// verified and is refused when verified on another user or equal to
// another user's username; a password the sign-up rules would refuse is
// accepted with a warning on stderr.
import t from 'tap'
import { join } from 'node:path'
import { runInProcess, oneLine } from './fixtures/run.js'

const create = (db: string, args: string[], password = 'correct horse battery') =>
  runInProcess(['user', 'create', '--db', db, '--password-stdin', '--scope', 'read', ...args], { stdin: `${password}\n` })

t.test('user create --email --name; user show and user list show email, email_verified and name', async (t) => {
  const db = join(t.testdir({}), 'tessera.db')
  const made = await create(db, ['--username', 'john', '--email', 'John@Example.com', '--name', 'John Smith', '--json'])
  t.equal(made.code, 0, made.stderr)
  t.match(JSON.parse(made.stdout), { user_id: /^tu_/, username: 'john', email: 'john@example.com', email_verified: true, name: 'John Smith' })
  const shown = JSON.parse((await runInProcess(['user', 'show', 'JOHN', '--db', db, '--json'])).stdout)
  t.match(shown, { username: 'john', email: 'john@example.com', email_verified: true, name: 'John Smith', scopes: ['read'] })
  const listed = JSON.parse((await runInProcess(['user', 'list', '--db', db, '--json'])).stdout).users[0]
  t.match(listed, { email: 'john@example.com', email_verified: true, name: 'John Smith' })
  const text = await runInProcess(['user', 'list', '--db', db])
  t.match(text.stdout, /john {2}scope="read" {2}email=john@example\.com {2}name="John Smith"/)
  const missing = await runInProcess(['user', 'show', 'nobody', '--db', db])
  t.equal(missing.code, 1)
  t.ok(oneLine(missing.stderr))
})

t.test('user update changes a user in place (same user_id); what is not given stays', async (t) => {
  const db = join(t.testdir({}), 'tessera.db')
  const id = JSON.parse((await create(db, ['--username', 'ann', '--json'])).stdout).user_id
  const updated = await runInProcess(['user', 'update', 'ann', '--db', db, '--email', 'ann@example.com', '--name', 'Ann', '--scope', 'read write', '--json'])
  t.equal(updated.code, 0, updated.stderr)
  t.match(JSON.parse(updated.stdout), { user_id: id, email: 'ann@example.com', email_verified: true, name: 'Ann', scopes: ['read', 'write'] })
  const renamed = JSON.parse((await runInProcess(['user', 'update', 'ann', '--db', db, '--name', 'Ann B.', '--json'])).stdout)
  t.match(renamed, { user_id: id, email: 'ann@example.com', name: 'Ann B.', scopes: ['read', 'write'] })
  const nothing = await runInProcess(['user', 'update', 'ann', '--db', db])
  t.equal(nothing.code, 2)
  t.match(nothing.stderr, /nothing to change/)
})

t.test('an address verified on another user, or another user\'s username, is refused with one line; a bad address too', async (t) => {
  const db = join(t.testdir({}), 'tessera.db')
  await create(db, ['--username', 'first', '--email', 'shared@example.com'])
  await create(db, ['--username', 'named@example.com'])
  const taken = await create(db, ['--username', 'second', '--email', 'SHARED@example.com'])
  t.equal(taken.code, 1)
  t.ok(oneLine(taken.stderr))
  t.match(taken.stderr, /verified on another user/)
  const username = await create(db, ['--username', 'third', '--email', 'named@example.com'])
  t.equal(username.code, 1)
  t.match(username.stderr, /another user's username/)
  const bad = await create(db, ['--username', 'fourth', '--email', 'not an address'])
  t.equal(bad.code, 2)
  t.match(bad.stderr, /bad e-mail address/)
  t.equal((await runInProcess(['user', 'update', 'named@example.com', '--db', db, '--email', 'shared@example.com'])).code, 1, 'update too')
})

t.test('a password the sign-up rules would refuse is accepted from the CLI, with a warning on stderr', async (t) => {
  const db = join(t.testdir({}), 'tessera.db')
  const short = await create(db, ['--username', 'weak'], 'abc')
  t.equal(short.code, 0, 'accepted: the operator decides')
  t.match(short.stderr, /warning: this password would be refused on the sign-up pages: shorter than 8 characters/)
  const common = await runInProcess(['user', 'set-password', 'weak', '--db', db, '--password-stdin'], { stdin: 'password1\n' })
  t.equal(common.code, 0)
  t.match(common.stderr, /warning: .*among the 10,000 most common passwords/)
  const strong = await runInProcess(['user', 'set-password', 'weak', '--db', db, '--password-stdin'], { stdin: 'a sound passphrase\n' })
  t.notMatch(strong.stderr, /would be refused/)
})
