#!/usr/bin/env node
// Tessera's benchmark suite (issue 5): ours and the peers in the same run,
// interleaved, several rounds; prints ratios with PASS/MISS against the
// targets and writes RESULTS.md and results.json.
//
//   node bench/run.mjs                 full run (~10 min on 2 cores); writes bench/RESULTS.md, bench/results.json
//   node bench/run.mjs --quick         short run; writes to bench/.quick/
//   node bench/run.mjs --only verify,http [--rounds N] [--out DIR] [--tiny]
//   node bench/run.mjs --quick --only issue --profile /tmp/prof   server children under --cpu-prof
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { machine, machineLine } from './lib/machine.mjs'
import { ceilings } from './lib/derived.mjs'
import { render } from './lib/report.mjs'
import { evaluateTargets } from './lib/targets.mjs'
import { stopPostgres } from './lib/postgres.mjs'
import { removeTempDirs } from './lib/tmp.mjs'

const SCENARIOS = ['verify', 'http', 'issue', 'issue-dpop', 'refresh', 'password', 'memory', 'dpop']

/** Per-mode settings: full is the committed run, quick for development, tiny for the smoke test. */
const MODES = {
  full: {
    verify: { rounds: 5, durationMs: 1000 },
    http: { rounds: 3, durationS: 3 },
    issue: { rounds: 3, durationS: 3 },
    'issue-dpop': { rounds: 3, durationS: 3 },
    refresh: { rounds: 3, durationS: 3 },
    password: { rounds: 3, durationS: 4 },
    memory: { tokens: 100_000, verifications: 1_000_000, cacheVerifications: 200_000 },
    dpop: { rounds: 5, durationMs: 1000, durationS: 3 },
  },
  quick: {
    verify: { rounds: 2, durationMs: 300 },
    http: { rounds: 2, durationS: 2 },
    issue: { rounds: 2, durationS: 2 },
    'issue-dpop': { rounds: 2, durationS: 2 },
    refresh: { rounds: 2, durationS: 2 },
    password: { rounds: 1, durationS: 3 },
    memory: { tokens: 10_000, verifications: 100_000, cacheVerifications: 40_000 },
    dpop: { rounds: 2, durationMs: 300, durationS: 2 },
  },
  tiny: {
    verify: { rounds: 2, durationMs: 40, algs: ['ES256'] },
    http: { rounds: 1, durationS: 1, algs: ['ES256'] },
    issue: { rounds: 1, durationS: 1, algs: ['ES256'] },
    'issue-dpop': { rounds: 1, durationS: 1, algs: ['ES256'] },
    refresh: { rounds: 1, durationS: 1, algs: ['ES256'] },
    password: { rounds: 1, durationS: 1 },
    memory: { tokens: 1000, verifications: 5000, cacheVerifications: 5000 },
    dpop: { rounds: 1, durationMs: 40, durationS: 0.2, algs: ['ES256'] },
  },
}

function settingsLine(settings) {
  return Object.entries(settings).map(([k, v]) => `${k}: ${Object.entries(v).map(([a, b]) => `${a} ${Array.isArray(b) ? b.join('/') : b}`).join(', ')}`).join('; ')
}

export async function main(argv = process.argv.slice(2)) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      tiny: { type: 'boolean', default: false },
      only: { type: 'string' },
      rounds: { type: 'string' },
      out: { type: 'string' },
      profile: { type: 'string' },
      render: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) {
    console.log('usage: node bench/run.mjs [--quick | --tiny] [--only verify,http,issue,refresh,password,memory,dpop,issue-dpop] [--rounds N] [--out DIR] [--profile DIR] [--quiet] | --render results.json')
    console.log('  --profile DIR   every server child runs with --cpu-prof into DIR; summarise with node bench/profile-summary.mjs DIR')
    return null
  }
  if (values.render) {
    // Re-renders RESULTS.md beside a results.json (after a change of layout; no measuring).
    const results = JSON.parse(readFileSync(values.render, 'utf8'))
    writeFileSync(join(dirname(resolve(values.render)), 'RESULTS.md'), render(results, { markdown: true }))
    return results
  }
  const mode = values.tiny ? 'tiny' : values.quick ? 'quick' : 'full'
  const only = values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : SCENARIOS
  const unknown = only.filter((s) => !SCENARIOS.includes(s))
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')} (known: ${SCENARIOS.join(', ')})`)
  const settings = {}
  for (const name of only) {
    settings[name] = { ...MODES[mode][name] }
    if (values.rounds && 'rounds' in settings[name]) {
      const n = Number(values.rounds)
      if (!Number.isInteger(n) || n < 1) throw new Error('--rounds must be a positive integer')
      settings[name].rounds = n
    }
  }
  const here = fileURLToPath(new URL('.', import.meta.url))
  const outDir = values.out ?? (mode === 'full' && only.length === SCENARIOS.length ? here : join(here, '.quick'))
  const log = values.quiet ? () => {} : (msg) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`)

  if (values.profile) {
    mkdirSync(values.profile, { recursive: true })
    process.env.BENCH_PROFILE_DIR = resolve(values.profile)
  }
  const started = performance.now()
  const m = machine()
  const scenarios = {}
  for (const name of only) {
    log(`${name}: start (${settingsLine({ [name]: settings[name] })})`)
    const mod = await import(`./scenarios/${name}.mjs`)
    try {
      scenarios[name] = await mod.run({ ...settings[name], log })
    } catch (err) {
      scenarios[name] = { rows: [], ratios: [], notes: [`${name}: scenario failed (${err.message})`] }
    } finally {
      removeTempDirs()
      await stopPostgres()
    }
    log(`${name}: done`)
  }
  const ratios = Object.values(scenarios).flatMap((s) => s.ratios)
  const results = {
    machine: m,
    machineLine: machineLine(m),
    mode,
    settings,
    settingsLine: settingsLine(settings),
    command: `node bench/run.mjs${argv.length ? ` ${argv.join(' ')}` : ''}`,
    seconds: (performance.now() - started) / 1000,
    targets: evaluateTargets(ratios, only),
    scenarios,
    derived: ceilings(scenarios),
    notes: mode === 'full' && only.length === SCENARIOS.length ? [] : ['Not a full run: figures are indicative only.'],
  }
  process.stdout.write(render(results, { markdown: false }))
  mkdirSync(outDir, { recursive: true })
  writeFileSync(join(outDir, 'RESULTS.md'), render(results, { markdown: true }))
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`)
  log(`wrote ${join(outDir, 'RESULTS.md')} and results.json`)
  return results
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(() => process.exit(0), (err) => {
    console.error(`bench: ${err.message}`)
    process.exit(1)
  })
}
