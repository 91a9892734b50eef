// The log destination (log-stream.ts): whole lines, at most PIPE_BUF bytes
// per write(2) so that workers sharing one stdout never interleave a line,
// nothing lost on flush, partial writes and EAGAIN retried.
import t from 'tap'
import { LineWriter } from '../../src/server/log-stream.js'

function recorder(plan: Array<'eagain' | number> = []): { writes: string[]; write: (fd: number, data: string | Buffer, offset?: number) => number } {
  const writes: string[] = []
  return {
    writes,
    write(_fd, data, offset = 0) {
      const step = plan.shift()
      if (step === 'eagain') throw Object.assign(new Error('EAGAIN'), { code: 'EAGAIN' })
      const bytes = Buffer.from(data as never).subarray(typeof data === 'string' ? 0 : offset)
      const n = typeof step === 'number' ? Math.min(step, bytes.length) : bytes.length
      writes.push(bytes.subarray(0, n).toString())
      return n
    },
  }
}

t.test('each write holds whole lines and at most 4096 bytes; flush writes the rest', async (t) => {
  const r = recorder()
  const w = new LineWriter(99, r.write as never)
  const lines = Array.from({ length: 100 }, (_, i) => `{"n":${i},"pad":"${'x'.repeat(i % 7 === 0 ? 300 : 120)}"}\n`)
  for (const line of lines) w.write(line)
  w.flush()
  t.equal(r.writes.join(''), lines.join(''), 'every line, in order')
  t.ok(r.writes.length > 1, 'several writes')
  for (const chunk of r.writes) {
    t.ok(Buffer.byteLength(chunk) <= 4096, 'at most PIPE_BUF bytes')
    t.ok(chunk.endsWith('\n'), 'ends with a whole line')
  }
  const count = r.writes.length
  w.flush()
  t.equal(r.writes.length, count, 'an empty flush writes nothing')
})

t.test('quiet: nothing is written until 4 KiB wait or flush() is called', async (t) => {
  const r = recorder()
  const w = new LineWriter(99, r.write as never)
  w.write('{"a":1}\n')
  t.same(r.writes, [])
  w.flush()
  t.same(r.writes, ['{"a":1}\n'])
})

t.test('a partial write and EAGAIN are retried until the line is out', async (t) => {
  const r = recorder(['eagain', 5])
  const w = new LineWriter(99, r.write as never)
  w.write('{"é":"partial"}\n')
  w.flush()
  t.equal(r.writes.join(''), '{"é":"partial"}\n')
})
