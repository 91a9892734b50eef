// A JWKS endpoint on 127.0.0.1 (port 0) served by the bench itself, for the
// verifiers that fetch keys over HTTP (RFC 7517 §5 JWK Set).
import { createServer } from 'node:http'

export async function startJwksServer(keys) {
  const body = JSON.stringify({ keys })
  let hits = 0
  const server = createServer((req, res) => {
    hits++
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=600' }).end(body)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    uri: `http://127.0.0.1:${server.address().port}/.well-known/jwks.json`,
    hits: () => hits,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve) }),
  }
}
