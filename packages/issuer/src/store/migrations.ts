// Versioned schema migrations of the SQLite store. Each entry moves the
// schema from version (index) to version (index + 1); the current version
// lives in SQLite's `PRAGMA user_version`. Never edit a released entry:
// append a new one.

export const MIGRATIONS: readonly string[] = [
  // 0 -> 1: the first schema.
  `
  CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  ) STRICT;
  INSERT INTO meta (name, value) VALUES ('keys_version', 0);

  CREATE TABLE clients (
    id                          TEXT PRIMARY KEY,
    name                        TEXT NOT NULL,
    grants                      TEXT NOT NULL,
    scopes                      TEXT NOT NULL,
    audiences                   TEXT NOT NULL,
    ttl                         INTEGER NOT NULL,
    secret_hash                 TEXT NOT NULL,
    previous_secret_hash        TEXT,
    previous_secret_expires_at  INTEGER,
    created_at                  INTEGER NOT NULL,
    updated_at                  INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    scopes         TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE signing_keys (
    serial        INTEGER PRIMARY KEY AUTOINCREMENT,
    kid           TEXT NOT NULL UNIQUE,
    alg           TEXT NOT NULL,
    public_jwk    TEXT NOT NULL,
    private_key   TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    activates_at  INTEGER NOT NULL,
    retired_at    INTEGER,
    removed_at    INTEGER
  ) STRICT;

  CREATE TABLE login_failures (
    username           TEXT PRIMARY KEY,
    failures           INTEGER NOT NULL,
    window_started_at  INTEGER NOT NULL,
    locked_until       INTEGER
  ) STRICT;
  `,
]

export const SCHEMA_VERSION = MIGRATIONS.length
