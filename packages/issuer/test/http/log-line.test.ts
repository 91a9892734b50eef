// The token endpoint's log line is written by hand for speed (logging.ts,
// logTokenRequest): it must be the very line pino writes for the same
// fields, and obey the level like any other line.
import { Writable } from 'node:stream'
import t from 'tap'
import pino from 'pino'
import { loggerOptions, logTokenRequest, type TokenLogFields } from '../../src/http/logging.js'

function capture(): { stream: Writable; lines: string[] } {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean))
      done()
    },
  })
  return { stream, lines }
}

/** A logger as Fastify builds one from our options, and a request logger as Fastify makes per request. */
function requestLogger(level: string): { log: pino.Logger; lines: string[] } {
  const { stream, lines } = capture()
  const options = loggerOptions({ stream, level }) as pino.LoggerOptions & { stream: Writable }
  const { stream: dest, ...rest } = options
  return { log: pino(rest, dest).child({ reqId: 'req-1' }), lines }
}

const withoutTime = (line: string): string => line.replace(/"time":\d+,/, '"time":0,')

const CASES: TokenLogFields[] = [
  { client_id: 'tc_JP9_fj1mrt5HMxmycs5mgQ', grant_type: 'client_credentials', family_id: undefined, reused: undefined, outcome: 'ok', status: 200, duration_ms: 0.83 },
  { client_id: '(invalid)', grant_type: '(invalid)', family_id: undefined, reused: undefined, outcome: 'invalid_client', status: 401, duration_ms: 12 },
  { client_id: 'tc_x', grant_type: 'refresh_token', family_id: 'tf_abc"\\', reused: true, outcome: 'ok', status: 200, duration_ms: 1.5 },
  { client_id: undefined, grant_type: undefined, family_id: undefined, reused: undefined, outcome: 'invalid_request', status: 405, duration_ms: 0.1 },
]

t.test('the hand-written token line is byte for byte the line pino writes for the same fields', async (t) => {
  for (const fields of CASES) {
    const fast = requestLogger('info')
    logTokenRequest(fast.log, fields)
    const slow = requestLogger('info')
    slow.log.info(fields, 'token request')
    t.equal(fast.lines.length, 1)
    t.equal(withoutTime(fast.lines[0]!), withoutTime(slow.lines[0]!), `${fields.outcome} ${fields.status}`)
    t.match(JSON.parse(fast.lines[0]!), { level: 30, reqId: 'req-1', msg: 'token request', status: fields.status })
  }
})

t.test('the line follows the log level (TESSERA_LOG_LEVEL=warn: no token lines)', async (t) => {
  const quiet = requestLogger('warn')
  logTokenRequest(quiet.log, CASES[0]!)
  t.same(quiet.lines, [])
})

t.test('a logger in a format of its own gets the line through pino', async (t) => {
  const { stream, lines } = capture()
  const { stream: dest, ...rest } = loggerOptions({ stream, messageKey: 'message' }) as pino.LoggerOptions & { stream: Writable }
  logTokenRequest(pino(rest, dest), CASES[0]!)
  t.match(JSON.parse(lines[0]!), { message: 'token request', client_id: CASES[0]!.client_id })
})
