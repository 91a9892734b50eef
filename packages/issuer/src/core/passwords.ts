// The user password check shared by the password grant and the sign-in
// page: one failed-login counter for both (DESIGN.md). Admission control
// takes the attempt first (refused: 503, nothing counted); the admitted
// attempt is counted in the store before argon2 runs, so attempts in flight count:
// however many guesses arrive at once, on however many processes, at most
// the policy's number of passwords is checked per username and window.
import type { Admission } from '../credentials/admission.js'
import { dummyPasswordHash, verifyArgon2 } from '../credentials/passwords.js'
import { LOGIN_THROTTLE, retryAfterSeconds, usernameKey } from '../credentials/throttle.js'
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
  ) {}

  async check(username: string, password: string): Promise<LoginOutcome> {
    const name = normaliseUsername(username)
    // Over the limit no user can have this name: refused with nothing hashed, counted or stored.
    if (name.length > MAX_USERNAME_LENGTH) return INVALID
    const key = usernameKey(name)
    // DESIGN.md "Operations": admission first (BusyError when the machine's
    // bound is reached: nothing counted); an admitted attempt counts toward
    // its username before its check.
    const permit = this.admission.admit()
    const now = this.clock()
    let attempt
    try {
      attempt = await this.logins.beginAttempt(key, now, LOGIN_THROTTLE)
    } catch (err) {
      permit.release()
      throw err
    }
    if (!attempt.allowed) {
      permit.release()
      return { ok: false, reason: 'locked', retryAfter: retryAfterSeconds(attempt.lockedUntil, now) }
    }
    // A store failure from here on: the attempt stays counted (the conservative side).
    const user = await permit.run(async (): Promise<UserRecord | null> => {
      const found = await this.users.getByUsername(name)
      // Unknown user: verified against a dummy hash, same cost as a wrong password.
      const good = await verifyArgon2(found?.passwordHash ?? await dummyPasswordHash(), password)
      return good ? found : null
    })
    if (!user) {
      await this.logins.failAttempt(key, this.clock(), LOGIN_THROTTLE)
      return INVALID
    }
    await this.logins.clear(key)
    return { ok: true, user: { id: user.id, username: user.username, scopes: user.scopes } }
  }
}
