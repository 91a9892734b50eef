// A throwaway PostgreSQL cluster for tests and benchmarks: initdb in a
// temporary folder, listening on 127.0.0.1 at a free port (unix sockets in
// that folder, never the system's), a superuser with a random password
// (scram-sha-256 over TCP, so URLs carry a real password), removed with
// everything in it by destroy(). PostgreSQL refuses to run as root: as root,
// the folder belongs to the `postgres` user and every server command runs
// through `runuser -u postgres --`. A watchdog shell stops the cluster and
// removes the folder should this process die without destroy() (a crash, a
// test runner's kill), so no postmaster outlives its test.
//
// Binaries: initdb and pg_ctl from PATH (symlinks followed to their real
// folder, e.g. /usr/local/bin/initdb -> /usr/lib/postgresql/15/bin), else
// the newest /usr/lib/postgresql/*/bin.
import { execFile, spawn } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'

const run = promisify(execFile)
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0

/** The folder with initdb, pg_ctl and postgres, or null when this machine has no PostgreSQL server. */
export function findPostgresBin() {
  const has = (dir) => ['initdb', 'pg_ctl', 'postgres'].every((b) => existsSync(join(dir, b)))
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const initdb = join(dir, 'initdb')
    if (!existsSync(initdb)) continue
    const real = dirname(realpathSync(initdb))
    if (has(real)) return real
  }
  const base = '/usr/lib/postgresql'
  if (!existsSync(base)) return null
  const versions = readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a))
  for (const v of versions) if (has(join(base, v, 'bin'))) return join(base, v, 'bin')
  return null
}

/** Why no cluster can be started here, or null when one can. */
export function postgresUnavailableReason() {
  if (findPostgresBin() === null) return 'no PostgreSQL server binaries (initdb, pg_ctl) on PATH or under /usr/lib/postgresql/*/bin'
  if (isRoot && !postgresIds()) return 'running as root and there is no `postgres` user to run PostgreSQL as'
  return null
}

let ids
/** The uid and gid of the `postgres` user, or null when there is none. */
function postgresIds() {
  if (ids !== undefined) return ids
  ids = null
  const passwd = existsSync('/etc/passwd') ? readFileSync('/etc/passwd', 'utf8') : ''
  const line = passwd.split('\n').find((l) => l.startsWith('postgres:'))
  if (line) {
    const [, , uid, gid] = line.split(':')
    ids = { uid: Number(uid), gid: Number(gid) }
  }
  return ids
}

/** `cmd args` as the postgres user when root, else as is. */
function asPostgres(cmd, args) {
  return isRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]
}

const sh = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** Settings for tests: durability off (a throwaway cluster), room for several pools. */
export const FAST_SETTINGS = {
  fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '200',
  // Deadlocks the stores must retry are found in 0.1 s rather than the default 1 s: tests that provoke them stay short.
  deadlock_timeout: '100ms',
}

/**
 * Starts a cluster. `settings` are postgres `-c` options (default
 * FAST_SETTINGS; pass {} for the server's defaults, as a benchmark should).
 */
export async function startCluster({ settings = FAST_SETTINGS } = {}) {
  const reason = postgresUnavailableReason()
  if (reason) throw new Error(reason)
  const bin = findPostgresBin()
  const dir = mkdtempSync(join(tmpdir(), 'tessera-pg-'))
  const data = join(dir, 'data')
  const password = randomPassword()
  const pgIds = isRoot ? postgresIds() : null
  if (pgIds) chownSync(dir, pgIds.uid, pgIds.gid)
  const watchdog = startWatchdog(bin, dir, data)
  const cluster = {
    bin, dir, host: '127.0.0.1', port: 0, user: 'postgres', password,
    /** The URL of `database` (default `postgres`), with the password. */
    url(database = 'postgres') {
      return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${this.port}/${database}`
    },
    /** CREATE DATABASE (a fresh, empty one); resolves its URL. */
    async createDatabase(name = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`) {
      await this.sql(`CREATE DATABASE "${name}"`)
      return this.url(name)
    },
    /** One statement on the `postgres` database, as the superuser. */
    async sql(text, values) {
      const client = new pg.Client({ connectionString: this.url(), connectionTimeoutMillis: 5000 })
      await client.connect()
      try { return await client.query(text, values) } finally { await client.end() }
    },
    /** Starts the server (again, after stop()), on the same port. */
    async start() {
      const opts = [`-p ${this.port}`, '-c listen_addresses=127.0.0.1', `-k ${dir}`,
        ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(' ')
      const [cmd, args] = asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '30', '-o', opts, 'start'])
      await run(cmd, args, { cwd: dir })
    },
    /** Stops the server (`fast`: connections cut, clean shutdown; `immediate`: as a crash). */
    async stop(mode = 'fast') {
      const [cmd, args] = asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-m', mode, '-w', '-t', '30', 'stop'])
      await run(cmd, args, { cwd: dir })
    },
    /** Stops the server and removes the folder. Idempotent. */
    async destroy() {
      if (this.destroyed) return
      this.destroyed = true
      await this.stop('immediate').catch(() => undefined)
      try { process.kill(watchdog.pid, 'SIGTERM') } catch { /* already gone */ }
      rmSync(dir, { recursive: true, force: true })
    },
    destroyed: false,
  }
  try {
    const pwfile = join(dir, 'pwfile')
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 })
    if (pgIds) chownSync(pwfile, pgIds.uid, pgIds.gid)
    const [cmd, args] = asPostgres(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--pwfile', pwfile,
      '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync'])
    await run(cmd, args, { cwd: dir })
    rmSync(pwfile)
    // A port free a moment ago may be taken by the time the server binds: try a few.
    for (let attempt = 1; ; attempt++) {
      cluster.port = await freePort()
      try {
        await cluster.start()
        break
      } catch (err) {
        if (attempt >= 3) throw err
      }
    }
  } catch (err) {
    await cluster.destroy()
    const log = existsSync(join(dir, 'server.log')) ? readFileSync(join(dir, 'server.log'), 'utf8').slice(-500) : ''
    throw new Error(`could not start PostgreSQL from ${bin}: ${err.stderr?.trim() || err.message}${log ? `\n${log}` : ''}`)
  }
  return cluster
}

function randomPassword() {
  return Array.from(crypto.getRandomValues(new Uint8Array(18)), (b) => b.toString(16).padStart(2, '0')).join('')
}

/** A detached shell that, once this process is gone, stops the cluster and removes its folder. */
function startWatchdog(bin, dir, data) {
  const stop = [...(isRoot ? ['runuser', '-u', 'postgres', '--'] : []), join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', 'stop']
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ${stop.map(sh).join(' ')} >/dev/null 2>&1; rm -rf ${sh(dir)}`
  const child = spawn('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore' })
  child.unref()
  return child
}

/**
 * One cluster for a test file (start-up costs about a second; a fresh
 * database per test with `cluster.createDatabase()`), destroyed when the
 * file ends, also when it fails: `t` is tap's test (its skip and teardown).
 * Where this machine has no PostgreSQL server at all, the file's PostgreSQL
 * tests are one skipped test saying why, never passed ones, and this
 * resolves null. Used by the issuer's tests and the root end-to-end tests.
 */
export async function postgresForFile(t) {
  const reason = postgresUnavailableReason()
  if (reason !== null) {
    t.skip(`PostgreSQL tests: ${reason}`, () => undefined)
    return null
  }
  const cluster = await startCluster()
  t.teardown(() => cluster.destroy())
  return cluster
}
