// POST /oauth2/register (RFC 7591 §3.1) as a pipeline of named steps: the
// body is a JSON object → redirect_uris → client_name → grant_types →
// response_types → scope → register under the limits → the answer. Each
// step returns an error value to stop. The client is always public
// (`token_endpoint_auth_method` "none" whatever was asked, and the answer
// says so: RFC 7591 §3.2.1), its audiences are the operator's
// (TESSERA_REGISTRATION_AUDIENCES), and nothing it sent beyond these
// fields is kept or echoed.
import type { IssuerCore } from '../../core/types.js'
import type { RegisteredClient } from '../../domain/types.js'
import { OAuthError } from '../errors.js'
import { registrationLimited } from './errors.js'
import { clientName, grantTypes, redirectUris, requireObject, responseTypes, scope } from './metadata.js'

/** RFC 7591 §3.2.1: 201 and the client's metadata. */
export interface RegistrationResponse {
  status: 201
  body: string
  clientId: string
}


/** Step: the answer, RFC 7591 §3.2.1: the metadata as registered, with client_id and client_id_issued_at (seconds). */
function respond(client: RegisteredClient): RegistrationResponse {
  const answer: Record<string, unknown> = {
    client_id: client.id,
    client_id_issued_at: Math.floor(client.issuedAt / 1000),
    redirect_uris: client.redirectUris,
    ...(client.name === null ? {} : { client_name: client.name }),
    grant_types: client.grants,
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    ...(client.scopes.length === 0 ? {} : { scope: client.scopes.join(' ') }),
  }
  return { status: 201, body: JSON.stringify(answer), clientId: client.id }
}

export async function registerClient(core: IssuerCore, body: unknown, address: string): Promise<RegistrationResponse | OAuthError> {
  const metadata = requireObject(body)
  if (metadata instanceof OAuthError) return metadata

  const uris = redirectUris(metadata)
  if (uris instanceof OAuthError) return uris

  const name = clientName(metadata)
  if (name instanceof OAuthError) return name

  const grants = grantTypes(metadata)
  if (grants instanceof OAuthError) return grants

  const responses = responseTypes(metadata)
  if (responses instanceof OAuthError) return responses

  const scopes = scope(metadata, core.config.registrationScope)
  if (scopes instanceof OAuthError) return scopes

  // `token_endpoint_auth_method` is not read: whatever it asks, the client is public (RFC 7591 §3.2.1 answers "none").
  const registered = await core.registrations.register({ redirectUris: uris, name, grants, scopes }, address)
  if (!registered.ok) return registrationLimited(registered.limit, registered.retryAfter)
  return respond(registered.client)
}
