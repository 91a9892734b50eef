// Paths of the sign-in side, shared by its routes, the metadata and the pages.

/** RFC 6749 §3.2 token endpoint (also the `htu` its DPoP proofs name, RFC 9449 §4.3). */
export const TOKEN_PATH = '/oauth2/token'
/** RFC 6749 §3.1 authorization endpoint: GET checks and shows the sign-in page, POST is its form. */
export const AUTHORIZE_PATH = '/oauth2/authorize'
/** The sign-out page and its form. */
export const LOGOUT_PATH = '/oauth2/logout'
/** The session cookie's path: every sign-in page lives under it (DESIGN.md). */
export const SESSION_COOKIE_PATH = '/oauth2'
