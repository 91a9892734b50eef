// RFC 6749 §4.4: the client acts on its own behalf. DESIGN: `sub` is the
// client id; the scope ceiling is the client's scopes, without `openid`
// (no ID token here: OpenID Connect is the authorization code flow).

import type { Client } from '../../domain/types.js'
import type { Grant, GrantSubject } from './grant.js'
import { machineScopeLimits } from '../shared/scope.js'

export const clientCredentials: Grant = {
  type: 'client_credentials',
  parameters: [],
  handle(_core, client: Client): GrantSubject {
    return { sub: client.id, scopes: machineScopeLimits(client.scopes) }
  },
}
