import { RivetError } from '../errors/index.js'
import type { ColumnSpec, RivetType } from '../types/index.js'

/**
 * How a column of a Rivet Parquet file lands in BigQuery, and how to get the type it should have.
 *
 * The load modelled is `bq load --source_format=PARQUET --parquet_enable_list_inference=true`
 * with every other option at its default (schema from the file, decimal_target_types unset).
 * Sources of the rules, cited per row below:
 *
 * [BQ-PARQUET] BigQuery, "Loading Parquet data from Cloud Storage" § Parquet conversions: BOOLEAN →
 *   BOOL; INT32/INT64 (none or INTEGER INT_8..INT_64, UINT_8..UINT_64) → INT64; FLOAT/DOUBLE →
 *   FLOAT64; BYTE_ARRAY → BYTES, with STRING (UTF8) → STRING; FIXED_LEN_BYTE_ARRAY → BYTES; DATE →
 *   DATE; TIMESTAMP → TIMESTAMP; DECIMAL → NUMERIC, BIGNUMERIC or STRING (see [BQ-DECIMAL]). The
 *   JSON and UUID annotations are not in that table: the columns load by their physical type.
 *   https://cloud.google.com/bigquery/docs/loading-data-cloud-storage-parquet#parquet_conversions
 * [BQ-DECIMAL] BigQuery API, JobConfigurationLoad.decimalTargetTypes: "In the order of NUMERIC,
 *   BIGNUMERIC, and STRING, a type is picked if it is in the specified list and if it supports the
 *   precision and the scale … If none of the listed types supports the precision and the scale,
 *   the type supporting the widest range in the specified list is picked, and if a value exceeds
 *   the supported range when reading the data, an error will be thrown … Defaults to
 *   ["NUMERIC", "STRING"] for ORC and ["NUMERIC"] for the other file formats."
 *   https://cloud.google.com/bigquery/docs/reference/rest/v2/Job#JobConfigurationLoad
 * [BQ-TYPES] BigQuery data types: NUMERIC is precision 38, scale 9 (29 integer digits);
 *   BIGNUMERIC precision 76.76, scale 38 (38 whole integer digits); INT64 tops at 2^63 − 1;
 *   arrays cannot hold NULL elements and an ARRAY column is never NULL (NULL loads as []).
 *   https://cloud.google.com/bigquery/docs/reference/standard-sql/data-types
 * [BQ-LIST] BigQuery Parquet options, enable_list_inference: a 3-level LIST group loads as a
 *   REPEATED field instead of a RECORD holding a repeated `list` group.
 * [RIVET-LIVE] The reference Rivet's live BigQuery load matrix (docs/type-mapping.md, "BigQuery
 *   autoload & recovery (verified live)", github.com/panchenkoai/rivet), for files written by the
 *   same arrow-rs writer: JSON → BYTES (recovered with PARSE_JSON(SAFE_CONVERT_BYTES_TO_STRING(c)));
 *   UUID → BYTES (16 raw bytes); a timestamp with isAdjustedToUTC=false → TIMESTAMP, read as a UTC
 *   instant (recovered with DATETIME(c)); TIME(MICROS) → TIME; UINT64 → INT64, overflowing above
 *   2^63 − 1 with no recovery after the load; and lists, whose element Rivet's writer names `item`
 *   rather than `element`, → REPEATED RECORD<item> even with list inference.
 */

/** What a BigQuery load of one column gives, and what the column should be. */
export interface BigQueryColumnType {
  /** The BigQuery type that holds the source's values with their meaning, e.g. `JSON`, `DATETIME`. */
  readonly expected: string
  /** The type the Parquet load gives the column. */
  readonly loaded: string
  /** True when the loaded column cannot hold every value exactly (or no BigQuery type can). */
  readonly loss: boolean
  /** SQL over the loaded column that yields the expected type; null when none is needed or none exists. */
  readonly recovery: string | null
  /** What else to know: load options, value ranges, the override that avoids the problem. */
  readonly note: string | null
}

/** The load command the mapping assumes. */
export const BIGQUERY_LOAD_COMMAND = 'bq load --source_format=PARQUET --parquet_enable_list_inference=true'

/** NUMERIC: 38 digits, 9 after the point [BQ-TYPES]. */
export const BIGQUERY_NUMERIC = { precision: 38, scale: 9 } as const
/** BIGNUMERIC: 76.76 digits, 38 after the point; 38 whole integer digits [BQ-TYPES]. */
export const BIGQUERY_BIGNUMERIC = { integerDigits: 38, scale: 38 } as const

/** One row of the mapping table: the Rivet types it covers and what BigQuery makes of them. */
export interface BigQueryRule {
  /** The Rivet types the row covers, as docs/type-report.md lists them. */
  readonly rivet: string
  readonly applies: (t: RivetType, column: ColumnSpec) => boolean
  readonly map: (t: RivetType, column: ColumnSpec) => Omit<BigQueryColumnType, 'recovery'> & { readonly recovery: ((col: string) => string) | null }
  /** Where the rule comes from (see the list at the top of this file). */
  readonly source: string
}

const same = (type: string, note: string | null = null) => ({ expected: type, loaded: type, loss: false, recovery: null, note })

/** Whether decimal(p,s) fits NUMERIC. */
export function fitsNumeric(precision: number, scale: number): boolean {
  return scale <= BIGQUERY_NUMERIC.scale && precision - scale <= BIGQUERY_NUMERIC.precision - BIGQUERY_NUMERIC.scale
}

/** Whether decimal(p,s) fits BIGNUMERIC. */
export function fitsBignumeric(precision: number, scale: number): boolean {
  return scale <= BIGQUERY_BIGNUMERIC.scale && precision - scale <= BIGQUERY_BIGNUMERIC.integerDigits
}

/** `bigint unsigned` as MySQL writes it (`bigint(20) unsigned`, `bigint unsigned zerofill`). */
const UNSIGNED_BIGINT = /^bigint\b(\s*\(\s*\d+\s*\))?\s+unsigned\b/i
/** Decimal source types carried as text: PostgreSQL bare `numeric`, MySQL decimals of unknown precision. */
const UNBOUNDED_DECIMAL = /^(numeric|decimal)$/i

const isKind = <K extends RivetType['kind']>(kind: K) => (t: RivetType): t is Extract<RivetType, { kind: K }> => t.kind === kind

/**
 * The mapping table: the first row whose `applies` matches a (scalar) type wins; lists apply it to
 * their items. Every Rivet type kind has a row.
 */
export const BIGQUERY_RULES: readonly BigQueryRule[] = [
  { rivet: 'bool', applies: isKind('bool'), map: () => same('BOOL'), source: '[BQ-PARQUET]' },
  {
    rivet: 'uint64',
    applies: (t) => t.kind === 'int' && t.bits === 64 && !t.signed,
    map: (_t, c) => ({
      expected: 'NUMERIC',
      loaded: 'INT64',
      loss: true,
      recovery: null,
      note: `values above 9223372036854775807 do not fit INT64, and no SQL recovers them after the load: export the column with \`columns: { ${JSON.stringify(c.name)}: "decimal(20,0)" }\` (loads as NUMERIC)`,
    }),
    source: '[BQ-PARQUET] UINT_64 → INT64; [RIVET-LIVE] overflow; [BQ-TYPES] 20 digits fit NUMERIC',
  },
  { rivet: 'int8 … int64, uint8 … uint32', applies: isKind('int'), map: () => same('INT64'), source: '[BQ-PARQUET]' },
  { rivet: 'float32, float64', applies: isKind('float'), map: () => same('FLOAT64', null), source: '[BQ-PARQUET] (every float32 is a float64)' },
  {
    rivet: 'decimal(p,s) with s ≤ 9 and p − s ≤ 29',
    applies: (t) => t.kind === 'decimal' && fitsNumeric(t.precision, t.scale),
    map: () => same('NUMERIC'),
    source: '[BQ-DECIMAL] default ["NUMERIC"]; [BQ-TYPES]',
  },
  {
    rivet: 'decimal(p,s) with s ≤ 38 and p − s ≤ 38, beyond NUMERIC',
    applies: (t) => t.kind === 'decimal' && fitsBignumeric(t.precision, t.scale),
    map: () => ({
      expected: 'BIGNUMERIC',
      loaded: 'NUMERIC',
      loss: false,
      recovery: null,
      note: 'load with --decimal_target_types=NUMERIC,BIGNUMERIC: by default BigQuery picks NUMERIC, and a value NUMERIC cannot hold fails the load',
    }),
    source: '[BQ-DECIMAL] default ["NUMERIC"], widest listed type picked; [BQ-TYPES]',
  },
  {
    rivet: 'decimal(p,s) with s > 38 or p − s > 38',
    applies: isKind('decimal'),
    map: () => ({
      expected: 'STRING',
      loaded: 'NUMERIC',
      loss: true,
      recovery: null,
      note: 'no BigQuery number holds every value: load with --decimal_target_types=NUMERIC,BIGNUMERIC,STRING to keep the exact text, or narrow it with a `columns:` decimal(p,s) override (s ≤ 38, p − s ≤ 38)',
    }),
    source: '[BQ-DECIMAL]; [BQ-TYPES]',
  },
  {
    rivet: 'utf8 from MySQL bigint unsigned (text override)',
    applies: (t, c) => t.kind === 'utf8' && UNSIGNED_BIGINT.test(c.sourceType.trim()),
    map: () => ({ expected: 'NUMERIC', loaded: 'STRING', loss: false, recovery: (col) => `CAST(${col} AS NUMERIC)`, note: 'every value 0 … 18446744073709551615 fits NUMERIC' }),
    source: '[BQ-PARQUET] STRING; [BQ-TYPES]',
  },
  {
    rivet: 'utf8 from a bare numeric / decimal (text override)',
    applies: (t, c) => t.kind === 'utf8' && UNBOUNDED_DECIMAL.test(c.sourceType.trim()),
    map: () => ({
      expected: 'BIGNUMERIC',
      loaded: 'STRING',
      loss: false,
      recovery: (col) => `SAFE_CAST(${col} AS BIGNUMERIC)`,
      note: 'SAFE_CAST gives NULL for a value BIGNUMERIC cannot hold (NaN, more than 38 digits either side of the point): keep the STRING column if any exist',
    }),
    source: '[BQ-PARQUET] STRING; [BQ-TYPES]',
  },
  { rivet: 'utf8', applies: isKind('utf8'), map: () => same('STRING'), source: '[BQ-PARQUET] BYTE_ARRAY STRING → STRING' },
  { rivet: 'binary', applies: isKind('binary'), map: () => same('BYTES'), source: '[BQ-PARQUET] BYTE_ARRAY → BYTES' },
  {
    rivet: 'uuid',
    applies: isKind('uuid'),
    map: () => ({ expected: 'STRING', loaded: 'BYTES', loss: false, recovery: uuidText, note: 'BigQuery has no UUID type; the 16 bytes load as they are' }),
    source: '[BQ-PARQUET] FIXED_LEN_BYTE_ARRAY → BYTES; [RIVET-LIVE]',
  },
  {
    rivet: 'json',
    applies: isKind('json'),
    map: () => ({
      expected: 'JSON',
      loaded: 'BYTES',
      loss: false,
      recovery: (col) => `PARSE_JSON(SAFE_CONVERT_BYTES_TO_STRING(${col}))`,
      note: 'BigQuery does not read the Parquet JSON annotation, and a load into a JSON column is refused: convert after the load',
    }),
    source: '[BQ-PARQUET] BYTE_ARRAY → BYTES; [RIVET-LIVE]',
  },
  { rivet: 'date', applies: isKind('date'), map: () => same('DATE', 'BigQuery holds years 1 … 9999: a row outside fails the load'), source: '[BQ-PARQUET]' },
  { rivet: 'time', applies: isKind('time'), map: () => same('TIME'), source: '[RIVET-LIVE] TIME(MICROS) → TIME' },
  {
    rivet: 'timestamp (UTC)',
    applies: (t) => t.kind === 'timestamp' && t.tz !== null,
    map: () => same('TIMESTAMP', 'BigQuery holds years 1 … 9999: a row outside fails the load'),
    source: '[BQ-PARQUET]',
  },
  {
    rivet: 'timestamp (wall clock)',
    applies: isKind('timestamp'),
    map: () => ({
      expected: 'DATETIME',
      loaded: 'TIMESTAMP',
      loss: false,
      recovery: (col) => `DATETIME(${col})`,
      note: 'the wall-clock value loads as if it were UTC; DATETIME(col) (time zone UTC) gives it back unchanged',
    }),
    source: '[BQ-PARQUET] TIMESTAMP → TIMESTAMP; [RIVET-LIVE] isAdjustedToUTC=false → TIMESTAMP',
  },
]

/** Quote a BigQuery column name. */
export function quoteBigQueryIdent(name: string): string {
  return `\`${name.replace(/[`\\]/g, (c) => `\\${c}`)}\``
}

/** 16 UUID bytes as the canonical 8-4-4-4-12 lowercase text. */
function uuidText(col: string): string {
  return `REGEXP_REPLACE(TO_HEX(${col}), r'^(.{8})(.{4})(.{4})(.{4})(.{12})$', r'\\1-\\2-\\3-\\4-\\5')`
}

/** What BigQuery makes of one output column (a list applies its item's rule to every element). */
export function bigQueryTypeOf(column: ColumnSpec): BigQueryColumnType {
  const col = quoteBigQueryIdent(column.name)
  if (column.type.kind !== 'list') {
    const { recovery, ...rest } = ruleFor(column.type, column).map(column.type, column)
    return { ...rest, recovery: recovery === null ? null : recovery(col) }
  }
  const item = column.type.item
  const { recovery, ...rest } = ruleFor(item, column).map(item, column)
  const element = recovery === null ? 'el.item' : recovery('el.item')
  // [RIVET-LIVE]: the element is named `item`, so list inference still leaves a RECORD per element
  return {
    expected: `ARRAY<${rest.expected}>`,
    loaded: `ARRAY<STRUCT<item ${rest.loaded}>>`,
    loss: rest.loss,
    recovery: `ARRAY(SELECT ${element} FROM UNNEST(${col}) AS el WITH OFFSET AS i ORDER BY i)`,
    note: [
      rest.note,
      'BigQuery arrays hold no NULL: a NULL list loads as [], and the recovery fails on a NULL element (keep the STRUCT form if the list has them)',
    ].filter((n) => n !== null).join('; '),
  }
}

function ruleFor(t: RivetType, column: ColumnSpec): BigQueryRule {
  const rule = BIGQUERY_RULES.find((r) => r.applies(t, column))
  // every scalar kind has a row; a list of lists cannot come out of the sources
  if (rule === undefined) throw new RivetError('RIVET_INTERNAL', `column ${column.name}: no BigQuery rule for type ${t.kind}`)
  return rule
}
