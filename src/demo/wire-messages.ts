/**
 * The few PostgreSQL wire-protocol pieces the demo server handles itself; everything else is
 * passed to PGlite untouched. Frontend packets before startup have no type byte, only a length.
 */

/** Protocol 3.0, the only version PGlite speaks. */
export const PROTOCOL_3_0 = 196608
/** SSLRequest: answered with 'N' (no TLS on the loopback demo server). */
export const SSL_REQUEST_CODE = 80877103
/** GSSENCRequest: answered with 'N' like SSLRequest. */
export const GSSENC_REQUEST_CODE = 80877104
/** CancelRequest: arrives on its own connection; there is no backend process to signal. */
export const CANCEL_REQUEST_CODE = 80877102
/** Terminate ('X'): handled here, because PGlite must never see it (its backend would exit). */
export const TERMINATE = 0x58

/** Whether bytes received before startup begin with a CancelRequest packet. */
export function isCancelRequest(head: Buffer): boolean {
  return head.length >= 8 && head.readInt32BE(0) === 16 && head.readInt32BE(4) === CANCEL_REQUEST_CODE
}

/** Startup keys that are not run-time parameters: PGlite has one user and one database. */
const NOT_GUCS = new Set(['user', 'database', 'options', 'replication'])

/** Parse the key/value pairs of a StartupMessage (the whole packet, length word included). */
export function readStartupParams(packet: Buffer): Map<string, string> {
  const params = new Map<string, string>()
  let pos = 8
  while (pos < packet.length) {
    const keyEnd = packet.indexOf(0, pos)
    if (keyEnd <= pos) break // the empty key that ends the list
    const valueEnd = packet.indexOf(0, keyEnd + 1)
    if (valueEnd < 0) break
    params.set(packet.toString('utf8', pos, keyEnd), packet.toString('utf8', keyEnd + 1, valueEnd))
    pos = valueEnd + 1
  }
  return params
}

/**
 * The run-time parameters a client asked for at startup: plain keys (TimeZone, DateStyle,
 * application_name, ...) and the `-c name=value` / `--name=value` items of `options`.
 * PGlite ignores all of them, so the server applies them with set_config().
 */
export function startupSettings(params: Map<string, string>): [string, string][] {
  const settings: [string, string][] = []
  for (const [key, value] of params) {
    if (!NOT_GUCS.has(key) && !key.startsWith('_pq_.')) settings.push([key, value])
  }
  const words = (params.get('options') ?? '').split(/\s+/).filter((w) => w.length > 0)
  for (let i = 0; i < words.length; i++) {
    let item = words[i]
    if (item === '-c' && i + 1 < words.length) item = words[++i]
    else if (item.startsWith('-c')) item = item.slice(2)
    else if (item.startsWith('--')) item = item.slice(2)
    else continue
    const eq = item.indexOf('=')
    if (eq > 0) settings.push([item.slice(0, eq).replace(/-/g, '_'), item.slice(eq + 1)])
  }
  return settings
}

/** An ErrorResponse message ('E') with severity, SQLSTATE and message fields. */
export function errorResponse(severity: 'ERROR' | 'FATAL', sqlstate: string, message: string): Buffer {
  const fields = [`S${severity}`, `V${severity}`, `C${sqlstate}`, `M${message}`]
  const body = Buffer.from(fields.map((f) => `${f}\0`).join('') + '\0', 'utf8')
  const out = Buffer.alloc(5 + body.length)
  out[0] = 0x45 // 'E'
  out.writeInt32BE(4 + body.length, 1)
  body.copy(out, 5)
  return out
}
