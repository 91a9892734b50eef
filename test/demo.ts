// `npm run demo` runs examples/demo.mjs after building; this runs the script
// directly (no rebuild), expects every step to pass (exit 0), and reads its
// output for what each step must show.
import t from 'tap'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { ROOT, cleanEnv } from './fixtures/harness.js'

const child = spawn(process.execPath, [join(ROOT, 'examples/demo.mjs')], { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
let output = ''
child.stdout.on('data', (chunk) => { output += chunk })
child.stderr.on('data', (chunk) => { output += chunk })
const timer = setTimeout(() => child.kill('SIGKILL'), 180_000)
const code = await new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)))
clearTimeout(timer)
/** The lines of one numbered step, e.g. `== 7. A stolen ...` up to the next step. */
const stepOf = (title: RegExp) => {
  const at = output.search(new RegExp(`^== \\d+\\. ${title.source}`, 'm'))
  if (at < 0) return ''
  const next = output.indexOf('\n== ', at + 1)
  return output.slice(at, next < 0 ? undefined : next)
}
const john = /user john \((tu_[\w-]+)\)/.exec(output)?.[1]

t.test('examples/demo.mjs runs to exit 0', async (t) => {
  t.equal(code, 0, 'exit 0')
  t.match(output, /Everything worked: the demo is over\./)
  if (code !== 0) t.comment(output)
})

t.test('the machine grants, the refusals and the key rotation', async (t) => {
  t.match(output, /failures: 0/, 'the rotation step counted no failure')
  t.match(output, /-> 401 /, 'shows a 401 without a token')
  t.match(output, /-> 403 /, 'shows a 403 without scope write')
  t.match(output, /"typ":"at\+jwt"/, 'shows a decoded token header')
})

t.test('a public app signs john in: the sign-in page, PKCE, a DPoP-bound token (RFC 9449)', async (t) => {
  const step = stepOf(/An app acting for john/)
  t.match(step, /headless Chromium: "Sign in" page, Restaurants app asks for read/, 'drives the sign-in page in Chromium (.ci/run installs it)')
  t.match(step, /&dpop_jkt=[\w-]{43}/, 'RFC 9449 §10: the authorization request binds the code to the app\'s key')
  t.match(step, /ok: token_type DPoP, cnf\.jkt the thumbprint of the app's key/)
  t.match(step, /Authorization: DPoP and a proof signed with the app's key -> 200 /)
})

t.test('a stolen DPoP-bound token is refused without its key, with the RFC 9449 errors; the owner\'s request succeeds', async (t) => {
  const step = stepOf(/A stolen DPoP-bound token/)
  t.match(step, /the stolen token as a bearer token -> 401 \{"error":"invalid_token",[^\n]*WWW-Authenticate: Bearer realm="api", error="invalid_token"\n/,
    'as a bearer token: 401 invalid_token (RFC 9449 §7.2)')
  t.match(step, /with a proof signed by the thief's key -> 401 \{"error":"invalid_dpop_proof",[^\n]*WWW-Authenticate: DPoP realm="api", error="invalid_dpop_proof", algs="ES256 PS256 RS256 EdDSA"\n/,
    'with the thief\'s own proof: 401 invalid_dpop_proof (RFC 9449 §7.1)')
  t.match(step, /the stolen refresh token at the token endpoint, with the thief's proof -> 400 \{"error":"invalid_grant"/, 'the stolen refresh token: invalid_grant')
  t.match(step, /ok: the app, with its own key, still reads: 200/, 'the owner with its proof: 200')
})

t.test('refresh tokens rotate and a replay is caught', async (t) => {
  const step = stepOf(/Refresh tokens rotate/)
  t.match(step, /ok: the thief's attempt changed nothing/)
  t.match(step, /ok: each refresh rotates/, 'shows a refresh rotation')
  t.match(step, /ok: the replay is caught: invalid_grant/, 'shows a refresh-token replay caught')
  t.match(step, /ok: and the newest refresh token of that family stops working too/, 'and its family revoked')
})

t.test('a newcomer signs up and confirms the address', async (t) => {
  t.match(output, /ok: the app got a token for maria, a user nobody provisioned/, 'shows a newcomer signing up in the middle of an app\'s sign-in')
  t.match(output, /ok: user show maria: email_verified true/, 'and confirming the address from the message its SMTP receiver caught')
})

t.test('the official MCP SDK client registers, signs john in and calls a tool of examples/mcp-server', async (t) => {
  const step = stepOf(/An assistant calls an MCP server's tools/)
  t.match(step, /\/mcp: 401, metadata at http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource\/mcp; issuer http:\/\/localhost:\d+/, 'RFC 9728: the 401 led to the metadata, which named the issuer')
  t.match(step, /registered itself there: client_id tc_[\w-]+ \(RFC 7591\)/)
  t.match(step, /"Sign in" page, Demo assistant \(not verified by Tessera\) asks for read/, 'the page marks the registered assistant')
  t.match(step, /ok: the assistant registered itself, and its token's audience is the MCP server/)
  t.ok(john, 'the demo printed john\'s user id')
  t.match(step, new RegExp(`tools/call whoami -> \\{"sub":"${john}","client_id":"tc_[\\w-]+","scope":"read"\\}`), 'the tool call\'s result: john\'s sub')
  t.match(step, /tools\/call find_restaurants \{"query":"paris"\} -> \{"restaurants":\[\{"id":1,"name":"Le Petit Bistro"/)
  t.match(step, /ok: client show tc_[\w-]+: registered true/)
})

t.test('a web app signs john in with OpenID Connect through openid-client and out again (examples/web-app)', async (t) => {
  const step = stepOf(/A web app signs john in with OpenID Connect/)
  t.match(step, /openid-client discovered http:\/\/localhost:\d+\/\.well-known\/openid-configuration: .* ID tokens \["RS256"\]/, 'OpenID Connect Discovery §4 from the issuer URL alone')
  t.match(step, /ok: a first-party app \(--skip-consent\) gets a plain sign-in page/)
  t.match(step, /back at http:\/\/127\.0\.0\.1:\d+\/: "john"/, 'the app shows who signed in')
  t.match(step, /ok: the app knows who signed in from the ID token openid-client validated/)
  t.match(step, /ok: the app called the restaurant API with john's access token/)
  t.match(step, /the issuer's \/oauth2\/logout: the page names the app/)
  t.match(step, /ok: RP-initiated logout: the issuer ended its session and sent john back to the app, signed out/)
})
