// Group commit: the write transactions asked for during one turn of the
// event loop (store/turn-batch.ts) share one IMMEDIATE transaction,
// committed once. A commit is the expensive part of a small write in SQLite
// (the write lock's file locks, the WAL frames, the unlock: two ES256
// signatures' worth of CPU per refresh on the bench machine,
// bench/PROFILES.md round 4), and under load several requests pay for one.
//
// Each call still runs in a transaction of its own inside the shared one (a
// SAVEPOINT, better-sqlite3's nested transactions): a call that throws
// rolls back its own writes only, and only its caller sees the error. No
// caller is answered before the shared commit, so nothing is acknowledged
// that is not durable; a failed commit rejects every caller of the group.
// The calls run in the order they were made, so of two rotations of one
// token in a group the first wins, as with separate transactions.
import { batchPerTurn, type Outcome } from '../turn-batch.js'
import type { SqliteDb } from './database.js'

export function groupCommit<A extends unknown[], T>(db: SqliteDb, fn: (...args: A) => T): (...args: A) => Promise<T> {
  const own = db.raw.transaction(fn)
  const commitGroup = db.writer((group: A[]): Outcome<T>[] => group.map((args) => {
    try {
      return { ok: true, value: db.guard(() => own(...args)) }
    } catch (err) {
      return { ok: false, err }
    }
  }))
  const call = batchPerTurn<A, T>(commitGroup)
  return (...args: A) => call(args)
}
