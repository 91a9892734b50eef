// DPoP (RFC 9449) for the examples' apps, with jose: a key pair made when
// the app starts and kept in memory only (the private key is not even
// extractable), and a fresh proof signed with it for every request (§4.2).
// Tokens the issuer binds to this key (`cnf.jkt`, §6) work only with proofs
// from it: a copy of the token without the key is useless.
import { createHash, randomUUID } from 'node:crypto'
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose'

/**
 * A DPoP key of the app's own: `thumbprint` (RFC 7638, the token's
 * `cnf.jkt` and the authorization request's `dpop_jkt`), `proof(method,
 * url, accessToken?)` and `fetch(url, init, accessToken?)`, which sends one
 * request with its proof and, told to use a nonce (§8, §9), once more with it.
 */
export async function createDpopKey(alg = 'ES256') {
  const { publicKey, privateKey } = await generateKeyPair(alg)
  const jwk = await exportJWK(publicKey)
  const thumbprint = await calculateJwkThumbprint(jwk, 'sha256')
  const nonces = new Map() // origin -> the last DPoP-Nonce it sent

  /** §4.2: the proof JWT for one request; `ath` binds it to the access token it accompanies (§7.1). */
  async function proof(method, url, accessToken) {
    const target = new URL(url)
    const claims = {
      jti: randomUUID(),
      htm: method,
      // §4.2: the URL without query and fragment.
      htu: `${target.origin}${target.pathname}`,
      ...(accessToken && { ath: createHash('sha256').update(accessToken).digest('base64url') }),
      ...(nonces.has(target.origin) && { nonce: nonces.get(target.origin) }),
    }
    return new SignJWT(claims).setProtectedHeader({ typ: 'dpop+jwt', alg, jwk }).setIssuedAt().sign(privateKey)
  }

  /** One request with a proof (and `Authorization: DPoP` when `accessToken` is given); retried once with a nonce when asked. */
  async function dpopFetch(url, init = {}, accessToken) {
    const method = init.method ?? 'GET'
    const send = async () => {
      const headers = { ...init.headers, dpop: await proof(method, url, accessToken) }
      if (accessToken) headers.authorization = `DPoP ${accessToken}`
      const res = await fetch(url, { ...init, method, headers })
      const nonce = res.headers.get('dpop-nonce')
      if (nonce) nonces.set(new URL(url).origin, nonce)
      return res
    }
    const res = await send()
    return (await askedForNonce(res)) ? send() : res
  }

  return { alg, thumbprint, proof, fetch: dpopFetch }
}

/** §8 (the token endpoint: 400 `use_dpop_nonce`) and §9 (a resource: 401 with `error="use_dpop_nonce"`). */
async function askedForNonce(res) {
  if (!res.headers.has('dpop-nonce')) return false
  if (res.status === 401) return /error="use_dpop_nonce"/.test(res.headers.get('www-authenticate') ?? '')
  if (res.status !== 400) return false
  const body = await res.clone().json().catch(() => ({}))
  return body.error === 'use_dpop_nonce'
}
