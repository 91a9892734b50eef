// Smoke test of the benchmark harness: a tiny run of the in-process verify
// scenario (seconds), in a child process like `npm run bench`, into a
// temporary folder; the ratios it reports must be well formed.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { median, percentile, ratioSummary } from '../lib/stats.mjs'
import { dbGrowth } from '../lib/store-size.mjs'
import { targetsOverRuns } from '../lib/runs.mjs'

const runScript = fileURLToPath(new URL('../run.mjs', import.meta.url))

t.test('stats: per-round ratios summarised as median with min and max', async (t) => {
  t.equal(median([3, 1, 2]), 2)
  t.equal(median([4, 1, 2, 3]), 2.5)
  t.equal(percentile([5, 1, 4, 2, 3], 50), 3)
  t.equal(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99), 99)
  t.same(ratioSummary([10, 30, 20], [10, 10, 10]), { median: 2, min: 1, max: 3, n: 3 })
})

t.test('soak: database growth beyond what the growth of live data explains at the half-way density', async (t) => {
  // Half-way: 4 MiB of data file for 2 MiB of live data (density 2), plus 1 MiB of WAL.
  const half = { size: 5, dataSize: 4, live: 2 }
  t.same(dbGrowth(half, { size: 7, dataSize: 6, live: 3 }), { grown: 2, explained: 2, unexplained: 0, density: 2 }, 'growth at the same density is explained')
  t.equal(dbGrowth(half, { size: 8, dataSize: 6, live: 3 }).unexplained, 1, 'a WAL that grows is not')
  t.equal(dbGrowth(half, { size: 6, dataSize: 5, live: 1 }).unexplained, 1, 'live data that shrinks explains nothing')
})

t.test('several runs: a target is the median of the runs\' medians, and each run is kept beside it', async (t) => {
  const id = 'refresh.ES256.tessera-pg/tessera' // target: ≥ 0.6
  const run = (m) => ({ targets: [{ id, median: m, status: m >= 0.6 ? 'PASS' : 'MISS' }] })
  const last = { refresh: { ratios: [{ id, median: 0.55, min: 0.5, max: 0.6, n: 3 }] } }
  const [target] = targetsOverRuns([run(0.7), run(0.55), run(0.65)], last).filter((x) => x.id === id)
  t.equal(target.median, 0.65, 'the median of 0.7, 0.55 and 0.65, not the last run\'s 0.55')
  t.same([target.minSeen, target.maxSeen], [0.55, 0.7])
  t.same(target.perRun, [0.7, 0.55, 0.65])
  t.equal(target.status, 'PASS')
  t.equal(target.runsPassing, 2)
  const [alone] = targetsOverRuns(null, last).filter((x) => x.id === id)
  t.equal(alone.status, 'MISS', 'one run: that run\'s own median decides')
  const soak = { soak: { ratios: [{ id: 'soak.sqlite.errors', median: 0 }] } }
  t.equal(targetsOverRuns([run(0.7), run(0.7)], { ...last, ...soak }).find((x) => x.id === 'soak.sqlite.errors').status, 'PASS', 'a scenario outside the runs (the soak) keeps its own figure')
})

t.test('a tiny verify run prints ratios and writes well-formed RESULTS.md and results.json', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'tessera-bench-smoke-'))
  t.teardown(() => rmSync(out, { recursive: true, force: true }))
  const res = spawnSync(process.execPath, [runScript, '--tiny', '--only', 'verify', '--out', out, '--quiet'], { encoding: 'utf8', timeout: 60000 })
  t.equal(res.status, 0, `exit status 0 (stderr: ${res.stderr.slice(-500)})`)
  t.match(res.stdout, /Targets/)

  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'))
  t.equal(results.mode, 'tiny')
  t.match(results.machineLine, /cores, .*Node v\d+/)
  const { rows, ratios } = results.scenarios.verify
  const floor = rows.find((r) => r.name === 'floor')
  t.ok(floor && floor.opsPerSec.median > 0, 'the floor was measured')
  t.ok(ratios.some((r) => r.id.endsWith('fast-jwt/floor')), 'a peer/floor ratio is reported')
  for (const r of ratios) {
    t.ok(Number.isFinite(r.median) && r.median > 0, `${r.id}: positive median`)
    t.ok(r.min <= r.median && r.median <= r.max, `${r.id}: min ≤ median ≤ max`)
    t.equal(r.n, results.settings.verify.rounds, `${r.id}: one ratio per round`)
  }
  for (const target of results.targets) t.match(target.status, /^(PASS|MISS|NOT MEASURED)$/)

  const md = readFileSync(join(out, 'RESULTS.md'), 'utf8')
  t.match(md, /^# Tessera benchmarks/m)
  t.match(md, /Machine: .+ cores/)
  t.match(md, /\| ratio \| alg \| metric \| median \[min–max\] \| target \|/)
})

t.test('a tiny run of the code and userinfo scenarios measures both servers and reports their ratios and targets', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'tessera-bench-smoke-'))
  t.teardown(() => rmSync(out, { recursive: true, force: true }))
  const res = spawnSync(process.execPath, [runScript, '--tiny', '--only', 'code,userinfo', '--out', out, '--quiet'], { encoding: 'utf8', timeout: 240000 })
  t.equal(res.status, 0, `exit status 0 (stderr: ${res.stderr.slice(-500)})`)
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'))
  const ids = ['code.ES256.tessera/oidc-provider', 'code.ES256.tessera-openid/oidc-provider-openid', 'code.ES256.tessera-openid/tessera', 'userinfo.ES256.tessera/oidc-provider']
  const ratios = [...results.scenarios.code.ratios, ...results.scenarios.userinfo.ratios]
  for (const id of ids) {
    const r = ratios.find((x) => x.id === id)
    t.ok(r && Number.isFinite(r.median) && r.median > 0, `${id}: measured (notes: ${[...results.scenarios.code.notes, ...results.scenarios.userinfo.notes].join(' | ').slice(0, 400)})`)
  }
  const notes = [...results.scenarios.code.notes, ...results.scenarios.userinfo.notes]
  t.notOk(notes.some((n) => /non-2xx|not measured/.test(n)), 'every answer was the expected 2xx')
  t.same(results.targets.map((x) => x.id).sort(), ids.filter((id) => !id.endsWith('tessera-openid/tessera')).sort(), 'the targets of both scenarios are evaluated')
  for (const target of results.targets) t.match(target.status, /^(PASS|MISS)$/)
})
