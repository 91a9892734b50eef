// While `serve` runs, what the process itself would print on stderr goes
// to the issuer's log instead, as one pino JSON line like every other
// (DESIGN.md, "Operations": logs are pino JSON lines): Node's warnings
// (a deprecation, a listener leak), which it prints as plain text, and an
// uncaught exception, which it prints as a multi-line stack before exiting.
import type { FastifyBaseLogger } from 'fastify'

type ProcessLog = Pick<FastifyBaseLogger, 'warn' | 'fatal'>

/**
 * Routes process warnings and uncaught exceptions to `log` (an uncaught
 * exception still ends the process, with status 1, once `flush` has
 * written the log out). Returns a function that puts Node's own handling back.
 */
export function logProcessEvents(log: ProcessLog, flush: () => void): () => void {
  const onWarning = (warning: Error & { code?: string }): void => {
    log.warn({ warning: { name: warning.name, code: warning.code, message: warning.message } }, 'process warning')
  }
  const onUncaught = (err: Error): void => {
    log.fatal({ err }, 'uncaught exception: exiting')
    flush()
    process.exit(1)
  }
  // Node prints warnings through a 'warning' listener of its own: replaced while serving.
  const printers = process.listeners('warning')
  process.removeAllListeners('warning')
  process.on('warning', onWarning)
  process.on('uncaughtException', onUncaught)
  return () => {
    process.removeListener('warning', onWarning)
    process.removeListener('uncaughtException', onUncaught)
    for (const printer of printers) process.on('warning', printer)
  }
}
