/**
 * `rivet init`: connect to the source, discover its tables, choose a mode per table, write a
 * config that `rivet run` runs as it is. Refuses to replace an existing file without `force`.
 */
import { existsSync, renameSync, unlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { parseTableName, type OutputFormat, type ResolvedTableRef } from '../config/index.js'
import { RivetError } from '../errors/index.js'
import { openPgClient, toConnectParams } from '../source/pg/index.js'
import { buildInitConfig, type InitExportSummary } from './build-config.js'
import { DEFAULT_THRESHOLDS, type ModeThresholds } from './choose-mode.js'
import { discoverPg } from './pg-discover.js'
import { resolveInitSource, type InitSource } from './source-input.js'
import type { DiscoverOptions, Discovery, SkippedTable } from './types.js'

/** Bare numeric columns of tables up to this many rows are measured by reading every value. */
export const NUMERIC_SCAN_MAX_ROWS = 1_000_000

/** Options of runInit (the CLI flags, plus knobs for tests). */
export interface InitOptions {
  readonly sourceEnv?: string
  readonly source?: string
  readonly table?: string
  readonly schema?: string
  readonly include?: readonly string[]
  readonly exclude?: readonly string[]
  /** File to write, or `-` to only return the text (the CLI prints it). */
  readonly output: string
  readonly format?: OutputFormat
  readonly force?: boolean
  /** Environment for `--source-env`; defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv
  /** Relative paths resolve against it; defaults to process.cwd(). */
  readonly cwd?: string
  readonly log?: (line: string) => void
  readonly thresholds?: ModeThresholds
  readonly numericScanMaxRows?: number
}

/** What runInit produced. */
export interface InitResult {
  readonly text: string
  /** Absolute path of the file written; null with output `-`. */
  readonly path: string | null
  readonly source: Pick<InitSource, 'type' | 'redactedUrl' | 'urlEnv' | 'fromEnv' | 'hasPassword'>
  /** What was searched: `schema public`, `table public.orders`, `database shop`. */
  readonly scope: string
  readonly exports: readonly InitExportSummary[]
  readonly skipped: readonly SkippedTable[]
}

/** Generate a config from a live database. */
export async function runInit(options: InitOptions): Promise<InitResult> {
  const cwd = options.cwd ?? process.cwd()
  const source = resolveInitSource({ sourceEnv: options.sourceEnv, source: options.source, env: options.env ?? process.env })
  const include = options.include ?? []
  const exclude = options.exclude ?? []
  const table = tableOption(options, source)
  const path = options.output === '-' ? null : resolve(cwd, options.output)
  if (path !== null && !options.force && existsSync(path)) throw outputExists(path)
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS
  const discoverOptions: DiscoverOptions = {
    ...(table !== undefined ? { table } : {}),
    ...(options.schema !== undefined ? { schema: options.schema } : {}),
    include,
    exclude,
    thresholds,
    numericScanMaxRows: options.numericScanMaxRows ?? NUMERIC_SCAN_MAX_ROWS,
    log: options.log ?? (() => undefined),
  }
  const discovery = await discover(source, discoverOptions, cwd)
  if (discovery.tables.length === 0) {
    const why = discovery.skipped.map((s) => `${s.schema}.${s.name}: ${s.reason}`).join('; ')
    throw new RivetError('RIVET_INIT_NO_TABLES', `${discovery.scope}: no table could be described (${why})`, { details: { skipped: discovery.skipped.map((s) => `${s.schema}.${s.name}`) } })
  }
  const built = buildInitConfig(source, discovery, options.format ?? 'parquet', path ?? join(cwd, 'rivet.yaml'), thresholds)
  if (path !== null) writeOutput(path, built.text, options.force === true)
  const { type, redactedUrl, urlEnv, fromEnv, hasPassword } = source
  return { text: built.text, path, source: { type, redactedUrl, urlEnv, fromEnv, hasPassword }, scope: discovery.scope, exports: built.exports, skipped: discovery.skipped }
}

/** `--table`, parsed as a config `table:` value; it excludes `--schema`, `--include` and `--exclude`. */
function tableOption(options: InitOptions, source: InitSource): ResolvedTableRef | undefined {
  if (options.table === undefined) return undefined
  const others = [options.schema !== undefined ? '--schema' : null, (options.include ?? []).length > 0 ? '--include' : null, (options.exclude ?? []).length > 0 ? '--exclude' : null].filter((o) => o !== null)
  if (others.length > 0) {
    throw new RivetError('RIVET_USAGE', `--table names one table; it excludes ${others.join(', ')}`, { hint: 'qualify the table instead (--table schema.name), or use --schema with --include/--exclude to pick several' })
  }
  const ref = parseTableName(options.table, source.type)
  if ('error' in ref) throw new RivetError('RIVET_USAGE', `--table: ${ref.error}`, { hint: 'write name or schema.name; quote a part with " to keep its case or dots' })
  return ref
}

async function discover(source: InitSource, options: DiscoverOptions, cwd: string): Promise<Discovery> {
  const params = toConnectParams(source.connection, cwd)
  if (source.type === 'postgres') {
    const client = await openPgClient(params)
    try {
      return await discoverPg(client, options)
    } finally {
      await client.end().catch(() => undefined)
    }
  }
  // loaded on use: mysql2 is a large CommonJS tree that PostgreSQL users should not pay for
  const { openMysqlConnection } = await import('../source/mysql/index.js')
  const { discoverMysql } = await import('./mysql-discover.js')
  const session = await openMysqlConnection(params)
  try {
    return await discoverMysql(session.connection, options)
  } finally {
    await session.close()
  }
}

function outputExists(path: string): RivetError {
  return new RivetError('RIVET_INIT_OUTPUT_EXISTS', `${path} already exists; not replacing it`, { details: { path } })
}

/** Write the file: without `force` it must not exist (checked atomically); with it, replaced in one rename. */
function writeOutput(path: string, text: string, force: boolean): void {
  const temp = join(dirname(path), `.${Date.now().toString(36)}-${process.pid}.rivet-init.tmp`)
  try {
    if (!force) {
      writeFileSync(path, text, { flag: 'wx', mode: 0o644 })
      return
    }
    writeFileSync(temp, text, { mode: 0o644 })
    renameSync(temp, path)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EEXIST') throw outputExists(path)
    if (force) {
      try {
        unlinkSync(temp)
      } catch {
        // nothing was written, or it is gone already
      }
    }
    throw new RivetError('RIVET_INIT_WRITE', `cannot write ${path} (${code ?? 'error'})`, { details: { path }, cause: err })
  }
}
