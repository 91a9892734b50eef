// application/x-www-form-urlencoded decoding that keeps repeated keys
// visible (RFC 6749 §3.2, Appendix B) and HTTP Basic client credentials
// form-decoded after base64 (RFC 6749 §2.3.1, RFC 7617 §2).
import t from 'tap'
import { MALFORMED_BASIC, NOT_BASIC, parseBasic } from '../../src/oauth/basic-auth.js'
import { parseForm } from '../../src/oauth/form.js'

t.test('repeated keys keep every value, in order', async (t) => {
  const { params, malformed } = parseForm('a=1&b=2&a=3&a=4')
  t.equal(malformed, false)
  t.same(params.a, ['1', '3', '4'])
  t.equal(params.b, '2')
})

t.test('empty values and empty pairs are dropped: sent without a value is omitted (RFC 6749 §3.2)', async (t) => {
  const { params } = parseForm('a=&b&&c=1&=x&')
  t.same(Object.keys(params), ['c'])
})

t.test('+ is a space and %XX is UTF-8, in names and values', async (t) => {
  const { params } = parseForm('na%6De=caf%C3%A9+au+lait&x=%2B%26%3D')
  t.equal(params.name, 'café au lait')
  t.equal(params.x, '+&=')
})

t.test('invalid percent-encoding marks the body malformed', async (t) => {
  t.equal(parseForm('a=%zz').malformed, true)
  t.equal(parseForm('a=%C3').malformed, true, 'truncated UTF-8')
})

t.test('names such as __proto__ are plain keys', async (t) => {
  const { params } = parseForm('__proto__=x&constructor=y')
  t.equal(params['__proto__'], 'x')
  t.equal(params.constructor, 'y')
})

t.test('Basic credentials: split at the first colon, then each form-decoded (RFC 6749 §2.3.1)', async (t) => {
  const b64 = (s: string) => 'Basic ' + Buffer.from(s).toString('base64')
  t.same(parseBasic(b64('id:se:cret')), { id: 'id', secret: 'se:cret' })
  t.same(parseBasic(b64('my%20id:a+b%2Bc%3A')), { id: 'my id', secret: 'a b+c:' })
  t.same(parseBasic(b64('id:')), { id: 'id', secret: '' }, 'an empty secret is well-formed (and fails authentication)')
  t.same(parseBasic('basic ' + Buffer.from('id:s').toString('base64')), { id: 'id', secret: 's' })
  t.equal(parseBasic('Bearer x'), NOT_BASIC)
  t.equal(parseBasic('Basicx'), NOT_BASIC)
  for (const bad of ['Basic', 'Basic !!', b64('nocolon'), b64(':nosecret-id'), b64('a%zz:b')]) {
    t.equal(parseBasic(bad), MALFORMED_BASIC, bad)
  }
})
