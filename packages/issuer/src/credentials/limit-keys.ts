// Keys of the limit counters and the failed-login counter (DESIGN.md:
// every limit is counted "under a fixed-size hash of its key"; "an IPv6
// address counts by its /64"). Every key is SHA-256, base64url (43
// characters whatever it names), so the store never holds an address, a
// username or an account id in a counter.
import { createHash } from 'node:crypto'
import { isIPv4, isIPv6 } from 'node:net'

/** One hour: the window of every limit of the accounts pages. */
export const HOUR_MS = 3_600_000

/** A fixed-size key for the parts given (joined with NUL, which none of them holds). */
export const limitKey = (...parts: string[]): string => createHash('sha256').update(parts.join('\0'), 'utf8').digest('base64url')

/** The end of the fixed hour window `now` falls in. */
export const hourWindowEnd = (now: number): number => (Math.floor(now / HOUR_MS) + 1) * HOUR_MS

/** Expands an IPv6 address to its eight groups (lower-case hex, no zero compression). */
function ipv6Groups(address: string): string[] {
  let text = address.split('%')[0]!.toLowerCase()
  // An embedded IPv4 tail (::ffff:1.2.3.4) as two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1]
  if (v4 !== undefined) {
    const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number]
    text = text.slice(0, -v4.length) + ((a << 8) | b).toString(16) + ':' + ((c << 8) | d).toString(16)
  }
  const [head, tail] = text.includes('::') ? text.split('::') as [string, string] : [text, undefined]
  const left = head === '' ? [] : head.split(':')
  const right = tail === undefined || tail === '' ? [] : tail.split(':')
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0')
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16).toString(16))
}

/**
 * What a client address counts as: an IPv4 address itself (an IPv4-mapped
 * IPv6 address as its IPv4 address), an IPv6 address by its /64 (one
 * subscriber's network: a host picks any address within it at will).
 */
export function addressBucket(address: string): string {
  if (isIPv4(address)) return address
  if (!isIPv6(address)) return address
  const groups = ipv6Groups(address)
  if (groups.slice(0, 5).every((g) => g === '0') && groups[5] === 'ffff') {
    const n = (i: number) => parseInt(groups[i]!, 16)
    return [n(6) >> 8, n(6) & 255, n(7) >> 8, n(7) & 255].join('.')
  }
  return groups.slice(0, 4).join(':') + '::/64'
}
