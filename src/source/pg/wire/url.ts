import { readFileSync } from 'node:fs'
import { userInfo } from 'node:os'
import { RivetError } from '../../../errors/index.js'
import type { PgConnectParams, PgTlsOptions } from './types.js'

const SSL_MODES: Record<string, PgTlsOptions['mode']> = {
  disable: 'disable',
  // libpq's 'allow' tries plain first and TLS second; TLS-when-offered is the closer safe reading
  allow: 'prefer',
  prefer: 'prefer',
  require: 'require',
  'verify-ca': 'verify-ca',
  'verify-full': 'verify-full',
}

const KNOWN_KEYS = ['host', 'port', 'user', 'password', 'dbname', 'sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'application_name', 'connect_timeout', 'options']

interface UrlParts {
  userinfo: string | null
  hostport: string
  path: string
  query: string
}

/** Split scheme://userinfo@hostport/path?query; the userinfo ends at the last '@' before the query. */
function splitUrl(url: string): UrlParts | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)
  if (m === null) return null
  let rest = url.slice(m[0].length)
  const hash = rest.indexOf('#')
  if (hash >= 0) rest = rest.slice(0, hash)
  const q = rest.indexOf('?')
  const query = q >= 0 ? rest.slice(q + 1) : ''
  if (q >= 0) rest = rest.slice(0, q)
  const at = rest.lastIndexOf('@')
  const userinfo = at >= 0 ? rest.slice(0, at) : null
  rest = rest.slice(at + 1)
  const slash = rest.indexOf('/')
  return { userinfo, hostport: slash >= 0 ? rest.slice(0, slash) : rest, path: slash >= 0 ? rest.slice(slash + 1) : '', query }
}

/**
 * Parse a postgres:// or postgresql:// URL (libpq syntax) into connect parameters: percent-encoded
 * user, password and socket paths, [ipv6] hosts, and the query keys host, port, user, password,
 * dbname, sslmode, sslrootcert/sslcert/sslkey (file paths, read here), application_name,
 * connect_timeout (seconds) and options. Errors never echo the password.
 */
export function parsePgUrl(url: string): PgConnectParams {
  const parts = splitUrl(url)
  if (parts === null || !/^postgres(?:ql)?:/i.test(url)) throw urlError(url, 'it must start with postgres:// or postgresql://')
  const query = parseQuery(url, parts.query)
  const [user, password] = parseUserinfo(url, parts.userinfo)
  const [host, port] = parseHostport(url, parts.hostport)
  const params: PgConnectParams = {
    host: query.get('host') ?? host ?? 'localhost',
    port: toPort(url, query.get('port') ?? port ?? '5432'),
    user: query.get('user') ?? user ?? defaultUser(),
    database: '',
  }
  params.database = query.get('dbname') ?? (parts.path !== '' ? decode(url, parts.path) : params.user)
  const pass = query.get('password') ?? password
  if (pass !== undefined) params.password = pass
  const app = query.get('application_name')
  if (app !== undefined) params.applicationName = app
  const timeout = query.get('connect_timeout')
  if (timeout !== undefined) params.connectTimeoutMs = toSeconds(url, timeout) * 1000
  const options = query.get('options')
  if (options !== undefined) params.startupParams = { options }
  const tls = parseTls(url, query)
  if (tls !== undefined) params.tls = tls
  return params
}

/** The URL with its password (userinfo or ?password=) replaced by ***; safe for logs and messages. */
export function redactUrl(url: string): string {
  const parts = splitUrl(url)
  let out = url
  if (parts !== null && parts.userinfo !== null) {
    const colon = parts.userinfo.indexOf(':')
    if (colon >= 0) {
      const start = url.indexOf('//') + 2
      out = url.slice(0, start + colon + 1) + '***' + url.slice(start + parts.userinfo.length)
    }
  }
  return out.replace(/([?&]password=)[^&#]*/gi, '$1***')
}

function parseQuery(url: string, query: string): Map<string, string> {
  const map = new Map<string, string>()
  if (query === '') return map
  for (const pair of query.split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const key = decode(url, eq >= 0 ? pair.slice(0, eq) : pair)
    if (!KNOWN_KEYS.includes(key)) throw urlError(url, `unsupported parameter "${key}" (supported: ${KNOWN_KEYS.join(', ')})`)
    map.set(key, decode(url, eq >= 0 ? pair.slice(eq + 1) : ''))
  }
  return map
}

function parseUserinfo(url: string, userinfo: string | null): [string | undefined, string | undefined] {
  if (userinfo === null || userinfo === '') return [undefined, undefined]
  const colon = userinfo.indexOf(':')
  if (colon < 0) return [decode(url, userinfo), undefined]
  const user = userinfo.slice(0, colon)
  return [user === '' ? undefined : decode(url, user), decode(url, userinfo.slice(colon + 1))]
}

function parseHostport(url: string, hostport: string): [string | undefined, string | undefined] {
  if (hostport === '') return [undefined, undefined]
  if (hostport.includes(',')) throw urlError(url, 'several hosts in one URL are not supported; give one host')
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']')
    if (close < 0) throw urlError(url, 'unterminated [ipv6] host')
    const after = hostport.slice(close + 1)
    if (after !== '' && !after.startsWith(':')) throw urlError(url, 'unexpected text after the [ipv6] host')
    return [hostport.slice(1, close), after === '' ? undefined : after.slice(1)]
  }
  const colon = hostport.lastIndexOf(':')
  if (colon < 0) return [decode(url, hostport), undefined]
  const host = hostport.slice(0, colon)
  return [host === '' ? undefined : decode(url, host), hostport.slice(colon + 1)]
}

function parseTls(url: string, query: Map<string, string>): PgTlsOptions | undefined {
  const sslmode = query.get('sslmode')
  const files = { ca: query.get('sslrootcert'), cert: query.get('sslcert'), key: query.get('sslkey') }
  if (sslmode === undefined && files.ca === undefined && files.cert === undefined && files.key === undefined) return undefined
  const mode = sslmode === undefined ? 'prefer' : SSL_MODES[sslmode]
  if (mode === undefined) throw urlError(url, `sslmode must be one of ${Object.keys(SSL_MODES).join(', ')}, got "${sslmode}"`)
  const tls: PgTlsOptions = { mode }
  for (const [key, path] of Object.entries(files)) {
    if (path !== undefined) tls[key as 'ca' | 'cert' | 'key'] = readTlsFile(path)
  }
  return tls
}

function readTlsFile(path: string): Buffer {
  try {
    return readFileSync(path)
  } catch (err) {
    throw new RivetError('RIVET_CONFIG_FILE_UNREADABLE', `cannot read the TLS file ${path} named in the PostgreSQL URL: ${(err as Error).message}`, { cause: err })
  }
}

function toPort(url: string, text: string): number {
  const port = Number(text)
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) throw urlError(url, `port must be a number from 1 to 65535, got "${text}"`)
  return port
}

function toSeconds(url: string, text: string): number {
  const n = Number(text)
  if (!/^\d+$/.test(text) || n < 1) throw urlError(url, `connect_timeout must be a whole number of seconds, got "${text}"`)
  return n
}

function decode(url: string, text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    throw urlError(url, 'it contains an invalid percent-encoding')
  }
}

function defaultUser(): string {
  try {
    return userInfo().username
  } catch {
    return 'postgres'
  }
}

function urlError(url: string, why: string): RivetError {
  // text that is not scheme://... cannot be redacted reliably, so it is not echoed
  const shown = splitUrl(url) === null ? '' : ` ${redactUrl(url)}`
  return new RivetError('RIVET_CONFIG_FORMAT', `invalid PostgreSQL URL${shown}: ${why}`, {
    hint: 'use postgresql://user:password@host:5432/database?sslmode=require; percent-encode special characters in the user and password',
  })
}
