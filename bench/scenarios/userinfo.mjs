// Scenario 3e: the UserInfo request (OpenID Connect Core §5.3, GET with
// `Authorization: Bearer`, RFC 6750 §2.1), @tessera/issuer's
// /oauth2/userinfo (DESIGN.md "OpenID Connect": the access token's
// signature, typ, iss and exp checked, its user looked up, the claims of
// its identity scopes answered) against oidc-provider's UserInfo endpoint,
// same run, interleaved rounds, per server CPU-second. Each server answers
// with a fixed pool of its own access tokens for `openid profile email`,
// obtained before the windows (a token is not spent by use), taken in turn.
import { startCodeServer } from '../lib/codes.mjs'
import { measurePooled, summariseSamples } from '../lib/load.mjs'
import { ratioSummary, shuffled } from '../lib/stats.mjs'

const SCOPE = 'openid profile email read'
const POOL = 50

/** A UserInfo answer with the user's subject and the claims of profile and email. */
const expected = (_status, body) => body.includes('"sub"') && body.includes('"email"') && body.includes('"preferred_username"')

/**
 * Before timing: a token with openid gets 200 with sub, profile and email
 * claims; no token: 401 (RFC 6750 §3.1); a token without openid is refused
 * (insufficient_scope, 403).
 */
async function sanity(s, token) {
  const get = (authorization) => fetch(s.userinfoUrl, { headers: authorization ? { authorization } : {} })
  const ok = await get(`Bearer ${token}`)
  const text = await ok.text()
  if (ok.status !== 200 || !expected(ok.status, text)) throw new Error(`userinfo answered ${ok.status}: ${text.slice(0, 200)}`)
  const none = await get()
  await none.arrayBuffer()
  if (none.status !== 401) throw new Error(`userinfo without a token answered ${none.status}`)
  const [plain] = await s.accessTokens('read', 1)
  const refused = await get(`Bearer ${plain}`)
  await refused.arrayBuffer()
  if (refused.status !== 403) throw new Error(`userinfo with a token without openid answered ${refused.status}`)
}

async function prepare(name, alg, notes) {
  const label = name === 'tessera' ? '@tessera/issuer' : 'oidc-provider'
  let s
  try {
    s = await startCodeServer(name, alg)
    const tokens = await s.accessTokens(SCOPE, POOL)
    await sanity(s, tokens[0])
    return [{ name, label: `${label} UserInfo`, s, tokens, samples: [] }]
  } catch (err) {
    await s?.stop()
    notes.push(`userinfo ${alg} ${label}: not measured (${err.message})`)
    return []
  }
}

/** One window of GETs, each with the next token of the pool in turn. */
function window(c, durationS, connections) {
  let i = 0
  return measurePooled(c.s.server, {
    url: c.s.userinfoUrl, connections, duration: durationS,
    next: () => c.tokens[i++ % c.tokens.length],
    request: (token) => ({ method: 'GET', headers: { authorization: `Bearer ${token}` } }),
    check: expected,
  })
}

export async function run({ rounds, durationS, connections = 10, algs = ['ES256'], log = () => {} }) {
  const rows = []
  const ratios = []
  const notes = [
    `Tokens: ${POOL} per server for scope \`${SCOPE}\`, taken in turn. @tessera/issuer: ES256 JWT access tokens from its code flow (the same tokens an API takes). oidc-provider: opaque access tokens saved through its models, bound to a Grant of openid profile email (its UserInfo refuses a token with an audience, so a resource server's JWT cannot be used there); each request finds the token, its grant, its client and the account in its in-memory adapter.`,
  ]
  for (const alg of algs) {
    const candidates = [...await prepare('tessera', alg, notes), ...await prepare('oidc-provider', alg, notes)]
    try {
      for (let r = 0; r < rounds; r++) {
        for (const c of shuffled(candidates)) {
          const m = await window(c, durationS, connections)
          if (m.non2xx || m.errors || m.failures) notes.push(`userinfo ${alg} ${c.label} round ${r + 1}: ${m.non2xx} non-2xx, ${m.errors} errors, ${m.failures} unexpected answers`)
          c.samples.push(m)
        }
        log(`userinfo ${alg} round ${r + 1}/${rounds}`)
      }
    } finally {
      for (const c of candidates) await c.s.stop()
    }
    const per = Object.fromEntries(candidates.map((c) => [c.name, c.samples]))
    for (const c of candidates) rows.push(summariseSamples(alg, c.name, c.label, c.samples))
    if (per.tessera && per['oidc-provider']) {
      ratios.push({
        id: `userinfo.${alg}.tessera/oidc-provider`, scenario: 'userinfo', alg, label: '@tessera/issuer / oidc-provider, UserInfo GET', metric: 'req/CPU-s',
        ...ratioSummary(per.tessera.map((m) => m.reqPerCpuSec), per['oidc-provider'].map((m) => m.reqPerCpuSec)), target: 1.0,
      })
    }
  }
  return { rows, ratios, notes }
}
