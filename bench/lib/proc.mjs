// Server children: spawned with cpu-report.mjs preloaded, ready when they
// say where they listen (an IPC message, or a JSON log line with `url`),
// asked for their own CPU time around each measured window.
import { spawn } from 'node:child_process'
import { closeSync, createWriteStream, existsSync, openSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tempDir } from './tmp.mjs'

const CPU_REPORT = fileURLToPath(new URL('../servers/cpu-report.mjs', import.meta.url))
let logDir = null
let seq = 0

/**
 * Starts `node [nodeArgs] script ...args`. Output goes to a log file (never
 * a pipe the bench must drain, which would cost the bench CPU and could
 * stall a server that logs each request).
 */
export async function startServer({ name, script, args = [], env = {}, nodeArgs = [], readyTimeoutMs = 30000 }) {
  if (!logDir || !existsSync(logDir)) logDir = tempDir('logs')
  const logPath = join(logDir, `${String(++seq).padStart(3, '0')}-${name}.log`)
  const fd = openSync(logPath, 'w')
  // --profile DIR (run.mjs) sets BENCH_PROFILE_DIR: every server child then writes a .cpuprofile.
  const profileDir = process.env.BENCH_PROFILE_DIR
  const profArgs = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', `${name}-${process.pid}-${seq}.cpuprofile`] : []
  // BENCH_SERVER_STDOUT=pipe: output through a pipe the bench drains into the
  // log file (as under a process supervisor) instead of straight into the file.
  const viaPipe = process.env.BENCH_SERVER_STDOUT === 'pipe'
  const child = spawn(process.execPath, ['--import', CPU_REPORT, ...profArgs, ...nodeArgs, script, ...args], {
    stdio: ['ignore', viaPipe ? 'pipe' : fd, viaPipe ? 'pipe' : fd, 'ipc'],
    env: { ...process.env, ...(profileDir ? { BENCH_EXIT_ON_SIGTERM: '1' } : {}), ...env },
  })
  if (viaPipe) {
    const sink = createWriteStream(null, { fd })
    child.stdout.pipe(sink)
    child.stderr.pipe(sink)
  } else {
    closeSync(fd)
  }
  let exited = null
  child.on('exit', (code, signal) => { exited = { code, signal } })
  const pending = new Map()
  let ipcUrl = null
  child.on('message', (msg) => {
    if (msg?.type === 'ready') ipcUrl = msg.url
    if ((msg?.type === 'cpu' || msg?.type === 'reply') && pending.has(msg.id)) {
      pending.get(msg.id)(msg)
      pending.delete(msg.id)
    }
  })
  const deadline = Date.now() + readyTimeoutMs
  let url = null
  while (!url) {
    if (exited) throw new Error(`${name} exited (${exited.code ?? exited.signal}) before listening: ${tail(logPath)}`)
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`${name} did not listen within ${readyTimeoutMs} ms: ${tail(logPath)}`)
    }
    url = ipcUrl ?? urlFromLog(logPath)
    if (!url) await new Promise((r) => setTimeout(r, 50))
  }
  let ids = 0
  return {
    name,
    url,
    pid: child.pid,
    logPath,
    /** The child's own process.cpuUsage() (µs) and RSS (bytes). */
    usage() {
      const id = ++ids
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => { pending.delete(id); reject(new Error(`${name}: no CPU report`)) }, 10000)
        pending.set(id, (msg) => { clearTimeout(timer); resolve({ cpuUs: msg.cpu.user + msg.cpu.system, rss: msg.rss }) })
        child.send({ type: 'cpu', id })
      })
    },
    /** Sends `{ type: 'call', id, ...payload }` to a server that answers `{ type: 'reply', id, value }` (bench-only servers). */
    call(payload, timeoutMs = 30000) {
      const id = ++ids
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => { pending.delete(id); reject(new Error(`${name}: no reply`)) }, timeoutMs)
        pending.set(id, (msg) => { clearTimeout(timer); resolve(msg.value) })
        child.send({ ...payload, type: 'call', id })
      })
    },
    /** Resident set size from /proc (bytes), or NaN. */
    rssFromProc() {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
        return m ? Number(m[1]) * 1024 : NaN
      } catch { return NaN }
    },
    async stop() {
      if (exited) return
      const gone = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await gone
      clearTimeout(timer)
    },
  }
}

function urlFromLog(path) {
  let text
  try { text = readFileSync(path, 'utf8') } catch { return null }
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue
    try {
      const obj = JSON.parse(line)
      if (typeof obj.url === 'string') return obj.url
    } catch { /* not a JSON line */ }
  }
  return null
}

function tail(path) {
  try { return readFileSync(path, 'utf8').trim().split('\n').slice(-3).join(' | ').slice(0, 600) } catch { return '(no log)' }
}
