// Types of postgres-cluster.mjs, for the TypeScript tests that use it.
import type { QueryResult } from 'pg'
import type { Test } from 'tap'

export interface Cluster {
  /** The folder with the PostgreSQL binaries this cluster runs (pgbench, psql beside them). */
  readonly bin: string
  /** The temporary folder: data, server.log, unix sockets. */
  readonly dir: string
  readonly host: string
  readonly port: number
  readonly user: string
  readonly password: string
  /** The URL of `database` (default `postgres`), with the password. */
  url(database?: string): string
  /** CREATE DATABASE (a fresh, empty one); resolves its URL. */
  createDatabase(name?: string): Promise<string>
  /** One statement on the `postgres` database, as the superuser. */
  sql(text: string, values?: unknown[]): Promise<QueryResult>
  /** Starts the server again after stop(), on the same port. */
  start(): Promise<void>
  /** `fast`: connections cut, clean shutdown; `immediate`: as a crash. */
  stop(mode?: 'fast' | 'immediate' | 'smart'): Promise<void>
  /** Stops the server and removes the folder. Idempotent. */
  destroy(): Promise<void>
}

export function findPostgresBin(): string | null
export function postgresUnavailableReason(): string | null
export const FAST_SETTINGS: Record<string, string>
export function startCluster(options?: { settings?: Record<string, string> }): Promise<Cluster>
/** One cluster for a test file, destroyed at its end; null (and one skipped test naming why) without PostgreSQL. */
export function postgresForFile(t: Pick<Test, 'skip' | 'teardown'>): Promise<Cluster | null>
