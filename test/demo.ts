// `npm run demo` runs examples/demo.mjs after building; this runs the script
// directly (no rebuild) and expects every step to pass: exit 0.
import t from 'tap'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { ROOT, cleanEnv } from './fixtures/harness.js'

t.test('examples/demo.mjs runs to exit 0', async (t) => {
  const child = spawn(process.execPath, [join(ROOT, 'examples/demo.mjs')], { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk) => { output += chunk })
  child.stderr.on('data', (chunk) => { output += chunk })
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
  const code = await new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)))
  clearTimeout(timer)
  t.equal(code, 0, 'exit 0')
  t.match(output, /failures: 0/, 'the rotation step counted no failure')
  t.match(output, /-> 401 /, 'shows a 401 without a token')
  t.match(output, /-> 403 /, 'shows a 403 without scope write')
  t.match(output, /"typ":"at\+jwt"/, 'shows a decoded token header')
  t.match(output, /headless Chromium: "Sign in" page, Restaurants app asks for read/, 'drives the sign-in page in Chromium (.ci/run installs it)')
  t.match(output, /ok: each refresh rotates/, 'shows a refresh rotation')
  t.match(output, /ok: the replay is caught: invalid_grant/, 'shows a refresh-token replay caught')
  t.match(output, /ok: and the newest refresh token of that family stops working too/, 'and its family revoked')
  t.match(output, /ok: the app got a token for maria, a user nobody provisioned/, 'shows a newcomer signing up in the middle of an app\'s sign-in')
  t.match(output, /ok: user show maria: email_verified true/, 'and confirming the address from the message its SMTP receiver caught')
  if (code !== 0) t.comment(output)
})
