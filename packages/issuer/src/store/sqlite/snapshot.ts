// `db copy` in SQLite: everything worth moving, read in one transaction,
// and loaded into an empty database in one transaction.
import { ConflictError } from '../../domain/errors.js'
import type { StoreSnapshot } from '../types/index.js'
import { INSERT_ANSWERED, type AnsweredRow } from './answered-requests.js'
import { BUMP_CLIENTS_VERSION, clientRow, INSERT_CLIENT, toClient, type ClientRow } from './clients.js'
import type { SqliteDb } from './database.js'
import { INSERT_DPOP_PROOF, toDpopProof } from './dpop-proofs.js'
import { consentRow, INSERT_CONSENT, INSERT_SCOPE_DESCRIPTION, toConsent, toScopeDescription, type ConsentRow, type ScopeDescriptionRow } from './consents.js'
import { toKey, toSecret, toSession, type KeyRow, type SecretRow, type SessionRow } from '../rows.js'
import { INSERT_KEY, INSERT_SECRET, keyRow } from './keys.js'
import { familyRow, INSERT_FAMILY, INSERT_TOKEN, toFamily, tokenRow, toToken, type FamilyRow, type TokenRow } from './refresh.js'
import { INSERT_SESSION, sessionRow } from './sessions.js'
import { INSERT_LIMIT, toLimitCounter, type LimitRow } from './limits.js'
import { INSERT_ONE_TIME_TOKEN, oneTimeTokenRow, toOneTimeToken, type OneTimeTokenRow } from './one-time-tokens.js'
import { INSERT_USER, toUser, userRow, type UserRow } from './users.js'

export function snapshotter(db: SqliteDb): { exportAll(): StoreSnapshot; importAll(s: StoreSnapshot): void } {
  const raw = db.raw
  const all = <R>(sql: string) => raw.prepare<[], R>(sql)
  const q = {
    clients: all<ClientRow>('SELECT * FROM clients ORDER BY created_at, id'),
    users: all<UserRow>('SELECT * FROM users ORDER BY created_at, id'),
    keys: all<KeyRow>('SELECT * FROM signing_keys ORDER BY serial'),
    secrets: all<SecretRow>('SELECT * FROM server_secrets ORDER BY name'),
    sessions: all<SessionRow>('SELECT * FROM sessions ORDER BY created_at, id_hash'),
    families: all<FamilyRow>('SELECT * FROM refresh_families ORDER BY created_at, id'),
    tokens: all<TokenRow>('SELECT * FROM refresh_tokens ORDER BY family_id, generation'),
    answered: all<AnsweredRow>('SELECT * FROM answered_requests ORDER BY hash'),
    oneTimeTokens: all<OneTimeTokenRow>('SELECT * FROM one_time_tokens ORDER BY created_at, hash'),
    limits: all<LimitRow>('SELECT * FROM limit_counters ORDER BY key_hash'),
    proofs: all<{ jti_hash: string; expires_at: number }>('SELECT * FROM dpop_proofs ORDER BY jti_hash'),
    consents: all<ConsentRow>('SELECT * FROM consents ORDER BY created_at, user_id, client_id, audience'),
    scopeDescriptions: all<ScopeDescriptionRow>('SELECT * FROM scope_descriptions ORDER BY name'),
    holdsData: all<{ n: number }>(`SELECT (SELECT count(*) FROM clients) + (SELECT count(*) FROM users)
      + (SELECT count(*) FROM signing_keys) AS n`),
  }
  const insert = {
    client: raw.prepare(INSERT_CLIENT),
    user: raw.prepare(INSERT_USER),
    key: raw.prepare(INSERT_KEY),
    secret: raw.prepare(INSERT_SECRET),
    session: raw.prepare(INSERT_SESSION),
    family: raw.prepare(INSERT_FAMILY),
    token: raw.prepare(INSERT_TOKEN),
    answered: raw.prepare(INSERT_ANSWERED),
    oneTimeToken: raw.prepare(INSERT_ONE_TIME_TOKEN),
    limit: raw.prepare(INSERT_LIMIT),
    proof: raw.prepare(INSERT_DPOP_PROOF),
    consent: raw.prepare(INSERT_CONSENT),
    scopeDescription: raw.prepare(INSERT_SCOPE_DESCRIPTION),
  }
  const bumpKeys = raw.prepare("UPDATE meta SET value = value + 1 WHERE name = 'keys_version'")
  const bumpClients = raw.prepare(BUMP_CLIENTS_VERSION)

  return {
    exportAll: db.reader((): StoreSnapshot => ({
      clients: q.clients.all().map(toClient),
      users: q.users.all().map(toUser),
      keys: q.keys.all().map(toKey),
      secrets: q.secrets.all().map(toSecret),
      sessions: q.sessions.all().map(toSession),
      refreshFamilies: q.families.all().map(toFamily),
      refreshTokens: q.tokens.all().map(toToken),
      answeredRequests: q.answered.all().map((r) => ({ hash: r.hash, expiresAt: r.expires_at })),
      oneTimeTokens: q.oneTimeTokens.all().map(toOneTimeToken),
      limitCounters: q.limits.all().map(toLimitCounter),
      dpopProofs: q.proofs.all().map(toDpopProof),
      consents: q.consents.all().map(toConsent),
      scopeDescriptions: q.scopeDescriptions.all().map(toScopeDescription),
    })),
    importAll: db.writer((s: StoreSnapshot): void => {
      if (q.holdsData.get()!.n > 0) throw new ConflictError(`${db.path} already holds data: db copy needs an empty target`)
      for (const c of s.clients) insert.client.run(clientRow(c))
      for (const u of s.users) insert.user.run(userRow(u))
      // Oldest first: the serials the target assigns keep the keys' order, which is all the timeline reads.
      for (const k of s.keys) insert.key.run(keyRow(k))
      for (const x of s.secrets) insert.secret.run({ name: x.name, value: x.value, created_at: x.createdAt })
      for (const x of s.sessions) insert.session.run(sessionRow(x))
      for (const f of s.refreshFamilies) insert.family.run(familyRow(f))
      for (const t of s.refreshTokens) insert.token.run(tokenRow(t))
      for (const a of s.answeredRequests) insert.answered.run({ hash: a.hash, expires_at: a.expiresAt })
      for (const t of s.oneTimeTokens) insert.oneTimeToken.run(oneTimeTokenRow(t))
      for (const c of s.limitCounters) insert.limit.run({ key_hash: c.keyHash, count: c.count, window_end: c.windowEnd })
      for (const p of s.dpopProofs) insert.proof.run({ jti_hash: p.jtiHash, expires_at: p.expiresAt })
      for (const c of s.consents) insert.consent.run(consentRow(c))
      for (const d of s.scopeDescriptions) insert.scopeDescription.run({ name: d.name, description: d.description, updated_at: d.updatedAt })
      bumpKeys.run()
      bumpClients.run()
    }),
  }
}
