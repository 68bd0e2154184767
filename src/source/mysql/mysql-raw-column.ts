import type { ColumnOrigin } from '../override-keys.js'

/**
 * What Rivet knows about a MySQL/MariaDB column before mapping it to a RivetType: read from
 * information_schema.COLUMNS for a table, or derived from the result-set field packets of a query.
 */
export interface MysqlRawColumn {
  readonly name: string
  /** information_schema DATA_TYPE, lower case: `int`, `bigint`, `decimal`, `varchar`, `datetime`, `json`, ... */
  readonly dataType: string
  /** information_schema COLUMN_TYPE, lower case: `int(10) unsigned`, `tinyint(1)`, `enum('a','b')`, `decimal(18,4)`, `bit(1)`. */
  readonly columnType: string
  readonly nullable: boolean
  /** NUMERIC_PRECISION (decimal digits; bits for BIT), or null. */
  readonly numericPrecision: number | null
  /** NUMERIC_SCALE, or null. */
  readonly numericScale: number | null
  /** DATETIME_PRECISION (fractional-second digits 0..6), or null. */
  readonly datetimePrecision: number | null
  /** CHARACTER_SET_NAME (`utf8mb4`, `latin1`, `binary`...), null for non-string types. */
  readonly characterSet: string | null
  /** The table column it is read from (`table.col` override keys match it); absent for query expressions. */
  readonly origin?: ColumnOrigin
  /** Whether the server compares table names ignoring case (lower_case_table_names 1 or 2). */
  readonly tableNamesIgnoreCase?: boolean
}
