// The counting IssuerObserver (DESIGN.md "Operations"): every series it lists,
// in Prometheus text format, from the hooks the core and the routes call.
import t from 'tap'
import { createIssuerMetrics } from '../../src/server/metrics/issuer-metrics.js'

/** `name{labels} value` lines of the exposition, without comments. */
async function samples(render: () => Promise<string>): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  for (const line of (await render()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const at = line.lastIndexOf(' ')
    out.set(line.slice(0, at), Number(line.slice(at + 1)))
  }
  return out
}

t.test('the observer counts token requests, sign-ins, replays, refusals and database errors; gauges read the core', async (t) => {
  const m = createIssuerMetrics()
  m.gauges(() => ({ argon2InFlight: 2, argon2Queued: 1, signingKeyAgeSeconds: 86_400.4, publishedKeys: 3 }))
  m.observer.tokenRequest('client_credentials', 'ok', 0.0008)
  m.observer.tokenRequest('client_credentials', 'ok', 0.003)
  m.observer.tokenRequest('password', 'invalid_grant', 0.06)
  m.observer.signIn('ok')
  m.observer.signIn('locked')
  m.observer.replayDetected('refresh_token')
  m.observer.argon2Refused()
  m.observer.databaseError()
  const s = await samples(() => m.registry.metrics())
  t.equal(s.get('tessera_token_requests_total{grant_type="client_credentials",outcome="ok"}'), 2)
  t.equal(s.get('tessera_token_requests_total{grant_type="password",outcome="invalid_grant"}'), 1)
  t.equal(s.get('tessera_token_request_duration_seconds_count{grant_type="client_credentials"}'), 2)
  t.equal(s.get('tessera_token_request_duration_seconds_bucket{le="0.001",grant_type="client_credentials"}'), 1, 'latency in seconds, bucketed')
  t.equal(s.get('tessera_token_request_duration_seconds_bucket{le="0.1",grant_type="password"}'), 1)
  t.equal(s.get('tessera_sign_ins_total{outcome="ok"}'), 1)
  t.equal(s.get('tessera_sign_ins_total{outcome="locked"}'), 1)
  t.equal(s.get('tessera_sign_ins_total{outcome="invalid_credentials"}'), 0, 'every outcome present from the start')
  t.equal(s.get('tessera_replays_detected_total{kind="refresh_token"}'), 1)
  t.equal(s.get('tessera_replays_detected_total{kind="authorization_code"}'), 0)
  t.equal(s.get('tessera_argon2_refused_total'), 1)
  t.equal(s.get('tessera_database_errors_total'), 1)
  t.equal(s.get('tessera_argon2_in_flight'), 2)
  t.equal(s.get('tessera_argon2_queued'), 1)
  t.equal(s.get('tessera_signing_key_age_seconds'), 86_400)
  t.equal(s.get('tessera_published_keys'), 3)
})

t.test('no signing key: the key-age gauge reads 0', async (t) => {
  const m = createIssuerMetrics()
  m.gauges(() => ({ argon2InFlight: 0, argon2Queued: 0, signingKeyAgeSeconds: null, publishedKeys: 0 }))
  const s = await samples(() => m.registry.metrics())
  t.equal(s.get('tessera_signing_key_age_seconds'), 0)
  t.equal(s.get('tessera_published_keys'), 0)
})
