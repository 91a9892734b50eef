// The checks every form of the accounts pages passes first, in the sign-in
// page's order (DESIGN.md, "Accounts": "Every form of every page in this
// section ... follows the sign-in page's rules"): the Origin header (403),
// a well-formed form with each field once (400), the anti-CSRF token bound
// to the browser's cookie and to the form's purpose (403). A refused form
// changes nothing.
import type { IssuerCore } from '../../core/types.js'
import { Problems } from '../authorize/errors.js'
import { problemPage, type PageOutcome } from '../authorize/response.js'
import type { BrowserContext } from '../browser.js'
import { readFields } from '../form.js'
import { formTokenValid, originAllowed } from '../shared/csrf.js'

export type Fields<F extends string> = Partial<Record<F, string>>

/** The form's fields once Origin, form and token pass; else the page that refuses it. */
export function guardedForm<F extends string>(
  core: IssuerCore, browser: BrowserContext, body: unknown, fields: readonly F[], purpose: (form: Fields<F>) => string,
): Fields<F> | PageOutcome {
  if (!originAllowed(browser.origin, core.config.issuer)) return problemPage(Problems.forbidden, 'forbidden_origin')
  const form = readFields(body, [...fields, 'csrf' as const])
  if (form === null) return problemPage(Problems.malformedForm, 'malformed_form')
  if (!formTokenValid(core, browser, purpose(form), form.csrf)) return problemPage(Problems.forbidden, 'forbidden_csrf')
  return form
}

/** True when a step answered a page instead of a value. */
export const isPage = (value: unknown): value is PageOutcome =>
  typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'page'
