import { RivetError, isRivetError } from '../../errors/index.js'
import { BridgeError } from './sync-bridge.js'
import { STATE_URL_ENV, scrubSecrets } from './state-url.js'

/** Where the state is, as messages may show it. */
export interface StateErrorContext {
  readonly location: string
  readonly secrets: readonly string[]
}

const SQLSTATE = /^[0-9A-Z]{5}$/
// lock_not_available, deadlock_detected, serialization_failure: another session holds what we need
const LOCK_STATES = new Set(['55P03', '40P01', '40001'])
const REACH_HINT = `check that the state database in ${STATE_URL_ENV} is running and reachable from this host, and its user, password and database name; unset ${STATE_URL_ENV} to keep the state in .rivet_state.db next to the config`
const PERMISSION_HINT = `the ${STATE_URL_ENV} user needs CREATE on the database (or a state schema made for it, with USAGE and CREATE) and rights on the tables in it; see docs/state.md`

/** Translate what the bridge threw into a RivetError naming the state database (never its password). */
export function toPgStateError(err: unknown, context: StateErrorContext, action: string): RivetError {
  if (isRivetError(err)) return err
  const failure = err instanceof BridgeError ? err.failure : { kind: 'query' as const, message: err instanceof Error ? err.message : String(err) }
  const message = scrubSecrets(failure.message, context.secrets)
  const code = failure.code
  const details: Record<string, unknown> = {
    location: context.location,
    action,
    ...(code !== undefined ? (SQLSTATE.test(code) ? { sqlState: code } : { code }) : {}),
    ...(failure.detail !== undefined ? { detail: scrubSecrets(failure.detail, context.secrets) } : {}),
  }
  const options = { details, cause: err }
  if (failure.kind === 'connect') {
    // a connection reopened in the middle of work names the call it was reopened for
    const during = action === 'open' ? '' : ` (${action})`
    return new RivetError('RIVET_STATE_ERROR', `cannot connect to the state database ${context.location}${during}: ${message}`, { ...options, hint: REACH_HINT })
  }
  if (failure.kind === 'timeout' || failure.kind === 'closed' || failure.kind === 'renewed' || failure.connectionLost === true || (code !== undefined && (code.startsWith('08') || code.startsWith('57P')))) {
    return new RivetError('RIVET_STATE_ERROR', `state database ${context.location}: ${action} failed: ${message}`, { ...options, hint: REACH_HINT })
  }
  if (code !== undefined && LOCK_STATES.has(code)) {
    return new RivetError('RIVET_STATE_LOCKED', `state database ${context.location} is locked (${action}): ${message}`, options)
  }
  if (code === '42501') {
    return new RivetError('RIVET_STATE_ERROR', `state database ${context.location}: ${action} failed: ${message}`, { ...options, hint: PERMISSION_HINT })
  }
  return new RivetError('RIVET_STATE_ERROR', `state database ${context.location}: ${action} failed: ${message}`, {
    ...options,
    hint: `the state database refused a statement${code !== undefined ? ` (SQLSTATE ${code})` : ''}; see the message`,
  })
}
