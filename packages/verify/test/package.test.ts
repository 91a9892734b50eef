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
  for (const entry of ['dist/index.js', 'dist/index.d.ts', 'dist/fastify.js', 'dist/fastify.d.ts', 'dist/express.js', 'dist/express.d.ts', 'README.md', 'package.json']) {
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

  for (const dep of ['fastify-plugin', 'fastify', 'express', '@types']) {
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
console.log(JSON.stringify([typeof createVerifier, typeof tesseraAuth, typeof expressAuth]))
`)
  t.same(JSON.parse(run(process.execPath, ['--no-warnings', 'cjs.cjs'], project)), ['function', 'function', 'function'], 'require() of the ESM package')

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

import { createServer } from 'node:http'
import { isVerifyError } from '@tessera/verify'
createServer(async (req, res) => {
  try {
    const claims = await verifier.authenticate(req, { scopes: ['read'] })
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ hello: claims.sub }))
  } catch (err) {
    if (!isVerifyError(err)) throw err
    res.writeHead(err.status, { ...err.headers, 'content-type': 'application/json' }).end(JSON.stringify(err.body))
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
import '@tessera/verify/express'
express().get('/open', (req, res) => { res.json(req.auth.sub) })
`)
  writeFileSync(join(project, 'tsconfig.unprotected.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'] },
    files: ['unprotected.ts'],
  }))
  t.match(typecheck(project, 'tsconfig.unprotected.json'), /unprotected\.ts\(4,\d+\): error TS18048: 'req\.auth' is possibly 'undefined'/, 'req.auth outside requireAuth: TS18048')
  t.ok(readdirSync(join(scope, 'verify', 'dist')).includes('index.d.ts'))
})
