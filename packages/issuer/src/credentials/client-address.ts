// The client address a per-address limit counts (DESIGN.md: an IPv6
// address by its /64, since one subscriber commonly holds a whole /64),
// stored only as a fixed-size keyed hash: HMAC-SHA-256 under a server
// secret, so that a copy of the database does not give the addresses back
// (the IPv4 space is small enough to hash in full).
import { createHmac } from 'node:crypto'
import { isIP } from 'node:net'

/** Two 16-bit groups for a dotted IPv4 tail (`::ffff:1.2.3.4`, RFC 4291 §2.2). */
function ipv4Groups(dotted: string): string {
  const [a, b, c, d] = dotted.split('.').map(Number) as [number, number, number, number]
  return `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
}

/** The eight groups of an IPv6 address, `::` expanded. */
function ipv6Groups(address: string): string[] {
  let text = address.toLowerCase().split('%')[0]!
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (tail) text = text.slice(0, -tail[1]!.length) + ipv4Groups(tail[1]!)
  const gap = text.indexOf('::')
  if (gap === -1) return text.split(':')
  const head = text.slice(0, gap) === '' ? [] : text.slice(0, gap).split(':')
  const rest = text.slice(gap + 2) === '' ? [] : text.slice(gap + 2).split(':')
  return [...head, ...Array<string>(8 - head.length - rest.length).fill('0'), ...rest]
}

/**
 * What a limit counts for an address: an IPv4 address itself (also when
 * written IPv4-mapped, `::ffff:192.0.2.1`), an IPv6 address's /64.
 */
export function addressBucket(address: string): string {
  if (isIP(address) !== 6) return address
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped) return mapped[1]!
  return `${ipv6Groups(address).slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`
}

/** The stored form of an address: HMAC-SHA-256 of its bucket under `key`, base64url (43 characters). */
export function addressHash(key: Buffer, address: string): string {
  return createHmac('sha256', key).update(addressBucket(address), 'utf8').digest('base64url')
}
