// The issuer's log destination: pino JSON lines on stdout, buffered, flushed
// every second, on close and at exit; each write(2) whole lines of at most
// PIPE_BUF bytes, so workers sharing stdout never interleave. Why: docs/architecture.md.
import { writeSync } from 'node:fs'

const PIPE_BUF = 4096
const FLUSH_MS = 1000
const EAGAIN_WAIT_MS = 1

/** Blocks the thread for `ms` (a non-blocking stdout that is full: wait for the reader, as sonic-boom does). */
const sleep = (ms: number): void => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms) }

/** Buffers whole lines and writes them to `fd` synchronously, at most PIPE_BUF bytes per write. */
export class LineWriter {
  readonly #fd: number
  readonly #write: typeof writeSync
  #lines: string[] = []
  #bytes = 0

  /** `write` is fs.writeSync; tests pass one that records the writes. */
  constructor(fd: number, write: typeof writeSync = writeSync) {
    this.#fd = fd
    this.#write = write
  }

  /** pino's destination interface: one serialised line, with its newline. */
  write(line: string): boolean {
    const bytes = Buffer.byteLength(line)
    if (this.#bytes + bytes > PIPE_BUF) this.flush()
    this.#lines.push(line)
    this.#bytes += bytes
    if (this.#bytes >= PIPE_BUF) this.flush()
    return true
  }

  /** Writes out everything buffered now. */
  flush(): void {
    if (this.#bytes === 0) return
    const data = this.#lines.length === 1 ? this.#lines[0]! : this.#lines.join('')
    const bytes = this.#bytes
    this.#lines = []
    this.#bytes = 0
    let written = 0
    for (;;) {
      try {
        // A string first (no copy); a Buffer only to finish a partial write.
        written += written === 0 ? this.#write(this.#fd, data) : this.#write(this.#fd, Buffer.from(data), written)
        if (written >= bytes) return
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
          sleep(EAGAIN_WAIT_MS)
          continue
        }
        // The reader is gone (EPIPE) or the descriptor broken: the lines are lost, the issuer goes on.
        return
      }
    }
  }
}

export interface LogStream {
  readonly stream: LineWriter
  /** Writes out what is buffered now (the ready line: scripts wait for it). */
  flush(): void
  /** Flushes and stops the timer. Idempotent. */
  close(): void
}

export function openLogStream(fd = 1): LogStream {
  const stream = new LineWriter(fd)
  const timer = setInterval(() => stream.flush(), FLUSH_MS).unref()
  const onExit = (): void => stream.flush()
  process.once('exit', onExit)
  let closed = false
  return {
    stream,
    flush: () => stream.flush(),
    close() {
      if (closed) return
      closed = true
      clearInterval(timer)
      process.removeListener('exit', onExit)
      stream.flush()
    },
  }
}
