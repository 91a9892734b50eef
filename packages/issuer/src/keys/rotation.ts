// Rotation decisions, as pure functions of the key rows, the time and the
// configuration. The caller turns a decision into a store change claimed
// against the key-set version (see KeyStore.change), so that among
// several processes it happens once.
//
// Each line of keys (timeline.ts: access tokens, ID tokens) follows the
// same rules. When TESSERA_SIGNING_ALG is RS256 the access-token keys sign
// ID tokens too; otherwise an RS256 key of purpose `id` is kept beside them
// (OpenID Connect Core §15.1): made, rotated and replaced with them.
import type { SigningAlg } from '../domain/types.js'
import type { KeyPurpose, KeyRecord, KeyUpdate } from '../store/types/index.js'
import { accessKeys, idTokenKeys, lineTimes, signingKeyAt, signsAccessTokens, signsIdTokens, SKEW_MS } from './timeline.js'

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
  purpose: KeyPurpose
  activatesAt: number
  reason: 'first key' | 'no signing key' | 'algorithm changed' | 'scheduled rotation'
}

/**
 * How long a new key is published before it signs: the JWKS max-age + 60 s,
 * so every cache that honours max-age already holds it.
 */
export const prePublicationMs = (s: Pick<RotationSettings, 'jwksMaxAge'>): number => s.jwksMaxAge * 1000 + SKEW_MS

/** An ID-token key of its own is kept only beside access-token keys of another algorithm. */
const ID_TOKEN_ALG: SigningAlg = 'RS256'
export const needsIdTokenKeys = (s: Pick<RotationSettings, 'signingAlg'>): boolean => s.signingAlg !== ID_TOKEN_ALG

/** The key one line needs now, or null. */
function planLine(line: readonly KeyRecord[], alg: SigningAlg, purpose: KeyPurpose, now: number, s: RotationSettings): KeyPlan | null {
  if (!signingKeyAt(line, now)) {
    return { alg, purpose, activatesAt: now, reason: line.length === 0 ? 'first key' : 'no signing key' }
  }
  const newest = newestUnretired(line)
  if (!newest) return null
  if (newest.alg !== alg) {
    return { alg, purpose, activatesAt: now + prePublicationMs(s), reason: 'algorithm changed' }
  }
  if (s.keyRotationDays !== null && now >= newest.createdAt + s.keyRotationDays * 86_400_000) {
    return { alg, purpose, activatesAt: now + prePublicationMs(s), reason: 'scheduled rotation' }
  }
  return null
}

/** Every key the background maintenance should add now: the access-token line's, then the ID-token line's. */
export function maintenancePlans(keys: readonly KeyRecord[], now: number, s: RotationSettings): KeyPlan[] {
  const plans: KeyPlan[] = []
  const access = planLine(accessKeys(keys), s.signingAlg, 'access', now, s)
  if (access) plans.push(access)
  // With RS256 the access-token keys are the ID-token line; a key it adds joins both.
  if (needsIdTokenKeys(s)) {
    const id = planLine(idTokenKeys(keys), ID_TOKEN_ALG, 'id', now, s)
    if (id) plans.push(id)
  }
  return plans
}

/** The first key the background maintenance should add now, or null. */
export function planMaintenance(keys: readonly KeyRecord[], now: number, s: RotationSettings): KeyPlan | null {
  return maintenancePlans(keys, now, s)[0] ?? null
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

/**
 * `keys rotate [--now]`: a new key, pending for the pre-publication delay,
 * or 2 s with `now`; and a new ID-token key beside it when the algorithm is
 * not RS256.
 */
export function planRotation(now: number, immediate: boolean, s: RotationSettings): KeyPlan[] {
  const activatesAt = now + (immediate ? EMERGENCY_PUBLICATION_MS : prePublicationMs(s))
  const plans: KeyPlan[] = [{ alg: s.signingAlg, purpose: 'access', activatesAt, reason: 'scheduled rotation' }]
  if (needsIdTokenKeys(s)) plans.push({ alg: ID_TOKEN_ALG, purpose: 'id', activatesAt, reason: 'scheduled rotation' })
  return plans
}

export interface RetirePlan {
  update: KeyUpdate[]
  /** Fresh keys to add (signing at once) when the retired key signed and no pending key can take over. */
  add: KeyPlan[]
}

/** In one line: when `key` signs now, the newest pending key takes over at once, or a fresh key is needed. */
function handOver(line: readonly KeyRecord[], key: KeyRecord, now: number, maxTtlMs: number): { promote: KeyRecord | null } | null {
  if (signingKeyAt(line, now)?.kid !== key.kid) return null
  let successor: KeyRecord | undefined
  for (const k of line) {
    if (k.serial > key.serial && k.retiredAt === null && lineTimes(k, line, now, maxTtlMs).state === 'pending' &&
        (!successor || k.serial > successor.serial)) successor = k
  }
  return { promote: successor ?? null }
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
  const plan: RetirePlan = { update: [update], add: [] }
  const maxTtlMs = s.maxTtl * 1000
  const access = signsAccessTokens(key) ? handOver(accessKeys(keys), key, now, maxTtlMs) : null
  const id = signsIdTokens(key) ? handOver(idTokenKeys(keys), key, now, maxTtlMs) : null
  for (const h of [access, id]) {
    if (h?.promote && !plan.update.some((u) => u.kid === h.promote!.kid)) plan.update.push({ kid: h.promote.kid, activatesAt: now })
  }
  const promoted = (line: (k: KeyRecord) => boolean) => plan.update.some((u) => u.activatesAt !== undefined && line(keys.find((k) => k.kid === u.kid)!))
  if (access && !promoted(signsAccessTokens)) plan.add.push({ alg: s.signingAlg, purpose: 'access', activatesAt: now, reason: 'no signing key' })
  // A fresh RS256 access-token key signs ID tokens too.
  const idCovered = promoted(signsIdTokens) || plan.add.some((p) => p.alg === ID_TOKEN_ALG)
  if (id && !idCovered) plan.add.push({ alg: ID_TOKEN_ALG, purpose: 'id', activatesAt: now, reason: 'no signing key' })
  return plan
}
