// Pieces several pages share: a refusal line, an outcome line, how long a
// lock lasts, the list of scopes with their descriptions, and the hidden
// anti-CSRF field. Every value is escaped by the `html` tag.
import { html, type Html } from './html.js'
import type { ScopeText } from '../oauth/views.js'

/** A refusal: one line above the form (role=alert, read out at once). */
export const alert = (message: string | undefined): Html | '' => message ? html`<p class="alert" role="alert">${message}</p>` : ''

/** The outcome of the last form (role=status). */
export const notice = (message: string | undefined): Html | '' => message ? html`<p class="notice" role="status">${message}</p>` : ''

/** How long a locked username waits (DESIGN.md: in minutes). */
export const retryLine = (minutes: number | undefined): Html | '' =>
  minutes === undefined ? '' : html`<p class="muted">You can try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.</p>`

/** Scopes as a list: each one's description, its name where none is set (both escaped). */
export function scopeItems(scopes: readonly string[], text: ScopeText['scopeText']): Html {
  const item = (s: string) => {
    const description = text?.get(s)
    return description === undefined ? html`<li>${s}</li>` : html`<li class="described" title="${s}">${description}</li>`
  }
  return html`<ul class="scopes">${scopes.map(item)}</ul>`
}

export const csrfField = (csrf: string): Html => html`<input type="hidden" name="csrf" value="${csrf}">`
