// The flood of authorize-flood-process.test.ts on PostgreSQL (DESIGN.md "The
// sign-in page": what strangers send never spoils a person's open page, and
// grows the database by at most 5 MiB), a real issuer process on a
// throwaway cluster.
import t from 'tap'
import pg from 'pg'
import { postgresForFile } from '../../../../scripts/postgres-cluster.mjs'
import { closeAgent, floodLeavesTheVictimsPage, provision } from './fixtures/flood.js'
import { startServer, stop } from '../fixtures/process.js'

const cluster = await postgresForFile(t)
if (cluster !== null) {
  const db = await cluster.createDatabase()
  const clientId = await provision(db)
  const server = await startServer(db)
  t.teardown(async () => { closeAgent(); await stop(server) })
  const size = async (): Promise<number> => {
    const client = new pg.Client({ connectionString: db })
    await client.connect()
    try {
      // Every table's data, indexes and TOAST (WAL is the cluster's, not the database's).
      const { rows } = await client.query<{ size: string }>('SELECT pg_database_size(current_database()) AS size')
      return Number(rows[0]!.size)
    } finally {
      await client.end()
    }
  }

  t.test('10,500 strangers\' GETs on PostgreSQL: the victim\'s open page still signs in, the database grows by at most 5 MiB', async (t) => {
    await floodLeavesTheVictimsPage(t, server.url, clientId, size)
  })
}
