// Scenario 5: memory. The issuer's RSS before and after issuing many
// tokens; the verifier's RSS across many verifications, without and with
// the verified-token cache (bounded, so no growth beyond its bound).
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { cannon } from '../lib/load.mjs'
import { startIssuer } from '../lib/issuers.mjs'
import { TOKEN_CACHE_ENTRIES } from '../lib/tessera.mjs'

const VERIFY_MEMORY = fileURLToPath(new URL('../servers/verify-memory.mjs', import.meta.url))
const MiB = 1024 * 1024

function verifierRun(count, distinct, tokenCache, alg) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', VERIFY_MEMORY, count, distinct, tokenCache, alg].map(String), { timeout: 15 * 60000, maxBuffer: 1 << 20 },
      (err, stdout, stderr) => (err ? reject(new Error(stderr.trim().split('\n').slice(-3).join(' ') || err.message)) : resolve(JSON.parse(stdout))))
  })
}

export async function run({ tokens, verifications, cacheVerifications, log = () => {} }) {
  const rows = []
  const ratios = []
  const notes = []
  // Issuer: ES256 keeps the run short (an RS256 signature costs ~1 ms here); memory per token is what is looked at.
  let issuer
  try {
    issuer = await startIssuer('tessera', 'ES256')
    await cannon({ url: issuer.tokenUrl, ...issuer.request, connections: 10, amount: 2000 })
    const before = issuer.server.rssFromProc()
    const res = await cannon({ url: issuer.tokenUrl, ...issuer.request, connections: 10, amount: tokens })
    const after = issuer.server.rssFromProc()
    if (res.non2xx || res.errors) notes.push(`memory: issuer answered ${res.non2xx} non-2xx, ${res.errors} errors`)
    rows.push({ name: 'issuer', label: `@tessera/issuer RSS, ${res['2xx']} tokens (ES256)`, rssBeforeMiB: before / MiB, rssAfterMiB: after / MiB, growthMiB: (after - before) / MiB, tokens: res['2xx'] })
    ratios.push({ id: 'memory.issuer.growth', scenario: 'memory', label: `issuer RSS growth over ${res['2xx']} tokens`, metric: 'MiB', median: (after - before) / MiB, min: (after - before) / MiB, max: (after - before) / MiB, n: 1 })
    log('memory issuer done')
  } catch (err) {
    notes.push(`memory: issuer not measured (${err.message})`)
  } finally {
    await issuer?.server.stop()
  }
  const runs = [
    { name: 'verifier', label: `@tessera/verify RSS, ${verifications} verifications, no cache (RS256, 1000 distinct tokens)`, args: [verifications, 1000, 0, 'RS256'] },
    { name: 'verifier-cache', label: `@tessera/verify RSS, ${cacheVerifications} verifications, tokenCache ${TOKEN_CACHE_ENTRIES} (EdDSA, ${4 * TOKEN_CACHE_ENTRIES} distinct tokens: evictions)`, args: [cacheVerifications, 4 * TOKEN_CACHE_ENTRIES, TOKEN_CACHE_ENTRIES, 'EdDSA'] },
  ]
  for (const r of runs) {
    try {
      const out = await verifierRun(...r.args)
      const [first, second = first] = out.samples
      const last = out.samples.at(-1)
      // The cache fills within the first quarter; past it, live heap must stay flat.
      const heapGrowth = (last.heapUsed - second.heapUsed) / MiB
      rows.push({
        name: r.name,
        label: r.label,
        samples: out.samples.map((s) => ({ after: s.after, rssMiB: s.rss / MiB, heapUsedMiB: s.heapUsed / MiB, heapTotalMiB: s.heapTotal / MiB })),
        rssGrowthMiB: (last.rss - first.rss) / MiB,
        heapGrowthAfterFirstQuarterMiB: heapGrowth,
        seconds: out.seconds,
      })
      // RSS: V8 and malloc keep the pages they grew to while a cache fills and churns, so the
      // plateau is judged on the second half of the run.
      const half = out.samples[2] ?? second
      const rssGrowth = (last.rss - half.rss) / MiB
      ratios.push({ id: `memory.${r.name}.rss-growth`, scenario: 'memory', label: `${r.name}: RSS growth, half-way to end`, metric: 'MiB', median: rssGrowth, min: rssGrowth, max: rssGrowth, n: 1, targetMax: 8 })
      ratios.push({ id: `memory.${r.name}.heap-growth`, scenario: 'memory', label: `${r.name}: live heap growth, first quarter to end (after GC)`, metric: 'MiB', median: heapGrowth, min: heapGrowth, max: heapGrowth, n: 1, targetMax: 4 })
      log(`memory ${r.name} done`)
    } catch (err) {
      notes.push(`memory: ${r.label} not measured (${err.message})`)
    }
  }
  return { rows, ratios, notes }
}
