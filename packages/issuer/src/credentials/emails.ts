// E-mail addresses of users (DESIGN.md, "Accounts"): compared
// case-insensitively, so stored and compared in one normal form (Unicode
// NFC, lower case, outer spaces trimmed), as usernames are. The check is
// the practical one of RFC 5322's addr-spec a person types: one `@`, a
// local part and a dotted domain, no spaces, quotes, brackets or control
// characters, at most 254 characters (RFC 5321 §4.5.3.1.3 path limit).

export const MAX_EMAIL_LENGTH = 254

export function normaliseEmail(address: string): string {
  return address.trim().normalize('NFC').toLowerCase()
}

const ATOM = String.raw`[^\s@<>()\[\]\\,;:"\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+`
const ADDRESS = new RegExp(`^${ATOM}@${ATOM}(\\.${ATOM})+$`, 'u')

/** True when a normalised address has the form of one a person can receive mail at. */
export function isEmailAddress(normalised: string): boolean {
  if (normalised.length > MAX_EMAIL_LENGTH || !ADDRESS.test(normalised)) return false
  const domain = normalised.slice(normalised.lastIndexOf('@') + 1)
  return !domain.startsWith('.') && !domain.endsWith('.') && !domain.includes('..') && normalised.indexOf('@') <= 64
}
