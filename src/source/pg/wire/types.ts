/** TLS settings of a connection; the modes mean what they mean for libpq's `sslmode`. */
export interface PgTlsOptions {
  /**
   * disable: plain TCP · prefer: TLS when the server offers it, unverified · require: TLS, unverified ·
   * verify-ca: TLS, chain checked against `ca` · verify-full: chain and host name checked.
   */
  mode: 'disable' | 'prefer' | 'require' | 'verify-ca' | 'verify-full'
  ca?: string | Buffer
  cert?: string | Buffer
  key?: string | Buffer
  /** Name to check the certificate against (and send as SNI); defaults to `host`. */
  servername?: string
}

/** Where and as whom to connect; see parsePgUrl for the URL form. */
export interface PgConnectParams {
  /** Host name, IP address, or a unix socket directory (starts with '/'). */
  host: string
  port: number
  user: string
  password?: string
  database: string
  /** Default 'rivet'. */
  applicationName?: string
  /** Default { mode: 'prefer' }. Ignored for unix sockets. */
  tls?: PgTlsOptions
  /** Budget for socket connect, TLS and authentication together; default 10000. */
  connectTimeoutMs?: number
  /** Extra startup parameters, e.g. { TimeZone: 'UTC', extra_float_digits: '3' }. */
  startupParams?: Record<string, string>
}

/** One column of a RowDescription. */
export interface PgFieldInfo {
  name: string
  tableOid: number
  columnAttr: number
  typeOid: number
  typeSize: number
  typmod: number
  /** 0 text, 1 binary. */
  format: 0 | 1
}

/** The fields of an ErrorResponse or NoticeResponse, by their protocol names. */
export interface PgServerFields {
  severity: string
  code: string
  message: string
  detail?: string
  hint?: string
  position?: string
  internalPosition?: string
  internalQuery?: string
  where?: string
  schema?: string
  table?: string
  column?: string
  dataType?: string
  constraint?: string
  file?: string
  line?: string
  routine?: string
}

/** A NotificationResponse (LISTEN/NOTIFY). */
export interface PgNotification {
  processId: number
  channel: string
  payload: string
}
