/**
 * Export modes: which keys each mode takes, their defaults, and their resolution into the mode
 * blocks of ResolvedExport. The cross-field rules over these keys are in mode-checks.ts.
 */
import { getArray, getBoolean, getNumber, getObject, getString, isSet, type CleanObject } from './clean-tree.js'
import { toCursorOverlap } from './duration.js'
import type {
  ChunkStrategy,
  ExportMode,
  IncrementalCursorMode,
  ResolvedChunked,
  ResolvedExport,
  ResolvedIncremental,
  ResolvedMetaColumns,
  ResolvedTimeWindow,
  TimeColumnType,
} from './types.js'

/** Chunks read at the same time when `parallel` is not set. */
export const DEFAULT_PARALLEL = 1

/** Attempts per chunk when `chunk_max_attempts` is not set. */
export const DEFAULT_CHUNK_MAX_ATTEMPTS = 3

/** Longest statement the adaptive sizer allows when `chunk_max_statement_s` is not set, in seconds. */
export const DEFAULT_CHUNK_MAX_STATEMENT_S = 1

/** Keys that only some modes take, with those modes. `parallel` is allowed everywhere at 1, see mode-checks.ts. */
export const MODE_KEYS: Readonly<Record<string, readonly ExportMode[]>> = {
  cursor_column: ['incremental'],
  cursor_fallback_column: ['incremental'],
  incremental_cursor_mode: ['incremental'],
  cursor_overlap: ['incremental'],
  unique_key: ['incremental', 'chunked'],
  chunk_column: ['chunked'],
  chunk_size: ['chunked'],
  chunk_count: ['chunked'],
  chunk_dense: ['chunked'],
  chunk_by_days: ['chunked'],
  chunk_by_key: ['chunked'],
  chunk_checkpoint: ['chunked'],
  chunk_max_attempts: ['chunked'],
  time_column: ['time_window'],
  time_column_type: ['time_window'],
  days_window: ['time_window'],
}

/** Keys a mode cannot run without. */
export const MODE_REQUIRED_KEYS: Readonly<Record<ExportMode, readonly string[]>> = {
  full: [],
  incremental: ['cursor_column'],
  chunked: [],
  time_window: ['time_column', 'days_window'],
}

/** The mode of a validated export; undefined when `mode` is set but invalid (already reported). */
export function exportMode(exp: CleanObject): ExportMode | undefined {
  if (!isSet(exp, 'mode')) return 'full'
  return getString(exp, 'mode') as ExportMode | undefined
}

/** The chunking strategy the flags choose; `range` when none is set. */
export function chunkStrategy(exp: CleanObject): ChunkStrategy {
  if (getBoolean(exp, 'chunk_dense') === true) return 'dense'
  if (isSet(exp, 'chunk_by_days')) return 'days'
  if (getBoolean(exp, 'chunk_by_key') === true) return 'keyset'
  return 'range'
}

function resolveIncremental(exp: CleanObject): ResolvedIncremental | undefined {
  const cursorColumn = getString(exp, 'cursor_column')
  if (cursorColumn === undefined) return undefined
  const overlap = exp.cursor_overlap
  return {
    cursorColumn,
    fallbackColumn: getString(exp, 'cursor_fallback_column') ?? null,
    cursorMode: (getString(exp, 'incremental_cursor_mode') ?? 'single') as IncrementalCursorMode,
    overlap: typeof overlap === 'number' || typeof overlap === 'string' ? toCursorOverlap(overlap) : null,
  }
}

function resolveChunked(exp: CleanObject): ResolvedChunked {
  return {
    column: getString(exp, 'chunk_column') ?? null,
    strategy: chunkStrategy(exp),
    size: getNumber(exp, 'chunk_size') ?? null,
    count: getNumber(exp, 'chunk_count') ?? null,
    days: getNumber(exp, 'chunk_by_days') ?? null,
    parallel: getNumber(exp, 'parallel') ?? DEFAULT_PARALLEL,
    checkpoint: getBoolean(exp, 'chunk_checkpoint') ?? false,
    maxAttempts: getNumber(exp, 'chunk_max_attempts') ?? DEFAULT_CHUNK_MAX_ATTEMPTS,
  }
}

function resolveTimeWindow(exp: CleanObject): ResolvedTimeWindow | undefined {
  const column = getString(exp, 'time_column')
  const daysWindow = getNumber(exp, 'days_window')
  if (column === undefined || daysWindow === undefined) return undefined
  return { column, columnType: (getString(exp, 'time_column_type') ?? 'timestamp') as TimeColumnType, daysWindow }
}

const stringList = (value: readonly unknown[]): string[] | undefined => (value.every((v) => typeof v === 'string') ? (value as string[]) : undefined)

function resolveMetaColumns(exp: CleanObject): ResolvedMetaColumns {
  const meta = getObject(exp, 'meta_columns')
  const rowHash = meta?.row_hash
  return {
    exportedAt: getBoolean(meta, 'exported_at') ?? false,
    rowHash: rowHash === true ? 'all' : Array.isArray(rowHash) ? (stringList(rowHash) ?? null) : null,
  }
}

/** The mode-dependent part of a resolved export. */
export type ResolvedModeFields = Pick<ResolvedExport, 'mode' | 'incremental' | 'uniqueKey' | 'chunked' | 'timeWindow' | 'chunkMaxStatementS' | 'metaColumns'>

/** Resolve the mode keys of a validated export; undefined when a required key is missing or invalid (already reported). */
export function resolveModeFields(exp: CleanObject): ResolvedModeFields | undefined {
  const mode = exportMode(exp)
  if (mode === undefined) return undefined
  const incremental = mode === 'incremental' ? resolveIncremental(exp) : null
  const timeWindow = mode === 'time_window' ? resolveTimeWindow(exp) : null
  if (incremental === undefined || timeWindow === undefined) return undefined
  const uniqueKey = isSet(exp, 'unique_key') ? stringList(getArray(exp, 'unique_key')) : null
  if (uniqueKey === undefined) return undefined
  return {
    mode,
    incremental,
    uniqueKey,
    chunked: mode === 'chunked' ? resolveChunked(exp) : null,
    timeWindow,
    chunkMaxStatementS: getNumber(exp, 'chunk_max_statement_s') ?? DEFAULT_CHUNK_MAX_STATEMENT_S,
    metaColumns: resolveMetaColumns(exp),
  }
}
