import type { ResolvedExport } from '../config/index.js'
import { toRivetError } from '../errors/index.js'
import type { RivetError } from '../errors/index.js'
import { renderSummaryMarkdown } from '../report/index.js'
import type { StateStore } from '../state/index.js'
import type { RunJournal } from './run-journal.js'
import type { QualityCheckResult, SchemaDrift, SchemaDriftPolicy, ShapeGrowth } from '../quality/types.js'

/**
 * The card every run ends with: what one export did, for people (the text card, the Markdown kept
 * with the state) and for machines (`--summary-output FILE`).
 */
export interface RunSummary {
  readonly exportName: string
  readonly runId: string
  readonly status: 'completed' | 'failed'
  readonly mode: string
  /** ISO 8601 times. */
  readonly startedAt: string
  readonly finishedAt: string
  readonly durationMs: number
  readonly rows: number
  readonly files: number
  readonly bytes: number
  /** Null when the run took no measurable time. */
  readonly rowsPerSec: number | null
  readonly peakRssBytes: number
  readonly retries: number
  /** Every warning the run logged, in order, without the `export NAME: warning:` prefix. */
  readonly warnings: readonly string[]
  /** How the columns differ from the last completed run's; null when they do not (or there is none). */
  readonly schemaDrift: SchemaDrift | null
  readonly schemaDriftPolicy: SchemaDriftPolicy
  /** Columns whose largest value grew past `shape_drift_warn_factor`. */
  readonly shapeGrowth: readonly ShapeGrowth[]
  /** The quality checks of the export (empty without `quality:`). */
  readonly quality: readonly QualityCheckResult[]
  readonly error: { readonly code: string; readonly message: string } | null
}

/** What a runner knows when it builds the summary of a run. */
export interface RunSummaryInput {
  readonly exp: ResolvedExport
  readonly runId: string
  readonly startedAt: Date
  readonly finishedAt: Date
  readonly rows: number
  readonly files: number
  readonly bytes: number
  readonly peakRssBytes: number
  readonly retries: number
  readonly warnings: readonly string[]
  readonly error: RivetError | null
  readonly schemaDrift?: SchemaDrift | null
  readonly shapeGrowth?: readonly ShapeGrowth[]
  readonly quality?: readonly QualityCheckResult[]
}

/** The summary of one run of one export. */
export function buildRunSummary(input: RunSummaryInput): RunSummary {
  const durationMs = Math.max(0, input.finishedAt.getTime() - input.startedAt.getTime())
  return {
    exportName: input.exp.name,
    runId: input.runId,
    status: input.error === null ? 'completed' : 'failed',
    mode: input.exp.mode,
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    durationMs,
    rows: input.rows,
    files: input.files,
    bytes: input.bytes,
    rowsPerSec: durationMs > 0 ? (input.rows * 1000) / durationMs : null,
    peakRssBytes: input.peakRssBytes,
    retries: input.retries,
    warnings: [...input.warnings],
    schemaDrift: input.schemaDrift ?? null,
    schemaDriftPolicy: input.exp.schemaDrift,
    shapeGrowth: [...(input.shapeGrowth ?? [])],
    quality: [...(input.quality ?? [])],
    error: input.error === null ? null : { code: input.error.code, message: input.error.message },
  }
}

/** Keep the run's summary (Markdown) with the state; a summary that cannot be kept never fails the run. */
export function keepSummary(state: StateStore, summary: RunSummary, journal: RunJournal): void {
  try {
    state.setRunSummary(summary.runId, renderSummaryMarkdown(summary))
  } catch (err) {
    journal.record('warning', `could not keep the run summary: ${toRivetError(err).message}`)
  }
}
