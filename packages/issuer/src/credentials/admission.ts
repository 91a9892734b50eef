// Admission control for argon2 (DESIGN.md "Operations"): at most
// `maxInFlight` computations run at once and at most `maxQueued` wait;
// beyond that a request is refused at once with BusyError (503 +
// Retry-After), so a flood of password requests never grows memory and
// never starves the rest of the server. The bound is the machine's: with N
// workers each admits ⌊cores ÷ N⌋ (at least 1) and queues ⌈64 ÷ N⌉
// (machineShare). Admission is a step of its own (admit), before any work:
// a caller counts an attempt only once it is admitted, and a refused one
// has done nothing.
import { availableParallelism } from 'node:os'
import { BusyError } from '../domain/errors.js'
import { retryAfterSeconds } from '../domain/retry-after.js'

/** Computations that may wait on one machine (DESIGN.md). */
export const MACHINE_QUEUE = 64

export interface AdmissionOptions {
  /** Computations running at once. Default: os.availableParallelism(). */
  maxInFlight?: number
  /** Computations waiting for a slot. Default 64. */
  maxQueued?: number
  /** Called when a computation is refused (metrics). */
  onRefused?: () => void
}

/** One worker's share of the machine's bound: ⌊cores ÷ workers⌋ in flight (at least 1), ⌈64 ÷ workers⌉ queued. */
export function machineShare(workers: number, cores = availableParallelism()): Required<Pick<AdmissionOptions, 'maxInFlight' | 'maxQueued'>> {
  return { maxInFlight: Math.max(1, Math.floor(cores / workers)), maxQueued: Math.ceil(MACHINE_QUEUE / workers) }
}

/** A place taken in admission control: run the computation in it, or give it back. */
export interface Permit {
  /** Runs `task` once a slot is free (at once, or after the ones admitted before), then frees the place. */
  run<T>(task: () => Promise<T>): Promise<T>
  /** Gives the place back without running anything (the caller decided not to compute). */
  release(): void
}

export class Admission {
  readonly maxInFlight: number
  readonly maxQueued: number
  readonly #onRefused: () => void
  #inFlight = 0
  /** Admitted and not yet running: waiting for a slot, or between admit() and run(). */
  #waiting = 0
  readonly #queue: Array<() => void> = []
  /** Moving average of one computation's duration, ms. */
  #avgMs = 50

  constructor(options: AdmissionOptions = {}) {
    this.maxInFlight = options.maxInFlight ?? availableParallelism()
    this.maxQueued = options.maxQueued ?? MACHINE_QUEUE
    this.#onRefused = options.onRefused ?? (() => {})
    if (!Number.isInteger(this.maxInFlight) || this.maxInFlight < 1) throw new TypeError('maxInFlight must be a positive integer')
    if (!Number.isInteger(this.maxQueued) || this.maxQueued < 0) throw new TypeError('maxQueued must be a non-negative integer')
  }

  get inFlight(): number { return this.#inFlight }
  get queued(): number { return this.#waiting }

  /** Takes a place (a free slot, or one in the queue); throws BusyError when every place is taken. */
  admit(): Permit {
    if (this.#inFlight + this.#waiting >= this.maxInFlight + this.maxQueued) {
      this.#onRefused()
      throw new BusyError(this.#retryAfter())
    }
    this.#waiting++
    let used = false
    const once = (): void => {
      if (used) throw new Error('a permit is used once')
      used = true
    }
    return {
      run: async <T>(task: () => Promise<T>): Promise<T> => {
        once()
        await this.#slot()
        const started = performance.now()
        try {
          return await task()
        } finally {
          this.#avgMs = this.#avgMs * 0.9 + (performance.now() - started) * 0.1
          this.#free()
        }
      },
      release: () => {
        once()
        this.#waiting--
        // A place given back may let a waiter of another caller in: nothing to hand over (slots are separate).
      },
    }
  }

  /** Runs `task` when a slot is free; throws BusyError when every place is taken. */
  run<T>(task: () => Promise<T>): Promise<T> {
    try {
      return this.admit().run(task)
    } catch (err) {
      return Promise.reject(err)
    }
  }

  /** Waits for a running slot; the place held moves from waiting to in flight. */
  async #slot(): Promise<void> {
    if (this.#inFlight < this.maxInFlight && this.#queue.length === 0) {
      this.#waiting--
      this.#inFlight++
      return
    }
    // Woken by #free with the slot already handed over (inFlight unchanged).
    await new Promise<void>((resolve) => this.#queue.push(resolve))
  }

  #free(): void {
    const next = this.#queue.shift()
    if (next) {
      // The slot passes straight to the next waiter: it leaves the queue, inFlight stays the same.
      this.#waiting--
      next()
    } else {
      this.#inFlight--
    }
  }

  /** Seconds until the queue ahead would likely have drained; at least 1. */
  #retryAfter(): number {
    const waves = (this.#waiting + this.#inFlight) / this.maxInFlight
    return retryAfterSeconds((waves * this.#avgMs) / 1000)
  }
}
