// The sign-in page's state, kept server-side and hashed (RFC 6749 §4.1,
// RFC 9700 §4.2): the pending requests the page answers, the sign-in
// sessions behind the `tessera_session` cookie, and the codes it issues.
import { hashOpaque, newOpaque, newPublicId } from '../credentials/opaque.js'
import type { SessionStore } from '../store/types/index.js'
import type { AuthorizationRequest, Clock, SignedInUser, User } from '../domain/types.js'
import type { SignInService } from './types.js'

/** A pending request expires with its page (DESIGN.md). */
export const PENDING_REQUEST_TTL_MS = 10 * 60_000
/** At most this many pending requests are kept; beyond, the oldest go (a flood of GETs cannot grow the database). */
export const PENDING_REQUEST_CAP = 10_000
/** RFC 6749 §4.1.2: a short lifetime; DESIGN.md: 60 s. */
export const CODE_TTL_MS = 60_000

export class SignIn implements SignInService {
  constructor(
    private readonly sessions: SessionStore,
    private readonly clock: Clock,
    private readonly sessionTtlMs: () => number,
  ) {}

  async holdRequest(request: AuthorizationRequest): Promise<string> {
    const reference = newOpaque()
    const now = this.clock()
    await this.sessions.insertPending({
      idHash: hashOpaque(reference), clientId: request.clientId, params: JSON.stringify(request),
      createdAt: now, expiresAt: now + PENDING_REQUEST_TTL_MS,
    }, PENDING_REQUEST_CAP)
    return reference
  }

  async pendingRequest(reference: string): Promise<AuthorizationRequest | null> {
    const row = await this.sessions.getPending(hashOpaque(reference), this.clock())
    if (!row) return null
    // A request held before this version had one prompt value (or null) and no OpenID Connect fields.
    const held = JSON.parse(row.params) as Omit<AuthorizationRequest, 'prompt'> & { prompt: AuthorizationRequest['prompt'] | string | null }
    const prompt = Array.isArray(held.prompt) ? held.prompt : held.prompt === null ? [] : [held.prompt as AuthorizationRequest['prompt'][number]]
    return { ...held, prompt, nonce: held.nonce ?? null, maxAge: held.maxAge ?? null, loginHint: held.loginHint ?? null }
  }

  async dropRequest(reference: string): Promise<boolean> {
    return this.sessions.deletePending(hashOpaque(reference))
  }

  async startSession(user: User, authTime?: number): Promise<{ id: string; expiresAt: number; authTime: number; sid: string }> {
    const id = newOpaque()
    // OpenID Connect `sid`: random on its own, so that it tells nothing of the cookie value.
    const sid = newPublicId()
    const now = this.clock()
    const signedInAt = authTime ?? now
    const expiresAt = now + this.sessionTtlMs()
    await this.sessions.insertSession({ idHash: hashOpaque(id), userId: user.id, authTime: signedInAt, sid, createdAt: now, expiresAt })
    return { id, expiresAt, authTime: signedInAt, sid }
  }

  async session(id: string): Promise<SignedInUser | null> {
    const found = await this.sessions.getSession(hashOpaque(id), this.clock())
    if (!found) return null
    const s = found.session
    return { userId: s.userId, username: found.username, scopes: found.scopes, authTime: s.authTime, sid: s.sid }
  }

  async endSession(id: string): Promise<void> {
    await this.sessions.deleteSession(hashOpaque(id))
  }

  async issueCode(request: AuthorizationRequest, user: SignedInUser, scopes: string[]): Promise<string> {
    const code = newOpaque()
    const now = this.clock()
    await this.sessions.insertCode({
      hash: hashOpaque(code), clientId: request.clientId, userId: user.userId, redirectUri: request.redirectUriSent,
      codeChallenge: request.codeChallenge, scopes, audience: request.audience, authTime: user.authTime,
      nonce: request.nonce, sid: user.sid, createdAt: now, expiresAt: now + CODE_TTL_MS, spentAt: null,
    })
    return code
  }
}
