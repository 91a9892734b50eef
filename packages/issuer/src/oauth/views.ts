// What a page shows, decided by the protocol steps and rendered by pages/
// (floor 5): the steps answer a view, never HTML, so the protocol knows
// nothing of markup and the pages nothing of the protocol.

/** The hidden fields every answer form carries: the pending request's reference and the anti-CSRF token. */
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

export interface LogoutView {
  /** Where the form posts. */
  action: string
  csrf: string
  /** Who is signed in, or null when nobody is. */
  username: string | null
}

export interface MessageView {
  title: string
  /** One or more paragraphs of text. */
  lines: readonly string[]
}

/** Every page a browser endpoint can answer, by kind. */
export type PageView =
  | ({ kind: 'sign-in' } & SignInView)
  | ({ kind: 'consent' } & ConsentView)
  | ({ kind: 'logout' } & LogoutView)
  | { kind: 'signed-out' }
  | ({ kind: 'message' } & MessageView)
