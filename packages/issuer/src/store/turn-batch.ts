// Calls made during one turn of the event loop, handled together: a store
// can then serve them with one commit (SQLite) or one statement (PostgreSQL)
// instead of one each. Under load several requests are read in one turn
// (the poll phase hands over every socket that is ready), and each has made
// its call by the time the turn ends: the group runs at setImmediate, after
// the poll phase. An idle server's single call waits for nothing but that.
//
// `run` answers an outcome per call, in the calls' order, so one call's
// failure reaches its own caller only; when `run` itself throws, every
// caller of the group sees that error.

export type Outcome<T> = { ok: true; value: T } | { ok: false; err: unknown }

interface Pending<A, T> {
  args: A
  resolve: (value: T) => void
  reject: (err: unknown) => void
}

export function batchPerTurn<A, T>(run: (group: A[]) => Outcome<T>[] | Promise<Outcome<T>[]>): (args: A) => Promise<T> {
  let queue: Pending<A, T>[] = []
  const flush = async (): Promise<void> => {
    const group = queue
    queue = []
    let outcomes: Outcome<T>[]
    try {
      outcomes = await run(group.map((call) => call.args))
    } catch (err) {
      for (const call of group) call.reject(err)
      return
    }
    group.forEach((call, i) => {
      const outcome = outcomes[i]!
      if (outcome.ok) call.resolve(outcome.value)
      else call.reject(outcome.err)
    })
  }
  return (args: A) => new Promise<T>((resolve, reject) => {
    if (queue.push({ args, resolve, reject }) === 1) setImmediate(() => void flush())
  })
}

/** `fn`'s result, or what it threw, as an outcome. */
export async function outcomeOf<T>(fn: () => T | Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn() }
  } catch (err) {
    return { ok: false, err }
  }
}
