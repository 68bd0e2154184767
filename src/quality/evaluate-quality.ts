import { RivetError } from '../errors/index.js'
import { formatCount, formatKey, formatPercent } from './format.js'
import type { QualityCheckResult, ReadProfile, ResolvedQuality } from './types.js'
import type { UniqueTracker } from './unique-tracker.js'

/**
 * The verdict of every `quality:` rule over what a run read: one result per rule, in the order
 * row_count_min, row_count_max, null_ratio_max (one per column), unique_columns (one per key).
 * `trackers[i]` holds the keys of `quality.uniqueColumns[i]`.
 */
export function evaluateQuality(q: ResolvedQuality, profile: ReadProfile, trackers: readonly UniqueTracker[]): QualityCheckResult[] {
  if (trackers.length !== q.uniqueColumns.length) {
    throw new RivetError('RIVET_INTERNAL', `${q.uniqueColumns.length} unique_columns checks were given ${trackers.length} key trackers`)
  }
  const results: QualityCheckResult[] = []
  if (q.rowCountMin !== null) results.push(rowCountMin(q.rowCountMin, profile.rows))
  if (q.rowCountMax !== null) results.push(rowCountMax(q.rowCountMax, profile.rows))
  for (const [column, max] of Object.entries(q.nullRatioMax)) results.push(nullRatio(column, max, profile))
  q.uniqueColumns.forEach((columns, i) => results.push(unique(columns, trackers[i], profile.rows, q.uniqueMaxEntries)))
  return results
}

function rowCountMin(min: number, rows: number): QualityCheckResult {
  const passed = rows >= min
  const message = `${formatCount(rows)} rows, ${passed ? 'at least' : 'below'} row_count_min ${formatCount(min)}`
  return { check: 'row_count_min', status: passed ? 'passed' : 'failed', expected: min, actual: rows, message }
}

function rowCountMax(max: number, rows: number): QualityCheckResult {
  const passed = rows <= max
  const message = `${formatCount(rows)} rows, ${passed ? 'at most' : 'above'} row_count_max ${formatCount(max)}`
  return { check: 'row_count_max', status: passed ? 'passed' : 'failed', expected: max, actual: rows, message }
}

function nullRatio(column: string, max: number, profile: ReadProfile): QualityCheckResult {
  const nulls = profile.nulls[column]
  if (nulls === undefined) {
    return { check: 'null_ratio_max', columns: [column], status: 'skipped', expected: max, actual: 0, message: `column ${column}: not profiled, so its NULLs were not counted` }
  }
  // an empty read has no NULLs
  const ratio = profile.rows === 0 ? 0 : nulls / profile.rows
  const passed = ratio <= max
  const share = `${formatPercent(ratio)} NULLs (${formatCount(nulls)} of ${formatCount(profile.rows)} rows)`
  const message = `column ${column}: ${share}, ${passed ? 'within' : 'above'} null_ratio_max ${formatPercent(max)}`
  return { check: 'null_ratio_max', columns: [column], status: passed ? 'passed' : 'failed', expected: max, actual: ratio, message }
}

function unique(columns: readonly string[], tracker: UniqueTracker, rows: number, maxEntries: number | null): QualityCheckResult {
  const key = `unique_columns ${formatKey(columns)}`
  const withNull = rows - tracker.seen
  const nullNote = withNull > 0 ? ` (${formatCount(withNull)} rows with a NULL in the key not compared)` : ''
  const base = { check: 'unique_columns' as const, columns: [...columns], expected: 0, actual: tracker.duplicates }
  if (tracker.duplicates > 0) {
    const capNote = tracker.capped ? '; more may exist: the check stopped remembering keys at its cap' : ''
    return { ...base, status: 'failed', message: `${key}: ${formatCount(tracker.duplicates)} duplicate key(s) among ${formatCount(rows)} rows${nullNote}${capNote}` }
  }
  if (tracker.capped) {
    const cap = maxEntries !== null && tracker.distinct >= maxEntries ? `unique_max_entries ${formatCount(maxEntries)}` : `the tracker's limit of ${formatCount(tracker.distinct)}`
    return { ...base, status: 'skipped', message: `${key}: not concluded — no duplicate among the first ${formatCount(tracker.distinct)} distinct keys, then the check reached ${cap} and stopped remembering keys` }
  }
  return { ...base, status: 'passed', message: `${key}: no duplicate key among ${formatCount(rows)} rows${nullNote}` }
}
