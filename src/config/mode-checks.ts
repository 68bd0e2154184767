/**
 * Cross-field rules of the export modes, one small function each: keys of another mode, keys a
 * mode requires, and the combinations of the incremental and chunking keys.
 */
import { getArray, getBoolean, getNumber, getString, isMapping, isSet, type CleanObject } from './clean-tree.js'
import type { ConfigCheck } from './checks.js'
import { formatPath, type ConfigIssues, type ConfigPath } from './issues.js'
import { chunkStrategy, exportMode, MODE_KEYS, MODE_REQUIRED_KEYS } from './modes.js'
import { EXPORT_SPEC } from './schema.js'
import type { ExportMode } from './types.js'

type ExportRule = (exp: CleanObject, path: ConfigPath, mode: ExportMode, issues: ConfigIssues) => void

/** Run a rule on every export whose mode is valid (an invalid mode is reported on its own). */
function eachExport(rule: ExportRule): ConfigCheck {
  return (config, issues) => {
    getArray(config, 'exports').forEach((exp, i) => {
      if (!isMapping(exp)) return
      const mode = exportMode(exp)
      if (mode !== undefined) rule(exp, ['exports', i], mode, issues)
    })
  }
}

const modeOf = (exp: CleanObject, path: ConfigPath, mode: ExportMode): string =>
  `${formatPath([...path, 'mode'])} is ${mode}${isSet(exp, 'mode') ? '' : ' (the default)'}`

/** A key that belongs to other modes is a mistake, not something to ignore silently. */
export const checkModeKeys: ConfigCheck = eachExport((exp, path, mode, issues) => {
  for (const [key, modes] of Object.entries(MODE_KEYS)) {
    if (!isSet(exp, key) || modes.includes(mode)) continue
    const wanted = modes.join(' or ')
    const hint = modes.length === 1 ? `set mode: ${wanted} or remove the key` : `set mode: ${wanted}, or remove the key`
    issues.add('RIVET_CONFIG_CONFLICT', [...path, key], `${formatPath([...path, key])} applies to mode: ${wanted} — ${modeOf(exp, path, mode)}`, hint)
  }
})

/** Reading in parallel means reading chunks; only mode chunked has them. */
export const checkParallel: ConfigCheck = eachExport((exp, path, mode, issues) => {
  const parallel = getNumber(exp, 'parallel')
  if (parallel === undefined || parallel <= 1 || mode === 'chunked') return
  const where = [...path, 'parallel']
  issues.add('RIVET_CONFIG_CONFLICT', where, `${formatPath(where)} ${parallel} applies to mode: chunked — ${modeOf(exp, path, mode)}`, 'parallel reads split the table into chunks: use mode: chunked')
})

/** incremental needs its cursor, time_window its column and window. */
export const checkModeRequiredKeys: ConfigCheck = eachExport((exp, path, mode, issues) => {
  for (const key of MODE_REQUIRED_KEYS[mode]) {
    if (isSet(exp, key)) continue
    const where = [...path, key]
    issues.add('RIVET_CONFIG_MISSING', where, `${formatPath(where)} is required with mode: ${mode}`, `add ${key}: ${EXPORT_SPEC.fields[key]?.description ?? ''}`)
  }
})

/** `coalesce` reads a fallback column, and a fallback column is read only by `coalesce`. */
export const checkCursorFallback: ConfigCheck = eachExport((exp, path, mode, issues) => {
  if (mode !== 'incremental' || (isSet(exp, 'incremental_cursor_mode') && getString(exp, 'incremental_cursor_mode') === undefined)) return
  const cursorMode = getString(exp, 'incremental_cursor_mode') ?? 'single'
  const where = [...path, 'cursor_fallback_column']
  if (cursorMode === 'coalesce' && !isSet(exp, 'cursor_fallback_column')) {
    issues.add('RIVET_CONFIG_MISSING', where, `${formatPath(where)} is required with incremental_cursor_mode: coalesce`, 'name the column read where cursor_column is NULL, or use incremental_cursor_mode: single')
  } else if (cursorMode === 'single' && isSet(exp, 'cursor_fallback_column')) {
    const shown = isSet(exp, 'incremental_cursor_mode') ? 'single' : 'single (the default)'
    issues.add('RIVET_CONFIG_CONFLICT', where, `${formatPath(where)} needs incremental_cursor_mode: coalesce, but it is ${shown}`, 'set incremental_cursor_mode: coalesce, or remove cursor_fallback_column')
  } else if (getString(exp, 'cursor_fallback_column') !== undefined && getString(exp, 'cursor_fallback_column') === getString(exp, 'cursor_column')) {
    issues.add('RIVET_CONFIG_CONFLICT', where, `${formatPath(where)} names the same column as ${formatPath([...path, 'cursor_column'])}`, 'name a different column, or remove cursor_fallback_column and use incremental_cursor_mode: single')
  }
})

/** One chunking strategy at a time; day ranges set the chunk width themselves. */
export const checkChunkStrategy: ConfigCheck = eachExport((exp, path, mode, issues) => {
  if (mode !== 'chunked') return
  const chosen = [
    ...(getBoolean(exp, 'chunk_dense') === true ? ['chunk_dense'] : []),
    ...(isSet(exp, 'chunk_by_days') ? ['chunk_by_days'] : []),
    ...(getBoolean(exp, 'chunk_by_key') === true ? ['chunk_by_key'] : []),
  ]
  if (chosen.length > 1) {
    const names = chosen.map((k) => formatPath([...path, k]))
    issues.add('RIVET_CONFIG_CONFLICT', [...path, chosen[1]], `${names.join(' and ')} conflict — give only one chunking strategy`, 'choose one of chunk_dense, chunk_by_days or chunk_by_key; without any, chunks are ranges of chunk_column values')
  }
  if (!isSet(exp, 'chunk_by_days')) return
  for (const key of ['chunk_size', 'chunk_count'].filter((k) => isSet(exp, k))) {
    const where = [...path, key]
    issues.add('RIVET_CONFIG_CONFLICT', where, `${formatPath(where)} conflicts with ${formatPath([...path, 'chunk_by_days'])}: day ranges set the chunk width`, `remove ${key}, or remove chunk_by_days to split by value ranges`)
  }
})

/** Without chunk_column the planner falls back to the primary key, which only a table has. */
export const checkChunkColumn: ConfigCheck = eachExport((exp, path, mode, issues) => {
  if (mode !== 'chunked' || isSet(exp, 'chunk_column')) return
  const where = [...path, 'chunk_column']
  const strategy = chunkStrategy(exp)
  if (strategy === 'days') {
    issues.add('RIVET_CONFIG_MISSING', where, `${formatPath(where)} is required with chunk_by_days`, 'name the date or timestamp column to split into day ranges')
    return
  }
  const input = ['query', 'query_file'].find((k) => isSet(exp, k))
  if (input === undefined || (strategy === 'keyset' && isSet(exp, 'unique_key'))) return
  const alternative = strategy === 'keyset' ? ' (or give unique_key)' : ''
  issues.add('RIVET_CONFIG_MISSING', where, `${formatPath(where)} is required with ${input}: — only a table: export falls back to its primary key`, `name the column of the query result to split on${alternative}, or export a table: instead`)
})

/** The mode rules, in the order they run. */
export const MODE_CHECKS: readonly ConfigCheck[] = [
  checkModeKeys,
  checkParallel,
  checkModeRequiredKeys,
  checkCursorFallback,
  checkChunkStrategy,
  checkChunkColumn,
]
