// While serving, Node's own warnings are log lines like every other
// (DESIGN.md, "Operations": pino JSON lines), not plain text on stderr; once
// serve stops, Node's handling is back.
import t from 'tap'
import { logProcessEvents } from '../../src/server/process-events.js'

t.test('a process warning becomes one warn line of the log, and Node prints nothing; restore puts Node back', async (t) => {
  const lines: Array<{ fields: Record<string, unknown>; msg: string }> = []
  const log = { warn: (fields: Record<string, unknown>, msg: string) => { lines.push({ fields, msg }) }, fatal: () => undefined }
  const before = process.listeners('warning')
  const crashHandlers = process.listenerCount('uncaughtException')
  const restore = logProcessEvents(log as never, () => undefined)
  t.equal(process.listeners('warning').length, 1, "Node's printer is replaced while serving")
  t.equal(process.listenerCount('uncaughtException'), crashHandlers + 1, 'an uncaught exception is logged (fatal) before the exit')
  process.emitWarning('something is deprecated', { type: 'DeprecationWarning', code: 'DEP_TEST' })
  await new Promise((resolve) => setImmediate(resolve))
  t.same(lines, [{ fields: { warning: { name: 'DeprecationWarning', code: 'DEP_TEST', message: 'something is deprecated' } }, msg: 'process warning' }])
  restore()
  t.same(process.listeners('warning'), before, 'restored')
  t.equal(process.listenerCount('uncaughtException'), crashHandlers)
})
