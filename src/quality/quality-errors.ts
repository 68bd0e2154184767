import { RivetError } from '../errors/index.js'
import { describeDrift } from './schema-drift.js'
import type { QualityCheckResult, SchemaDrift } from './types.js'

/** RIVET_QUALITY_FAILED (exit 3) for the failed checks of a run, each listed. */
export function qualityError(exportName: string, failed: readonly QualityCheckResult[]): RivetError {
  const count = failed.length === 1 ? 'a quality check' : `${failed.length} quality checks`
  return new RivetError('RIVET_QUALITY_FAILED', `export ${exportName}: ${count} failed: ${failed.map((r) => r.message).join('; ')}`, {
    details: { export: exportName, failed },
    items: failed.map((r) => ({ code: 'RIVET_QUALITY_FAILED' as const, path: r.columns === undefined ? r.check : `${r.check} ${r.columns.join(', ')}`, message: r.message })),
  })
}

/** RIVET_SCHEMA_DRIFT (exit 4) listing every column that changed since the baseline run. */
export function schemaDriftError(exportName: string, drift: SchemaDrift): RivetError {
  const lines = describeDrift(drift)
  return new RivetError('RIVET_SCHEMA_DRIFT', `export ${exportName}: the columns changed since run ${drift.baselineRunId}: ${lines.join('; ')}`, {
    hint: 'on_schema_drift is fail, so nothing was written. If the change is expected, update the consumers of the files first, then run once with on_schema_drift: warn (or continue): later runs compare with that run\'s columns',
    details: { export: exportName, drift },
  })
}
