// Scenario 3d: authorization_code redemption (RFC 6749 §4.1.3) by a
// confidential client (client_secret_basic, PKCE S256, RFC 7636 §4.6), with
// scope `read` (an ES256 access token) and with `openid read` (plus the ID
// token, RS256: OpenID Connect's second signature), @tessera/issuer against
// oidc-provider, same run, interleaved rounds, per server CPU-second.
// Codes are single-use: each window redeems a batch minted just before it
// (Tessera: GETs of /oauth2/authorize in a signed-in session, lib/codes.mjs;
// oidc-provider: codes saved through its models, servers/code-oidc.mjs),
// each exactly once, so the window holds redemptions only.
import { startCodeServer } from '../lib/codes.mjs'
import { measurePooled, summariseSamples } from '../lib/load.mjs'
import { ratioSummary, shuffled } from '../lib/stats.mjs'

const SCOPES = { plain: 'read', openid: 'openid read' }
const header = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url'))

/** An answer is the one expected: an access token, and an ID token exactly when `openid` was granted. */
const expected = (openid) => (_status, body) => body.includes('"access_token"') && body.includes('"id_token"') === openid

/**
 * Before timing: a code answers 200 with an access token signed with `alg`
 * and, with `openid` only, an RS256 ID token; the same code again is
 * refused (single use, RFC 6749 §4.1.2).
 */
async function sanity(s, alg, openid) {
  const [code] = await s.codes(openid ? SCOPES.openid : SCOPES.plain, 1)
  const send = () => fetch(s.tokenUrl, { method: 'POST', ...s.redeem(code) })
  const res = await send()
  const body = await res.json()
  if (res.status !== 200 || typeof body.access_token !== 'string') throw new Error(`redemption answered ${res.status}: ${JSON.stringify(body).slice(0, 200)}`)
  if (header(body.access_token).alg !== alg) throw new Error(`access token signed with ${header(body.access_token).alg}, not ${alg}`)
  if (openid !== (typeof body.id_token === 'string')) throw new Error(`id_token ${openid ? 'missing' : 'given without openid'}`)
  if (openid && header(body.id_token).alg !== 'RS256') throw new Error(`ID token signed with ${header(body.id_token).alg}, not RS256`)
  const again = await send()
  await again.arrayBuffer()
  if (again.status === 200) throw new Error('a redeemed code was accepted again')
  return body
}

/** Each server's two candidates (read; openid read), or none (with a note) when it cannot start or answers wrongly. */
async function prepare(name, alg, notes) {
  const label = name === 'tessera' ? '@tessera/issuer' : 'oidc-provider'
  let s
  try {
    s = await startCodeServer(name, alg)
    const plain = await sanity(s, alg, false)
    await sanity(s, alg, true)
    if (plain.refresh_token) notes.push(`code ${alg} ${label}: answers carry a refresh token too`)
    return [
      { name, label: `${label} authorization_code, scope read`, s, openid: false, samples: [] },
      { name: `${name}-openid`, label: `${label} authorization_code, scope openid read (+ ID token)`, s, openid: true, samples: [] },
    ]
  } catch (err) {
    await s?.stop()
    notes.push(`code ${alg} ${label}: not measured (${err.message})`)
    return []
  }
}

/** One window: `codes` fresh codes minted, then each redeemed once. */
async function window(c, codes, connections) {
  const pool = await c.s.codes(c.openid ? SCOPES.openid : SCOPES.plain, codes)
  return measurePooled(c.s.server, {
    url: c.s.tokenUrl, method: 'POST', connections, amount: pool.length,
    next: () => pool.pop(),
    request: (code) => ({ method: 'POST', ...c.s.redeem(code) }),
    check: expected(c.openid),
  })
}

export async function run({ rounds, codes, connections = 10, algs = ['ES256'], log = () => {} }) {
  const rows = []
  const ratios = []
  const notes = [
    `Each window redeems ${codes} codes minted just before it (not in the server CPU), each once; a first window of ${Math.min(200, codes)} per candidate warms the server up and is not counted.`,
    'Tessera\'s codes come from GET /oauth2/authorize in a signed-in session (a --skip-consent confidential client); oidc-provider\'s are saved through its models (a Grant with the scopes, the PKCE challenge and the redirect URI, as its authorization endpoint leaves them), in its in-memory adapter; its ID token is signed with an RSA key beside the ES256 access-token key, as DESIGN.md has ours.',
  ]
  for (const alg of algs) {
    const candidates = [...await prepare('tessera', alg, notes), ...await prepare('oidc-provider', alg, notes)]
    try {
      for (const c of candidates) await window(c, Math.min(200, codes), connections)
      for (let r = 0; r < rounds; r++) {
        for (const c of shuffled(candidates)) {
          const m = await window(c, codes, connections)
          if (m.non2xx || m.errors || m.failures || m.empty) notes.push(`code ${alg} ${c.label} round ${r + 1}: ${m.non2xx} non-2xx, ${m.errors} errors, ${m.failures} unexpected answers, ${m.empty} without a code`)
          c.samples.push(m)
        }
        log(`code ${alg} round ${r + 1}/${rounds}`)
      }
    } finally {
      for (const c of candidates) if (c.openid) await c.s.stop()
    }
    const per = Object.fromEntries(candidates.map((c) => [c.name, c.samples]))
    for (const c of candidates) rows.push(summariseSamples(alg, c.name, c.label, c.samples))
    const add = (id, label, a, b, target) => {
      if (!per[a] || !per[b]) return
      ratios.push({ id: `code.${alg}.${id}`, scenario: 'code', alg, label, metric: 'req/CPU-s', ...ratioSummary(per[a].map((m) => m.reqPerCpuSec), per[b].map((m) => m.reqPerCpuSec)), target })
    }
    add('tessera/oidc-provider', '@tessera/issuer / oidc-provider, code redemption, scope read', 'tessera', 'oidc-provider', 1.0)
    add('tessera-openid/oidc-provider-openid', '@tessera/issuer / oidc-provider, code redemption with openid (ID token)', 'tessera-openid', 'oidc-provider-openid', 1.0)
    add('tessera-openid/tessera', 'code redemption with openid / without (@tessera/issuer)', 'tessera-openid', 'tessera')
  }
  return { rows, ratios, notes }
}
