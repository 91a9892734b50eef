// The restaurant service of the original tutorial, as an Express API whose
// access tokens are checked offline by @tessera/verify (RFC 9068):
// GET /restaurants needs scope `read`, POST /restaurants needs `write`.
// Bearer tokens and DPoP-bound tokens (RFC 9449) are both accepted: a token
// bound to a key (`cnf.jkt`) only with `Authorization: DPoP` and a fresh
// proof of that key, never as a bearer token (the verifier's `dpop` option:
// DPOP=allow, the default; require; off). See shared/verify-env.js.
//   ISSUER=http://localhost:8080 AUDIENCE=https://restaurants.example PORT=3000 \
//     node examples/restaurants-express/server.js
import express from 'express'
import { expressAuth } from '@tessera/verify/express'
import { pathToFileURL } from 'node:url'
import { verifyOptionsFromEnv } from '../shared/verify-env.js'

/** What is wrong with a new restaurant, or null when it is valid. */
function invalidRestaurant(body) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body must be a JSON object'
  for (const [field, max] of [['name', 100], ['address', 200]]) {
    const value = body[field]
    if (typeof value !== 'string' || value.length === 0 || value.length > max) {
      return `${field} must be a non-empty string of at most ${max} characters`
    }
  }
  return null
}

/** Creates the app without listening. Options go to the verifier (issuer, audience, jwksUri, dpop, ...). */
export function createApp(verifyOptions) {
  const requireAuth = expressAuth(verifyOptions)
  const app = express()
  app.disable('x-powered-by')
  const restaurants = [{ id: 1, name: 'Le Petit Bistro', address: '12 Rue Cler, Paris' }]

  app.get('/restaurants', requireAuth('read'), (req, res) => {
    res.json({ restaurants })
  })

  // The token is checked before the body is even parsed.
  app.post('/restaurants', requireAuth('write'), express.json({ limit: '16kb' }), (req, res) => {
    const problem = invalidRestaurant(req.body)
    if (problem) return res.status(400).json({ error: 'invalid_input', error_description: problem })
    const { name, address } = req.body
    const restaurant = { id: restaurants.length + 1, name, address, created_by: req.auth.sub }
    restaurants.push(restaurant)
    res.status(201).json(restaurant)
  })

  // Malformed JSON, oversized body: a JSON error, never a stack trace.
  app.use((err, req, res, _next) => { // four parameters: Express's error handler
    const status = err.status ?? err.statusCode ?? 500
    if (status === 400) return res.status(400).json({ error: 'invalid_input', error_description: 'body is not valid JSON' })
    res.status(status).json({ error: status < 500 ? 'invalid_request' : 'server_error', error_description: status < 500 ? err.message : 'internal error' })
  })

  return app
}

function main() {
  const { HOST = '127.0.0.1', PORT = '3000' } = process.env
  let verifyOptions
  try { verifyOptions = verifyOptionsFromEnv(process.env) } catch (err) {
    console.error(err.message)
    process.exit(1)
  }
  const app = createApp(verifyOptions)
  const server = app.listen(Number(PORT), HOST, (err) => {
    if (err) throw err
    const { address, port } = server.address()
    console.log(JSON.stringify({ msg: 'listening', url: `http://${address}:${port}` }))
  })
  for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => server.close())
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main()
