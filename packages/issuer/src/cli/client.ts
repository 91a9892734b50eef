// `tessera-issuer client create | list | show | update | delete | rotate-secret`
import { checkClientInput, type ClientInfo, type ClientInput } from '../core/admin/clients.js'
import { list, parse, str, type OptionSpec, type Parsed } from './args.js'
import { withAdmin } from './context.js'
import { UsageError } from './errors.js'
import { parseSeconds } from '../core/validate.js'
import { iso, printJson, printLines, warn, type CliIo } from './io.js'

const FIELDS = {
  name: { type: 'string' },
  grant: { type: 'string', multiple: true },
  scope: { type: 'string', multiple: true },
  audience: { type: 'string', multiple: true },
  ttl: { type: 'string' },
  'redirect-uri': { type: 'string', multiple: true },
} as const satisfies OptionSpec

const CREATE_FIELDS = { ...FIELDS, public: { type: 'boolean' }, 'skip-consent': { type: 'boolean' } } as const satisfies OptionSpec
const UPDATE_FIELDS = { ...FIELDS, 'skip-consent': { type: 'string' } } as const satisfies OptionSpec

export const CLIENT_USAGE = [
  'client create --name NAME --grant client_credentials [--grant password] [--grant authorization_code --redirect-uri URI ...] [--grant refresh_token] [--public] [--skip-consent] --scope "read write" --audience URI [--audience ...] [--ttl SECONDS]',
  'client list',
  'client show ID',
  'client update ID [--name NAME] [--scope ..] [--audience ..] [--grant ..] [--redirect-uri ..] [--ttl SECONDS] [--skip-consent true|false]',
  'client delete ID',
  'client rotate-secret ID [--grace SECONDS]',
]

const PASSWORD_GRANT_WARNING =
  'the password grant is legacy: RFC 9700 §2.4 says it MUST NOT be used. Enable it only for a client that cannot do otherwise.'

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
    skip_consent: c.skipConsent,
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
    previous_secret_expires_at: iso(c.previousSecretExpiresAt),
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
    ...(c.skipConsent ? ['consent:    skipped within a sign-in session (first-party)'] : []),
    `created:    ${iso(c.createdAt)}`,
  ]
  if (c.previousSecretExpiresAt !== null) lines.push(`previous secret valid until ${iso(c.previousSecretExpiresAt)}`)
  return lines
}

function fieldsOf(values: Parsed['values']): ClientInput {
  const skip = values['skip-consent']
  return {
    name: str(values.name), grants: list(values.grant), scopes: list(values.scope),
    audiences: list(values.audience), ttl: str(values.ttl), redirectUris: list(values['redirect-uri']),
    public: values.public === true ? true : undefined,
    skipConsent: typeof skip === 'boolean' || typeof skip === 'string' ? skip : undefined,
  }
}

export async function clientCommand(args: string[], io: CliIo): Promise<void> {
  const [sub, ...rest] = args
  switch (sub) {
    case 'create': {
      const { values } = parse('client create', rest, CREATE_FIELDS)
      if (values.help) return printLines(io, [`usage: tessera-issuer ${CLIENT_USAGE[0]}`])
      const input = fieldsOf(values)
      await withAdmin(io, values, async (admin) => {
        const { client, secret } = await admin.clients.create(input)
        if (client.grants.includes('password')) warn(io, PASSWORD_GRANT_WARNING)
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
      if (values.help) return printLines(io, [`usage: tessera-issuer ${CLIENT_USAGE[1]}`])
      await withAdmin(io, values, async (admin) => {
        const clients = await admin.clients.list()
        if (values.json) return printJson(io, { clients: clients.map(clientJson) })
        if (clients.length === 0) return printLines(io, ['No clients. Create one with: tessera-issuer client create --help'])
        printLines(io, clients.map((c) =>
          `${c.id}  ${c.name}  grants=${c.grants.join(',')}  scope="${c.scopes.join(' ')}"  audience=${c.audiences.join(',')}  ttl=${c.ttl}s`))
      })
      return
    }
    case 'show': {
      const { values, positionals } = parse('client show', rest, {}, ['ID'])
      if (values.help) return printLines(io, [`usage: tessera-issuer ${CLIENT_USAGE[2]}`])
      await withAdmin(io, values, async (admin) => {
        const client = await admin.clients.show(positionals[0]!)
        if (values.json) return printJson(io, clientJson(client))
        printLines(io, clientLines(client))
      })
      return
    }
    case 'update': {
      const { values, positionals } = parse('client update', rest, UPDATE_FIELDS, ['ID'])
      if (values.help) return printLines(io, [`usage: tessera-issuer ${CLIENT_USAGE[3]}`])
      const input = fieldsOf(values)
      await withAdmin(io, values, async (admin) => {
        const client = await admin.clients.update(positionals[0]!, input)
        if (list(values.grant)?.includes('password')) warn(io, PASSWORD_GRANT_WARNING)
        if (values.json) return printJson(io, clientJson(client))
        printLines(io, [`Updated client ${client.id}.`, ...clientLines(client).slice(1)])
      }, (config) => { checkClientInput(input, config.maxTtl, 'update') })
      return
    }
    case 'delete': {
      const { values, positionals } = parse('client delete', rest, {}, ['ID'])
      if (values.help) return printLines(io, [`usage: tessera-issuer ${CLIENT_USAGE[4]}`])
      await withAdmin(io, values, async (admin) => {
        await admin.clients.delete(positionals[0]!)
        if (values.json) return printJson(io, { client_id: positionals[0], deleted: true })
        printLines(io, [`Deleted client ${positionals[0]}, its codes and refresh tokens. Access tokens already issued stay valid until they expire.`])
      })
      return
    }
    case 'rotate-secret': {
      const { values, positionals } = parse('client rotate-secret', rest, { grace: { type: 'string' } }, ['ID'])
      if (values.help) return printLines(io, [`usage: tessera-issuer ${CLIENT_USAGE[5]}`])
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
      }, () => { parseSeconds(str(values.grace) ?? '0', 'grace') })
      return
    }
    case undefined:
      throw new UsageError('client: missing command (create, list, show, update, delete, rotate-secret)')
    default:
      throw new UsageError(`client: unknown command "${sub}" (create, list, show, update, delete, rotate-secret)`)
  }
}
