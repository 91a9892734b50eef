// The processes of `npm run demo` (examples/demo.mjs): the issuer's CLI,
// `tessera-issuer serve` on port 0, and a mail receiver of the demo's own
// on loopback (smtp-server) that catches the messages the issuer sends.
import { execFile, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { SMTPServer } from 'smtp-server'

const BIN = fileURLToPath(new URL('../../packages/issuer/dist/bin.js', import.meta.url))

// The issuer's environment without any TESSERA_* setting of the caller's shell.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TESSERA_') && k !== 'HOST' && k !== 'PORT'))

/** Runs `tessera-issuer ARGS --db DB --json` and returns its JSON output. */
export function cli(db, args, stdin, log = console.log) {
  log(`  $ tessera-issuer ${args.map((a) => (/\s/.test(a) ? `"${a}"` : a)).join(' ')}`)
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [BIN, ...args, '--db', db, '--json'], { env: cleanEnv }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`tessera-issuer ${args[0]} ${args[1] ?? ''} failed: ${stderr.trim() || err.message}`))
      if (stderr.trim()) log(`    (stderr) ${stderr.trim()}`)
      try { resolve(JSON.parse(stdout)) } catch { reject(new Error(`tessera-issuer ${args[0]}: not JSON: ${stdout}`)) }
    })
    child.stdin.end(stdin ?? '')
  })
}

/** Starts `tessera-issuer serve` on port 0 and resolves with the URL from its first log line that has one. */
export function startIssuer(db, env = {}) {
  const child = spawn(process.execPath, [BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--db', db], {
    env: { ...cleanEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk) => { stderr += chunk })
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the issuer did not log its URL within 15 s')), 15_000)
    createInterface({ input: child.stdout }).on('line', (line) => {
      let entry
      try { entry = JSON.parse(line) } catch { return }
      if (typeof entry.url === 'string') { clearTimeout(timer); resolve(entry.url) }
    })
    exited.then(({ code }) => { clearTimeout(timer); reject(new Error(`the issuer exited (${code}): ${stderr.trim()}`)) })
  })
  return { child, ready, exited }
}

/** A mail receiver of the demo's own on loopback: every message it gets, as text. */
export async function startMailbox() {
  const messages = []
  const waiting = []
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, session, done) {
      let raw = ''
      stream.on('data', (d) => { raw += d })
      stream.on('end', () => {
        // nodemailer writes long lines quoted-printable: undo the soft breaks and escapes.
        const text = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h) => String.fromCharCode(parseInt(h, 16)))
        messages.push({ to: session.envelope.rcptTo.map((r) => r.address), subject: /^Subject: (.*)$/m.exec(text)?.[1] ?? '', link: /https?:\/\/\S+/.exec(text.split('\r\n\r\n').slice(1).join('\n'))?.[0] })
        waiting.shift()?.()
        done()
      })
    },
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `smtp://127.0.0.1:${server.server.address().port}`,
    async next() {
      const deadline = Date.now() + 15_000
      while (messages.length === 0 && Date.now() < deadline) await new Promise((resolve) => { waiting.push(resolve); setTimeout(resolve, 200) })
      if (messages.length === 0) throw new Error('no message arrived within 15 s')
      return messages.shift()
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}

