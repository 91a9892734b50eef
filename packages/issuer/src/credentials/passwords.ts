// User passwords: argon2id, its parameters in this one place. At least the
// OWASP minimum (m = 19 MiB, t = 2, p = 1). Hash strings are self-describing
// (PHC `$argon2id$v=19$m=...`), so parameters can be raised later and old
// hashes still verify.
import argon2 from 'argon2'

export const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19456, // KiB (19 MiB)
  timeCost: 2,
  parallelism: 1,
} as const

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS)
}

/** False for a wrong password or a hash string that is not argon2. */
export async function verifyArgon2(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password)
  } catch {
    return false
  }
}

let dummyHash: Promise<string> | undefined

/**
 * A hash at the current parameters of a random password nobody knows: an
 * unknown user is verified against it so that it costs the same as a wrong
 * password.
 */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= argon2.hash(`dummy-${Math.random()}-${Date.now()}`, ARGON2_OPTIONS)
  return dummyHash
}
