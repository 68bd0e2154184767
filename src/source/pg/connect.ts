import { readFileSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import pg from 'pg'
import type { ResolvedConnection } from '../../config/index.js'
import { RivetError } from '../../errors/index.js'
import type { SourceConnectParams } from '../../plan/export-plan.js'
import { classifyPgError } from './wire/index.js'

/** Connection parameters for workers, with TLS files read (relative paths resolve against the config's folder). */
export function toConnectParams(conn: ResolvedConnection, configDir: string): SourceConnectParams {
  const read = (file: string | undefined, key: string): string | undefined => {
    if (file === undefined) return undefined
    const path = isAbsolute(file) ? file : resolve(configDir, file)
    try {
      return readFileSync(path, 'utf8')
    } catch (err) {
      throw new RivetError('RIVET_CONFIG_FILE_UNREADABLE', `source.tls.${key} ${path} cannot be read`, { cause: err })
    }
  }
  return {
    host: conn.host,
    port: conn.port,
    user: conn.user,
    password: conn.password,
    database: conn.database,
    applicationName: conn.applicationName,
    tls: {
      mode: conn.tls.mode,
      ca: read(conn.tls.caFile, 'ca_file'),
      cert: read(conn.tls.certFile, 'cert_file'),
      key: read(conn.tls.keyFile, 'key_file'),
    },
    connectTimeoutMs: 10_000,
  }
}

/** A node-postgres client for the coordinator's catalog work (session time zone UTC, application_name set). */
export async function openPgClient(params: SourceConnectParams): Promise<pg.Client> {
  const attempt = async (ssl: pg.ClientConfig['ssl']): Promise<pg.Client> => {
    const client = new pg.Client({
      host: params.host,
      port: params.port,
      user: params.user,
      password: params.password,
      database: params.database,
      application_name: params.applicationName,
      connectionTimeoutMillis: params.connectTimeoutMs,
      ssl,
      options: '-c TimeZone=UTC',
    })
    client.on('error', () => undefined)
    await client.connect()
    return client
  }
  try {
    const { mode, ca, cert, key } = params.tls
    // like libpq (and the wire client), a unix socket never negotiates TLS, whatever the mode
    if (mode === 'disable' || params.host.startsWith('/')) return await attempt(false)
    if (mode === 'require') return await attempt({ rejectUnauthorized: false, cert, key })
    if (mode === 'verify-ca') return await attempt({ rejectUnauthorized: true, ca, cert, key, checkServerIdentity: () => undefined })
    if (mode === 'verify-full') return await attempt({ rejectUnauthorized: true, ca, cert, key })
    // prefer: like libpq, try TLS first and fall back to a plain connection when the server has none
    try {
      return await attempt({ rejectUnauthorized: false, cert, key })
    } catch (err) {
      if (/does not support SSL/i.test((err as Error).message)) return await attempt(false)
      throw err
    }
  } catch (err) {
    throw classifyPgError(err)
  }
}
