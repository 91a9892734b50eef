// The device cookie (OWASP Authentication Cheat Sheet, "device cookies";
// DESIGN.md, "Accounts"): a browser where a person signed in successfully
// holds, for each of up to 5 accounts, a random device nonce, signed
// (HMAC-SHA-256 under a server secret kept like the signing keys), so a
// lock caused by failures elsewhere does not shut that browser out, and its
// own failures count for that device only. The value is
// base64url(JSON [[userId, nonce, issuedAt], ...]) "." base64url(MAC):
// ids and nonces only, nothing secret, nothing a person typed.
import { createHmac, randomBytes } from 'node:crypto'
import { digestsEqual } from './constant-time.js'

/** Accounts one cookie remembers; beyond, the oldest is dropped. */
export const DEVICE_ACCOUNTS = 5
/** A device entry lasts a year, as the cookie does. */
export const DEVICE_TTL_MS = 365 * 86_400_000
/** A cookie longer than this is not ours (5 entries are far below it). */
const MAX_COOKIE_LENGTH = 2048

export interface DeviceEntry {
  userId: string
  /** 128 random bits, base64url: this browser's name for the account's device counter. */
  nonce: string
  issuedAt: number
}

const mac = (key: Buffer, payload: string): Buffer => createHmac('sha256', key).update('tessera-device\0').update(payload).digest()

const ENTRY = /^[A-Za-z0-9_-]{1,64}$/

/** The entries of a cookie that verifies and has not expired at `now`; none for anything else. */
export function readDeviceCookie(key: Buffer, value: string | undefined, now: number): DeviceEntry[] {
  if (value === undefined || value.length > MAX_COOKIE_LENGTH) return []
  const dot = value.indexOf('.')
  if (dot < 0) return []
  const payload = value.slice(0, dot)
  if (!digestsEqual(Buffer.from(mac(key, payload).toString('base64url')), Buffer.from(value.slice(dot + 1)))) return []
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
  } catch {
    return []
  }
  if (!Array.isArray(parsed)) return []
  return parsed.flatMap((e: unknown): DeviceEntry[] => {
    if (!Array.isArray(e) || e.length !== 3) return []
    const [userId, nonce, issuedAt] = e as unknown[]
    if (typeof userId !== 'string' || typeof nonce !== 'string' || typeof issuedAt !== 'number') return []
    if (!ENTRY.test(userId) || !ENTRY.test(nonce) || issuedAt + DEVICE_TTL_MS <= now) return []
    return [{ userId, nonce, issuedAt }]
  }).slice(-DEVICE_ACCOUNTS)
}

/** A new nonce for an account first signed into on this device. */
export const newDeviceNonce = (): string => randomBytes(16).toString('base64url')

/**
 * The cookie value after a successful sign-in of `userId` on this device:
 * its entry (keeping its nonce when it had one) moves to the newest place,
 * and at most DEVICE_ACCOUNTS entries stay (the oldest dropped).
 */
export function writeDeviceCookie(key: Buffer, entries: readonly DeviceEntry[], userId: string, now: number): string {
  const kept = entries.find((e) => e.userId === userId)
  const next = [...entries.filter((e) => e.userId !== userId), { userId, nonce: kept?.nonce ?? newDeviceNonce(), issuedAt: now }]
    .slice(-DEVICE_ACCOUNTS)
  const payload = Buffer.from(JSON.stringify(next.map((e) => [e.userId, e.nonce, e.issuedAt])), 'utf8').toString('base64url')
  return `${payload}.${mac(key, payload).toString('base64url')}`
}
