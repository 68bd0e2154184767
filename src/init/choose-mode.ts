/**
 * The mode `rivet init` writes for a table, from its size and keys. Pure: the facts come from the
 * discovery, the result is the `mode:` line, its comment and the keys that go with it.
 *
 *   indexed updated-at-like timestamp  → incremental (cursor_column, unique_key as tie-breaker)
 *   large, single-column integer PK    → chunked (chunk_column, parallel, checkpoints when huge)
 *   anything else                      → full (one snapshot)
 */
import { DEFAULT_CHUNK_SIZE, MAX_CHUNKS, SPARSE_DENSITY } from '../plan/index.js'
import { describeBudget } from '../source/connection-budget.js'
import { pickCursor, tieBreakerKey, type CursorCandidate } from './cursor-candidates.js'
import type { ModeChoice, SourceLimits, TableShape, YamlField } from './types.js'

/** Where the size-based choices switch. */
export interface ModeThresholds {
  /** From this many rows a table with an integer primary key is read in chunks. */
  readonly chunkedMinRows: number
  /** From this many rows chunks are checkpointed (an interrupted run resumes). */
  readonly checkpointMinRows: number
  /** Parallel readers wanted from `rows >= minRows`, largest first; below all tiers, the last value. */
  readonly parallelTiers: readonly { readonly minRows: number; readonly parallel: number }[]
}

/**
 * Defaults: chunking starts at one default chunk (below it `rivet run` reads the table in one
 * snapshot anyway). At most 8 readers: the default memory budget (512 MiB) allows 13.
 */
export const DEFAULT_THRESHOLDS: ModeThresholds = {
  chunkedMinRows: DEFAULT_CHUNK_SIZE,
  checkpointMinRows: 10_000_000,
  parallelTiers: [
    { minRows: 10_000_000, parallel: 8 },
    { minRows: 1_000_000, parallel: 4 },
    { minRows: 0, parallel: 2 },
  ],
}

/** `~4.2M rows`, `~200k rows`, `~850 rows`, `no rows`. */
export function formatRows(rows: number): string {
  if (rows <= 0) return 'no rows'
  const scaled = (n: number, unit: string): string => `~${n < 10 ? (Math.round(n * 10) / 10).toString() : Math.round(n).toString()}${unit} rows`
  if (rows < 1000) return `~${Math.round(rows)} row${Math.round(rows) === 1 ? '' : 's'}`
  if (rows < 1e6) return scaled(rows / 1e3, 'k')
  if (rows < 1e9) return scaled(rows / 1e6, 'M')
  return scaled(rows / 1e9, 'B')
}

/** The single-column integer primary key, or why there is none. */
export function integerKey(table: TableShape): { column: string } | { why: string } {
  const pk = table.primaryKey
  if (pk === null || pk.length === 0) return { why: 'no primary key to chunk on' }
  if (pk.length > 1) return { why: `the primary key (${pk.join(', ')}) has ${pk.length} columns` }
  const column = table.columns.find((c) => c.name === pk[0])
  if (column === undefined || column.kind !== 'int') return { why: `the primary key ${pk[0]} is ${column?.sourceType ?? 'not a column'}, not an integer` }
  return { column: pk[0]! }
}

/** Whether the table will be chunked if its key allows it (discovery probes the key range for these only). */
export function isChunkCandidate(table: TableShape, thresholds: ModeThresholds = DEFAULT_THRESHOLDS): boolean {
  return table.estimate.rows >= thresholds.chunkedMinRows && 'column' in integerKey(table) && pickCursor(table)?.index == null
}

/** Choose the mode of one table. */
export function chooseMode(table: TableShape, limits: SourceLimits, thresholds: ModeThresholds = DEFAULT_THRESHOLDS): ModeChoice {
  const size = `${formatRows(table.estimate.rows)} (${table.estimate.source})`
  const cursor = pickCursor(table)
  if (cursor !== null && cursor.index !== null) return incremental(table, cursor, size)
  const unindexed = cursor === null ? '' : `; ${cursor.column.name} is not the first column of any index (index it to read incrementally)`
  if (table.estimate.rows < thresholds.chunkedMinRows) {
    return full(`${size}${table.estimate.rows <= 0 ? '' : ': small'}, read in one snapshot${unindexed}`)
  }
  const key = integerKey(table)
  if ('why' in key) return full(`${size}, but ${key.why}: read in one snapshot${unindexed}`)
  return chunked(table, key.column, size, limits, thresholds, unindexed)
}

function full(why: string): ModeChoice {
  return { mode: 'full', why, settings: [] }
}

function incremental(table: TableShape, cursor: CursorCandidate, size: string): ModeChoice {
  const column = cursor.column
  const why = `${size}; ${column.name} (${column.sourceType}) leads index ${cursor.index!.name}: each run reads only the rows changed since the last one`
  const key = tieBreakerKey(table)
  const notes: string[] = []
  if (column.nullable) notes.push(`nullable: rows whose ${column.name} is NULL are exported by the first run only`)
  if (key === null) notes.push(`no primary key or unique index: rows at the last ${column.name} value are exported again by the next run`)
  const settings: YamlField[] = [{ key: 'cursor_column', value: column.name, ...(notes.length > 0 ? { comment: notes.join('; ') } : {}) }]
  if (key !== null) {
    settings.push({ key: 'unique_key', value: key.columns, comment: `tie-breaker: rows sharing the last ${column.name} value are told apart by ${key.what}` })
  }
  return { mode: 'incremental', why, settings }
}

function chunked(table: TableShape, column: string, size: string, limits: SourceLimits, thresholds: ModeThresholds, unindexed: string): ModeChoice {
  const rows = table.estimate.rows
  const wanted = thresholds.parallelTiers.find((t) => rows >= t.minRows)?.parallel ?? 1
  const parallel = chooseParallel(wanted, limits)
  if (parallel === null) return full(`${size}, but the source has no connection to spare for parallel readers now: read in one snapshot${unindexed}`)
  const sparse = sparseKey(table)
  const how = sparse === null ? `ranges of ${column} read in parallel` : `runs of rows in ${column} order read in parallel`
  const settings: YamlField[] = [{ key: 'chunk_column', value: column }]
  if (sparse !== null) settings.push({ key: 'chunk_by_key', value: true, comment: sparse })
  settings.push({ key: 'parallel', value: parallel.value, comment: parallel.comment })
  if (rows >= thresholds.checkpointMinRows) {
    settings.push({ key: 'chunk_checkpoint', value: true, comment: `${formatRows(rows)}: chunks are recorded, so an interrupted run continues with \`rivet run --resume\`` })
  }
  return { mode: 'chunked', why: `${size}, integer primary key ${column}: ${how}${unindexed}`, settings }
}

/** Readers to write, clamped to what the source can spare now; null when it can spare none. */
function chooseParallel(wanted: number, limits: SourceLimits): { value: number; comment: string } | null {
  const budget = limits.budget
  if (budget === null) {
    const value = Math.min(wanted, 2)
    return { value, comment: 'chunks read at the same time, one connection each (the connection budget could not be read; `rivet run` clamps it to what the source can spare)' }
  }
  if (budget.available < 1) return null
  if (budget.available < wanted) return { value: budget.available, comment: `clamped: ${describeBudget(budget)}` }
  return { value: wanted, comment: `chunks read at the same time, one connection each; the source can spare ${budget.available} now` }
}

/** Why range chunks would mostly be empty (rows ÷ key span below the planner's sparse threshold), or null. */
function sparseKey(table: TableShape): string | null {
  const range = table.keyRange
  if (range === undefined || range === null) return null
  const span = range.max - range.min + 1n
  if (span <= 0n) return null
  const density = table.estimate.rows / Number(span)
  const chunks = span / BigInt(DEFAULT_CHUNK_SIZE)
  if (density >= SPARSE_DENSITY && chunks <= BigInt(MAX_CHUNKS)) return null
  return `the key is sparse (${formatRows(table.estimate.rows)} over a span of ${span} values): chunks follow the rows, not the key span`
}
