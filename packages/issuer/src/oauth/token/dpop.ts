// Step of the token pipeline: the request's DPoP proof (RFC 9449 §5),
// checked once the client is known and before the grant spends anything
// (a code, a refresh token): a bad proof is 400 invalid_dpop_proof, a
// missing or stale nonce 400 use_dpop_nonce, and nothing is spent. Without
// a proof the answer is a Bearer token, except for a client registered
// with `--dpop` (dpop_bound_access_tokens): invalid_request, whatever the grant.
import type { Client, ProofKey } from '../../domain/types.js'
import type { IssuerCore } from '../../core/types.js'
import { verifyDpopProof, DpopFailure } from '../dpop/index.js'
import { Errors, OAuthError } from '../errors.js'
import { TOKEN_PATH } from '../paths.js'

/** Each failure's answer, made once (the error path allocates nothing). */
const answers = new Map<DpopFailure, OAuthError>()

function answer(failure: DpopFailure): OAuthError {
  let error = answers.get(failure)
  if (error === undefined) {
    error = new OAuthError(failure.error, 400, failure.description)
    answers.set(failure, error)
  }
  return error
}

/** The proof's key thumbprint, null without a proof, or the error to answer. */
export async function checkTokenProof(core: IssuerCore, client: Client, proofs: readonly string[]): Promise<ProofKey | OAuthError> {
  if (proofs.length === 0) return client.dpopBoundAccessTokens ? Errors.dpopRequired : null
  // htu from the issuer identifier, never from Host or X-Forwarded-* (RFC 9449 §4.3 item 9).
  const proof = await verifyDpopProof(core, proofs, { htm: 'POST', htu: core.config.issuer + TOKEN_PATH })
  return proof instanceof DpopFailure ? answer(proof) : proof.jkt
}
