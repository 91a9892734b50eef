// How the bench configures our own packages, in one place: options that
// depend on what @tessera/verify and @tessera/issuer offer.

/**
 * Extra createVerifier options: with cache false, the verified-token cache
 * explicitly off (so the no-cache rows measure full verification); with
 * cache true, the cache on, or null when the library has no such option.
 */
export function tesseraVerifyOptions({ cache }) {
  // `tokenCache`: entries in the LRU of verified tokens, 0 = off (the default).
  return { tokenCache: cache ? TOKEN_CACHE_ENTRIES : 0 }
}

/** The bound given to every verified-token cache compared (ours and fast-jwt's). */
export const TOKEN_CACHE_ENTRIES = 1000

import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/** The issuer's CLI as users run it: node packages/issuer/dist/bin.js. */
export function issuerBin() {
  const require = createRequire(import.meta.url)
  const bin = join(dirname(require.resolve('@tessera/issuer/package.json')), 'dist', 'bin.js')
  if (!existsSync(bin)) throw new Error(`${bin} not built (npx tsc -b packages/issuer)`)
  return bin
}

/** Runs `tessera-issuer ARGS --db DB --json`, with optional stdin; resolves the parsed JSON. */
export function issuerCli(db, args, { stdin, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [issuerBin(), ...args, '--db', db, '--json'], {
      env: { ...process.env, TESSERA_DB: db, ...env },
      timeout: 60000,
    }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`tessera-issuer ${args.slice(0, 2).join(' ')} failed: ${stderr.trim().split('\n').pop() ?? err.message}`))
      try { resolve(JSON.parse(stdout)) } catch { reject(new Error(`tessera-issuer ${args.slice(0, 2).join(' ')}: no JSON on stdout`)) }
    })
    if (stdin !== undefined) child.stdin.end(`${stdin}\n`)
    else child.stdin.end()
  })
}
