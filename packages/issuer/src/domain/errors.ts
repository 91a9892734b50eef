// Errors meant for the operator or the admin CLI: each has a stable `code`
// so that callers switch on it, never on a message.

/**
 * Wrong configuration: a malformed variable or flag, or a key encryption key
 * that is wrong, malformed or missing for an encrypted database. Each entry
 * of `problems` is one line meant for the operator; `message` joins them.
 */
export class ConfigError extends Error {
  readonly code = 'config'
  readonly problems: readonly string[]
  constructor(problems: string | readonly string[]) {
    const list = typeof problems === 'string' ? [problems] : [...problems]
    super(list.join('\n'))
    this.name = 'ConfigError'
    this.problems = list
  }
}

/** A value given to an admin operation is not acceptable (bad scope, audience, ttl, ...). */
export class InvalidInputError extends Error {
  readonly code = 'invalid_input'
  constructor(message: string) {
    super(message)
    this.name = 'InvalidInputError'
  }
}

/** The client, user or key named does not exist. */
export class NotFoundError extends Error {
  readonly code = 'not_found'
  constructor(message: string) {
    super(message)
    this.name = 'NotFoundError'
  }
}

/** The change conflicts with the current state (e.g. a username already taken). */
export class ConflictError extends Error {
  readonly code = 'conflict'
  constructor(message: string) {
    super(message)
    this.name = 'ConflictError'
  }
}

/**
 * The database cannot be used right now (down, unreachable, read-only, its
 * file gone or replaced, ...). The HTTP layer answers 503 with Retry-After;
 * `message` is for the operator's log, never for a client.
 */
export class StoreUnavailableError extends Error {
  readonly code = 'store_unavailable'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'StoreUnavailableError'
  }
}

/**
 * Thrown by `checkUserPassword` when too many argon2 computations are in
 * flight and queued: the HTTP layer answers 503 with `Retry-After`.
 */
export class BusyError extends Error {
  readonly code = 'busy'
  constructor(readonly retryAfter: number) {
    super('too many password checks in flight')
    this.name = 'BusyError'
  }
}
