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

export interface SignInView extends FormFields {
  /** The client's `--name`. */
  clientName: string
  /** The scopes asked for. */
  scopes: readonly string[]
  /** The username typed before, shown again after a failure. */
  username?: string
  /** One line above the form ("Wrong username or password."). */
  message?: string
}

export interface ConsentView extends FormFields {
  clientName: string
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

/** Every page a browser endpoint can answer, by kind. */
export type PageView =
  | ({ kind: 'sign-in' } & SignInView)
  | ({ kind: 'consent' } & ConsentView)
  | ({ kind: 'logout' } & LogoutView)
  | { kind: 'signed-out' }
  | ({ kind: 'message' } & MessageView)
