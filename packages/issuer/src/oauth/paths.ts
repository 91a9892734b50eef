// Paths of the sign-in side, shared by its routes, the metadata and the pages.

/** RFC 6749 §3.2 token endpoint (also the `htu` its DPoP proofs name, RFC 9449 §4.3). */
export const TOKEN_PATH = '/oauth2/token'
/** RFC 6749 §3.1 authorization endpoint: GET checks and shows the sign-in page, POST is its form. */
export const AUTHORIZE_PATH = '/oauth2/authorize'
/** The sign-out page and its form. */
export const LOGOUT_PATH = '/oauth2/logout'
/** The session cookie's path: every sign-in page lives under it (DESIGN.md). */
export const SESSION_COOKIE_PATH = '/oauth2'
/** RFC 7591 §3 client registration endpoint (TESSERA_REGISTRATION=open). */
export const REGISTER_PATH = '/oauth2/register'

/** DESIGN.md, "Accounts": sign-up (TESSERA_SIGNUP=open), and the pages of e-mail (TESSERA_SMTP_URL). */
export const SIGNUP_PATH = '/oauth2/signup'
export const VERIFY_EMAIL_PATH = '/oauth2/verify-email'
export const FORGOT_PATH = '/oauth2/forgot'
export const RESET_PATH = '/oauth2/reset'
/** Where each of those forms' 303 goes: a GET page showing the outcome, taking no token, changing nothing. */
export const DONE_SUFFIX = '/done'
/** OpenID Connect Core §5.3 UserInfo endpoint. */
export const USERINFO_PATH = '/oauth2/userinfo'

/** The brand logo (TESSERA_BRAND_LOGO), served with the file's type. */
export const LOGO_PATH = '/oauth2/assets/logo'

/**
 * The account page (DESIGN.md "The account page, remembered consent, scope
 * descriptions and branding"): GET shows it (the sign-in form without a
 * session); each form POSTs to its own path under it and answers 303 to
 * the page, which shows the outcome (`?done=`).
 */
export const ACCOUNT_PATH = '/oauth2/account'
export const ACCOUNT_FORM_PATHS = {
  'sign-in': '/oauth2/account/sign-in',
  name: '/oauth2/account/name',
  password: '/oauth2/account/password',
  email: '/oauth2/account/email',
  resend: '/oauth2/account/email/resend',
  'remove-access': '/oauth2/account/apps/remove',
  'sign-out-everywhere': '/oauth2/account/sign-out-everywhere',
  delete: '/oauth2/account/delete',
} as const
/** The page "Delete account" leads to: "Your account has been deleted." */
export const ACCOUNT_DELETED_PATH = '/oauth2/account/delete/done'
