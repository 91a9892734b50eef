// The user password check shared by the password grant and the sign-in
// page: one failed-login counter for both (DESIGN.md). The attempt is
// counted in the store before argon2 runs, so attempts in flight count:
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
    const now = this.clock()
    const admission = await this.logins.beginAttempt(key, now, LOGIN_THROTTLE)
    if (!admission.allowed) return { ok: false, reason: 'locked', retryAfter: retryAfterSeconds(admission.lockedUntil, now) }
    // Refused by admission control (BusyError) or a store failure: the attempt stays counted
    // (the conservative side: the bound on checked passwords holds either way).
    const user = await this.admission.run(async (): Promise<UserRecord | null> => {
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
