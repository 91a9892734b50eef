// Preloaded into every server child with `node --import`: answers the
// bench's IPC request with the process's own process.cpuUsage() and RSS, so
// requests per server CPU-second come from the server itself, whatever the
// server is (our issuer's CLI included, unchanged).
//
// A server of several processes (node:cluster: `serve --workers N`) counts
// them all: the workers inherit this preload (cluster forks with the
// primary's execArgv), each answers its primary, and the primary reports
// the sum of its own usage and every live worker's.
import cluster from 'node:cluster'

const WORKER_REQ = 'bench-cpu-report:req'
const WORKER_RES = 'bench-cpu-report:res'
const usage = () => ({ cpu: process.cpuUsage(), rss: process.memoryUsage().rss })

if (cluster.isWorker) {
  process.on('message', (msg) => {
    if (msg?.type === WORKER_REQ) process.send({ type: WORKER_RES, id: msg.id, ...usage() })
  })
} else if (typeof process.send === 'function') {
  let seq = 0
  /** Own usage plus that of every connected worker (none when the server is one process). */
  const total = () => {
    const own = usage()
    const workers = Object.values(cluster.workers ?? {}).filter((w) => w?.isConnected())
    if (workers.length === 0) return Promise.resolve(own)
    const id = ++seq
    return new Promise((resolve) => {
      const sum = { cpu: { ...own.cpu }, rss: own.rss }
      let pending = workers.length
      const timer = setTimeout(() => done(), 2000)
      const done = () => {
        clearTimeout(timer)
        cluster.off('message', onMessage)
        resolve(sum)
      }
      const onMessage = (_worker, msg) => {
        if (msg?.type !== WORKER_RES || msg.id !== id) return
        sum.cpu.user += msg.cpu.user
        sum.cpu.system += msg.cpu.system
        sum.rss += msg.rss
        if (--pending === 0) done()
      }
      cluster.on('message', onMessage)
      for (const w of workers) w.send({ type: WORKER_REQ, id })
    })
  }
  process.on('message', (msg) => {
    if (msg && msg.type === 'cpu') {
      total().then((u) => process.send({ type: 'cpu', id: msg.id, cpu: u.cpu, rss: u.rss }))
    }
  })
  // The IPC channel must not keep a server alive on its own, nor outlive the bench.
  process.channel?.unref()
  process.on('disconnect', () => process.exit(0))
}

// Profiling (--profile) names each server's profile with --cpu-prof-name,
// which Node 20 takes literally: give each worker of a cluster a name of its
// own (the name plus -w1, -w2, ...) instead of all overwriting one file.
const named = process.execArgv.indexOf('--cpu-prof-name')
if (cluster.isPrimary && named !== -1) {
  const fork = cluster.fork.bind(cluster)
  let n = 0
  cluster.fork = (env) => {
    const execArgv = [...process.execArgv]
    execArgv[named + 1] = execArgv[named + 1].replace(/(\.cpuprofile)?$/, `-w${++n}$1`)
    cluster.setupPrimary({ execArgv })
    return fork(env)
  }
}

// When the bench profiles (--profile), a SIGTERM must end the process through
// process.exit so that --cpu-prof writes its profile.
if (process.env.BENCH_EXIT_ON_SIGTERM === '1') {
  process.on('SIGTERM', () => process.exit(0))
}
