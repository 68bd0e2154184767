import net from 'node:net'
import tls from 'node:tls'
import mysql, { type Connection as CoreConnection } from 'mysql2'
import type { Connection, ConnectionOptions, SslOptions } from 'mysql2/promise'
import { RivetError } from '../../errors/index.js'
import type { SourceConnectParams } from '../../plan/export-plan.js'
import { classifyMysqlError } from './classify.js'

/** An open MySQL/MariaDB connection and how to close it. */
export interface MysqlSession {
  /** The mysql2 promise connection, for control queries and the reader. */
  readonly connection: Connection
  /** "host:port", for messages. */
  readonly endpoint: string
  /** Whether the connection runs over TLS (with `prefer`, false when the server offered none). */
  readonly tls: boolean
  /** Close the connection (gracefully, else by destroying the socket); safe to call more than once. */
  close(): Promise<void>
}

export interface OpenMysqlConnectionOptions {
  /** Aborting gives up the connection attempt with RIVET_CANCELLED. */
  readonly signal?: AbortSignal
}

/**
 * Open a connection with the options every Rivet reader relies on: utf8mb4, exact numbers and
 * temporal values as text (no float or Date conversion), JSON as the server's text, one statement
 * per query, TLS as `params.tls.mode` says (libpq's meaning of each mode).
 */
export async function openMysqlConnection(params: SourceConnectParams, options: OpenMysqlConnectionOptions = {}): Promise<MysqlSession> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await connectOnce(params, options)
    } catch (err) {
      if (attempt >= SLOT_ATTEMPTS || !isNoSlotError(err) || options.signal?.aborted) throw err
      // a connection this process closed a moment ago may still hold its slot on the server
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** (attempt - 1) * (0.75 + Math.random() / 2)))
    }
  }
}

/** Attempts when the server refuses for want of a connection slot (about 1.5 s in all). */
const SLOT_ATTEMPTS = 6
/** Too many connections: for the server (1040), the user (1203), the account's MAX_USER_CONNECTIONS (1226). */
const NO_SLOT_ERRNOS = new Set([1040, 1203, 1226])

function isNoSlotError(err: unknown): boolean {
  const errno = (err as RivetError).details?.errno
  return typeof errno === 'number' && NO_SLOT_ERRNOS.has(errno)
}

async function connectOnce(params: SourceConnectParams, options: OpenMysqlConnectionOptions): Promise<MysqlSession> {
  const endpoint = `${params.host}:${params.port}`
  const { mode, ca, cert, key } = params.tls
  try {
    if (mode === 'disable') return await attempt(params, undefined, endpoint, options.signal)
    if (mode === 'require') return await attempt(params, { rejectUnauthorized: false, cert, key }, endpoint, options.signal)
    if (mode === 'verify-ca') return await attempt(params, { rejectUnauthorized: true, verifyIdentity: false, ca, cert, key }, endpoint, options.signal)
    if (mode === 'verify-full') return await attempt(params, { rejectUnauthorized: true, verifyIdentity: true, ca, cert, key }, endpoint, options.signal)
    // prefer: like libpq, TLS when the server offers it (unverified), plain when it offers none
    try {
      return await attempt(params, { rejectUnauthorized: false, cert, key }, endpoint, options.signal)
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'HANDSHAKE_NO_SSL_SUPPORT') throw err
      return await attempt(params, undefined, endpoint, options.signal)
    }
  } catch (err) {
    throw withTlsHint(classifyMysqlError(err, endpoint), mode)
  }
}

/**
 * MariaDB with require_secure_transport=ON, and an account created with REQUIRE SSL, answer a
 * connection without TLS with a plain "access denied" (1045): say so when TLS was off.
 */
function withTlsHint(error: RivetError, mode: SourceConnectParams['tls']['mode']): RivetError {
  if (mode !== 'disable' || error.details.errno !== 1045) return error
  const hint = `${error.hint}; a server with require_secure_transport=ON or an account with REQUIRE SSL also refuses a connection without TLS this way: if so, set source.tls.mode to require, verify-ca or verify-full`
  return new RivetError(error.code, error.message, { hint, details: error.details, cause: error.cause })
}

/** The mysql2 options Rivet connects with (exported for tests; holds the password: never log it). */
export function mysqlConnectionOptions(params: SourceConnectParams, ssl: SslOptions | undefined): ConnectionOptions {
  return {
    host: params.host,
    port: params.port,
    user: params.user,
    password: params.password,
    database: params.database,
    charset: 'utf8mb4',
    // BIGINT and DECIMAL as strings: a JavaScript number would round them
    supportBigNumbers: true,
    bigNumberStrings: true,
    // DATE/DATETIME/TIMESTAMP as the server writes them: no Date conversion through the local time zone
    dateStrings: true,
    // JSON as text, byte for byte what the server sent, instead of a parsed object
    jsonStrings: true,
    multipleStatements: false,
    connectTimeout: params.connectTimeoutMs,
    enableKeepAlive: true,
    ...(ssl === undefined ? {} : { ssl }),
    connectAttributes: { program_name: params.applicationName },
  }
}

async function attempt(params: SourceConnectParams, ssl: SslOptions | undefined, endpoint: string, signal: AbortSignal | undefined): Promise<MysqlSession> {
  if (signal?.aborted) throw cancelled(endpoint)
  // see checkIpIdentity: for an IP address the name check is Rivet's, not mysql2's
  const byIp = ssl?.verifyIdentity === true && net.isIP(params.host) !== 0
  const core = mysql.createConnection(mysqlConnectionOptions(params, byIp ? { ...ssl, verifyIdentity: false } : ssl))
  if (byIp) checkIpIdentity(core, params.host)
  // mysql2 emits 'error' on the connection for a failed handshake and for a socket that dies while
  // idle; an 'error' event without a listener would end the process. Failures reach the caller through
  // the promise below or, later, through the next query ("closed state", classified as connection lost).
  core.on('error', () => undefined)
  await new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      core.destroy()
      reject(cancelled(endpoint))
    }
    const settle = (err?: unknown): void => {
      signal?.removeEventListener('abort', onAbort)
      if (err === undefined) resolve()
      else {
        core.destroy()
        reject(err)
      }
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    core.once('connect', () => settle())
    core.once('error', (err) => settle(err))
  })
  return toSession(core, endpoint, ssl !== undefined)
}

/**
 * mysql2 passes no host to tls.connect, and Node then checks the certificate of a server reached by
 * IP address against the name "localhost" (it knows the socket's host only when it was a name):
 * verify-full to 10.0.0.5 would accept any certificate for localhost, and refuse one that names
 * 10.0.0.5. So for an IP address mysql2's name check is off (the chain is still verified) and the
 * address itself is checked here, as soon as the handshake is done — before mysql2 sends the
 * credentials. Fails closed if mysql2's internals change.
 */
function checkIpIdentity(core: CoreConnection, host: string): void {
  const internals = core as unknown as { startTLS?: (onSecure: (err?: Error) => void) => void; stream?: unknown }
  const startTLS = internals.startTLS
  if (typeof startTLS !== 'function') {
    throw new RivetError('RIVET_INTERNAL', 'cannot check the MySQL server certificate against an IP address with this mysql2 version; connect by host name')
  }
  internals.startTLS = (onSecure) =>
    startTLS.call(core, (err) => {
      if (err !== undefined && err !== null) return onSecure(err)
      const stream = internals.stream
      const cert = stream instanceof tls.TLSSocket ? stream.getPeerCertificate() : undefined
      // a missing certificate fails the check too
      onSecure(tls.checkServerIdentity(host, (cert ?? {}) as tls.PeerCertificate) ?? undefined)
    })
}

function toSession(core: CoreConnection, endpoint: string, tls: boolean): MysqlSession {
  const connection = core.promise()
  let closing: Promise<void> | null = null
  return {
    connection,
    endpoint,
    tls,
    close() {
      // end() waits for the server's close, which a paused socket never reads: give it a second
      closing ??= Promise.race([connection.end(), new Promise((_, reject) => setTimeout(() => reject(new Error('close timed out')), 1000).unref())])
        .then(() => undefined)
        .catch(() => core.destroy())
      return closing
    },
  }
}

function cancelled(endpoint: string): RivetError {
  return new RivetError('RIVET_CANCELLED', `connecting to MySQL at ${endpoint} was cancelled`)
}
