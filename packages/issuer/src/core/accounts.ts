// People's own accounts (DESIGN.md, "Accounts: sign-up, e-mail and
// password reset"): sign-up under its rules and limits, address
// verification and password reset through one-time tokens (256 random
// bits, stored only as a hash, spent atomically by the store). Every limit
// is counted in the store (limits concern), under a fixed-size hash of its
// key, in fixed hour windows; a client address counts by its /64 for IPv6.
import type { Admission } from '../credentials/admission.js'
import { isEmailAddress, normaliseEmail } from '../credentials/emails.js'
import { newUserId } from '../credentials/ids.js'
import { addressBucket, hourWindowEnd, limitKey } from '../credentials/limit-keys.js'
import { hashOpaque, looksLikeOpaque, newOpaque } from '../credentials/opaque.js'
import { passwordProblem } from '../credentials/password-rules.js'
import { hashPassword } from '../credentials/passwords.js'
import { accountKey } from '../credentials/throttle.js'
import { normaliseUsername } from '../credentials/usernames.js'
import { ConflictError, InvalidInputError } from '../domain/errors.js'
import { retryAfterUntil } from '../domain/retry-after.js'
import type { Clock, User } from '../domain/types.js'
import type { IssuerConfig } from '../config.js'
import type { IssuerStore, OneTimePurpose, UserRecord } from '../store/types/index.js'
import type { AccountService, ResetResult, SignUpInput, SignUpResult, SignUpRule } from './types.js'
import { checkUsername } from './validate.js'

/** DESIGN.md, "Accounts": the limits, each per hour. */
export const ACCOUNT_LIMITS = {
  signUpsPerAddress: 5,
  refusedSignUpsPerAddress: 20,
  signUpsInAll: 60,
  resetMessagesPerAccount: 3,
  forgotRequestsPerAddress: 10,
} as const

/** A verification link is valid 24 hours, a reset link 30 minutes (DESIGN.md). */
export const VERIFY_TOKEN_TTL_MS = 24 * 3_600_000
export const RESET_TOKEN_TTL_MS = 30 * 60_000

// Our tokens: 256 random bits, base64url. Anything else is looked up nowhere.

/** Refusals are counted without bound: only their number matters (the 429 past 20). */
const UNBOUNDED = Number.MAX_SAFE_INTEGER

export class Accounts implements AccountService {
  constructor(
    private readonly store: IssuerStore,
    private readonly admission: Admission,
    private readonly clock: Clock,
    private readonly config: IssuerConfig,
  ) {}

  get mailEnabled(): boolean {
    return this.config.smtpUrl !== null
  }

  /** Seconds until the current hour window ends (Retry-After), at least 1. */
  #retryAfter(now: number): number {
    return retryAfterUntil(hourWindowEnd(now), now)
  }

  async signUp(input: SignUpInput, clientAddress: string): Promise<SignUpResult> {
    const now = this.clock()
    const address = addressBucket(clientAddress)
    const refusedKey = limitKey('signup-refused', address)
    if ((await this.store.limits.count(refusedKey, now)) >= ACCOUNT_LIMITS.refusedSignUpsPerAddress) {
      return { ok: false, rule: 'limited', retryAfter: this.#retryAfter(now) }
    }
    const checked = await this.#check(input)
    if (typeof checked === 'string') {
      await this.store.limits.take(refusedKey, UNBOUNDED, hourWindowEnd(now))
      return { ok: false, rule: checked }
    }
    const window = hourWindowEnd(now)
    // Counted before the work, so concurrent sign-ups share the bounds; a refusal here creates nothing.
    if (!(await this.store.limits.take(limitKey('signup', address), ACCOUNT_LIMITS.signUpsPerAddress, window)) ||
      !(await this.store.limits.take(limitKey('signup-all'), ACCOUNT_LIMITS.signUpsInAll, window))) {
      return { ok: false, rule: 'limited', retryAfter: this.#retryAfter(now) }
    }
    const passwordHash = await this.admission.run(() => hashPassword(input.password))
    const record: UserRecord = {
      id: newUserId(), username: checked.username, scopes: [...this.config.signupScope], passwordHash, email: checked.email,
      emailVerified: false, name: null, emailPending: null, createdAt: now, updatedAt: now,
    }
    try {
      await this.store.users.insert(record)
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err
      // Taken meanwhile by another sign-up.
      await this.store.limits.take(refusedKey, UNBOUNDED, window)
      return { ok: false, rule: 'username_taken' }
    }
    const user: User = { id: record.id, username: record.username, scopes: record.scopes }
    const verification = checked.email !== null && this.mailEnabled ? await this.newVerification(record.id, checked.email) : null
    return { ok: true, user, verification: verification === null ? null : { to: checked.email!, token: verification } }
  }

  /** Every refusal rule of sign-up, in order; the first broken one, or the normalised values. */
  async #check(input: SignUpInput): Promise<SignUpRule | { username: string; email: string | null }> {
    const username = normaliseUsername(input.username)
    try {
      checkUsername(username)
    } catch (err) {
      if (err instanceof InvalidInputError) return 'username_invalid'
      throw err
    }
    let email: string | null = null
    if (this.mailEnabled) {
      if (input.email === undefined || input.email.trim() === '') return 'email_missing'
      email = normaliseEmail(input.email)
      if (!isEmailAddress(email)) return 'email_invalid'
    }
    const rule = passwordProblem(input.password, this.config.passwordMinLength, [username, email])
    if (rule !== null) return `password_${rule}`
    const users = this.store.users
    if ((await users.getByUsername(username)) !== null || (await users.getByVerifiedEmail(username)) !== null) return 'username_taken'
    if (email !== null) {
      if ((await users.getByVerifiedEmail(email)) !== null) return 'email_taken'
      if ((await users.getByUsername(email)) !== null) return 'email_is_username'
    }
    return { username, email }
  }

  async newVerification(userId: string, address: string): Promise<string> {
    return this.#newToken('verify_email', userId, address, VERIFY_TOKEN_TTL_MS)
  }

  async #newToken(purpose: OneTimePurpose, userId: string, address: string | null, ttlMs: number): Promise<string> {
    const token = newOpaque()
    const now = this.clock()
    // A newer reset link voids older ones; verification links stay until the address changes.
    await this.store.oneTimeTokens.insert({ hash: hashOpaque(token), purpose, userId, address, createdAt: now, expiresAt: now + ttlMs },
      purpose === 'reset_password')
    return token
  }

  /** The token's user, when it is a live token of that purpose (not spent). */
  async #holder(token: string, purpose: OneTimePurpose): Promise<{ user: UserRecord; address: string | null } | null> {
    if (!looksLikeOpaque(token)) return null
    const found = await this.store.oneTimeTokens.find(hashOpaque(token), purpose, this.clock())
    if (found === null) return null
    const user = await this.store.users.getById(found.userId)
    return user === null ? null : { user, address: found.address }
  }

  async verification(token: string): Promise<{ username: string; address: string } | null> {
    const found = await this.#holder(token, 'verify_email')
    if (found === null || found.address === null) return null
    const { user, address } = found
    // It confirms its address only while that is still the user's address or pending address.
    return user.email === address || user.emailPending === address ? { username: user.username, address } : null
  }

  async confirmEmail(token: string): Promise<boolean> {
    if (!looksLikeOpaque(token)) return false
    const now = this.clock()
    const spent = await this.store.oneTimeTokens.spend(hashOpaque(token), 'verify_email', now)
    if (spent === null || spent.address === null) return false
    return this.store.users.confirmEmail(spent.userId, spent.address, now)
  }

  async forgotAllowed(clientAddress: string): Promise<boolean> {
    const now = this.clock()
    return this.store.limits.take(limitKey('forgot', addressBucket(clientAddress)), ACCOUNT_LIMITS.forgotRequestsPerAddress, hourWindowEnd(now))
  }

  async prepareReset(login: string): Promise<{ to: string; username: string; token: string } | null> {
    const name = normaliseUsername(login.trim())
    if (name === '' || name.length > 256) return null
    const user = (await this.store.users.getByUsername(name)) ?? (await this.store.users.getByVerifiedEmail(name))
    // A reset is only ever sent to a verified address.
    if (user === null || user.email === null || !user.emailVerified) return null
    const window = hourWindowEnd(this.clock())
    if (!(await this.store.limits.take(limitKey('reset-mail', user.id), ACCOUNT_LIMITS.resetMessagesPerAccount, window))) return null
    const token = await this.#newToken('reset_password', user.id, null, RESET_TOKEN_TTL_MS)
    return { to: user.email, username: user.username, token }
  }

  async resetAccount(token: string): Promise<{ username: string } | null> {
    const found = await this.#holder(token, 'reset_password')
    return found === null ? null : { username: found.user.username }
  }

  async resetPassword(token: string, password: string): Promise<ResetResult> {
    const found = await this.#holder(token, 'reset_password')
    if (found === null) return { ok: false, rule: 'invalid_token' }
    const { user } = found
    const rule = passwordProblem(password, this.config.passwordMinLength, [user.username, user.email])
    if (rule !== null) return { ok: false, rule: `password_${rule}` }
    const passwordHash = await this.admission.run(() => hashPassword(password))
    const now = this.clock()
    // Spent first (single use across processes), then the password with every effect of `user set-password`.
    if ((await this.store.oneTimeTokens.spend(hashOpaque(token), 'reset_password', now)) === null) return { ok: false, rule: 'invalid_token' }
    const changed = await this.store.users.setPassword(user.username, passwordHash, accountKey(user.id), now)
    return changed ? { ok: true, username: user.username } : { ok: false, rule: 'invalid_token' }
  }
}
