// A keep-alive HTTP client for one origin, with the answer's status,
// headers and body as text: the scenarios that drive a sequence of requests
// themselves (sign-in pages, codes, the soak) rather than through autocannon.
import http from 'node:http'

/** A keep-alive HTTP client for one origin: request(method, path, headers, body) resolves { status, headers, body }. */
export function httpClient(origin, maxSockets) {
  // `timeout` set, so that Node's agent honours the server's `Keep-Alive: timeout=N` hint and drops an idle socket
  // a second before the server closes it (with no timeout the hint is ignored, and a request sent on a socket the
  // server is closing meets ECONNRESET: the client's race, not the server's error).
  const agent = new http.Agent({ keepAlive: true, maxSockets, timeout: 60_000 })
  const { hostname, port } = new URL(origin)
  const request = (method, path, headers = {}, body) => new Promise((resolve, reject) => {
    const req = http.request({ agent, hostname, port, method, path, headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
  return { request, close: () => agent.destroy() }
}
