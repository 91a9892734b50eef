// Group commit: the write transactions asked for during one turn of the
// event loop share one IMMEDIATE transaction, committed once. A commit is
// the expensive part of a small write in SQLite (the write lock's file
// locks, the WAL frames, the unlock: two ES256 signatures' worth of CPU
// per refresh on the bench machine, bench/PROFILES.md round 4); under load
// several requests arrive in one turn and pay for one commit between them.
//
// Each call still runs in a transaction of its own inside the shared one (a
// SAVEPOINT, better-sqlite3's nested transactions): a call that throws
// rolls back its own writes only, and only its caller sees the error. No
// caller is answered before the shared commit, so nothing is acknowledged
// that is not durable; a failed commit rejects every caller of the group.
// The calls run in the order they were made, so of two rotations of one
// token in a group the first wins, as with separate transactions.
import type { SqliteDb } from './database.js'

interface Pending<A extends unknown[], T> {
  args: A
  resolve: (value: T) => void
  reject: (err: unknown) => void
}

type Outcome<T> = { ok: true; value: T } | { ok: false; err: unknown }

export function groupCommit<A extends unknown[], T>(db: SqliteDb, fn: (...args: A) => T): (...args: A) => Promise<T> {
  const own = db.raw.transaction(fn)
  let queue: Pending<A, T>[] = []
  const commitGroup = db.writer((group: Pending<A, T>[]): Outcome<T>[] => group.map((call) => {
    try {
      return { ok: true, value: db.guard(() => own(...call.args)) }
    } catch (err) {
      return { ok: false, err }
    }
  }))
  const flush = (): void => {
    const group = queue
    queue = []
    let outcomes: Outcome<T>[]
    try {
      outcomes = commitGroup(group)
    } catch (err) {
      for (const call of group) call.reject(err)
      return
    }
    group.forEach((call, i) => {
      const outcome = outcomes[i]!
      if (outcome.ok) call.resolve(outcome.value)
      else call.reject(outcome.err)
    })
  }
  return (...args: A) => new Promise<T>((resolve, reject) => {
    // After the poll phase: every request read in this turn has made its call by then.
    if (queue.push({ args, resolve, reject }) === 1) setImmediate(flush)
  })
}
