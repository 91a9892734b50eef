// The restaurant APIs' verifier options from their environment:
//   ISSUER     the issuer URL (required)
//   AUDIENCE   this API's identifier (required)
//   JWKS_URI   where the keys are (default: the issuer's /.well-known/jwks.json)
//   DPOP       allow (default): Bearer tokens and DPoP-bound tokens with their
//              proofs (RFC 9449 §7); require: DPoP only; off: Bearer only
//   DPOP_ORIGIN the origin clients call, e.g. https://api.example, which a
//              proof's `htu` must name (set it behind a proxy; default: the
//              scheme the request arrived on and its Host header)

const MODES = { allow: 'allow', require: 'require', off: false }

/** The options for @tessera/verify, or throws an Error whose message says what to set. */
export function verifyOptionsFromEnv(env) {
  const { ISSUER, AUDIENCE, JWKS_URI, DPOP = 'allow', DPOP_ORIGIN } = env
  if (!ISSUER || !AUDIENCE) throw new Error('set ISSUER (the issuer URL) and AUDIENCE (this API\'s identifier)')
  if (!Object.hasOwn(MODES, DPOP)) throw new Error(`DPOP must be allow, require or off, not "${DPOP}"`)
  const mode = MODES[DPOP]
  return {
    issuer: ISSUER,
    audience: AUDIENCE,
    ...(JWKS_URI && { jwksUri: JWKS_URI }),
    dpop: mode === false ? false : { mode, ...(DPOP_ORIGIN && { origin: DPOP_ORIGIN }) },
  }
}
