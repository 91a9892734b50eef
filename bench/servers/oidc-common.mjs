// What the oidc-provider 9 servers of the bench share: an HTTP server on
// loopback that answers 503 until the Provider is built, and the resource
// indicators (RFC 8707) under which every access token is an RFC 9068 JWT
// for the bench's audience, signed with the algorithm under test.
import { createServer } from 'node:http'
import Provider from 'oidc-provider'
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js'
import LRU from 'oidc-provider/lib/helpers/lru.js'
import { env } from './issue-common.mjs'

/** Listens on 127.0.0.1 (a free port) with a Provider of `configuration`. Resolves { provider, origin }. */
export async function startProvider(configuration) {
  let handler = (req, res) => { res.statusCode = 503; res.end() }
  const server = createServer((req, res) => handler(req, res))
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${server.address().port}`
  const provider = new Provider(origin, configuration)
  handler = provider.callback()
  return { provider, origin }
}

/** features.resourceIndicators: the bench's audience only, its scope, JWT access tokens (`alg` of the bench). */
export function resourceIndicators() {
  return {
    enabled: true,
    defaultResource: () => env.audience,
    useGrantedResource: () => true,
    getResourceServerInfo: (_ctx, resourceIndicator) => {
      if (resourceIndicator !== env.audience) throw new Provider.errors.InvalidTarget()
      return { scope: env.scope, audience: env.audience, accessTokenTTL: env.ttl, accessTokenFormat: 'jwt', jwt: { sign: { alg: env.alg } } }
    },
  }
}

/**
 * oidc-provider's own in-memory adapter over a larger store: its default
 * keeps about 1,000 entries (an LRU), fewer than the codes and grants a
 * window minted ahead holds, which it would evict before they are redeemed.
 * Same adapter code and data structure per operation, only the bound moved.
 */
export function roomyMemoryAdapter(maxSize = 1_000_000) {
  const store = new LRU({ maxSize })
  return (model) => new MemoryAdapter(model, store)
}
