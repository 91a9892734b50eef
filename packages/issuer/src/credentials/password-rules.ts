// The rules a password chosen on the pages must meet (DESIGN.md,
// "Accounts"; NIST SP 800-63B §5.1.1.2: a minimum length, a generous
// maximum, and no value from a list of commonly used or compromised
// passwords, nor one derived from the account's own names). The list is
// the 10,000 most common passwords of @zxcvbn-ts/language-common's
// `passwords-common` dictionary, which is ranked by frequency (most common
// first): a maintained list, not one typed in here. The CLI applies the
// same rules as a warning only (the operator decides).
import { dictionary } from '@zxcvbn-ts/language-common'

/** Longest password accepted on the pages, characters after NFC. */
export const MAX_PASSWORD_LENGTH = 256
/** How many of the most common passwords are refused. */
export const COMMON_PASSWORDS_REFUSED = 10_000

export type PasswordRule = 'too_short' | 'too_long' | 'personal' | 'common'

let common: Set<string> | undefined

/** The refused list, lower case (loaded once, on first use). */
function commonPasswords(): Set<string> {
  common ??= new Set(dictionary['passwords-common'].slice(0, COMMON_PASSWORDS_REFUSED).map((p) => p.toLowerCase()))
  return common
}

/** Characters as a person counts them: code points after NFC. */
export const passwordLength = (password: string): number => [...password.normalize('NFC')].length

/**
 * The first rule `password` breaks, or null. `names` are the username and
 * the address chosen with it (either may be absent), compared
 * case-insensitively.
 */
export function passwordProblem(password: string, minLength: number, names: ReadonlyArray<string | null | undefined>): PasswordRule | null {
  const length = passwordLength(password)
  if (length < minLength) return 'too_short'
  if (length > MAX_PASSWORD_LENGTH) return 'too_long'
  const folded = password.normalize('NFC').toLowerCase()
  if (names.some((n) => n !== null && n !== undefined && n !== '' && n.normalize('NFC').toLowerCase() === folded)) return 'personal'
  if (commonPasswords().has(folded)) return 'common'
  return null
}
