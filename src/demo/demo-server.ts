import { createServer, type Server } from 'node:net'
import { PGlite } from '@electric-sql/pglite'
import { RivetError } from '../errors/index.js'
import { ConnectionGate } from './connection-gate.js'

/** Caller input of startDemoServer. */
export interface DemoServerOptions {
  /** Directory of a persistent database; default: in memory, gone when the server stops. */
  readonly dataDir?: string
  /** Receives one line per connection event and the start-up time. */
  readonly log?: (line: string) => void
  /** How long a second concurrent connection waits before it is refused (default 30 s). */
  readonly waitTimeoutMs?: number
}

/** A running demo server. */
export interface DemoServer {
  /** `postgresql://postgres@127.0.0.1:PORT/postgres`. */
  readonly url: string
  readonly port: number
  /** Close every connection, stop listening and close the database. Safe to call twice. */
  stop(): Promise<void>
}

const DEFAULT_WAIT_TIMEOUT_MS = 30_000

/**
 * Start an embedded PostgreSQL (PGlite, PostgreSQL 18 in WebAssembly) on 127.0.0.1 at an
 * ephemeral port, for `rivet demo`. Needs nothing but Node.
 *
 * What a client must know:
 * - PGlite has exactly one user and one database. Any user name, database name and password
 *   are accepted (no authentication), and the session is always user `postgres` in database
 *   `postgres`; the URL names them so it reads like any other.
 * - PGlite is ONE backend session, so the server serves ONE connection at a time. A second
 *   connection opened while one is open is accepted by TCP but waits, unanswered, until the
 *   first closes (then it is served), or is refused after `waitTimeoutMs` with SQLSTATE 53300.
 *   Clients must therefore open connections one after another (close the introspection client
 *   before opening the extraction one; no pool that keeps an idle client open).
 * - Sequential connections work: a connection may open the moment the previous socket is
 *   closed, even before the server noticed it. Each starts from a clean session (ROLLBACK,
 *   DISCARD ALL); startup parameters (TimeZone, DateStyle, extra_float_digits,
 *   application_name, `options=-c ...`) are applied.
 * - Everything Rivet's extraction uses works: REPEATABLE READ READ ONLY transactions,
 *   SET LOCAL, pg_relation_size, ctid range predicates, COPY ... TO STDOUT (FORMAT binary),
 *   DECLARE CURSOR with extended-protocol FETCH in binary format. No TLS (SSLRequest gets 'N');
 *   a CancelRequest is closed at once (PGlite blocks the event loop while a statement runs, so
 *   none is running when it is read). COPY FROM STDIN is not supported. pg_export_snapshot()
 *   works but no second session can import it, and `max_connections` still reports 100.
 * - A statement's whole result is produced in one PGlite call and buffered for the socket, so
 *   bounded chunks (ctid ranges, FETCH n) keep memory bounded; one big COPY would not.
 *
 * Why not PGLiteSocketServer from @electric-sql/pglite-socket 0.2.17: with its default
 * maxConnections 1 a second concurrent connection is dropped without an error message (node-postgres
 * reports "Connection terminated unexpectedly"); its slot is released one event-loop turn after
 * the socket closes, so a client that sends Terminate and reconnects at once is dropped too (25 of
 * 50 fast reconnects in a test); raising maxConnections interleaves the messages of different
 * clients in the one session, which breaks the unnamed statements and portals of the extended
 * protocol; startup parameters are ignored and one connection's SET, prepared statements and
 * cursors leak into the next; and its query queue stays blocked for good once a PGlite call
 * throws. This server keeps its framing approach (raw messages into execProtocolRawStream) and
 * adds the gate, the session reset and the startup parameters.
 */
export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const log = options.log ?? (() => undefined)
  const startedAt = performance.now()
  const db = await openDatabase(options.dataDir)
  const gate = new ConnectionGate(db, log, options.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS)
  const server = createServer((socket) => gate.offer(socket))
  let port: number
  try {
    port = await listen(server)
  } catch (err) {
    await db.close()
    throw new RivetError('RIVET_DEMO', `the demo server could not listen on 127.0.0.1: ${(err as Error).message}`, { cause: err })
  }
  log(`embedded PostgreSQL (PGlite) ready on 127.0.0.1:${port} in ${Math.round(performance.now() - startedAt)} ms`)
  let stopping: Promise<void> | undefined
  const stop = (): Promise<void> => (stopping ??= shutdown(server, gate, db))
  return { url: `postgresql://postgres@127.0.0.1:${port}/postgres`, port, stop }
}

async function openDatabase(dataDir: string | undefined): Promise<PGlite> {
  try {
    return await PGlite.create(dataDir === undefined ? {} : { dataDir })
  } catch (err) {
    const where = dataDir === undefined ? 'in memory' : `in ${dataDir}`
    throw new RivetError('RIVET_DEMO', `the embedded PostgreSQL (PGlite) could not start ${where}: ${(err as Error).message}`, {
      cause: err,
      details: { dataDir: dataDir ?? null },
    })
  }
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      const address = server.address()
      if (address === null || typeof address === 'string') reject(new Error('no TCP address'))
      else resolve(address.port)
    })
  })
}

async function shutdown(server: Server, gate: ConnectionGate, db: PGlite): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()))
  await gate.close()
  await closed
  await db.close()
}
