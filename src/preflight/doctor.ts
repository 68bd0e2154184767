import { existsSync } from 'node:fs'
import { loadConfig, selectExports } from '../config/index.js'
import type { ResolvedConfig, ResolvedExport } from '../config/index.js'
import { openDestination } from '../destination/index.js'
import { toRivetError, type RivetError } from '../errors/index.js'
import { mysqlSourceOf, pgSourceOf } from '../plan/index.js'
import type { SourceConnectParams } from '../plan/index.js'
import { classifyPgError, describePgExport, openPgClient, toConnectParams } from '../source/pg/index.js'
import { openConfiguredState, resolveStateTarget } from '../state/index.js'

/** One finding of `rivet doctor`. */
export interface DoctorCheck {
  /** What was checked: `config`, `state`, `source`, or an export name. */
  readonly subject: string
  readonly status: 'ok' | 'fail' | 'skip'
  readonly message: string
  /** For a failure: the error it found, with its code, hint and exit class. */
  readonly error?: RivetError
}

export interface DoctorReport {
  readonly configPath: string
  readonly checks: readonly DoctorCheck[]
  /** 0 when nothing failed, else the highest exit class among the failures. */
  readonly exitCode: number
}

export interface DoctorOptions {
  readonly configPath: string
  readonly exports?: readonly string[]
}

/** A connection to the source that can prove each export readable. */
interface SourceProbe {
  readonly description: string
  readable(exp: ResolvedExport): Promise<string>
  close(): Promise<void>
}

/**
 * Everything a run needs, checked without reading data: the config, the state file, the source
 * (reachable, authenticated, each table or query describable and selectable), and each
 * destination (a probe object written, read back and removed). Every check runs even when an
 * earlier one failed, unless it depends on it.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const checks: DoctorCheck[] = []
  let config: ResolvedConfig
  let selected: ResolvedExport[]
  try {
    config = loadConfig(options.configPath)
    selected = selectExports(config, [...(options.exports ?? [])])
    checks.push({ subject: 'config', status: 'ok', message: `${config.configPath}: ${config.exports.length} export(s), source ${config.source.type}` })
  } catch (err) {
    checks.push(failed('config', toRivetError(err)))
    return finish(options.configPath, checks)
  }
  checks.push(checkState(config))
  let source: SourceProbe | null = null
  try {
    source = await openSourceProbe(config)
    checks.push({ subject: 'source', status: 'ok', message: source.description })
  } catch (err) {
    checks.push(failed('source', toRivetError(err)))
  }
  try {
    for (const exp of selected) {
      if (source === null) checks.push({ subject: exp.name, status: 'skip', message: 'not checked: the source is not reachable' })
      else checks.push(await attempt(exp.name, () => source!.readable(exp)))
      checks.push(await attempt(exp.name, () => probeDestination(exp)))
    }
  } finally {
    await source?.close().catch(() => undefined)
  }
  return finish(config.configPath, checks)
}

function checkState(config: ResolvedConfig): DoctorCheck {
  try {
    const target = resolveStateTarget(config.configPath)
    const existed = target.kind === 'postgres' || existsSync(target.path)
    const state = openConfiguredState(config.configPath)
    state.close()
    return { subject: 'state', status: 'ok', message: `${target.location}${existed ? '' : ' (created)'}: writable` }
  } catch (err) {
    return failed('state', toRivetError(err))
  }
}

async function probeDestination(exp: ResolvedExport): Promise<string> {
  const destination = await openDestination(exp.destination, { vars: { export: exp.name, date: new Date() }, runId: `doctor-${process.pid}` })
  const report = await destination.probe()
  return `destination ${report.location}: ${report.steps.join(', ')}`
}

async function openSourceProbe(config: ResolvedConfig): Promise<SourceProbe> {
  const connect = toConnectParams(config.source.connection, config.configDir)
  return config.source.type === 'mysql' ? openMysqlProbe(connect) : openPgProbe(connect)
}

async function openPgProbe(connect: SourceConnectParams): Promise<SourceProbe> {
  const client = await openPgClient(connect)
  try {
    const who = await client
      .query<{ version: string; user: string; db: string }>(`SELECT current_setting('server_version') AS version, current_user AS user, current_database() AS db`)
      .catch((err: unknown) => {
        throw classifyPgError(err)
      })
    const { version, user, db } = who.rows[0]!
    return {
      description: `PostgreSQL ${version} at ${connect.host}:${connect.port}, database ${db}, as ${user}`,
      async readable(exp) {
        const facts = await describePgExport(client, exp)
        const { from, selectList } = pgSourceOf(exp, facts)
        // LIMIT 0 plans and checks privileges without reading a row
        await client.query(`SELECT ${selectList} FROM ${from} LIMIT 0`).catch((err: unknown) => {
          throw classifyPgError(err)
        })
        return `${exp.table !== null ? `table ${from}` : 'query'} readable: ${facts.columns.length} column(s)`
      },
      close: () => client.end(),
    }
  } catch (err) {
    await client.end().catch(() => undefined)
    throw err
  }
}

async function openMysqlProbe(connect: SourceConnectParams): Promise<SourceProbe> {
  const { classifyMysqlError, describeMysqlExport, openMysqlConnection } = await import('../source/mysql/index.js')
  const session = await openMysqlConnection(connect)
  try {
    const [rows] = await session.connection.query('SELECT VERSION() AS version, CURRENT_USER() AS user, DATABASE() AS db').catch((err: unknown) => {
      throw classifyMysqlError(err)
    })
    const { version, user, db } = (rows as { version: string; user: string; db: string | null }[])[0]!
    return {
      description: `${/mariadb/i.test(version) ? 'MariaDB' : 'MySQL'} ${version} at ${session.endpoint}${db ? `, database ${db}` : ''}, as ${user}${session.tls ? ', TLS' : ''}`,
      async readable(exp) {
        const facts = await describeMysqlExport(session.connection, exp)
        const { from, selectList } = mysqlSourceOf(exp, facts)
        await session.connection.query(`SELECT ${selectList} FROM ${from} LIMIT 0`).catch((err: unknown) => {
          throw classifyMysqlError(err)
        })
        return `${exp.table !== null ? `table ${from}` : 'query'} readable: ${facts.columns.length} column(s)`
      },
      close: () => session.close(),
    }
  } catch (err) {
    await session.close().catch(() => undefined)
    throw err
  }
}

async function attempt(subject: string, check: () => Promise<string>): Promise<DoctorCheck> {
  try {
    return { subject, status: 'ok', message: await check() }
  } catch (err) {
    return failed(subject, toRivetError(err))
  }
}

function failed(subject: string, error: RivetError): DoctorCheck {
  return { subject, status: 'fail', message: error.message, error }
}

function finish(configPath: string, checks: DoctorCheck[]): DoctorReport {
  const exitCode = checks.reduce((code, c) => Math.max(code, c.error?.exitCode ?? 0), 0)
  return { configPath, checks, exitCode }
}
