// DPoP nonces (RFC 9449 §8, DESIGN.md: stateless, honoured by every process
// on the store, valid at least 60 s after they are handed out) and RFC 7638
// thumbprints (RFC 9449 §6.1 cnf.jkt, §10 dpop_jkt).
import t from 'tap'
import { calculateJwkThumbprint } from 'jose'
import { currentNonce, nonceAccepted, NONCE_WINDOW_MS } from '../../src/oauth/dpop/nonces.js'
import { isThumbprint, jwkThumbprint } from '../../src/oauth/dpop/thumbprint.js'
import { dpopKey } from '../fixtures/dpop.js'

const key = Buffer.alloc(32, 1)
const T = 1_900_000_000_000 - (1_900_000_000_000 % NONCE_WINDOW_MS)

t.test('a nonce is the same for every process holding the key, and stays valid at least 60 s after it was handed out', async (t) => {
  const n = currentNonce(key, T + NONCE_WINDOW_MS - 1)
  t.match(n, /^[A-Za-z0-9_-]{43}$/)
  t.equal(currentNonce(Buffer.alloc(32, 1), T), n, 'the same key (another process) makes the same nonce in the window')
  t.ok(nonceAccepted(key, n, T + NONCE_WINDOW_MS - 1), 'accepted when handed out')
  t.ok(nonceAccepted(key, n, T + 2 * NONCE_WINDOW_MS - 1), 'accepted 60 s after it was handed out at the end of its window')
  t.notOk(nonceAccepted(key, n, T + 2 * NONCE_WINDOW_MS), 'stale two windows on')
  t.not(currentNonce(key, T + NONCE_WINDOW_MS), n, 'the next window hands out a new one')
})

t.test('a nonce the issuer never gave is refused', async (t) => {
  t.notOk(nonceAccepted(Buffer.alloc(32, 2), currentNonce(key, T), T), 'another key\'s')
  t.notOk(nonceAccepted(key, 'A'.repeat(43), T))
  t.notOk(nonceAccepted(key, undefined, T), 'none')
  t.notOk(nonceAccepted(key, 42, T), 'not a string')
  t.notOk(nonceAccepted(key, currentNonce(key, T) + 'x', T), 'extended')
})

t.test('thumbprints are RFC 7638 SHA-256, as jose computes them', async (t) => {
  // RFC 7638 §3.1's example key and thumbprint.
  t.equal(jwkThumbprint({
    kty: 'RSA', e: 'AQAB', alg: 'RS256', kid: '2011-04-29',
    n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
  }), 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs')
  for (const alg of ['ES256', 'EdDSA', 'PS256'] as const) {
    const k = await dpopKey(alg)
    t.equal(jwkThumbprint(k.publicJwk as Record<string, unknown>), await calculateJwkThumbprint(k.publicJwk, 'sha256'), alg)
  }
  t.equal(jwkThumbprint({ kty: 'oct', k: 'AAAA' }), null, 'a symmetric key has none here')
  t.equal(jwkThumbprint({ kty: 'EC', crv: 'P-256', x: 'AA' }), null, 'a member missing')
  t.ok(isThumbprint('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs'))
  t.notOk(isThumbprint('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9X'), '42 characters')
  t.notOk(isThumbprint('NzbLsXh8uDCcd+6MNwXF4W/7noWXFZAfHkxZsRGC9Xs'), 'base64, not base64url')
})
