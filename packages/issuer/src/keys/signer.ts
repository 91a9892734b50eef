// Signing on the hot path: the private key is imported once into a
// node:crypto KeyObject and the protected header is encoded once per key;
// each token is then one JSON.stringify, one base64url and one crypto.sign.
import { constants, createPrivateKey, sign, type KeyObject, type SignKeyObjectInput } from 'node:crypto'
import type { SigningAlg } from '../domain/types.js'

export interface Signer {
  kid: string
  alg: SigningAlg
  /** Returns the compact JWS (RFC 7515 §7.1) of `payload`. */
  sign(payload: Record<string, unknown>): string
}

function signFunction(alg: SigningAlg, key: KeyObject): (data: Buffer) => Buffer {
  switch (alg) {
    case 'RS256':
      return (data) => sign('sha256', data, key)
    case 'PS256': {
      // RFC 7518 §3.5: RSASSA-PSS with SHA-256, MGF1 SHA-256, salt = hash length.
      const opts: SignKeyObjectInput = { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
      return (data) => sign('sha256', data, opts)
    }
    case 'ES256': {
      // RFC 7518 §3.4: the signature is R || S (IEEE P1363), not DER.
      const opts: SignKeyObjectInput = { key, dsaEncoding: 'ieee-p1363' }
      return (data) => sign('sha256', data, opts)
    }
    case 'EdDSA':
      // RFC 8037 §3.1: Ed25519 hashes internally: no digest algorithm.
      return (data) => sign(null, data, key)
  }
}

export function createSigner(kid: string, alg: SigningAlg, privateDer: Buffer): Signer {
  const key = createPrivateKey({ key: privateDer, format: 'der', type: 'pkcs8' })
  // RFC 9068 §2.1: typ "at+jwt".
  const header = Buffer.from(JSON.stringify({ alg, kid, typ: 'at+jwt' })).toString('base64url')
  const signData = signFunction(alg, key)
  return {
    kid,
    alg,
    sign(payload) {
      const signingInput = `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`
      return `${signingInput}.${signData(Buffer.from(signingInput)).toString('base64url')}`
    },
  }
}
