// Key generation for the four signing algorithms. kid is the RFC 7638
// SHA-256 JWK thumbprint of the public key.
import { generateKeyPair, type KeyObject } from 'node:crypto'
import { promisify } from 'node:util'
import { calculateJwkThumbprint, type JWK } from 'jose'
import type { SigningAlg } from '../domain/types.js'

const generate = promisify(generateKeyPair)

export interface GeneratedKey {
  kid: string
  alg: SigningAlg
  /** Public JWK: kty and public members only (no kid/alg/use yet). */
  publicJwk: JWK
  /** PKCS #8 DER. */
  privateDer: Buffer
}

async function pairFor(alg: SigningAlg): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  switch (alg) {
    case 'RS256':
    case 'PS256':
      // RFC 7518 §3.3 / §3.5: RSA keys of at least 2048 bits. A PS256 key is
      // an ordinary RSA key (JWK kty "RSA"), used with PSS padding.
      return generate('rsa', { modulusLength: 2048, publicExponent: 0x10001 })
    case 'ES256':
      return generate('ec', { namedCurve: 'P-256' })
    case 'EdDSA':
      return generate('ed25519')
  }
}

/** The public members of a key as a JWK (RFC 7517), nothing private. */
export function publicJwkOf(publicKey: KeyObject): JWK {
  const jwk = publicKey.export({ format: 'jwk' }) as JWK
  switch (jwk.kty) {
    case 'RSA': return { kty: 'RSA', n: jwk.n!, e: jwk.e! }
    case 'EC': return { kty: 'EC', crv: jwk.crv!, x: jwk.x!, y: jwk.y! }
    case 'OKP': return { kty: 'OKP', crv: jwk.crv!, x: jwk.x! }
    default: throw new Error(`unexpected key type ${String(jwk.kty)}`)
  }
}

export async function generateSigningKey(alg: SigningAlg): Promise<GeneratedKey> {
  const { publicKey, privateKey } = await pairFor(alg)
  const publicJwk = publicJwkOf(publicKey)
  // RFC 7638 §3: the thumbprint over the required public members, SHA-256.
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256')
  const privateDer = privateKey.export({ format: 'der', type: 'pkcs8' })
  return { kid, alg, publicJwk, privateDer }
}
