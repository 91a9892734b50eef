// What both adapters accept: the verifier's options, or a verifier already
// made (to share one across apps), plus `passErrors`.
import type { VerifierOptions } from './options.js'
import { createVerifier, type Verifier } from './verifier.js'

export type AdapterOptions = (VerifierOptions | { verifier: Verifier }) & {
  /**
   * Hand rejections to the framework (`next(err)` in Express, a thrown error
   * in Fastify) instead of answering them. Default false.
   */
  passErrors?: boolean
}

export function adapterSetup(options: AdapterOptions): { verifier: Verifier; passErrors: boolean } {
  if (typeof options !== 'object' || options === null) throw new TypeError('@tessera/verify: options must be an object')
  const { passErrors = false, ...rest } = options as AdapterOptions & Record<string, unknown>
  if (typeof passErrors !== 'boolean') throw new TypeError('@tessera/verify: option "passErrors" must be a boolean')
  if ('verifier' in rest) {
    const { verifier, ...others } = rest as { verifier: Verifier }
    if (typeof verifier?.verifyRequest !== 'function') throw new TypeError('@tessera/verify: option "verifier" must be a verifier')
    const extra = Object.keys(others)
    if (extra.length > 0) throw new TypeError(`@tessera/verify: option "${extra[0]}" cannot be given with "verifier"`)
    return { verifier, passErrors }
  }
  return { verifier: createVerifier(rest as VerifierOptions), passErrors }
}
