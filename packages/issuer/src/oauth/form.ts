// application/x-www-form-urlencoded (the WHATWG URL standard's algorithm, which
// RFC 6749 Appendix B points to), decoded so that repeated keys stay visible:
// RFC 6749 §3.2 forbids sending a parameter more than once, and a parser that
// keeps only the first or last value would hide it.

/** A parameter's value, or every value when it was sent more than once. */
export type FormValue = string | string[]

/** The decoded body of a token request. */
export class FormBody {
  constructor(
    /** Parameters by name (null prototype: any name is safe). Empty values are dropped. */
    readonly params: Record<string, FormValue>,
    /** True when a name or value was not valid percent-encoded UTF-8. */
    readonly malformed: boolean,
  ) {}
}

const PLUS = /\+/g

/**
 * Form-decodes one name or value: `+` is a space, then percent-decoding as
 * UTF-8. Returns undefined when the percent-encoding is invalid. Shared with
 * HTTP Basic client credentials (RFC 6749 §2.3.1), which are form-encoded too.
 */
export function formDecode(raw: string): string | undefined {
  const spaced = raw.indexOf('+') === -1 ? raw : raw.replace(PLUS, ' ')
  if (spaced.indexOf('%') === -1) return spaced
  try {
    return decodeURIComponent(spaced)
  } catch {
    return undefined
  }
}

/**
 * Parses a form body. RFC 6749 §3.2: "Parameters sent without a value MUST be
 * treated as if they were omitted from the request", so `name=` and `name`
 * are dropped here, before the repetition check.
 */
export function parseForm(body: string): FormBody {
  const params: Record<string, FormValue> = Object.create(null)
  let malformed = false
  let start = 0
  const length = body.length
  while (start <= length) {
    let end = body.indexOf('&', start)
    if (end === -1) end = length
    if (end > start) {
      const eq = body.indexOf('=', start)
      const split = eq !== -1 && eq < end
      const name = formDecode(body.slice(start, split ? eq : end))
      const value = split ? formDecode(body.slice(eq + 1, end)) : ''
      if (name === undefined || value === undefined) {
        malformed = true
      } else if (value !== '' && name !== '') {
        const previous = params[name]
        if (previous === undefined) params[name] = value
        else if (typeof previous === 'string') params[name] = [previous, value]
        else previous.push(value)
      }
    }
    start = end + 1
  }
  return new FormBody(params, malformed)
}

/**
 * A browser form's fields, each sent at most once: the values of `fields`
 * (others are ignored), or null when the body is not a well-formed form or
 * a field was repeated.
 */
export function readFields<F extends string>(body: unknown, fields: readonly F[]): Partial<Record<F, string>> | null {
  if (!(body instanceof FormBody) || body.malformed) return null
  const form: Partial<Record<F, string>> = {}
  for (const name of fields) {
    const value = body.params[name]
    if (Array.isArray(value)) return null
    if (value !== undefined) form[name] = value
  }
  return form
}
