// JWK import (RFC 7517 §4, RFC 7518 §6, RFC 8037 §2): which keys are usable
// and with which algorithms; never inferred from key bytes (RFC 8725 §3.1).
import t from 'tap'
import { generateKeyPairSync } from 'node:crypto'
import { importJwk, importJwks, selectKey } from '../src/keys.js'
import { DEFAULT_ALGORITHMS, type AlgorithmName } from '../src/algorithms.js'
import { makeKey } from './fixtures/helpers.js'

const allowed = new Set<AlgorithmName>(DEFAULT_ALGORITHMS)

t.test('an RSA JWK without alg may verify RS256 and PS256; with alg only that one', async (t) => {
  const bare = makeKey('RS256', 'r', { jwkAlg: null })
  const k = importJwk(bare.jwk, allowed)
  t.same(typeof k === 'string' ? k : [...k.uses.keys()].sort(), ['PS256', 'RS256'])
  const pinned = importJwk({ ...bare.jwk, alg: 'PS256' }, allowed)
  t.same(typeof pinned === 'string' ? pinned : [...pinned.uses.keys()], ['PS256'])
})

t.test('EC P-256 keys verify ES256; Ed25519 keys verify EdDSA (alias Ed25519, RFC 9864)', async (t) => {
  const ec = importJwk(makeKey('ES256', 'e').jwk, allowed)
  t.same(typeof ec === 'string' ? ec : [...ec.uses.keys()], ['ES256'])
  const ed = importJwk({ ...makeKey('EdDSA', 'd').jwk, alg: 'Ed25519' }, allowed)
  t.same(typeof ed === 'string' ? ed : [...ed.uses.keys()], ['EdDSA'])
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' })
  t.equal(importJwk({ ...p384, kid: 'p' }, allowed), 'no allowed algorithm fits this key', 'P-384 without ES384 allowed')
})

t.test('unusable keys are skipped with a reason, never fatal', async (t) => {
  const ec = makeKey('ES256', 'ok')
  const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' })
  const { keys, skipped } = importJwks({
    keys: [
      ec.jwk,
      { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' },
      { ...ec.jwk, kid: 'enc', use: 'enc' },
      { ...ec.jwk, kid: 'ops', key_ops: ['encrypt'] },
      { ...weak, kid: 'weak', alg: 'RS256' },
      { ...ec.jwk, kid: 'lying', alg: 'RS256' },
      { ...ec.jwk, kid: 'ok' },
      'junk',
      { kty: 'EC', crv: 'P-256', kid: 'broken', x: 'AA', y: 'AA' },
    ],
  }, allowed)
  t.equal(keys.all.length, 1)
  t.same(skipped.map((s) => s.reason), [
    'unsupported key type oct', 'use is not sig', 'key_ops lacks verify', 'RSA key shorter than 2048 bits',
    'no allowed algorithm fits this key', 'duplicate kid', 'not an object', 'key material does not import',
  ])
  t.throws(() => importJwks({ nope: [] }, allowed), TypeError)
})

t.test('a refresh reuses KeyObjects imported before (one import per key)', async (t) => {
  const a = makeKey('EdDSA', 'a')
  const first = importJwks({ keys: [a.jwk] }, allowed)
  const second = importJwks({ keys: [{ ...a.jwk }, makeKey('EdDSA', 'b').jwk] }, allowed, first.keys)
  t.equal(selectKey(second.keys, 'a'), selectKey(first.keys, 'a'), 'same object')
  t.equal(selectKey(second.keys, undefined), undefined, 'no kid with two keys')
  t.equal(selectKey(first.keys, undefined), selectKey(first.keys, 'a'), 'no kid with one key')
})

t.test('private members in a published JWK are never used', async (t) => {
  const pair = generateKeyPairSync('ed25519')
  const priv = pair.privateKey.export({ format: 'jwk' })
  const k = importJwk({ ...priv, kid: 'p' }, allowed)
  t.not(typeof k, 'string')
  if (typeof k !== 'string') t.equal(k.keyObject.type, 'public')
})
