// An application calling the restaurant API on behalf of a user, with the
// resource owner password credentials grant (RFC 6749 §4.3), the one the
// original tutorial used (`grant_type=password&username=john&password=abcd`).
// RFC 9700 §2.4 says this grant MUST NOT be used: the application sees the
// user's password, and to renew a token it must keep it. Tessera allows it
// only for clients created with `--grant password`; prefer the client
// credentials grant for services.
//   ISSUER=http://localhost:8080 CLIENT_ID=tc_... CLIENT_SECRET=... OAUTH_USERNAME=john \
//   API=http://127.0.0.1:3000 node examples/password-grant/client.js   # password on stdin, or OAUTH_PASSWORD=...
import { createInterface } from 'node:readline'
import { pathToFileURL } from 'node:url'
import { callApi, describe } from '../shared/api.js'
import { createTokenSource, discover, logToken } from '../shared/token-source.js'

/** A token source for one user; the client authenticates with client_secret_basic. */
export async function passwordSource({ issuer, clientId, clientSecret, username, password, scope, resource, log = console.log }) {
  const metadata = await discover(issuer)
  return createTokenSource({
    tokenEndpoint: metadata.token_endpoint,
    clientId,
    clientSecret,
    grant: { grant_type: 'password', username, password, ...(scope && { scope }), ...(resource && { resource }) },
    onToken: logToken(log),
  })
}

/** Lists the restaurants, then tries to add one: that needs scope `write`. */
export async function run({ api, log = console.log, ...options }) {
  const tokens = await passwordSource({ ...options, log })
  const call = async (method, path, body) => {
    log(`${method} ${path} as ${options.username}`)
    const answer = await callApi(api, await tokens.getToken(), method, path, body)
    log(`  ${describe(answer)}`)
    return answer
  }
  const list = await call('GET', '/restaurants')
  const add = await call('POST', '/restaurants', { name: "John's Diner", address: '5 Main Street' })
  return { tokens, list, add }
}

async function readLine() {
  const lines = createInterface({ input: process.stdin, terminal: false })
  for await (const line of lines) { lines.close(); return line }
  return ''
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { ISSUER, CLIENT_ID, CLIENT_SECRET, OAUTH_USERNAME, API = 'http://127.0.0.1:3000', SCOPE, RESOURCE } = process.env
  if (!ISSUER || !CLIENT_ID || !CLIENT_SECRET || !OAUTH_USERNAME) {
    console.error('set ISSUER, CLIENT_ID, CLIENT_SECRET and OAUTH_USERNAME (and API); the password comes on stdin or in OAUTH_PASSWORD')
    process.exit(1)
  }
  const password = process.env.OAUTH_PASSWORD ?? await readLine()
  try {
    const { list } = await run({ issuer: ISSUER, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, username: OAUTH_USERNAME, password, api: API, scope: SCOPE, resource: RESOURCE })
    if (list.status !== 200) process.exitCode = 1 // the POST may rightly be refused: it needs scope write
  } catch (err) {
    console.error(err.message)
    process.exitCode = 1
  }
}
