// The account page's service (DESIGN.md "The account page, remembered
// consent, scope descriptions and branding"): a signed-in person's own
// account. Passwords typed on the page are checked by the caller first,
// exactly as at sign-in; here are the rules and the changes: the display
// name; a new password under the sign-up rules (every other session ends,
// refresh tokens revoked); a new address held as pending until its link is
// used (a verified old address gets a notice); the link sent again within
// the reset limits; the apps that hold access and "Remove access"; "Sign
// out everywhere" and "Delete account" as `user sign-out` and `user delete`.
import type { Admission } from '../credentials/admission.js'
import { isEmailAddress, normaliseEmail } from '../credentials/emails.js'
import { addressBucket, hourWindowEnd, limitKey } from '../credentials/limit-keys.js'
import { hashOpaque } from '../credentials/opaque.js'
import { passwordProblem } from '../credentials/password-rules.js'
import { hashPassword } from '../credentials/passwords.js'
import { InvalidInputError } from '../domain/errors.js'
import type { Clock } from '../domain/types.js'
import type { IssuerConfig } from '../config.js'
import type { IssuerStore, UserRecord } from '../store/types/index.js'
import { ACCOUNT_LIMITS } from './accounts.js'
import { checkDisplayName } from './admin/users.js'
import type {
  AccountMail, AccountPageService, AccountProfile, ConnectedApp, EmailChangeRule, PasswordRefusal,
} from './types.js'

const profileOf = (u: UserRecord): AccountProfile => ({
  userId: u.id, username: u.username, email: u.email, emailVerified: u.emailVerified, emailPending: u.emailPending, name: u.name,
})

export class AccountPage implements AccountPageService {
  constructor(
    private readonly store: IssuerStore,
    private readonly admission: Admission,
    private readonly clock: Clock,
    private readonly config: IssuerConfig,
    /** A verification token for an address of the user (core/accounts.ts). */
    private readonly newVerification: (userId: string, address: string) => Promise<string>,
  ) {}

  async profile(userId: string): Promise<AccountProfile | null> {
    const user = await this.store.users.getById(userId)
    return user === null ? null : profileOf(user)
  }

  async connectedApps(userId: string): Promise<ConnectedApp[]> {
    const [consents, grants] = await Promise.all([
      this.store.consents.listForUser(userId), this.store.account.liveGrants(userId, this.clock()),
    ])
    const byClient = new Map<string, { scopes: Set<string>; since: number }>()
    for (const held of [...consents, ...grants]) {
      const entry = byClient.get(held.clientId) ?? { scopes: new Set<string>(), since: held.createdAt }
      for (const s of held.scopes) entry.scopes.add(s)
      entry.since = Math.min(entry.since, held.createdAt)
      byClient.set(held.clientId, entry)
    }
    const apps: ConnectedApp[] = []
    for (const [clientId, entry] of byClient) {
      const client = await this.store.clients.get(clientId)
      if (client === null) continue
      apps.push({ clientId, name: client.name === '' ? client.id : client.name, scopes: [...entry.scopes].sort(), since: entry.since })
    }
    return apps.sort((a, b) => a.since - b.since || a.clientId.localeCompare(b.clientId))
  }

  removeAccess(userId: string, clientId: string): Promise<boolean> {
    return this.store.account.removeAccess(userId, clientId)
  }

  async setDisplayName(userId: string, value: string): Promise<boolean> {
    let name: string | null
    try {
      name = checkDisplayName(value)
    } catch (err) {
      if (err instanceof InvalidInputError) return false
      throw err
    }
    return (await this.store.users.update(userId, { name }, this.clock())) !== null
  }

  newPasswordProblem(profile: AccountProfile, password: string): PasswordRefusal | null {
    const rule = passwordProblem(password, this.config.passwordMinLength, [profile.username, profile.email, profile.emailPending])
    return rule === null ? null : `password_${rule}`
  }

  async changePassword(userId: string, keepSessionId: string, password: string): Promise<boolean> {
    const passwordHash = await this.admission.run(() => hashPassword(password))
    return this.store.account.changePassword(userId, passwordHash, hashOpaque(keepSessionId), this.clock())
  }

  async checkNewEmail(profile: AccountProfile, value: string): Promise<{ ok: true; address: string } | { ok: false; rule: EmailChangeRule }> {
    const refuse = (rule: EmailChangeRule) => ({ ok: false as const, rule })
    if (value.trim() === '') return refuse('email_missing')
    const address = normaliseEmail(value)
    if (!isEmailAddress(address)) return refuse('email_invalid')
    if (address === profile.email && profile.emailVerified) return refuse('email_unchanged')
    // DESIGN.md, "Accounts": refused only when verified on another account, or another user's username.
    const holder = await this.store.users.getByVerifiedEmail(address)
    if (holder !== null && holder.id !== profile.userId) return refuse('email_taken')
    const named = await this.store.users.getByUsername(address)
    if (named !== null && named.id !== profile.userId) return refuse('email_is_username')
    return { ok: true, address }
  }

  async requestEmailChange(userId: string, address: string): Promise<AccountMail[] | null> {
    const before = await this.store.users.getById(userId)
    if (before === null || !(await this.store.account.setPendingEmail(userId, address, this.clock()))) return null
    const mails: AccountMail[] = [{ to: address, username: before.username, token: await this.newVerification(userId, address) }]
    // The verified old address hears of it when it is requested (DESIGN.md).
    if (before.email !== null && before.emailVerified && before.email !== address) {
      mails.push({ to: before.email, username: before.username, token: null, newAddress: address })
    }
    return mails
  }

  async resendVerification(userId: string, clientAddress: string): Promise<AccountMail | null> {
    const user = await this.store.users.getById(userId)
    if (user === null) return null
    const address = user.emailPending ?? (user.email !== null && !user.emailVerified ? user.email : null)
    if (address === null) return null
    // The reset limits (DESIGN.md): 10 requests per client address, 3 messages per account, an hour.
    const window = hourWindowEnd(this.clock())
    if (!(await this.store.limits.take(limitKey('verify-again', addressBucket(clientAddress)), ACCOUNT_LIMITS.forgotRequestsPerAddress, window))) return null
    if (!(await this.store.limits.take(limitKey('verify-mail', user.id), ACCOUNT_LIMITS.resetMessagesPerAccount, window))) return null
    return { to: address, username: user.username, token: await this.newVerification(user.id, address) }
  }

  async signOutEverywhere(username: string): Promise<void> {
    await this.store.users.signOut(username)
  }

  deleteAccount(username: string): Promise<boolean> {
    return this.store.users.delete(username)
  }
}
