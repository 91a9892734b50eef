// A service calling the restaurant API on its own behalf: it gets an access
// token with the client_credentials grant (RFC 6749 §4.4), authenticating
// with client_secret_basic, and reuses the token until shortly before it
// expires.
//   ISSUER=http://localhost:8080 CLIENT_ID=tc_... CLIENT_SECRET=... \
//   API=http://127.0.0.1:3000 node examples/client-credentials/client.js
import { pathToFileURL } from 'node:url'
import { callApi, describe } from '../shared/api.js'
import { createTokenSource, discover, logToken } from '../shared/token-source.js'

/**
 * A token source for the client. `scope` and `resource` (RFC 8707, the API's
 * audience) are optional: the issuer then grants the client's defaults.
 */
export async function clientCredentialsSource({ issuer, clientId, clientSecret, scope, resource, log = console.log }) {
  const metadata = await discover(issuer)
  return createTokenSource({
    tokenEndpoint: metadata.token_endpoint,
    clientId,
    clientSecret,
    grant: { grant_type: 'client_credentials', ...(scope && { scope }), ...(resource && { resource }) },
    onToken: logToken(log),
  })
}

/** The client's whole job: list the restaurants, add one, list them again. */
export async function run({ api, log = console.log, ...options }) {
  const tokens = await clientCredentialsSource({ ...options, log })
  const call = async (method, path, body) => {
    log(`${method} ${path}`)
    const answer = await callApi(api, await tokens.getToken(), method, path, body)
    log(`  ${describe(answer)}`)
    return answer
  }
  const answers = [
    await call('GET', '/restaurants'),
    await call('POST', '/restaurants', { name: 'Chez Tessera', address: '1 Token Street' }),
    await call('GET', '/restaurants'),
  ]
  log(`tokens fetched from the issuer for 3 calls: ${tokens.fetches} (the token is reused until shortly before it expires)`)
  return { tokens, answers }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { ISSUER, CLIENT_ID, CLIENT_SECRET, API = 'http://127.0.0.1:3000', SCOPE, RESOURCE } = process.env
  if (!ISSUER || !CLIENT_ID || !CLIENT_SECRET) {
    console.error('set ISSUER, CLIENT_ID and CLIENT_SECRET (and API, default http://127.0.0.1:3000)')
    process.exit(1)
  }
  try {
    const { answers } = await run({ issuer: ISSUER, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, api: API, scope: SCOPE, resource: RESOURCE })
    if (answers.some((a) => a.status >= 300)) process.exitCode = 1
  } catch (err) {
    console.error(err.message)
    process.exitCode = 1
  }
}
