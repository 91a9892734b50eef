// Paths of the sign-in side, shared by its routes, the metadata and the pages.

/** RFC 6749 §3.1 authorization endpoint: GET checks and shows the sign-in page, POST is its form. */
export const AUTHORIZE_PATH = '/oauth2/authorize'
/** The sign-out page and its form. */
export const LOGOUT_PATH = '/oauth2/logout'
/** The session cookie's path: every sign-in page lives under it (DESIGN.md). */
export const SESSION_COOKIE_PATH = '/oauth2'
/** RFC 7591 §3 client registration endpoint (TESSERA_REGISTRATION=open). */
export const REGISTER_PATH = '/oauth2/register'

/** The brand logo (TESSERA_BRAND_LOGO), served with the file's type. */
export const LOGO_PATH = '/oauth2/assets/logo'
