// Scenario 5, verifier side: RSS across many verifications by
// @tessera/verify in a fresh process (static JWKS, no network).
//   node --expose-gc verify-memory.mjs COUNT DISTINCT_TOKENS TOKEN_CACHE ALG
// Prints one JSON line: RSS and heap used (bytes, after GC) after warm-up and at each quarter.
import { createVerifier } from '@tessera/verify'
import { AUDIENCE, ISSUER, accessToken, makeKey } from '../lib/keys.mjs'

const [count, distinct, tokenCache] = process.argv.slice(2, 5).map(Number)
const alg = process.argv[5] ?? 'RS256'
const key = makeKey(alg)
const tokens = Array.from({ length: distinct }, () => accessToken(key))
const verifier = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [key.publicJwk] }, tokenCache })

const rss = () => {
  globalThis.gc?.()
  const m = process.memoryUsage()
  return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external }
}
for (let i = 0; i < Math.min(count, 10000); i++) await verifier.verify(tokens[i % distinct], { scopes: ['read'] })
const samples = [{ after: 0, ...rss() }]
const quarter = Math.ceil(count / 4)
const start = performance.now()
for (let i = 1; i <= count; i++) {
  await verifier.verify(tokens[i % distinct], { scopes: ['read'] })
  if (i % quarter === 0 || i === count) samples.push({ after: i, ...rss() })
}
process.stdout.write(`${JSON.stringify({ alg, count, distinct, tokenCache, seconds: (performance.now() - start) / 1000, samples })}\n`)
