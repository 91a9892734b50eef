import t from 'tap'
import { Admission, machineShare } from '../../src/credentials/admission.js'
import { BusyError } from '../../src/domain/errors.js'

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>((r) => { resolve = r })
  return { promise, resolve }
}

t.test('never more than maxInFlight at once; at most maxQueued wait; beyond that BusyError', async (t) => {
  const admission = new Admission({ maxInFlight: 2, maxQueued: 3 })
  let running = 0
  let peak = 0
  const gates: Array<() => void> = []
  const task = async (): Promise<string> => {
    running++
    peak = Math.max(peak, running)
    const d = deferred()
    gates.push(d.resolve)
    await d.promise
    running--
    return 'done'
  }
  const accepted = Array.from({ length: 5 }, () => admission.run(task))
  await new Promise((r) => setImmediate(r))
  t.equal(admission.inFlight, 2)
  t.equal(admission.queued, 3)
  let refused: unknown
  try { await admission.run(task) } catch (err) { refused = err }
  t.ok(refused instanceof BusyError, 'the 6th is refused at once')
  t.ok((refused as BusyError).retryAfter >= 1, 'with a Retry-After of at least 1 s')
  // Let everything finish, one at a time.
  while (gates.length > 0 || admission.inFlight > 0) {
    gates.shift()?.()
    await new Promise((r) => setImmediate(r))
  }
  t.same(await Promise.all(accepted), ['done', 'done', 'done', 'done', 'done'])
  t.equal(peak, 2, 'never more than 2 in flight')
  t.equal(admission.inFlight, 0)
  t.equal(admission.queued, 0)
})

t.test('a failing task frees its slot', async (t) => {
  const admission = new Admission({ maxInFlight: 1, maxQueued: 0 })
  await t.rejects(admission.run(async () => { throw new Error('boom') }), /boom/)
  t.equal(await admission.run(async () => 42), 42)
})

t.test('defaults: os.availableParallelism() in flight, 64 queued', async (t) => {
  const { availableParallelism } = await import('node:os')
  const admission = new Admission()
  t.equal(admission.maxInFlight, availableParallelism())
  t.equal(admission.maxQueued, 64)
  t.throws(() => new Admission({ maxInFlight: 0 }), TypeError)
})

t.test('admit() takes a place before any work; release() gives it back unused', async (t) => {
  const admission = new Admission({ maxInFlight: 1, maxQueued: 1 })
  const first = admission.admit()
  const second = admission.admit()
  t.throws(() => admission.admit(), BusyError, 'every place taken: refused at once')
  second.release()
  t.equal(admission.queued, 1, 'the first still holds its place')
  const third = admission.admit()
  t.equal(await first.run(async () => 'a'), 'a')
  t.equal(await third.run(async () => 'b'), 'b')
  t.equal(admission.inFlight, 0)
  t.equal(admission.queued, 0)
})

t.test('the bound is the machine\'s: with N workers each admits ⌊cores ÷ N⌋ (at least 1) and queues ⌈64 ÷ N⌉ (DESIGN.md "Operations")', async (t) => {
  t.same(machineShare(1, 2), { maxInFlight: 2, maxQueued: 64 })
  t.same(machineShare(2, 2), { maxInFlight: 1, maxQueued: 32 })
  t.same(machineShare(3, 2), { maxInFlight: 1, maxQueued: 22 })
  t.same(machineShare(16, 16), { maxInFlight: 1, maxQueued: 4 })
  t.same(machineShare(4, 16), { maxInFlight: 4, maxQueued: 16 })
})
