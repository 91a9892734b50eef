// What `serve`, the cluster primary and its workers share: the options and
// handle of a running issuer, and the messages and environment of the
// node:cluster protocol between a primary and its workers.
import cluster from 'node:cluster'

export interface ServeOptions {
  /** Fastify's pino logger, JSON to stdout. Default true. */
  logger?: boolean
  /** Install SIGTERM/SIGINT/SIGHUP handlers that close and exit 0. Default true. */
  handleSignals?: boolean
}

export interface RunningIssuer {
  /** Where the server listens, e.g. http://127.0.0.1:8080. */
  url: string
  /** Where `GET /metrics` answers, or null without a metrics port. */
  metricsUrl: string | null
  /** Stops accepting, lets in-flight requests finish (in every worker), closes the core. Idempotent. */
  close(): Promise<void>
}

/** What a worker and its primary say to each other over the cluster's IPC channel. */
export type ClusterMessage =
  | { type: 'tessera:listening'; url: string }
  | { type: 'tessera:failed'; message: string }
  | { type: 'tessera:shutdown' }
  /** The primary asks a worker for its metrics (a scrape); the worker answers with its registry as JSON. */
  | { type: 'tessera:metrics-request'; id: number }
  | { type: 'tessera:metrics'; id: number; metrics: unknown[] }

/** Set by the primary in the environment of the workers it forks. */
export const WORKER_ENV = 'TESSERA_CLUSTER_WORKER'
/** The port the primary chose (port 0 resolved once, so restarted workers share it). */
export const WORKER_PORT_ENV = 'TESSERA_CLUSTER_PORT'

export const isClusterWorker = (): boolean => cluster.isWorker && process.env[WORKER_ENV] === '1'
