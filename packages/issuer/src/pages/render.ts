// One entry for the HTTP layer: the HTML of a view the protocol steps chose.
import type { Html } from './html.js'
import type { PageView } from '../oauth/views.js'
import { logoutPage, signedOutPage } from './logout.js'
import { forgotPage, resetPage, signUpPage, verifyEmailPage } from './accounts.js'
import { messagePage } from './messages.js'
import { consentPage, signInPage } from './sign-in.js'

export function renderPage(view: PageView): Html {
  switch (view.kind) {
    case 'sign-in': return signInPage(view)
    case 'consent': return consentPage(view)
    case 'logout': return logoutPage(view)
    case 'signed-out': return signedOutPage()
    case 'message': return messagePage(view)
    case 'signup': return signUpPage(view)
    case 'verify-email': return verifyEmailPage(view)
    case 'forgot': return forgotPage(view)
    case 'reset': return resetPage(view)
  }
}
