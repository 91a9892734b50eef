#!/usr/bin/env node
// Tessera's benchmark suite (issue 5): ours and the peers in the same run,
// interleaved, several rounds; prints ratios with PASS/MISS against the
// targets and writes RESULTS.md and results.json.
//
//   node bench/run.mjs                 full run (~10 min on 2 cores); writes bench/RESULTS.md, bench/results.json
//   node bench/run.mjs --quick         short run; writes to bench/.quick/
//   node bench/run.mjs --only verify,http [--rounds N] [--out DIR] [--tiny]
//   node bench/run.mjs --quick --only issue --profile /tmp/prof   server children under --cpu-prof
//   node bench/run.mjs --soak [--soak-minutes N] [--soak-rate R]   the soak (10 min per store by default)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { machine, machineLine } from './lib/machine.mjs'
import { ceilings } from './lib/derived.mjs'
import { render } from './lib/report.mjs'
import { evaluateTargets } from './lib/targets.mjs'
import { runRecord, targetsOverRuns } from './lib/runs.mjs'
import { stopPostgres } from './lib/postgres.mjs'
import { removeTempDirs } from './lib/tmp.mjs'

const SCENARIOS = ['verify', 'http', 'issue', 'issue-dpop', 'refresh', 'code', 'userinfo', 'password', 'signup', 'memory', 'dpop']

/** Per-mode settings: full is the committed run, quick for development, tiny for the smoke test. */
const MODES = {
  full: {
    verify: { rounds: 5, durationMs: 1000 },
    http: { rounds: 3, durationS: 3 },
    issue: { rounds: 3, durationS: 3 },
    'issue-dpop': { rounds: 3, durationS: 3 },
    refresh: { rounds: 3, durationS: 3 },
    code: { rounds: 3, codes: 3000 },
    userinfo: { rounds: 3, durationS: 3 },
    password: { rounds: 3, durationS: 4 },
    signup: { rounds: 3, signups: 50 },
    memory: { tokens: 100_000, verifications: 1_000_000, cacheVerifications: 200_000 },
    dpop: { rounds: 5, durationMs: 1000, durationS: 3 },
  },
  quick: {
    verify: { rounds: 2, durationMs: 300 },
    http: { rounds: 2, durationS: 2 },
    issue: { rounds: 2, durationS: 2 },
    'issue-dpop': { rounds: 2, durationS: 2 },
    refresh: { rounds: 2, durationS: 2 },
    code: { rounds: 2, codes: 1500 },
    userinfo: { rounds: 2, durationS: 2 },
    password: { rounds: 1, durationS: 3 },
    signup: { rounds: 2, signups: 30 },
    memory: { tokens: 10_000, verifications: 100_000, cacheVerifications: 40_000 },
    dpop: { rounds: 2, durationMs: 300, durationS: 2 },
  },
  tiny: {
    verify: { rounds: 2, durationMs: 40, algs: ['ES256'] },
    http: { rounds: 1, durationS: 1, algs: ['ES256'] },
    issue: { rounds: 1, durationS: 1, algs: ['ES256'] },
    'issue-dpop': { rounds: 1, durationS: 1, algs: ['ES256'] },
    refresh: { rounds: 1, durationS: 1, algs: ['ES256'] },
    code: { rounds: 1, codes: 100, algs: ['ES256'] },
    userinfo: { rounds: 1, durationS: 1, algs: ['ES256'] },
    password: { rounds: 1, durationS: 1 },
    signup: { rounds: 1, signups: 4 },
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
      runs: { type: 'string' },
      repeat: { type: 'string' },
      out: { type: 'string' },
      profile: { type: 'string' },
      render: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      soak: { type: 'boolean', default: false },
      'soak-minutes': { type: 'string' },
      'soak-rate': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) {
    console.log(`usage: node bench/run.mjs [--quick | --tiny] [--only ${SCENARIOS.join(',')}] [--rounds N] [--runs N] [--out DIR] [--profile DIR] [--quiet] | --render results.json`)
    console.log('  --runs N        N runs one after another; each target is the median of the runs\' medians')
    console.log('  --repeat LIST   with --runs: the runs after the first measure only these scenarios (the committed results: --runs 3 --repeat issue,refresh,password)')
    console.log('  --profile DIR   every server child runs with --cpu-prof into DIR; summarise with node bench/profile-summary.mjs DIR')
    console.log('       node bench/run.mjs --soak [--soak-minutes N] [--soak-rate R] [--out DIR]')
    console.log('  --soak          serve under steady mixed load, N minutes (default 10) on SQLite then on PostgreSQL, R operations/s (default 200);')
    console.log('                  the default length is merged into bench/results.json and RESULTS.md (or into those of --out DIR), a shorter one written to bench/.quick/')
    return null
  }
  if (values.soak) return soak(values, argv)
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
  const runCount = Number(values.runs ?? 1)
  if (!Number.isInteger(runCount) || runCount < 1) throw new Error('--runs must be a positive integer')
  // The runs after the first may measure fewer scenarios (those whose targets the three runs are for).
  const repeated = values.repeat ? values.repeat.split(',').map((s) => s.trim()).filter(Boolean) : only
  const notRun = repeated.filter((s) => !only.includes(s))
  if (notRun.length) throw new Error(`--repeat names ${notRun.join(', ')}, which this run does not measure`)
  const started = performance.now()
  const m = machine()
  const runs = []
  let scenarios = {}
  for (let run = 1; run <= runCount; run++) {
    if (runCount > 1) log(`run ${run}/${runCount}: start (load average ${loadAverage()})`)
    const load = loadAverage()
    const runStarted = performance.now()
    const runMachine = machine()
    const names = run === 1 ? only : repeated
    const measured = await measure(names, settings, log)
    const seconds = (performance.now() - runStarted) / 1000
    runs.push(runRecord({ machine: runMachine, seconds, targets: evaluateTargets(Object.values(measured).flatMap((s) => s.ratios), names) }, load, names))
    // The tables show each scenario's latest measurement.
    scenarios = { ...scenarios, ...measured }
  }
  const results = {
    machine: m,
    machineLine: machineLine(m),
    mode,
    settings,
    settingsLine: settingsLine(settings),
    command: `node bench/run.mjs${argv.length ? ` ${argv.join(' ')}` : ''}`,
    seconds: (performance.now() - started) / 1000,
    ...(runCount > 1 ? { runs } : {}),
    targets: targetsOverRuns(runCount > 1 ? runs : null, scenarios),
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

const loadAverage = () => loadavg().map((v) => v.toFixed(2)).join(', ')

/** One pass over the scenarios `only`, in order, each with its settings. */
async function measure(only, settings, log) {
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
  return scenarios
}

const SOAK_MINUTES = 10

/**
 * The soak on its own (not part of the full run: 20 minutes). A run of the
 * contract's length is merged into the committed results beside the full
 * run's scenarios, with its own machine line and date; a shorter one (a
 * check) goes to bench/.quick/ or --out.
 */
async function soak(values, argv) {
  const minutes = Number(values['soak-minutes'] ?? SOAK_MINUTES)
  const rate = Number(values['soak-rate'] ?? 200)
  if (!(minutes > 0)) throw new Error('--soak-minutes must be a positive number')
  if (!(rate > 0)) throw new Error('--soak-rate must be a positive number')
  const log = values.quiet ? () => {} : (msg) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`)
  const here = fileURLToPath(new URL('.', import.meta.url))
  const committed = minutes === SOAK_MINUTES && !values.out
  const outDir = values.out ?? (committed ? here : join(here, '.quick'))
  const m = machine()
  const started = performance.now()
  const mod = await import('./scenarios/soak.mjs')
  let result
  try {
    result = await mod.run({ minutes, rate, log })
  } finally {
    removeTempDirs()
    await stopPostgres()
  }
  result.run = {
    machineLine: machineLine(m),
    command: `node bench/run.mjs${argv.length ? ` ${argv.join(' ')}` : ''}`,
    loadAverage: loadAverage(),
    seconds: (performance.now() - started) / 1000,
  }
  const previous = join(outDir, 'results.json')
  // Merged beside the scenarios already there: the committed results, or those of an --out folder holding a run.
  const results = (committed || values.out) && existsSync(previous)
    ? JSON.parse(readFileSync(previous, 'utf8'))
    : { machine: m, machineLine: machineLine(m), mode: 'soak', settings: {}, settingsLine: '', command: result.run.command, seconds: result.run.seconds, scenarios: {}, derived: [], notes: committed ? [] : ['Not a full-length soak: figures are indicative only.'] }
  results.scenarios.soak = result
  results.settings.soak = { minutes, rate }
  results.targets = targetsOverRuns(results.runs, results.scenarios)
  process.stdout.write(render({ ...results, scenarios: { soak: result }, targets: results.targets.filter((t) => t.id.startsWith('soak.')) }, { markdown: false }))
  mkdirSync(outDir, { recursive: true })
  writeFileSync(join(outDir, 'RESULTS.md'), render(results, { markdown: true }))
  writeFileSync(previous, `${JSON.stringify(results, null, 2)}\n`)
  log(`wrote ${join(outDir, 'RESULTS.md')} and results.json`)
  return results
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(() => process.exit(0), (err) => {
    console.error(`bench: ${err.message}`)
    process.exit(1)
  })
}
