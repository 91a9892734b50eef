// One sign-in page answered twice at once (a double submit, a replayed
// form): the page's sealed request opens for both, and the store records it
// as answered atomically, so exactly one answer carries a code and the other
// is told the page expired (DESIGN.md "The sign-in page"). A barrier in the
// store holds both answers until both have opened the seal and checked
// everything, the interleaving a real race would produce.
import t from 'tap'
import { join } from 'node:path'
import { openSqliteStore } from '../../src/store/sqlite/index.js'
import type { AnsweredRequestStore, IssuerStore } from '../../src/store/types/index.js'
import { delegate } from '../fixtures/delegate.js'
import { AUTHORIZE, authorizeUrl, CookieJar, get, hiddenFields, pkce, post, redirectParams } from './fixtures/browser.js'
import { harness } from '../fixtures/harness.js'

const dir = t.testdir({})
const inner = openSqliteStore(join(dir, 'store.db'))
let waiting: Array<() => void> = []
let barrier = false
const answeredRequests = delegate<AnsweredRequestStore>(inner.answeredRequests, {
  async markAnswered(record) {
    if (barrier) {
      // Hold each answer until two have come this far: then both try to mark the page.
      await new Promise<void>((resolve) => {
        waiting.push(resolve)
        if (waiting.length === 2) { for (const go of waiting) go(); waiting = [] }
      })
    }
    return inner.answeredRequests.markAnswered(record)
  },
})
const store = delegate<IssuerStore>(inner, { answeredRequests })
const h = await harness({ config: { dbPath: join(dir, 'store.db') }, deps: { store } })
t.teardown(() => h.close())
const REDIRECT = 'http://127.0.0.1/callback'
const app = await h.createClient({ public: true, grants: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['read'] })
await h.createUser({ username: 'john', password: 'correct horse', scopes: ['read'] })

t.test('two answers to one page at once: exactly one code, the other the expired page', async (t) => {
  const jar = new CookieJar()
  const query = { response_type: 'code', client_id: app.id, redirect_uri: REDIRECT, code_challenge: pkce().challenge, code_challenge_method: 'S256', state: 's' }
  // Signed in once first, so that both answers go straight to the code.
  const first = hiddenFields((await get(h.app, jar, authorizeUrl(query))).body)
  t.equal((await post(h.app, jar, AUTHORIZE, { ...first, username: 'john', password: 'correct horse', action: 'allow' })).statusCode, 303)
  for (let round = 1; round <= 3; round++) {
    const page = hiddenFields((await get(h.app, jar, authorizeUrl({ ...query, prompt: 'consent' }))).body)
    barrier = true
    const answers = await Promise.all([1, 2].map(() => post(h.app, jar, AUTHORIZE, { ...page, action: 'allow' })))
    barrier = false
    t.equal(answers.filter((a) => a.statusCode === 303 && redirectParams(a).get('code') !== null).length, 1, `round ${round}: one answer carries a code`)
    t.equal(answers.filter((a) => a.statusCode === 400).length, 1, `round ${round}: the other is the expired page`)
  }
})
