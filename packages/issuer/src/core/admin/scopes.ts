// Scope descriptions (`tessera-issuer scope set|list|delete`; DESIGN.md
// "The account page, remembered consent, scope descriptions and branding"):
// the text every page shows for a scope. A scope is an RFC 6749 §3.3 token;
// a description is one line of at most 200 characters.
import type { Clock } from '../../domain/types.js'
import { InvalidInputError, NotFoundError } from '../../domain/errors.js'
import { CONTROL } from '../../config/values.js'
import type { IssuerStore, ScopeDescriptionRecord } from '../../store/types/index.js'
import { parseScopes } from '../validate.js'

export const MAX_SCOPE_DESCRIPTION = 200

/** One scope name, as RFC 6749 §3.3 spells a scope token. */
function scopeName(name: string): string {
  const parsed = parseScopes([name])
  if (parsed.length !== 1 || parsed[0] !== name) throw new InvalidInputError(`bad scope "${name}": one scope, printable ASCII without spaces, quotes or backslashes (RFC 6749 §3.3)`)
  return name
}

export function checkDescription(text: string): string {
  const trimmed = text.trim()
  if (trimmed === '') throw new InvalidInputError('--description is empty')
  if (CONTROL.test(trimmed)) throw new InvalidInputError('--description must be one line, without control characters')
  if ([...trimmed].length > MAX_SCOPE_DESCRIPTION) throw new InvalidInputError(`--description is longer than ${MAX_SCOPE_DESCRIPTION} characters`)
  return trimmed
}

export class ScopeAdmin {
  constructor(private readonly store: IssuerStore, private readonly clock: Clock) {}

  async set(name: string, description: string): Promise<ScopeDescriptionRecord> {
    const record = { name: scopeName(name), description: checkDescription(description), updatedAt: this.clock() }
    await this.store.scopeDescriptions.set(record.name, record.description, record.updatedAt)
    return record
  }

  async list(): Promise<ScopeDescriptionRecord[]> {
    return this.store.scopeDescriptions.list()
  }

  /** Removes the description only: the scope stays wherever clients and users hold it. */
  async delete(name: string): Promise<void> {
    if (!(await this.store.scopeDescriptions.delete(scopeName(name)))) throw new NotFoundError(`scope ${name} has no description`)
  }
}
