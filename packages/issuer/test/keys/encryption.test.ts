// Private keys at rest (DESIGN.md "Keys"): AES-256-GCM under the key
// encryption key, and one clear line when that key is wrong, malformed or missing.
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { readFileSync, existsSync } from 'node:fs'
import { openIssuer } from '../../src/core/open.js'
import { openAdmin } from '../../src/core/admin/open-admin.js'
import { ConfigError } from '../../src/domain/errors.js'
import { loadConfig } from '../../src/config.js'
import { openSqliteStore } from '../../src/store/sqlite/index.js'
import { openPrivateKey } from '../../src/keys/cipher.js'
import { testConfig } from '../core/fixtures/setup.js'

/** Every byte the database keeps on disk: the file and its WAL. */
function onDisk(dbPath: string): Buffer {
  const parts = [readFileSync(dbPath)]
  if (existsSync(dbPath + '-wal')) parts.push(readFileSync(dbPath + '-wal'))
  return Buffer.concat(parts)
}

async function privateKeys(dbPath: string, kek: Buffer | null): Promise<Buffer[]> {
  const store = openSqliteStore(dbPath)
  try {
    return (await store.keys.list()).keys.map((k) => openPrivateKey(k.privateKey, k.kid, kek, dbPath))
  } finally {
    await store.close()
  }
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try { await p } catch (err) { return err }
  return undefined
}

const isOneLineConfigError = (err: unknown, pattern: RegExp): boolean =>
  err instanceof ConfigError && !err.message.includes('\n') && pattern.test(err.message)

t.test('with a key encryption key, no private key byte is on disk in plaintext', async (t) => {
  const kek = randomBytes(32)
  const config = testConfig(t, { keyEncryptionKey: kek, signingAlg: 'RS256' })
  const core = await openIssuer(config)
  await core.close()
  const admin = await openAdmin(config)
  await admin.keys.rotate(false)
  await admin.close()
  const ders = await privateKeys(config.dbPath, kek)
  t.equal(ders.length, 2)
  const disk = onDisk(config.dbPath)
  for (const der of ders) {
    t.notOk(disk.includes(der), 'the DER bytes are not in the file')
    t.notOk(disk.includes(Buffer.from(der.toString('base64url'))), 'nor their base64url')
    t.notOk(disk.includes(Buffer.from(der.toString('base64'))), 'nor their base64')
  }
  const store = openSqliteStore(config.dbPath)
  const { keys } = await store.keys.list()
  await store.close()
  t.ok(keys.every((k) => /^aes256gcm\.v1:[\w-]{16}:[\w-]{22}:[\w-]+$/.test(k.privateKey)), 'versioned format with IV and tag')
})

t.test('an encrypted database refuses a missing, wrong or malformed key with one line, and makes no key', async (t) => {
  const kek = randomBytes(32)
  const config = testConfig(t, { keyEncryptionKey: kek })
  await (await openIssuer(config)).close()

  const missing = await rejection(openIssuer({ ...config, keyEncryptionKey: null }))
  t.ok(isOneLineConfigError(missing, /encrypted signing keys: set TESSERA_KEY_ENCRYPTION_KEY/), 'missing key: one line')
  const wrong = await rejection(openIssuer({ ...config, keyEncryptionKey: randomBytes(32) }))
  t.ok(isOneLineConfigError(wrong, /does not decrypt/), 'wrong key: one line')
  const adminWrong = await rejection(openAdmin({ ...config, keyEncryptionKey: randomBytes(32) }))
  t.ok(isOneLineConfigError(adminWrong, /does not decrypt/), 'every CLI command checks it too')

  let malformed: unknown
  try { loadConfig({ TESSERA_KEY_ENCRYPTION_KEY: 'too-short' }, {}) } catch (err) { malformed = err }
  t.ok(isOneLineConfigError(malformed, /TESSERA_KEY_ENCRYPTION_KEY must be 32 bytes/), 'malformed key: one line')

  const store = openSqliteStore(config.dbPath)
  // The first start's two (ES256 for access tokens, RS256 for ID tokens), and no more.
  t.equal((await store.keys.list()).keys.length, 2, 'no key was made behind the operator\'s back')
  await store.close()
})

t.test('a key given for a database with plaintext keys encrypts them all, in one go', async (t) => {
  const config = testConfig(t, { keyEncryptionKey: null })
  await (await openIssuer(config)).close()
  const admin = await openAdmin(config)
  await admin.keys.rotate(false)
  await admin.close()
  const plainDers = await privateKeys(config.dbPath, null)
  // ES256: each start and rotation makes an access-token key and an RS256 ID-token key.
  t.equal(plainDers.length, 4)

  const kek = randomBytes(32)
  const core = await openIssuer({ ...config, keyEncryptionKey: kek })
  await core.close()
  const store = openSqliteStore(config.dbPath)
  const { keys } = await store.keys.list()
  await store.close()
  t.ok(keys.every((k) => k.privateKey.startsWith('aes256gcm.v1:')), 'every key is encrypted now')
  t.same(await privateKeys(config.dbPath, kek), plainDers, 'the same keys, now under the key encryption key')
  const disk = onDisk(config.dbPath)
  t.ok(plainDers.every((der) => !disk.includes(Buffer.from(der.toString('base64url')))), 'the plaintext copies are gone from the file')
  const after = await rejection(openIssuer({ ...config, keyEncryptionKey: null }))
  t.ok(after instanceof ConfigError, 'from then on the key is required')
})

t.test('a ciphertext moved to another key row does not decrypt (kid is authenticated)', async (t) => {
  const kek = randomBytes(32)
  const config = testConfig(t, { keyEncryptionKey: kek })
  await (await openIssuer(config)).close()
  const store = openSqliteStore(config.dbPath)
  const [k] = (await store.keys.list()).keys
  await store.close()
  t.throws(() => openPrivateKey(k!.privateKey, 'another-kid', kek, config.dbPath), ConfigError)
})
