import type { FieldPacket } from 'mysql2/promise'
import type { MysqlRawColumn } from './mysql-raw-column.js'

// protocol column type codes (include/mysql_com.h, enum_field_types)
const T = {
  DECIMAL: 0, TINY: 1, SHORT: 2, LONG: 3, FLOAT: 4, DOUBLE: 5, NULL: 6, TIMESTAMP: 7, LONGLONG: 8, INT24: 9, DATE: 10,
  TIME: 11, DATETIME: 12, YEAR: 13, NEWDATE: 14, VARCHAR: 15, BIT: 16, TIMESTAMP2: 17, DATETIME2: 18, TIME2: 19,
  VECTOR: 242, JSON: 245, NEWDECIMAL: 246, ENUM: 247, SET: 248, TINY_BLOB: 249, MEDIUM_BLOB: 250, LONG_BLOB: 251,
  BLOB: 252, VAR_STRING: 253, STRING: 254, GEOMETRY: 255,
} as const

// column definition flags
const NOT_NULL = 1
const UNSIGNED = 32
const ZEROFILL = 64
const ENUM_FLAG = 256
const SET_FLAG = 2048

/** The collation id of the `binary` character set: byte strings. */
const BINARY_CHARSET = 63
/** Decimals at or above this mean "not fixed" (MySQL sends 31, MariaDB 31 for floats and 39 for strings). */
const NOT_FIXED_DEC = 31

const INTEGERS: Readonly<Record<number, { name: string; precision: number; unsignedPrecision: number }>> = {
  [T.TINY]: { name: 'tinyint', precision: 3, unsignedPrecision: 3 },
  [T.SHORT]: { name: 'smallint', precision: 5, unsignedPrecision: 5 },
  [T.INT24]: { name: 'mediumint', precision: 7, unsignedPrecision: 8 },
  [T.LONG]: { name: 'int', precision: 10, unsignedPrecision: 10 },
  [T.LONGLONG]: { name: 'bigint', precision: 19, unsignedPrecision: 20 },
}

/**
 * Whether information_schema on this server writes integer display widths (`int(11)`, `year(4)`):
 * MariaDB and MySQL before 8.0.19 do; later MySQL keeps them only for tinyint(1) and zerofill.
 */
export function writesDisplayWidths(versionText: string): boolean {
  if (/mariadb/i.test(versionText)) return true
  const [major = 0, minor = 0, patch = 0] = (/^(\d+)\.(\d+)\.(\d+)/.exec(versionText) ?? []).slice(1).map(Number)
  return major * 10_000 + minor * 100 + patch < 80_019
}

type Base = Omit<MysqlRawColumn, 'name' | 'nullable'>

const plain = (dataType: string, columnType = dataType, characterSet: string | null = null): Base => ({
  dataType, columnType, numericPrecision: null, numericScale: null, datetimePrecision: null, characterSet,
})

/**
 * A result-set column as information_schema would describe it, from its field packet: type code,
 * flags (UNSIGNED, ZEROFILL, ENUM, SET), character set (63 = binary), length and decimals. Text
 * lengths are divided by 4: results come in the connection's utf8mb4.
 */
export function mysqlFieldColumn(field: FieldPacket, displayWidths: boolean): MysqlRawColumn {
  const flags = typeof field.flags === 'number' ? field.flags : 0
  return { name: field.name, nullable: (flags & NOT_NULL) === 0, ...fieldType(field, flags, displayWidths) }
}

function fieldType(field: FieldPacket, flags: number, displayWidths: boolean): Base {
  const code = field.columnType ?? field.type ?? -1
  const length = field.columnLength ?? field.length ?? 0
  const decimals = field.decimals
  const binary = field.characterSet === BINARY_CHARSET
  // MariaDB's extended metadata names data types the protocol has no code for
  if (field.extendedFormat === 'json') return plain('json', 'json', 'utf8mb4')
  if (field.extendedTypeName !== undefined && field.extendedTypeName !== '') return plain(field.extendedTypeName)
  const integer = INTEGERS[code]
  if (integer !== undefined) return integerType(integer, length, flags, displayWidths)
  switch (code) {
    case T.DECIMAL:
    case T.NEWDECIMAL:
      return decimalType(length, decimals, flags)
    case T.FLOAT:
    case T.DOUBLE: {
      const name = code === T.FLOAT ? 'float' : 'double'
      const fixed = decimals < NOT_FIXED_DEC
      const columnType = (fixed ? `${name}(${length},${decimals})` : name) + signSuffix(flags)
      return { ...plain(name, columnType), numericPrecision: length, numericScale: fixed ? decimals : null }
    }
    case T.NULL: // a bare NULL: CREATE TABLE ... AS SELECT makes it binary(0)
      return plain('binary', 'binary(0)', 'binary')
    case T.DATE:
    case T.NEWDATE:
      return plain('date')
    case T.TIMESTAMP:
    case T.TIMESTAMP2:
      return temporal('timestamp', decimals)
    case T.DATETIME:
    case T.DATETIME2:
      return temporal('datetime', decimals)
    case T.TIME:
    case T.TIME2:
      return temporal('time', decimals)
    case T.YEAR:
      return plain('year', displayWidths ? 'year(4)' : 'year')
    case T.BIT:
      return { ...plain('bit', `bit(${length})`), numericPrecision: length }
    case T.JSON:
      return plain('json', 'json', 'utf8mb4')
    case T.VECTOR:
      return plain('vector', `vector(${Math.floor(length / 4)})`)
    case T.ENUM:
      return plain('enum', 'enum', binary ? 'binary' : 'utf8mb4')
    case T.SET:
      return plain('set', 'set', binary ? 'binary' : 'utf8mb4')
    case T.STRING:
      if (flags & ENUM_FLAG) return plain('enum', 'enum', binary ? 'binary' : 'utf8mb4')
      if (flags & SET_FLAG) return plain('set', 'set', binary ? 'binary' : 'utf8mb4')
      return binary ? plain('binary', `binary(${length})`, 'binary') : plain('char', `char(${chars(length)})`, 'utf8mb4')
    case T.VARCHAR:
    case T.VAR_STRING:
      return binary ? plain('varbinary', `varbinary(${length})`, 'binary') : plain('varchar', `varchar(${chars(length)})`, 'utf8mb4')
    case T.TINY_BLOB:
    case T.MEDIUM_BLOB:
    case T.LONG_BLOB:
    case T.BLOB: {
      const name = lobSize(binary ? length : chars(length)) + (binary ? 'blob' : 'text')
      return plain(name, name, binary ? 'binary' : 'utf8mb4')
    }
    case T.GEOMETRY:
      return plain('geometry')
  }
  return plain('unknown', `unknown(type ${code})`)
}

function integerType(t: { name: string; precision: number; unsignedPrecision: number }, length: number, flags: number, displayWidths: boolean): Base {
  const unsigned = (flags & UNSIGNED) !== 0
  const zerofill = (flags & ZEROFILL) !== 0
  const width = displayWidths || zerofill || (t.name === 'tinyint' && length === 1) ? `(${length})` : ''
  return {
    ...plain(t.name, `${t.name}${width}${signSuffix(flags)}`),
    numericPrecision: unsigned ? t.unsignedPrecision : t.precision,
    numericScale: 0,
  }
}

/** decimal(p,s): the field length counts the digits, a decimal point when s > 0 and a sign unless unsigned. */
function decimalType(length: number, scale: number, flags: number): Base {
  const unsigned = (flags & UNSIGNED) !== 0
  const precision = Math.max(1, length - (scale > 0 ? 1 : 0) - (unsigned ? 0 : 1))
  return { ...plain('decimal', `decimal(${precision},${scale})${signSuffix(flags)}`), numericPrecision: precision, numericScale: scale }
}

function temporal(name: string, decimals: number): Base {
  const fsp = decimals >= 0 && decimals <= 6 ? decimals : 6
  return { ...plain(name, fsp > 0 ? `${name}(${fsp})` : name), datetimePrecision: fsp }
}

function signSuffix(flags: number): string {
  return ((flags & UNSIGNED) !== 0 ? ' unsigned' : '') + ((flags & ZEROFILL) !== 0 ? ' zerofill' : '')
}

/** Characters of a utf8mb4 text field (4 bytes each). */
function chars(length: number): number {
  return Math.ceil(length / 4)
}

function lobSize(units: number): string {
  if (units <= 255) return 'tiny'
  if (units <= 65_535) return ''
  if (units <= 16_777_215) return 'medium'
  return 'long'
}
