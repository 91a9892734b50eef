// The size of an issuer's database, and how much of it is live data, for
// the soak scenario. Same two figures for both stores:
//   size: the bytes the store occupies (SQLite: the database file plus its
//         WAL; PostgreSQL: every table of the issuer with its indexes and
//         TOAST, pg_total_relation_size, beside pg_database_size);
//   live: the bytes of the rows alive now, packed (SQLite: the size of
//         `VACUUM INTO` a fresh file, i.e. every live row and index entry
//         with no free pages; PostgreSQL: the sum of pg_column_size of
//         every live tuple of those tables).
import { existsSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { tempDir } from './tmp.mjs'

const require = createRequire(import.meta.url)

/** A sampler for `db` (a SQLite path or a postgres:// URL): { size(), live(), close() }, all async. */
export async function storeSampler(db) {
  return db.startsWith('postgres') ? postgresSampler(db) : sqliteSampler(db)
}

function sqliteSampler(path) {
  const Database = require('better-sqlite3')
  const dir = tempDir('soak-live')
  let n = 0
  const fileSize = (p) => (existsSync(p) ? statSync(p).size : 0)
  return {
    async size() {
      const file = fileSize(path)
      const wal = fileSize(`${path}-wal`)
      // The density below is the file's alone: the WAL holds no live data of its own, so its growth is never explained.
      return { bytes: file + wal, dataBytes: file, detail: { file, wal } }
    },
    async live() {
      // A connection of its own for each copy, closed at once: no read snapshot held between samples (it would hold off checkpoints).
      const conn = new Database(path, { readonly: true, fileMustExist: true })
      const copy = join(dir, `live-${++n}.db`)
      try {
        conn.prepare('VACUUM INTO ?').run(copy)
        return statSync(copy).size
      } finally {
        conn.close()
        rmSync(copy, { force: true })
      }
    },
    async close() {},
  }
}

async function postgresSampler(url) {
  const pg = require('pg')
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const tables = async () => (await client.query("SELECT schemaname, relname FROM pg_stat_user_tables")).rows
  const quoted = (t) => `"${t.schemaname.replace(/"/g, '""')}"."${t.relname.replace(/"/g, '""')}"`
  return {
    async size() {
      const { rows } = await client.query(`SELECT coalesce(sum(pg_total_relation_size(relid)), 0)::bigint AS tables,
        pg_database_size(current_database())::bigint AS database FROM pg_stat_user_tables`)
      return { bytes: Number(rows[0].tables), dataBytes: Number(rows[0].tables), detail: { database: Number(rows[0].database) } }
    },
    async live() {
      let bytes = 0
      for (const t of await tables()) {
        const { rows } = await client.query(`SELECT coalesce(sum(pg_column_size(x.*)), 0)::bigint AS b FROM ${quoted(t)} x`)
        bytes += Number(rows[0].b)
      }
      return bytes
    },
    async close() { await client.end() },
  }
}

/**
 * Database growth over the second half against what live data explains.
 * At half-way the store held `dataSize / live` bytes per byte of live data
 * (SQLite: the file without its WAL); growth of the live data by Δlive
 * explains Δlive times that density. Whatever the store (with its WAL)
 * grew beyond it is unexplained: rows never pruned, dead tuples never
 * vacuumed, free pages never reused, a WAL never checkpointed.
 */
export function dbGrowth(half, end) {
  const density = half.live > 0 ? half.dataSize / half.live : 1
  const grown = end.size - half.size
  const explained = Math.max(0, end.live - half.live) * density
  return { grown, explained, unexplained: grown - explained, density }
}
