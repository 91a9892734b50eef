// Every setting of `serve`, stated once: its flag, its variable, its
// default, its unit and its help. The loader (config.ts), `serve --help` and
// the README's table are derived from this list, so a default cannot differ
// between them. The key encryption key is not here: it never goes on a
// command line (config.ts reads it from its variable or a file).
import { availableParallelism } from 'node:os'
import { SCOPE_TOKEN, SCOPE_TOKEN_RULE, SIGNING_ALGS, type SigningAlg } from '../domain/types.js'
import { storeLocationProblem } from '../domain/store-location.js'
import { audienceProblem, issuerProblem, parseAddressList, parseScopeList, smtpUrlProblem } from './values.js'
import { HEX_COLOUR, MIN_TEXT_CONTRAST, textOn } from './colour.js'
import { readLogo, type Logo } from './logo.js'

/** pino's levels, most severe first; `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/** Upper bound of TESSERA_WORKERS: far above any core count a machine running one issuer has. */
const MAX_WORKERS = 256

/** A value read from a flag or variable, or the problem line that refuses it. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string }

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value })
const no = (problem: string): Parsed<never> => ({ ok: false, problem })

export interface Setting<T> {
  /** The `serve` flag, without `--`. */
  readonly flag: string
  /** The environment variable. */
  readonly variable: string
  /** The flag's value in help, e.g. SECONDS. */
  readonly arg: string
  /** The default as help shows it. */
  readonly shown: string
  readonly help: string
  /** The default (null: unset). */
  readonly fallback: T
  /** Checks a given value; `source` names the flag or variable it came from. */
  parse(value: string, source: string): Parsed<T>
}

function integer(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string, source: string): Parsed<number> => {
    if (/^\d+$/.test(value) && Number(value) >= min && Number(value) <= max) return ok(Number(value))
    return no(min === 0
      ? `${source} must be an integer from ${min} to ${max}, got "${value}"`
      : `${source} must be a positive integer${max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ''}, got "${value}"`)
  }
}

function oneOf<T extends string>(values: readonly T[]) {
  return (value: string, source: string): Parsed<T> =>
    (values as readonly string[]).includes(value) ? ok(value as T) : no(`${source} must be one of ${values.join(', ')}, got "${value}"`)
}

function nonEmpty(value: string, source: string): Parsed<string> {
  return value.trim() === '' ? no(`${source} must not be empty`) : ok(value)
}

/** A space-separated list (blank: empty), each item checked by `problem` (null: fine); duplicates dropped, order kept. */
function spaceList(problem: (item: string) => string | null, what: string) {
  return (value: string, source: string): Parsed<readonly string[]> => {
    const items = [...new Set(value.split(/\s+/).filter((s) => s !== ''))]
    for (const item of items) {
      const why = problem(item)
      if (why !== null) return no(`${source}: bad ${what} "${item}": ${why}`)
    }
    return ok(Object.freeze(items))
  }
}

const scopeProblem = (scope: string): string | null => SCOPE_TOKEN.test(scope) ? null : SCOPE_TOKEN_RULE

const seconds = (flag: string, variable: string, fallback: number, help: string, shown = String(fallback), max?: number): Setting<number> =>
  ({ flag, variable, arg: 'SECONDS', shown, help, fallback, parse: integer(max === undefined ? 1 : 0, max) })

/** The settings of the issuer itself (IssuerConfig), in help order. */
export const ISSUER_SETTINGS = {
  host: { flag: 'host', variable: 'HOST', arg: 'HOST', shown: '127.0.0.1', help: 'address to listen on', fallback: '127.0.0.1', parse: nonEmpty },
  port: { flag: 'port', variable: 'PORT', arg: 'PORT', shown: '8080', help: 'port to listen on (0 picks a free port)', fallback: 8080, parse: integer(0, 65535) },
  issuer: {
    flag: 'issuer', variable: 'TESSERA_ISSUER', arg: 'URL', shown: 'http://localhost:PORT',
    help: 'the issuer identifier (iss): an origin, https unless loopback', fallback: null as string | null,
    parse: (value: string, source: string): Parsed<string | null> => {
      const problem = issuerProblem(value, source)
      return problem === null ? ok(value) : no(problem)
    },
  },
  dbPath: {
    flag: 'db', variable: 'TESSERA_DB', arg: 'PATH|URL', shown: './data/tessera.db',
    help: 'SQLite file (created with its folder) or a postgres:// URL', fallback: './data/tessera.db',
    parse: (value: string, source: string): Parsed<string> => {
      const problem = storeLocationProblem(value, source)
      return problem === null ? ok(value) : no(problem)
    },
  },
  signingAlg: {
    flag: 'signing-alg', variable: 'TESSERA_SIGNING_ALG', arg: 'ALG', shown: 'RS256',
    help: 'RS256, PS256, ES256 or EdDSA; a change starts a pending key', fallback: 'RS256' as SigningAlg, parse: oneOf(SIGNING_ALGS),
  },
  jwksMaxAge: seconds('jwks-max-age', 'TESSERA_JWKS_MAX_AGE', 300, 'JWKS Cache-Control max-age'),
  keyRotationDays: {
    flag: 'key-rotation-days', variable: 'TESSERA_KEY_ROTATION_DAYS', arg: 'DAYS', shown: 'none',
    help: 'automatic rotation interval', fallback: null as number | null, parse: integer(1),
  },
  maxTtl: seconds('max-ttl', 'TESSERA_MAX_TTL', 3600, 'upper bound of any access token lifetime'),
  sessionTtl: seconds('session-ttl', 'TESSERA_SESSION_TTL', 43_200, 'sign-in session lifetime (absolute)'),
  refreshIdleTtl: seconds('refresh-idle-ttl', 'TESSERA_REFRESH_IDLE_TTL', 1_209_600, 'an unused refresh token expires after', '1209600: 14 days'),
  refreshMaxTtl: seconds('refresh-max-ttl', 'TESSERA_REFRESH_MAX_TTL', 7_776_000, 'no refresh token outlives its first grant by more', '7776000: 90 days'),
  refreshReuseGrace: seconds('refresh-reuse-grace', 'TESSERA_REFRESH_REUSE_GRACE', 10,
    'a just-rotated refresh token may be presented again within (0: never)', '10', 3600),
  dpopNonce: {
    flag: 'dpop-nonce', variable: 'TESSERA_DPOP_NONCE', arg: 'off|on', shown: 'off',
    help: 'DPoP proofs must carry a nonce the issuer gave (RFC 9449 §8)', fallback: false,
    parse: (value: string, source: string): Parsed<boolean> => {
      const parsed = oneOf(['off', 'on'] as const)(value, source)
      return parsed.ok ? ok(parsed.value === 'on') : parsed
    },
  },
  // RFC 7591 dynamic client registration (DESIGN.md, "MCP servers and other self-registering apps").
  registration: {
    flag: 'registration', variable: 'TESSERA_REGISTRATION', arg: 'off|open', shown: 'off',
    help: 'open: apps register themselves at POST /oauth2/register (RFC 7591)', fallback: 'off' as 'off' | 'open', parse: oneOf(['off', 'open'] as const),
  },
  registrationAudiences: {
    flag: 'registration-audiences', variable: 'TESSERA_REGISTRATION_AUDIENCES', arg: 'URLS', shown: 'none',
    help: 'the audiences (space-separated resource URLs, e.g. MCP servers) of every registered client; needed when registration is open',
    fallback: Object.freeze([]) as readonly string[], parse: spaceList(audienceProblem, 'audience'),
  },
  registrationScope: {
    flag: 'registration-scope', variable: 'TESSERA_REGISTRATION_SCOPE', arg: 'SCOPES', shown: 'none',
    help: 'the scopes (space-separated) a registered client may ask for; one that asks none gets them all',
    fallback: Object.freeze([]) as readonly string[], parse: spaceList(scopeProblem, 'scope'),
  },
  signup: {
    flag: 'signup', variable: 'TESSERA_SIGNUP', arg: 'off|open', shown: 'off',
    help: 'open: the sign-in page offers "Create an account"', fallback: 'off' as 'off' | 'open', parse: oneOf(['off', 'open'] as const),
  },
  signupScope: {
    flag: 'signup-scope', variable: 'TESSERA_SIGNUP_SCOPE', arg: '"A B"', shown: 'none',
    help: 'the scopes a person who signs up gets (space-delimited)', fallback: [] as readonly string[], parse: parseScopeList,
  },
  smtpUrl: {
    flag: 'smtp-url', variable: 'TESSERA_SMTP_URL', arg: 'URL', shown: 'none',
    help: 'smtp://[user:password@]host:port or smtps://...: turns on e-mail (address verification, password reset)',
    fallback: null as string | null,
    parse: (value: string, source: string): Parsed<string | null> => {
      const problem = smtpUrlProblem(value, source)
      return problem === null ? ok(value) : no(problem)
    },
  },
  mailFrom: {
    flag: 'mail-from', variable: 'TESSERA_MAIL_FROM', arg: 'ADDRESS', shown: 'no-reply@ + the issuer\'s host',
    help: 'the From: of every message', fallback: null as string | null, parse: nonEmpty,
  },
  passwordMinLength: {
    flag: 'password-min-length', variable: 'TESSERA_PASSWORD_MIN_LENGTH', arg: 'N', shown: '8',
    help: 'the shortest password a person may choose on the pages (characters)', fallback: 8, parse: integer(1, 256),
  },
  trustProxy: {
    flag: 'trust-proxy', variable: 'TESSERA_TRUST_PROXY', arg: 'ADDRS', shown: 'none',
    help: 'addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed (comma- or space-separated)',
    fallback: null as readonly string[] | null, parse: parseAddressList,
  },
  // Branding (DESIGN.md "The account page, remembered consent, scope descriptions and branding").
  brandName: {
    flag: 'brand-name', variable: 'TESSERA_BRAND_NAME', arg: 'TEXT', shown: 'Tessera',
    help: 'the name that heads every page and message', fallback: 'Tessera', parse: nonEmpty,
  },
  brandColor: {
    flag: 'brand-color', variable: 'TESSERA_BRAND_COLOR', arg: '#RRGGBB', shown: 'blue',
    help: 'the accent colour of every page (buttons, links); text on it is black or white, whichever meets WCAG AA',
    fallback: null as string | null,
    parse: (value: string, source: string): Parsed<string | null> => {
      if (!HEX_COLOUR.test(value)) return no(`${source} must be a colour #rrggbb, got "${value}"`)
      if (textOn(value) === null) return no(`${source}: neither black nor white text reaches ${MIN_TEXT_CONTRAST}:1 on ${value} (WCAG 2.2 AA)`)
      return ok(value.toLowerCase())
    },
  },
  brandLogo: {
    flag: 'brand-logo', variable: 'TESSERA_BRAND_LOGO', arg: 'PATH', shown: 'none',
    help: 'a PNG, JPEG, WebP or SVG file of at most 64 KiB, read at start, shown on every page', fallback: null as Logo | null,
    parse: (value: string, source: string): Parsed<Logo | null> => {
      const logo = readLogo(value)
      return typeof logo === 'string' ? no(`${source}: ${logo}`) : ok(logo)
    },
  },
} as const

/** How `serve` runs (not what the issuer is): processes, log, metrics. */
export const SERVE_SETTINGS = {
  workers: {
    flag: 'workers', variable: 'TESSERA_WORKERS', arg: 'N|auto', shown: '1; auto: one per core',
    help: 'issuer processes on the one port, node:cluster', fallback: 1,
    parse: (value: string, source: string): Parsed<number> => {
      if (value === 'auto') return ok(availableParallelism())
      return /^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= MAX_WORKERS
        ? ok(Number(value)) : no(`${source} must be "auto" or an integer from 1 to ${MAX_WORKERS}, got "${value}"`)
    },
  },
  logLevel: {
    flag: 'log-level', variable: 'TESSERA_LOG_LEVEL', arg: 'LEVEL', shown: 'info',
    help: LOG_LEVELS.join(', '), fallback: 'info' as LogLevel, parse: oneOf(LOG_LEVELS),
  },
  metricsPort: {
    flag: 'metrics-port', variable: 'TESSERA_METRICS_PORT', arg: 'PORT', shown: 'none',
    help: 'serve Prometheus metrics at GET /metrics on this port (0 picks a free one)', fallback: null as number | null, parse: integer(0, 65535),
  },
  metricsHost: {
    flag: 'metrics-host', variable: 'TESSERA_METRICS_HOST', arg: 'HOST', shown: '127.0.0.1',
    help: 'where the metrics port listens (it does not follow --host)', fallback: '127.0.0.1', parse: nonEmpty,
  },
} as const

type ValueOf<S> = S extends Setting<infer T> ? T : S extends { fallback: infer F; parse: (v: string, s: string) => Parsed<infer P> } ? F | P : never
export type SettingValues<T> = { -readonly [K in keyof T]: ValueOf<T[K]> }

/** Every setting with a flag, in help order. */
export const ALL_SETTINGS: ReadonlyArray<Setting<unknown>> = [
  ...Object.values(ISSUER_SETTINGS), ...Object.values(SERVE_SETTINGS),
] as ReadonlyArray<Setting<unknown>>

/** The flag of `serve` that names the key encryption key's file (its value is a path, never the key). */
export const KEY_FILE_FLAG = 'key-encryption-key-file'

/** `serve --help` lines: each flag with what it means, its variable and its default (less those every command takes). */
export function settingsHelp(common: readonly string[]): Array<[string, string]> {
  return ALL_SETTINGS.filter((s) => !common.includes(s.flag))
    .map((s) => [`--${s.flag} ${s.arg}`, `${s.help} ($${s.variable}, default ${s.shown})`])
}
