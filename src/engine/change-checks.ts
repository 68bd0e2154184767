import type { ResolvedExport } from '../config/index.js'
import {
  UniqueTracker, checkQualityColumns, describeDrift, diffSchema, evaluateQuality, mergeProfiles, profileSpecFor, qualityError, qualityWarnings,
  schemaDriftError, shapeGrowth,
} from '../quality/index.js'
import type { ProfileSpec, QualityCheckResult, ReadProfile, SchemaDrift, ShapeGrowth } from '../quality/index.js'
import type { SchemaColumnRecord, StateStore } from '../state/index.js'
import { describeType } from '../types/index.js'
import type { ColumnSpec } from '../types/index.js'
import type { PipelineChecks } from './export-pipeline.js'
import type { RunJournal } from './run-journal.js'

/** How far back a run looks for the last completed run that recorded a schema or a shape. */
const BASELINE_RUNS = 50

/**
 * The change checks of one run: schema drift against the last completed run (before any data file
 * is written), shape drift and the `quality:` gates over what the read saw (before anything is
 * published or sealed). Chunks of a run feed one instance; a chunk's row keys count only once the
 * chunk has succeeded, so a retried chunk is not its own duplicate.
 */
export class ChangeChecks {
  drift: SchemaDrift | null = null
  growth: ShapeGrowth[] = []
  quality: QualityCheckResult[] = []
  private spec: ProfileSpec | null = null
  private profile: ReadProfile | null = null
  private uniques: UniqueTracker[] = []

  constructor(
    private readonly state: StateStore,
    private readonly exp: ResolvedExport,
    private readonly runId: string,
    private readonly journal: RunJournal,
  ) {}

  /**
   * Record the columns the run exports and compare them with the last completed run's: the
   * export's `on_schema_drift` decides between a warning, a note, and RIVET_SCHEMA_DRIFT (exit 4).
   * Also checks that the quality rules name columns the export returns.
   */
  checkSchema(columns: readonly ColumnSpec[]): void {
    checkQualityColumns(this.exp, columns)
    const schema: SchemaColumnRecord[] = columns.map((c) => ({ name: c.name, type: describeType(c.type), sourceType: c.sourceType, nullable: c.nullable }))
    this.state.setRunSchema(this.runId, schema)
    const baseline = this.baselineRuns().find((r) => r.schema !== null)
    this.drift = baseline === undefined ? null : diffSchema(baseline.schema!, baseline.runId, schema)
    if (this.drift === null) return
    const lines = describeDrift(this.drift)
    this.journal.record('drift', `schema drift since run ${this.drift.baselineRunId}: ${lines.join('; ')}`, { ...this.drift, policy: this.exp.schemaDrift })
    if (this.exp.schemaDrift === 'fail') throw schemaDriftError(this.exp.name, this.drift)
    for (const line of lines) {
      this.journal.log(`export ${this.exp.name}: ${this.exp.schemaDrift === 'warn' ? 'warning: ' : ''}schema drift since run ${this.drift.baselineRunId}: ${line}`)
    }
  }

  /** What the reads of this run profile, and where their row keys go; call once the columns are known. */
  start(columns: readonly ColumnSpec[]): void {
    this.spec = profileSpecFor(columns, this.exp.quality)
    this.uniques = this.spec.uniqueKeys.map(() => new UniqueTracker(this.exp.quality?.uniqueMaxEntries ?? null))
    this.profile = null
    if (this.exp.quality !== null) for (const warning of qualityWarnings(this.exp.quality)) this.journal.log(`export ${this.exp.name}: warning: ${warning}`)
  }

  /** The checks of one read (the whole export, or one chunk attempt): its keys wait for `accept`. */
  read(): { readonly checks: PipelineChecks; readonly accept: (profile: ReadProfile | undefined) => void } {
    const spec = this.spec
    if (spec === null) throw new Error('ChangeChecks.start() was not called')
    const pending: { check: number; keys: BigUint64Array }[] = []
    return {
      checks: { profile: spec, keys: (check, keys) => pending.push({ check, keys }) },
      accept: (profile) => {
        for (const { check, keys } of pending) this.uniques[check]!.add(keys)
        if (profile !== undefined) this.profile = this.profile === null ? profile : mergeProfiles(this.profile, profile)
      },
    }
  }

  /**
   * What the chunks read before an interruption saw, as their completion recorded it: a resumed run
   * judges NULLs and widths over every chunk (their row keys are not kept).
   */
  addEarlierChunks(profile: ReadProfile): void {
    this.profile = this.profile === null ? profile : mergeProfiles(this.profile, profile)
  }

  /**
   * After every row was read and before anything is published or sealed: shape growth as warnings,
   * then the quality gates — a failed gate is RIVET_QUALITY_FAILED (exit 3). `rows` is the run's
   * total (a resumed run counts the chunks read before the interruption too). `missing` says what a
   * resumed run lacks of those chunks: their row keys (unique checks are skipped), or their whole
   * profile (every check but the row counts is skipped).
   */
  judge(rows: number, missing: 'nothing' | 'keys' | 'profile'): void {
    const profile = this.profile ?? { rows: 0, nulls: {}, maxBytes: {} }
    const baseline = this.baselineRuns().find((r) => r.shape !== null)
    this.growth = this.exp.shapeDriftWarnFactor > 0 && baseline !== undefined ? shapeGrowth(baseline.shape, baseline.runId, profile.maxBytes, this.exp.shapeDriftWarnFactor) : []
    for (const g of this.growth) {
      this.journal.log(`export ${this.exp.name}: warning: shape drift: the largest value of ${g.column} grew ${g.factor.toFixed(1)}× (${g.previousMaxBytes} → ${g.maxBytes} bytes since run ${g.baselineRunId}; shape_drift_warn_factor ${this.exp.shapeDriftWarnFactor})`)
    }
    if (this.exp.quality === null) return
    const results = evaluateQuality(this.exp.quality, { ...profile, rows: missing === 'profile' ? rows : profile.rows }, this.uniques)
    const rowCount = (q: QualityCheckResult) => q.check === 'row_count_min' || q.check === 'row_count_max'
    const skip = (q: QualityCheckResult, why: string): QualityCheckResult => ({ ...q, status: 'skipped', message: `not judged: the run was resumed, and ${why}` })
    this.quality = results.map((q) =>
      missing === 'profile' && !rowCount(q)
        ? skip(q, 'the chunks read before the interruption were not profiled')
        : missing === 'keys' && q.check === 'unique_columns'
          ? skip(q, 'the row keys of the chunks read before the interruption are not kept')
          : q,
    )
    for (const q of this.quality) this.journal.record('quality', `${q.check}${q.columns ? ` (${q.columns.join(', ')})` : ''}: ${q.status}: ${q.message}`, { ...q })
    for (const q of this.quality.filter((r) => r.status === 'skipped')) this.journal.log(`export ${this.exp.name}: warning: quality check not concluded: ${q.message}`)
    const failed = this.quality.filter((q) => q.status === 'failed')
    if (failed.length > 0) throw qualityError(this.exp.name, failed)
  }

  /** Drift, shape growth and quality results, for the run summary. */
  outcome(): { schemaDrift: SchemaDrift | null; shapeGrowth: readonly ShapeGrowth[]; quality: readonly QualityCheckResult[] } {
    return { schemaDrift: this.drift, shapeGrowth: this.growth, quality: this.quality }
  }

  /** Keep what the next run compares with: this run's widths (its schema is already recorded). */
  recordShape(): void {
    if (this.profile !== null) this.state.setRunShape(this.runId, this.profile.maxBytes)
  }

  /** Drift and quality figures for the run's statistics (`rivet metrics`). */
  stats(): Record<string, unknown> {
    return {
      ...(this.drift === null ? {} : { schemaDrift: { added: this.drift.added.length, removed: this.drift.removed.length, retyped: this.drift.retyped.length } }),
      ...(this.growth.length === 0 ? {} : { shapeGrowth: this.growth.map((g) => g.column) }),
      ...(this.quality.length === 0 ? {} : { quality: { passed: count(this.quality, 'passed'), failed: count(this.quality, 'failed'), skipped: count(this.quality, 'skipped') } }),
    }
  }

  private baselineRuns() {
    return this.state.listRuns({ exportName: this.exp.name, status: 'completed', limit: BASELINE_RUNS }).filter((r) => r.runId !== this.runId)
  }
}

function count(results: readonly QualityCheckResult[], status: QualityCheckResult['status']): number {
  return results.filter((q) => q.status === status).length
}
