// Opening the SQLite file: created readable by its owner only (file 0600,
// new folders 0700; SQLite gives its -wal and -shm files the file's mode),
// WAL, a busy timeout (several processes share the file: servers and the
// CLI), foreign keys on, secure_delete (replaced key material is zeroed,
// not left in free pages), versioned migrations. Driver failures become
// StoreUnavailableError (the HTTP layer's 503), except constraint errors,
// which the stores turn into domain errors.
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { ConfigError, StoreUnavailableError } from '../../domain/errors.js'
import type { OpenOptions } from '../options.js'
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js'

const BUSY_TIMEOUT_MS = 5000

export function isConstraintError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code
  return typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT')
}

/** better-sqlite3's errors (SqliteError, and TypeError once the connection is closed) as StoreUnavailableError. */
function asUnavailable(err: unknown, path: string): unknown {
  if (err instanceof StoreUnavailableError || isConstraintError(err)) return err
  const code = (err as { code?: unknown })?.code
  const closed = err instanceof TypeError && /database connection is not open/.test(err.message)
  if ((typeof code === 'string' && code.startsWith('SQLITE_')) || closed) {
    return new StoreUnavailableError(`database ${path}: ${(err as Error).message}`, { cause: err })
  }
  return err
}

/** The identity of the file the connection opened: a path now naming another file means it was replaced. */
interface FileIdentity { dev: number; ino: number }

/**
 * How often every call checks that the WAL index (-shm) can still be
 * written. SQLite maps that file into memory; once it cannot be written
 * (made immutable under a running server), the next access to the mapping
 * is a SIGBUS, which kills the process and no JavaScript can catch. Checked
 * first, the store answers StoreUnavailableError (503) instead. One
 * access(2) costs about a microsecond: at most every 10 ms (a hundredth of
 * a millisecond of CPU per second), the token path does not pay for it,
 * and only a call within 10 ms of the change can still meet the mapping.
 */
const SHM_CHECK_INTERVAL_MS = 10

export class SqliteDb {
  readonly raw: Database.Database
  readonly path: string
  readonly created: boolean
  readonly #identity: FileIdentity | null
  #checkedAt = -Infinity
  #writable = false

  constructor(raw: Database.Database, path: string, created: boolean) {
    this.raw = raw
    this.path = path
    this.created = created
    this.#identity = path === ':memory:' ? null : identity(path)
  }

  /** Runs `fn`, turning driver failures into StoreUnavailableError. */
  guard<T>(fn: () => T): T {
    this.#checkShm(false)
    try {
      return fn()
    } catch (err) {
      throw asUnavailable(err, this.path)
    }
  }

  /**
   * Refuses (StoreUnavailableError) when the WAL index (with `all`: also the
   * file and its WAL) cannot be written; see SHM_CHECK_INTERVAL_MS. After a
   * refusal every call checks again until the files are writable.
   */
  #checkShm(all: boolean): void {
    if (this.#identity === null) return
    const at = performance.now()
    if (!all && this.#writable && at - this.#checkedAt < SHM_CHECK_INTERVAL_MS) return
    for (const suffix of all ? ['', '-wal', '-shm'] : ['-shm']) {
      try {
        accessSync(this.path + suffix, constants.W_OK)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' && suffix !== '') continue
        this.#writable = false
        throw new StoreUnavailableError(`database ${this.path}${suffix} cannot be written (${(err as NodeJS.ErrnoException).code})`)
      }
    }
    this.#writable = true
    this.#checkedAt = at
  }

  /** A function that runs `fn` in one IMMEDIATE transaction (the write lock taken up front, so two processes never deadlock upgrading). */
  writer<A extends unknown[], T>(fn: (...args: A) => T): (...args: A) => T {
    const tx = this.raw.transaction(fn)
    return (...args: A) => this.guard(() => tx.immediate(...args))
  }

  /** A function that runs `fn` in one read transaction (a consistent snapshot). */
  reader<A extends unknown[], T>(fn: (...args: A) => T): (...args: A) => T {
    const tx = this.raw.transaction(fn)
    return (...args: A) => this.guard(() => tx.deferred(...args))
  }

  /**
   * Throws StoreUnavailableError when the path no longer names the file
   * opened (deleted or replaced under the server), or when the file, its
   * WAL or its WAL index cannot be written.
   */
  checkFile(): void {
    if (this.#identity === null) return
    let now: FileIdentity
    try {
      now = identity(this.path)
    } catch {
      throw new StoreUnavailableError(`database ${this.path} was removed`)
    }
    if (now.dev !== this.#identity.dev || now.ino !== this.#identity.ino) {
      throw new StoreUnavailableError(`database ${this.path} was replaced by another file`)
    }
    this.#checkShm(true)
  }

  close(): void {
    if (!this.raw.open) return
    if (this.#identity !== null) {
      try {
        accessSync(this.path + '-shm', constants.W_OK)
      } catch (err) {
        // Closing checkpoints through the WAL index: with it unwritable that would be a SIGBUS.
        // The process is going away; the WAL stays for the next open to recover.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return
      }
    }
    this.raw.close()
  }
}

function identity(path: string): FileIdentity {
  const s = statSync(path)
  return { dev: s.dev, ino: s.ino }
}

function migrate(db: Database.Database, path: string): void {
  const run = db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number
    if (current > SCHEMA_VERSION) {
      throw new ConfigError(`${path} has schema version ${current}, newer than this issuer supports (${SCHEMA_VERSION}): upgrade tessera`)
    }
    for (let v = current; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!)
    if (current !== SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`)
  })
  run.immediate()
}


/** Opens (creating the file, its folder and the schema as needed) the database at `path`. */
export function openDatabase(path: string, options: OpenOptions = {}): SqliteDb {
  const memory = path === ':memory:'
  const exists = memory ? false : existsSync(path)
  if (!exists && !memory && options.mustExist) throw new ConfigError(`no database at ${path}`)
  let raw: Database.Database
  try {
    if (!memory && !exists) {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
      // Created empty with mode 0600 before SQLite opens it ('wx': never over a file made meanwhile).
      try { closeSync(openSync(path, 'wx', 0o600)) } catch (err) { if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err }
    }
    raw = new Database(path, { timeout: BUSY_TIMEOUT_MS, fileMustExist: !memory })
    raw.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
    raw.pragma('journal_mode = WAL')
    raw.pragma('synchronous = NORMAL')
    raw.pragma('foreign_keys = ON')
    raw.pragma('secure_delete = ON')
  } catch (err) {
    throw new ConfigError(`cannot open database ${path}: ${(err as Error).message}`)
  }
  try {
    migrate(raw, path)
  } catch (err) {
    raw.close()
    if (err instanceof ConfigError) throw err
    throw new ConfigError(`cannot use database ${path}: ${(err as Error).message}`)
  }
  return new SqliteDb(raw, path, !exists)
}
