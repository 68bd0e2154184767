import { setTimeout as delay } from 'node:timers/promises'
import { workerData, type MessagePort } from 'node:worker_threads'
import pg from 'pg'
import type { BridgeFailure, BridgeReply, BridgeRequest, BridgeResult, BridgeStatement, BridgeWorkerData } from './bridge-protocol.js'
import { isConnectionError, isReadOnlyStatement } from './connection-errors.js'

const INT8_OID = 20
/** Waits before each attempt to reopen a lost connection: three attempts over about 2 s. */
const RECONNECT_DELAYS_MS = [0, 500, 1500]
/** Bound of one reopening attempt, so that all of them end well inside the bridge's bound of a request. */
const RECONNECT_TIMEOUT_MS = 5000

/** A failure the worker reports as data. */
class BridgeFailureError extends Error {
  constructor(readonly failure: BridgeFailure) {
    super(failure.message)
  }
}

/**
 * The worker side of the PostgreSQL state bridge: one `pg` client, one request at a time. The main
 * thread posts a request and blocks until the reply counter moves; this side posts the reply first,
 * then bumps the counter, so the reply is always there to be taken when the main thread wakes.
 * The worker writes nothing to stdout or stderr: everything it has to say travels in replies.
 */
export function runStateWorker(): void {
  const data = workerData as BridgeWorkerData
  const signal = new Int32Array(data.signal)
  const port: MessagePort = data.port
  const session = new Session(data)

  port.on('message', (message: { id: number; request: BridgeRequest }) => {
    void answer(message.id, message.request)
  })

  async function answer(id: number, request: BridgeRequest): Promise<void> {
    let reply: BridgeReply
    try {
      reply = { id, ok: true, results: await session.perform(request) }
    } catch (err) {
      reply = { id, ok: false, failure: toFailure(err, request.op === 'connect' ? 'connect' : 'query') }
    }
    port.postMessage(reply)
    Atomics.add(signal, 0, 1)
    Atomics.notify(signal, 0)
    if (request.op === 'close') port.close()
  }
}

/**
 * The worker's connection and what it can do with it.
 *
 * Reconnecting. A connection is known lost when the client reported an error while idle, or when a
 * statement failed with a connection-class error (see isConnectionError). The next query or batch
 * then first opens a new session (same init statements; a few attempts with a short backoff) and
 * answers `renewed` WITHOUT running the request: the session-level state of the old session (its
 * advisory locks) is gone, and the main thread must restore it before anything else runs. The bridge
 * does that and sends the request again; a request that never reached the old session is safe to send.
 *
 * Re-running a request the drop interrupted is another matter, since it may have committed. A failure
 * that lost the connection says `retryable` only when the request certainly did not commit:
 * - a batch whose BEGIN or statements failed: COMMIT was never sent, the server rolls the transaction
 *   back when the session ends; a batch that failed during COMMIT may or may not have committed: no;
 * - a lone SELECT outside a transaction: it changes nothing; any other lone statement: no;
 * - nothing inside a transaction opened with a lone BEGIN (migrations): that transaction died with its
 *   session, and the statements after it must not run on a new session outside it. The first request
 *   after the drop fails too (normally the caller's ROLLBACK), ending the transaction; the next reconnects.
 * The bridge sends a retryable request once more; everything else fails as before the reconnect.
 */
class Session {
  private client: pg.Client | null = null
  /** Why the connection is known to be gone; the next query or batch replaces it first. */
  private lost: Error | null = null
  private init: readonly string[] = []
  /** A transaction opened by a lone BEGIN is open on the current session. */
  private inTransaction = false
  private closed = false

  constructor(private readonly data: BridgeWorkerData) {}

  async perform(request: BridgeRequest): Promise<BridgeResult[]> {
    switch (request.op) {
      case 'connect':
        this.init = request.init
        this.client = await this.open(this.data.connectTimeoutMs)
        return []
      case 'query':
        await this.ready()
        return [await this.single(request.statement)]
      case 'batch':
        await this.ready()
        return this.batch(request.statements)
      case 'close':
        this.closed = true
        await this.client?.end().catch(() => undefined)
        this.client = null
        return []
    }
  }

  /** Replace a connection known to be lost; the request is then answered `renewed` and not run. */
  private async ready(): Promise<void> {
    if (this.closed) throw new BridgeFailureError({ kind: 'closed', message: 'the state connection is closed' })
    if (this.lost === null && this.client !== null) return
    const lost = this.lost ?? new Error('the state connection is not open')
    if (this.inTransaction) {
      this.inTransaction = false
      throw new BridgeFailureError({ ...toFailure(lost, 'query'), message: `the state connection was lost inside a transaction: ${describe(lost)}`, connectionLost: true })
    }
    await this.reopen(lost)
    throw new BridgeFailureError({ kind: 'renewed', message: 'the state connection was lost and a new session opened; the request was not run' })
  }

  private async reopen(lost: Error): Promise<void> {
    this.discard()
    let last: unknown = lost
    for (const wait of RECONNECT_DELAYS_MS) {
      if (wait > 0) await delay(wait)
      try {
        this.client = await this.open(Math.min(this.data.connectTimeoutMs, RECONNECT_TIMEOUT_MS))
        this.lost = null
        return
      } catch (err) {
        last = err
      }
    }
    // `lost` stays set: the next request tries again
    const failure = toFailure(last, 'connect')
    throw new BridgeFailureError({
      ...failure,
      kind: 'connect',
      message: `the connection was lost (${describe(lost)}) and ${RECONNECT_DELAYS_MS.length} attempts to reopen it failed: ${failure.message}`,
    })
  }

  /** Connect a new client and run the init statements on it. */
  private async open(timeoutMs: number): Promise<pg.Client> {
    // bigint columns (rows, bytes, ids) come back as numbers, not strings: they stay far below 2^53
    const types = { getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)) }
    const client = new pg.Client({ connectionString: this.data.connectionString, connectionTimeoutMillis: timeoutMs, types: types as pg.CustomTypesConfig })
    // a connection that drops while idle must not crash the worker: it is marked lost and the next request replaces it
    client.on('error', (err) => {
      if (client === this.client) this.lost ??= err
    })
    client.on('end', () => {
      if (client === this.client && !this.closed) this.lost ??= new Error('Connection terminated unexpectedly')
    })
    try {
      await client.connect()
    } catch (err) {
      await client.end().catch(() => undefined)
      throw new BridgeFailureError(toFailure(err, 'connect'))
    }
    try {
      for (const sql of this.init) await client.query(sql)
    } catch (err) {
      await client.end().catch(() => undefined)
      throw new BridgeFailureError(toFailure(err, 'query'))
    }
    return client
  }

  /** Drop the current client without waiting on its socket (it is dead already). */
  private discard(): void {
    const old = this.client
    this.client = null
    this.inTransaction = false
    void old?.end().catch(() => undefined)
  }

  private async single(statement: BridgeStatement): Promise<BridgeResult> {
    const sql = statement.sql.trim()
    const ends = /^(COMMIT|ROLLBACK|END|ABORT)\b/i.test(sql)
    if (ends) this.inTransaction = false
    const result = await this.run(statement, 0, !this.inTransaction && isReadOnlyStatement(sql))
    if (/^(BEGIN|START\s+TRANSACTION)\b/i.test(sql)) this.inTransaction = true
    return result
  }

  private async batch(statements: readonly BridgeStatement[]): Promise<BridgeResult[]> {
    const results: BridgeResult[] = []
    try {
      await this.run({ sql: 'BEGIN' }, 0, true)
      for (const [index, statement] of statements.entries()) results.push(await this.run(statement, index, true))
      // from here on the outcome of a dropped connection is unknown: COMMIT may have been applied
      await this.run({ sql: 'COMMIT' }, statements.length, false)
      return results
    } catch (err) {
      if (this.lost === null) await this.client?.query('ROLLBACK').catch(() => undefined)
      throw err
    }
  }

  /** Run one statement; `retryable` says whether it may be sent again should the connection drop under it. */
  private async run(statement: BridgeStatement, index: number, retryable: boolean): Promise<BridgeResult> {
    const client = this.client
    if (client === null) throw new BridgeFailureError({ kind: 'closed', message: 'the state connection is closed' })
    let result: pg.QueryResult
    try {
      result = await client.query(statement.sql, statement.params as unknown[] | undefined)
    } catch (err) {
      if (this.lost !== null || isConnectionError(err)) {
        this.lost ??= err instanceof Error ? err : new Error(describe(err))
        const message = `the state connection was lost: ${describe(err)}${retryable ? '' : '; the statement may or may not have taken effect'}`
        throw new BridgeFailureError({ ...toFailure(err, 'query'), message, index, connectionLost: true, ...(retryable ? { retryable: true } : {}) })
      }
      throw new BridgeFailureError({ ...toFailure(err, 'query'), index })
    }
    if (statement.expectRows === true && (result.rowCount ?? 0) === 0) {
      throw new BridgeFailureError({ kind: 'no-rows', message: 'the statement touched no row', index })
    }
    return { rows: result.rows as Record<string, unknown>[], rowCount: result.rowCount ?? 0 }
  }
}

/** A thrown value as a failure that survives postMessage: message, SQLSTATE or errno code, detail. */
function toFailure(err: unknown, kind: BridgeFailure['kind']): BridgeFailure {
  if (err instanceof BridgeFailureError) return err.failure
  const fields = (err ?? {}) as { code?: unknown; detail?: unknown }
  const message = describe(err)
  return {
    kind,
    message,
    ...(typeof fields.code === 'string' ? { code: fields.code } : {}),
    ...(typeof fields.detail === 'string' ? { detail: fields.detail } : {}),
  }
}

/** The message of an error; a refused connection to several addresses is an AggregateError with an empty one. */
function describe(err: unknown): string {
  if (err instanceof AggregateError && err.message === '') return err.errors.map(describe).join('; ')
  return err instanceof Error ? err.message || err.name : String(err)
}
