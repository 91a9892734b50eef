// Canonical base64url (RFC 7515 §2, RFC 4648 §5): the URL-safe alphabet, no
// padding, no other character, and the unused bits of the last character
// zero (RFC 4648 §3.5). Node's decoder is lenient (it skips `=`, `!`, `%`,
// spaces and newlines, reads `+`/`/` as `-`/`_`, and drops non-zero trailing
// bits), so without this check one signed token has many accepted spellings,
// and anything keyed on the token string (the verified-token cache, a
// deny-list) could be sidestepped.
//
// The hot path decodes every segment anyway; encoding the bytes back and
// comparing with the segment accepts exactly the one spelling an encoder
// produces, whatever the decoder tolerates. Measured cheaper here than a
// charCode loop over the token (native encode plus a memcmp).

/**
 * The bytes of `s[start, end)` when it is canonical base64url, else
 * undefined. An empty segment decodes to an empty buffer.
 */
export function decodeCanonical(s: string, start: number, end: number): Buffer | undefined {
  const segment = s.slice(start, end)
  const bytes = Buffer.from(segment, 'base64url')
  return bytes.toString('base64url') === segment ? bytes : undefined
}
