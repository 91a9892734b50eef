// The one escaping helper of the issuer's pages. Pages are written with the
// `html` template tag: every interpolated value is HTML-escaped unless it is
// already Html (made by this tag), so a client name, a scope, a username or
// a message can never become markup (RFC 9700 §4.16 and the OWASP XSS rules:
// escape on output, in one place). Lists of Html are joined as they are.

/** Markup that is safe as it is: only `html` and `layout` make it. */
export class Html {
  /** @internal use the `html` tag */
  constructor(readonly value: string) {}
  toString(): string {
    return this.value
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const SPECIAL = /[&<>"']/g

/** Escapes text for an HTML element body or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(SPECIAL, (c) => ESCAPES[c]!)
}

/** What a page may interpolate: text (escaped), Html (kept), lists of either, or nothing. */
export type Interpolated = string | number | Html | null | undefined | false | readonly Interpolated[]

function render(value: Interpolated): string {
  if (value === null || value === undefined || value === false) return ''
  if (value instanceof Html) return value.value
  if (Array.isArray(value)) return value.map(render).join('')
  return escapeHtml(String(value))
}

/** The template tag: literal parts are markup, interpolations are escaped. */
export function html(strings: TemplateStringsArray, ...values: Interpolated[]): Html {
  let out = strings[0]!
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!
  return new Html(out)
}
