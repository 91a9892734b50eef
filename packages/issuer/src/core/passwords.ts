// The user password check shared by the password grant and the sign-in
// page: one failed-login counter for both (DESIGN.md). Admission control
// takes the attempt first (refused: 503, nothing counted); the admitted
// attempt is counted in the store before argon2 runs, so attempts in flight count:
// however many guesses arrive at once, on however many processes, at most
// the policy's number of passwords is checked per key and window.
//
// DESIGN.md, "Accounts": the value typed names the user whose normalised
// username it is, else the user whose verified address it is; failures
// count per account when it names one (alternating username and address
// gains nothing), else per normalised value. A browser holding a device
// cookie for the account (OWASP "device cookies") is not shut out by a lock
// caused elsewhere: its failures count for that device only, at the same
// limit, and its success resets that device's count only. The password
// grant has no device and keeps the account-wide lock.
import type { Admission } from '../credentials/admission.js'
import { readDeviceCookie, writeDeviceCookie } from '../credentials/device-cookie.js'
import { dummyPasswordHash, verifyArgon2 } from '../credentials/passwords.js'
import { accountKey, deviceKey, LOGIN_THROTTLE, usernameKey } from '../credentials/throttle.js'
import { retryAfterUntil } from '../domain/retry-after.js'
import { MAX_USERNAME_LENGTH, normaliseUsername } from '../credentials/usernames.js'
import type { LoginThrottleStore, UserRecord, UserStore } from '../store/types/index.js'
import type { Clock, LoginOutcome } from '../domain/types.js'

const INVALID: LoginOutcome = { ok: false, reason: 'invalid_grant' }

export class PasswordCheck {
  constructor(
    private readonly users: UserStore,
    private readonly logins: LoginThrottleStore,
    private readonly admission: Admission,
    private readonly clock: Clock,
    /** The server secret device cookies are signed with. */
    private readonly deviceSecret: Buffer,
  ) {}

  /**
   * The user a typed value names: by normalised username, else by verified
   * address. Both look-ups always run, so a name, an address and an unknown
   * value cost the same (DESIGN.md: unknown user and wrong password are
   * indistinguishable in time).
   */
  async find(normalised: string): Promise<UserRecord | null> {
    const [byName, byAddress] = await Promise.all([this.users.getByUsername(normalised), this.users.getByVerifiedEmail(normalised)])
    return byName ?? byAddress
  }

  /**
   * Checks `login` (username or verified address) and `password`. With
   * `device` (the sign-in pages: the browser's device cookie, possibly
   * absent), success answers the cookie's new value.
   */
  async check(login: string, password: string, device?: { cookie: string | undefined }): Promise<LoginOutcome> {
    const name = normaliseUsername(login)
    // Over the limit no user can have this name: refused with nothing hashed, counted or stored.
    if (name.length > MAX_USERNAME_LENGTH) return INVALID
    // DESIGN.md "Operations": admission first (BusyError when the machine's
    // bound is reached: nothing counted); an admitted attempt counts toward
    // its account (or this device's entry for it, or the normalised value
    // when it names no account) before its check.
    const permit = this.admission.admit()
    const now = this.clock()
    let found: UserRecord | null
    let key: string
    let attempt
    try {
      found = await this.find(name)
      const entries = device === undefined ? [] : readDeviceCookie(this.deviceSecret, device.cookie, now)
      const entry = found === null ? undefined : entries.find((e) => e.userId === found!.id)
      key = entry !== undefined ? deviceKey(found!.id, entry.nonce) : found !== null ? accountKey(found.id) : usernameKey(name)
      attempt = await this.logins.beginAttempt(key, now, LOGIN_THROTTLE)
    } catch (err) {
      permit.release()
      throw err
    }
    if (!attempt.allowed) {
      permit.release()
      return { ok: false, reason: 'locked', retryAfter: retryAfterUntil(attempt.lockedUntil, now) }
    }
    // A store failure from here on: the attempt stays counted (the conservative side).
    // Unknown user: verified against a dummy hash, same cost as a wrong password.
    const good = await permit.run(async () => verifyArgon2(found?.passwordHash ?? await dummyPasswordHash(), password))
    if (!good || found === null) {
      await this.logins.failAttempt(key, this.clock(), LOGIN_THROTTLE)
      return INVALID
    }
    await this.logins.clear(key)
    const user = { id: found.id, username: found.username, scopes: found.scopes }
    if (device === undefined) return { ok: true, user }
    return { ok: true, user, device: this.remember(device.cookie, found.id) }
  }

  /** The device cookie's value once `userId` signed in on this browser (or signed up on it). */
  remember(cookie: string | undefined, userId: string): string {
    const now = this.clock()
    return writeDeviceCookie(this.deviceSecret, readDeviceCookie(this.deviceSecret, cookie, now), userId, now)
  }
}
