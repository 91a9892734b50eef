// Admin services (used by the CLI): every value checked before anything is
// written; each write is all or nothing.
import t, { type Test } from 'tap'
import { openAdmin, type Admin } from '../../src/core/admin/open-admin.js'
import { ConflictError, InvalidInputError, NotFoundError } from '../../src/domain/errors.js'
import type { ClientInput } from '../../src/core/admin/clients.js'
import { testConfig } from './fixtures/setup.js'

const GOOD: ClientInput = { name: 'svc', grants: ['client_credentials'], scopes: ['read write'], audiences: ['https://api.example'] }

async function admin(t: Test): Promise<Admin> {
  const a = await openAdmin(testConfig(t, { maxTtl: 3600 }))
  t.teardown(() => a.close())
  return a
}

t.test('client create: defaults and normalised lists', async (t) => {
  const a = await admin(t)
  const { client, secret: made } = await a.clients.create({ ...GOOD, scopes: ['write read', 'read'], audiences: ['https://b.example', 'https://a.example'] })
  const secret = made!
  t.match(client.id, /^tc_[A-Za-z0-9_-]{22}$/)
  t.equal(Buffer.from(secret, 'base64url').length, 32)
  t.equal(client.ttl, 900, 'default lifetime 900 s')
  t.same(client.scopes, ['read', 'write'], 'scopes deduplicated')
  t.same(client.audiences, ['https://b.example', 'https://a.example'], 'audiences keep their order: the first is the default aud')
  const stored = await a.store.clients.get(client.id)
  t.notOk(JSON.stringify(stored).includes(secret), 'the secret itself is never stored')
})

t.test('client create: each bad value is refused with one line, and nothing is written', async (t) => {
  const a = await admin(t)
  const bad: Array<[string, ClientInput, RegExp]> = [
    ['no name', { ...GOOD, name: undefined }, /--name is required/],
    ['blank name', { ...GOOD, name: '  ' }, /name must not be empty/],
    ['unknown grant', { ...GOOD, grants: ['implicit'] }, /bad grant "implicit"/],
    ['no grant', { ...GOOD, grants: [] }, /at least one --grant/],
    ['bad scope character', { ...GOOD, scopes: ['read "write"'] }, /bad scope/],
    ['no scope', { ...GOOD, scopes: [] }, /at least one scope/],
    ['relative audience', { ...GOOD, audiences: ['/api'] }, /bad audience "\/api"/],
    ['audience with fragment', { ...GOOD, audiences: ['https://api.example#x'] }, /fragment/],
    ['no audience', { ...GOOD, audiences: [] }, /at least one --audience/],
    ['ttl not a number', { ...GOOD, ttl: 'ten' }, /bad ttl "ten"/],
    ['ttl zero', { ...GOOD, ttl: '0' }, /bad ttl/],
    ['ttl above the maximum', { ...GOOD, ttl: '3601' }, /above TESSERA_MAX_TTL/],
  ]
  for (const [what, input, message] of bad) {
    let err: unknown
    try { await a.clients.create(input) } catch (e) { err = e }
    t.ok(err instanceof InvalidInputError && message.test(err.message) && !err.message.includes('\n'), what)
  }
  t.same(await a.clients.list(), [], 'no client was written')
})

t.test('client update replaces each list given and keeps the rest', async (t) => {
  const a = await admin(t)
  const { client } = await a.clients.create(GOOD)
  const updated = await a.clients.update(client.id, { scopes: ['admin'], grants: ['client_credentials', 'password'] })
  t.same(updated.scopes, ['admin'])
  t.same(updated.grants, ['client_credentials', 'password'])
  t.same(updated.audiences, GOOD.audiences, 'audiences untouched')
  t.equal(updated.name, 'svc')
  await t.rejects(a.clients.update(client.id, {}), InvalidInputError, 'nothing to update')
  await t.rejects(a.clients.update(client.id, { ttl: '-5' }), InvalidInputError)
  t.same((await a.clients.show(client.id)).scopes, ['admin'], 'a refused update changes nothing')
  await t.rejects(a.clients.update('tc_missing', { name: 'x' }), NotFoundError)
  await t.rejects(a.clients.show('tc_missing'), NotFoundError)
  await t.rejects(a.clients.delete('tc_missing'), NotFoundError)
  await t.rejects(a.clients.rotateSecret('tc_missing'), NotFoundError)
  await t.rejects(a.clients.rotateSecret(client.id, 'soon'), InvalidInputError)
})

t.test('users: normalised, unique, scopes optional, password rules', async (t) => {
  const a = await admin(t)
  const john = await a.users.create({ username: 'John', password: 'abcd' })
  t.same(john.scopes, [], 'no --scope: no scopes')
  await t.rejects(a.users.create({ username: 'JOHN', password: 'x' }), ConflictError, 'usernames are unique case-insensitively')
  await t.rejects(a.users.create({ username: 'bad name', password: 'x' }), InvalidInputError)
  await t.rejects(a.users.create({ username: 'mary', password: '' }), InvalidInputError)
  await t.rejects(a.users.setPassword('nobody', 'x'), NotFoundError)
  await t.rejects(a.users.delete('nobody'), NotFoundError)
  t.same((await a.users.list()).map((u) => u.username), ['john'])
  const stored = await a.store.users.getByUsername('john')
  t.match(stored?.passwordHash, /^\$argon2id\$/)
})

t.test('keys retire of an unknown kid is NotFoundError', async (t) => {
  const a = await admin(t)
  await t.rejects(a.keys.retire('nope', false), NotFoundError)
})
