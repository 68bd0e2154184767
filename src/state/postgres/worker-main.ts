import { workerData, type MessagePort } from 'node:worker_threads'
import pg from 'pg'
import type { BridgeFailure, BridgeReply, BridgeRequest, BridgeResult, BridgeStatement, BridgeWorkerData } from './bridge-protocol.js'

const INT8_OID = 20

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

/** The worker's connection and what it can do with it. */
class Session {
  private client: pg.Client | null = null
  private lost: Error | null = null

  constructor(private readonly data: BridgeWorkerData) {}

  async perform(request: BridgeRequest): Promise<BridgeResult[]> {
    switch (request.op) {
      case 'connect':
        await this.connect(request.init)
        return []
      case 'query':
        return [await this.run(request.statement, 0)]
      case 'batch':
        return this.batch(request.statements)
      case 'close':
        await this.client?.end().catch(() => undefined)
        this.client = null
        return []
    }
  }

  private async connect(init: readonly string[]): Promise<void> {
    // bigint columns (rows, bytes, ids) come back as numbers, not strings: they stay far below 2^53
    const types = { getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)) }
    const client = new pg.Client({ connectionString: this.data.connectionString, connectionTimeoutMillis: this.data.connectTimeoutMs, types: types as pg.CustomTypesConfig })
    // an idle connection that drops must not crash the worker; the next request reports it
    client.on('error', (err) => {
      this.lost = err
    })
    try {
      await client.connect()
    } catch (err) {
      await client.end().catch(() => undefined)
      throw new BridgeFailureError(toFailure(err, 'connect'))
    }
    this.client = client
    for (const sql of init) await this.run({ sql }, 0)
  }

  private async batch(statements: readonly BridgeStatement[]): Promise<BridgeResult[]> {
    const results: BridgeResult[] = []
    await this.run({ sql: 'BEGIN' }, 0)
    try {
      for (const [index, statement] of statements.entries()) results.push(await this.run(statement, index))
      await this.run({ sql: 'COMMIT' }, statements.length)
      return results
    } catch (err) {
      await this.client?.query('ROLLBACK').catch(() => undefined)
      throw err
    }
  }

  private async run(statement: BridgeStatement, index: number): Promise<BridgeResult> {
    if (this.client === null) throw new BridgeFailureError({ kind: 'closed', message: 'the state connection is closed' })
    if (this.lost !== null) throw new BridgeFailureError({ ...toFailure(this.lost, 'query'), message: `the state connection was lost: ${this.lost.message}` })
    let result: pg.QueryResult
    try {
      result = await this.client.query(statement.sql, statement.params as unknown[] | undefined)
    } catch (err) {
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
