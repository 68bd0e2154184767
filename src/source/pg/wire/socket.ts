import net from 'node:net'
import tls from 'node:tls'
import { RivetError } from '../../../errors/index.js'
import { sslRequestMessage } from './messages.js'
import type { PgConnectParams, PgTlsOptions } from './types.js'

/** A connected transport: plain TCP, a unix socket, or TLS over TCP. */
export type PgSocket = net.Socket | tls.TLSSocket

/** Whether `host` names a unix socket directory. */
export function isUnixHost(host: string): boolean {
  return host.startsWith('/')
}

/** "host:port", or the socket path for a unix socket; used in messages. */
export function endpointOf(params: Pick<PgConnectParams, 'host' | 'port'>): string {
  if (isUnixHost(params.host)) return `${params.host}/.s.PGSQL.${params.port}`
  return net.isIPv6(params.host) ? `[${params.host}]:${params.port}` : `${params.host}:${params.port}`
}

/** Open the TCP or unix socket; rejects with the raw socket error (classified by the caller). */
export function connectRaw(params: Pick<PgConnectParams, 'host' | 'port'>, signal: AbortSignal): Promise<net.Socket> {
  const socket = isUnixHost(params.host)
    ? net.connect({ path: endpointOf(params) })
    : net.connect({ host: params.host, port: params.port })
  return waitFor(socket, 'connect', signal).then(() => {
    if (!isUnixHost(params.host)) {
      socket.setNoDelay(true)
      // extraction connections sit idle while the server sorts; keepalive spots dead peers
      socket.setKeepAlive(true, 60_000)
    }
    return socket
  })
}

/** Connect and, unless TLS is disabled or the host is a unix socket, negotiate TLS as `tls.mode` asks. */
export async function openSocket(params: PgConnectParams, signal: AbortSignal): Promise<PgSocket> {
  const raw = await connectRaw(params, signal)
  const opts: PgTlsOptions = params.tls ?? { mode: 'prefer' }
  if (isUnixHost(params.host) || opts.mode === 'disable') return raw
  raw.write(sslRequestMessage())
  const answer = await waitFor<Buffer>(raw, 'data', signal)
  // more than the one answer byte would be injected plaintext (CVE-2021-23214)
  if (answer.length !== 1 || (answer[0] !== 0x53 && answer[0] !== 0x4e)) {
    raw.destroy()
    throw new RivetError('RIVET_SOURCE_PROTOCOL', `unexpected answer to SSLRequest from ${endpointOf(params)}`)
  }
  if (answer[0] === 0x4e) {
    if (opts.mode === 'prefer') return raw
    raw.destroy()
    throw new RivetError('RIVET_SOURCE_TLS', `PostgreSQL at ${endpointOf(params)} does not accept TLS connections but tls.mode is ${opts.mode}`, { details: { endpoint: endpointOf(params), tlsMode: opts.mode } })
  }
  return upgrade(raw, params.host, opts, signal).catch((err: unknown) => {
    raw.destroy()
    if (err instanceof RivetError) throw err
    throw new RivetError('RIVET_SOURCE_TLS', `TLS handshake with PostgreSQL at ${endpointOf(params)} failed: ${(err as Error).message}`, {
      details: { endpoint: endpointOf(params), tlsMode: opts.mode, ...(typeof (err as { code?: unknown }).code === 'string' ? { errno: (err as { code: string }).code } : {}) },
      cause: err,
    })
  })
}

async function upgrade(raw: net.Socket, host: string, opts: PgTlsOptions, signal: AbortSignal): Promise<tls.TLSSocket> {
  const verify = opts.mode === 'verify-ca' || opts.mode === 'verify-full'
  const name = opts.servername ?? host
  const secure = tls.connect({
    socket: raw,
    host: name,
    // SNI must not carry an IP address
    ...(net.isIP(name) === 0 ? { servername: name } : {}),
    ...(opts.ca !== undefined ? { ca: opts.ca } : {}),
    ...(opts.cert !== undefined ? { cert: opts.cert } : {}),
    ...(opts.key !== undefined ? { key: opts.key } : {}),
    rejectUnauthorized: verify,
    ...(opts.mode === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}),
    ALPNProtocols: ['postgresql'],
  })
  await waitFor(secure, 'secureConnect', signal)
  return secure
}

/**
 * Resolve on the first `event`; reject on 'error', on a close before it, or when `signal` aborts
 * (with the signal's reason). The socket is destroyed on every failure.
 */
export function waitFor<T = void>(socket: net.Socket, event: string, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const done = (): void => {
      socket.off(event, onEvent)
      socket.off('error', onError)
      socket.off('close', onClose)
      signal.removeEventListener('abort', onAbort)
    }
    const onEvent = (value: T): void => {
      done()
      resolve(value)
    }
    const onError = (err: Error): void => {
      done()
      socket.destroy()
      reject(err)
    }
    const onClose = (): void => onError(Object.assign(new Error('the server closed the connection during connection setup'), { code: 'ECONNRESET' }))
    const onAbort = (): void => onError(signal.reason as Error)
    if (signal.aborted) return onAbort()
    socket.once(event, onEvent)
    socket.once('error', onError)
    socket.once('close', onClose)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
