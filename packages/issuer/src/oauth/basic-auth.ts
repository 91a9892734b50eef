// HTTP Basic client credentials (RFC 7617 §2), with the OAuth twist of
// RFC 6749 §2.3.1: the client id and secret are each form-encoded
// (application/x-www-form-urlencoded) before being joined by `:` and
// base64-encoded, so both are form-decoded here after the split.

import { formDecode } from './form.js'

export interface BasicCredentials {
  id: string
  secret: string
}

/** The Authorization header uses a scheme other than Basic. */
export const NOT_BASIC = 1
/** The header says Basic but its credentials cannot be decoded. */
export const MALFORMED_BASIC = 2

// RFC 7617 §2 token68 in the base64 alphabet (RFC 4648 §4); padding optional.
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

/** Reads an Authorization header as Basic client credentials. */
export function parseBasic(header: string): BasicCredentials | typeof NOT_BASIC | typeof MALFORMED_BASIC {
  // RFC 9110 §11.1: the auth-scheme is case-insensitive.
  if (header.length < 6 || header.slice(0, 6).toLowerCase() !== 'basic ') {
    return header.trim().toLowerCase() === 'basic' ? MALFORMED_BASIC : NOT_BASIC
  }
  const token = header.slice(6).trim()
  if (!BASE64.test(token) || token.length % 4 === 1) return MALFORMED_BASIC
  const decoded = Buffer.from(token, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon <= 0) return MALFORMED_BASIC
  const id = formDecode(decoded.slice(0, colon))
  const secret = formDecode(decoded.slice(colon + 1))
  if (id === undefined || secret === undefined || id === '') return MALFORMED_BASIC
  return { id, secret }
}
