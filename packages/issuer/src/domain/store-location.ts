// What a store location may be (DESIGN.md, "Storage: SQLite and
// PostgreSQL"): a SQLite file path, or a `postgres://` / `postgresql://`
// URL. Any other `scheme:/...` is refused, never taken as a file name: a
// typo such as `postgress://u:pw@host/db` would otherwise become a SQLite
// file named after the URL, password and all. A location is shown with
// `***` for a URL's password (in the userinfo, or as a `password` query
// parameter, which node-postgres also reads).

const POSTGRES_URL = /^postgres(ql)?:\/\//i
/** A URL scheme of two or more characters and `:/` (a Windows drive, `C:\`, has one letter). */
const URL_SCHEME = /^([a-z][a-z0-9+.-]+):\//i

/** The forms a store location may take, as messages name them. */
export const STORE_LOCATION_FORMS = 'a SQLite file path or a postgres:// or postgresql:// URL'

/** True for a `postgres://` or `postgresql://` URL (the PostgreSQL store). */
export const isPostgresUrl = (location: string): boolean => POSTGRES_URL.test(location)

/** True when `location` begins with a URL scheme (`name:/`), whichever. */
export const looksLikeUrl = (location: string): boolean => URL_SCHEME.test(location)

/** A URL with `***` for its password. */
export function redactUrl(url: string): string {
  let shown = url
  try {
    const u = new URL(url)
    if (u.password !== '') u.password = '***'
    if (u.searchParams.has('password')) u.searchParams.set('password', '***')
    shown = u.toString()
  } catch {
    // Not a URL to the parser: the patterns below still find a password.
  }
  // Also a userinfo the parser saw none in (`postgres:/user:pw@host`, a typo of `postgres://`).
  return shown.replace(/^([a-z][a-z0-9+.-]*:\/*)([^:/@]*):[^@/]*@/i, '$1$2:***@').replace(/([?&]password=)[^&#]*/gi, '$1***')
}

/** A location as messages and logs show it: a path as is, a URL without its password. */
export const showLocation = (location: string): string => (looksLikeUrl(location) ? redactUrl(location) : location)

/**
 * Null when `location` names a store of a supported kind; else one line
 * that says so, names the supported forms and shows no password. `source`
 * names where the location came from (`--db`, `TESSERA_DB`, `--to`).
 */
export function storeLocationProblem(location: string, source: string): string | null {
  if (location.trim() === '') return `${source} must not be empty`
  if (isPostgresUrl(location)) return null
  const scheme = URL_SCHEME.exec(location)?.[1]
  if (scheme === undefined) return null
  return `${source} ${redactUrl(location)}: "${scheme}:" is not a supported database; give ${STORE_LOCATION_FORMS}`
}
