// `tessera-issuer scope set NAME --description TEXT | list | delete NAME`
import { checkDescription } from '../core/admin/scopes.js'
import type { ScopeDescriptionRecord } from '../store/types/index.js'
import { parse, str } from './args.js'
import { withAdmin } from './context.js'
import { UsageError } from './errors.js'
import { helpFor } from './help.js'
import { iso, printJson, printLines, type CliIo } from './io.js'

const MUST_EXIST = { mustExist: true }

const scopeJson = (d: ScopeDescriptionRecord): Record<string, unknown> => ({ scope: d.name, description: d.description, updated_at: iso(d.updatedAt) })

export async function scopeCommand(args: string[], io: CliIo): Promise<void> {
  const [sub, ...rest] = args
  switch (sub) {
    case 'set': {
      const { values, positionals } = parse('scope set', rest, { description: { type: 'string' } }, ['NAME'])
      if (values.help) return printLines(io, helpFor('scope set'))
      const description = str(values.description)
      if (description === undefined) throw new UsageError('scope set: --description is required')
      checkDescription(description)
      await withAdmin(io, values, async (admin) => {
        const set = await admin.scopes.set(positionals[0]!, description)
        if (values.json) return printJson(io, scopeJson(set))
        printLines(io, [`Scope ${set.name}: "${set.description}"`])
      })
      return
    }
    case 'list': {
      const { values } = parse('scope list', rest, {})
      if (values.help) return printLines(io, helpFor('scope list'))
      await withAdmin(io, values, async (admin) => {
        const all = await admin.scopes.list()
        if (values.json) return printJson(io, { scopes: all.map(scopeJson) })
        if (all.length === 0) return printLines(io, ['No scope descriptions.'])
        printLines(io, all.map((d) => `${d.name}  "${d.description}"`))
      }, undefined, MUST_EXIST)
      return
    }
    case 'delete': {
      const { values, positionals } = parse('scope delete', rest, {}, ['NAME'])
      if (values.help) return printLines(io, helpFor('scope delete'))
      await withAdmin(io, values, async (admin) => {
        await admin.scopes.delete(positionals[0]!)
        if (values.json) return printJson(io, { scope: positionals[0], deleted: true })
        printLines(io, [`Removed the description of ${positionals[0]}; pages show its name.`])
      }, undefined, MUST_EXIST)
      return
    }
    default:
      throw new UsageError(`scope: unknown command "${sub}" (tessera-issuer scope --help)`)
  }
}
