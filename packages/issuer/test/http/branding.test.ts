// Branding (DESIGN.md "The account page, remembered consent, scope
// descriptions and branding"): the brand's name, accent colour and logo on
// every page; the logo route's headers (an SVG opened directly runs no
// script); the pages' CSP gains img-src 'self' only; bad settings stop
// `serve` with one line.
import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig } from '../../src/config.js'
import { ConfigError } from '../../src/domain/errors.js'
import { readLogo } from '../../src/config/logo.js'
import { AUTHORIZE, authorizeUrl, CookieJar, get, LOGOUT, pkce } from './fixtures/browser.js'
import { harness } from '../fixtures/harness.js'
import { runBinary, oneLine } from '../cli/fixtures/run.js'

const dir = t.testdir({})
const SVG = '<?xml version="1.0"?>\n<!-- logo -->\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>'
const svgPath = join(dir, 'logo.svg')
writeFileSync(svgPath, SVG)
const logo = readLogo(svgPath)
if (typeof logo === 'string') throw new Error(logo)

const h = await harness({ config: { brandName: 'Acme <Bookings>', brandColor: '#ffcc00', brandLogo: logo } })
t.teardown(() => h.close())
const app = await h.createClient({ name: 'App', grants: ['authorization_code'], redirectUris: ['https://app.example/cb'], scopes: ['read'] })

t.test('every page is headed by the brand name (escaped) and the logo, and uses the accent colour', async (t) => {
  const pages = [
    await get(h.app, new CookieJar(), authorizeUrl({ response_type: 'code', client_id: app.id, redirect_uri: 'https://app.example/cb', code_challenge: pkce().challenge, code_challenge_method: 'S256' })),
    await get(h.app, new CookieJar(), LOGOUT),
    await get(h.app, new CookieJar(), `${AUTHORIZE}?client_id=nope`),
  ]
  for (const page of pages) {
    t.match(page.body, /<div class="brand"><img src="\/oauth2\/assets\/logo" alt="">Acme &lt;Bookings&gt;<\/div>/)
    t.match(page.body, /--accent:#ffcc00;--on-accent:#000000/, 'black text on the yellow accent')
    const csp = String(page.headers['content-security-policy'])
    t.match(csp, /; img-src 'self'; /, "img-src 'self'")
    t.notMatch(csp, /img-src 'self' /, 'and nothing more')
  }
  t.notMatch(pages[0]!.body, />Tessera</, 'the default name is gone')
})

t.test('GET /oauth2/assets/logo: the file as read, its type, a day of caching, nosniff, a CSP that runs nothing', async (t) => {
  const res = await h.app.inject('/oauth2/assets/logo')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'image/svg+xml')
  t.equal(res.headers['cache-control'], 'public, max-age=86400')
  t.equal(res.headers['x-content-type-options'], 'nosniff')
  t.equal(res.headers['content-security-policy'], "default-src 'none'; style-src 'unsafe-inline'")
  t.equal(res.body, SVG)
})

t.test('without a logo there is no logo route and no image on the pages', async (t) => {
  const plain = await harness()
  t.teardown(() => plain.close())
  t.equal((await plain.app.inject('/oauth2/assets/logo')).statusCode, 404)
  const page = await get(plain.app, new CookieJar(), LOGOUT)
  t.notMatch(page.body, /<img/)
  t.match(page.body, /<div class="brand">Tessera<\/div>/)
})

t.test('the logo type comes from the bytes: PNG, JPEG, WebP, SVG; anything else, a missing or a larger file is refused in one line', async (t) => {
  const files: Record<string, Buffer> = {
    'a.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]),
    'a.jpg': Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]),
    'a.webp': Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]),
    'svg.png': Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
    'html.svg': Buffer.from('<html><svg/></html>'),
    'big.png': Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64 * 1024)]),
  }
  const at = t.testdir({})
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(at, name), bytes)
  const type = (name: string) => { const l = readLogo(join(at, name)); return typeof l === 'string' ? l : l.type }
  t.equal(type('a.png'), 'image/png')
  t.equal(type('a.jpg'), 'image/jpeg')
  t.equal(type('a.webp'), 'image/webp')
  t.equal(type('svg.png'), 'image/svg+xml', 'by the bytes, not the name')
  t.match(type('html.svg'), /is not a PNG, JPEG, WebP or SVG file/)
  t.match(type('big.png'), /more than 64 KiB/)
  t.match(type('missing.png'), /cannot read .*missing\.png/)
})

t.test('TESSERA_BRAND_COLOR must be #rrggbb; a bad logo or colour is one line from the configuration', async (t) => {
  const problems = (env: Record<string, string>) => {
    try { loadConfig(env, {}); return [] } catch (err) { if (err instanceof ConfigError) return err.problems; throw err }
  }
  t.same(loadConfig({ TESSERA_BRAND_COLOR: '#AABBCC', TESSERA_BRAND_NAME: 'Acme' }, {}).brandColor, '#aabbcc')
  for (const bad of ['red', '#abc', 'aabbcc', '#aabbccdd', '#gggggg']) {
    t.match(problems({ TESSERA_BRAND_COLOR: bad }), [/TESSERA_BRAND_COLOR must be a colour #rrggbb/], bad)
  }
  t.match(problems({ TESSERA_BRAND_LOGO: join(dir, 'none.png') }), [/TESSERA_BRAND_LOGO: cannot read/])
  t.match(problems({ TESSERA_BRAND_NAME: ' ' }), [/TESSERA_BRAND_NAME must not be empty/])
})

t.test('serve stops with one line on a bad colour or logo', async (t) => {
  for (const env of [{ TESSERA_BRAND_COLOR: 'blue' }, { TESSERA_BRAND_LOGO: join(dir, 'none.png') }] as Array<Record<string, string>>) {
    const res = await runBinary(['serve', '--db', join(t.testdir({}), 'x.db'), '--port', '0'], { env })
    t.not(res.code, 0, JSON.stringify(env))
    t.ok(oneLine(res.stderr), res.stderr)
    t.match(res.stderr, /TESSERA_BRAND_(COLOR|LOGO)/)
  }
})
