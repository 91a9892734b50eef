// The key timeline, derived only from times stored with each key, so that
// every process that reads the same rows at the same time agrees on it.
//
//  - A key signs from `activatesAt` until it is retired or a newer key
//    activates (a newer key retired before its activation never did).
//    Hence at most one key signs at any time: the newest activated one.
//  - It is published from its creation until its last signature +
//    maxTtl + 60 s (every token it signed has expired, with clock skew to
//    spare), or at once when it never signed, or when removed (`retire --now`).
//
// There are two such lines, each with these rules on its own keys: the
// access-token line (keys of purpose `access`) and the ID-token line (RS256
// keys: an `access` key of that algorithm, and the `id` keys kept beside
// another algorithm's access-token keys, OpenID Connect Core §15.1). An
// RS256 access key is in both; its state is the livelier of the two.
import type { KeyRecord } from '../store/types/index.js'

export type KeyState = 'pending' | 'signing' | 'retiring' | 'expired'

/** Margin added after the last token's expiry, and to the pre-publication delay. */
export const SKEW_MS = 60_000

export interface KeyTimes {
  state: KeyState
  /** When the key stops (or stopped) signing, or null when nothing is scheduled. */
  signingEndsAt: number | null
  /** When the key leaves (or left) the JWKS, or null when not yet known. */
  unpublishAt: number | null
}

type TimelineKey = Pick<KeyRecord, 'serial' | 'activatesAt' | 'retiredAt' | 'removedAt'>
type LineKey = TimelineKey & Pick<KeyRecord, 'alg' | 'purpose'>

/** The access-token line: keys that sign RFC 9068 access tokens. */
export const signsAccessTokens = (k: Pick<KeyRecord, 'purpose'>): boolean => k.purpose === 'access'
/** The ID-token line: RS256 keys (OpenID Connect Core §15.1, Discovery §3: RS256 is what relying parties assume). */
export const signsIdTokens = (k: Pick<KeyRecord, 'alg' | 'purpose'>): boolean => k.alg === 'RS256'

export const accessKeys = <K extends LineKey>(all: readonly K[]): K[] => all.filter(signsAccessTokens)
export const idTokenKeys = <K extends LineKey>(all: readonly K[]): K[] => all.filter(signsIdTokens)

/**
 * True when `k` reached its activation time before (or as) it was retired.
 * Times are in milliseconds, and several steps may share one: a tie counts
 * as "it activated, and may have signed", the side that keeps keys
 * published longer.
 */
const everActivated = (k: TimelineKey): boolean => k.retiredAt === null || k.retiredAt >= k.activatesAt

/** When `k` stops signing: its retirement or the activation of a newer key, whichever is first. */
export function signingEndsAt(k: TimelineKey, all: readonly TimelineKey[]): number | null {
  let end = k.retiredAt ?? Infinity
  for (const j of all) {
    if (j.serial > k.serial && everActivated(j) && j.activatesAt < end) end = j.activatesAt
  }
  return end === Infinity ? null : end
}

const LIVELINESS: Record<KeyState, number> = { signing: 3, pending: 2, retiring: 1, expired: 0 }
const later = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : Math.max(a, b))

/** The key's times over the lines it belongs to: the livelier state, the later ends (null: not yet known). */
export function keyTimes(k: LineKey, all: readonly LineKey[], now: number, maxTtlMs: number): KeyTimes {
  let combined: KeyTimes | undefined
  for (const [member, line] of [[signsAccessTokens(k), accessKeys(all)], [signsIdTokens(k), idTokenKeys(all)]] as const) {
    if (!member) continue
    const t = lineTimes(k, line, now, maxTtlMs)
    combined = combined === undefined ? t : {
      state: LIVELINESS[t.state] > LIVELINESS[combined.state] ? t.state : combined.state,
      signingEndsAt: later(t.signingEndsAt, combined.signingEndsAt),
      unpublishAt: later(t.unpublishAt, combined.unpublishAt),
    }
  }
  // A key in neither line (an `id` key of another algorithm: never made) is on its own.
  return combined ?? lineTimes(k, [k], now, maxTtlMs)
}

/** The key's times within one line. */
export function lineTimes(k: TimelineKey, all: readonly TimelineKey[], now: number, maxTtlMs: number): KeyTimes {
  const end = signingEndsAt(k, all)
  const signs = end === null || end >= k.activatesAt
  const naturalUnpublish = end === null ? null : signs ? end + maxTtlMs + SKEW_MS : end
  const unpublishAt = k.removedAt !== null && (naturalUnpublish === null || k.removedAt < naturalUnpublish)
    ? k.removedAt
    : naturalUnpublish
  let state: KeyState
  if (unpublishAt !== null && unpublishAt <= now) state = 'expired'
  else if (end !== null && end <= now) state = 'retiring'
  else if (k.activatesAt <= now) state = 'signing'
  else state = 'pending'
  return { state, signingEndsAt: end, unpublishAt }
}

/** The key that signs at `now`, or undefined when none does. */
export function signingKeyAt<K extends TimelineKey>(all: readonly K[], now: number): K | undefined {
  let best: K | undefined
  for (const k of all) {
    if (k.activatesAt > now) continue
    if (k.retiredAt !== null && k.retiredAt <= now) continue
    if (!everActivated(k)) continue
    if (!best || k.serial > best.serial) best = k
  }
  // The newest activated key signs unless it was retired: then none does
  // (the retire operation always promotes or adds a successor).
  if (!best) return undefined
  for (const k of all) {
    if (k.serial > best.serial && k.activatesAt <= now && everActivated(k)) return undefined
  }
  return best
}

/** The next instant after `now` at which any key changes state, or Infinity. */
export function nextTransition(all: readonly LineKey[], now: number, maxTtlMs: number): number {
  let next = Infinity
  for (const line of [accessKeys(all), idTokenKeys(all)]) {
    for (const k of line) {
      const t = lineTimes(k, line, now, maxTtlMs)
      for (const at of [k.activatesAt, t.signingEndsAt, t.unpublishAt]) {
        if (at !== null && at > now && at < next) next = at
      }
    }
  }
  return next
}
