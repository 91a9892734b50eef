// DESIGN.md, "MCP servers and other self-registering apps": the settings
// TESSERA_REGISTRATION (off by default, open), TESSERA_REGISTRATION_AUDIENCES
// (space-separated; `open` without any stops `serve` with one line) and
// TESSERA_REGISTRATION_SCOPE, each also a `serve` flag that wins.
import t from 'tap'
import { loadConfig, loadServeConfig } from '../../src/config.js'
import { configProblems } from '../fixtures/config.js'

const serveProblems = (env: NodeJS.ProcessEnv, flags: Record<string, string> = {}): readonly string[] => configProblems(loadServeConfig, env, flags)

t.test('registration is off by default, with no audiences and no scope', async (t) => {
  t.match(loadServeConfig({}), { registration: 'off', registrationAudiences: [], registrationScope: [] })
})

t.test('the variables, space-separated lists in order without duplicates, and the flags winning over them', async (t) => {
  const env = {
    TESSERA_REGISTRATION: 'open',
    TESSERA_REGISTRATION_AUDIENCES: ' https://mcp.example/mcp   https://other.example/mcp https://mcp.example/mcp ',
    TESSERA_REGISTRATION_SCOPE: 'tools:read  tools:call',
  }
  t.match(loadServeConfig(env), {
    registration: 'open',
    registrationAudiences: ['https://mcp.example/mcp', 'https://other.example/mcp'],
    registrationScope: ['tools:read', 'tools:call'],
  })
  t.match(loadServeConfig(env, { registration: 'off', 'registration-audiences': 'https://x.example', 'registration-scope': 'a' }), {
    registration: 'off', registrationAudiences: ['https://x.example'], registrationScope: ['a'],
  })
  const config = loadServeConfig(env)
  t.ok(Object.isFrozen(config.registrationAudiences) && Object.isFrozen(config.registrationScope), 'the lists are frozen with the config')
})

t.test('bad values: one line each, naming the variable or flag', async (t) => {
  t.same(serveProblems({ TESSERA_REGISTRATION: 'closed' }), ['TESSERA_REGISTRATION must be one of off, open, got "closed"'])
  t.same(serveProblems({ TESSERA_REGISTRATION_AUDIENCES: 'https://ok.example not-a-uri' }),
    ['TESSERA_REGISTRATION_AUDIENCES: bad audience "not-a-uri": it must be an absolute URI such as https://api.example (RFC 8707 §2)'])
  t.same(serveProblems({}, { 'registration-audiences': 'https://mcp.example/#x' }),
    ['--registration-audiences: bad audience "https://mcp.example/#x": it must not contain a fragment (RFC 8707 §2)'])
  t.same(serveProblems({ TESSERA_REGISTRATION_SCOPE: 'read "write"' }),
    ['TESSERA_REGISTRATION_SCOPE: bad scope ""write"": a scope is printable ASCII without spaces, quotes or backslashes (RFC 6749 §3.3)'])
})

t.test('open with TESSERA_REGISTRATION_AUDIENCES unset, empty or blank stops serve with one line', async (t) => {
  for (const audiences of [undefined, '', '   ']) {
    const env: NodeJS.ProcessEnv = { TESSERA_REGISTRATION: 'open' }
    if (audiences !== undefined) env.TESSERA_REGISTRATION_AUDIENCES = audiences
    const p = serveProblems(env)
    t.equal(p.length, 1, `audiences ${JSON.stringify(audiences)}: one problem`)
    t.match(p[0], /^TESSERA_REGISTRATION=open needs TESSERA_REGISTRATION_AUDIENCES/)
    t.notMatch(p[0], /\n/)
  }
  t.same(serveProblems({}, { registration: 'open', 'registration-audiences': 'https://mcp.example/mcp' }), [], 'with audiences it serves')
  t.same(serveProblems({ TESSERA_REGISTRATION: 'off' }), [], 'off needs none')
  t.doesNotThrow(() => loadConfig({ TESSERA_REGISTRATION: 'open' }), 'the admin commands are not stopped: only serve is')
})
