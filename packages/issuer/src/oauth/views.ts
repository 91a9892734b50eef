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

/** The app a page names. */
export interface ClientNaming {
  /** The client's `--name` (or, for a client that registered itself without one, its id). */
  clientName: string
  /** True for a client that registered itself (RFC 7591): the page marks it "not verified by" the brand. */
  clientUnverified: boolean
}

export interface SignInView extends FormFields, ClientNaming {
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
}

export interface ConsentView extends FormFields, ClientNaming {
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

/** Every page a browser endpoint can answer, by kind. */
export type PageView =
  | ({ kind: 'sign-in' } & SignInView)
  | ({ kind: 'consent' } & ConsentView)
  | ({ kind: 'logout' } & LogoutView)
  | { kind: 'signed-out' }
  | ({ kind: 'message' } & MessageView)
  | ({ kind: 'signup' } & SignUpView)
  | ({ kind: 'verify-email' | 'forgot' | 'reset' } & AccountFormView)
