// Renders results as aligned text (console) or Markdown (RESULTS.md).

const num = (v, digits) => {
  if (!Number.isFinite(v)) return '–'
  if (Math.abs(v) < 0.005) v = 0 // no "-0.00"
  if (digits !== undefined) return v.toFixed(digits)
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US')
  if (Math.abs(v) >= 100) return v.toFixed(0)
  if (Math.abs(v) >= 10) return v.toFixed(1)
  return v.toFixed(2)
}
/** "median [min–max]" of a summary. */
export const mm = (s, digits) => (s && Number.isFinite(s.median) ? (s.n > 1 ? `${num(s.median, digits)} [${num(s.min, digits)}–${num(s.max, digits)}]` : num(s.median, digits)) : '–')

export function table(head, rows, markdown) {
  if (markdown) {
    const esc = (c) => String(c).replace(/\|/g, '\\|')
    return [`| ${head.map(esc).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n')
  }
  const widths = head.map((h, i) => Math.max(String(h).length, ...rows.map((r) => String(r[i]).length)))
  const line = (r) => r.map((c, i) => String(c).padEnd(widths[i])).join('  ').trimEnd()
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

function scenarioTables(name, result, md) {
  const out = []
  const rows = result.rows ?? []
  const na = (r) => `not measured: ${r.unavailable}`
  if (name === 'verify') {
    out.push(table(['alg', 'verifier', 'ops/s', 'ops per CPU-s', 'p50 µs', 'p99 µs'], rows.map((r) => r.unavailable
      ? [r.alg, r.label, na(r), '', '', '']
      : [r.alg, r.label, mm(r.opsPerSec), mm(r.opsPerCpuSec), mm(r.p50Us, 1), mm(r.p99Us, 1)]), md))
  } else if (name === 'http' || name === 'issue' || name === 'issue-dpop' || name === 'refresh' || name === 'code' || name === 'userinfo') {
    out.push(table(['alg', name === 'http' || name === 'userinfo' ? 'server' : 'token service', 'req/s', 'req per server CPU-s', 'p99 ms'], rows.map((r) => r.unavailable
      ? [r.alg, r.label, na(r), '', '']
      : [r.alg, r.label, mm(r.reqPerSec), mm(r.reqPerCpuSec), mm(r.p99Ms, 0)]), md))
  } else if (name === 'dpop') {
    const inProcess = rows.filter((r) => r.kind === 'verify')
    const http = rows.filter((r) => r.kind === 'http')
    out.push(table(['alg', 'verifier (in process)', 'ops/s', 'ops per CPU-s', 'p50 µs', 'p99 µs'], inProcess.map((r) => r.unavailable
      ? [r.alg, r.label, na(r), '', '', '']
      : [r.alg, r.label, mm(r.opsPerSec), mm(r.opsPerCpuSec), mm(r.p50Us, 1), mm(r.p99Us, 1)]), md))
    out.push(table(['alg', 'server', 'req/s', 'req per server CPU-s', 'p99 ms'], http.map((r) => r.unavailable
      ? [r.alg, r.label, na(r), '', '']
      : [r.alg, r.label, mm(r.reqPerSec), mm(r.reqPerCpuSec), mm(r.p99Ms, 0)]), md))
  } else if (name === 'soak') {
    const f = (v, d = 1) => num(v, d)
    out.push(table(['run', 'requests (by kind)', 'errors', 'req/s', 'req per server CPU-s', 'RSS start → half → end MiB (growth)', 'database MiB: half → end (grown, explained by live data, beyond)', 'p99 ms per minute'], rows.map((r) => r.unavailable
      ? [r.store, na(r), '', '', '', '', '', '']
      : [r.label, `${r.total} (${Object.entries(r.requests).map(([k, v]) => `${k} ${v}`).join(', ')})`, String(r.errors), f(r.reqPerSec, 0), f(r.reqPerCpuSec, 0),
        `${f(r.rssStartMiB)} → ${f(r.rssHalfMiB)} → ${f(r.rssEndMiB)} (${r.rssGrowthMiB >= 0 ? '+' : ''}${f(r.rssGrowthMiB)})`,
        `${f(r.db.halfMiB, 2)} → ${f(r.db.endMiB, 2)} (${f(r.db.grownMiB, 2)}, ${f(r.db.explainedMiB, 2)}, ${f(r.db.unexplainedMiB, 2)}); live ${f(r.db.liveHalfMiB, 2)} → ${f(r.db.liveEndMiB, 2)}`,
        `${r.p99PerBucketMs.map((v) => f(v, 1)).join(' ')}${r.bucketS < 60 ? ` (per ${f(r.bucketS, 0)} s)` : ''}`]), md))
    if (result.run) out.unshift(`Run: ${result.run.machineLine}; command: \`${result.run.command}\`; load average at start ${result.run.loadAverage}.`)
  } else if (name === 'password' || name === 'signup') {
    out.push(table(['what', 'ops/s', 'per CPU-s', 'p99 ms'], rows.map((r) => [r.label, mm(r.opsPerSec), mm(r.perCpuSec), mm(r.p99Ms, 0)]), md))
  } else if (name === 'memory') {
    out.push(table(['what', 'figures'], rows.map((r) => [r.label, r.samples
      ? `RSS ${r.samples.map((s) => num(s.rssMiB, 0)).join(' → ')} MiB; live heap after GC ${r.samples.map((s) => num(s.heapUsedMiB, 1)).join(' → ')} MiB; V8 heap reserved ${r.samples.map((s) => num(s.heapTotalMiB, 0)).join(' → ')} MiB (at ${r.samples.map((s) => s.after).join(', ')} verifications; ${num(r.seconds, 1)} s)`
      : `RSS ${num(r.rssBeforeMiB, 1)} → ${num(r.rssAfterMiB, 1)} MiB (+${num(r.growthMiB, 1)} MiB)`]), md))
  }
  return out.join('\n\n')
}

const TITLES = {
  verify: '1. Verify in process',
  http: '2. Protected route over HTTP (autocannon, loopback)',
  issue: '3. client_credentials issuance',
  'issue-dpop': '3c. client_credentials with DPoP (RFC 9449) beside Bearer',
  refresh: '3b. refresh_token grant with rotation',
  code: '3d. authorization_code redemption, without and with openid',
  userinfo: '3e. UserInfo request (OpenID Connect Core §5.3)',
  password: '4. Password grant',
  signup: '4b. Sign-up POST',
  memory: '5. Memory',
  dpop: '6. DPoP verification (RFC 9449)',
  soak: '7. Soak: serve under steady mixed load',
}

export function ratiosTable(ratios, md) {
  return table(['ratio', 'alg', 'metric', 'median [min–max]', 'target'], ratios.map((r) => [
    r.label, r.alg ?? '', r.metric, mm(r, 2),
    r.target !== undefined ? `≥ ${r.target}` : r.targetMax !== undefined ? `< ${r.targetMax}` : '',
  ]), md)
}

/** A target's figure: three decimals for ratios, so a median just under its threshold reads as such. */
const figure = (t, m, range) => `${range ? mm({ median: m, min: t.minSeen, max: t.maxSeen, n: t.minSeen === t.maxSeen ? 1 : 2 }, t.unit ? 2 : 3) : num(m, t.unit ? 2 : 3)}${t.unit ? ` ${t.unit}` : 'x'}`

export function targetsTable(targets, md) {
  // Over several runs (lib/runs.mjs): each run's median, then their median, which decides.
  const runs = Math.max(0, ...targets.map((t) => t.perRun?.length ?? 0))
  if (runs > 1) {
    return table(['target', ...Array.from({ length: runs }, (_, i) => `run ${i + 1}`), `median of ${runs} runs`, 'status', 'runs passing'], targets.map((t) => [
      t.text,
      ...Array.from({ length: runs }, (_, i) => (t.perRun ? (Number.isFinite(t.perRun[i]) ? figure(t, t.perRun[i], false) : '–') : i === runs - 1 && t.status !== 'NOT MEASURED' ? `${figure(t, t.median, true)} (own run)` : '')),
      t.status === 'NOT MEASURED' ? '–' : figure(t, t.median, false),
      t.status,
      t.perRun ? `${t.runsPassing}/${t.perRun.filter(Number.isFinite).length}` : '',
    ]), md)
  }
  return table(['target', 'measured median [min–max]', 'status', 'same per CPU-s'], targets.map((t) => [
    t.text,
    t.status === 'NOT MEASURED' ? '–' : figure(t, t.median, true),
    t.status,
    t.cpu ? `${mm(t.cpu, 2)}x` : '',
  ]), md)
}

/** When each run ran (RESULTS.md with --runs). */
function runsLine(runs) {
  const all = runs[0].scenarios ?? []
  const what = (r) => (r.scenarios && r.scenarios.length < all.length ? ` (${r.scenarios.join(', ')})` : all.length ? ' (every scenario)' : '')
  return `Runs: ${runs.map((r, i) => `${i + 1}. ${r.started.slice(0, 16).replace('T', ' ')} UTC${what(r)}, ${Math.round(r.seconds)} s, load average at start ${r.loadAverage}`).join('; ')}. A target's figure is the median of the runs' medians; the tables after the targets are each scenario's latest run.`
}

/** How every candidate is set up, so a reader can judge the comparison (RESULTS.md only). */
const SETUP = [
  'Tokens: RFC 9068 §2.2 access tokens (header `typ: at+jwt`, `kid`; claims iss, sub, aud, exp, iat, jti, client_id, scope) signed at run time with RSA-2048 (RS256), P-256 (ES256) or Ed25519 (EdDSA). Every verifier checks the signature, iss, aud, exp (5 s tolerance), the presence of iat/sub/client_id/jti, `typ` and the scope `read`; before timing, each must accept a valid token and reject a tampered signature and a wrong audience.',
  'DPoP (scenario 6): an ES256 or EdDSA access token bound by `cnf.jkt` to a client key of the same algorithm, presented with `Authorization: DPoP` and a proof (typ dpop+jwt, jwk, jti, htm, htu, iat, ath), a fresh proof (own jti) for every call and every request, made before the timed window. DPoP floor (bench/lib/dpop.mjs): the verify floor on the token, then the proof split and parsed, its jwk thumbprint (RFC 7638) hashed and compared with cnf.jkt, a KeyObject from a Map keyed by thumbprint, `crypto.verify`, htm/htu/iat/jti checks and ath (SHA-256 of the token); no replay store and no canonical-base64url checks, which @tessera/verify does. @tessera/verify: `verifier.verifyRequest({ method, url, headers }, { scopes: [\'read\'] })`, static JWKS, in-memory replay store. Over HTTP: Express + `expressAuth` (default dpop \'allow\') against Express + express-oauth2-jwt-bearer `auth({ ..., strict: true, dpop: { enabled: true } })`, a fixed number of requests per window (autocannon `amount`), each with its own proof.',
  'Verify floor: split on dots, base64url-decode, JSON.parse header and claims, `crypto.verify` with a KeyObject made once, the claim checks above (bench/lib/floor-verify.mjs). Synchronous.',
  '@tessera/verify: `createVerifier({ issuer, audience, jwks: { keys } })` (static JWKS, no network), `tokenCache: 0` for the plain rows and `tokenCache: 1000` for the cache rows; `await verifier.verify(token, { scopes: [\'read\'] })`.',
  'fast-jwt: `createVerifier({ key: PEM, algorithms, allowedIss, allowedAud, checkTyp: \'at+jwt\', requiredClaims, clockTolerance })`, `cache: false` or `cache: 1000`; synchronous. jose: `jwtVerify` with `createLocalJWKSet`, `typ`, `requiredClaims`. aws-jwt-verify: generic `JwtVerifier` with `cacheJwks()` (hydrated, no network), `scope: \'read\'`, `customJwtCheck` for typ and claims, `verifySync`.',
  'Cache rows: every call verifies the same token, so after the first call each one is a cache hit.',
  'HTTP: each server in its own child process, autocannon (10 connections, loopback) in the bench process; every protected server demands scope `read` and must answer 200 to a valid token and 401 to none or a tampered one. Tessera\'s adapters and express-oauth2-jwt-bearer (`strict: true`, i.e. RFC 9068 checks) fetch the JWKS from a server on 127.0.0.1 run by the bench. @fastify/jwt has no JWKS client: it is measured with the public key given statically, and with the JWKS recipe of its README (a key callback, as get-jwks does it, returning a PEM per call from a cached JWK; get-jwks itself is not installed here, so node:crypto does the JWK-to-PEM step). Hono runs on Node through @hono/node-server; its own hono/jwk is measured with `jwks_uri` (it fetches the JWKS on every request, from the same bench server, whose CPU is not counted) and with that JWKS fetched once and given as `keys` (hono/jwk imports the key into WebCrypto on every request either way); both check iss, aud, typ `at+jwt` and the alg, and the route checks the required claims and the scope.',
  'Issuance: every token service signs an RFC 9068 JWT with a key of the algorithm under test for a client authenticated with HTTP Basic (RFC 6749 §2.3.1). The floor route: Fastify + @fastify/formbody, one better-sqlite3 (WAL) lookup, one HMAC-SHA-256 compare (the issuer\'s `$sha256$` secret scheme), one `crypto.sign`. @tessera/issuer: its CLI `serve` on a temporary database, the client made with `client create`, its logging as shipped. oidc-provider: clientCredentials + resourceIndicators with `accessTokenFormat: \'jwt\'`. @node-oauth/oauth2-server: in a Fastify route, a model (same secret hash scheme) whose generateAccessToken signs the JWT, measured twice: with the clients in a Map (the library\'s in-memory example: no database at all, which our contract cannot do without, since clients are managed by the CLI and shared by processes) and with them in better-sqlite3 (WAL), one primary-key look-up per request as the floor and @tessera/issuer do; the target is against the latter. What still differs: @tessera/issuer also writes one log line per token request (DESIGN.md), reads a dummy record for an unknown client (so its time does not tell it from a wrong secret), checks repeated parameters, DPoP headers and the resource indicator (RFC 8707); the peer\'s saveToken stores nothing, as ours stores no access token.',
  'Code redemption and UserInfo (scenarios 3d, 3e): @tessera/issuer through its CLI on SQLite (a `--skip-consent` confidential client that may ask for `openid profile email read`, a user with an e-mail address and a name) against oidc-provider 9 on its in-memory adapter, over a store larger than its default 1,000 entries so that codes minted ahead are not evicted (the same client: client_secret_basic, PKCE S256, the redirect URI; resource indicators issuing ES256 JWT access tokens for the bench audience; ID tokens with RS256 from an RSA key beside the ES256 one, `id_token_signed_response_alg: \'RS256\'`, as DESIGN.md fixes ours; findAccount answering the same claims). Redemptions: each code minted before the window (Tessera by its authorize endpoint in a signed-in session; oidc-provider through its models) and sent once, a fixed number per window (autocannon `amount`); neither server issues a refresh token (the client has no refresh_token grant). UserInfo: GET with a Bearer token from a pool of 50 per server; oidc-provider\'s tokens are opaque (its UserInfo refuses a token with an audience), ours are the JWTs the code flow gives.',
  'Password grant: the floor is bare `argon2.verify` at the issuer\'s parameters with as many verifications in flight as autocannon has connections, in a process of its own. The JWKS and client_credentials probes are one connection each while the password load runs.',
  'Memory: RSS read from /proc for the issuer; the verifier in a fresh process with --expose-gc, RSS and live heap after a forced GC at each quarter.',
]

/** The whole report: machine line, per-scenario tables, ratios, targets, notes. */
export function render(results, { markdown }) {
  const parts = []
  const h = (level, text) => (markdown ? `${'#'.repeat(level)} ${text}` : level === 1 ? `== ${text} ==` : `-- ${text} --`)
  parts.push(h(1, 'Tessera benchmarks'))
  parts.push(`Machine: ${results.machineLine}`)
  parts.push(`Mode: ${results.mode} (${results.settingsLine}); command: \`${results.command}\`; ${Math.round(results.seconds)} s.`)
  if (markdown) {
    parts.push('Every scenario runs ours and the peers in the same run, interleaved in shuffled order, several rounds; a figure is the median of the rounds with [min–max]; a ratio is computed per round (both sides under the same machine load) and then summarised the same way. "Req per server CPU-s" is the number of 2xx answers divided by the CPU time the server process itself reported (process.cpuUsage() before and after the window), steadier than req/s on a shared 2-core machine where the load generator runs beside the server.')
  }
  if (results.runs?.length > 1) parts.push(runsLine(results.runs))
  parts.push(h(2, 'Targets'))
  parts.push(targetsTable(results.targets, markdown))
  if (markdown) parts.push('Where a target is missed, "Ceilings" at the end says how far the comparison can go at all on this machine, and [PROFILES.md](PROFILES.md) where the time goes (profiles made with `--profile`).')
  if (markdown) {
    parts.push(h(2, 'Setup'))
    parts.push(SETUP.map((n) => `- ${n}`).join('\n'))
  }
  for (const name of Object.keys(TITLES)) {
    const r = results.scenarios[name]
    if (!r) continue
    parts.push(h(2, TITLES[name]))
    parts.push(scenarioTables(name, r, markdown))
    if (r.ratios?.length) parts.push(ratiosTable(r.ratios, markdown))
    if (r.notes?.length) parts.push(r.notes.map((n) => `- ${n}`).join('\n'))
  }
  if (results.derived?.length) {
    parts.push(h(2, 'Ceilings: what the ratios can reach'))
    parts.push(results.derived.map((n) => `- ${n}`).join('\n'))
  }
  if (results.notes?.length) {
    parts.push(h(2, 'Notes'))
    parts.push(results.notes.map((n) => `- ${n}`).join('\n'))
  }
  return `${parts.join('\n\n')}\n`
}
