// `tessera-issuer user create | list | delete | set-password | sign-out`
import type { UserInfo } from '../core/admin/users.js'
import { normaliseUsername } from '../credentials/usernames.js'
import { checkPassword, checkUsername, parseScopes } from '../core/validate.js'
import { list, parse, str } from './args.js'
import { warnCommaScopes } from './client.js'
import { withAdmin } from './context.js'
import { UsageError } from './errors.js'
import { helpFor } from './help.js'
import { iso, printJson, printLines, warn, type CliIo } from './io.js'
import { readNewPassword } from './password.js'

/** Commands that read, or change a user who must exist: never create a database. */
const MUST_EXIST = { mustExist: true }

const userJson = (u: UserInfo): Record<string, unknown> => ({
  user_id: u.id, username: u.username, scopes: u.scopes, created_at: iso(u.createdAt), updated_at: iso(u.updatedAt),
})

export async function userCommand(args: string[], io: CliIo): Promise<void> {
  const [sub, ...rest] = args
  switch (sub) {
    case 'create': {
      const { values } = parse('user create', rest, {
        username: { type: 'string' }, scope: { type: 'string', multiple: true }, 'password-stdin': { type: 'boolean' },
      })
      if (values.help) return printLines(io, helpFor('user create'))
      const username = str(values.username)
      if (username === undefined) throw new UsageError('user create: --username is required')
      // Check what can be checked before asking for a password.
      checkUsername(normaliseUsername(username))
      parseScopes(list(values.scope) ?? [])
      const password = checkPassword(await readNewPassword(io, values['password-stdin'] === true))
      await withAdmin(io, values, async (admin) => {
        const user = await admin.users.create({ username, scopes: list(values.scope), password })
        if (user.scopes.length === 0) {
          warn(io, `user ${user.username} has no scope, so the password grant and the sign-in page can grant it nothing: give --scope when creating a user`)
        }
        warnCommaScopes(io, list(values.scope))
        if (values.json) return printJson(io, { user_id: user.id, username: user.username, scopes: user.scopes })
        printLines(io, [
          `Created user ${user.username}.`,
          `user_id: ${user.id} (the sub of its tokens)`,
          `scopes:  ${user.scopes.length > 0 ? user.scopes.join(' ') : '(none: its password grant yields no scope)'}`,
        ])
      })
      return
    }
    case 'list': {
      const { values } = parse('user list', rest, {})
      if (values.help) return printLines(io, helpFor('user list'))
      await withAdmin(io, values, async (admin) => {
        const users = await admin.users.list()
        if (values.json) return printJson(io, { users: users.map(userJson) })
        if (users.length === 0) return printLines(io, ['No users.'])
        printLines(io, users.map((u) => `${u.id}  ${u.username}  scope="${u.scopes.join(' ')}"`))
      }, undefined, MUST_EXIST)
      return
    }
    case 'delete': {
      const { values, positionals } = parse('user delete', rest, {}, ['NAME'])
      if (values.help) return printLines(io, helpFor('user delete'))
      await withAdmin(io, values, async (admin) => {
        await admin.users.delete(positionals[0]!)
        const username = normaliseUsername(positionals[0]!)
        if (values.json) return printJson(io, { username, deleted: true })
        printLines(io, [`Deleted user ${username}, their sessions and refresh tokens. Access tokens already issued stay valid until they expire.`])
      }, undefined, MUST_EXIST)
      return
    }
    case 'set-password': {
      const { values, positionals } = parse('user set-password', rest, { 'password-stdin': { type: 'boolean' } }, ['NAME'])
      if (values.help) return printLines(io, helpFor('user set-password'))
      const password = checkPassword(await readNewPassword(io, values['password-stdin'] === true))
      await withAdmin(io, values, async (admin) => {
        await admin.users.setPassword(positionals[0]!, password)
        const username = normaliseUsername(positionals[0]!)
        if (values.json) return printJson(io, { username, password_changed: true })
        printLines(io, [`Changed the password of ${username}; their sessions are ended and refresh tokens revoked.`])
      }, undefined, MUST_EXIST)
      return
    }
    case 'sign-out': {
      const { values, positionals } = parse('user sign-out', rest, {}, ['NAME'])
      if (values.help) return printLines(io, helpFor('user sign-out'))
      await withAdmin(io, values, async (admin) => {
        await admin.users.signOut(positionals[0]!)
        const username = normaliseUsername(positionals[0]!)
        if (values.json) return printJson(io, { username, signed_out: true })
        printLines(io, [`Signed out ${username}: every session ended, refresh tokens revoked. Access tokens already issued stay valid until they expire.`])
      }, undefined, MUST_EXIST)
      return
    }
    default:
      throw new UsageError(`user: unknown command "${sub}" (tessera-issuer user --help)`)
  }
}
