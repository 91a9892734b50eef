// Installing for real (README, "systemd"; docs/tessera-issuer.service): the
// README's install commands, run as written except that /opt/tessera and
// /etc/tessera become folders of a temporary prefix, install the issuer
// from its packed tarball; then the unit's ExecStart, with the unit's
// environment and the environment file those commands wrote, serves
// (/healthz 200), and the installed CLI provisions a client that gets a
// token. Lines with effects beyond the prefix (a system user, a link in
// /usr/local/bin, systemctl) are not run, and are named; any other kind of
// line fails the test, so the README cannot grow a step this test skips.
//
// `npm install` may fetch package metadata from the registry (it prefers
// the local cache); better-sqlite3 compiles when no prebuilt binary can be
// downloaded, which takes minutes on a busy machine: the timeout is generous.
import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import t from 'tap'
import { AUDIENCE, ROOT } from './fixtures/harness.js'

t.setTimeout(30 * 60_000)

/** What runs: the install steps; what does not: steps whose effects reach beyond the prefix. */
const RUN = new Set(['npm', 'install', 'echo'])
const NOT_RUN = new Set(['useradd', 'ln', 'cp', 'systemctl', 'curl'])

const prefix = mkdtempSync(join(tmpdir(), 'tessera-install-'))
const tarball = join(ROOT, 'tessera-issuer-0.1.0.tgz')
t.teardown(() => {
  rmSync(prefix, { recursive: true, force: true })
  rmSync(tarball, { force: true })
})

/** The environment of a root shell: no TESSERA_* setting, nothing of the npm or tap running this test. */
function shellEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(TESSERA_|npm_|TAP|_TAPJS|NODE_OPTIONS$|HOST$|PORT$)/i.test(k)) env[k] = v
  }
  // Use the local cache where it can serve (the registry is still asked what it cannot).
  return { ...env, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...extra }
}

const inPrefix = (text: string): string =>
  text.replaceAll('/opt/tessera', join(prefix, 'opt/tessera')).replaceAll('/etc/tessera', join(prefix, 'etc/tessera'))
    .replaceAll('/var/lib/tessera', join(prefix, 'var/lib/tessera'))

function sh(line: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', line], { cwd: ROOT, env: shellEnv(), maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr })
    })
  })
}

/** The README's install block: the first sh block of its systemd section. */
function installCommands(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('### systemd'))
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1]
  if (block === undefined) throw new Error('README: no sh block under "### systemd"')
  return block.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'))
}

/** KEY=value lines of an environment file (systemd's EnvironmentFile, as the install wrote it). */
const envFile = (path: string): Record<string, string> =>
  Object.fromEntries(readFileSync(path, 'utf8').split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))

t.test('the README install commands, into a prefix, install a tessera-issuer that the unit starts: /healthz 200, a token', async (t) => {
  const skipped: string[] = []
  for (const line of installCommands()) {
    const command = line.trim().split(/\s+/)[0]!
    if (NOT_RUN.has(command)) {
      skipped.push(command)
      continue
    }
    t.ok(RUN.has(command), `a step this test knows: ${line}`)
    // `install -o root` needs root; the mode is what matters here.
    const run = process.getuid?.() === 0 ? inPrefix(line) : inPrefix(line).replace(' -o root', '')
    const res = await sh(run)
    t.equal(res.code, 0, `${line}\n${res.stderr.split('\n').filter((l) => !l.startsWith('npm warn')).join('\n')}`)
    if (res.code !== 0) return
    if (command === 'npm') t.notMatch(res.stderr, /install-scripts/, `${line}: the native builds are allowed, npm asks nothing`)
  }
  t.comment(`not run (effects beyond the prefix): ${skipped.join(', ')}`)
  t.ok(existsSync(join(prefix, 'etc/tessera')), '/etc/tessera made before the file in it')
  const envPath = join(prefix, 'etc/tessera/issuer.env')
  t.equal(statSync(envPath).mode & 0o777, 0o600, 'the environment file is readable by its owner only')
  const siteEnv = envFile(envPath)
  t.match(siteEnv, { TESSERA_KEY_ENCRYPTION_KEY: /^[A-Za-z0-9+/]{43}=$/, TESSERA_ISSUER: 'https://issuer.example' })

  // The unit: its Environment= lines, then its EnvironmentFile (which overrides them), then ExecStart.
  const unit = readFileSync(join(ROOT, 'docs/tessera-issuer.service'), 'utf8').split('\n')
  const setting = (name: string) => unit.filter((l) => l.startsWith(`${name}=`)).map((l) => l.slice(name.length + 1))
  const unitEnv = Object.fromEntries(setting('Environment').map((v) => [v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1)]))
  t.same(setting('EnvironmentFile'), ['/etc/tessera/issuer.env'], 'the unit reads the file the install wrote')
  const [exec, ...args] = inPrefix(setting('ExecStart')[0]!).split(' ')
  t.ok(existsSync(exec!), `ExecStart names the installed command: ${setting('ExecStart')[0]}`)
  const state = inPrefix(setting('WorkingDirectory')[0]!)
  mkdirSync(state, { recursive: true, mode: 0o700 }) // systemd's StateDirectory=
  const env = shellEnv({
    ...unitEnv, ...siteEnv,
    // What must differ in a test: a free port, the prefix's database, no fixed metrics port.
    PORT: '0', TESSERA_METRICS_PORT: '0', TESSERA_DB: inPrefix(unitEnv.TESSERA_DB!),
  })
  const child = spawn(exec!, args, { cwd: state, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)))
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  let stderr = ''
  child.stderr.on('data', (d) => { stderr += d })
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { url?: unknown }
        if (typeof entry.url === 'string') resolve(entry.url)
      } catch { reject(new Error(`not a JSON line: ${line}`)) }
    })
    void exited.then((code) => reject(new Error(`the installed tessera-issuer exited (${code}): ${stderr}`)))
  })
  const health = await fetch(`${url}/healthz`)
  t.equal(health.status, 200, '/healthz 200')
  t.same(await health.json(), { status: 'ok' })
  const metadata = await (await fetch(`${url}/.well-known/oauth-authorization-server`)).json() as { issuer: string }
  t.equal(metadata.issuer, 'https://issuer.example', 'the issuer identifier from the environment file')

  // The installed CLI, with the service's environment (the key encryption key included).
  const created = await new Promise<{ client_id: string; client_secret: string }>((resolve, reject) => {
    execFile(exec!, ['client', 'create', '--json', '--name', 'svc', '--grant', 'client_credentials', '--scope', 'read', '--audience', AUDIENCE],
      { env, cwd: state }, (err, stdout, errout) => (err ? reject(new Error(errout)) : resolve(JSON.parse(stdout))))
  })
  let status = 0
  for (const until = Date.now() + 10_000; Date.now() < until && status !== 200; await new Promise((r) => setTimeout(r, 200))) {
    status = (await fetch(`${url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: created.client_id, client_secret: created.client_secret }),
    })).status
  }
  t.equal(status, 200, 'a client made by the installed CLI gets a token')
  child.kill('SIGTERM')
  t.equal(await exited, 0, 'SIGTERM drains and exits 0, as the unit expects')
})
