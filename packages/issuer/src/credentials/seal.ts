// Values the issuer hands to a browser and takes back, sealed: AES-256-GCM
// under a server key (kept in the store like the signing keys, so every
// process opens what another sealed), a random 96-bit IV per seal, a
// 128-bit tag, and a purpose as additional authenticated data (a seal made
// for one purpose never opens for another). base64url(iv || ciphertext ||
// tag): unchanged by form encoding.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

const IV_BYTES = 12
const TAG_BYTES = 16
const BASE64URL = /^[A-Za-z0-9_-]+$/

export function seal(key: Buffer, purpose: string, plaintext: Buffer): string {
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(purpose, 'utf8'))
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()])
  return Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64url')
}

/** The plaintext, or null when the seal is malformed, was made under another key or for another purpose, or was altered. */
export function unseal(key: Buffer, purpose: string, sealed: string): Buffer | null {
  if (!BASE64URL.test(sealed)) return null
  const raw = Buffer.from(sealed, 'base64url')
  if (raw.length < IV_BYTES + TAG_BYTES) return null
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES))
    decipher.setAAD(Buffer.from(purpose, 'utf8'))
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES))
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()])
  } catch {
    return null
  }
}
