// `tessera-issuer user create | list | show | update | delete | set-password | sign-out`
import type { IssuerConfig } from '../config.js'
import { checkDisplayName, checkEmail, type UserInfo } from '../core/admin/users.js'
import { passwordProblem, type PasswordRule } from '../credentials/password-rules.js'
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
  user_id: u.id, username: u.username, scopes: u.scopes, email: u.email, email_verified: u.emailVerified, name: u.name,
  created_at: iso(u.createdAt), updated_at: iso(u.updatedAt),
})

const userLines = (u: UserInfo): string[] => [
  `user_id:        ${u.id} (the sub of its tokens)`,
  `username:       ${u.username}`,
  `scopes:         ${u.scopes.length > 0 ? u.scopes.join(' ') : '(none)'}`,
  `email:          ${u.email ?? '(none)'}`,
  `email_verified: ${u.emailVerified}`,
  `name:           ${u.name ?? '(none)'}`,
  `created_at:     ${iso(u.createdAt)}`,
  `updated_at:     ${iso(u.updatedAt)}`,
]

/**
 * DESIGN.md, "Accounts": a password the sign-up rules would refuse is
 * accepted from the CLI (the operator decides), with a warning saying which rule.
 */
function warnWeakPassword(io: CliIo, config: IssuerConfig, password: string, names: Array<string | undefined>): void {
  const rule = passwordProblem(password, config.passwordMinLength, names)
  if (rule !== null) warn(io, `this password would be refused on the sign-up pages: ${WEAK[rule](config.passwordMinLength)}`)
}

const WEAK: Record<PasswordRule, (min: number) => string> = {
  too_short: (min) => `shorter than ${min} characters (TESSERA_PASSWORD_MIN_LENGTH)`,
  too_long: () => 'longer than 256 characters',
  personal: () => 'it equals the username or e-mail address',
  common: () => 'it is among the 10,000 most common passwords',
}

export async function userCommand(args: string[], io: CliIo): Promise<void> {
  const [sub, ...rest] = args
  switch (sub) {
    case 'create': {
      const { values } = parse('user create', rest, {
        username: { type: 'string' }, scope: { type: 'string', multiple: true }, 'password-stdin': { type: 'boolean' },
        email: { type: 'string' }, name: { type: 'string' },
      })
      if (values.help) return printLines(io, helpFor('user create'))
      const username = str(values.username)
      if (username === undefined) throw new UsageError('user create: --username is required')
      // Check what can be checked before asking for a password.
      checkUsername(normaliseUsername(username))
      parseScopes(list(values.scope) ?? [])
      const email = str(values.email)
      const name = str(values.name)
      if (email !== undefined) checkEmail(email)
      if (name !== undefined) checkDisplayName(name)
      const password = checkPassword(await readNewPassword(io, values['password-stdin'] === true))
      await withAdmin(io, values, async (admin, config) => {
        const user = await admin.users.create({ username, scopes: list(values.scope), password, email, name })
        if (user.scopes.length === 0) {
          warn(io, `user ${user.username} has no scope, so the password grant and the sign-in page can grant it nothing: give --scope when creating a user`)
        }
        warnCommaScopes(io, list(values.scope))
        warnWeakPassword(io, config, password, [user.username, user.email ?? undefined])
        if (values.json) {
          const shown = { user_id: user.id, username: user.username, scopes: user.scopes }
          return printJson(io, user.email === null && user.name === null ? shown : { ...shown, email: user.email, email_verified: user.emailVerified, name: user.name })
        }
        printLines(io, [`Created user ${user.username}.`, ...userLines(user)])
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
        printLines(io, users.map((u) => `${u.id}  ${u.username}  scope="${u.scopes.join(' ')}"` +
          `  email=${u.email === null ? '-' : `${u.email}${u.emailVerified ? '' : ' (unverified)'}`}  name=${JSON.stringify(u.name ?? '')}`))
      }, undefined, MUST_EXIST)
      return
    }
    case 'show': {
      const { values, positionals } = parse('user show', rest, {}, ['NAME'])
      if (values.help) return printLines(io, helpFor('user show'))
      await withAdmin(io, values, async (admin) => {
        const user = await admin.users.show(positionals[0]!)
        if (values.json) return printJson(io, userJson(user))
        printLines(io, userLines(user))
      }, undefined, MUST_EXIST)
      return
    }
    case 'update': {
      const { values, positionals } = parse('user update', rest, {
        scope: { type: 'string', multiple: true }, email: { type: 'string' }, name: { type: 'string' },
      }, ['NAME'])
      if (values.help) return printLines(io, helpFor('user update'))
      const update = { scopes: list(values.scope), email: str(values.email), name: str(values.name) }
      if (update.scopes === undefined && update.email === undefined && update.name === undefined) {
        throw new UsageError('user update: nothing to change (give --scope, --email or --name)')
      }
      if (update.scopes !== undefined) parseScopes(update.scopes)
      if (update.email !== undefined && update.email.trim() !== '') checkEmail(update.email)
      if (update.name !== undefined) checkDisplayName(update.name)
      await withAdmin(io, values, async (admin) => {
        const user = await admin.users.update(positionals[0]!, update)
        warnCommaScopes(io, update.scopes)
        if (values.json) return printJson(io, userJson(user))
        printLines(io, [`Updated user ${user.username} (same user_id).`, ...userLines(user)])
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
      await withAdmin(io, values, async (admin, config) => {
        await admin.users.setPassword(positionals[0]!, password)
        const username = normaliseUsername(positionals[0]!)
        const user = await admin.users.show(username)
        warnWeakPassword(io, config, password, [user.username, user.email ?? undefined])
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
