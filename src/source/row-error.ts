import { RivetError, isRivetError } from '../errors/index.js'
import type { RowKeyPlan } from '../plan/export-plan.js'
import type { ColumnSpec } from '../types/index.js'

/** Longest value text an error message quotes. */
export const VALUE_PREVIEW_CHARS = 60

/** `text` cut to VALUE_PREVIEW_CHARS characters, marked with … when cut. */
export function shortenValue(text: string): string {
  return text.length > VALUE_PREVIEW_CHARS ? `${text.slice(0, VALUE_PREVIEW_CHARS)}…` : text
}

/** The failing row as the decoder sees it. */
export interface FailedRow {
  /** The column whose value failed. */
  readonly column: ColumnSpec
  /** 1-based position of the row in this read (one statement sequence on one connection). */
  readonly position: number
  readonly rowKey: RowKeyPlan | undefined
  /** Texts of the key columns (null for SQL NULL), in `rowKey.columns` order; null without a key. */
  readonly keyValues: readonly (string | null)[] | null
  /** Names of the source columns (to name the key columns). */
  readonly columnNames: readonly string[]
}

const KEY_WORDS: Readonly<Record<RowKeyPlan['from'], string>> = {
  unique_key: 'unique_key',
  primary_key: 'primary key',
  chunk_column: 'chunk column',
}

/**
 * A data error (RIVET_DATA_*) thrown while decoding one value, rebuilt to name its row: the key
 * values (or the row's position in the read), the column and its override. Only the key columns
 * and the failing value are quoted, never other values of the row. Under an override, a value
 * that is malformed for the override's type is RIVET_DATA_VALUE_OUT_OF_RANGE: the data does not
 * fit the override. Other errors pass through unchanged.
 */
export function rowDataError(err: unknown, row: FailedRow): unknown {
  if (!isRivetError(err) || !err.code.startsWith('RIVET_DATA_') || err.details.row !== undefined) return err
  const { column } = row
  const q = JSON.stringify(column.name)
  const override = column.override
  const misfit = override !== undefined && err.code === 'RIVET_DATA_DECODE'
  // the decoders' messages start with `column "<name>"`: the override goes right after the name
  let rest = err.message.startsWith(`column ${q}`) ? err.message.slice(`column ${q}`.length) : `: ${err.message}`
  if (misfit) rest = `: value ${JSON.stringify(shortenValue(String(err.details.value ?? '')))} is not a valid ${override}`
  const where = describeRow(row)
  const message = `${where.text}: column ${q}${override === undefined ? '' : ` (override ${override})`}${rest}`
  const hint = misfit
    ? `fix the value, cast or filter it in a \`query:\`, or choose an override that holds it (\`columns: { ${q}: text }\` keeps any value)`
    : err.hint
  return new RivetError(misfit ? 'RIVET_DATA_VALUE_OUT_OF_RANGE' : err.code, message, {
    hint,
    details: { ...err.details, column: column.name, ...(override === undefined ? {} : { override }), row: where.details },
    cause: err,
  })
}

function describeRow(row: FailedRow): { text: string; details: Record<string, unknown> } {
  const key = row.rowKey
  if (key === undefined || row.keyValues === null) {
    return {
      text: `row ${row.position} of the read (the export has no unique_key, primary key or chunk column to name it by)`,
      details: { position: row.position },
    }
  }
  const names = key.columns.map((i) => row.columnNames[i] ?? `#${i + 1}`)
  const pairs = names.map((n, k) => `${n}=${formatKeyValue(row.keyValues![k] ?? null)}`)
  return {
    text: `row with ${KEY_WORDS[key.from]} ${pairs.join(', ')}`,
    details: { [key.from]: Object.fromEntries(names.map((n, k) => [n, row.keyValues![k] ?? null])) },
  }
}

/** A key value in a message: bare when it is a plain token, else quoted; NULL for SQL NULL. */
function formatKeyValue(v: string | null): string {
  if (v === null) return 'NULL'
  const short = shortenValue(v)
  return /^[\w.:+-]+$/.test(short) ? short : JSON.stringify(short)
}
