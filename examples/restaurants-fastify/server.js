// The restaurant service of the original tutorial, as a Fastify API whose
// access tokens are checked offline by @tessera/verify (RFC 9068):
// GET /restaurants needs scope `read`, POST /restaurants needs `write`.
// Bearer tokens and DPoP-bound tokens (RFC 9449) are both accepted: a token
// bound to a key (`cnf.jkt`) only with `Authorization: DPoP` and a fresh
// proof of that key, never as a bearer token (the verifier's `dpop` option:
// DPOP=allow, the default; require; off). See shared/verify-env.js.
//   ISSUER=http://localhost:8080 AUDIENCE=https://restaurants.example PORT=3000 \
//     node examples/restaurants-fastify/server.js
import Fastify from 'fastify'
import { tesseraAuth } from '@tessera/verify/fastify'
import { pathToFileURL } from 'node:url'
import { verifyOptionsFromEnv } from '../shared/verify-env.js'

const restaurantSchema = {
  type: 'object',
  required: ['name', 'address'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 },
    address: { type: 'string', minLength: 1, maxLength: 200 },
  },
}

/** Builds the app without listening. Options go to the verifier (issuer, audience, jwksUri, dpop, ...). */
export async function buildApp({ logger = false, ...verifyOptions }) {
  // No type coercion: `{"name": 42}` is invalid input, not the name "42".
  const app = Fastify({ logger, ajv: { customOptions: { coerceTypes: false } } })
  await app.register(tesseraAuth, verifyOptions)

  const restaurants = [{ id: 1, name: 'Le Petit Bistro', address: '12 Rue Cler, Paris' }]

  // Invalid input (schema, malformed JSON): 400 with a JSON error the client can show.
  app.setErrorHandler((err, req, reply) => {
    if (err.validation || err.statusCode === 400) {
      return reply.code(400).send({ error: 'invalid_input', error_description: err.message })
    }
    throw err // everything else: Fastify's default handler
  })

  app.get('/restaurants', { onRequest: app.requireAuth('read') }, async () => ({ restaurants }))

  app.post('/restaurants', {
    onRequest: app.requireAuth('write'),
    schema: { body: restaurantSchema },
  }, async (req, reply) => {
    const restaurant = { id: restaurants.length + 1, ...req.body, created_by: req.auth.sub }
    restaurants.push(restaurant)
    return reply.code(201).send(restaurant)
  })

  return app
}

async function main() {
  const { HOST = '127.0.0.1', PORT = '3000' } = process.env
  let verifyOptions
  try { verifyOptions = verifyOptionsFromEnv(process.env) } catch (err) {
    console.error(err.message)
    process.exit(1)
  }
  const app = await buildApp({ ...verifyOptions, logger: true })
  for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => app.close())
  await app.listen({ host: HOST, port: Number(PORT) })
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
