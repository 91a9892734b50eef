// The issuer's configuration (floor 2): environment variables, each also a
// `serve` flag (the flag wins), resolved once into a frozen object. Each
// setting is stated once, in config/settings.ts; the key encryption key is
// read from TESSERA_KEY_ENCRYPTION_KEY or from a file named by
// --key-encryption-key-file, never from a command-line value.
import type { Logo } from './config/logo.js'
import { readFileSync, statSync } from 'node:fs'
import { isIP } from 'node:net'
import { ConfigError } from './domain/errors.js'
import type { SigningAlg } from './domain/types.js'
import {
  ALL_SETTINGS, ISSUER_SETTINGS, KEY_FILE_FLAG, SERVE_SETTINGS, type LogLevel, type Setting, type SettingValues,
} from './config/settings.js'
import { parseKeyEncryptionKey } from './config/values.js'

export { LOG_LEVELS, settingsHelp, type LogLevel } from './config/settings.js'
export { isLoopbackHost, issuerProblem, parseKeyEncryptionKey } from './config/values.js'

export interface IssuerConfig {
  /** Where `serve` listens. Default 127.0.0.1. */
  readonly host: string
  /** Default 8080. 0 picks a free port (tests). */
  readonly port: number
  /**
   * The issuer identifier: an origin, no path, no trailing slash. `iss` equals
   * it byte for byte. Without TESSERA_ISSUER it is `http://localhost:$PORT`;
   * `serve` resolves port 0 to a free port before the core opens.
   */
  readonly issuer: string
  /** True when the issuer came from TESSERA_ISSUER / --issuer, false when defaulted from the port. */
  readonly issuerExplicit: boolean
  /** SQLite file; created with its folder. Default ./data/tessera.db */
  readonly dbPath: string
  /** Algorithm of new signing keys. Default RS256. */
  readonly signingAlg: SigningAlg
  /** 32 bytes, or null: private keys are then stored in plaintext. */
  readonly keyEncryptionKey: Buffer | null
  /** Seconds in the JWKS `Cache-Control: public, max-age`. Default 300. */
  readonly jwksMaxAge: number
  /** Automatic rotation interval in days, or null for none. */
  readonly keyRotationDays: number | null
  /** Upper bound of any token lifetime, seconds. Default 3600. */
  readonly maxTtl: number
  /** Seconds a sign-in session lasts (absolute). Default 43200. */
  readonly sessionTtl: number
  /** Seconds an unused refresh token lives. Default 1209600 (14 days). */
  readonly refreshIdleTtl: number
  /** Seconds no refresh token outlives its family's first grant by. Default 7776000 (90 days). */
  readonly refreshMaxTtl: number
  /** Seconds in which a just-rotated refresh token may be presented again; 0: never. Default 10. */
  readonly refreshReuseGrace: number
  /** TESSERA_DPOP_NONCE on: DPoP proofs at the token endpoint must carry a nonce the issuer gave (RFC 9449 §8). Default off. */
  readonly dpopNonce: boolean
  /** RFC 7591 dynamic client registration at POST /oauth2/register: `open`, or `off` (404). Default off. */
  readonly registration: 'off' | 'open'
  /** The audiences of every registered client, in order (the first is the default `aud`). Needed by `open`. */
  readonly registrationAudiences: readonly string[]
  /** The scopes a registered client may ask for (all of them when it asks none). Default none. */
  readonly registrationScope: readonly string[]
  /** `open`: people may create their own accounts (DESIGN.md, "Accounts"). Default off. */
  readonly signup: 'off' | 'open'
  /** The scopes a person who signs up gets. Default none. */
  readonly signupScope: readonly string[]
  /** nodemailer's smtp:// or smtps:// URL: e-mail is on when set. Default unset. */
  readonly smtpUrl: string | null
  /** The From: of every message; null: `no-reply@` + the issuer's host (see mailFrom()). */
  readonly mailFrom: string | null
  /** The shortest password a person may choose on the pages, characters after NFC. Default 8. */
  readonly passwordMinLength: number
  /** Reverse proxies whose X-Forwarded-For is believed (Fastify trustProxy), or null: none. */
  readonly trustProxy: readonly string[] | null
  /** The name that heads every page. Default Tessera. */
  readonly brandName: string
  /** The pages' accent colour `#rrggbb`, or null for the default (blue). */
  readonly brandColor: string | null
  /** The logo every page shows (GET /oauth2/assets/logo), read at start, or null. */
  readonly brandLogo: Logo | null
}

/**
 * The From: of every message: TESSERA_MAIL_FROM, else `no-reply@` + the
 * issuer's host, an IP host as an address literal (RFC 5321 §4.1.3:
 * `no-reply@[127.0.0.1]`, `no-reply@[IPv6:::1]`).
 */
export function mailFrom(config: Pick<IssuerConfig, 'mailFrom' | 'issuer'>): string {
  if (config.mailFrom !== null) return config.mailFrom
  const host = new URL(config.issuer).hostname
  if (host.startsWith('[')) return `no-reply@[IPv6:${host.slice(1, -1)}]`
  return isIP(host) === 4 ? `no-reply@[${host}]` : `no-reply@${host}`
}

/** The defaults of the issuer's settings, from the one table (config/settings.ts). */
export const DEFAULTS = Object.freeze(Object.fromEntries(
  Object.entries(ISSUER_SETTINGS).map(([key, s]) => [key, s.fallback]),
)) as Readonly<SettingValues<typeof ISSUER_SETTINGS>>

/** The serve flags of the issuer's settings, and the key file's. */
export const CONFIG_FLAGS = [...Object.values(ISSUER_SETTINGS).map((s) => s.flag), KEY_FILE_FLAG] as readonly string[]
export type ConfigFlags = Partial<Record<string, string | undefined>>

/** Flags of `serve` alone (how it runs, not what the issuer is). */
export const SERVE_FLAGS = Object.values(SERVE_SETTINGS).map((s) => s.flag) as readonly string[]
export type ServeFlags = ConfigFlags

/** How `serve` runs: processes, log level, metrics. */
export interface ServeSettings {
  /** Issuer processes on the one port (node:cluster); 1 = no cluster. Default 1. */
  readonly workers: number
  /** pino level of the issuer's log. Default info. */
  readonly logLevel: LogLevel
  /** Port of `GET /metrics`, or null for none. 0 picks a free port. */
  readonly metricsPort: number | null
  /** Where the metrics port listens. Default 127.0.0.1, whatever `host` is. */
  readonly metricsHost: string
}

export type ServeConfig = IssuerConfig & ServeSettings

/** Reads each setting of a table: the flag, else the variable (empty counts as unset), else the default. */
function readSettings<T extends Record<string, Setting<unknown>>>(
  table: T, env: NodeJS.ProcessEnv, flags: ConfigFlags, problems: string[],
): SettingValues<T> & { given: Set<string> } {
  const values: Record<string, unknown> = {}
  const given = new Set<string>()
  for (const [key, setting] of Object.entries(table)) {
    const fromFlag = flags[setting.flag]
    const fromEnv = env[setting.variable] === '' ? undefined : env[setting.variable]
    const value = fromFlag ?? fromEnv
    const source = fromFlag !== undefined ? `--${setting.flag}` : setting.variable
    values[key] = setting.fallback
    if (value === undefined) continue
    const parsed = setting.parse(value, source)
    if (parsed.ok) {
      values[key] = parsed.value
      given.add(key)
    } else problems.push(parsed.problem)
  }
  return { ...(values as SettingValues<T>), given }
}

/**
 * The key encryption key: from the file named by --key-encryption-key-file,
 * else TESSERA_KEY_ENCRYPTION_KEY, else null. A file owned by the user
 * running the command is refused when its group or others have any
 * permission (mode & 077), as ssh refuses a private key; a file owned by
 * another user (root, as Docker and Kubernetes mount secrets) is accepted.
 */
function readKeyEncryptionKey(env: NodeJS.ProcessEnv, flags: ConfigFlags, problems: string[]): Buffer | null {
  const file = flags[KEY_FILE_FLAG]
  if (file !== undefined) {
    let text: string
    try {
      const stat = statSync(file) // follows links: the mode of the file itself
      if (process.getuid !== undefined && stat.uid === process.getuid() && (stat.mode & 0o077) !== 0) {
        problems.push(`--${KEY_FILE_FLAG} ${file} is readable by others (mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}): chmod 600 it`)
        return null
      }
      text = readFileSync(file, 'utf8')
    } catch (err) {
      problems.push(`--${KEY_FILE_FLAG}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
      return null
    }
    const key = parseKeyEncryptionKey(text)
    if (!key) problems.push(`--${KEY_FILE_FLAG} ${file} must hold 32 bytes, base64url or base64`)
    return key
  }
  const text = env.TESSERA_KEY_ENCRYPTION_KEY
  if (text === undefined || text === '') return null
  const key = parseKeyEncryptionKey(text)
  if (!key) problems.push('TESSERA_KEY_ENCRYPTION_KEY must be 32 bytes, base64url or base64')
  return key
}

function issuerConfig(env: NodeJS.ProcessEnv, flags: ConfigFlags, problems: string[]): IssuerConfig {
  const { given, issuer, ...values } = readSettings(ISSUER_SETTINGS, env, flags, problems)
  const keyEncryptionKey = readKeyEncryptionKey(env, flags, problems)
  return {
    ...values,
    issuer: issuer ?? `http://localhost:${values.port}`,
    issuerExplicit: given.has('issuer'),
    keyEncryptionKey,
  }
}

/**
 * Builds the configuration from the environment and `serve` flags, frozen.
 * Throws ConfigError with one line per problem.
 */
export function loadConfig(env: NodeJS.ProcessEnv, flags: ConfigFlags = {}): IssuerConfig {
  const problems: string[] = []
  const config = issuerConfig(env, flags, problems)
  if (problems.length > 0) throw new ConfigError(problems)
  return Object.freeze(config)
}

/**
 * The issuer's configuration plus how `serve` runs it, frozen. Throws
 * ConfigError with one line per problem, those of loadConfig included.
 */
export function loadServeConfig(env: NodeJS.ProcessEnv, flags: ServeFlags = {}): ServeConfig {
  const problems: string[] = []
  const config = issuerConfig(env, flags, problems)
  const { given, ...settings } = readSettings(SERVE_SETTINGS, env, flags, problems)
  if (config.registration === 'open' && config.registrationAudiences.length === 0) {
    problems.push('TESSERA_REGISTRATION=open needs TESSERA_REGISTRATION_AUDIENCES: the URLs (space-separated) of the resources, e.g. MCP servers, registered clients get tokens for')
  }
  if (given.has('metricsPort') && settings.metricsPort !== 0 && settings.metricsPort === config.port) {
    problems.push(`${flags['metrics-port'] !== undefined ? '--metrics-port' : 'TESSERA_METRICS_PORT'} must differ from the public port (${config.port}): metrics are served apart from it`)
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return Object.freeze({ ...config, ...settings })
}

/**
 * The configuration with port 0 resolved to the port chosen (before the core
 * opens), and the default issuer identifier following it. Frozen.
 */
export function withPort<C extends IssuerConfig>(config: C, port: number): C {
  if (config.port === port) return config
  return Object.freeze({ ...config, port, issuer: config.issuerExplicit ? config.issuer : `http://localhost:${port}` })
}

/** Every flag `serve` takes (for the argument parser). */
export const SERVE_COMMAND_FLAGS = [...ALL_SETTINGS.map((s) => s.flag), KEY_FILE_FLAG] as readonly string[]
