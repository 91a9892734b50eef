// The two stores' schemas are one schema: each store migrates an empty
// database (SQLite in a temporary file, PostgreSQL in a throwaway cluster)
// through its own open, and the catalogues of both (sqlite_master and its
// pragmas; information_schema and pg_catalog) list the same tables,
// columns (types mapped, nullability), primary keys, indexes and foreign
// keys. A column, index or table added to one migration list and not the
// other fails here.
import t from 'tap'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { openSqliteStore } from '../../src/store/sqlite/index.js'
import { openPostgresStore } from '../../src/store/postgres/index.js'
import { postgresForFile } from '../../../../scripts/postgres-cluster.mjs'

/** A column as both stores can say it. */
interface Column { name: string; kind: Kind; notNull: boolean }
/** An index that is not the primary key: by name where a migration named it, by its columns where a UNIQUE made it. */
interface Index { name: string; columns: string[]; unique: boolean }
interface ForeignKey { columns: string[]; references: string; onDelete: string }
interface Table { columns: Column[]; primaryKey: string[]; indexes: Index[]; foreignKeys: ForeignKey[] }
type Schema = Record<string, Table>

/** What a value is stored as, in either database. */
type Kind = 'integer' | 'real' | 'text' | 'blob'

/** SQLite's STRICT types. */
const SQLITE_KINDS: Record<string, Kind> = { INTEGER: 'integer', REAL: 'real', TEXT: 'text', BLOB: 'blob' }

/**
 * PostgreSQL's types (information_schema's data_type), each with the SQLite
 * type that holds the same values: times and counters (BIGINT, INTEGER) and
 * flags (BOOLEAN: 0 or 1) as INTEGER, lists (TEXT[]: a JSON array) as TEXT.
 */
const POSTGRES_KINDS: Record<string, Kind> = {
  bigint: 'integer', integer: 'integer', smallint: 'integer', boolean: 'integer',
  'double precision': 'real', real: 'real',
  text: 'text', ARRAY: 'text', jsonb: 'text',
  bytea: 'blob',
}

/** The bookkeeping of the schema version, kept differently by design: SQLite's `PRAGMA user_version`, PostgreSQL's table. */
const VERSION_TABLE = 'schema_version'

function kind(kinds: Record<string, Kind>, type: string, where: string): Kind {
  const k = kinds[type]
  if (k === undefined) throw new Error(`${where}: type ${type} has no counterpart here yet: map it in schema-parity.test.ts`)
  return k
}

/** Sorted, so that the order of declaration (ALTER TABLE appends; SQLite rebuilds) does not count. */
function table(columns: Column[], primaryKey: string[], indexes: Index[], foreignKeys: ForeignKey[]): Table {
  const by = <T>(key: (x: T) => string) => (a: T, b: T) => key(a).localeCompare(key(b))
  return {
    columns: columns.sort(by((c) => c.name)),
    primaryKey,
    indexes: indexes.sort(by((i) => `${i.name} ${i.columns.join(',')}`)),
    foreignKeys: foreignKeys.sort(by((f) => f.columns.join(','))),
  }
}

function sqliteSchema(path: string): Schema {
  const db = new Database(path, { readonly: true })
  try {
    const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .pluck().all() as string[]
    const schema: Schema = {}
    for (const name of names) {
      const info = db.pragma(`table_info(${name})`) as Array<{ name: string; type: string; notnull: number; pk: number }>
      const columns = info.map((c) => ({
        name: c.name,
        kind: kind(SQLITE_KINDS, c.type, `${name}.${c.name}`),
        // A PRIMARY KEY column is never NULL in use (PostgreSQL says so; SQLite lets a rowid table's key be NULL).
        notNull: c.notnull === 1 || c.pk > 0,
      }))
      const primaryKey = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name)
      const list = db.pragma(`index_list(${name})`) as Array<{ name: string; unique: number; origin: 'c' | 'u' | 'pk' }>
      const indexes = list.filter((i) => i.origin !== 'pk').map((i) => ({
        // SQLite names a UNIQUE constraint's index sqlite_autoindex_<table>_<n>, PostgreSQL <table>_<column>_key.
        name: i.origin === 'u' ? '(unique constraint)' : i.name,
        columns: (db.pragma(`index_info(${i.name})`) as Array<{ seqno: number; name: string }>)
          .sort((a, b) => a.seqno - b.seqno).map((c) => c.name),
        unique: i.unique === 1,
      }))
      const keys = db.pragma(`foreign_key_list(${name})`) as Array<{ id: number; seq: number; table: string; from: string; on_delete: string }>
      const foreignKeys = [...new Set(keys.map((k) => k.id))].map((id) => {
        const parts = keys.filter((k) => k.id === id).sort((a, b) => a.seq - b.seq)
        return { columns: parts.map((k) => k.from), references: parts[0]!.table, onDelete: parts[0]!.on_delete }
      })
      schema[name] = table(columns, primaryKey, indexes, foreignKeys)
    }
    return schema
  } finally {
    db.close()
  }
}

/** ON DELETE as pg_constraint.confdeltype spells it, in SQLite's words. */
const ON_DELETE: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' }

/** SQL: the names, in order, of table `t`'s columns numbered in the array `attnums` (an index's or a constraint's). */
const columnNames = (attnums: string) => `ARRAY(SELECT a.attname::text FROM unnest(${attnums}) WITH ORDINALITY AS k (attnum, ord)
  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord)`

async function postgresSchema(url: string): Promise<Schema> {
  const db = new pg.Client({ connectionString: url })
  await db.connect()
  try {
    const columns = await db.query<{ table_name: string; column_name: string; data_type: string; is_nullable: 'YES' | 'NO' }>(
      `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name <> $1`, [VERSION_TABLE])
    const indexes = await db.query<{ table_name: string; name: string; columns: string[]; unique: boolean; primary: boolean; constraint: string | null }>(
      `SELECT t.relname AS table_name, i.relname AS name, ix.indisunique AS unique, ix.indisprimary AS primary,
              c.contype AS constraint,
              ${columnNames('ix.indkey')} AS columns
         FROM pg_index ix
         JOIN pg_class i ON i.oid = ix.indexrelid
         JOIN pg_class t ON t.oid = ix.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         LEFT JOIN pg_constraint c ON c.conindid = ix.indexrelid AND c.contype IN ('p', 'u')
        WHERE n.nspname = 'public' AND t.relname <> $1`, [VERSION_TABLE])
    const keys = await db.query<{ table_name: string; columns: string[]; references: string; on_delete: string }>(
      `SELECT t.relname AS table_name, f.relname AS references, c.confdeltype AS on_delete,
              ${columnNames('c.conkey')} AS columns
         FROM pg_constraint c
         JOIN pg_class t ON t.oid = c.conrelid
         JOIN pg_class f ON f.oid = c.confrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE c.contype = 'f' AND n.nspname = 'public'`)
    const names = [...new Set(columns.rows.map((c) => c.table_name))].sort()
    const schema: Schema = {}
    for (const name of names) {
      const own = indexes.rows.filter((i) => i.table_name === name)
      schema[name] = table(
        columns.rows.filter((c) => c.table_name === name).map((c) => ({
          name: c.column_name,
          kind: kind(POSTGRES_KINDS, c.data_type, `${name}.${c.column_name}`),
          notNull: c.is_nullable === 'NO',
        })),
        own.find((i) => i.primary)?.columns ?? [],
        own.filter((i) => !i.primary).map((i) => ({
          name: i.constraint === 'u' ? '(unique constraint)' : i.name,
          columns: i.columns,
          unique: i.unique,
        })),
        keys.rows.filter((k) => k.table_name === name).map((k) => ({
          columns: k.columns,
          references: k.references,
          onDelete: ON_DELETE[k.on_delete] ?? k.on_delete,
        })),
      )
    }
    return schema
  } finally {
    await db.end()
  }
}

const cluster = await postgresForFile(t)
if (cluster) {
  t.test('both stores migrate an empty database to the same tables, columns, keys and indexes', async (t) => {
    const path = join(t.testdir({}), 'tessera.db')
    const sqliteStore = openSqliteStore(path)
    await sqliteStore.close()
    const url = await cluster.createDatabase()
    const postgresStore = await openPostgresStore(url)
    await postgresStore.close()

    const sqlite = sqliteSchema(path)
    const postgres = await postgresSchema(url)
    t.ok(Object.keys(sqlite).length > 5, `the SQLite catalogue was read (${Object.keys(sqlite).join(', ')})`)
    t.same(Object.keys(postgres), Object.keys(sqlite), 'the same tables')
    for (const name of Object.keys(sqlite)) {
      const [a, b] = [sqlite[name], postgres[name]]
      if (a === undefined || b === undefined) continue
      t.same(b.columns, a.columns, `${name}: the same columns (PostgreSQL, then SQLite)`)
      t.same(b.primaryKey, a.primaryKey, `${name}: the same primary key`)
      t.same(b.indexes, a.indexes, `${name}: the same indexes`)
      t.same(b.foreignKeys, a.foreignKeys, `${name}: the same foreign keys`)
    }
  })
}
