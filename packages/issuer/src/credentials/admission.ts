// Admission control for argon2: at most `maxInFlight` computations run at
// once and at most `maxQueued` wait; beyond that a request is refused at
// once with BusyError (503 + Retry-After), so a flood of password requests
// never grows memory and never starves the rest of the server.
import { availableParallelism } from 'node:os'
import { BusyError } from '../domain/errors.js'

export interface AdmissionOptions {
  /** Computations running at once. Default: os.availableParallelism(). */
  maxInFlight?: number
  /** Computations waiting for a slot. Default 64. */
  maxQueued?: number
  /** Called when a computation is refused (metrics). */
  onRefused?: () => void
}

export class Admission {
  readonly maxInFlight: number
  readonly maxQueued: number
  readonly #onRefused: () => void
  #inFlight = 0
  readonly #queue: Array<() => void> = []
  /** Moving average of one computation's duration, ms. */
  #avgMs = 50

  constructor(options: AdmissionOptions = {}) {
    this.maxInFlight = options.maxInFlight ?? availableParallelism()
    this.maxQueued = options.maxQueued ?? 64
    this.#onRefused = options.onRefused ?? (() => {})
    if (!Number.isInteger(this.maxInFlight) || this.maxInFlight < 1) throw new TypeError('maxInFlight must be a positive integer')
    if (!Number.isInteger(this.maxQueued) || this.maxQueued < 0) throw new TypeError('maxQueued must be a non-negative integer')
  }

  get inFlight(): number { return this.#inFlight }
  get queued(): number { return this.#queue.length }

  /** Runs `task` when a slot is free; throws BusyError when the queue is full. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#inFlight >= this.maxInFlight) {
      if (this.#queue.length >= this.maxQueued) {
        this.#onRefused()
        throw new BusyError(this.#retryAfter())
      }
      await new Promise<void>((resolve) => this.#queue.push(resolve))
    } else {
      this.#inFlight++
    }
    const started = performance.now()
    try {
      return await task()
    } finally {
      this.#avgMs = this.#avgMs * 0.9 + (performance.now() - started) * 0.1
      const next = this.#queue.shift()
      // The slot passes straight to the next waiter; inFlight stays the same.
      if (next) next()
      else this.#inFlight--
    }
  }

  /** Seconds until the queue ahead would likely have drained; at least 1. */
  #retryAfter(): number {
    const waves = (this.#queue.length + this.#inFlight) / this.maxInFlight
    return Math.max(1, Math.ceil((waves * this.#avgMs) / 1000))
  }
}
