// Values from a request that go into log lines: each is logged only when
// it has the form of what it names (DESIGN.md), so a secret sent in the
// wrong field, or smuggled into another one, never reaches the log. Used
// by the token, revocation and UserInfo routes.
import { looksLikeClientId } from '../credentials/ids.js'
import { findGrant } from '../oauth/grants/index.js'

const INVALID = '(invalid)'

/** A client id of the issuer's form (`tc_` and 22 characters), else "(invalid)". */
export const loggedClientId = (id: string | undefined): string | undefined =>
  id === undefined ? undefined : looksLikeClientId(id) ? id : INVALID

/** A grant type the issuer knows, else "(invalid)". */
export const loggedGrantType = (grantType: string | undefined): string | undefined =>
  grantType === undefined ? undefined : findGrant(grantType) !== undefined ? grantType : INVALID
