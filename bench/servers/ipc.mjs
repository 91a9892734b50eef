// Tells the bench where a server child listens (cpu-report.mjs, preloaded,
// answers the CPU-usage requests).
export function serveIpc(url) {
  process.send({ type: 'ready', url })
}

/** Answers the bench's `server.call(payload)` (lib/proc.mjs) with `await fn(payload)`, or { error } when it throws. */
export function answerCalls(fn) {
  process.on('message', (msg) => {
    if (msg?.type !== 'call') return
    Promise.resolve().then(() => fn(msg)).then(
      (value) => process.send({ type: 'reply', id: msg.id, value }),
      (err) => process.send({ type: 'reply', id: msg.id, value: { error: err.message } }),
    )
  })
}
