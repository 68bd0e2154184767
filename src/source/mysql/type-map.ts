import { formatColumnOverride } from '../../config/column-override.js'
import type { ColumnOverride } from '../../config/index.js'
import { ERROR_CODES, RivetError, type ErrorCode, type ErrorItem } from '../../errors/index.js'
import type { ColumnSpec, RivetType, TypeFidelity } from '../../types/index.js'
import { matchColumnOverrides } from '../override-keys.js'
import { mysqlDecoderId, quoteMysqlIdentifier, type MysqlDecoderKind } from './decode/index.js'
import type { MysqlRawColumn } from './mysql-raw-column.js'

/** Widest decimal Arrow/Parquet can hold (decimal256); MySQL's own limit is 65. */
export const MYSQL_MAX_DECIMAL_PRECISION = 76

/** A MySQL/MariaDB column type Rivet can export. */
export interface MysqlMappedType {
  readonly type: RivetType
  /** `mysql:<kind>` (see MysqlDecoderKind). */
  readonly decoder: string
  readonly fidelity: TypeFidelity
}

/** Why a column type cannot be exported as it is. */
export type MysqlTypeProblem =
  | { readonly problem: 'unsupported' }
  /** decimal whose precision is unknown (a query expression). */
  | { readonly problem: 'unbounded' }
  | { readonly problem: 'too_wide'; readonly precision: number; readonly scale: number }

/** What a column is, as far as mapping and overrides are concerned. */
type Family =
  | 'bool'
  | 'bit1'
  | 'int'
  | 'year'
  | 'decimal'
  | 'float'
  | 'double'
  | 'date'
  | 'datetime'
  | 'timestamp'
  | 'time'
  | 'text'
  | 'enum'
  | 'binary'
  | 'json'
  | 'bit'
  | 'uuid'
  | 'inet'
  | 'geometry'
  | 'unknown'

const INT_BITS: Readonly<Record<string, 8 | 16 | 32 | 64>> = { tinyint: 8, smallint: 16, mediumint: 32, int: 32, integer: 32, bigint: 64 }
const TEXT = new Set(['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext'])
const BINARY = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob'])
const GEOMETRY = new Set(['geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon', 'geometrycollection', 'geomcollection'])
const SIMPLE_FAMILIES: Readonly<Record<string, Family>> = {
  float: 'float',
  double: 'double',
  real: 'double',
  'double precision': 'double',
  date: 'date',
  datetime: 'datetime',
  timestamp: 'timestamp',
  time: 'time',
  year: 'year',
  json: 'json',
  uuid: 'uuid',
  inet4: 'inet',
  inet6: 'inet',
}

const utf8: RivetType = { kind: 'utf8' }
/** Decoders that write zero dates (`0000-00-00`, `2024-00-10`) as NULL. */
const ZERO_DATE_DECODERS: ReadonlySet<string> = new Set([mysqlDecoderId('date'), mysqlDecoderId('datetime')])
const m = (type: RivetType, kind: MysqlDecoderKind, fidelity: TypeFidelity = 'exact'): MysqlMappedType => ({ type, decoder: mysqlDecoderId(kind), fidelity })

/**
 * Map catalog or result-set columns to output columns, applying `columns:` overrides. Every
 * column that cannot be exported is collected and reported in ONE error, as mapPgColumns does:
 * RIVET_TYPE_UNSUPPORTED, RIVET_TYPE_NUMERIC_UNBOUNDED or RIVET_TYPE_OVERRIDE_INVALID when all
 * problems are of that kind, RIVET_TYPE_UNSUPPORTED (each item keeping its own code) when mixed.
 */
export function mapMysqlColumns(cols: readonly MysqlRawColumn[], overrides: Readonly<Record<string, ColumnOverride>> = {}): ColumnSpec[] {
  const rule = cols.some((c) => c.tableNamesIgnoreCase === true) ? 'nocase' : 'exact'
  const { matches, items: keyItems } = matchColumnOverrides(cols, overrides, rule)
  const items: ErrorItem[] = []
  const specs: ColumnSpec[] = []
  cols.forEach((col, i) => {
    const spec = mapColumn(col, matches[i]?.override, items)
    if (spec !== null) specs.push(spec)
  })
  items.push(...keyItems)
  if (items.length > 0) throw typeError(items)
  return specs
}

function mapColumn(col: MysqlRawColumn, override: ColumnOverride | undefined, items: ErrorItem[]): ColumnSpec | null {
  const mapped = override === undefined ? mapMysqlType(col) : applyMysqlOverride(override, col)
  if ('error' in mapped) {
    items.push({ code: 'RIVET_TYPE_OVERRIDE_INVALID', path: col.name, message: `column "${col.name}" (${col.columnType}): ${mapped.error}` })
    return null
  }
  if ('problem' in mapped) {
    items.push(problemItem(col, mapped))
    return null
  }
  // a zero date is written as NULL even in a NOT NULL column, and Parquet refuses NULLs in a required column
  const spec: ColumnSpec = { name: col.name, nullable: col.nullable || ZERO_DATE_DECODERS.has(mapped.decoder), sourceType: col.columnType, ...mapped }
  return override === undefined ? spec : { ...spec, override: formatColumnOverride(override) }
}

/** The natural mapping of one column type, or why it has none. */
export function mapMysqlType(col: MysqlRawColumn): MysqlMappedType | MysqlTypeProblem {
  const family = familyOf(col)
  switch (family) {
    case 'bool':
      return m({ kind: 'bool' }, 'bool')
    case 'bit1':
      return m({ kind: 'bool' }, 'bit-bool')
    case 'int':
      return m({ kind: 'int', bits: INT_BITS[col.dataType.toLowerCase()], signed: !isUnsigned(col) }, 'int')
    case 'year':
      return m({ kind: 'int', bits: 16, signed: true }, 'int')
    case 'decimal':
      return mapDecimal(col)
    case 'float':
      return m({ kind: 'float', bits: 32 }, 'float')
    case 'double':
      return m({ kind: 'float', bits: 64 }, 'double')
    case 'date':
      return m({ kind: 'date' }, 'date')
    case 'datetime':
      return m({ kind: 'timestamp', tz: null }, 'datetime')
    case 'timestamp':
      return m({ kind: 'timestamp', tz: 'UTC' }, 'datetime')
    case 'time':
      return m({ kind: 'time' }, 'time')
    case 'text':
      return m(utf8, 'text')
    case 'enum':
    case 'inet':
      return m(utf8, 'text', 'compatible')
    case 'binary':
      return m({ kind: 'binary' }, 'binary')
    case 'json':
      return m({ kind: 'json' }, 'json')
    case 'bit':
      // BIT(64) holds values up to 2^64 - 1: only uint64 keeps them all
      return m({ kind: 'int', bits: 64, signed: bitWidth(col) < 64 }, 'bit')
    case 'uuid':
      return m({ kind: 'uuid' }, 'uuid')
    case 'geometry':
    case 'unknown':
      return { problem: 'unsupported' }
  }
}

function familyOf(col: MysqlRawColumn): Family {
  const t = col.dataType.toLowerCase()
  const binaryCharset = col.characterSet?.toLowerCase() === 'binary'
  if (t === 'bool' || t === 'boolean' || (t === 'tinyint' && /^tinyint\(1\)/i.test(col.columnType))) return 'bool'
  if (INT_BITS[t] !== undefined) return 'int'
  if (t === 'decimal' || t === 'numeric' || t === 'dec' || t === 'fixed') return 'decimal'
  if (t === 'bit') return bitWidth(col) === 1 ? 'bit1' : 'bit'
  if (TEXT.has(t)) return binaryCharset ? 'binary' : 'text'
  if (t === 'enum' || t === 'set') return binaryCharset ? 'binary' : 'enum'
  if (BINARY.has(t)) return 'binary'
  if (GEOMETRY.has(t)) return 'geometry'
  return SIMPLE_FAMILIES[t] ?? 'unknown'
}

function isUnsigned(col: MysqlRawColumn): boolean {
  return /\bunsigned\b/i.test(col.columnType)
}

/** Bits of a BIT column: NUMERIC_PRECISION, else the `bit(n)` in the column type; BIT alone is BIT(1). */
function bitWidth(col: MysqlRawColumn): number {
  if (col.numericPrecision !== null) return col.numericPrecision
  const match = /^bit\s*\(\s*(\d+)\s*\)/i.exec(col.columnType)
  return match === null ? 1 : Number(match[1])
}

/** decimal(p,s) from NUMERIC_PRECISION/SCALE, else from the column type (bare `decimal` is decimal(10,0)). */
function decimalOf(col: MysqlRawColumn): { precision: number; scale: number } | null {
  if (col.numericPrecision !== null) return { precision: col.numericPrecision, scale: col.numericScale ?? 0 }
  const match = /^(?:decimal|numeric|dec|fixed)\b\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?/i.exec(col.columnType)
  if (match === null) return null
  if (match[1] === undefined) return { precision: 10, scale: 0 }
  return { precision: Number(match[1]), scale: match[2] === undefined ? 0 : Number(match[2]) }
}

function mapDecimal(col: MysqlRawColumn): MysqlMappedType | MysqlTypeProblem {
  const ps = decimalOf(col)
  if (ps === null) return { problem: 'unbounded' }
  const precision = Math.max(ps.precision, ps.scale, 1)
  if (precision > MYSQL_MAX_DECIMAL_PRECISION) return { problem: 'too_wide', precision: ps.precision, scale: ps.scale }
  return m({ kind: 'decimal', precision, scale: ps.scale }, 'decimal')
}

/**
 * Apply a `columns:` override. Every value arrives as text (or raw bytes), so most overrides
 * re-read that text with another decoder; a few need a server-side rendering (see
 * mysqlSelectExpression). Returns the mapping, or a sentence saying why the override cannot apply.
 */
export function applyMysqlOverride(o: ColumnOverride, col: MysqlRawColumn): MysqlMappedType | { readonly error: string } {
  const family = familyOf(col)
  const natural = mapMysqlType(col)
  const keep = (type: RivetType): MysqlMappedType | null => ('problem' in natural || !sameType(natural.type, type) ? null : natural)
  const textLike = family === 'text' || family === 'enum'
  const intLike = family === 'int' || family === 'year' || family === 'bool'
  switch (o.kind) {
    case 'decimal':
      return decimalOverride(o.precision, o.scale, family)
    case 'text':
      return keep(utf8) ?? m(utf8, textOverrideKind(family), 'compatible')
    case 'json':
      if (family === 'json') return natural as MysqlMappedType
      // a text column holds any text: each value is checked to be JSON
      if (textLike) return m({ kind: 'json' }, 'json-text', 'compatible')
      return { error: 'a json override applies to json and text columns (MariaDB stores JSON as longtext)' }
    case 'int64': {
      const type: RivetType = { kind: 'int', bits: 64, signed: true }
      if (family === 'bit' || family === 'bit1') return keep(type) ?? m(type, 'bit', 'compatible')
      if (intLike || textLike || (family === 'decimal' && decimalOf(col)?.scale === 0)) return keep(type) ?? m(type, 'int', 'compatible')
      return { error: 'an int64 override applies to integer, bit, year, decimal(p,0) and text columns; cast other types in a query' }
    }
    case 'float64': {
      const type: RivetType = { kind: 'float', bits: 64 }
      if (family === 'float') return m(type, 'float', 'compatible')
      // a bigint or decimal value must read back the same from its double (checked per value)
      const wide = family === 'decimal' || (family === 'int' && INT_BITS[col.dataType.toLowerCase()] === 64)
      if (intLike || family === 'double' || family === 'decimal') return keep(type) ?? m(type, wide ? 'double-exact' : 'double', 'compatible')
      return { error: 'a float64 override applies to numeric columns; cast other types in a query' }
    }
    case 'bool':
      if (family === 'bool' || family === 'bit1') return natural as MysqlMappedType
      if (family === 'int') return m({ kind: 'bool' }, 'bool', 'compatible')
      return { error: 'a bool override applies to integer and bit(1) columns (values must be 0 or 1)' }
    case 'binary':
      if (family === 'binary') return natural as MysqlMappedType
      if (textLike || family === 'json') return m({ kind: 'binary' }, 'binary', 'compatible')
      return { error: 'a binary override applies to text, json and binary columns' }
    case 'uuid':
      if (family === 'uuid') return natural as MysqlMappedType
      if (family === 'binary' && /^binary\s*\(\s*16\s*\)$/i.test(col.columnType.trim())) return m({ kind: 'uuid' }, 'uuid-bin', 'compatible')
      if (textLike) return m({ kind: 'uuid' }, 'uuid', 'compatible')
      return { error: 'a uuid override applies to binary(16) and text columns' }
    case 'timestamp':
    case 'timestamp_tz':
    case 'date':
      return temporalOverride(o.kind, family, keep)
  }
}

function decimalOverride(precision: number, scale: number, family: Family): MysqlMappedType | { readonly error: string } {
  if (!Number.isInteger(precision) || !Number.isInteger(scale) || precision < 1 || precision > MYSQL_MAX_DECIMAL_PRECISION || scale < 0 || scale > precision) {
    return { error: `decimal(${precision},${scale}) needs 1 <= precision <= ${MYSQL_MAX_DECIMAL_PRECISION} and 0 <= scale <= precision` }
  }
  const type: RivetType = { kind: 'decimal', precision, scale }
  if (family === 'decimal') return m(type, 'decimal')
  if (family === 'int' || family === 'year' || family === 'bool' || family === 'text' || family === 'enum') return m(type, 'decimal', 'compatible')
  // a float becomes the shortest decimal that reads back as the same float (FLOAT: as the same
  // float32), not its exact binary value; that decimal must fit
  if (family === 'float' || family === 'double') return m(type, family === 'float' ? 'float' : 'decimal', 'lossy')
  return { error: 'a decimal override applies to numeric and text columns' }
}

function temporalOverride(
  kind: 'timestamp' | 'timestamp_tz' | 'date',
  family: Family,
  keep: (type: RivetType) => MysqlMappedType | null,
): MysqlMappedType | { readonly error: string } {
  const textLike = family === 'text' || family === 'enum'
  if (kind === 'date') {
    const type: RivetType = { kind: 'date' }
    if (family === 'date') return keep(type)!
    // a value with a time of day other than midnight is refused, not cut to its date
    if (family === 'datetime' || family === 'timestamp') return m(type, 'date', 'compatible')
    if (textLike) return m(type, 'date', 'compatible')
    return { error: 'a date override applies to date, datetime, timestamp and text columns' }
  }
  const type: RivetType = { kind: 'timestamp', tz: kind === 'timestamp' ? null : 'UTC' }
  if (family === 'date' || family === 'datetime' || family === 'timestamp' || textLike) return keep(type) ?? m(type, 'datetime', 'compatible')
  return { error: `a ${kind} override applies to date, datetime, timestamp and text columns` }
}

/** The decoder of a text override: the value as the server sends it, or a server-side rendering for bytes. */
function textOverrideKind(family: Family): MysqlDecoderKind {
  switch (family) {
    case 'binary':
      return 'text-hex'
    case 'float':
      return 'text-float'
    case 'bit':
    case 'bit1':
      return 'text-bit'
    case 'geometry':
      return 'text-wkt'
    case 'unknown':
      return 'text-char'
    default:
      return 'text'
  }
}

function problemItem(col: MysqlRawColumn, p: MysqlTypeProblem): ErrorItem {
  const q = JSON.stringify(col.name)
  const ident = quoteMysqlIdentifier(col.name)
  switch (p.problem) {
    case 'unbounded':
      return {
        code: 'RIVET_TYPE_NUMERIC_UNBOUNDED',
        path: col.name,
        message: `column ${q} is ${col.columnType} without a known precision and scale`,
        hint: `add \`columns: { ${q}: "decimal(38,9)" }\` with the precision and scale the data needs, or cast it in the query: CAST(${ident} AS DECIMAL(38,9))`,
      }
    case 'too_wide':
      return {
        code: 'RIVET_TYPE_UNSUPPORTED',
        path: col.name,
        message: `column ${q} is ${col.columnType}: precision ${p.precision} exceeds the 76 digits of decimal256`,
        hint: `add \`columns: { ${q}: "decimal(76,${Math.min(Math.max(p.scale, 0), 76)})" }\` if the values fit, or \`columns: { ${q}: text }\``,
      }
    case 'unsupported':
      return {
        code: 'RIVET_TYPE_UNSUPPORTED',
        path: col.name,
        message: `column ${q} has type ${col.columnType}, which Rivet cannot export as it is`,
        hint: `cast it in a \`query:\` (for example ${GEOMETRY.has(col.dataType.toLowerCase()) ? `ST_AsText(${ident})` : `CAST(${ident} AS CHAR)`}) or add \`columns: { ${q}: text }\``,
      }
  }
}

function typeError(items: ErrorItem[]): RivetError {
  const codes = new Set(items.map((i) => i.code))
  const code: ErrorCode = codes.size === 1 ? items[0].code : 'RIVET_TYPE_UNSUPPORTED'
  const listed = items.map((i) => i.path ?? '?').join(', ')
  const what = code === 'RIVET_TYPE_OVERRIDE_INVALID' ? 'invalid column overrides' : 'columns that cannot be exported as they are'
  const hint = codes.size === 1 ? (items.length === 1 && items[0].hint !== undefined ? items[0].hint : ERROR_CODES[code].hint) : 'see each listed column for what to do'
  return new RivetError(code, `${items.length} ${what}: ${listed}`, { hint, items, details: { columns: items.map((i) => i.path) } })
}

function sameType(a: RivetType, b: RivetType): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}
