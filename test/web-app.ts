// examples/web-app: a server-rendered app signing people in with Tessera
// through openid-client. A person (fetch with a cookie jar) clicks "Sign
// in", signs in on the issuer's page, lands back in the app which shows who
// they are from the ID token and their restaurants from the API; "Sign
// out" ends the issuer's session through the end-session endpoint and
// comes back to the app.
import t from 'tap'
import { join } from 'node:path'
import { AUDIENCE, cleanEnv, cli, ROOT, startExample, startIssuer, startServer, tempDb } from './fixtures/harness.js'
import { person } from './fixtures/sign-in.js'

const db = await tempDb(t)
const issuer = await startIssuer(t, db)
const api = await startExample(t, 'restaurants-fastify', issuer.issuer)
const made = await cli(db, ['client', 'create', '--name', 'Restaurants web', '--grant', 'authorization_code',
  '--redirect-uri', 'http://127.0.0.1/callback', '--scope', 'openid profile email read', '--audience', AUDIENCE, '--skip-consent'])
await cli(db, ['user', 'create', '--username', 'john', '--scope', 'read', '--password-stdin'], 'correct horse battery\n')
const web = await startServer(t, [join(ROOT, 'examples/web-app/server.js')], cleanEnv({
  ISSUER: issuer.issuer, CLIENT_ID: made.client_id, CLIENT_SECRET: made.client_secret, API: api.url, HOST: '127.0.0.1', PORT: '0',
}))
// Where sign-out returns: the app's own page, known once it listens.
await cli(db, ['client', 'update', made.client_id, '--post-logout-redirect-uri', `${web.url}/`])

t.test('sign in, see who, call the API, sign out', async (t) => {
  const john = person()
  const start = await john.get(`${web.url}/`)
  t.match(await start.text(), /href="\/login">Sign in/)
  const login = await john.get(`${web.url}/login`)
  t.equal(login.status, 303)
  const back = await john.signIn(new URL(login.headers.get('location')!), 'john', 'correct horse battery')
  t.equal(back.origin, web.url, 'back at the app')
  const callback = await john.get(back)
  t.equal(callback.status, 303, await callback.clone().text())
  const home = await john.get(`${web.url}/`)
  t.match(await home.text(), /Signed in as <strong id="name">john<\/strong>/, 'who signed in, from the ID token')
  const list = await john.get(`${web.url}/restaurants`)
  t.equal(list.status, 200)
  t.match(await list.text(), /Le Petit Bistro/, 'the API answered with the access token')

  const logout = await john.get(`${web.url}/logout`)
  t.equal(logout.status, 303)
  const end = new URL(logout.headers.get('location')!)
  t.equal(end.origin + end.pathname, `${issuer.issuer}/oauth2/logout`)
  const confirm = await john.get(end)
  const html = await confirm.text()
  t.match(html, /Restaurants web<\/strong> asks you to sign out/)
  const fields = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')]))
  const done = await john.post(new URL('/oauth2/logout', issuer.issuer), fields)
  t.equal(done.status, 303)
  t.equal(done.headers.get('location'), `${web.url}/`, 'back to the app')
  t.match(await (await john.get(`${web.url}/`)).text(), /not signed in/)
})
