// Rotation decisions, as pure functions of the key rows, the time and the
// configuration. The caller turns a decision into a store change claimed
// against the key-set version (see KeyStore.change), so that among
// several processes it happens once.
import type { SigningAlg } from '../domain/types.js'
import type { KeyRecord, KeyUpdate } from '../store/types/index.js'
import { keyTimes, signingKeyAt, SKEW_MS } from './timeline.js'

export interface RotationSettings {
  signingAlg: SigningAlg
  /** Seconds. */
  jwksMaxAge: number
  /** Seconds. */
  maxTtl: number
  keyRotationDays: number | null
}

/** A key to add: its algorithm and when it may start signing. */
export interface KeyPlan {
  alg: SigningAlg
  activatesAt: number
  reason: 'first key' | 'no signing key' | 'algorithm changed' | 'scheduled rotation'
}

/**
 * How long a new key is published before it signs: the JWKS max-age + 60 s,
 * so every cache that honours max-age already holds it.
 */
export const prePublicationMs = (s: Pick<RotationSettings, 'jwksMaxAge'>): number => s.jwksMaxAge * 1000 + SKEW_MS

/** The key the background maintenance should add now, or null. */
export function planMaintenance(keys: readonly KeyRecord[], now: number, s: RotationSettings): KeyPlan | null {
  if (!signingKeyAt(keys, now)) {
    return { alg: s.signingAlg, activatesAt: now, reason: keys.length === 0 ? 'first key' : 'no signing key' }
  }
  const newest = newestUnretired(keys)
  if (!newest) return null
  if (newest.alg !== s.signingAlg) {
    return { alg: s.signingAlg, activatesAt: now + prePublicationMs(s), reason: 'algorithm changed' }
  }
  if (s.keyRotationDays !== null && now >= newest.createdAt + s.keyRotationDays * 86_400_000) {
    return { alg: s.signingAlg, activatesAt: now + prePublicationMs(s), reason: 'scheduled rotation' }
  }
  return null
}

function newestUnretired(keys: readonly KeyRecord[]): KeyRecord | undefined {
  let newest: KeyRecord | undefined
  for (const k of keys) if (k.retiredAt === null && (!newest || k.serial > newest.serial)) newest = k
  return newest
}

/**
 * How long a `keys rotate --now` key is published before it signs: every
 * process polls the key set every second, so after 2 s each one publishes
 * the key before any signs with it, and a verifier's unknown-kid refetch
 * from any process finds it (DESIGN.md).
 */
export const EMERGENCY_PUBLICATION_MS = 2000

/** `keys rotate [--now]`: a new key, pending for the pre-publication delay, or 2 s with `now`. */
export function planRotation(now: number, immediate: boolean, s: RotationSettings): KeyPlan {
  return { alg: s.signingAlg, activatesAt: now + (immediate ? EMERGENCY_PUBLICATION_MS : prePublicationMs(s)), reason: 'scheduled rotation' }
}

export interface RetirePlan {
  update: KeyUpdate[]
  /** A fresh key to add (signing at once) when the retired key signed and no pending key can take over. */
  add: KeyPlan | null
}

/**
 * `keys retire KID [--now]`: the key stops signing at once; when it was the
 * signing key, the newest pending key signs at once, or a fresh key does.
 * With `removeNow`, the key also leaves the JWKS at once (a leaked key).
 * Returns null when there is nothing to change (already retired, and
 * already removed or not asked to be).
 */
export function planRetire(keys: readonly KeyRecord[], kid: string, now: number, removeNow: boolean, s: RotationSettings): RetirePlan | null {
  const key = keys.find((k) => k.kid === kid)
  if (!key) throw new RangeError(kid)
  const update: KeyUpdate = { kid }
  if (key.retiredAt === null) update.retiredAt = now
  if (removeNow && key.removedAt === null) update.removedAt = now
  if (update.retiredAt === undefined && update.removedAt === undefined) return null
  const plan: RetirePlan = { update: [update], add: null }
  if (signingKeyAt(keys, now)?.kid === kid) {
    const maxTtlMs = s.maxTtl * 1000
    let successor: KeyRecord | undefined
    for (const k of keys) {
      if (k.serial > key.serial && k.retiredAt === null && keyTimes(k, keys, now, maxTtlMs).state === 'pending' &&
          (!successor || k.serial > successor.serial)) successor = k
    }
    if (successor) plan.update.push({ kid: successor.kid, activatesAt: now })
    else plan.add = { alg: s.signingAlg, activatesAt: now, reason: 'no signing key' }
  }
  return plan
}
