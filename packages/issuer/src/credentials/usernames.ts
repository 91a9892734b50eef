// Usernames match case-insensitively: stored and compared in one normal
// form (Unicode NFC, then lower case).

export const MAX_USERNAME_LENGTH = 256

export function normaliseUsername(username: string): string {
  return username.normalize('NFC').toLowerCase()
}
