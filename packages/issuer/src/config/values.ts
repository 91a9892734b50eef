// How the values of settings are checked: the issuer identifier (an origin,
// RFC 8414 §2), loopback hosts, the key encryption key. Pure functions, one
// problem line each, shared by the settings table and the CLI.
import { isIP } from 'node:net'

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
export const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/
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
