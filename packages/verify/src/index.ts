export { createVerifier, type Verifier, type VerifiableRequest } from './verifier.js'
export type { VerifierOptions, JsonWebKeySet } from './options.js'
export type { DpopOption, DpopMode, DpopObjectOption, ReplayStore } from './dpop-options.js'
export type { ResourceMetadataOption, ProtectedResource } from './resource-metadata.js'
export type { AccessTokenClaims, VerifyCallOptions } from './types.js'
export type { WarmupResult } from './jwks-cache.js'
export type { VerifierEvent, JwksRefreshEvent, JwksErrorEvent } from './events.js'
export type { AlgorithmName, AlgorithmOption } from './algorithms.js'
export { extractToken, type RequestLike, type HeadersLike, type ExtractOptions } from './extract-token.js'
export type { WebRequestLike } from './web-request.js'
export { renderError, type RenderedError, type Renderable } from './render.js'
export { hasScope, hasScopes, grantedScopes } from './scopes.js'
export {
  VerifyError,
  NoTokenError,
  InvalidTokenError,
  InsufficientScopeError,
  InvalidRequestError,
  JwksUnavailableError,
  InvalidDpopProofError,
  ReplayCheckUnavailableError,
  isVerifyError,
  type ErrorInit,
  type VerifyErrorCode,
  type ErrorBody,
} from './errors.js'
