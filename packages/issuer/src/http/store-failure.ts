// A database failure met while answering (DESIGN.md: a 503, never a 500):
// counted for the metrics and logged once for the operator, with the
// store's message only (never a query, a value or a stack).
import type { FastifyBaseLogger } from 'fastify'
import type { StoreUnavailableError } from '../domain/errors.js'
import type { IssuerCore } from '../core/types.js'

export function reportStoreFailure(core: IssuerCore, log: FastifyBaseLogger, err: StoreUnavailableError): void {
  core.observer.databaseError()
  log.error({ err: { message: err.message } }, 'database unavailable')
}
