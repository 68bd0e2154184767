/** Messages between the PostgreSQL state store (main thread) and its worker, which owns the `pg` client. */
import type { MessagePort } from 'node:worker_threads'

/** One SQL statement with positional parameters ($1, $2...). */
export interface BridgeStatement {
  readonly sql: string
  readonly params?: readonly unknown[]
  /** Abort (and roll back) the batch when this statement touches no row. */
  readonly expectRows?: boolean
}

/** What the worker is asked to do. */
export type BridgeRequest =
  | { readonly op: 'connect'; readonly init: readonly string[] }
  | { readonly op: 'query'; readonly statement: BridgeStatement }
  /** Statements run in order inside BEGIN..COMMIT; any error rolls the whole batch back. */
  | { readonly op: 'batch'; readonly statements: readonly BridgeStatement[] }
  | { readonly op: 'close' }

/** The result of one statement. */
export interface BridgeResult {
  readonly rows: Record<string, unknown>[]
  readonly rowCount: number
}

/** Why a request failed, as data (an Error instance would lose its fields crossing the thread). */
export interface BridgeFailure {
  /**
   * connect: no session (also: the lost connection could not be reopened); query: the server or driver
   * refused a statement; no-rows: an expectRows statement touched nothing; closed: the bridge or its
   * connection is gone; timeout: no answer in time; renewed: the lost connection was replaced by a new
   * session and the request was NOT run (the bridge re-takes the session's locks, then sends it again).
   */
  readonly kind: 'connect' | 'query' | 'no-rows' | 'closed' | 'timeout' | 'renewed'
  readonly message: string
  /** The connection dropped while the request ran: the next request opens a new session. */
  readonly connectionLost?: boolean
  /** With connectionLost: the request certainly did not commit, so sending it once more is safe. */
  readonly retryable?: boolean
  /** SQLSTATE of a server error, or the driver's error code (ECONNREFUSED...). */
  readonly code?: string
  readonly detail?: string
  /** Index of the failing statement in a batch. */
  readonly index?: number
}

/** The worker's answer to one request. */
export type BridgeReply =
  | { readonly id: number; readonly ok: true; readonly results: BridgeResult[] }
  | { readonly id: number; readonly ok: false; readonly failure: BridgeFailure }

/** What the worker is started with. */
export interface BridgeWorkerData {
  /** Int32 slot 0 counts replies: the worker bumps it and notifies after posting each reply. */
  readonly signal: SharedArrayBuffer
  readonly port: MessagePort
  readonly connectionString: string
  readonly connectTimeoutMs: number
}
