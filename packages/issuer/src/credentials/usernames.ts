// Usernames match case-insensitively: stored and compared in one normal
// form (Unicode NFC, then lower case). DESIGN.md: at most 256 characters
// after normalisation, and no control or invisible format characters
// (Unicode Cc, Cf, Zl, Zp: U+200B or U+202E would make `bob\u200b` a user
// apart from `bob` that looks the same).

export const MAX_USERNAME_LENGTH = 256

export function normaliseUsername(username: string): string {
  return username.normalize('NFC').toLowerCase()
}

const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u

/** True when a normalised username holds a control or invisible format character. */
export const hasInvisibleCharacters = (normalised: string): boolean => INVISIBLE.test(normalised)
