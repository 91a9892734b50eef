// The password-grant floor of scenario 4: bare argon2id verifications at
// the issuer's parameters, `concurrency` in flight, for a fixed window, in
// a process of its own (its own libuv thread pool, as a server would have).
//   node argon2-floor.mjs CONCURRENCY DURATION_MS MEMORY_KIB TIME PARALLELISM [verify|hash]
// `hash` (the sign-up's floor): argon2.hash of a new password instead of a verification.
// Prints one JSON line: { ops, opsPerSec, cpuSeconds }.
import argon2 from 'argon2'

const [concurrency, durationMs, memoryCost, timeCost, parallelism] = process.argv.slice(2, 7).map(Number)
const mode = process.argv[7] ?? 'verify'
const password = 'correct horse battery staple'
const hash = await argon2.hash(password, { type: argon2.argon2id, memoryCost, timeCost, parallelism })
if (!(await argon2.verify(hash, password))) throw new Error('argon2 verify failed')

const cpu0 = process.cpuUsage()
const start = performance.now()
const end = start + durationMs
let ops = 0
await Promise.all(Array.from({ length: concurrency }, async () => {
  while (performance.now() < end) {
    if (mode === 'hash') await argon2.hash(`${password} ${ops}`, { type: argon2.argon2id, memoryCost, timeCost, parallelism })
    else if (!(await argon2.verify(hash, password))) throw new Error('argon2 verify failed')
    ops++
  }
}))
const elapsed = (performance.now() - start) / 1000
const cpu = process.cpuUsage(cpu0)
process.stdout.write(`${JSON.stringify({ ops, opsPerSec: ops / elapsed, cpuSeconds: (cpu.user + cpu.system) / 1e6 })}\n`)
