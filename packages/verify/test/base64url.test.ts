// RFC 7515 §2 / RFC 4648 §5: only the canonical base64url spelling decodes.
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { decodeCanonical } from '../src/base64url.js'
import { respell } from './fixtures/malleate.js'

t.test('RFC 4648 §5: every canonical encoding decodes to its bytes', async (t) => {
  for (let n = 0; n <= 70; n++) {
    const bytes = randomBytes(n)
    const text = `..${bytes.toString('base64url')}..`
    t.same(decodeCanonical(text, 2, text.length - 2), bytes, `${n} bytes`)
  }
})

t.test('RFC 7515 §2: padding, +, /, other characters and non-zero trailing bits are refused', async (t) => {
  // 33 bytes (no unused bits) would admit no trailing-bit variant: use lengths with 4 and 2 unused bits.
  for (const segment of ['ab-cd_ef-gh_ij-kl_mnoA', 'ab-cd_ef-gh_ij-kl_mnopE']) {
    t.ok(decodeCanonical(segment, 0, segment.length), `${segment} is canonical`)
    for (const v of respell(segment)) {
      t.equal(decodeCanonical(v.value, 0, v.value.length), undefined, `${v.kind} (${segment.length % 4 === 2 ? 4 : 2} unused bits)`)
    }
  }
  t.equal(decodeCanonical('A', 0, 1), undefined, 'a lone character encodes no byte')
  t.equal(decodeCanonical('AAAAA', 0, 5), undefined, 'length % 4 === 1')
})
