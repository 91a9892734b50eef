// Pages that only say something: a request that cannot be answered (no
// redirect is possible), a refused form, a busy or unavailable service.
// The text is the caller's; it is escaped like everything else.
import { html } from './html.js'
import { layout, type Page } from './layout.js'
import type { MessageView } from '../oauth/views.js'

export function messagePage(view: MessageView): Page {
  return layout(view.title, html`<h1>${view.title}</h1>
${view.lines.map((line) => html`<p>${line}</p>`)}`)
}
