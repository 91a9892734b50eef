// examples/native-app, run as its README says, against a real issuer and the
// restaurant API; headless Chromium stands in for the person who opens the
// printed authorization URL, signs in and allows. The app receives the code
// on its own loopback port (RFC 8252 §7.3), exchanges it with PKCE, calls
// the API, and refreshes its short-lived token with the refresh_token grant;
// every token it holds is DPoP-bound (RFC 9449) to a key it made at start.
import t from 'tap'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { launchBrowser } from './fixtures/browser.js'
import { AUDIENCE, cleanEnv, cli, ROOT, startExample, startIssuer, tempDb } from './fixtures/harness.js'

t.test('the native app signs in through the browser, calls the API and refreshes its token, all DPoP-bound to its key', async (t) => {
  const db = await tempDb(t)
  const issuer = await startIssuer(t, db)
  const client = await cli(db, ['client', 'create', '--name', 'Restaurants native app', '--public', '--grant', 'authorization_code', '--grant', 'refresh_token',
    '--redirect-uri', 'http://127.0.0.1/callback', '--scope', 'read write', '--audience', AUDIENCE, '--ttl', '4'])
  await cli(db, ['user', 'create', '--username', 'john', '--scope', 'read', '--password-stdin'], 'correct horse battery\n')
  const api = await startExample(t, 'restaurants-fastify', issuer.issuer)

  const child = spawn(process.execPath, [join(ROOT, 'examples/native-app/app.js')], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    env: cleanEnv({ ISSUER: issuer.issuer, CLIENT_ID: client.client_id, API: api.url, CALLS: '3', INTERVAL_MS: '1500' }),
  })
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGTERM') })
  let output = ''
  child.stderr.on('data', (chunk) => { output += chunk })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const authorizationUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no authorization URL within 15 s:\n${output}`)), 15_000)
    createInterface({ input: child.stdout }).on('line', (line) => {
      output += line + '\n'
      const m = /open this address in a browser to sign in: (\S+)/.exec(line)
      if (m) { clearTimeout(timer); resolve(m[1]!) }
    })
  })
  const url = new URL(authorizationUrl)
  t.equal(url.origin + url.pathname, issuer.metadata.authorization_endpoint, 'the URL is the metadata\'s authorization_endpoint')
  t.match(url.searchParams.get('redirect_uri'), /^http:\/\/127\.0\.0\.1:\d+\/callback$/, 'a loopback port of its own')
  t.equal(url.searchParams.get('code_challenge_method'), 'S256')
  t.match(url.searchParams.get('dpop_jkt'), /^[\w-]{43}$/, 'RFC 9449 §10: the code is bound to the app\'s key')

  const browser = await launchBrowser(t)
  const page = await browser.newPage()
  await page.goto(authorizationUrl)
  t.equal(await page.textContent('strong.name'), 'Restaurants native app')
  await page.getByLabel('Username').fill('john')
  await page.getByLabel('Password').fill('correct horse battery')
  await page.getByRole('button', { name: 'Allow' }).click()
  await page.waitForSelector('text=You can close this window')

  // Its calls send `Authorization: DPoP` and a proof (the API accepts the bound token no other way).
  const code = await Promise.race([exited, new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), 30_000))])
  t.equal(code, 0, 'the app exits 0')
  t.match(output, /signed in: access token for tu_/)
  const jkt = /token_type DPoP: bound to the app's ES256 key \(cnf\.jkt ([\w-]{43})\)/.exec(output)?.[1]
  t.equal(jkt, url.searchParams.get('dpop_jkt'), 'token_type DPoP, cnf.jkt the key the code was bound to')
  t.equal(output.match(/GET \/restaurants -> 200 /g)?.length, 3, 'three calls, all 200')
  t.match(output, /refreshed: new access token \(expires in 4 s\); refresh token rotated: true/, 'the token was refreshed before it expired')
  if (code !== 0) t.comment(output)
})
