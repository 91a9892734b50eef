// Signing on the hot path: the private key is imported once into a
// node:crypto KeyObject and the protected header is encoded once per key;
// each token is then one JSON.stringify, one base64url and one crypto.sign.
import { constants, createPrivateKey, sign, type KeyObject, type SignKeyObjectInput } from 'node:crypto'
import type { SigningAlg } from '../domain/types.js'

/** The JOSE `typ` of what is signed: RFC 9068 §2.1 access tokens, or OpenID Connect ID tokens (`JWT`, never `at+jwt`). */
export type TokenTyp = 'at+jwt' | 'JWT'

export interface Signer {
  kid: string
  alg: SigningAlg
  /** Returns the compact JWS (RFC 7515 §7.1) of `payload`, with header `{alg, kid, typ}` (default `at+jwt`). */
  sign(payload: Record<string, unknown>, typ?: TokenTyp): string
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
  // RFC 9068 §2.1: typ "at+jwt"; an ID token's is "JWT" (OpenID Connect Core §2, RFC 8725 §3.11: explicit typing).
  const headerOf = (typ: TokenTyp) => Buffer.from(JSON.stringify({ alg, kid, typ })).toString('base64url')
  const headers: Record<TokenTyp, string> = { 'at+jwt': headerOf('at+jwt'), JWT: headerOf('JWT') }
  const signData = signFunction(alg, key)
  return {
    kid,
    alg,
    sign(payload, typ = 'at+jwt') {
      const signingInput = `${headers[typ]}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`
      return `${signingInput}.${signData(Buffer.from(signingInput)).toString('base64url')}`
    },
  }
}
