// `tessera-issuer keys list | rotate [--now] | retire KID [--now] | export-jwks`
import type { KeyInfo } from '../keys/manager.js'
import { parse } from './args.js'
import { withAdmin } from './context.js'
import { UsageError } from './errors.js'
import { helpFor } from './help.js'
import { iso, printJson, printLines, warn, type CliIo } from './io.js'

/** Commands that read, or change a key that must exist: never create a database. */
const MUST_EXIST = { mustExist: true }
/** `keys list` and `export-jwks` show ids, states, times and public keys, none of them secret: no key encryption key needed. */
const PUBLIC_ONLY = { mustExist: true, publicKeysOnly: true }

const keyJson = (k: KeyInfo): Record<string, unknown> => ({
  kid: k.kid, alg: k.alg, purpose: k.purpose, state: k.state, created_at: iso(k.createdAt), activates_at: iso(k.activatesAt),
  retired_at: iso(k.retiredAt), unpublish_at: iso(k.unpublishAt),
})

export async function keysCommand(args: string[], io: CliIo): Promise<void> {
  const [sub, ...rest] = args
  switch (sub) {
    case 'list': {
      const { values } = parse('keys list', rest, {})
      if (values.help) return printLines(io, helpFor('keys list'))
      await withAdmin(io, values, async (admin) => {
        const keys = await admin.keys.list()
        if (values.json) return printJson(io, { keys: keys.map(keyJson) })
        if (keys.length === 0) return printLines(io, ['No keys yet: `tessera-issuer serve` makes the first one.'])
        printLines(io, keys.map((k) => {
          const until = k.unpublishAt === null ? '' : `  published until ${iso(k.unpublishAt)}`
          const signs = k.purpose === 'id' ? 'ID tokens' : k.alg === 'RS256' ? 'access and ID tokens' : 'access tokens'
          return `${k.kid}  ${k.alg.padEnd(5)}  ${k.state.padEnd(8)}  ${signs}  created ${iso(k.createdAt)}  signs from ${iso(k.activatesAt)}${until}`
        }))
      }, undefined, PUBLIC_ONLY)
      return
    }
    case 'rotate': {
      const { values } = parse('keys rotate', rest, { now: { type: 'boolean' }, 'signing-alg': { type: 'string' } })
      if (values.help) return printLines(io, helpFor('keys rotate'))
      // The algorithm of the new key: --signing-alg, else TESSERA_SIGNING_ALG, else RS256.
      await withAdmin(io, values, async (admin) => {
        const key = await admin.keys.rotate(values.now === true)
        const idKey = key.idTokenKey
        if (values.json) {
          return printJson(io, {
            kid: key.kid, alg: key.alg, activates_at: iso(key.activatesAt),
            ...(idKey === null ? {} : { id_token_key: { kid: idKey.kid, alg: idKey.alg, activates_at: iso(idKey.activatesAt) } }),
          })
        }
        printLines(io, [
          `New ${key.alg} key ${key.kid}: published now, signs ${values.now ? 'in 2 seconds (once every running server publishes it)' : `from ${iso(key.activatesAt)}`}.`,
          ...(idKey === null ? [] : [`New ${idKey.alg} key ${idKey.kid} for ID tokens, on the same schedule.`]),
          'Running servers pick it up within a few seconds.',
        ])
      })
      return
    }
    case 'retire': {
      const { values, positionals } = parse('keys retire', rest, { now: { type: 'boolean' } }, ['KID'])
      if (values.help) return printLines(io, helpFor('keys retire'))
      await withAdmin(io, values, async (admin, config) => {
        const kid = positionals[0]!
        const before = await admin.keys.list()
        await admin.keys.retire(kid, values.now === true)
        const after = await admin.keys.list()
        const key = after.find((k) => k.kid === kid)!
        // The key that took over in the retired key's line (access tokens, or ID tokens only).
        const purpose = before.find((k) => k.kid === kid)?.purpose ?? 'access'
        const signer = after.find((k) => k.state === 'signing' && k.purpose === purpose && k.kid !== kid)
        const handedOver = before.find((k) => k.kid === kid)?.state === 'signing' && signer !== undefined && signer.kid !== kid
        // A key published for less than the JWKS max-age + 60 s is unknown to caches that fetched before it.
        const unannounced = handedOver && Date.now() - signer.createdAt < (config.jwksMaxAge + 60) * 1000
        if (unannounced) {
          warn(io, `key ${signer.kid} signs at once, without pre-publication: verifiers holding a cached JWKS do not know it yet ` +
            'and will refetch the JWKS on its unknown kid (@tessera/verify does so by itself)')
        }
        if (values.json) return printJson(io, { ...keyJson(key), ...(handedOver ? { now_signing: signer.kid } : {}) })
        printLines(io, [
          values.now
            ? `Retired key ${kid} and removed it from the JWKS now: tokens it signed no longer verify.`
            : `Retired key ${kid}: it no longer signs and stays published until ${iso(key.unpublishAt)}.`,
          ...(handedOver ? [`Key ${signer.kid} (${signer.alg}) signs now.`] : []),
        ])
      }, undefined, MUST_EXIST)
      return
    }
    case 'export-jwks': {
      const { values } = parse('keys export-jwks', rest, {})
      if (values.help) return printLines(io, helpFor('keys export-jwks'))
      await withAdmin(io, values, async (admin) => printJson(io, await admin.keys.jwks()), undefined, PUBLIC_ONLY)
      return
    }
    default:
      throw new UsageError(`keys: unknown command "${sub}" (tessera-issuer keys --help)`)
  }
}
