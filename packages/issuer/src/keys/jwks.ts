// The JWKS document (RFC 7517 §5): for each published key its public
// members plus kid (RFC 7638 thumbprint), alg and use "sig" (§4.2-4.5).
import type { Jwks } from '../domain/types.js'
import type { KeyRecord } from '../store/types/index.js'
import { keyTimes } from './timeline.js'

export function jwkEntry(k: Pick<KeyRecord, 'kid' | 'alg' | 'publicJwk'>): Record<string, unknown> {
  const pub = JSON.parse(k.publicJwk) as Record<string, unknown>
  return { ...pub, kid: k.kid, alg: k.alg, use: 'sig' }
}

/** The keys published at `now`, newest first. */
export function buildJwks(keys: readonly KeyRecord[], now: number, maxTtlMs: number): Jwks {
  const published = keys
    .filter((k) => keyTimes(k, keys, now, maxTtlMs).state !== 'expired')
    .sort((a, b) => b.serial - a.serial)
  return { keys: published.map(jwkEntry) }
}
