// Token ids (`jti`, RFC 7519 §4.1.7: "assigned in a manner that ensures that
// there is a negligible probability that the same value will be accidentally
// assigned to a different data object"), drawn from a refilled random pool.
import t from 'tap'
import { newTokenId } from '../../src/credentials/ids.js'

t.test('jti: 128 random bits each, unique across many refills of the pool', async (t) => {
  const count = 5000 // about 20 refills of the 4 KiB pool
  const ids = Array.from({ length: count }, newTokenId)
  t.same(ids.filter((id) => !/^[A-Za-z0-9_-]{22}$/.test(id) || Buffer.from(id, 'base64url').length !== 16), [], 'every id is 16 bytes of base64url')
  t.equal(new Set(ids).size, count, 'no token id repeats')
})
