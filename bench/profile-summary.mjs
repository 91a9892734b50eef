#!/usr/bin/env node
// Summarises V8 .cpuprofile files (from `node --cpu-prof`, or
// `node bench/run.mjs --profile DIR`): the functions with the most self
// time, each with its share of the profile's samples, and the share spent
// under each package (node_modules/<pkg>, packages/<ours>).
//   node bench/profile-summary.mjs DIR_OR_FILE [--top N] [--match NAME] [--inclusive URL_PART] [--per FUNCTION]
// --inclusive lists total (self + callees) time of the functions whose
// script URL contains URL_PART, e.g. --inclusive packages/issuer
// --per NAME also prints self time in units of the self time of the function
// NAME (e.g. signOneShot: one signature per token request), which compares
// two servers per request whatever their request counts.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '15' }, match: { type: 'string' }, inclusive: { type: 'string' }, per: { type: 'string' } } })
const target = positionals[0]
if (!target) {
  console.error('usage: node bench/profile-summary.mjs DIR_OR_FILE [--top N] [--match NAME] [--inclusive URL_PART] [--per FUNCTION]')
  process.exit(2)
}
const files = statSync(target).isDirectory()
  ? readdirSync(target).filter((f) => f.endsWith('.cpuprofile') && (!values.match || f.includes(values.match))).map((f) => join(target, f))
  : [target]

function where(url) {
  if (!url) return '(native, no script)'
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (nm) return nm[1]
  const ours = /\/packages\/([^/]+)\//.exec(url)
  if (ours) return `@tessera/${ours[1]}`
  if (url.startsWith('node:')) return 'node core'
  if (url.includes('/bench/')) return 'bench'
  return url
}

for (const file of files) {
  const prof = JSON.parse(readFileSync(file, 'utf8'))
  const byId = new Map(prof.nodes.map((n) => [n.id, n]))
  const self = new Map()
  for (const id of prof.samples) self.set(id, (self.get(id) ?? 0) + 1)
  const total = prof.samples.length
  const fn = new Map()
  const pkg = new Map()
  let idle = 0
  for (const [id, count] of self) {
    const n = byId.get(id)
    const cf = n.callFrame
    if (cf.functionName === '(idle)') { idle += count; continue }
    const name = `${cf.functionName || '(anonymous)'} ${cf.url ? `${cf.url.replace(/^.*\/(node_modules|packages)\//, '$1/')}:${cf.lineNumber + 1}` : ''}`.trim()
    fn.set(name, (fn.get(name) ?? 0) + count)
    const p = cf.functionName === '(garbage collector)' ? '(gc)' : cf.functionName === '(program)' ? '(program/native)' : where(cf.url)
    pkg.set(p, (pkg.get(p) ?? 0) + count)
  }
  const busy = total - idle
  const pct = (c) => `${((100 * c) / busy).toFixed(1)}%`.padStart(6)
  console.log(`\n== ${file}: ${total} samples, ${busy} busy (shares below are of busy samples)`)
  console.log('-- self time by package --')
  for (const [p, c] of [...pkg].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`${pct(c)}  ${p}`)
  console.log('-- self time by function --')
  for (const [f, c] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) console.log(`${pct(c)}  ${f}`)
  if (values.per) {
    let unit = 0
    for (const [f, c] of fn) if (f.split(' ')[0] === values.per) unit += c
    if (unit === 0) console.log(`-- no samples in ${values.per} --`)
    else {
      console.log(`-- self time per ${values.per} (busy total ${(busy / unit).toFixed(2)} units) --`)
      for (const [f, c] of [...fn].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) console.log(`${(c / unit).toFixed(3).padStart(7)}  ${f}`)
    }
  }
  if (values.inclusive) {
    const parent = new Map()
    for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
    const label = (n) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(node_modules|packages)\//, '$1/')}:${n.callFrame.lineNumber + 1}`
    const incl = new Map()
    for (const [id, count] of self) {
      const seen = new Set()
      for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
        const n = byId.get(cur)
        if (!n.callFrame.url.includes(values.inclusive)) continue
        const l = label(n)
        if (seen.has(l)) continue
        seen.add(l)
        incl.set(l, (incl.get(l) ?? 0) + count)
      }
    }
    console.log(`-- total time (self + callees) of functions in ${values.inclusive} --`)
    for (const [f, c] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) console.log(`${pct(c)}  ${f}`)
  }
}
