// Private keys at rest. A private key is kept as PKCS #8 DER, base64url:
//   plain:<der>                                     no key encryption key given
//   aes256gcm.v1:<iv>:<tag>:<ciphertext>            with a key encryption key
// AES-256-GCM with a random 96-bit IV per key, a 128-bit tag, and the kid as
// additional authenticated data (a ciphertext moved to another row fails).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { ConfigError } from '../domain/errors.js'

const PLAIN = 'plain:'
const V1 = 'aes256gcm.v1:'

export const isEncrypted = (stored: string): boolean => stored.startsWith(V1)

/** Seals a PKCS #8 DER private key for the store (encrypted when `kek` is given). */
export function sealPrivateKey(der: Buffer, kid: string, kek: Buffer | null): string {
  if (!kek) return PLAIN + der.toString('base64url')
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', kek, iv)
  cipher.setAAD(Buffer.from(kid, 'utf8'))
  const ciphertext = Buffer.concat([cipher.update(der), cipher.final()])
  const tag = cipher.getAuthTag()
  return `${V1}${iv.toString('base64url')}:${tag.toString('base64url')}:${ciphertext.toString('base64url')}`
}

/**
 * Opens a stored private key. Throws ConfigError (one line, for the
 * operator) when the key is encrypted and `kek` is missing or wrong.
 */
export function openPrivateKey(stored: string, kid: string, kek: Buffer | null, dbPath: string): Buffer {
  if (stored.startsWith(PLAIN)) return Buffer.from(stored.slice(PLAIN.length), 'base64url')
  if (!stored.startsWith(V1)) throw new ConfigError(`${dbPath}: signing key ${kid} is stored in an unknown format`)
  if (!kek) {
    throw new ConfigError(`${dbPath} holds encrypted signing keys: set TESSERA_KEY_ENCRYPTION_KEY or --key-encryption-key-file`)
  }
  const [iv, tag, ciphertext] = stored.slice(V1.length).split(':')
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(iv ?? '', 'base64url'))
    decipher.setAAD(Buffer.from(kid, 'utf8'))
    decipher.setAuthTag(Buffer.from(tag ?? '', 'base64url'))
    return Buffer.concat([decipher.update(Buffer.from(ciphertext ?? '', 'base64url')), decipher.final()])
  } catch {
    throw new ConfigError(`the key encryption key does not decrypt the signing keys in ${dbPath} (wrong key?)`)
  }
}

// Server secrets (e.g. the refresh-token key) are sealed the same way, with
// `secret:<name>` as additional data, so a key row and a secret row can
// never be swapped for one another.
const secretAad = (name: string): string => `secret:${name}`

export function sealSecret(value: Buffer, name: string, kek: Buffer | null): string {
  return sealPrivateKey(value, secretAad(name), kek)
}

export function openSecret(stored: string, name: string, kek: Buffer | null, dbPath: string): Buffer {
  return openPrivateKey(stored, secretAad(name), kek, dbPath)
}
