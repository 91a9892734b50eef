// What a page shows, decided by the protocol steps and rendered by pages/
// (floor 5): the steps answer a view, never HTML, so the protocol knows
// nothing of markup and the pages nothing of the protocol.

/** The hidden fields every answer form carries: the sealed pending request and the anti-CSRF token. */
export interface FormFields {
  /** Where the form posts (the authorization endpoint's path). */
  action: string
  reference: string
  csrf: string
}

/** A page listing scopes: each one's description by name (`scope set`), filled in before rendering. */
export interface ScopeText {
  scopeText?: ReadonlyMap<string, string>
}

/** The app a page names. */
export interface ClientNaming {
  /** The client's `--name` (or, for a client that registered itself without one, its id). */
  clientName: string
  /** True for a client that registered itself (RFC 7591): the page marks it "not verified by" the brand. */
  clientUnverified: boolean
}

export interface SignInView extends FormFields, ClientNaming, ScopeText {
  /** The scopes asked for. */
  scopes: readonly string[]
  /** The username typed before, shown again after a failure. */
  username?: string
  /** One line above the form ("Wrong username or password."). */
  message?: string
  /** "Create an account" (TESSERA_SIGNUP=open), carrying the pending request. */
  signupHref?: string
  /** "Forgot your password?" (e-mail on). */
  forgotHref?: string
  /** A first-party (--skip-consent) client: a plain sign-in page, one "Sign in" button, no scopes, no "Deny". */
  firstParty: boolean
  /** A locked username: minutes until it may try again. */
  retryMinutes?: number
}

export interface ConsentView extends FormFields, ClientNaming, ScopeText {
  scopes: readonly string[]
  /** Who is signed in. */
  username: string
  /** The same request with prompt=login: "sign in as someone else". */
  switchUserHref: string
}

/** The RP-Initiated Logout 1.0 §2 parameters the sign-out form carries on, as checked. */
export interface LogoutFields {
  id_token_hint?: string
  client_id?: string
  post_logout_redirect_uri?: string
  state?: string
}

export interface LogoutView {
  /** Where the form posts. */
  action: string
  csrf: string
  /** Who is signed in, or null when nobody is (then no sign-out button). */
  username: string | null
  /** The app that sent the person here, when known (its `--name`). */
  appName: string | null
  /** The registered post-logout redirect URI with `state`, when one was sent: a link back to the app. */
  returnHref: string | null
  /** Hidden fields of the form. */
  fields: LogoutFields
}

export interface MessageView {
  title: string
  /** One or more paragraphs of text. */
  lines: readonly string[]
}

/** The sign-up form (DESIGN.md, "Accounts"). */
export interface SignUpView {
  action: string
  csrf: string
  /** The sign-in page's opaque `request` value, passed through, or undefined without a pending request. */
  request?: string
  /** The app the person signs up for, when there is a pending request. */
  clientName?: string
  /** The e-mail field (e-mail on: required). */
  emailField: boolean
  minLength: number
  username?: string
  email?: string
  message?: string
  /** Back to the sign-in page of the same request. */
  signInHref?: string
}

/** One form of the e-mail pages: verify ("Confirm"), forgot, reset. */
export interface AccountFormView {
  action: string
  csrf: string
  /** The mailed token the form carries (verify, reset). */
  token?: string
  /** Verify: the address being confirmed. Reset: the account's username (for password managers). */
  subject?: string
  login?: string
  message?: string
  minLength?: number
}

/** The account page's forms, each POSTing to its own path (oauth/paths.ts ACCOUNT_FORM_PATHS). */
export type AccountForm = 'sign-in' | 'name' | 'password' | 'email' | 'resend' | 'remove-access' | 'sign-out-everywhere' | 'delete'

/** Where a form posts and the anti-CSRF token it carries. */
export interface FormTarget {
  action: string
  csrf: string
}

/** The account page's sign-in form, without a session (DESIGN.md: no app named, one "Sign in" button). */
export interface AccountSignInView extends FormTarget {
  username?: string
  /** A refusal ("Wrong username or password."). */
  message?: string
  /** A lock: minutes until it may try again. */
  retryMinutes?: number
  /** The outcome of the last form (e.g. "You have been signed out everywhere."). */
  notice?: string
  signupHref?: string
  forgotHref?: string
}

/** An app that holds access, as the page lists it. */
export interface ConnectedAppView {
  clientId: string
  name: string
  scopes: readonly string[]
  /** Since when, ms. */
  since: number
}

/** The account page within a session. */
export interface AccountView extends ScopeText {
  /** Each form the page offers (the e-mail forms only with e-mail on; "send the link again" only with an address to confirm). */
  forms: Partial<Record<Exclude<AccountForm, 'sign-in'>, FormTarget>>
  username: string
  email: string | null
  emailVerified: boolean
  emailPending: string | null
  name: string | null
  apps: readonly ConnectedAppView[]
  minLength: number
  /** The outcome of the last form, shown after its 303. */
  notice?: string
  /** A form refused for its content: which one, and what to fix. */
  problem?: { form: AccountForm; message: string; retryMinutes?: number }
  /** Values typed into the refused form, shown again. */
  typed?: { name?: string; email?: string }
}

/** Every page a browser endpoint can answer, by kind. */
export type PageView =
  | ({ kind: 'sign-in' } & SignInView)
  | ({ kind: 'consent' } & ConsentView)
  | ({ kind: 'logout' } & LogoutView)
  | { kind: 'signed-out' }
  | ({ kind: 'message' } & MessageView)
  | ({ kind: 'signup' } & SignUpView)
  | ({ kind: 'verify-email' | 'forgot' | 'reset' } & AccountFormView)
  | ({ kind: 'account-sign-in' } & AccountSignInView)
  | ({ kind: 'account' } & AccountView)
