/**
 * Connection URLs: postgres://, postgresql://, mysql:// and mariadb:// (read as mysql).
 * Errors never quote the URL: it may hold a password.
 */
import { TLS_MODES, type SourceType, type TlsMode } from './types.js'

/** URL schemes Rivet accepts, with the source type each means. */
export const URL_SCHEMES: Readonly<Record<string, SourceType>> = {
  postgres: 'postgres',
  postgresql: 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
}

/** Query parameters Rivet reads from a connection URL. */
export const URL_PARAMS = ['sslmode', 'application_name'] as const

/** Default port per source type. */
export const DEFAULT_PORTS: Readonly<Record<SourceType, number>> = { postgres: 5432, mysql: 3306 }

/** The parts of a connection URL, percent-decoded. */
export interface ParsedConnectionUrl {
  readonly type: SourceType
  readonly scheme: string
  readonly host: string
  readonly port: number
  readonly user: string
  readonly password?: string
  readonly database: string
  readonly sslmode?: TlsMode
  readonly applicationName?: string
  /** The URL with its password replaced by `***`. */
  readonly redacted: string
}

function decode(text: string): string | null {
  try {
    return decodeURIComponent(text)
  } catch {
    return null
  }
}

function readParams(url: URL): { sslmode?: TlsMode; applicationName?: string } | { error: string } {
  const out: { sslmode?: TlsMode; applicationName?: string } = {}
  for (const [key, value] of url.searchParams) {
    if (key === 'sslmode') {
      if (!(TLS_MODES as readonly string[]).includes(value)) return { error: `has an unsupported sslmode; use one of ${TLS_MODES.join(', ')}` }
      out.sslmode = value as TlsMode
    } else if (key === 'application_name') {
      out.applicationName = value
    } else {
      return { error: `has an unsupported query parameter '${key}'; supported: ${URL_PARAMS.join(', ')}` }
    }
  }
  return out
}

/** Parse a connection URL, or say (without quoting it) what is wrong with it. */
export function parseConnectionUrl(text: string): ParsedConnectionUrl | { error: string } {
  let url: URL
  try {
    url = new URL(text.trim())
  } catch {
    return { error: 'is not a valid URL; expected scheme://user:password@host:port/database' }
  }
  const scheme = url.protocol.slice(0, -1).toLowerCase()
  const type = URL_SCHEMES[scheme]
  if (type === undefined) return { error: 'must start with postgres://, postgresql://, mysql:// or mariadb://' }
  const host = decode(url.hostname.replace(/^\[(.*)\]$/, '$1'))
  const user = decode(url.username)
  const password = url.password === '' ? undefined : decode(url.password)
  const database = decode(url.pathname.replace(/^\//, ''))
  if (host === null || user === null || password === null || database === null) return { error: 'has malformed percent-encoding' }
  if (host === '') return { error: 'has no host' }
  if (user === '') return { error: 'has no user name' }
  if (database === '' || database.includes('/')) return { error: 'has no database name (the path after the host)' }
  const port = url.port === '' ? DEFAULT_PORTS[type] : Number(url.port)
  if (port < 1) return { error: 'has an invalid port' }
  const params = readParams(url)
  if ('error' in params) return params
  if (password !== undefined) url.password = '***'
  return { type, scheme, host, port, user, database, redacted: url.toString(), ...params, ...(password !== undefined ? { password } : {}) }
}

/** A URL for logs built from structured fields; the password, if any, shows as `***`. */
export function buildRedactedUrl(type: SourceType, host: string, port: number, user: string, hasPassword: boolean, database: string): string {
  const scheme = type === 'postgres' ? 'postgresql' : 'mysql'
  const hostPart = host.startsWith('/') ? encodeURIComponent(host) : host.includes(':') ? `[${host}]` : host
  const auth = `${encodeURIComponent(user)}${hasPassword ? ':***' : ''}`
  return `${scheme}://${auth}@${hostPart}:${port}/${encodeURIComponent(database)}`
}
