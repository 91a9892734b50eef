// What DPoP (RFC 9449) needs of the core: the server secret nonces are
// made under (§8; kept in the store like the other server secrets, so
// every process makes and honours the same nonces), the core's clock, and
// the record of proofs seen (§11.1), shared by every process and machine
// on the store. The proof checks themselves are the protocol's
// (oauth/dpop/).
import { createHash } from 'node:crypto'
import type { DpopProofStore } from '../store/types/index.js'
import type { Clock } from '../domain/types.js'
import type { DpopService } from './types.js'

/** The name of the server secret DPoP nonces are made under. */
export const DPOP_NONCE_KEY_NAME = 'dpop-nonce-key'

export class DpopState implements DpopService {
  constructor(
    private readonly proofs: DpopProofStore,
    private readonly clock: Clock,
    readonly nonceKey: Buffer,
  ) {}

  now(): number {
    return this.clock()
  }

  recordProof(jti: string, expiresAt: number): Promise<boolean> {
    // A hash of the jti, never the jti itself: fixed size whatever the client sent.
    return this.proofs.record(createHash('sha256').update(jti).digest('base64url'), expiresAt, this.clock())
  }
}
