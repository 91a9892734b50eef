// `tessera-issuer client create | list | show | update | delete | rotate-secret`
import { checkClientInput, type ClientInfo, type ClientInput } from '../core/admin/clients.js'
import { list, parse, str, type OptionSpec, type Parsed } from './args.js'
import { withAdmin } from './context.js'
import { UsageError } from './errors.js'
import { parseSeconds } from '../core/validate.js'
import { helpFor } from './help.js'
import { iso, printJson, printLines, warn, type CliIo } from './io.js'

const FIELDS = {
  name: { type: 'string' },
  grant: { type: 'string', multiple: true },
  scope: { type: 'string', multiple: true },
  audience: { type: 'string', multiple: true },
  ttl: { type: 'string' },
  'redirect-uri': { type: 'string', multiple: true },
  'post-logout-redirect-uri': { type: 'string', multiple: true },
} as const satisfies OptionSpec

const CREATE_FIELDS = { ...FIELDS, public: { type: 'boolean' }, 'skip-consent': { type: 'boolean' }, dpop: { type: 'boolean' } } as const satisfies OptionSpec
const UPDATE_FIELDS = { ...FIELDS, 'skip-consent': { type: 'string' }, dpop: { type: 'string' } } as const satisfies OptionSpec

const PASSWORD_GRANT_WARNING =
  'the password grant is legacy: RFC 9700 §2.4 says it MUST NOT be used. Enable it only for a client that cannot do otherwise.'

/** Commands that read, or change a client that must exist: never create a database. */
const MUST_EXIST = { mustExist: true }

/**
 * RFC 6749 §3.3: scopes are space-delimited, and "," is a legal character of
 * a scope, so "read,write" is one scope named so: most likely a mistake.
 */
export function warnCommaScopes(io: CliIo, scopes: string[] | undefined): void {
  const comma = scopes?.flatMap((s) => s.split(' ')).find((s) => s.includes(','))
  if (comma !== undefined) {
    warn(io, `scope "${comma}" contains ",": scopes are space-separated, so it is one scope; for several, write --scope "${comma.split(',').filter(Boolean).join(' ')}"`)
  }
}

/**
 * A refresh token is issued only beside a token of another grant
 * (authorization_code, password: DESIGN.md, "Issuer HTTP interface"), so a
 * client with the refresh_token grant alone can never get any token.
 */
export function warnNoFirstGrant(io: CliIo, grants: readonly string[] | undefined): void {
  if (grants === undefined || grants.length === 0 || grants.some((g) => g !== 'refresh_token')) return
  warn(io, 'this client can never get a token: a refresh token is issued only with a token of another grant; ' +
    'add --grant authorization_code (or password), or --grant client_credentials for a service')
}

export function clientJson(c: ClientInfo): Record<string, unknown> {
  return {
    client_id: c.id,
    name: c.name,
    grants: c.grants,
    scopes: c.scopes,
    audiences: c.audiences,
    ttl: c.ttl,
    public: c.public,
    redirect_uris: c.redirectUris,
    post_logout_redirect_uris: c.postLogoutRedirectUris,
    skip_consent: c.skipConsent,
    dpop_bound_access_tokens: c.dpopBoundAccessTokens,
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
    previous_secret_expires_at: iso(c.previousSecretExpiresAt),
    // DESIGN.md: a client that registered itself (RFC 7591) shows "registered": true.
    registered: c.registered,
    ...(c.registered ? { last_used_at: iso(c.lastUsedAt) } : {}),
  }
}

function clientLines(c: ClientInfo): string[] {
  const lines = [
    `client_id:  ${c.id}`,
    `name:       ${c.name}`,
    `grants:     ${c.grants.join(', ')}`,
    `scopes:     ${c.scopes.join(' ')}`,
    `audiences:  ${c.audiences.join(', ')}`,
    `ttl:        ${c.ttl} s`,
    `type:       ${c.public ? 'public (no secret: authenticates with client_id alone)' : 'confidential'}`,
    ...(c.redirectUris.length > 0 ? [`redirects:  ${c.redirectUris.join(', ')}`] : []),
    ...(c.postLogoutRedirectUris.length > 0 ? [`after sign-out: ${c.postLogoutRedirectUris.join(', ')}`] : []),
    ...(c.skipConsent ? ['consent:    skipped within a sign-in session (first-party)'] : []),
    ...(c.registered ? [`registered: itself (RFC 7591), unverified; last used ${c.lastUsedAt === null ? 'never' : iso(c.lastUsedAt)}`] : []),
    `dpop_bound_access_tokens: ${c.dpopBoundAccessTokens}`,
    `created:    ${iso(c.createdAt)}`,
  ]
  if (c.previousSecretExpiresAt !== null) lines.push(`previous secret valid until ${iso(c.previousSecretExpiresAt)}`)
  return lines
}

function fieldsOf(values: Parsed['values']): ClientInput {
  const skip = values['skip-consent']
  const dpop = values.dpop
  return {
    name: str(values.name), grants: list(values.grant), scopes: list(values.scope),
    audiences: list(values.audience), ttl: str(values.ttl), redirectUris: list(values['redirect-uri']),
    postLogoutRedirectUris: list(values['post-logout-redirect-uri']),
    public: values.public === true ? true : undefined,
    skipConsent: typeof skip === 'boolean' || typeof skip === 'string' ? skip : undefined,
    dpop: typeof dpop === 'boolean' || typeof dpop === 'string' ? dpop : undefined,
  }
}

export async function clientCommand(args: string[], io: CliIo): Promise<void> {
  const [sub, ...rest] = args
  switch (sub) {
    case 'create': {
      const { values } = parse('client create', rest, CREATE_FIELDS)
      if (values.help) return printLines(io, helpFor('client create'))
      const input = fieldsOf(values)
      await withAdmin(io, values, async (admin) => {
        const { client, secret } = await admin.clients.create(input)
        if (client.grants.includes('password')) warn(io, PASSWORD_GRANT_WARNING)
        warnNoFirstGrant(io, client.grants)
        warnCommaScopes(io, input.scopes)
        if (values.json) {
          return printJson(io, secret === null ? clientJson(client) : { client_id: client.id, client_secret: secret, ...clientJson(client) })
        }
        printLines(io, [
          `Created client "${client.name}".`,
          `client_id:     ${client.id}`,
          ...(secret === null
            ? ['A public client: no secret, it authenticates with its client_id alone (and PKCE).']
            : [`client_secret: ${secret}`, 'The secret is shown only now: store it safely.']),
          ...clientLines(client).slice(2),
        ])
      }, (config) => { checkClientInput(input, config.maxTtl, 'create') })
      return
    }
    case 'list': {
      const { values } = parse('client list', rest, {})
      if (values.help) return printLines(io, helpFor('client list'))
      await withAdmin(io, values, async (admin) => {
        const clients = await admin.clients.list()
        for (const c of clients.filter((x) => x.skipConsentIgnored)) {
          warn(io, `client ${c.id} is public but stored with --skip-consent: it is asked for consent anyway (RFC 8252 §8.6); ` +
            `clear it with: tessera-issuer client update ${c.id} --skip-consent false`)
        }
        if (values.json) return printJson(io, { clients: clients.map(clientJson) })
        if (clients.length === 0) return printLines(io, ['No clients. Create one with: tessera-issuer client create --help'])
        printLines(io, clients.map((c) =>
          `${c.id}  ${c.name}  grants=${c.grants.join(',')}  scope="${c.scopes.join(' ')}"  audience=${c.audiences.join(',')}  ttl=${c.ttl}s${c.registered ? '  registered' : ''}`))
      }, undefined, MUST_EXIST)
      return
    }
    case 'show': {
      const { values, positionals } = parse('client show', rest, {}, ['ID'])
      if (values.help) return printLines(io, helpFor('client show'))
      await withAdmin(io, values, async (admin) => {
        const client = await admin.clients.show(positionals[0]!)
        if (values.json) return printJson(io, clientJson(client))
        printLines(io, clientLines(client))
      }, undefined, MUST_EXIST)
      return
    }
    case 'update': {
      const { values, positionals } = parse('client update', rest, UPDATE_FIELDS, ['ID'])
      if (values.help) return printLines(io, helpFor('client update'))
      const input = fieldsOf(values)
      await withAdmin(io, values, async (admin) => {
        const client = await admin.clients.update(positionals[0]!, input)
        if (list(values.grant)?.includes('password')) warn(io, PASSWORD_GRANT_WARNING)
        warnNoFirstGrant(io, list(values.grant) && client.grants)
        warnCommaScopes(io, input.scopes)
        if (values.json) return printJson(io, clientJson(client))
        printLines(io, [`Updated client ${client.id}.`, ...clientLines(client).slice(1)])
      }, (config) => { checkClientInput(input, config.maxTtl, 'update') }, MUST_EXIST)
      return
    }
    case 'delete': {
      const { values, positionals } = parse('client delete', rest, {}, ['ID'])
      if (values.help) return printLines(io, helpFor('client delete'))
      await withAdmin(io, values, async (admin) => {
        await admin.clients.delete(positionals[0]!)
        if (values.json) return printJson(io, { client_id: positionals[0], deleted: true })
        printLines(io, [`Deleted client ${positionals[0]}, its codes and refresh tokens. Access tokens already issued stay valid until they expire.`])
      }, undefined, MUST_EXIST)
      return
    }
    case 'rotate-secret': {
      const { values, positionals } = parse('client rotate-secret', rest, { grace: { type: 'string' } }, ['ID'])
      if (values.help) return printLines(io, helpFor('client rotate-secret'))
      await withAdmin(io, values, async (admin) => {
        const { client, secret } = await admin.clients.rotateSecret(positionals[0]!, str(values.grace) ?? '0')
        if (values.json) {
          return printJson(io, { client_id: client.id, client_secret: secret, previous_secret_expires_at: iso(client.previousSecretExpiresAt) })
        }
        printLines(io, [
          `New secret for client ${client.id}.`,
          `client_secret: ${secret}`,
          'The secret is shown only now: store it safely.',
          client.previousSecretExpiresAt === null
            ? 'The previous secret no longer works.'
            : `The previous secret keeps working until ${iso(client.previousSecretExpiresAt)}.`,
        ])
      }, () => { parseSeconds(str(values.grace) ?? '0', 'grace') }, MUST_EXIST)
      return
    }
    default:
      throw new UsageError(`client: unknown command "${sub}" (tessera-issuer client --help)`)
  }
}
