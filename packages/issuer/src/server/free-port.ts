// Port 0 resolved once, before the core opens, so that the configuration
// (and the default issuer identifier, http://localhost:$PORT) is final and
// frozen from the start, and every worker of a cluster listens on the same port.
import { createServer } from 'node:net'
import { withPort, type IssuerConfig } from '../config.js'

export async function freePort(host: string): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject)
    probe.listen({ host, port: 0 }, () => resolve())
  })
  const { port } = probe.address() as { port: number }
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}

/** The configuration with port 0 replaced by a free port on its host. */
export async function resolvePort<C extends IssuerConfig>(config: C): Promise<C> {
  return config.port === 0 ? withPort(config, await freePort(config.host)) : config
}
