// `GET /metrics` on its own port (TESSERA_METRICS_PORT, same host as the
// issuer), apart from the public port: a scraper reaches it, the clients of
// the token endpoint need not. Plain node:http: one route, no framework.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export const METRICS_PATH = '/metrics'

/** The Prometheus text exposition, rendered at each scrape. */
export type RenderMetrics = () => Promise<{ contentType: string; body: string }>

export interface MetricsServer {
  /** e.g. http://127.0.0.1:9464/metrics */
  url: string
  close(): Promise<void>
}

function urlHost(address: AddressInfo): string {
  return address.family === 'IPv6' ? `[${address.address}]` : address.address
}

export async function startMetricsServer(host: string, port: number, render: RenderMetrics, onError: (err: Error) => void): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0]
    if (path !== METRICS_PATH) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: metrics are at /metrics\n')
      return
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed\n')
      return
    }
    render().then(
      ({ contentType, body }) => {
        response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' })
        response.end(request.method === 'HEAD' ? undefined : body)
      },
      (err: Error) => {
        // A worker that did not answer in time (restarting, say): the scrape fails, the next one will do.
        onError(err)
        response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '5' }).end('metrics unavailable\n')
      },
    )
  })
  server.keepAliveTimeout = 5000
  server.headersTimeout = 10_000
  server.requestTimeout = 30_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host, port }, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  return {
    url: `http://${urlHost(address)}:${address.port}${METRICS_PATH}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeIdleConnections()
    }),
  }
}
