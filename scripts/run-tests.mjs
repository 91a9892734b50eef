#!/usr/bin/env node
// Runs every test of every package with tap and ends with the plain line
// `N passed, N failed` that CI reads. The counts come from tap's own final
// summary of this run (assertions), so they are the run's real counts.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { failureCollector } from './tap-failures.mjs'

const tapBin = fileURLToPath(new URL('../node_modules/tap/dist/esm/run.mjs', import.meta.url))
const patterns = process.argv.slice(2)
const files = patterns.length > 0 ? patterns : [
  'packages/verify/test',
  'packages/issuer/test',
  'test',
  'bench/test',
]

const child = spawn(process.execPath, [tapBin, '--reporter=tap', ...files], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, FORCE_COLOR: '0' },
})

let summary = null
let notOk = 0
let buffered = ''
const failures = failureCollector()
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk)
  buffered += chunk.toString('utf8')
  let nl
  while ((nl = buffered.indexOf('\n')) !== -1) {
    const line = buffered.slice(0, nl)
    buffered = buffered.slice(nl + 1)
    const m = /^# (\{ total: .* \})$/.exec(line)
    if (m) summary = m[1]
    if (/^\s*not ok /.test(line)) notOk++
    failures.line(line)
  }
})

child.on('close', (code) => {
  let passed = 0
  let failed = notOk
  if (summary) {
    const field = (name) => Number((new RegExp(`\\b${name}: (\\d+)`).exec(summary) ?? [])[1] ?? 0)
    passed = field('pass')
    failed = field('fail')
  }
  // A run that exits non-zero, or prints no summary, failed even if no
  // assertion said so (a crash, a timeout, a file that never loaded).
  if ((code !== 0 || summary === null) && failed === 0) failed = 1
  // CI shows only the tail of the log: name what failed just above the counts.
  const report = failures.report()
  if (report.length > 0) console.log(['', 'What failed:', ...report].join('\n'))
  console.log(`${passed} passed, ${failed} failed`)
  process.exit(code === 0 && failed === 0 ? 0 : 1)
})
