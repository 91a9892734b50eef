// The issuer's Prometheus series (DESIGN.md, "Operations"), and the
// IssuerObserver that counts them. One registry per process; with several
// workers the primary sums them (cluster.ts), so each series says how it
// aggregates: counters and histograms add up, argon2 work in flight adds up
// (each worker has its own admission control), and the key gauges, the same
// in every worker within a second, take the largest.
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { IssuerObserver, SignInOutcome } from '../../domain/observer.js'
import type { IssuerGauges } from '../../domain/types.js'

/** Seconds. A client_credentials token takes about a millisecond, a password check tens of them. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

/** The names of the series, as README's "Operations" lists them. */
export const SERIES = {
  tokenRequests: 'tessera_token_requests_total',
  tokenDuration: 'tessera_token_request_duration_seconds',
  argon2InFlight: 'tessera_argon2_in_flight',
  argon2Queued: 'tessera_argon2_queued',
  argon2Refused: 'tessera_argon2_refused_total',
  signIns: 'tessera_sign_ins_total',
  replays: 'tessera_replays_detected_total',
  signingKeyAge: 'tessera_signing_key_age_seconds',
  publishedKeys: 'tessera_published_keys',
  databaseErrors: 'tessera_database_errors_total',
  mailMessages: 'tessera_mail_messages_total',
} as const

export interface IssuerMetrics {
  readonly registry: Registry
  /** Counts what the core and the HTTP layer report. */
  readonly observer: IssuerObserver
  /** Where the gauges read from at each scrape: the core, once it is open. */
  gauges(source: () => IssuerGauges): void
}

export function createIssuerMetrics(): IssuerMetrics {
  const registry = new Registry()
  const registers = [registry]
  const tokenRequests = new Counter({
    name: SERIES.tokenRequests, help: 'Token endpoint requests, by grant type and outcome ("ok" or the RFC 6749 error code).',
    labelNames: ['grant_type', 'outcome'] as const, registers,
  })
  const tokenDuration = new Histogram({
    name: SERIES.tokenDuration, help: 'Token endpoint latency in seconds, from the request to the answer, by grant type.',
    labelNames: ['grant_type'] as const, buckets: LATENCY_BUCKETS, registers,
  })
  const argon2Refused = new Counter({
    name: SERIES.argon2Refused, help: 'argon2 computations refused by admission control (answered 503).', registers,
  })
  const signIns = new Counter({
    name: SERIES.signIns, help: 'Password checks on the sign-in page, by outcome.', labelNames: ['outcome'] as const, registers,
  })
  const replays = new Counter({
    name: SERIES.replays, help: 'Spent refresh tokens or codes presented again (what they granted was revoked), by kind.',
    labelNames: ['kind'] as const, registers,
  })
  const databaseErrors = new Counter({
    name: SERIES.databaseErrors, help: 'Database operations that failed (answered 503).', registers,
  })
  const mailMessages = new Counter({
    name: SERIES.mailMessages, help: 'E-mail messages (verification, reset) handed to the mail server, by kind and outcome (ok, failed).',
    labelNames: ['kind', 'outcome'] as const, registers,
  })
  // Zero from the start, so that a rate over a series that never moved is 0, not absent.
  argon2Refused.inc(0)
  databaseErrors.inc(0)
  for (const kind of ['refresh_token', 'authorization_code']) replays.inc({ kind }, 0)
  for (const kind of ['verify-email', 'reset-password']) for (const outcome of ['ok', 'failed']) mailMessages.inc({ kind, outcome }, 0)
  for (const outcome of ['ok', 'invalid_credentials', 'locked', 'busy'] satisfies SignInOutcome[]) signIns.inc({ outcome }, 0)

  let source: (() => IssuerGauges) | undefined
  const read = (): IssuerGauges | undefined => source?.()
  new Gauge({
    name: SERIES.argon2InFlight, help: 'argon2 computations running now.', registers, aggregator: 'sum',
    collect() { this.set(read()?.argon2InFlight ?? 0) },
  })
  new Gauge({
    name: SERIES.argon2Queued, help: 'argon2 computations waiting for a slot now.', registers, aggregator: 'sum',
    collect() { this.set(read()?.argon2Queued ?? 0) },
  })
  new Gauge({
    name: SERIES.signingKeyAge, help: 'Seconds since the signing key began to sign (0 while none signs: /healthz fails then).', registers, aggregator: 'max',
    collect() { this.set(Math.round(read()?.signingKeyAgeSeconds ?? 0)) },
  })
  new Gauge({
    name: SERIES.publishedKeys, help: 'Keys published in the JWKS.', registers, aggregator: 'max',
    collect() { this.set(read()?.publishedKeys ?? 0) },
  })

  // Children per label set, so a token request costs two increments, not two label lookups.
  const byGrantOutcome = new Map<string, Counter.Internal>()
  const byGrant = new Map<string, Histogram.Internal<'grant_type'>>()
  const observer: IssuerObserver = {
    tokenRequest(grantType, outcome, seconds) {
      const key = `${grantType} ${outcome}`
      let counter = byGrantOutcome.get(key)
      if (!counter) byGrantOutcome.set(key, counter = tokenRequests.labels({ grant_type: grantType, outcome }))
      counter.inc()
      let histogram = byGrant.get(grantType)
      if (!histogram) byGrant.set(grantType, histogram = tokenDuration.labels({ grant_type: grantType }))
      histogram.observe(seconds)
    },
    signIn(outcome: SignInOutcome) { signIns.inc({ outcome }) },
    replayDetected(kind) { replays.inc({ kind }) },
    databaseError() { databaseErrors.inc() },
    argon2Refused() { argon2Refused.inc() },
    mailSent(kind, outcome) { mailMessages.inc({ kind, outcome }) },
  }
  return { registry, observer, gauges(fn) { source = fn } }
}
