// Versioned schema migrations of the SQLite store (the PostgreSQL store
// keeps the same numbering). Each entry moves the
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

  // 1 -> 2: public clients (no secret), redirect URIs and skip-consent; the
  // failed-login counter keyed by a hash of the username (never the name)
  // and counting attempts before their check; the sign-in side (pending
  // requests, sessions, codes), refresh tokens and server secrets. Every
  // row that belongs to a client or a user goes with it (ON DELETE CASCADE).
  `
  CREATE TABLE clients_v2 (
    id                          TEXT PRIMARY KEY,
    name                        TEXT NOT NULL,
    grants                      TEXT NOT NULL,
    scopes                      TEXT NOT NULL,
    audiences                   TEXT NOT NULL,
    ttl                         INTEGER NOT NULL,
    secret_hash                 TEXT,
    previous_secret_hash        TEXT,
    previous_secret_expires_at  INTEGER,
    redirect_uris               TEXT NOT NULL DEFAULT '[]',
    skip_consent                INTEGER NOT NULL DEFAULT 0,
    created_at                  INTEGER NOT NULL,
    updated_at                  INTEGER NOT NULL
  ) STRICT;
  INSERT INTO clients_v2 (id, name, grants, scopes, audiences, ttl, secret_hash, previous_secret_hash,
    previous_secret_expires_at, created_at, updated_at)
    SELECT id, name, grants, scopes, audiences, ttl, secret_hash, previous_secret_hash,
    previous_secret_expires_at, created_at, updated_at FROM clients;
  DROP TABLE clients;
  ALTER TABLE clients_v2 RENAME TO clients;

  DROP TABLE login_failures;
  CREATE TABLE login_attempts (
    username_key       TEXT PRIMARY KEY,
    attempts           INTEGER NOT NULL,
    window_started_at  INTEGER NOT NULL,
    locked_until       INTEGER
  ) STRICT;

  CREATE TABLE server_secrets (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    created_at  INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE pending_requests (
    id_hash     TEXT PRIMARY KEY,
    client_id   TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    params      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX pending_requests_created ON pending_requests (created_at);
  CREATE INDEX pending_requests_client ON pending_requests (client_id);

  CREATE TABLE sessions (
    id_hash     TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    auth_time   INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX sessions_user ON sessions (user_id);
  CREATE INDEX sessions_expires ON sessions (expires_at);

  CREATE TABLE authorization_codes (
    hash            TEXT PRIMARY KEY,
    client_id       TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    redirect_uri    TEXT,
    code_challenge  TEXT NOT NULL,
    scopes          TEXT NOT NULL,
    audience        TEXT NOT NULL,
    auth_time       INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    spent_at        INTEGER
  ) STRICT;
  CREATE INDEX authorization_codes_client ON authorization_codes (client_id);
  CREATE INDEX authorization_codes_user ON authorization_codes (user_id);
  CREATE INDEX authorization_codes_expires ON authorization_codes (expires_at);

  CREATE TABLE refresh_families (
    id          TEXT PRIMARY KEY,
    client_id   TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scopes      TEXT NOT NULL,
    audience    TEXT NOT NULL,
    auth_time   INTEGER,
    code_hash   TEXT,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX refresh_families_client ON refresh_families (client_id);
  CREATE INDEX refresh_families_user ON refresh_families (user_id);
  CREATE INDEX refresh_families_code ON refresh_families (code_hash);
  CREATE INDEX refresh_families_expires ON refresh_families (expires_at);

  -- Keyed by the hash itself (WITHOUT ROWID: no second B-tree for the key) and
  -- indexed only by family: every rotation writes as few pages as it can.
  CREATE TABLE refresh_tokens (
    hash            TEXT PRIMARY KEY,
    family_id       TEXT NOT NULL REFERENCES refresh_families (id) ON DELETE CASCADE,
    generation      INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    spent_at        INTEGER,
    successor_hash  TEXT,
    successor_salt  TEXT
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id, generation);
  `,

  // 2 -> 3: self-registered clients (RFC 7591): the mark, a keyed hash of
  // the registering address (never the address), the last use; indexed for
  // the per-address and never-used limits and for their deletion.
  `
  ALTER TABLE clients ADD COLUMN registered INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE clients ADD COLUMN registration_address_hash TEXT;
  ALTER TABLE clients ADD COLUMN last_used_at INTEGER;
  CREATE INDEX clients_registered_address ON clients (registration_address_hash, created_at) WHERE registered = 1;
  CREATE INDEX clients_registered_unused ON clients (created_at) WHERE registered = 1 AND last_used_at IS NULL;
  CREATE INDEX clients_registered_used ON clients (last_used_at) WHERE registered = 1;
  `,

  // 3 -> 4: the sign-in page's pending request travels sealed in its form
  // (a page view writes nothing): the table of pending requests goes, and
  // only the hashes of sealed requests answered with a code are kept, until
  // the seal expires (one page, at most one code).
  `
  DROP TABLE pending_requests;
  CREATE TABLE answered_requests (
    hash        TEXT PRIMARY KEY,
    expires_at  INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX answered_requests_expires ON answered_requests (expires_at);
  `,

  // 4 -> 5: accounts (DESIGN.md, "Accounts: sign-up, e-mail and password
  // reset"): users' e-mail address (normalised; unique among verified
  // addresses), its verified flag, a pending new address and a display
  // name; one-time tokens mailed for verification and reset (hashed); and
  // the limit counters (a fixed-size hash of each key, one fixed window).
  `
  ALTER TABLE users ADD COLUMN email TEXT;
  ALTER TABLE users ADD COLUMN email_verified INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE users ADD COLUMN name TEXT;
  ALTER TABLE users ADD COLUMN email_pending TEXT;
  CREATE UNIQUE INDEX users_email_verified ON users (email) WHERE email_verified = 1;
  CREATE INDEX users_email ON users (email);
  CREATE INDEX users_email_pending ON users (email_pending);

  CREATE TABLE one_time_tokens (
    hash        TEXT PRIMARY KEY,
    purpose     TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    address     TEXT,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id, purpose);
  CREATE INDEX one_time_tokens_expires ON one_time_tokens (expires_at);

  CREATE TABLE limit_counters (
    key_hash    TEXT PRIMARY KEY,
    count       INTEGER NOT NULL,
    window_end  INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX limit_counters_window ON limit_counters (window_end);
  `,

  // 5 -> 6: DPoP (RFC 9449): clients that must present a proof, the key a
  // code (dpop_jkt, §10) and a public client's refresh token family are
  // bound to, and the proofs' jti seen within their window (a hash each).
  `
  ALTER TABLE clients ADD COLUMN dpop_bound_access_tokens INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE authorization_codes ADD COLUMN dpop_jkt TEXT;
  ALTER TABLE refresh_families ADD COLUMN dpop_jkt TEXT;
  CREATE TABLE dpop_proofs (
    jti_hash    TEXT PRIMARY KEY,
    expires_at  INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX dpop_proofs_expires ON dpop_proofs (expires_at);
  `,

  // 6 -> 7: OpenID Connect: registered post-logout redirect URIs (the
  // users' e-mail address and display name, the identity claims, came with
  // the accounts in 5); a session's public id (`sid`, random, never the
  // cookie value; sessions already open get one now); the nonce and sid a
  // code carries to its ID token, the sid a refresh family keeps; what a
  // signing key signs (an RS256 key for ID tokens only beside another
  // algorithm's access-token key).
  `
  ALTER TABLE clients ADD COLUMN post_logout_redirect_uris TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE sessions ADD COLUMN sid TEXT NOT NULL DEFAULT '';
  UPDATE sessions SET sid = lower(hex(randomblob(16)));
  ALTER TABLE authorization_codes ADD COLUMN nonce TEXT;
  ALTER TABLE authorization_codes ADD COLUMN sid TEXT;
  ALTER TABLE refresh_families ADD COLUMN sid TEXT;
  ALTER TABLE signing_keys ADD COLUMN purpose TEXT NOT NULL DEFAULT 'access';
  `,
]

export const SCHEMA_VERSION = MIGRATIONS.length
