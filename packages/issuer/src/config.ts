// The issuer's configuration: environment variables, each also a `serve`
// flag (the flag wins), except the key encryption key, which is read from
// TESSERA_KEY_ENCRYPTION_KEY or from a file named by
// --key-encryption-key-file, never from a command-line value.
import { readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { availableParallelism } from 'node:os'
import { ConfigError } from './domain/errors.js'
import { SIGNING_ALGS, type SigningAlg } from './domain/types.js'

export interface IssuerConfig {
  /** Where `serve` listens. Default 127.0.0.1. */
  host: string
  /** Default 8080. 0 picks a free port (tests). */
  port: number
  /**
   * The issuer identifier: an origin, no path, no trailing slash. `iss` equals
   * it byte for byte. The core reads it at each use (never copies it at open):
   * `serve` on port 0 without an explicit issuer sets it to
   * `http://localhost:<bound port>` right after listening.
   */
  issuer: string
  /** True when the issuer came from TESSERA_ISSUER / --issuer, false when defaulted from the port. */
  issuerExplicit: boolean
  /** SQLite file; created with its folder. Default ./data/tessera.db */
  dbPath: string
  /** Algorithm of new signing keys. Default RS256. */
  signingAlg: SigningAlg
  /** 32 bytes, or null: private keys are then stored in plaintext. */
  keyEncryptionKey: Buffer | null
  /** Seconds in the JWKS `Cache-Control: public, max-age`. Default 300. */
  jwksMaxAge: number
  /** Automatic rotation interval in days, or null for none. */
  keyRotationDays: number | null
  /** Upper bound of any token lifetime, seconds. Default 3600. */
  maxTtl: number
  /** Seconds a sign-in session lasts (absolute). Default 43200. */
  sessionTtl: number
  /** Seconds an unused refresh token lives. Default 1209600 (14 days). */
  refreshIdleTtl: number
  /** Seconds no refresh token outlives its family's first grant by. Default 7776000 (90 days). */
  refreshMaxTtl: number
  /** Seconds in which a just-rotated refresh token may be presented again; 0: never. Default 10. */
  refreshReuseGrace: number
}

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  dbPath: './data/tessera.db',
  signingAlg: 'RS256' as SigningAlg,
  jwksMaxAge: 300,
  maxTtl: 3600,
  sessionTtl: 43_200,
  refreshIdleTtl: 1_209_600,
  refreshMaxTtl: 7_776_000,
  refreshReuseGrace: 10,
} as const

/** The serve flags, by the variable each stands for. */
export const CONFIG_FLAGS = [
  'host', 'port', 'issuer', 'db', 'signing-alg', 'jwks-max-age', 'key-rotation-days', 'max-ttl', 'key-encryption-key-file',
  'session-ttl', 'refresh-idle-ttl', 'refresh-max-ttl', 'refresh-reuse-grace',
] as const

export type ConfigFlags = Partial<Record<(typeof CONFIG_FLAGS)[number], string | undefined>>

/** Flags of `serve` alone (how it runs, not what the issuer is): TESSERA_WORKERS, TESSERA_LOG_LEVEL, TESSERA_METRICS_PORT. */
export const SERVE_FLAGS = ['workers', 'log-level', 'metrics-port'] as const

export type ServeFlags = ConfigFlags & Partial<Record<(typeof SERVE_FLAGS)[number], string | undefined>>

/** pino's levels, most severe first; `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/** How `serve` runs: processes, log level, metrics port. */
export interface ServeSettings {
  /** Issuer processes on the one port (node:cluster); 1 = no cluster. Default 1. */
  workers: number
  /** pino level of the issuer's log. Default info. */
  logLevel: LogLevel
  /** Port of `GET /metrics` (same host), or null for none. 0 picks a free port. */
  metricsPort: number | null
}

export type ServeConfig = IssuerConfig & ServeSettings

/** Upper bound of TESSERA_WORKERS: far above any core count a machine running one issuer has. */
const MAX_WORKERS = 256

const LOOPBACK_NAMES = new Set(['localhost', '[::1]'])

/** True for localhost, 127.0.0.0/8 and [::1]. */
export function isLoopbackHost(hostname: string): boolean {
  if (LOOPBACK_NAMES.has(hostname) || hostname.endsWith('.localhost')) return true
  return isIP(hostname) === 4 && hostname.startsWith('127.')
}

/**
 * Checks an issuer identifier: an origin `scheme://host[:port]`, exactly as
 * its own serialisation (no path, query, fragment, userinfo or trailing
 * slash, lower-case host, no default port), `https`, or `http` for a
 * loopback host only (RFC 8414 §2). Returns a problem line, or null.
 */
export function issuerProblem(value: string, source: string): string | null {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return `${source} must be an origin like https://issuer.example, got "${value}"`
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `${source} must use https (or http for a loopback host), got "${value}"`
  if (url.origin !== value) {
    return `${source} must be an origin like https://issuer.example (no path, no trailing slash, lower-case host, no default port), got "${value}"`
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return `${source} may use http only for a loopback host (localhost, 127.0.0.1, [::1]); use https for "${url.hostname}"`
  }
  return null
}

/** Parses 32 bytes given as base64url or base64 (padding optional); null when malformed. */
export function parseKeyEncryptionKey(text: string): Buffer | null {
  const s = text.trim()
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(s)) return null
  const bytes = Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
  if (bytes.length !== 32) return null
  // Reject non-canonical encodings (stray bits in the last character).
  if (bytes.toString('base64url') !== s.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')) return null
  return bytes
}

type Pick = (flag: keyof ServeFlags, variable: string) => { value: string | undefined; source: string }

/** The flag's value, else the variable's (an empty variable counts as unset), with where it came from. */
function picker(env: NodeJS.ProcessEnv, flags: ServeFlags): Pick {
  return (flag, variable) => {
    const fromFlag = flags[flag]
    if (fromFlag !== undefined) return { value: fromFlag, source: `--${flag}` }
    const fromEnv = env[variable]
    return { value: fromEnv === '' ? undefined : fromEnv, source: variable }
  }
}

/**
 * The issuer's configuration plus how `serve` runs it (TESSERA_WORKERS,
 * TESSERA_LOG_LEVEL, TESSERA_METRICS_PORT). Throws ConfigError with one line
 * per problem, those of loadConfig included.
 */
export function loadServeConfig(env: NodeJS.ProcessEnv, flags: ServeFlags = {}): ServeConfig {
  const problems: string[] = []
  let config: IssuerConfig | undefined
  try {
    config = loadConfig(env, flags)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    problems.push(...err.problems)
  }
  const pick = picker(env, flags)

  let workers = 1
  const w = pick('workers', 'TESSERA_WORKERS')
  if (w.value === 'auto') workers = availableParallelism()
  else if (w.value !== undefined) {
    if (/^\d+$/.test(w.value) && Number(w.value) >= 1 && Number(w.value) <= MAX_WORKERS) workers = Number(w.value)
    else problems.push(`${w.source} must be "auto" or an integer from 1 to ${MAX_WORKERS}, got "${w.value}"`)
  }

  let logLevel: LogLevel = 'info'
  const l = pick('log-level', 'TESSERA_LOG_LEVEL')
  if (l.value !== undefined) {
    if ((LOG_LEVELS as readonly string[]).includes(l.value)) logLevel = l.value as LogLevel
    else problems.push(`${l.source} must be one of ${LOG_LEVELS.join(', ')}, got "${l.value}"`)
  }

  let metricsPort: number | null = null
  const m = pick('metrics-port', 'TESSERA_METRICS_PORT')
  if (m.value !== undefined) {
    if (/^\d+$/.test(m.value) && Number(m.value) <= 65535) metricsPort = Number(m.value)
    else problems.push(`${m.source} must be an integer from 0 to 65535, got "${m.value}"`)
    if (metricsPort !== null && metricsPort !== 0 && config && metricsPort === config.port) {
      problems.push(`${m.source} must differ from the public port (${config.port}): metrics are served apart from it`)
    }
  }

  if (problems.length > 0 || !config) throw new ConfigError(problems)
  return { ...config, workers, logLevel, metricsPort }
}

/**
 * Builds the configuration from the environment and `serve` flags. Throws
 * ConfigError with one line per problem.
 */
export function loadConfig(env: NodeJS.ProcessEnv, flags: ConfigFlags = {}): IssuerConfig {
  const problems: string[] = []
  const pick = picker(env, flags)
  const integer = (flag: keyof ConfigFlags, variable: string, fallback: number | null, min: number, max = Number.MAX_SAFE_INTEGER): number | null => {
    const { value, source } = pick(flag, variable)
    if (value === undefined) return fallback
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      problems.push(min === 0
        ? `${source} must be an integer from ${min} to ${max}, got "${value}"`
        : `${source} must be a positive integer${max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ''}, got "${value}"`)
      return fallback
    }
    return Number(value)
  }

  const host = pick('host', 'HOST')
  if (host.value !== undefined && host.value.trim() === '') problems.push(`${host.source} must not be empty`)
  const port = integer('port', 'PORT', DEFAULTS.port, 0, 65535) ?? DEFAULTS.port

  const issuerGiven = pick('issuer', 'TESSERA_ISSUER')
  const issuer = issuerGiven.value ?? `http://localhost:${port}`
  if (issuerGiven.value !== undefined) {
    const problem = issuerProblem(issuerGiven.value, issuerGiven.source)
    if (problem) problems.push(problem)
  }

  const db = pick('db', 'TESSERA_DB')
  if (db.value !== undefined && db.value.trim() === '') problems.push(`${db.source} must not be empty`)

  const alg = pick('signing-alg', 'TESSERA_SIGNING_ALG')
  let signingAlg: SigningAlg = DEFAULTS.signingAlg
  if (alg.value !== undefined) {
    if ((SIGNING_ALGS as readonly string[]).includes(alg.value)) signingAlg = alg.value as SigningAlg
    else problems.push(`${alg.source} must be one of ${SIGNING_ALGS.join(', ')}, got "${alg.value}"`)
  }

  const jwksMaxAge = integer('jwks-max-age', 'TESSERA_JWKS_MAX_AGE', DEFAULTS.jwksMaxAge, 1) ?? DEFAULTS.jwksMaxAge
  const keyRotationDays = integer('key-rotation-days', 'TESSERA_KEY_ROTATION_DAYS', null, 1)
  const maxTtl = integer('max-ttl', 'TESSERA_MAX_TTL', DEFAULTS.maxTtl, 1) ?? DEFAULTS.maxTtl
  const sessionTtl = integer('session-ttl', 'TESSERA_SESSION_TTL', DEFAULTS.sessionTtl, 1) ?? DEFAULTS.sessionTtl
  const refreshIdleTtl = integer('refresh-idle-ttl', 'TESSERA_REFRESH_IDLE_TTL', DEFAULTS.refreshIdleTtl, 1) ?? DEFAULTS.refreshIdleTtl
  const refreshMaxTtl = integer('refresh-max-ttl', 'TESSERA_REFRESH_MAX_TTL', DEFAULTS.refreshMaxTtl, 1) ?? DEFAULTS.refreshMaxTtl
  const refreshReuseGrace = integer('refresh-reuse-grace', 'TESSERA_REFRESH_REUSE_GRACE', DEFAULTS.refreshReuseGrace, 0, 3600) ?? DEFAULTS.refreshReuseGrace

  let keyEncryptionKey: Buffer | null = null
  const kekFile = flags['key-encryption-key-file']
  if (kekFile !== undefined) {
    let text: string | undefined
    try {
      text = readFileSync(kekFile, 'utf8')
    } catch (err) {
      problems.push(`--key-encryption-key-file: cannot read ${kekFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
    }
    if (text !== undefined) {
      keyEncryptionKey = parseKeyEncryptionKey(text)
      if (!keyEncryptionKey) problems.push(`--key-encryption-key-file ${kekFile} must hold 32 bytes, base64url or base64`)
    }
  } else if (env.TESSERA_KEY_ENCRYPTION_KEY !== undefined && env.TESSERA_KEY_ENCRYPTION_KEY !== '') {
    keyEncryptionKey = parseKeyEncryptionKey(env.TESSERA_KEY_ENCRYPTION_KEY)
    if (!keyEncryptionKey) problems.push('TESSERA_KEY_ENCRYPTION_KEY must be 32 bytes, base64url or base64')
  }

  if (problems.length > 0) throw new ConfigError(problems)
  return {
    host: host.value ?? DEFAULTS.host,
    port,
    issuer,
    issuerExplicit: issuerGiven.value !== undefined,
    dbPath: db.value ?? DEFAULTS.dbPath,
    signingAlg,
    keyEncryptionKey,
    jwksMaxAge,
    keyRotationDays,
    maxTtl,
    sessionTtl,
    refreshIdleTtl,
    refreshMaxTtl,
    refreshReuseGrace,
  }
}
