// One entry for the HTTP layer: the HTML of a view the protocol steps chose.
import type { Html } from './html.js'
import { DEFAULT_THEME, document, type Page, type Theme } from './layout.js'
import type { PageView } from '../oauth/views.js'
import { logoutPage, signedOutPage } from './logout.js'
import { forgotPage, resetPage, signUpPage, verifyEmailPage } from './accounts.js'
import { messagePage } from './messages.js'
import { accountPage, accountSignInPage } from './account.js'
import { consentPage, signInPage } from './sign-in.js'

function page(view: PageView, brand: string): Page {
  switch (view.kind) {
    case 'sign-in': return signInPage(view, brand)
    case 'consent': return consentPage(view, brand)
    case 'logout': return logoutPage(view)
    case 'signed-out': return signedOutPage()
    case 'message': return messagePage(view)
    case 'signup': return signUpPage(view)
    case 'verify-email': return verifyEmailPage(view)
    case 'forgot': return forgotPage(view)
    case 'reset': return resetPage(view)
    case 'account-sign-in': return accountSignInPage(view)
    case 'account': return accountPage(view)
  }
}

/** The whole document of a view, under the configured theme (brand, colours, logo). */
export function renderPage(view: PageView, look: Theme = DEFAULT_THEME): Html {
  return document(page(view, look.name), look)
}
