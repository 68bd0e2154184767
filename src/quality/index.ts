/**
 * Data contracts of an export: schema drift against the last completed run, shape drift of the
 * text/json/binary columns, and the `quality:` gates (row counts, NULL ratios, unique keys).
 */
export { BatchProfiler } from './batch-profiler.js'
export { evaluateQuality } from './evaluate-quality.js'
export { formatCount, formatKey, formatPercent } from './format.js'
export { mergeProfiles } from './merge-profiles.js'
export { isWidthType, profileSpecFor } from './profile-spec.js'
export { checkQualityColumns } from './quality-columns.js'
export { qualityError, schemaDriftError } from './quality-errors.js'
export { qualityWarnings } from './quality-warnings.js'
export { rowKeys } from './row-keys.js'
export type { KeyColumns } from './row-keys.js'
export { describeDrift, diffSchema } from './schema-drift.js'
export { describeShapeGrowth, shapeGrowth } from './shape-growth.js'
export { MAX_TRACKER_SLOTS, UniqueTracker } from './unique-tracker.js'
export { XXH3_JS_MAX, xxh3BigInt, xxh3Into } from './xxh3.js'
export type {
  ProfileSpec,
  QualityCheckResult,
  ReadProfile,
  ResolvedQuality,
  SchemaDrift,
  SchemaDriftPolicy,
  ShapeGrowth,
} from './types.js'
