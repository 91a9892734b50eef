// What `serve` says at start-up, in one process or as a cluster's primary:
// warnings an operator should see before traffic arrives, and the ready line.
import { resolve } from 'node:path'
import type { FastifyBaseLogger } from 'fastify'
import { isLoopbackHost } from '../config.js'
import type { IssuerConfig } from '../config.js'
import { isPostgresUrl, redactUrl } from '../domain/store-location.js'
import { JWKS_PATH } from '../http/routes/jwks.js'
import { METADATA_PATH } from '../http/routes/metadata.js'

const DEFAULT_DB = 'data/tessera.db'

/** Warnings at start-up, one line each: what an operator should know before traffic arrives. */
export function startupWarnings(config: IssuerConfig): string[] {
  const warnings: string[] = []
  if (config.keyEncryptionKey === null) {
    warnings.push('private signing keys are stored unencrypted in the database: set TESSERA_KEY_ENCRYPTION_KEY (or --key-encryption-key-file) to encrypt them (AES-256-GCM)')
  }
  const host = config.host.replace(/^\[(.*)\]$/, '$1')
  if (!isLoopbackHost(host) && host !== '::1' && isLoopbackHost(new URL(config.issuer).hostname)) {
    warnings.push(`listening on ${config.host} (beyond this machine) while the issuer is ${config.issuer}, a loopback origin: ` +
      'tokens carry that iss and remote verifiers cannot reach its JWKS; set TESSERA_ISSUER to the public https origin (behind a TLS-terminating proxy)')
  }
  return warnings
}

/** The one ready line: scripts and tests wait for a JSON line with `url`. */
export function logReady(log: Pick<FastifyBaseLogger, 'info'>, config: IssuerConfig, url: string, extra: Record<string, unknown>): void {
  // Never a database password in the log: a PostgreSQL URL is shown without it.
  const dbFlag = isPostgresUrl(config.dbPath) ? ` --db ${redactUrl(config.dbPath)}`
    : resolve(config.dbPath) === resolve(DEFAULT_DB) ? '' : ` --db ${config.dbPath}`
  log.info(
    { url, issuer: config.issuer, jwks_uri: url + JWKS_PATH, metadata: url + METADATA_PATH, ...extra },
    `Tessera issuer listening on ${url} (issuer ${config.issuer}). ` +
      `JWKS: ${url}${JWKS_PATH}; metadata: ${url}${METADATA_PATH}. ` +
      `Create the first client: npx tessera-issuer client create${dbFlag} --name demo ` +
      `--grant client_credentials --scope read --audience https://api.example`,
  )
}
