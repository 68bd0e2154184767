/**
 * The drift and `quality:` keys of an export: their cross-field rules (one small function each)
 * and their resolution into ResolvedExport fields.
 */
import type { ResolvedQuality, SchemaDriftPolicy } from '../quality/types.js'
import { getArray, getNumber, getObject, getString, INVALID, isMapping, isSet, type CleanObject } from './clean-tree.js'
import type { ConfigCheck } from './checks.js'
import { formatPath, type ConfigIssues, type ConfigPath } from './issues.js'
import { DEFAULT_SHAPE_DRIFT_WARN_FACTOR } from './schema.js'

type QualityRule = (quality: CleanObject, path: ConfigPath, issues: ConfigIssues) => void

/** Run a rule on the `quality:` block of every export that has one. */
function eachQuality(rule: QualityRule): ConfigCheck {
  return (config, issues) => {
    getArray(config, 'exports').forEach((exp, i) => {
      const quality = isMapping(exp) ? getObject(exp, 'quality') : undefined
      if (quality !== undefined) rule(quality, ['exports', i, 'quality'], issues)
    })
  }
}

/** `row_count_max` below `row_count_min` can never pass. */
export const checkRowCountRange: ConfigCheck = eachQuality((quality, path, issues) => {
  const min = getNumber(quality, 'row_count_min')
  const max = getNumber(quality, 'row_count_max')
  if (min === undefined || max === undefined || max >= min) return
  const where = [...path, 'row_count_max']
  issues.add('RIVET_CONFIG_CONFLICT', where, `${formatPath(where)} (${max}) conflicts with ${formatPath([...path, 'row_count_min'])} (${min}): no row count could pass both`, 'make row_count_max at least row_count_min')
})

/** One entry of `unique_columns` as a list of columns; undefined when it is invalid (already reported). */
function keyColumns(entry: unknown): string[] | undefined {
  if (typeof entry === 'string') return [entry]
  if (Array.isArray(entry) && entry.length > 0 && entry.every((c) => typeof c === 'string')) return entry as string[]
  return undefined
}

const describeKey = (columns: readonly string[]): string => (columns.length === 1 ? columns[0] : `(${columns.join(', ')})`)

/** The same key twice (`id` and `[id]`, or the same columns in another order) is a mistake. */
export const checkUniqueColumnsRepeat: ConfigCheck = eachQuality((quality, path, issues) => {
  const first = new Map<string, number>()
  getArray(quality, 'unique_columns').forEach((entry, index) => {
    const columns = keyColumns(entry)
    if (columns === undefined) return
    // a unique constraint does not depend on the order of its columns
    const id = JSON.stringify([...columns].sort())
    const seen = first.get(id)
    if (seen === undefined) {
      first.set(id, index)
      return
    }
    const list = [...path, 'unique_columns']
    const where = [...list, index]
    issues.add('RIVET_CONFIG_FORMAT', where, `${formatPath(where)}: ${describeKey(columns)} repeats ${formatPath([...list, seen])}`, `list each key of ${formatPath(list)} once`)
  })
})

/** `unique_max_entries` caps the `unique_columns` checks; alone it does nothing. */
export const checkUniqueMaxEntries: ConfigCheck = eachQuality((quality, path, issues) => {
  if (!isSet(quality, 'unique_max_entries') || isSet(quality, 'unique_columns')) return
  const where = [...path, 'unique_columns']
  issues.add('RIVET_CONFIG_MISSING', where, `${formatPath(where)} is required with ${formatPath([...path, 'unique_max_entries'])}`, 'unique_max_entries caps the keys the unique_columns checks remember: add unique_columns or remove unique_max_entries')
})

/** The rules of the `quality:` block. */
export const QUALITY_CHECKS: readonly ConfigCheck[] = [checkRowCountRange, checkUniqueColumnsRepeat, checkUniqueMaxEntries]

/** `quality:` resolved; null when the block is absent or sets no check. */
export function resolveQuality(exp: CleanObject): ResolvedQuality | null {
  const quality = getObject(exp, 'quality')
  if (quality === undefined) return null
  const nullRatioMax: Record<string, number> = {}
  for (const [column, ratio] of Object.entries(getObject(quality, 'null_ratio_max') ?? {})) {
    if (typeof ratio === 'number') nullRatioMax[column] = ratio
  }
  const uniqueColumns = getArray(quality, 'unique_columns')
    .map((entry) => (entry === INVALID ? undefined : keyColumns(entry)))
    .filter((columns): columns is string[] => columns !== undefined)
  const resolved: ResolvedQuality = {
    rowCountMin: getNumber(quality, 'row_count_min') ?? null,
    rowCountMax: getNumber(quality, 'row_count_max') ?? null,
    nullRatioMax,
    uniqueColumns,
    uniqueMaxEntries: getNumber(quality, 'unique_max_entries') ?? null,
  }
  const checks = (resolved.rowCountMin === null ? 0 : 1) + (resolved.rowCountMax === null ? 0 : 1) + Object.keys(nullRatioMax).length + uniqueColumns.length
  return checks === 0 ? null : resolved
}

/** The drift keys of an export, resolved. */
export function resolveDriftKeys(exp: CleanObject): { schemaDrift: SchemaDriftPolicy; shapeDriftWarnFactor: number } {
  return {
    schemaDrift: (getString(exp, 'on_schema_drift') ?? 'warn') as SchemaDriftPolicy,
    shapeDriftWarnFactor: getNumber(exp, 'shape_drift_warn_factor') ?? DEFAULT_SHAPE_DRIFT_WARN_FACTOR,
  }
}
