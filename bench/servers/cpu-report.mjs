// Preloaded into every server child with `node --import`: answers the
// bench's IPC request with the process's own process.cpuUsage() and RSS, so
// requests per server CPU-second come from the server itself, whatever the
// server is (our issuer's CLI included, unchanged).
if (typeof process.send === 'function') {
  process.on('message', (msg) => {
    if (msg && msg.type === 'cpu') {
      process.send({ type: 'cpu', id: msg.id, cpu: process.cpuUsage(), rss: process.memoryUsage().rss })
    }
  })
  // The IPC channel must not keep a server alive on its own, nor outlive the bench.
  process.channel?.unref()
  process.on('disconnect', () => process.exit(0))
}

// When the bench profiles (--profile), a SIGTERM must end the process through
// process.exit so that --cpu-prof writes its profile.
if (process.env.BENCH_EXIT_ON_SIGTERM === '1') {
  process.on('SIGTERM', () => process.exit(0))
}
