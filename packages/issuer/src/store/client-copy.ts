// What a server's in-memory copy of the clients (postgres/client-mirror.ts,
// sqlite/client-mirror.ts) hands out: a copy, as a read from the database
// would be, so that no caller can change what the next request is served.

import type { ClientRecord } from './types/index.js'

export const copyClient = (c: ClientRecord): ClientRecord => ({
  ...c, grants: [...c.grants], scopes: [...c.scopes], audiences: [...c.audiences], redirectUris: [...c.redirectUris],
  registration: c.registration && { ...c.registration },
  postLogoutRedirectUris: [...c.postLogoutRedirectUris],
})
