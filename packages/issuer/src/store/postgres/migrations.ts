// Versioned schema migrations of the PostgreSQL store, numbered as the
// SQLite store's (store/sqlite/migrations.ts): entry i moves the schema from
// version i to i + 1, and the version lives in the table `schema_version`.
// They run at every open, in one transaction under a transaction-level
// advisory lock, so that processes starting at once on an empty database
// take turns: the first creates the tables, the others find them. Never
// edit a released entry: append a new one.
//
// Types: times in ms since the epoch are BIGINT, lists (grants, scopes,
// audiences, redirect URIs) TEXT[] in their order, flags BOOLEAN.
import { ConfigError } from '../../domain/errors.js'
import type { Sql } from './database.js'

export const MIGRATIONS: readonly string[] = [
  // 0 -> 1: the first schema.
  `
  CREATE TABLE meta (
    name   TEXT PRIMARY KEY,
    value  BIGINT NOT NULL
  );
  INSERT INTO meta (name, value) VALUES ('keys_version', 0);

  CREATE TABLE clients (
    id                          TEXT PRIMARY KEY,
    name                        TEXT NOT NULL,
    grants                      TEXT[] NOT NULL,
    scopes                      TEXT[] NOT NULL,
    audiences                   TEXT[] NOT NULL,
    ttl                         INTEGER NOT NULL,
    secret_hash                 TEXT NOT NULL,
    previous_secret_hash        TEXT,
    previous_secret_expires_at  BIGINT,
    created_at                  BIGINT NOT NULL,
    updated_at                  BIGINT NOT NULL
  );

  CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    scopes         TEXT[] NOT NULL,
    password_hash  TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
  );

  CREATE TABLE signing_keys (
    serial        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kid           TEXT NOT NULL UNIQUE,
    alg           TEXT NOT NULL,
    public_jwk    TEXT NOT NULL,
    private_key   TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    activates_at  BIGINT NOT NULL,
    retired_at    BIGINT,
    removed_at    BIGINT
  );

  CREATE TABLE login_failures (
    username           TEXT PRIMARY KEY,
    failures           INTEGER NOT NULL,
    window_started_at  BIGINT NOT NULL,
    locked_until       BIGINT
  );
  `,

  // 1 -> 2: public clients (no secret), redirect URIs and skip-consent, and
  // a clients_version bumped by every client write (the servers' in-memory
  // copy of the clients reloads when it moves); the failed-login counter
  // keyed by a hash of the username (never the name) and counting attempts
  // before their check; the sign-in side (pending requests, sessions,
  // codes), refresh tokens and server secrets. Every row that belongs to a
  // client or a user goes with it (ON DELETE CASCADE).
  `
  ALTER TABLE clients
    ALTER COLUMN secret_hash DROP NOT NULL,
    ADD COLUMN redirect_uris TEXT[] NOT NULL DEFAULT '{}',
    ADD COLUMN skip_consent BOOLEAN NOT NULL DEFAULT false;
  INSERT INTO meta (name, value) VALUES ('clients_version', 0);

  DROP TABLE login_failures;
  CREATE TABLE login_attempts (
    username_key       TEXT PRIMARY KEY,
    attempts           INTEGER NOT NULL,
    window_started_at  BIGINT NOT NULL,
    locked_until       BIGINT
  );

  CREATE TABLE server_secrets (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    created_at  BIGINT NOT NULL
  );

  CREATE TABLE pending_requests (
    id_hash     TEXT PRIMARY KEY,
    client_id   TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    params      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
  );
  CREATE INDEX pending_requests_created ON pending_requests (created_at);
  CREATE INDEX pending_requests_client ON pending_requests (client_id);

  CREATE TABLE sessions (
    id_hash     TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    auth_time   BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
  );
  CREATE INDEX sessions_user ON sessions (user_id);
  CREATE INDEX sessions_expires ON sessions (expires_at);

  CREATE TABLE authorization_codes (
    hash            TEXT PRIMARY KEY,
    client_id       TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    redirect_uri    TEXT,
    code_challenge  TEXT NOT NULL,
    scopes          TEXT[] NOT NULL,
    audience        TEXT NOT NULL,
    auth_time       BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    spent_at        BIGINT
  );
  CREATE INDEX authorization_codes_client ON authorization_codes (client_id);
  CREATE INDEX authorization_codes_user ON authorization_codes (user_id);
  CREATE INDEX authorization_codes_expires ON authorization_codes (expires_at);

  CREATE TABLE refresh_families (
    id          TEXT PRIMARY KEY,
    client_id   TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scopes      TEXT[] NOT NULL,
    audience    TEXT NOT NULL,
    auth_time   BIGINT,
    code_hash   TEXT,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
  );
  CREATE INDEX refresh_families_client ON refresh_families (client_id);
  CREATE INDEX refresh_families_user ON refresh_families (user_id);
  CREATE INDEX refresh_families_code ON refresh_families (code_hash);
  CREATE INDEX refresh_families_expires ON refresh_families (expires_at);

  CREATE TABLE refresh_tokens (
    hash            TEXT PRIMARY KEY,
    family_id       TEXT NOT NULL REFERENCES refresh_families (id) ON DELETE CASCADE,
    generation      INTEGER NOT NULL,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    spent_at        BIGINT,
    successor_hash  TEXT,
    successor_salt  TEXT
  );
  CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id, generation);
  `,

  // 2 -> 3: self-registered clients (RFC 7591): the mark, a keyed hash of
  // the registering address (never the address), the last use; indexed for
  // the per-address and never-used limits and for their deletion.
  `
  ALTER TABLE clients
    ADD COLUMN registered BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN registration_address_hash TEXT,
    ADD COLUMN last_used_at BIGINT;
  CREATE INDEX clients_registered_address ON clients (registration_address_hash, created_at) WHERE registered;
  CREATE INDEX clients_registered_unused ON clients (created_at) WHERE registered AND last_used_at IS NULL;
  CREATE INDEX clients_registered_used ON clients (last_used_at) WHERE registered;
  `,

  // 3 -> 4: the sign-in page's pending request travels sealed in its form
  // (a page view writes nothing): the table of pending requests goes, and
  // only the hashes of sealed requests answered with a code are kept, until
  // the seal expires (one page, at most one code).
  `
  DROP TABLE pending_requests;
  CREATE TABLE answered_requests (
    hash        TEXT PRIMARY KEY,
    expires_at  BIGINT NOT NULL
  );
  CREATE INDEX answered_requests_expires ON answered_requests (expires_at);
  `,

  // 4 -> 5: accounts (DESIGN.md, "Accounts: sign-up, e-mail and password
  // reset"): users' e-mail address (normalised; unique among verified
  // addresses), its verified flag, a pending new address and a display
  // name; one-time tokens mailed for verification and reset (hashed); and
  // the limit counters (a fixed-size hash of each key, one fixed window).
  `
  ALTER TABLE users ADD COLUMN email TEXT;
  ALTER TABLE users ADD COLUMN email_verified BOOLEAN NOT NULL DEFAULT false;
  ALTER TABLE users ADD COLUMN name TEXT;
  ALTER TABLE users ADD COLUMN email_pending TEXT;
  CREATE UNIQUE INDEX users_email_verified ON users (email) WHERE email_verified;
  CREATE INDEX users_email ON users (email);
  CREATE INDEX users_email_pending ON users (email_pending);

  CREATE TABLE one_time_tokens (
    hash        TEXT PRIMARY KEY,
    purpose     TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    address     TEXT,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
  );
  CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id, purpose);
  CREATE INDEX one_time_tokens_expires ON one_time_tokens (expires_at);

  CREATE TABLE limit_counters (
    key_hash    TEXT PRIMARY KEY,
    count       INTEGER NOT NULL,
    window_end  BIGINT NOT NULL
  );
  CREATE INDEX limit_counters_window ON limit_counters (window_end);
  `,

  // 5 -> 6: DPoP (RFC 9449): clients that must present a proof, the key a
  // code (dpop_jkt, §10) and a public client's refresh token family are
  // bound to, and the proofs' jti seen within their window (a hash each).
  `
  ALTER TABLE clients ADD COLUMN dpop_bound_access_tokens BOOLEAN NOT NULL DEFAULT false;
  ALTER TABLE authorization_codes ADD COLUMN dpop_jkt TEXT;
  ALTER TABLE refresh_families ADD COLUMN dpop_jkt TEXT;
  CREATE TABLE dpop_proofs (
    jti_hash    TEXT PRIMARY KEY,
    expires_at  BIGINT NOT NULL
  );
  CREATE INDEX dpop_proofs_expires ON dpop_proofs (expires_at);
  `,

  // 6 -> 7: OpenID Connect (as SQLite's entry): post-logout redirect URIs,
  // a session's public id, a
  // code's nonce and sid, a refresh family's sid, what a signing key signs.
  `
  ALTER TABLE clients ADD COLUMN post_logout_redirect_uris TEXT[] NOT NULL DEFAULT '{}';
  ALTER TABLE sessions ADD COLUMN sid TEXT NOT NULL DEFAULT '';
  UPDATE sessions SET sid = md5(random()::text || id_hash);
  ALTER TABLE authorization_codes ADD COLUMN nonce TEXT, ADD COLUMN sid TEXT;
  ALTER TABLE refresh_families ADD COLUMN sid TEXT;
  ALTER TABLE signing_keys ADD COLUMN purpose TEXT NOT NULL DEFAULT 'access';
  `,
]

export const SCHEMA_VERSION = MIGRATIONS.length

/**
 * Brings the schema to SCHEMA_VERSION inside the caller's transaction;
 * returns the version found (0: an empty database, the tables were created now).
 */
export async function migrate(sql: Sql, location: string): Promise<number> {
  // Held until the transaction ends: a second process starting now waits here, then finds the tables.
  await sql.query("SELECT pg_advisory_xact_lock(hashtext('tessera-issuer schema'))")
  await sql.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)')
  const { rows } = await sql.query<{ version: number }>('SELECT version FROM schema_version')
  const current = rows[0]?.version ?? 0
  if (current > SCHEMA_VERSION) {
    throw new ConfigError(`${location} has schema version ${current}, newer than this issuer supports (${SCHEMA_VERSION}): upgrade tessera`)
  }
  for (let v = current; v < SCHEMA_VERSION; v++) await sql.query(MIGRATIONS[v]!)
  if (rows.length === 0) await sql.query('INSERT INTO schema_version (version) VALUES ($1)', [SCHEMA_VERSION])
  else if (current !== SCHEMA_VERSION) await sql.query('UPDATE schema_version SET version = $1', [SCHEMA_VERSION])
  return current
}
