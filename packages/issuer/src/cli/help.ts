// `--help` for every command and group: what it does, each flag with its
// unit and default, and the exit status. The usage lines are DESIGN.md's;
// serve's flags come from the settings table (config/settings.ts).
import { settingsHelp } from '../config.js'

export interface CommandHelp {
  usage: string
  about: string[]
  flags: Array<[string, string]>
}

const COMMON: Array<[string, string]> = [
  ['--db PATH_OR_URL', 'the database: a SQLite file, or a postgres:// URL (default: $TESSERA_DB, else ./data/tessera.db)'],
  ['--json', 'machine-readable output on stdout; errors as {"error", "message"} JSON on stderr'],
  ['--key-encryption-key-file PATH', 'file with the 32-byte key encryption key of an encrypted database, mode 0600 or stricter (else $TESSERA_KEY_ENCRYPTION_KEY)'],
  ['-h, --help', 'this help'],
]

export const EXIT_STATUS = 'Exit status: 0 done; 1 failed (not found, refused, configuration, database); 2 bad command line.'
const ENDS_OPTIONS = 'An argument that begins with "-" but is not an option is taken as the positional it stands in for; "--" ends the options.'
const LIST_REPLACES = 'replaces the whole list (repeat the flag for several values)'

export const HELP: Record<string, CommandHelp> = {
  serve: {
    usage: 'serve [--host HOST] [--port PORT] [--issuer URL] [--db PATH] [--workers N|auto] [--metrics-port PORT] [--log-level LEVEL] ...',
    about: [
      'Runs the issuer: POST /oauth2/token, the JWKS, RFC 8414 metadata, the authorization endpoint and /healthz.',
      'Each flag stands for a variable (the flag wins); SIGTERM or SIGINT drains in-flight requests and exits 0.',
    ],
    flags: settingsHelp(['db']),
  },
  'client create': {
    usage: 'client create --name NAME --grant client_credentials [--grant password] [--grant authorization_code --redirect-uri URI ...] ' +
      '[--grant refresh_token] [--post-logout-redirect-uri URI ...] [--public] [--skip-consent] [--dpop] --scope "read write" --audience URI [--audience ...] [--ttl SECONDS]',
    about: ['Registers a client and prints its client_id and client_secret: the secret is shown this once.'],
    flags: [
      ['--name NAME', 'a name for people (shown on the sign-in page); required'],
      ['--grant GRANT', 'client_credentials, password (legacy, RFC 9700 §2.4), authorization_code, refresh_token; repeatable, at least one'],
      ['--scope "A B"', 'the scopes the client may get, space-separated; repeatable'],
      ['--audience URI', 'an API the tokens are for (aud); repeatable, the first is the default'],
      ['--ttl SECONDS', 'access token lifetime (default 900, at most $TESSERA_MAX_TTL)'],
      ['--redirect-uri URI', 'where the sign-in returns (authorization_code: at least one); repeatable'],
      ['--post-logout-redirect-uri URI', 'where sign-out may return to the app (OpenID Connect RP-Initiated Logout); repeatable'],
      ['--public', 'no secret: an app that cannot keep one authenticates with its client_id and PKCE'],
      ['--skip-consent', 'a first-party app: within a sign-in session, no Allow/Deny page'],
      ['--dpop', 'every token request must carry a DPoP proof (RFC 9449): its tokens are bound to the app\'s key'],
    ],
  },
  'client list': { usage: 'client list', about: ['Lists the clients (never their secrets).'], flags: [] },
  'client show': { usage: 'client show ID', about: ['Shows one client (never its secret).'], flags: [] },
  'client update': {
    usage: 'client update ID [--name ..] [--scope ..] [--audience ..] [--grant ..] [--redirect-uri ..] [--post-logout-redirect-uri ..] [--ttl ..] [--skip-consent true|false] [--dpop true|false]',
    about: ['Changes a client. Each list given replaces the old one; what is not given stays.'],
    flags: [
      ['--name NAME', 'new name'],
      ['--scope "A B"', `the scopes, space-separated; ${LIST_REPLACES}`],
      ['--audience URI', `the audiences; ${LIST_REPLACES}`],
      ['--grant GRANT', `the grants; ${LIST_REPLACES}`],
      ['--redirect-uri URI', `the redirect URIs; ${LIST_REPLACES}`],
      ['--post-logout-redirect-uri URI', `where sign-out may return to the app; ${LIST_REPLACES}`],
      ['--ttl SECONDS', 'access token lifetime (at most $TESSERA_MAX_TTL)'],
      ['--skip-consent true|false', 'skip the Allow/Deny page within a sign-in session, or not'],
      ['--dpop true|false', 'require a DPoP proof on every token request (RFC 9449), or not'],
    ],
  },
  'client delete': { usage: 'client delete ID', about: ['Deletes a client, its codes and refresh tokens; access tokens already out stay valid until they expire.'], flags: [] },
  'client rotate-secret': {
    usage: 'client rotate-secret ID [--grace SECONDS]',
    about: ['Gives the client a new secret, printed this once.'],
    flags: [['--grace SECONDS', 'the previous secret keeps working this long (default 0: it stops at once)']],
  },
  'user create': {
    usage: 'user create --username NAME [--scope "read"] [--email ADDR] [--name TEXT] (--password-stdin | prompt)',
    about: ['Creates a user for the sign-in page and the password grant; asks for the password twice on a terminal.',
      'A password the sign-up pages would refuse is accepted, with a warning.'],
    flags: [
      ['--username NAME', 'matched case-insensitively (NFC, lower case); required'],
      ['--scope "A B"', 'the scopes the user may be granted, space-separated; repeatable (default: none, so nothing can be granted)'],
      ['--email ADDR', 'the e-mail address (counts as verified: sign-in and password reset use it)'],
      ['--name TEXT', 'the display name'],
      ['--password-stdin', 'read the password from the first line of standard input'],
    ],
  },
  'user list': { usage: 'user list', about: ['Lists the users with their e-mail address, whether it is verified, and name (never password hashes).'], flags: [] },
  'user show': { usage: 'user show NAME', about: ['Shows one user: id, scopes, e-mail address and whether it is verified, name.'], flags: [] },
  'user update': {
    usage: 'user update NAME [--scope ..] [--email ADDR] [--name TEXT]',
    about: ['Changes a user in place (same user_id, the sub of its tokens); what is not given stays.'],
    flags: [
      ['--scope "A B"', `the scopes, space-separated; ${LIST_REPLACES}`],
      ['--email ADDR', 'a new e-mail address, counted as verified ("" removes it)'],
      ['--name TEXT', 'a new display name ("" removes it)'],
    ],
  },
  'user delete': { usage: 'user delete NAME', about: ['Deletes a user, their sessions and refresh tokens.'], flags: [] },
  'user set-password': {
    usage: 'user set-password NAME (--password-stdin | prompt)',
    about: ['Sets a new password; ends every session of the user and revokes their refresh tokens.'],
    flags: [['--password-stdin', 'read the password from the first line of standard input']],
  },
  'user sign-out': { usage: 'user sign-out NAME', about: ['Ends every sign-in session of the user and revokes their refresh tokens.'], flags: [] },
  'keys list': { usage: 'keys list', about: ['Lists the signing keys: pending, signing, retiring, expired, with their times. Needs no key encryption key (nothing secret is shown).'], flags: [] },
  'keys rotate': {
    usage: 'keys rotate [--now]',
    about: ['Adds a key: published at once, it signs after $TESSERA_JWKS_MAX_AGE + 60 s, when every cache holds it.'],
    flags: [
      ['--now', 'emergency: the new key signs in 2 seconds (verifiers with a cached JWKS refetch on its unknown kid)'],
      ['--signing-alg ALG', 'algorithm of the new key (default $TESSERA_SIGNING_ALG, else RS256)'],
    ],
  },
  'keys retire': {
    usage: 'keys retire KID [--now]',
    about: ['Stops a key signing; it stays published until the tokens it signed expire. Retiring the key that signs',
      'makes the newest pending key sign at once, or a fresh one.'],
    flags: [['--now', 'also remove it from the JWKS at once (a leaked key): tokens it signed stop verifying']],
  },
  'keys export-jwks': { usage: 'keys export-jwks', about: ['Prints the JWKS as served (public members only). Needs no key encryption key.'], flags: [] },
  'db copy': {
    usage: 'db copy --to PATH_OR_URL',
    about: ['Copies everything from the --db store into an empty store (SQLite or PostgreSQL), in one transaction.'],
    flags: [['--to PATH_OR_URL', 'the target: a SQLite file or a postgres:// URL; it must hold no data']],
  },
  'db backup': {
    usage: 'db backup PATH',
    about: ['Writes a consistent copy of a live SQLite database to PATH, a new file (SQLite online backup: a plain cp can miss data in the WAL). PATH is never a URL.'],
    flags: [],
  },
}

export const GROUPS: Record<string, string[]> = {
  client: ['create', 'list', 'show', 'update', 'delete', 'rotate-secret'],
  user: ['create', 'list', 'show', 'update', 'delete', 'set-password', 'sign-out'],
  keys: ['list', 'rotate', 'retire', 'export-jwks'],
  db: ['copy', 'backup'],
}

function table(rows: Array<[string, string]>): string[] {
  const width = Math.max(...rows.map(([f]) => f.length))
  return rows.map(([f, text]) => `  ${f.padEnd(width)}  ${text}`)
}

/** The help of one command ("client create", "serve"). */
export function helpFor(command: string): string[] {
  const h = HELP[command]!
  const common = command === 'serve' ? COMMON.filter(([f]) => f !== '--json') : COMMON
  return [
    `usage: tessera-issuer ${h.usage}`, '', ...h.about, '',
    'Options:', ...table([...h.flags, ...common]), '',
    ...(/^(\S+ ){1,2}(ID|NAME|KID|PATH)\b/.test(h.usage) ? [ENDS_OPTIONS] : []),
    EXIT_STATUS,
  ]
}

/** The help of a group ("client"): its commands, one line each. */
export function groupHelp(group: string): string[] {
  const subs = GROUPS[group]!
  return [
    `usage: tessera-issuer ${group} COMMAND [options]   (tessera-issuer ${group} COMMAND --help for each)`, '',
    ...table(subs.map((s) => [`${group} ${s}`, HELP[`${group} ${s}`]!.about[0]!])),
    '', EXIT_STATUS,
  ]
}

/** Every command, as DESIGN.md lists them. */
export function mainHelp(): string[] {
  return [
    'usage: tessera-issuer COMMAND [options]     (every command takes --db PATH and --json; COMMAND --help for its options)',
    '',
    ...Object.values(HELP).map((h) => `  tessera-issuer ${h.usage}`),
    '',
    '  tessera-issuer --version',
    '',
    ENDS_OPTIONS,
    EXIT_STATUS,
  ]
}
