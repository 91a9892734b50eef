// Remembered consent and scope descriptions (DESIGN.md "The account page,
// remembered consent, scope descriptions and branding"): what a person
// allowed a client, so a later request it covers needs no page, and the
// text pages show for a scope.
import type { Clock } from '../domain/types.js'
import type { ConsentStore, ScopeDescriptionStore } from '../store/types/index.js'
import type { ConsentService } from './types.js'

export class Consents implements ConsentService {
  constructor(
    private readonly consents: ConsentStore,
    private readonly descriptions: ScopeDescriptionStore,
    private readonly clock: Clock,
  ) {}

  async remembered(userId: string, clientId: string, audience: string): Promise<string[]> {
    return (await this.consents.find(userId, clientId, audience))?.scopes ?? []
  }

  async remember(userId: string, clientId: string, audience: string, scopes: readonly string[]): Promise<void> {
    await this.consents.grant(userId, clientId, audience, scopes, this.clock())
  }

  async scopeDescriptions(): Promise<ReadonlyMap<string, string>> {
    return new Map((await this.descriptions.list()).map((d) => [d.name, d.description]))
  }
}
