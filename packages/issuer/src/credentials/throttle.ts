// The failed-login throttle (per normalised username, existing or not):
// at most 10 passwords checked within 15 minutes, then the username is
// refused for 15 minutes, even with the right password. An attempt counts
// before its password is checked, so parallel guesses share the bound. The
// state lives in the store, keyed by a fixed-size hash of the normalised
// username (never the name itself), so it survives restarts and is shared
// by every process on the database.
import { createHash } from 'node:crypto'
import type { ThrottlePolicy } from '../store/types/index.js'

export const LOGIN_THROTTLE: ThrottlePolicy = {
  maxFailures: 10,
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
}

/** The throttle's key for a normalised username: SHA-256, base64url (43 characters whatever the name). */
export const usernameKey = (normalised: string): string => createHash('sha256').update(normalised, 'utf8').digest('base64url')

/**
 * DESIGN.md, "Accounts": failures count per account when the value typed
 * names one (username or verified address alike), and per device for a
 * browser holding a device cookie for it. Hashed like the username key;
 * the prefixes keep the three kinds of key apart.
 */
export const accountKey = (userId: string): string => usernameKey(`\0account\0${userId}`)
export const deviceKey = (userId: string, nonce: string): string => usernameKey(`\0device\0${userId}\0${nonce}`)

