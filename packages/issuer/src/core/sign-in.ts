// The sign-in page's state (RFC 6749 §4.1, RFC 9700 §4.2; DESIGN.md "The
// sign-in page"): the pending request the page answers travels sealed in
// its form (AES-256-GCM under a server key kept in the store, so every
// process opens it), holding its expiry and the hash of the browser's
// anti-CSRF cookie, so showing a page writes nothing and no number of
// strangers' page views can spoil another browser's page. A sealed request
// answered with a code is recorded (its hash, until the seal expires), so
// one page yields at most one code. Sessions behind the `tessera_session`
// cookie (each with a public OpenID Connect `sid`) are stored hashed; the
// codes the page issues are codes.ts.
import { hashOpaque, newOpaque, newPublicId } from '../credentials/opaque.js'
import { seal, unseal } from '../credentials/seal.js'
import type { AnsweredRequestStore, SessionStore } from '../store/types/index.js'
import type { AuthorizationRequest, Clock, SignedInUser, User } from '../domain/types.js'
import type { OpenedRequest, SignInService } from './types.js'

/** A sealed request expires with its page, 10 minutes after the GET (DESIGN.md). */
export const PENDING_REQUEST_TTL_MS = 10 * 60_000
/** The name of the server secret pending requests are sealed with. */
export const REQUEST_KEY_NAME = 'authorization-request-key'
/** The seal's additional data: a seal of anything else never opens as a request. */
const SEAL_PURPOSE = 'tessera authorization request v1'

/** What a seal holds. The request is the whole checked object, as JSON: fields added to it travel as they are. */
interface Sealed {
  expiresAt: number
  /** Hash of the anti-CSRF cookie of the browser that was shown the page. */
  binding: string
  request: AuthorizationRequest
}

/**
 * A page sealed before OpenID Connect arrived (its seal lives 10 minutes, so
 * it can be answered after an upgrade) held one prompt value or null and no
 * OpenID Connect fields: read it with their defaults.
 */
function withOidcDefaults(sealed: AuthorizationRequest): AuthorizationRequest {
  const held = sealed as Omit<AuthorizationRequest, 'prompt'> & { prompt: AuthorizationRequest['prompt'] | string | null }
  const prompt = Array.isArray(held.prompt) ? held.prompt
    : held.prompt === null ? [] : [held.prompt as AuthorizationRequest['prompt'][number]]
  return { ...held, prompt, nonce: held.nonce ?? null, maxAge: held.maxAge ?? null, loginHint: held.loginHint ?? null }
}

export class SignIn implements SignInService {
  constructor(
    private readonly sessions: SessionStore,
    private readonly answered: AnsweredRequestStore,
    private readonly clock: Clock,
    private readonly sessionTtlMs: () => number,
    private readonly requestKey: Buffer,
  ) {}

  sealRequest(request: AuthorizationRequest, binding: string): string {
    const content: Sealed = { expiresAt: this.clock() + PENDING_REQUEST_TTL_MS, binding, request }
    return seal(this.requestKey, SEAL_PURPOSE, Buffer.from(JSON.stringify(content), 'utf8'))
  }

  openRequest(sealed: string, binding: string): OpenedRequest | null {
    const plain = unseal(this.requestKey, SEAL_PURPOSE, sealed)
    if (plain === null) return null
    const content = JSON.parse(plain.toString('utf8')) as Sealed
    if (content.expiresAt <= this.clock() || content.binding !== binding) return null
    return { request: withOidcDefaults(content.request), expiresAt: content.expiresAt, hash: hashOpaque(sealed) }
  }

  async markAnswered(opened: OpenedRequest): Promise<boolean> {
    return this.answered.markAnswered({ hash: opened.hash, expiresAt: opened.expiresAt })
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
}
