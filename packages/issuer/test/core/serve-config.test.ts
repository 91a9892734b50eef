// How `serve` runs (DESIGN.md config table): TESSERA_WORKERS, TESSERA_LOG_LEVEL,
// TESSERA_METRICS_PORT, each also a flag that wins, one line per problem.
import t from 'tap'
import { availableParallelism } from 'node:os'
import { loadServeConfig } from '../../src/config.js'
import { configProblems } from '../fixtures/config.js'

const problems = (env: NodeJS.ProcessEnv, flags: Record<string, string> = {}): readonly string[] => configProblems(loadServeConfig, env, flags)

t.test('TESSERA_WORKERS, TESSERA_LOG_LEVEL, TESSERA_METRICS_PORT: defaults 1, info, unset', async (t) => {
  t.match(loadServeConfig({}), { workers: 1, logLevel: 'info', metricsPort: null, port: 8080 })
})

t.test('TESSERA_METRICS_HOST: 127.0.0.1 by default, whatever --host says; set, it is used', async (t) => {
  t.match(loadServeConfig({ HOST: '0.0.0.0' }, { host: '0.0.0.0' }), { host: '0.0.0.0', metricsHost: '127.0.0.1' })
  t.match(loadServeConfig({ TESSERA_METRICS_HOST: '::1' }), { metricsHost: '::1' })
  t.match(loadServeConfig({}, { 'metrics-host': '10.0.0.5' }), { metricsHost: '10.0.0.5' })
})

t.test('the configuration is frozen once loaded', async (t) => {
  const config = loadServeConfig({})
  t.ok(Object.isFrozen(config))
  t.throws(() => { (config as { port: number }).port = 1 }, TypeError)
})

t.test('the variables, and their flags winning over them; auto is one worker per core', async (t) => {
  const env = { TESSERA_WORKERS: '3', TESSERA_LOG_LEVEL: 'warn', TESSERA_METRICS_PORT: '9464' }
  t.match(loadServeConfig(env), { workers: 3, logLevel: 'warn', metricsPort: 9464 })
  t.match(loadServeConfig(env, { workers: 'auto', 'log-level': 'debug', 'metrics-port': '0' }),
    { workers: availableParallelism(), logLevel: 'debug', metricsPort: 0 })
})

t.test('bad values: one line each, naming the variable or flag, with the config problems too', async (t) => {
  t.same(problems({ TESSERA_WORKERS: '0', TESSERA_LOG_LEVEL: 'loud', TESSERA_METRICS_PORT: '70000', TESSERA_MAX_TTL: 'x' }), [
    'TESSERA_MAX_TTL must be a positive integer, got "x"',
    'TESSERA_WORKERS must be "auto" or an integer from 1 to 256, got "0"',
    'TESSERA_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    'TESSERA_METRICS_PORT must be an integer from 0 to 65535, got "70000"',
  ])
  t.match(problems({}, { workers: 'many' }), [/^--workers must be "auto"/])
  t.match(problems({ PORT: '9000' }, { 'metrics-port': '9000' }), [/--metrics-port must differ from the public port \(9000\)/])
})
