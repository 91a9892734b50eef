// The bench's PostgreSQL: one throwaway cluster per run
// (scripts/postgres-cluster.mjs), started on first use with the server's
// default settings (durable, as a deployment runs it), a fresh database for
// each issuer started on it, and pgbench's select-only figure on the same
// cluster as the database's own ceiling. stopPostgres() at the end of every
// scenario removes it (run.mjs); its watchdog does, should the bench die.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { postgresUnavailableReason, startCluster } from '../../scripts/postgres-cluster.mjs'

const run = promisify(execFile)
let cluster = null
let settings = {}

/** Server settings (`-c` options) for the clusters started after this call; the default is none (the server's defaults). */
export function usePostgresSettings(next) {
  settings = { ...next }
}

async function theCluster() {
  const reason = postgresUnavailableReason()
  if (reason) throw new Error(`no PostgreSQL: ${reason}`)
  cluster ??= startCluster({ settings })
  return cluster
}

/** A new, empty database on the run's cluster; resolves its URL (with the password). */
export async function postgresDatabase() {
  return (await theCluster()).createDatabase()
}

/**
 * pgbench -S (select-only: one primary-key SELECT per transaction) on the
 * run's cluster, `connections` clients over `threads` threads for
 * `durationS`: the rate of the simplest indexed read this database serves
 * here, next to the issuer's figures. Resolves { tps, connections, threads }.
 */
export async function pgbenchSelectOnly({ durationS, connections = 10, threads = 2 }) {
  const c = await theCluster()
  const pgbench = join(c.bin, 'pgbench')
  if (!existsSync(pgbench)) throw new Error(`no pgbench beside ${c.bin}/postgres`)
  const url = await c.createDatabase()
  const env = { ...process.env, PGPASSWORD: c.password }
  await run(pgbench, ['-i', '-q', '-s', '1', url], { env })
  const { stdout } = await run(pgbench, ['-S', '-n', '-c', String(connections), '-j', String(threads), '-T', String(durationS), url], { env })
  const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1])
  if (!Number.isFinite(tps)) throw new Error(`pgbench printed no tps: ${stdout.slice(-200)}`)
  return { tps, connections, threads }
}

/** True once a cluster was started in this scenario. */
export const postgresStarted = () => cluster !== null

/** Stops and removes the run's cluster, if one was started. */
export async function stopPostgres() {
  const started = cluster
  cluster = null
  if (started) await (await started.catch(() => null))?.destroy()
}
