// `npm start` forwards SIGTERM to the issuer: the root script `exec`s the
// server (npm runs scripts through sh), so killing the npm process, as a
// supervisor or a CI job does, stops `serve` instead of leaving it running
// reparented to PID 1.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import t from 'tap'
import { cleanEnv, ROOT, tempDb } from './fixtures/harness.js'

const alive = (pid: number): boolean => {
  try { process.kill(pid, 0); return true } catch { return false }
}

t.test('npm start forwards SIGTERM: killing the npm process stops the server, which exits', async (t) => {
  const db = await tempDb(t)
  // npm itself: the one running this test if any, else the one on PATH.
  const npm = process.env.npm_execpath?.endsWith('.js')
    ? spawn(process.execPath, [process.env.npm_execpath, 'start'], { cwd: ROOT, env: cleanEnv({ PORT: '0', TESSERA_DB: db }), stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn('npm', ['start'], { cwd: ROOT, env: cleanEnv({ PORT: '0', TESSERA_DB: db }), stdio: ['ignore', 'pipe', 'pipe'] })
  let serverPid: number | undefined
  t.teardown(() => {
    if (npm.exitCode === null && npm.signalCode === null) npm.kill('SIGKILL')
    if (serverPid !== undefined && alive(serverPid)) process.kill(serverPid, 'SIGKILL')
  })
  const npmExited = new Promise<number | string | null>((resolve) => npm.once('exit', (code, signal) => resolve(code ?? signal)))
  const ready = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('npm start: no ready line within 30 s')), 30_000)
    createInterface({ input: npm.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { url?: string; pid?: number }
        if (typeof entry.url === 'string' && typeof entry.pid === 'number') { clearTimeout(timer); resolve({ url: entry.url, pid: entry.pid }) }
      } catch { /* npm's own lines */ }
    })
  })
  serverPid = ready.pid
  t.not(serverPid, npm.pid, 'the server is its own process')
  t.equal((await fetch(`${ready.url}/healthz`)).status, 200)

  npm.kill('SIGTERM')
  await npmExited
  const deadline = Date.now() + 10_000
  while (alive(serverPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  t.notOk(alive(serverPid), 'the server exited with npm')
  await t.rejects(fetch(`${ready.url}/healthz`), 'nothing listens any more')
})
