// User administration (for the legacy password grant): create, list,
// delete, set-password. Usernames are normalised (NFC, lower case).
import type { Clock } from '../types.js'
import { NotFoundError } from '../errors.js'
import type { IssuerStore, UserRecord } from '../../store/types.js'
import { newUserId } from '../../credentials/ids.js'
import { hashPassword } from '../../credentials/passwords.js'
import { normaliseUsername } from '../../credentials/usernames.js'
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
    await this.store.insertUser(record)
    return info(record)
  }

  async list(): Promise<UserInfo[]> {
    return (await this.store.listUsers()).map(info)
  }

  async delete(username: string): Promise<void> {
    const name = normaliseUsername(username)
    if (!(await this.store.deleteUser(name))) throw new NotFoundError(`no user ${name}`)
  }

  async setPassword(username: string, password: string): Promise<void> {
    const name = normaliseUsername(username)
    checkPassword(password)
    if (!(await this.store.getUserByUsername(name))) throw new NotFoundError(`no user ${name}`)
    const ok = await this.store.setUserPassword(name, await hashPassword(password), this.clock())
    if (!ok) throw new NotFoundError(`no user ${name}`)
    // A new password starts with a clean failure count.
    await this.store.clearLoginFailures(name)
  }
}
