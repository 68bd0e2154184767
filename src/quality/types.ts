/**
 * The data-contract and drift vocabulary shared by the config, the extraction workers (which
 * profile each batch), the coordinator (which aggregates and judges) and the run summary.
 */

/** What to do when an export's columns differ from those of its last completed run. */
export type SchemaDriftPolicy = 'warn' | 'continue' | 'fail'

/** `quality:` of an export, resolved. Every check is optional. */
export interface ResolvedQuality {
  /** Fewer rows fail the run. */
  readonly rowCountMin: number | null
  /** More rows fail the run. */
  readonly rowCountMax: number | null
  /** Column name → the largest share of NULLs (0..1) allowed. */
  readonly nullRatioMax: Readonly<Record<string, number>>
  /** Each entry is one key that must be unique: one column, or several taken together. */
  readonly uniqueColumns: readonly (readonly string[])[]
  /** Most distinct keys remembered per unique check; past it the check stops (with a warning). Null: no cap. */
  readonly uniqueMaxEntries: number | null
}

/** What an extraction worker profiles, by column index in the plan's columns. */
export interface ProfileSpec {
  /** Columns whose largest value in bytes is tracked (text, json, binary). */
  readonly widthColumns: readonly number[]
  /** One entry per unique check: the indexes of its key columns. */
  readonly uniqueKeys: readonly (readonly number[])[]
}

/** What a read (a whole export, or one chunk) saw, column by column. */
export interface ReadProfile {
  readonly rows: number
  /** Column name → NULLs seen. Every column is counted. */
  readonly nulls: Readonly<Record<string, number>>
  /** Column name → largest value in bytes (width columns only). */
  readonly maxBytes: Readonly<Record<string, number>>
}

/** How the columns of a run differ from those of the export's last completed run. */
export interface SchemaDrift {
  /** The run the columns are compared with. */
  readonly baselineRunId: string
  readonly added: readonly { readonly name: string; readonly type: string; readonly sourceType: string }[]
  readonly removed: readonly { readonly name: string; readonly type: string; readonly sourceType: string }[]
  readonly retyped: readonly { readonly name: string; readonly from: { readonly type: string; readonly sourceType: string }; readonly to: { readonly type: string; readonly sourceType: string } }[]
}

/** A column whose largest value grew past `shape_drift_warn_factor` times the previous run's. */
export interface ShapeGrowth {
  readonly column: string
  readonly previousMaxBytes: number
  readonly maxBytes: number
  /** maxBytes / previousMaxBytes. */
  readonly factor: number
  readonly baselineRunId: string
}

/** The verdict of one quality check. */
export interface QualityCheckResult {
  /** `row_count_min`, `row_count_max`, `null_ratio_max`, `unique_columns`. */
  readonly check: 'row_count_min' | 'row_count_max' | 'null_ratio_max' | 'unique_columns'
  /** The column(s) checked, when the check is per column. */
  readonly columns?: readonly string[]
  /** passed; failed; skipped (the unique check hit its cap before the end and could not conclude). */
  readonly status: 'passed' | 'failed' | 'skipped'
  /** The threshold, as configured. */
  readonly expected: number | string
  /** What the run measured (rows, a ratio, duplicates found). */
  readonly actual: number
  /** One human line. */
  readonly message: string
}
