// The import rule of the issuer's floors (.dependency-cruiser.cjs, run by
// `npm run lint`) can fail: dependency-cruiser, with the repository's
// config, over a small tree laid out as packages/issuer/src in a temporary
// folder, reports an upward import, a sibling's insides and a cycle, and
// lets a downward import and an import through an index.ts pass.
import t, { type Test } from 'tap'
import { execFile } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const CONFIG = join(ROOT, '.dependency-cruiser.cjs')
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs')

/**
 * One `error <rule>: <from> → <to>` line of dependency-cruiser's report
 * (the `err` reporter that lint uses; a cycle goes on over the next lines,
 * so its line ends at the arrow).
 */
const VIOLATION = /^\s*error (\S+): (\S+) →\s*(\S*)\s*$/

/**
 * Writes `files` (path under packages/issuer/src → source) to a new folder
 * and cruises it as `npm run lint` does; resolves the exit code and the
 * violations as `<rule> <from> -> <to>`.
 */
async function cruise(t: Test, files: Record<string, string>): Promise<{ code: number; violations: string[] }> {
  const dir = t.testdir()
  for (const [path, source] of Object.entries(files)) {
    const file = join(dir, 'packages/issuer/src', path)
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, source)
  }
  return new Promise((resolve) => {
    execFile(process.execPath, [DEPCRUISE, '--config', CONFIG, 'packages/issuer/src'], { cwd: dir }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1
      const lines = `${stdout}\n${stderr}`.split('\n')
      const violations = lines.flatMap((line) => {
        const m = VIOLATION.exec(line)
        return m ? [`${m[1]} ${m[2]} -> ${m[3] || '…'}`] : []
      })
      resolve({ code, violations })
    })
  })
}

const src = (path: string) => `packages/issuer/src/${path}`

/** Trees with violations, and exactly the violations each must report. */
const refused: Array<{ name: string; files: Record<string, string>; violations: string[] }> = [
  {
    name: 'an import up a floor (domain/ importing core/)',
    files: {
      'domain/types.ts': "import { issue } from '../core/issuer.js'\nexport type Issued = ReturnType<typeof issue>\n",
      'core/issuer.ts': "export function issue(): string { return 'token' }\n",
    },
    violations: [`floor-domain ${src('domain/types.ts')} -> ${src('core/issuer.ts')}`],
  },
  {
    name: 'oauth/ importing http/ (the Fastify glue), config.ts importing store/',
    files: {
      'oauth/token.ts': "export { reply } from '../http/reply.js'\n",
      'http/reply.ts': 'export const reply = 1\n',
      'config.ts': "export { where } from './store/location.js'\n",
      'store/location.ts': 'export const where = 1\n',
    },
    violations: [
      `floor-config ${src('config.ts')} -> ${src('store/location.ts')}`,
      `floor-oauth ${src('oauth/token.ts')} -> ${src('http/reply.ts')}`,
    ],
  },
  {
    name: "a sibling's insides (cli/ into server/, keys/ into credentials/); through server/index.ts passes",
    files: {
      'cli/serve.ts': "export { serve } from '../server/serve.js'\n",
      'cli/main.ts': "export { serve } from '../server/index.js'\n",
      'server/serve.ts': 'export const serve = 1\n',
      'server/index.ts': "export { serve } from './serve.js'\n",
      'keys/signer.ts': "export { hash } from '../credentials/secrets.js'\n",
      'credentials/secrets.ts': 'export const hash = 1\n',
    },
    violations: [
      `floor-cli ${src('cli/serve.ts')} -> ${src('server/serve.ts')}`,
      `floor-keys ${src('keys/signer.ts')} -> ${src('credentials/secrets.ts')}`,
    ],
  },
  {
    name: 'a cycle (core/a.ts and core/b.ts import each other)',
    files: {
      'core/a.ts': "import { b } from './b.js'\nexport const a = () => b\n",
      'core/b.ts': "import { a } from './a.js'\nexport const b = () => a\n",
    },
    violations: [`no-circular ${src('core/a.ts')} -> …`],
  },
]

// One tree holds every case (their paths do not meet): one run of
// dependency-cruiser instead of one per case keeps the file fast.
t.test('each violation is reported, exactly, and the command fails', async (t) => {
  const result = await cruise(t, Object.assign({}, ...refused.map((c) => c.files)) as Record<string, string>)
  t.not(result.code, 0, 'non-zero exit')
  t.same(result.violations.sort(), refused.flatMap((c) => c.violations).sort(), refused.map((c) => c.name).join('; '))
})

t.test('imports down the floors pass', async (t) => {
  const { code, violations } = await cruise(t, {
    'domain/types.ts': 'export type Id = string\n',
    'config.ts': "import type { Id } from './domain/types.js'\nexport const id: Id = 'x'\n",
    'store/open.ts': "import { id } from '../config.js'\nexport const open = () => id\n",
    'core/issuer.ts': "import { open } from '../store/open.js'\nexport const issue = () => open()\n",
    'oauth/token.ts': "import { issue } from '../core/issuer.js'\nexport const token = () => issue()\n",
    'pages/render.ts': "import { token } from '../oauth/token.js'\nexport const page = () => token()\n",
    'http/app.ts': "import { page } from '../pages/render.js'\nexport const app = () => page()\n",
    'server/serve.ts': "import { app } from '../http/app.js'\nexport const serve = () => app()\n",
    'server/index.ts': "export { serve } from './serve.js'\n",
    'cli/main.ts': "import { serve } from '../server/index.js'\nexport const main = () => serve()\n",
    'index.ts': "export { main } from './cli/main.js'\nexport { open } from './store/open.js'\n",
  })
  t.same(violations, [])
  t.equal(code, 0)
})
