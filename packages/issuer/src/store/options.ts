// How a store is opened, whichever kind it is (store/open.ts picks the kind).

export interface OpenOptions {
  /**
   * Refuse instead of creating (read-only commands): a SQLite file that does
   * not exist is a ConfigError naming the path. A PostgreSQL database is
   * never created by the issuer (the operator creates it): one that cannot
   * be connected to is a ConfigError naming the URL without its password,
   * with or without this option, and an empty one gets its tables.
   */
  mustExist?: boolean
  /**
   * Serve client look-ups from an in-memory copy of the clients table (the
   * same time for an unknown client as for a known one, and no row parsed
   * per token request), reloaded when `clients_version` moves: PostgreSQL
   * polls it (no round trip per request), SQLite reads it on every look-up
   * (one indexed read of a local file). Set by the running server
   * (`openIssuer`) only: the CLI reads the database directly.
   */
  cacheClients?: boolean
}
