// GET /oauth2/assets/logo: the brand logo (TESSERA_BRAND_LOGO, read at
// start), with the file's type, cached a day, never sniffed, and under a
// CSP that runs nothing, so an SVG opened directly runs no script (DESIGN.md
// "The account page, remembered consent, scope descriptions and branding").
import type { FastifyInstance } from 'fastify'
import type { Logo } from '../../config/logo.js'
import { LOGO_PATH } from '../../oauth/paths.js'

export const LOGO_CSP = "default-src 'none'; style-src 'unsafe-inline'"

export async function logoRoute(app: FastifyInstance, options: { logo: Logo }): Promise<void> {
  const { logo } = options
  app.get(LOGO_PATH, async function brandLogo(_request, reply) {
    reply.header('content-type', logo.type)
    reply.header('cache-control', 'public, max-age=86400')
    reply.header('x-content-type-options', 'nosniff')
    reply.header('content-security-policy', LOGO_CSP)
    return reply.send(logo.bytes)
  })
}
