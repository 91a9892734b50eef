// The loopback redirect of a native app (RFC 8252 §7.3): listens on
// 127.0.0.1 on a port the system gives, until the browser comes back to
// /callback with the authorization response; the page tells the person to
// return to the app.
import { createServer } from 'node:http'

/** `{ redirectUri, arrived, close }`: `arrived` resolves with the callback's URL (its query holds code, state, iss). */
export async function loopbackListener() {
  let deliver
  const arrived = new Promise((resolve) => { deliver = resolve })
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (url.pathname !== '/callback') return res.writeHead(404).end()
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
    res.end('<!doctype html><meta charset="utf-8"><title>Signed in</title><p>You can close this window and return to the app.</p>')
    deliver(url)
  })
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve))
  return { redirectUri: `http://127.0.0.1:${server.address().port}/callback`, arrived, close: () => server.close() }
}
