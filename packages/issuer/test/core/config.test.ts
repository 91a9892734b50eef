// Configuration (DESIGN.md "Issuer HTTP interface"): variables, flags, defaults, one line per problem.
import t from 'tap'
import { join } from 'node:path'
import { chmodSync, chownSync, symlinkSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { loadConfig, mailFrom, parseKeyEncryptionKey } from '../../src/config.js'
import { configProblems } from '../fixtures/config.js'

const problems = (env: NodeJS.ProcessEnv, flags: Record<string, string | undefined> = {}): readonly string[] => configProblems(loadConfig, env, flags)

t.test('defaults', async (t) => {
  t.same(loadConfig({}, {}), {
    host: '127.0.0.1', port: 8080, issuer: 'http://localhost:8080', issuerExplicit: false, dbPath: './data/tessera.db',
    signingAlg: 'RS256', keyEncryptionKey: null, jwksMaxAge: 300, keyRotationDays: null, maxTtl: 3600,
    sessionTtl: 43_200, refreshIdleTtl: 1_209_600, refreshMaxTtl: 7_776_000, refreshReuseGrace: 10,
    registration: 'off', registrationAudiences: [], registrationScope: [],
    signup: 'off', signupScope: [], smtpUrl: null, mailFrom: null, passwordMinLength: 8, trustProxy: null,
    dpopNonce: false,
    brandName: 'Tessera', brandColor: null, brandLogo: null,
  })
  t.equal(loadConfig({ PORT: '9000' }, {}).issuer, 'http://localhost:9000', 'the default issuer follows the port')
})

t.test('every variable, and each flag winning over it', async (t) => {
  const env = {
    HOST: '0.0.0.0', PORT: '9000', TESSERA_ISSUER: 'https://issuer.example', TESSERA_DB: '/tmp/x.db', TESSERA_SIGNING_ALG: 'ES256',
    TESSERA_JWKS_MAX_AGE: '60', TESSERA_KEY_ROTATION_DAYS: '30', TESSERA_MAX_TTL: '600',
  }
  const fromEnv = loadConfig(env, {})
  t.match(fromEnv, { host: '0.0.0.0', port: 9000, issuer: 'https://issuer.example', issuerExplicit: true, dbPath: '/tmp/x.db', signingAlg: 'ES256', jwksMaxAge: 60, keyRotationDays: 30, maxTtl: 600 })
  const fromFlags = loadConfig(env, {
    host: '127.0.0.2', port: '0', issuer: 'http://127.0.0.1:3000', db: 'a.db', 'signing-alg': 'EdDSA',
    'jwks-max-age': '10', 'key-rotation-days': '7', 'max-ttl': '120',
  })
  t.match(fromFlags, { host: '127.0.0.2', port: 0, issuer: 'http://127.0.0.1:3000', dbPath: 'a.db', signingAlg: 'EdDSA', jwksMaxAge: 10, keyRotationDays: 7, maxTtl: 120 })
})

t.test('the issuer must be an origin; http only for loopback hosts (RFC 8414 §2)', async (t) => {
  for (const good of ['https://issuer.example', 'https://issuer.example:8443', 'http://localhost:8080', 'http://127.0.0.1:1', 'http://[::1]:8080', 'http://localhost']) {
    t.same(problems({ TESSERA_ISSUER: good }), [], good)
  }
  for (const bad of ['https://issuer.example/', 'https://issuer.example/oauth', 'https://issuer.example?x=1', 'http://issuer.example',
    'ftp://issuer.example', 'issuer.example', 'https://Issuer.example', 'https://issuer.example:443', 'https://user@issuer.example']) {
    const p = problems({ TESSERA_ISSUER: bad })
    t.equal(p.length, 1, `${bad}: one problem`)
    t.match(p[0], /^TESSERA_ISSUER /)
  }
  t.match(problems({}, { issuer: 'http://example.com' })[0], /^--issuer may use http only for a loopback host/)
})

t.test('numbers, algorithm: one line per problem, all reported', async (t) => {
  const p = problems({ PORT: '80x', TESSERA_JWKS_MAX_AGE: '0', TESSERA_MAX_TTL: '-1', TESSERA_KEY_ROTATION_DAYS: '1.5', TESSERA_SIGNING_ALG: 'HS256' })
  t.equal(p.length, 5)
  t.ok(p.every((line) => !line.includes('\n')))
  t.match(p.join('\n'), /PORT must be an integer from 0 to 65535/)
  t.match(p.join('\n'), /TESSERA_SIGNING_ALG must be one of RS256, PS256, ES256, EdDSA/)
  t.match(problems({}, { port: '70000' })[0], /^--port /)
})

t.test('key encryption key: 32 bytes, base64url or base64, from the variable or a file, never a flag value', async (t) => {
  const kek = randomBytes(32)
  t.same(parseKeyEncryptionKey(kek.toString('base64url')), kek)
  t.same(parseKeyEncryptionKey(kek.toString('base64')), kek)
  t.same(parseKeyEncryptionKey(kek.toString('base64').replace(/=+$/, '')), kek)
  t.equal(parseKeyEncryptionKey(randomBytes(16).toString('base64url')), null, '16 bytes is not enough')
  t.equal(parseKeyEncryptionKey('not base64!'), null)
  t.same(loadConfig({ TESSERA_KEY_ENCRYPTION_KEY: kek.toString('base64url') }, {}).keyEncryptionKey, kek)
  const file = join(t.testdir({}), 'kek')
  writeFileSync(file, kek.toString('base64') + '\n', { mode: 0o600 })
  t.same(loadConfig({}, { 'key-encryption-key-file': file }).keyEncryptionKey, kek, 'from a file, trailing newline ignored')
  t.match(problems({}, { 'key-encryption-key-file': file + '.missing' })[0], /cannot read/)
  t.same(problems({ TESSERA_KEY_ENCRYPTION_KEY: 'short' }), ['TESSERA_KEY_ENCRYPTION_KEY must be 32 bytes, base64url or base64'])
})

t.test('a key file of ours that its group or others may read is refused, as ssh refuses a private key; another owner\'s is accepted', async (t) => {
  const kek = randomBytes(32).toString('base64url')
  const dir = t.testdir({})
  for (const mode of [0o644, 0o640, 0o604, 0o660, 0o601]) {
    const file = join(dir, `kek-${mode.toString(8)}`)
    writeFileSync(file, kek, { mode })
    chmodSync(file, mode)
    t.same(problems({}, { 'key-encryption-key-file': file }),
      [`--key-encryption-key-file ${file} is readable by others (mode 0${mode.toString(8)}): chmod 600 it`], `mode 0${mode.toString(8)} refused`)
  }
  const strict = join(dir, 'kek-400')
  writeFileSync(strict, kek, { mode: 0o400 })
  t.ok(loadConfig({}, { 'key-encryption-key-file': strict }).keyEncryptionKey, 'mode 0400 accepted')
  const link = join(dir, 'link')
  symlinkSync(strict, link)
  t.ok(loadConfig({}, { 'key-encryption-key-file': link }).keyEncryptionKey, 'a link is followed: the file\'s own mode counts')
  if (process.getuid?.() === 0) {
    const mounted = join(dir, 'kek-mounted')
    writeFileSync(mounted, kek, { mode: 0o644 })
    chownSync(mounted, 65534, 65534) // another owner, as a mounted secret of another user
    t.ok(loadConfig({}, { 'key-encryption-key-file': mounted }).keyEncryptionKey, 'a file owned by another user is accepted')
  }
})

t.test('sign-in and refresh-token lifetimes: TESSERA_SESSION_TTL, TESSERA_REFRESH_IDLE_TTL, TESSERA_REFRESH_MAX_TTL, TESSERA_REFRESH_REUSE_GRACE', async (t) => {
  const env = { TESSERA_SESSION_TTL: '600', TESSERA_REFRESH_IDLE_TTL: '3600', TESSERA_REFRESH_MAX_TTL: '86400', TESSERA_REFRESH_REUSE_GRACE: '0' }
  t.match(loadConfig(env, {}), { sessionTtl: 600, refreshIdleTtl: 3600, refreshMaxTtl: 86400, refreshReuseGrace: 0 }, 'a reuse grace of 0 means never')
  t.match(loadConfig(env, { 'session-ttl': '60', 'refresh-idle-ttl': '61', 'refresh-max-ttl': '62', 'refresh-reuse-grace': '5' }),
    { sessionTtl: 60, refreshIdleTtl: 61, refreshMaxTtl: 62, refreshReuseGrace: 5 }, 'each flag wins over its variable')
  const p = problems({ TESSERA_SESSION_TTL: '0', TESSERA_REFRESH_IDLE_TTL: 'x', TESSERA_REFRESH_MAX_TTL: '-5', TESSERA_REFRESH_REUSE_GRACE: '3601' })
  t.equal(p.length, 4, 'one line per bad value')
  t.match(p.join('\n'), /TESSERA_SESSION_TTL must be a positive integer/)
  t.match(p.join('\n'), /TESSERA_REFRESH_REUSE_GRACE must be an integer from 0 to 3600/)
})

t.test('accounts settings (DESIGN.md, "Accounts"): each read and checked, one line per problem', async (t) => {
  const config = loadConfig({
    TESSERA_SIGNUP: 'open', TESSERA_SIGNUP_SCOPE: 'write read read', TESSERA_SMTP_URL: 'smtps://u:p@mail.example:465',
    TESSERA_MAIL_FROM: 'accounts@example.com', TESSERA_PASSWORD_MIN_LENGTH: '12', TESSERA_TRUST_PROXY: '10.0.0.0/8, ::1',
  }, {})
  t.match(config, { signup: 'open', signupScope: ['read', 'write'], smtpUrl: 'smtps://u:p@mail.example:465', mailFrom: 'accounts@example.com', passwordMinLength: 12 })
  t.same(config.trustProxy, ['10.0.0.0/8', '::1'])
  t.same(loadConfig({}, { signup: 'open', 'trust-proxy': '127.0.0.1' }).trustProxy, ['127.0.0.1'], 'flags too')
  t.same(problems({
    TESSERA_SIGNUP: 'yes', TESSERA_SIGNUP_SCOPE: 'a "b"', TESSERA_SMTP_URL: 'http://mail.example', TESSERA_PASSWORD_MIN_LENGTH: '0',
    TESSERA_TRUST_PROXY: 'proxy.example',
  }).length, 5, 'one line each')
})

t.test('mailFrom: TESSERA_MAIL_FROM, else no-reply@ + the issuer\'s host, an IP host as an address literal', async (t) => {
  t.equal(mailFrom(loadConfig({ TESSERA_ISSUER: 'https://id.example.com' }, {})), 'no-reply@id.example.com')
  t.equal(mailFrom(loadConfig({ TESSERA_ISSUER: 'http://127.0.0.1:8080' }, {})), 'no-reply@[127.0.0.1]')
  t.equal(mailFrom(loadConfig({ TESSERA_ISSUER: 'http://[::1]:8080' }, {})), 'no-reply@[IPv6:::1]')
  t.equal(mailFrom(loadConfig({ TESSERA_MAIL_FROM: 'Me <me@example.com>' }, {})), 'Me <me@example.com>')
})
