/** How much of the stored data `rivet validate` reads. */
export type ValidateDepth = 'light' | 'sample' | 'full'

/** The depths, lightest first. */
export const VALIDATE_DEPTHS: readonly ValidateDepth[] = ['light', 'sample', 'full']

/** Kinds of problem `rivet validate` reports; stable names, printed and in JSON. */
export type ValidateProblemKind =
  /** No `manifest-<run_id>.json` at the run's location. */
  | 'manifest_missing'
  /** The manifest is not JSON or lacks required fields. */
  | 'manifest_unreadable'
  /** The manifest names another run or export, lists a file twice, or its totals disagree with its files. */
  | 'manifest_mismatch'
  /** `_SUCCESS` or `manifest.json` do not name the latest run of their location. */
  | 'success_mismatch'
  | 'file_missing'
  | 'size_mismatch'
  | 'checksum_mismatch'
  | 'row_mismatch'
  /** The bytes cannot be read as the file's format (cut off, corrupt frame or footer). */
  | 'unreadable'
  /** The manifest lists a file the state does not record as committed for the run. */
  | 'not_in_state'
  /** The state records a committed file of the run that the manifest does not list. */
  | 'not_in_manifest'
  /** A file's rows, bytes, checksum or chunk differ between the manifest and the state. */
  | 'state_mismatch'

/** One problem found. */
export interface ValidateProblem {
  readonly kind: ValidateProblemKind
  /** The file it concerns, or null for the run as a whole. */
  readonly file: string | null
  readonly message: string
}

/** Rows written compared with rows in the source. */
export type RowStatus = 'ok' | 'missing_rows' | 'extra_rows'

/** The status of rows: `written` against `source`. */
export function rowStatus(source: number, written: number): RowStatus {
  if (written === source) return 'ok'
  return written < source ? 'missing_rows' : 'extra_rows'
}
