// servers/cpu-report.mjs, preloaded into a server child: a server of several
// processes (node:cluster) reports the CPU of the primary and every worker,
// so requests per server CPU-second stay honest for `serve --workers N`.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'

const CPU_REPORT = fileURLToPath(new URL('../servers/cpu-report.mjs', import.meta.url))

// Each worker burns about 300 ms of CPU, then idles; the primary does nothing.
const SERVER = `
import cluster from 'node:cluster'
if (cluster.isPrimary) {
  let ready = 0
  for (let i = 0; i < 2; i++) cluster.fork().on('message', (m) => { if (m === 'burnt' && ++ready === 2) process.send({ type: 'ready', url: 'x' }) })
} else {
  const end = process.cpuUsage().user + 300_000
  while (process.cpuUsage().user < end);
  process.send('burnt')
  setInterval(() => {}, 1000)
}
`

function ask(child, msg) {
  return new Promise((resolve) => {
    const on = (m) => { if (m?.type === msg.type && m.id === msg.id) { child.off('message', on); resolve(m) } }
    child.on('message', on)
    child.send(msg)
  })
}

t.test('a cluster server reports the CPU of its primary and all its workers', async (t) => {
  const script = join(t.testdir({ 'server.mjs': SERVER }), 'server.mjs') // cluster forks a file
  const child = spawn(process.execPath, ['--import', CPU_REPORT, script], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  t.teardown(() => child.kill('SIGKILL'))
  await new Promise((resolve) => child.on('message', (m) => { if (m?.type === 'ready') resolve() }))
  const { cpu } = await ask(child, { type: 'cpu', id: 1 })
  const seconds = (cpu.user + cpu.system) / 1e6
  t.ok(seconds >= 0.6, `two workers' 0.3 s each are counted (${seconds.toFixed(2)} s)`)
})
