// Packaging is tested, not assumed: build, `npm pack`, install the tarball
// into a temporary project (runtime deps symlinked from the workspace, so no
// network), then import every entry point as ESM, with require(), and from
// a TypeScript file that must typecheck (module NodeNext).
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const pkgDir = resolve(fileURLToPath(new URL('..', import.meta.url)))
const root = resolve(pkgDir, '../..')
const rootModules = join(root, 'node_modules')
const tsc = join(rootModules, 'typescript', 'bin', 'tsc')

const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } })

/** tsc's diagnostics for a project ('' when it typechecks). */
function typecheck(project: string, tsconfig: string): string {
  try {
    run(process.execPath, [tsc, '-p', tsconfig], project)
    return ''
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error)
  }
}

t.test('npm pack, install into a temp project, import ESM / require / TypeScript', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'tessera-verify-pack-'))
  t.teardown(() => rmSync(work, { recursive: true, force: true }))

  run(process.execPath, [tsc, '-b', pkgDir], root)
  const packed = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], pkgDir)) as { filename: string; files: { path: string }[] }[]
  const tarball = join(work, packed[0]!.filename)
  const paths = packed[0]!.files.map((f) => f.path)
  for (const entry of ['index', 'fastify', 'express', 'fetch', 'hono'].flatMap((e) => [`dist/${e}.js`, `dist/${e}.d.ts`]).concat('README.md', 'package.json')) {
    t.ok(paths.includes(entry), `tarball holds ${entry}`)
  }
  t.notOk(paths.some((p) => p.startsWith('test/') || p.endsWith('.tsbuildinfo')), 'no tests or build info shipped')

  const project = join(work, 'project')
  const scope = join(project, 'node_modules', '@tessera')
  mkdirSync(scope, { recursive: true })
  run('tar', ['-xzf', tarball, '-C', scope], work)
  renameSync(join(scope, 'package'), join(scope, 'verify'))
  // Runtime dependencies are exactly the packages the shipped code imports
  // at run time; peers are imported only by their own adapter, or for types.
  const shipped = JSON.parse(readFileSync(join(scope, 'verify', 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> }
  const imported = new Set<string>()
  for (const file of readdirSync(join(scope, 'verify', 'dist')).filter((f) => f.endsWith('.js'))) {
    const code = readFileSync(join(scope, 'verify', 'dist', file), 'utf8')
    for (const m of code.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'([^'.][^']*)'|import\('([^'.][^']*)'\)/g)) {
      const spec = (m[1] ?? m[2])!
      if (spec.startsWith('node:')) continue
      imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!)
    }
  }
  const peers = Object.keys(shipped.peerDependencies ?? {})
  t.same([...imported].filter((d) => !peers.includes(d)).sort(), Object.keys(shipped.dependencies ?? {}).sort(), 'dependencies: exactly what dist imports besides peers')

  for (const dep of ['fastify-plugin', 'fastify', 'express', 'hono', '@types']) {
    mkdirSync(join(project, 'node_modules', dep, '..'), { recursive: true })
    symlinkSync(join(rootModules, dep), join(project, 'node_modules', dep), 'dir')
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))

  writeFileSync(join(project, 'esm.mjs'), `
import { createVerifier, InvalidTokenError } from '@tessera/verify'
import { tesseraAuth } from '@tessera/verify/fastify'
import { expressAuth } from '@tessera/verify/express'
const v = createVerifier({ issuer: 'https://issuer.example', audience: 'https://api.example' })
const err = await v.verify('a.b.c').catch((e) => e)
console.log(JSON.stringify([typeof createVerifier, typeof tesseraAuth, typeof expressAuth, err instanceof InvalidTokenError, err.code]))
`)
  t.same(JSON.parse(run(process.execPath, ['esm.mjs'], project)), ['function', 'function', 'function', true, 'invalid_token'], 'ESM import')

  writeFileSync(join(project, 'cjs.cjs'), `
const { createVerifier } = require('@tessera/verify')
const { tesseraAuth } = require('@tessera/verify/fastify')
const { expressAuth } = require('@tessera/verify/express')
const { fetchAuth, errorResponse } = require('@tessera/verify/fetch')
const { honoAuth } = require('@tessera/verify/hono')
console.log(JSON.stringify([typeof createVerifier, typeof tesseraAuth, typeof expressAuth, typeof fetchAuth, typeof errorResponse, typeof honoAuth]))
`)
  t.same(JSON.parse(run(process.execPath, ['--no-warnings', 'cjs.cjs'], project)), Array(6).fill('function'), 'require() of the ESM package')

  // A Hono app and a plain Web Request handler, running on the installed package.
  writeFileSync(join(project, 'web.mjs'), `
import { generateKeyPairSync, sign } from 'node:crypto'
import { Hono } from 'hono'
import { honoAuth } from '@tessera/verify/hono'
import { fetchAuth } from '@tessera/verify/fetch'
const issuer = 'https://issuer.example', audience = 'https://api.example'
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256', use: 'sig' }] }
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url')
const now = Math.floor(Date.now() / 1000)
const input = b64({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' }) + '.' + b64({ iss: issuer, aud: audience, sub: 'c1', client_id: 'c1', jti: 'j1', iat: now, exp: now + 600, scope: 'read' })
const token = input + '.' + sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')
const auth = { authorization: 'Bearer ' + token }

const app = new Hono()
app.get('/r', honoAuth({ issuer, audience, jwks })('read'), (c) => c.json({ sub: c.get('auth').sub }))
const hono = [await (await app.request('/r', { headers: auth })).json(), (await app.request('/r')).status, (await app.request('/r', { headers: { authorization: auth.authorization + '=' } })).status]

const handler = fetchAuth({ issuer, audience, jwks })('read')((request, claims) => Response.json({ sub: claims.sub }))
const none = await handler(new Request('http://127.0.0.1/r'))
const web = [await (await handler(new Request('http://127.0.0.1/r', { headers: auth }))).json(), none.status, none.headers.get('www-authenticate'), await none.json()]
console.log(JSON.stringify({ hono, web }))
`)
  t.same(JSON.parse(run(process.execPath, ['web.mjs'], project)), {
    hono: [{ sub: 'c1' }, 401, 401],
    web: [{ sub: 'c1' }, 401, 'Bearer realm="api", DPoP realm="api", algs="ES256 PS256 RS256 EdDSA"', { error: 'unauthorized', error_description: 'authentication required' }],
  }, 'Hono app and Web Request handler: valid token accepted, none and a respelled one refused')

  t.throws(() => run(process.execPath, ['-e', "import('@tessera/verify/dist/verifier.js')"], project), 'internals are not in the exports map')

  writeFileSync(join(project, 'consumer.ts'), `
import { createVerifier, type AccessTokenClaims, type VerifyError } from '@tessera/verify'
import { tesseraAuth } from '@tessera/verify/fastify'
import { expressAuth } from '@tessera/verify/express'
import Fastify from 'fastify'
import express from 'express'

declare module '@tessera/verify' {
  interface AccessTokenClaims { tenant?: string }
}

const verifier = createVerifier({ issuer: 'https://issuer.example', audience: ['https://api.example'], cooldown: 30 })
export async function check(token: string): Promise<string | undefined> {
  const claims: AccessTokenClaims = await verifier.verify(token, { scopes: ['read'] })
  return claims.tenant ?? claims.sub
}

const app = Fastify()
await app.register(tesseraAuth, { issuer: 'https://issuer.example', audience: 'https://api.example' })
app.get('/r', { onRequest: app.requireAuth('read') }, async (req) => ({ sub: req.auth.sub, tenant: req.auth.tenant }))

const requireAuth = expressAuth({ issuer: 'https://issuer.example', audience: 'https://api.example', passErrors: true })
const e = express()
e.get('/r', requireAuth('read'), (req, res) => { res.json({ sub: req.auth.sub, tenant: req.auth.tenant }) })
e.get('/r/:id', requireAuth('read'), (req, res) => res.json([req.params.id, req.auth.sub]))
e.post('/r', express.urlencoded(), requireAuth(), (req, res) => res.json(req.auth.sub))
e.get('/open', (req, res) => res.json(req.auth?.sub ?? 'anonymous'))
const guards: express.RequestHandler[] = [requireAuth('read'), express.json()]
e.use(guards)
export const status = (err: VerifyError): number => err.status

import { Hono } from 'hono'
import { honoAuth } from '@tessera/verify/hono'
import { errorResponse, fetchAuth } from '@tessera/verify/fetch'
import { InvalidTokenError } from '@tessera/verify'
const requireHono = honoAuth({ issuer: 'https://issuer.example', audience: 'https://api.example' })
new Hono().get('/r', requireHono('read'), (c) => c.json({ sub: c.get('auth').sub, tenant: c.get('auth').tenant }))
const requireFetch = fetchAuth({ issuer: 'https://issuer.example', audience: 'https://api.example' })
export const GET = requireFetch('read')(async (request, auth) => Response.json({ sub: auth.sub, url: request.url }))
export const POST = requireFetch('write')(async (request, auth, { params }: { params: Promise<{ id: string }> }) =>
  Response.json({ id: (await params).id, by: auth.sub }, { status: 201 }))
export const bun = { fetch: requireFetch()((_req, auth, server: { requestIP(r: Request): unknown }) => new Response(auth.sub + String(server))) }
export const webClaims = (request: Request): Promise<AccessTokenClaims> => verifier.authenticate(request)
export const rejected: Response = errorResponse(new InvalidTokenError())

import { createServer } from 'node:http'
import { isVerifyError, renderError } from '@tessera/verify'
createServer(async (req, res) => {
  try {
    const claims = await verifier.authenticate(req, { scopes: ['read'] })
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ hello: claims.sub }))
  } catch (err) {
    if (!isVerifyError(err)) throw err
    const r = renderError(err) // the status, headers and body every adapter sends
    res.writeHead(r.status, r.headers).end(r.body)
  }
})
`)
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'], skipLibCheck: false },
    files: ['consumer.ts'],
  }))
  t.equal(typecheck(project, 'tsconfig.json'), '', 'the TypeScript consumer typechecks')

  // Sound, not merely permissive: without requireAuth on the route, req.auth may be undefined.
  writeFileSync(join(project, 'unprotected.ts'), `
import express from 'express'
import { Hono } from 'hono'
import '@tessera/verify/express'
import '@tessera/verify/hono'
express().get('/open', (req, res) => { res.json(req.auth.sub) })
new Hono().get('/open', (c) => c.json(c.get('auth')))
`)
  writeFileSync(join(project, 'tsconfig.unprotected.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'] },
    files: ['unprotected.ts'],
  }))
  const unprotected = typecheck(project, 'tsconfig.unprotected.json')
  t.match(unprotected, /unprotected\.ts\(6,\d+\): error TS18048: 'req\.auth' is possibly 'undefined'/, 'Express: req.auth outside requireAuth: TS18048')
  t.match(unprotected, /unprotected\.ts\(7,\d+\): error TS2769: No overload matches this call/, 'Hono: c.get(\'auth\') outside requireAuth does not typecheck')
  t.ok(readdirSync(join(scope, 'verify', 'dist')).includes('index.d.ts'))
})
