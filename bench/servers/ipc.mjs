// Tells the bench where a server child listens (cpu-report.mjs, preloaded,
// answers the CPU-usage requests).
export function serveIpc(url) {
  process.send({ type: 'ready', url })
}
