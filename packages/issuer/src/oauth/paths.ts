// Paths of the sign-in side, shared by its routes, the metadata and the pages.

/** RFC 6749 §3.1 authorization endpoint: GET checks and shows the sign-in page, POST is its form. */
export const AUTHORIZE_PATH = '/oauth2/authorize'
/** The sign-out page and its form. */
export const LOGOUT_PATH = '/oauth2/logout'
/** The session cookie's path: every sign-in page lives under it (DESIGN.md). */
export const SESSION_COOKIE_PATH = '/oauth2'
/** OpenID Connect Core §5.3 UserInfo endpoint. */
export const USERINFO_PATH = '/oauth2/userinfo'
