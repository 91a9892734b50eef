// How the bench configures our own packages, in one place: options that
// depend on what @tessera/verify and @tessera/issuer offer.

/**
 * Extra createVerifier options: with cache false, the verified-token cache
 * explicitly off (so the no-cache rows measure full verification); with
 * cache true, the cache on, or null when the library has no such option.
 */
export function tesseraVerifyOptions({ cache }) {
  return cache ? null : {}
}
