// User administration (the sign-in page and the legacy password grant):
// create, list, show, update, delete, set-password, sign-out. Usernames
// and addresses are normalised (NFC, lower case). An address set by the
// operator counts as verified; it is refused only when verified on another
// user or equal to another user's username (DESIGN.md, "Accounts").
// Deleting a user, changing a password or signing out ends the user's
// sessions and revokes their refresh tokens and codes.
import type { Clock } from '../../domain/types.js'
import { ConflictError, InvalidInputError, NotFoundError } from '../../domain/errors.js'
import type { IssuerStore, UserChanges, UserRecord } from '../../store/types/index.js'
import { isEmailAddress, normaliseEmail } from '../../credentials/emails.js'
import { newUserId } from '../../credentials/ids.js'
import { hashPassword } from '../../credentials/passwords.js'
import { normaliseUsername } from '../../credentials/usernames.js'
import { accountKey } from '../../credentials/throttle.js'
import { checkName, checkPassword, checkUsername, parseScopes } from '../validate.js'

export interface UserInfo {
  id: string
  username: string
  scopes: string[]
  email: string | null
  emailVerified: boolean
  name: string | null
  createdAt: number
  updatedAt: number
}

const info = (u: UserRecord): UserInfo => ({
  id: u.id, username: u.username, scopes: u.scopes, email: u.email, emailVerified: u.emailVerified, name: u.name,
  createdAt: u.createdAt, updatedAt: u.updatedAt,
})

/** An address as the operator gives it: normalised and well-formed, else one line. */
export function checkEmail(value: string): string {
  const email = normaliseEmail(value)
  if (!isEmailAddress(email)) throw new InvalidInputError(`bad e-mail address "${value}": expected one like john@example.com`)
  return email
}

/** A display name: trimmed, at most 200 characters, no control characters; empty removes it. */
export function checkDisplayName(value: string): string | null {
  return value.trim() === '' ? null : checkName(value.normalize('NFC'))
}

export interface UserUpdate {
  scopes?: string[]
  email?: string
  name?: string
}

export class UserAdmin {
  constructor(private readonly store: IssuerStore, private readonly clock: Clock) {}

  /** A user created without scopes has none (its password grant yields no scope). */
  async create(input: { username: string; scopes?: string[]; password: string; email?: string; name?: string }): Promise<UserInfo> {
    const username = checkUsername(normaliseUsername(input.username))
    const scopes = parseScopes(input.scopes ?? [])
    const email = input.email === undefined ? null : checkEmail(input.email)
    const name = input.name === undefined ? null : checkDisplayName(input.name)
    checkPassword(input.password)
    if (await this.store.users.getByVerifiedEmail(username)) throw new ConflictError(`the username ${username} is another user's e-mail address`)
    if (email !== null) await this.#addressFree(email, null)
    const passwordHash = await hashPassword(input.password)
    const now = this.clock()
    const record: UserRecord = {
      id: newUserId(), username, scopes, passwordHash, email, emailVerified: email !== null, name, emailPending: null, createdAt: now, updatedAt: now,
    }
    await this.store.users.insert(record)
    return info(record)
  }

  /** DESIGN.md: an address verified on another user, or another user's username, is refused. */
  async #addressFree(email: string, userId: string | null): Promise<void> {
    const holder = await this.store.users.getByVerifiedEmail(email)
    if (holder !== null && holder.id !== userId) throw new ConflictError(`the address ${email} is verified on another user`)
    const named = await this.store.users.getByUsername(email)
    if (named !== null && named.id !== userId) throw new ConflictError(`the address ${email} is another user's username`)
  }

  async list(): Promise<UserInfo[]> {
    return (await this.store.users.list()).map(info)
  }

  async show(username: string): Promise<UserInfo> {
    const name = normaliseUsername(username)
    const user = await this.store.users.getByUsername(name)
    if (!user) throw new NotFoundError(`no user ${name}`)
    return info(user)
  }

  /** Changes the user in place (same id, the `sub` of its tokens); what is not given stays. */
  async update(username: string, update: UserUpdate): Promise<UserInfo> {
    const name = normaliseUsername(username)
    const changes: UserChanges = {}
    if (update.scopes !== undefined) changes.scopes = parseScopes(update.scopes)
    if (update.name !== undefined) changes.name = checkDisplayName(update.name)
    const email = update.email === undefined ? undefined : update.email.trim() === '' ? null : checkEmail(update.email)
    const user = await this.store.users.getByUsername(name)
    if (!user) throw new NotFoundError(`no user ${name}`)
    if (email !== undefined) {
      if (email !== null) await this.#addressFree(email, user.id)
      changes.email = { address: email, verified: email !== null }
      if (email !== null && user.emailPending === email) changes.emailPending = null
    }
    const updated = await this.store.users.update(user.id, changes, this.clock())
    if (!updated) throw new NotFoundError(`no user ${name}`)
    return info(updated)
  }

  async delete(username: string): Promise<void> {
    const name = normaliseUsername(username)
    if (!(await this.store.users.delete(name))) throw new NotFoundError(`no user ${name}`)
  }

  async setPassword(username: string, password: string): Promise<void> {
    const name = normaliseUsername(username)
    checkPassword(password)
    const user = await this.store.users.getByUsername(name)
    if (!user) throw new NotFoundError(`no user ${name}`)
    // One transaction: the new hash, sessions and refresh tokens ended, a clean failure count.
    const ok = await this.store.users.setPassword(name, await hashPassword(password), accountKey(user.id), this.clock())
    if (!ok) throw new NotFoundError(`no user ${name}`)
  }

  /** Ends every sign-in session of the user and revokes their refresh tokens and codes. */
  async signOut(username: string): Promise<void> {
    const name = normaliseUsername(username)
    if (!(await this.store.users.signOut(name))) throw new NotFoundError(`no user ${name}`)
  }
}
