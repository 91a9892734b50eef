// User administration (the sign-in page and the legacy password grant):
// create, list, delete, set-password, sign-out. Usernames are normalised
// (NFC, lower case). Deleting a user, changing a password or signing out
// ends the user's sessions and revokes their refresh tokens and codes.
import type { Clock } from '../../domain/types.js'
import { NotFoundError } from '../../domain/errors.js'
import type { IssuerStore, UserRecord } from '../../store/types/index.js'
import { newUserId } from '../../credentials/ids.js'
import { hashPassword } from '../../credentials/passwords.js'
import { normaliseUsername } from '../../credentials/usernames.js'
import { usernameKey } from '../../credentials/throttle.js'
import { checkPassword, checkUsername, parseScopes } from '../validate.js'

export interface UserInfo {
  id: string
  username: string
  scopes: string[]
  createdAt: number
  updatedAt: number
}

const info = (u: UserRecord): UserInfo => ({
  id: u.id, username: u.username, scopes: u.scopes, createdAt: u.createdAt, updatedAt: u.updatedAt,
})

export class UserAdmin {
  constructor(private readonly store: IssuerStore, private readonly clock: Clock) {}

  /** A user created without scopes has none (its password grant yields no scope). */
  async create(input: { username: string; scopes?: string[]; password: string }): Promise<UserInfo> {
    const username = checkUsername(normaliseUsername(input.username))
    const scopes = parseScopes(input.scopes ?? [])
    checkPassword(input.password)
    const passwordHash = await hashPassword(input.password)
    const now = this.clock()
    const record: UserRecord = { id: newUserId(), username, scopes, passwordHash, createdAt: now, updatedAt: now }
    await this.store.users.insert(record)
    return info(record)
  }

  async list(): Promise<UserInfo[]> {
    return (await this.store.users.list()).map(info)
  }

  async delete(username: string): Promise<void> {
    const name = normaliseUsername(username)
    if (!(await this.store.users.delete(name))) throw new NotFoundError(`no user ${name}`)
  }

  async setPassword(username: string, password: string): Promise<void> {
    const name = normaliseUsername(username)
    checkPassword(password)
    if (!(await this.store.users.getByUsername(name))) throw new NotFoundError(`no user ${name}`)
    // One transaction: the new hash, sessions and refresh tokens ended, a clean failure count.
    const ok = await this.store.users.setPassword(name, await hashPassword(password), usernameKey(name), this.clock())
    if (!ok) throw new NotFoundError(`no user ${name}`)
  }

  /** Ends every sign-in session of the user and revokes their refresh tokens and codes. */
  async signOut(username: string): Promise<void> {
    const name = normaliseUsername(username)
    if (!(await this.store.users.signOut(name))) throw new NotFoundError(`no user ${name}`)
  }
}
