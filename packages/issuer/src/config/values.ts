// How the values of settings are checked: the issuer identifier (an origin,
// RFC 8414 §2), loopback hosts, the key encryption key. Pure functions, one
// problem line each, shared by the settings table and the CLI.
import { isIP } from 'node:net'
import { SCOPE_TOKEN, SCOPE_TOKEN_RULE } from '../domain/types.js'
import type { Parsed } from './settings.js'

// eslint-disable-next-line no-control-regex
export const CONTROL = /[\u0000-\u001F\u007F-\u009F]/

const LOOPBACK_NAMES = new Set(['localhost', '[::1]'])

/** True for localhost, 127.0.0.0/8 and [::1]. */
export function isLoopbackHost(hostname: string): boolean {
  if (LOOPBACK_NAMES.has(hostname) || hostname.endsWith('.localhost')) return true
  return isIP(hostname) === 4 && hostname.startsWith('127.')
}

/**
 * Checks an issuer identifier: an origin `scheme://host[:port]`, exactly as
 * its own serialisation (no path, query, fragment, userinfo or trailing
 * slash, lower-case host, no default port), `https`, or `http` for a
 * loopback host only (RFC 8414 §2). Returns a problem line, or null.
 */
export function issuerProblem(value: string, source: string): string | null {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return `${source} must be an origin like https://issuer.example, got "${value}"`
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `${source} must use https (or http for a loopback host), got "${value}"`
  if (url.origin !== value) {
    return `${source} must be an origin like https://issuer.example (no path, no trailing slash, lower-case host, no default port), got "${value}"`
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return `${source} may use http only for a loopback host (localhost, 127.0.0.1, [::1]); use https for "${url.hostname}"`
  }
  return null
}

/** Parses 32 bytes given as base64url or base64 (padding optional); null when malformed. */
export function parseKeyEncryptionKey(text: string): Buffer | null {
  const s = text.trim()
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(s)) return null
  const bytes = Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
  if (bytes.length !== 32) return null
  // Reject non-canonical encodings (stray bits in the last character).
  if (bytes.toString('base64url') !== s.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')) return null
  return bytes
}

/**
 * Checks an audience: an RFC 8707 §2 resource indicator, an absolute URI
 * without a fragment (and without spaces or control characters, which no
 * token request could carry). Returns why it is refused, or null.
 */
export function audienceProblem(value: string): string | null {
  try {
    new URL(value)
  } catch {
    return 'it must be an absolute URI such as https://api.example (RFC 8707 §2)'
  }
  if (value.includes('#')) return 'it must not contain a fragment (RFC 8707 §2)'
  if (/\s/.test(value) || CONTROL.test(value)) return 'it must not contain spaces or control characters'
  return null
}

/** A space-delimited scope list (RFC 6749 §3.3), sorted, without duplicates. */
export function parseScopeList(value: string, source: string): Parsed<readonly string[]> {
  const scopes = value.split(' ').filter((s) => s !== '')
  const bad = scopes.find((s) => !SCOPE_TOKEN.test(s))
  if (bad !== undefined) return { ok: false, problem: `${source}: bad scope "${bad}": ${SCOPE_TOKEN_RULE}` }
  return { ok: true, value: [...new Set(scopes)].sort() }
}

/** An smtp:// or smtps:// URL with a host (nodemailer's connection URL); a problem line, or null. */
export function smtpUrlProblem(value: string, source: string): string | null {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return `${source} must be a URL like smtp://user:password@mail.example:587, got something else`
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') return `${source} must begin with smtp:// or smtps://`
  if (url.hostname === '') return `${source} must name a host`
  return null
}

/** Addresses or CIDRs (comma- or space-separated), as Fastify's trustProxy takes them. */
export function parseAddressList(value: string, source: string): Parsed<readonly string[] | null> {
  const items = value.split(/[\s,]+/).filter((s) => s !== '')
  if (items.length === 0) return { ok: false, problem: `${source} must list addresses or CIDRs` }
  for (const item of items) {
    const [address, bits, ...rest] = item.split('/')
    const family = isIP(address ?? '')
    const max = family === 4 ? 32 : 128
    if (family === 0 || rest.length > 0 || (bits !== undefined && (!/^\d+$/.test(bits) || Number(bits) > max))) {
      return { ok: false, problem: `${source}: "${item}" is not an IP address or CIDR (e.g. 10.0.0.0/8, 127.0.0.1, ::1)` }
    }
  }
  return { ok: true, value: items }
}
