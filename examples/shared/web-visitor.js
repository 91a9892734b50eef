// A person with a browser, for the demo's web-app step: fetch with a
// cookie jar per host (the app and the issuer are different sites), links
// followed by hand, forms posted with the page's hidden fields, as a
// browser without JavaScript would.

export class Visitor {
  #jar = new Map()

  #cookies(url) {
    return [...(this.#jar.get(url.host) ?? new Map())].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  #keep(url, res) {
    const jar = this.#jar.get(url.host) ?? new Map()
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';')
      const [name, value] = pair.split('=')
      if (attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))) jar.delete(name.trim())
      else jar.set(name.trim(), value)
    }
    this.#jar.set(url.host, jar)
  }

  /** One request, redirects not followed: the answer and its body as text. */
  async request(href, { method = 'GET', form } = {}) {
    const url = new URL(href)
    const headers = { cookie: this.#cookies(url) }
    if (form) Object.assign(headers, { 'content-type': 'application/x-www-form-urlencoded', origin: url.origin })
    const res = await fetch(url, { method, headers, redirect: 'manual', body: form && new URLSearchParams(form) })
    this.#keep(url, res)
    return { status: res.status, location: res.headers.get('location') && new URL(res.headers.get('location'), url).href, url: url.href, html: await res.text() }
  }

  /** GETs, following 303s and 302s, until a page. */
  async follow(href) {
    let answer = await this.request(href)
    while (answer.status === 302 || answer.status === 303) answer = await this.request(answer.location)
    return answer
  }

  /** Posts the page's form (its hidden fields and `fields`) to its action, following the redirects after it. */
  async submit(page, fields) {
    const hidden = Object.fromEntries([...page.html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)]
      .map((m) => [m[1], m[2].replace(/&amp;/g, '&').replace(/&quot;/g, '"')]))
    const action = /<form method="post" action="([^"]+)"/.exec(page.html)?.[1]
    if (action === undefined) throw new Error(`no form on ${page.url}`)
    const answer = await this.request(new URL(action, page.url).href, { method: 'POST', form: { ...hidden, ...fields } })
    return answer.status === 303 ? this.follow(answer.location) : answer
  }
}
