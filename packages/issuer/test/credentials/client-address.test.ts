// The address a per-address limit counts (DESIGN.md: IPv6 by its /64), and
// its stored form: a keyed, fixed-size hash, never the address.
import t from 'tap'
import { randomBytes } from 'node:crypto'
import { addressBucket, addressHash } from '../../src/credentials/client-address.js'

t.test('IPv4 as it is, also IPv4-mapped; IPv6 by its /64 however it is written', async (t) => {
  t.equal(addressBucket('192.0.2.1'), '192.0.2.1')
  t.equal(addressBucket('::ffff:192.0.2.1'), '192.0.2.1')
  t.equal(addressBucket('::FFFF:192.0.2.1'), '192.0.2.1')
  t.equal(addressBucket('2001:db8:1:2::1'), '2001:db8:1:2::/64')
  t.equal(addressBucket('2001:0DB8:0001:0002:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64')
  t.equal(addressBucket('2001:db8::1'), '2001:db8:0:0::/64')
  t.equal(addressBucket('::1'), '0:0:0:0::/64')
  t.equal(addressBucket('fe80::1%eth0'), 'fe80:0:0:0::/64', 'a zone is dropped')
  t.equal(addressBucket('64:ff9b::192.0.2.1'), '64:ff9b:0:0::/64', 'an embedded IPv4 tail counts as two groups')
  t.not(addressBucket('2001:db8:1:2::1'), addressBucket('2001:db8:1:3::1'))
})

t.test('the stored form: 43 base64url characters, keyed, the same for one /64', async (t) => {
  const key = randomBytes(32)
  const h = addressHash(key, '2001:db8:1:2::1')
  t.match(h, /^[A-Za-z0-9_-]{43}$/)
  t.equal(addressHash(key, '2001:db8:1:2::abcd'), h)
  t.not(addressHash(randomBytes(32), '2001:db8:1:2::1'), h, 'another key, another hash: a copy of the database does not give addresses back')
  t.notMatch(h, /2001/)
})
