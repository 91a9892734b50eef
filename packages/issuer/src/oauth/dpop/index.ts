// DPoP proofs (RFC 9449) at any endpoint of the issuer: the proof checks
// (proof.ts), then the nonce when TESSERA_DPOP_NONCE is on (§8,
// nonces.ts), then the replay record (§11.1): a proof's jti is recorded
// only once everything else about it holds, and it is accepted once across
// every process and machine on the store. The token endpoint calls it with
// POST and its URL; UserInfo can call it with its method, its URL and the
// access token (`ath`).
import type { IssuerCore } from '../../core/types.js'
import { nonceAccepted } from './nonces.js'
import { checkProof, DpopFailure, PROOF_MAX_AGE_MS, PROOF_MAX_AHEAD_MS, ProofFailures, type CheckedProof, type ProofExpectations } from './proof.js'

export { currentNonce, nonceAccepted, NONCE_WINDOW_MS } from './nonces.js'
export { DPOP_ALGS, DpopFailure, MAX_JTI_LENGTH, ProofFailures, type CheckedProof, type DpopErrorCode, type ProofExpectations } from './proof.js'
export { isThumbprint, jwkThumbprint } from './thumbprint.js'

/**
 * Checks the request's `DPoP` header values (each one: more than one is
 * refused) against what the endpoint expects, honouring the nonce setting,
 * and records the proof's jti. Resolves to the proof, or to its failure.
 */
export async function verifyDpopProof(core: IssuerCore, values: readonly string[], expect: ProofExpectations): Promise<CheckedProof | DpopFailure> {
  const now = core.dpop.now()
  const proof = checkProof(values, expect, now)
  if (proof instanceof DpopFailure) return proof
  if (core.config.dpopNonce && !nonceAccepted(core.dpop.nonceKey, proof.nonce, now)) return ProofFailures.nonce
  // Kept while the proof's iat is acceptable anywhere: its window, and the clock skew allowed ahead.
  const recorded = await core.dpop.recordProof(proof.jti, proof.iat * 1000 + PROOF_MAX_AGE_MS + PROOF_MAX_AHEAD_MS)
  return recorded ? proof : ProofFailures.replayed
}
