import { loadConfig, selectExports } from '../config/index.js'
import type { ResolvedConfig, ResolvedExport } from '../config/index.js'
import { BASE_MEMORY_MB, estimatePeakMemoryMb } from '../engine/memory.js'
import { defaultPoolSizes } from '../engine/pools.js'
import { toRivetError, type RivetError } from '../errors/index.js'
import { batchTargetBytes, mysqlTypedLiteral, pgTypedLiteral } from '../plan/index.js'
import { DEFAULT_CHUNK_SIZE, SPARSE_DENSITY } from '../plan/chunk-plan.js'
import { describeBudget, type ConnectionBudget } from '../source/connection-budget.js'
import { toConnectParams } from '../source/pg/index.js'
import type { ColumnSpec } from '../types/index.js'
import { openCheckSource, type CheckSource, type CheckTarget, type ExplainSummary } from './check-source.js'

/**
 * How well an export suits its source:
 * - Efficient: every statement is bounded by an index or by page ranges.
 * - Acceptable: works as configured; statements are bounded but not by an index, or the table is small.
 * - Degraded: works, but each statement reads far more than it returns (a full scan per chunk
 *   or per run); the fix is named.
 * - Unsafe: a concrete limit is breached: no connection to spare, or the memory estimate above the budget.
 */
export type Verdict = 'Efficient' | 'Acceptable' | 'Degraded' | 'Unsafe'

export interface ExportCheck {
  readonly export: string
  readonly mode: string
  /** `"public"."orders"`, or `query`. */
  readonly source: string
  /** Catalog estimate; -1 when unknown. */
  readonly estimatedRows: number
  readonly strategy: string
  readonly verdict: Verdict
  /** Why the verdict, in sentences with the numbers behind them. */
  readonly reasons: readonly string[]
  /** The EXPLAIN of a representative statement. */
  readonly explain: string | null
  /** DDL that would make the export efficient, when an index is missing. */
  readonly indexHint: string | null
  readonly connections: { readonly readers: number; readonly available: number; readonly detail: string }
  readonly memory: { readonly estimateMb: number; readonly budgetMb: number; readonly detail: string }
  readonly warnings: readonly string[]
  readonly recommended: { readonly profile: 'safe' | 'balanced' | 'fast'; readonly parallel: number; readonly why: string }
  /** The export could not be checked (missing table, refused type): its error. */
  readonly error?: RivetError
}

export interface CheckReport {
  readonly configPath: string
  readonly server: string
  /** A pooler or proxy in front of the server, with the evidence. */
  readonly pooler: string | null
  readonly warnings: readonly string[]
  readonly exports: readonly ExportCheck[]
  /** 1 when an export is Unsafe or could not be checked, else 0. */
  readonly exitCode: number
}

/** Tables below this many rows are cheap to scan: a missing index does not degrade them. */
export const SMALL_TABLE_ROWS = 100_000
const RANK: Record<Verdict, number> = { Efficient: 0, Acceptable: 1, Degraded: 2, Unsafe: 3 }

export async function runCheck(options: { configPath: string; exports?: readonly string[] }): Promise<CheckReport> {
  const config = loadConfig(options.configPath)
  const selected = selectExports(config, [...(options.exports ?? [])])
  const connect = toConnectParams(config.source.connection, config.configDir)
  const source = await openCheckSource(config.source.type, connect)
  try {
    const warnings = [...tlsWarning(config)]
    const pooler = await source.pooler()
    if (pooler !== null) warnings.push(`a connection pooler or proxy sits in front of the server (${pooler}): Rivet's snapshot and session settings need one server connection per client connection — connect to the server directly, or use session pooling`)
    const budget = await source.budget()
    const exports: ExportCheck[] = []
    for (const exp of selected) exports.push(await checkExport(source, exp, budget))
    const exitCode = exports.some((e) => e.verdict === 'Unsafe' || e.error !== undefined) ? 1 : 0
    return { configPath: config.configPath, server: source.server, pooler, warnings, exports, exitCode }
  } finally {
    await source.close().catch(() => undefined)
  }
}

/** TLS is not required although the server is not on this host. */
export function tlsWarning(config: ResolvedConfig): string[] {
  const { host, tls } = config.source.connection
  if (isLocalHost(host) || tls.mode === 'require' || tls.mode === 'verify-ca' || tls.mode === 'verify-full') return []
  return [`the source ${host} is not on this host, but TLS is ${tls.mode === 'disable' ? 'disabled' : 'only preferred (a server without TLS is accepted in clear text)'}: set source.tls.mode: verify-full (or require)`]
}

function isLocalHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.') || host.startsWith('/')
}

async function checkExport(source: CheckSource, exp: ResolvedExport, budget: ConnectionBudget): Promise<ExportCheck> {
  let target: CheckTarget
  try {
    target = await source.describe(exp)
  } catch (err) {
    const error = toRivetError(err)
    return {
      export: exp.name, mode: exp.mode, source: exp.table !== null ? [exp.table.schema, exp.table.name].filter(Boolean).join('.') : 'query', estimatedRows: -1,
      strategy: '-', verdict: 'Unsafe', reasons: [`cannot be checked: [${error.code}] ${error.message}`], explain: null, indexHint: null,
      connections: { readers: 0, available: budget.available, detail: describeBudget(budget) },
      memory: { estimateMb: 0, budgetMb: exp.tuning.memoryMb, detail: '-' }, warnings: [], recommended: { profile: 'balanced', parallel: 1, why: 'fix the error first' }, error,
    }
  }
  const access = await analyzeAccess(source, exp, target)
  const readers = exp.chunked ? Math.max(1, Math.min(exp.chunked.parallel, budget.available)) : 1
  const reasons = [...access.reasons]
  const warnings = [...access.warnings]
  let verdict = access.verdict
  // connections: a concrete breach only when nothing at all can be spared
  const wanted = exp.chunked?.parallel ?? 1
  let connectionDetail = `${wanted} reader(s) wanted; ${describeBudget(budget)}`
  if (budget.available < 1) {
    verdict = 'Unsafe'
    reasons.push(`no connection to spare: ${describeBudget(budget)}`)
  } else if (wanted > budget.available) {
    connectionDetail += `: parallel ${wanted} will be clamped to ${budget.available}`
    warnings.push(`parallel ${wanted} exceeds the ${budget.available} connection(s) the source can spare; the run will use ${budget.available}`)
  }
  const memory = memoryEstimate(exp, target, readers)
  if (memory.estimateMb > memory.budgetMb) {
    verdict = 'Unsafe'
    reasons.push(`the memory estimate ${memory.estimateMb} MiB exceeds tuning.memory_mb ${memory.budgetMb}: lower batch_size_memory_mb or parallel, or raise memory_mb`)
  }
  return {
    export: exp.name,
    mode: exp.mode,
    source: target.relation?.display ?? 'query',
    estimatedRows: target.estimatedRows,
    strategy: access.strategy,
    verdict,
    reasons,
    explain: access.explain?.text ?? null,
    indexHint: access.indexHint,
    connections: { readers, available: budget.available, detail: connectionDetail },
    memory,
    warnings,
    recommended: recommend(exp, target, access, budget, verdict),
  }
}

interface Access {
  readonly strategy: string
  readonly verdict: Verdict
  readonly reasons: string[]
  readonly warnings: string[]
  readonly explain: ExplainSummary | null
  readonly indexHint: string | null
  /** Whether the column that bounds statements is indexed (null: no such column). */
  readonly indexed: boolean | null
}

async function analyzeAccess(source: CheckSource, exp: ResolvedExport, t: CheckTarget): Promise<Access> {
  if (exp.mode === 'chunked') return analyzeChunked(source, exp, t)
  if (exp.mode === 'incremental') return analyzeBoundedBy(source, exp, t, exp.incremental!.cursorColumn, 'cursor')
  if (exp.mode === 'time_window') return analyzeBoundedBy(source, exp, t, exp.timeWindow!.column, 'window')
  return analyzeFull(source, t)
}

async function analyzeFull(source: CheckSource, t: CheckTarget): Promise<Access> {
  const rows = rowsText(t.estimatedRows)
  if (t.relation === null) {
    return { strategy: 'the query runs as one statement, fetched in batches through a server-side cursor', verdict: 'Acceptable', reasons: ['a query is read as one statement: its duration is the query\'s own'], warnings: [], explain: await explainSafe(t, null, null, null), indexHint: null, indexed: null }
  }
  if (source.engine === 'postgres' && t.relation.ctid) {
    const explain = await explainSafe(t, `ctid >= '(0,0)'::tid AND ctid < '(1024,0)'::tid`, null, null)
    const tid = explain?.access === 'tid'
    return {
      strategy: `physical page ranges (ctid) of ${t.relation.display}, each a short COPY, in one snapshot`,
      verdict: tid ? 'Efficient' : 'Acceptable',
      reasons: [tid ? `page ranges need no index: each statement reads only its pages (${rows})` : `this server plans page ranges as a scan (TID range scans need PostgreSQL 14): each statement reads more than its pages (${rows})`],
      warnings: [], explain, indexHint: null, indexed: null,
    }
  }
  const pk = t.relation.primaryKey
  if (pk !== null && pk.length > 0) {
    const explain = await explainSafe(t, null, pk.map((c) => source.quote(c)).join(', '), 1000)
    return {
      strategy: `keyset pages of ${t.relation.display} by its primary key (${pk.join(', ')})`,
      verdict: explain?.access === 'scan' && t.estimatedRows > SMALL_TABLE_ROWS ? 'Degraded' : 'Efficient',
      reasons: [explain?.access === 'scan' && t.estimatedRows > SMALL_TABLE_ROWS ? `the server scans instead of following the primary key (${rows})` : `each page follows the primary key index (${rows})`],
      warnings: [], explain, indexHint: null, indexed: true,
    }
  }
  const big = t.estimatedRows > SMALL_TABLE_ROWS
  return {
    strategy: `one streaming statement over ${t.relation.display} (no primary key to page by)`,
    verdict: big ? 'Degraded' : 'Acceptable',
    reasons: [big ? `without a primary key the whole table (${rows}) is read by one long statement` : `one statement over a small table (${rows})`],
    warnings: [], explain: await explainSafe(t, null, null, null), indexHint: big ? 'add a primary key, or set unique_key to a unique NOT NULL column so the table can be read in pages' : null, indexed: null,
  }
}

/** incremental (cursor) and time_window: every run selects rows by one column. */
async function analyzeBoundedBy(source: CheckSource, exp: ResolvedExport, t: CheckTarget, column: string, role: 'cursor' | 'window'): Promise<Access> {
  const spec = findColumn(t.columns, column)
  const index = await t.leadingIndex(column)
  const q = source.quote(column)
  let predicate = `${q} IS NOT NULL`
  if (index !== null && spec !== undefined) {
    const { max } = await t.range(column)
    if (max !== null) predicate = `${q} > ${literal(source, max, spec)}`
  }
  const explain = await explainSafe(t, predicate, q, 1000)
  const strategy = role === 'cursor' ? `rows with ${column} above the stored cursor, in cursor order` : `rows of the last ${exp.timeWindow!.daysWindow} day(s) by ${column}`
  return boundedVerdict(strategy, column, role === 'cursor' ? 'cursor column' : 'window column', index, explain, t, source, 'each run')
}

async function analyzeChunked(source: CheckSource, exp: ResolvedExport, t: CheckTarget): Promise<Access> {
  const chunked = exp.chunked!
  const column = chunked.column ?? (t.relation?.primaryKey?.length === 1 ? t.relation.primaryKey[0]! : null)
  if (column === null) {
    return { strategy: '-', verdict: 'Unsafe', reasons: ['no chunk_column is set and there is no single-column primary key to use: the run would refuse to start'], warnings: [], explain: null, indexHint: null, indexed: null }
  }
  const spec = findColumn(t.columns, column)
  const index = await t.leadingIndex(column)
  const q = source.quote(column)
  const warnings: string[] = []
  let predicate = `${q} IS NOT NULL`
  let chunks: number | null = chunked.count
  if (index !== null && spec !== undefined) {
    const { min, max } = await t.range(column)
    // a one-value range: MySQL answers an empty one with "Impossible WHERE" instead of a plan
    if (min !== null) predicate = `${q} >= ${literal(source, min, spec)} AND ${q} <= ${literal(source, min, spec)}`
    if (min !== null && max !== null && spec.type.kind === 'int' && chunked.strategy === 'range') {
      const span = BigInt(max) - BigInt(min) + 1n
      const density = t.estimatedRows > 0 ? t.estimatedRows / Number(span) : null
      chunks ??= Math.ceil(Number(span) / (chunked.size ?? DEFAULT_CHUNK_SIZE))
      if (density !== null && density < SPARSE_DENSITY) {
        warnings.push(`sparse key: ${rowsText(t.estimatedRows)} over ${span} values of ${column} (density ${density.toFixed(3)}): most of the ~${chunks} ranges will be nearly empty — set chunk_dense: true to cut chunks by rows`)
      }
    }
  }
  if (chunks === null && t.estimatedRows > 0 && chunked.strategy !== 'days') chunks = Math.max(1, Math.ceil(t.estimatedRows / (chunked.size ?? DEFAULT_CHUNK_SIZE)))
  const explain = await explainSafe(t, predicate, null, null)
  const strategy = `${chunks !== null ? `~${chunks} ` : ''}${chunked.strategy === 'dense' ? 'row-count' : chunked.strategy === 'days' ? 'day' : chunked.strategy === 'keyset' ? 'keyset' : 'value'} range(s) of ${column}, ${chunked.parallel} reader(s)${chunked.checkpoint ? ', checkpointed' : ''}`
  const access = boundedVerdict(strategy, column, 'chunk column', index, explain, t, source, chunks !== null ? `each of the ~${chunks} chunks` : 'each chunk')
  return { ...access, warnings: [...access.warnings, ...warnings] }
}

function boundedVerdict(strategy: string, column: string, what: string, index: string | null, explain: ExplainSummary | null, t: CheckTarget, source: CheckSource, unit: string): Access {
  const rows = rowsText(t.estimatedRows)
  if (index !== null) {
    const scans = explain?.access === 'scan' && t.estimatedRows > SMALL_TABLE_ROWS
    return {
      strategy, verdict: scans ? 'Acceptable' : 'Efficient',
      reasons: [scans ? `${what} ${column} leads index ${index}, but the server chose a scan for the sample statement (${rows})` : `${what} ${column} leads index ${index}: ${unit} reads only its rows`],
      warnings: [], explain, indexHint: null, indexed: true,
    }
  }
  const hint = indexDdl(source, t, column)
  if (t.estimatedRows >= 0 && t.estimatedRows <= SMALL_TABLE_ROWS) {
    return { strategy, verdict: 'Acceptable', reasons: [`no index starts with ${what} ${column}, but the table is small (${rows}): a scan per statement is cheap`], warnings: [], explain, indexHint: hint, indexed: false }
  }
  return {
    strategy, verdict: 'Degraded',
    reasons: [`no index starts with ${what} ${column}: ${unit} scans the whole table (${rows})`],
    warnings: [], explain, indexHint: hint, indexed: false,
  }
}

function indexDdl(source: CheckSource, t: CheckTarget, column: string): string | null {
  if (t.relation === null || t.relation.isView) return `index ${column} in the underlying table`
  return source.engine === 'postgres'
    ? `CREATE INDEX CONCURRENTLY ON ${t.relation.display} (${source.quote(column)});`
    : `ALTER TABLE ${t.relation.display} ADD INDEX (${source.quote(column)}), ALGORITHM=INPLACE, LOCK=NONE;`
}

/** Batch bytes × copies × readers over the process base, against tuning.memory_mb. */
export function memoryEstimate(exp: ResolvedExport, t: CheckTarget, readers: number): { estimateMb: number; budgetMb: number; detail: string } {
  let batchBytes = batchTargetBytes(exp)
  let batchText = `${exp.tuning.batchSizeMemoryMb} MiB batches`
  if (exp.tuning.batchSize !== null) {
    const width = t.avgRowBytes ?? 200
    batchBytes = Math.min(batchBytes, exp.tuning.batchSize * width * 2)
    batchText = `${exp.tuning.batchSize} rows × ~${width} B${t.avgRowBytes === null ? ' (assumed)' : ''} per row`
  }
  const estimateMb = Math.round(estimatePeakMemoryMb(batchBytes, readers))
  const encoders = defaultPoolSizes(readers).encodeThreads
  return {
    estimateMb,
    budgetMb: exp.tuning.memoryMb,
    detail: `~${estimateMb} MiB: ${BASE_MEMORY_MB} MiB base (threads: ${readers} reader(s), ${encoders} encoder(s)) + ${batchText} × 6 copies × ${readers} reader(s); budget ${exp.tuning.memoryMb} MiB`,
  }
}

function recommend(exp: ResolvedExport, t: CheckTarget, access: Access, budget: ConnectionBudget, verdict: Verdict): ExportCheck['recommended'] {
  const busy = budget.maxConnections > 0 && (budget.inUse - 1) / budget.maxConnections > 0.8
  if (verdict === 'Degraded' || verdict === 'Unsafe' || busy) {
    return { profile: 'safe', parallel: 1, why: busy ? `the server is busy: ${budget.inUse - 1} of ${budget.maxConnections} connections in use` : 'statements read far more than they return: keep the load low until the index exists' }
  }
  if (exp.mode === 'chunked' && access.indexed === true) {
    const byRows = Math.max(2, Math.min(8, Math.ceil(Math.max(t.estimatedRows, 0) / 2_000_000)))
    const parallel = Math.max(1, Math.min(byRows, budget.available))
    return { profile: 'balanced', parallel, why: `${rowsText(t.estimatedRows)} over an indexed chunk column; ${budget.available} connection(s) to spare` }
  }
  if (exp.mode === 'full' && t.estimatedRows > 5_000_000 && t.relation?.primaryKey?.length === 1) {
    return { profile: 'balanced', parallel: Math.max(1, Math.min(4, budget.available)), why: `${rowsText(t.estimatedRows)}: mode chunked on ${t.relation.primaryKey[0]} would read it in parallel and make it resumable` }
  }
  return { profile: 'balanced', parallel: 1, why: 'as configured' }
}

/** EXPLAIN as evidence: a statement the server cannot plan (a view over a dropped function…) does not fail the check. */
async function explainSafe(t: CheckTarget, predicate: string | null, orderBy: string | null, limit: number | null): Promise<ExplainSummary | null> {
  try {
    return await t.explain(predicate, orderBy, limit)
  } catch {
    return null
  }
}

function findColumn(columns: readonly ColumnSpec[], name: string): ColumnSpec | undefined {
  return columns.find((c) => c.name === name) ?? columns.find((c) => c.name.toLowerCase() === name.toLowerCase())
}

function literal(source: CheckSource, value: string, column: ColumnSpec): string {
  return source.engine === 'postgres' ? pgTypedLiteral(value, column.sourceType) : mysqlTypedLiteral(value, column.sourceType)
}

function rowsText(rows: number): string {
  return rows < 0 ? 'row count unknown' : `~${Math.round(rows).toLocaleString('en-US')} rows`
}

/** Worst verdict first, for summaries. */
export function worstVerdict(checks: readonly ExportCheck[]): Verdict {
  return checks.reduce<Verdict>((worst, c) => (RANK[c.verdict] > RANK[worst] ? c.verdict : worst), 'Efficient')
}

